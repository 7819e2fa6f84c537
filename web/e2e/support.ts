// What the browser scenarios share: tokens and calls for the setup done by API, China dates,
// a small real PDF, the pages' field locators, the browser, and runners on a scenario's own data
// folder with their clocks moved on.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterAll, expect } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { LocalAccount } from '../src/api/local'
import type { DocumentCategory } from '../src/api/types'
import { CATEGORY_ZH } from '../src/lib/labels'
import { usccCheckCharacter } from '../src/lib/uscc'

/** A token from the runner's development sign-in, for the setup the Office does by API. */
export async function tokenAt(base: string, role: string, sub: string, email: string): Promise<string> {
  const response = await fetch(`${base}/local/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ roles: [role], sub, email }),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { token: string }).token
}

export async function callAt(base: string, method: string, path: string, bearer: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  expect(response.ok, `${method} ${path}: ${response.status} ${text}`).toBe(true)
  return JSON.parse(text)
}

/** China's date `days` from now, `YYYY-MM-DD`. */
export function chinaDate(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10)
}

/** A small well-formed one-page PDF whose text is `label` (ASCII), with a correct xref table. */
export function pdf(label: string): Buffer {
  const stream = `BT /F1 18 Tf 40 100 Td (${label}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body))
    body += `${index + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = Buffer.byteLength(body)
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

export function field(page: Page, path: string) {
  return page.locator(`[data-field="${path}"]`)
}

/** Types `date` (`YYYY-MM-DD`) into a date picker as people read it (`2015年6月1日`). */
export async function fillDate(page: Page, path: string, date: string) {
  const input = field(page, path).locator('input')
  await input.fill(`${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`)
  await input.press('Enter')
}


/** Debian's Chromium, headless, through playwright-core (no browser is downloaded). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/** Where the browser tests' screenshots go for people to look at: `$SCREENSHOT_DIR`, else the
 * repository's `target/screenshots/` (beside the build output, never committed). */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? join(import.meta.dirname, '..', '..', 'target', 'screenshots')

/** The phone viewport every visited page is also checked at (issue 21: a 390 px phone). */
export const PHONE = { width: 390, height: 844 }

/** What the checks counted over the whole run (each scenario file prints its own figures). */
export const checked = { pages: 0, axeRuns: 0, seriousOrCritical: 0 }

// Each scenario file's figures, printed and added to `checks.log` beside the screenshots.
afterAll(() => {
  if (checked.pages === 0) return
  const line = `${expect.getState().testPath?.split('/').pop() ?? '?'}: ${checked.pages} pages checked at 1280 and 390 px, ${checked.axeRuns} axe runs, ${checked.seriousOrCritical} serious or critical violations\n`
  console.log(line.trim())
  appendFileSync(join(SCREENSHOT_DIR, 'checks.log'), line)
})

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** Waits until every finite CSS animation and transition on the page has ended (a dialog's
 * fade-in, a menu opening), so that a screenshot or a check never sees a frame mid-fade. */
export async function settled(page: Page) {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => Number.isFinite(Number(animation.effect?.getComputedTiming().endTime)))
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  )
}

/** Waits, by polling each animation frame, until no Element Plus toast (`ElMessage`) is fading in
 * or out: every `.el-message` is either fully shown (no `el-message-fade-enter-*`/`-leave-*`
 * class, computed opacity 1) or gone. A toast's 3 s timer can end at any moment of a check, and axe
 * would rate its text mid-fade (a CI run once failed so). A toast fully shown is still checked. */
export async function toastsSteady(page: Page) {
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll('.el-message')).every(
        (toast) => !/\bel-message-fade-(enter|leave)/.test(toast.className) && getComputedStyle(toast).opacity === '1',
      ),
    undefined,
    { timeout: 15_000 },
  )
}

type AxeViolation = { id: string; impact: string | null; help: string; nodes: string[] }

/** axe-core on the page as it is (WCAG 2.1 A and AA rules): fails on any serious or critical
 * violation, listing each rule with the elements it found. Run once no toast is mid-fade
 * ([toastsSteady]); should a toast appear, start to fade or go while axe runs (the page counts
 * every change to a `.el-message`), the run is discarded and made again, at most five times. */
export async function checkA11y(page: Page, name: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE })
  let violations: AxeViolation[] = []
  for (let attempt = 1; ; attempt += 1) {
    await toastsSteady(page)
    const run = await page.evaluate(async () => {
      type Watch = { changes: number; observer: MutationObserver }
      const w = window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> }; __toastWatch?: Watch }
      const touchesToast = (records: MutationRecord[]) =>
        records.some(
          (record) =>
            (record.target instanceof Element && record.target.closest('.el-message') !== null) ||
            [...Array.from(record.addedNodes), ...Array.from(record.removedNodes)].some((node) => node instanceof Element && (node.matches('.el-message') || node.querySelector('.el-message') !== null)),
        )
      if (!w.__toastWatch) {
        const watch: Watch = { changes: 0, observer: new MutationObserver((records) => void (touchesToast(records) && (watch.changes += 1))) }
        watch.observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'style'] })
        w.__toastWatch = watch
      }
      const watch = w.__toastWatch
      const before = watch.changes + (touchesToast(watch.observer.takeRecords()) ? 1 : 0)
      // A toast that began to fade since the wait: not steady, try again.
      const steady = Array.from(document.querySelectorAll('.el-message')).every((toast) => !/\bel-message-fade-(enter|leave)/.test(toast.className) && getComputedStyle(toast).opacity === '1')
      if (!steady) return { toastMoved: true, violations: [] }
      const result = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
      if (touchesToast(watch.observer.takeRecords())) watch.changes += 1
      return {
        toastMoved: watch.changes !== before,
        violations: result.violations
          .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
          .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.slice(0, 5).map((node) => `${JSON.stringify(node.target)} ${node.failureSummary ?? ''}`.replace(/\s+/g, ' ')) })),
      }
    })
    violations = run.violations
    if (!run.toastMoved || attempt >= 5) break
  }
  // One h1 per page (axe's page-has-heading-one and heading-order are only moderate: asked here).
  const headings = await page.locator('h1:visible').allTextContents()
  expect(headings, `${name}: one h1`).toHaveLength(1)
  checked.axeRuns += 1
  checked.seriousOrCritical += violations.length
  const listed = violations.map((violation) => `${violation.impact} ${violation.id} (${violation.help}):\n    ${violation.nodes.join('\n    ')}`).join('\n  ')
  expect(violations, `axe on ${name} at ${page.viewportSize()?.width ?? '?'} px:\n  ${listed}`).toEqual([])
}

/** What a person reads must carry no code (issue 21, item 4): the page's text and the visible
 * placeholder, aria-label and title attributes, outside elements marked `data-allow-code` (the
 * Office's labelled seed and ids), are walked for an ISO date, a snake_case word, a raw URL or a
 * ULID. Returns what it read (the tests can look for more). */
export const CODE_PATTERNS: [string, RegExp][] = [
  ['ISO date', /\b\d{4}-\d{2}-\d{2}\b/],
  ['snake_case word', /\b[a-z]+_[a-z_]+\b/],
  ['raw URL', /\bhttps?:\/\/\S+/],
  ['ULID', /\b[0-9A-HJKMNP-TV-Z]{26}\b/],
]

export async function checkText(page: Page, name: string): Promise<string> {
  const text = await page.evaluate(() => {
    const visible = (element: Element) => (element as HTMLElement).offsetParent !== null || element.getClientRects().length > 0
    let body = document.body.innerText
    for (const allowed of Array.from(document.querySelectorAll<HTMLElement>('[data-allow-code]'))) {
      if (allowed.innerText) body = body.split(allowed.innerText).join(' ')
    }
    const attributes: string[] = []
    for (const element of Array.from(document.querySelectorAll('[placeholder], [aria-label], [title]'))) {
      if (!visible(element) || element.closest('[data-allow-code]')) continue
      for (const attribute of ['placeholder', 'aria-label', 'title']) {
        const value = element.getAttribute(attribute)
        if (value) attributes.push(value)
      }
    }
    for (const input of Array.from(document.querySelectorAll<HTMLInputElement>('input:not([type=hidden]):not([type=file]), textarea'))) {
      if (visible(input) && !input.closest('[data-allow-code]') && input.value) attributes.push(input.value)
    }
    return `${body}\n${attributes.join('\n')}`
  })
  const found = CODE_PATTERNS.flatMap(([what, pattern]) => {
    const match = new RegExp(pattern.source, 'g')
    return [...text.matchAll(match)].map((hit) => `${what}: ${hit[0]} (…${text.slice(Math.max(0, (hit.index ?? 0) - 30), (hit.index ?? 0) + hit[0].length + 30).replace(/\s+/g, ' ')}…)`)
  })
  expect(found, `codes shown to people on ${name}`).toEqual([])
  return text
}

/** Every visible input, select and textarea (Element Plus's el-input, el-select, date pickers and
 * radios included: their inner native controls) must have an accessible name from a real label:
 * `aria-label`, `aria-labelledby` naming elements with text, a `label[for]` or a wrapping `label`
 * (`control.labels`) with text. A placeholder or a title is no label. Fails listing each unlabelled
 * control (tag, type, classes, its form field and placeholder). With `E2E_LABELS_SURVEY` set to a
 * file, the list is appended there instead (to find them all in one run). */
export async function checkLabels(page: Page, name: string) {
  const unlabelled = await page.evaluate(() => {
    const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim()
    const named = (control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement) => {
      if ((control.getAttribute('aria-label') ?? '').trim()) return true
      const by = control.getAttribute('aria-labelledby')
      if (by && by.split(/\s+/).some((id) => text(document.getElementById(id)) !== '')) return true
      return Array.from(control.labels ?? []).some((label) => text(label) !== '')
    }
    const visible = (control: Element) => control.getClientRects().length > 0 && getComputedStyle(control).visibility !== 'hidden' && !control.closest('[aria-hidden="true"]')
    return Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea'))
      .filter((control) => !['hidden', 'file'].includes(control.getAttribute('type') ?? '') && visible(control) && !named(control))
      .map((control) => {
        const fieldPath = control.closest('[data-field]')?.getAttribute('data-field')
        const testid = control.closest('[data-testid]')?.getAttribute('data-testid')
        const placeholder = control.getAttribute('placeholder')
        return `${control.tagName.toLowerCase()}[type=${control.getAttribute('type') ?? ''}].${Array.from(control.classList).join('.')}${fieldPath ? ` in [data-field=${fieldPath}]` : ''}${testid ? ` in [data-testid=${testid}]` : ''}${placeholder ? ` placeholder "${placeholder}"` : ''} (${location.hash})`
      })
  })
  const survey = process.env.E2E_LABELS_SURVEY
  if (survey) {
    if (unlabelled.length) appendFileSync(survey, `${name}:\n  ${unlabelled.join('\n  ')}\n`)
    return
  }
  expect(unlabelled, `${name}: controls without a label (label[for], aria-labelledby, a wrapping label or aria-label):\n  ${unlabelled.join('\n  ')}`).toEqual([])
}

/** The live regions of the page's accessibility tree (Playwright's `ariaSnapshot` of the body, as
 * Chromium exposes it to a screen reader): each `alert` (announced at once: Element Plus's
 * ElMessage and el-alert) and `status` (announced politely) with its text. */
export async function liveRegions(page: Page): Promise<{ role: 'alert' | 'status'; text: string }[]> {
  const lines = (await page.locator('body').ariaSnapshot()).split('\n')
  const unquote = (text: string) => text.trim().replace(/^"(.*)"$/, '$1').replace(/\\"/g, '"')
  const found: { role: 'alert' | 'status'; text: string }[] = []
  lines.forEach((line, index) => {
    const region = /^(\s*)- (alert|status)(?: "((?:[^"\\]|\\.)*)")?[^:]*(?::\s*(.*))?$/.exec(line)
    if (!region) return
    const depth = region[1]!.length
    const parts = [region[3] ?? '', unquote(region[4] ?? '')]
    for (const child of lines.slice(index + 1)) {
      if ((/^\s*/.exec(child)?.[0].length ?? 0) <= depth) break
      const named = /^\s*- [a-z]+(?: "((?:[^"\\]|\\.)*)")?[^:]*(?::\s*(.*))?$/.exec(child)
      if (named) parts.push(named[1] ?? '', unquote(named[2] ?? ''))
    }
    found.push({ role: region[2] as 'alert' | 'status', text: parts.filter(Boolean).join(' ').trim() })
  })
  return found
}

/** After a save or a submission: a live region of `role` says `words` (polled, as the page answers
 * when the server has), and it says it in Chinese (Chinese characters, no code, no English word). */
export async function expectAnnounced(page: Page, role: 'alert' | 'status', words: string | RegExp) {
  const matches = (text: string) => (typeof words === 'string' ? text.includes(words) : words.test(text))
  let said = ''
  await expect
    .poll(async () => {
      const regions = await liveRegions(page)
      said = regions.find((region) => region.role === role && matches(region.text))?.text ?? ''
      return said !== '' ? 'announced' : regions
    }, { timeout: 15_000 })
    .toBe('announced')
  expect(said, `${said}: in Chinese`).toMatch(/[\u4e00-\u9fff]/)
  expect(said, `${said}: no English word`).not.toMatch(/[A-Za-z]{4,}/)
  for (const [what, pattern] of CODE_PATTERNS) expect(said, `${said}: no ${what}`).not.toMatch(pattern)
}

/** At the phone viewport nothing may overflow the page sideways. */
export async function checkNoOverflow(page: Page, name: string) {
  const widths = await page.evaluate(() => {
    const inner = window.innerWidth
    // What sticks out: the outermost elements reaching past the right edge, named for the message.
    const wide = Array.from(document.body.querySelectorAll('*'))
      .filter((element) => element.getBoundingClientRect().right > inner + 1 && !element.parentElement?.closest('[data-overflowing]'))
      .slice(0, 40)
      .map((element) => `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}.${Array.from(element.classList).join('.')} (${Math.round(element.getBoundingClientRect().right)} px)`)
    return { scroll: document.documentElement.scrollWidth, inner, wide }
  })
  expect(widths.scroll, `${name}: the page is ${widths.scroll} px wide at ${widths.inner} px; past the edge: ${widths.wide.join(', ')}`).toBeLessThanOrEqual(widths.inner)
}

/** At 390×844, each of `texts` (a row's name, credit code, dates, status) is shown inside
 * `container` and lies within the screen's width, not behind a sideways scroll; then back. */
export async function checkKeyFieldsOnPhone(page: Page, container: string, texts: string[]) {
  const viewport = page.viewportSize()
  await page.setViewportSize(PHONE)
  await settled(page)
  try {
    for (const text of texts) {
      const shown = page.locator(container).getByText(text, { exact: true }).first()
      expect(await shown.isVisible(), `${text} shown at ${PHONE.width} px`).toBe(true)
      const box = await shown.boundingBox()
      expect(box, text).not.toBeNull()
      expect(box!.x, `${text} starts on screen`).toBeGreaterThanOrEqual(0)
      expect(box!.x + box!.width, `${text} ends on screen`).toBeLessThanOrEqual(PHONE.width)
    }
  } finally {
    if (viewport) await page.setViewportSize(viewport)
  }
}

/** Every visited page, checked and kept: once its transitions have ended, a full-page screenshot,
 * axe-core and the text walk at the scenario's viewport, then the same page at 390×844 (no
 * sideways overflow, axe again, a `-phone` screenshot) and back. */
export async function checkPage(page: Page, path: string, name: string) {
  await settled(page)
  await page.screenshot({ path: `${path}.png`, fullPage: true })
  await checkA11y(page, name)
  await checkText(page, name)
  await checkLabels(page, name)
  const viewport = page.viewportSize()
  if (viewport && viewport.width !== PHONE.width) {
    await page.setViewportSize(PHONE)
    await settled(page)
    await checkNoOverflow(page, name)
    await checkA11y(page, `${name} (phone)`)
    await checkLabels(page, `${name} (phone)`)
    await page.screenshot({ path: `${path}-phone.png`, fullPage: true })
    await page.setViewportSize(viewport)
    await settled(page)
  } else {
    await checkNoOverflow(page, name)
  }
  checked.pages += 1
}

/** Full-page screenshots under [SCREENSHOT_DIR], numbered in the order taken, named
 * `prefix-NN-name.png` (and `…-phone.png`), each page checked by [checkPage]. */
export function screenshots(prefix: string): (page: Page, name: string) => Promise<void> {
  let shot = 0
  return async (page, name) => {
    shot += 1
    const file = `${prefix}-${String(shot).padStart(2, '0')}-${name}`
    await checkPage(page, join(SCREENSHOT_DIR, file), file)
  }
}

/** How a runner starts: `demo` plays the demo's award cycle into an empty data folder first
 * (`serve --demo`); `withinMs` bounds the wait for its serving line, failing with what it printed. */
export interface RunnerStart {
  demo?: boolean
  withinMs?: number
  /** The address to bind (default 127.0.0.1); `0.0.0.0` is not loopback, so the development
   * sign-in is off there. The runner is still reached through 127.0.0.1. */
  bind?: string
}

/** One `award-local serve` on a scenario's own data folder, its clock `offsetDays` on
 * (AWARD_CLOCK_OFFSET_DAYS, read only at start), serving the pages in `web` (default: the build);
 * `start` resolves to its address once it says it is serving. A second runner on the same folder
 * continues the first's data. */
export class Runner {
  private child: ChildProcess | null = null

  constructor(
    private readonly bin: string,
    private readonly data: string,
    private readonly web: string = join(import.meta.dirname, '..', 'dist'),
  ) {}

  start(offsetDays: number, options: RunnerStart = {}): Promise<string> {
    const web = this.web
    const demo = options.demo ? ['--demo'] : []
    return new Promise((resolve, reject) => {
      const child = spawn(this.bin, ['serve', ...demo, '--addr', `${options.bind ?? '127.0.0.1'}:0`, '--data', this.data, '--redrive-minutes', '1', '--web', web], {
        env: { ...process.env, AWARD_CLOCK_OFFSET_DAYS: String(offsetDays) },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      this.child = child
      let output = ''
      let deadline: NodeJS.Timeout | undefined
      const read = (chunk: Buffer) => {
        output += chunk.toString()
        const address = /serving the award API on http:\/\/[\d.]+:(\d+)/.exec(output)?.[1]
        if (address) {
          clearTimeout(deadline)
          resolve(`http://127.0.0.1:${address}`)
        }
      }
      child.stdout?.on('data', read)
      child.stderr?.on('data', read)
      child.on('exit', (code) => {
        clearTimeout(deadline)
        reject(new Error(`award-local exited (${code}) before serving:\n${output}`))
      })
      if (options.withinMs !== undefined) {
        deadline = setTimeout(() => reject(new Error(`award-local did not say it was serving within ${options.withinMs} ms:\n${output}`)), options.withinMs)
      }
    })
  }

  stop(): Promise<void> {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null) return Promise.resolve()
    return new Promise((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  }
}

/** Signs in on the development sign-in page as `sub` in the role named `roleZh`. */
export async function signIn(page: Page, base: string, roleZh: string, sub: string, email: string) {
  await page.goto(`${base}/#/sign-in`)
  await page.locator('[data-testid="role"]').getByText(roleZh, { exact: true }).click()
  await page.locator('input[data-testid="sub"]').fill(sub)
  await page.locator('input[data-testid="email"]').fill(email)
  await page.locator('[data-testid="sign-in"]').click()
  await expect.poll(() => page.locator('[data-testid="signed-in-as"]').getAttribute('data-account')).toBe(sub)
  // The sign-in page then opens the role's home page: a later `goto` must not race that.
  await expect.poll(() => new URL(page.url()).hash).not.toContain('/sign-in')
}

/** The day `months` before `date` (`YYYY-MM-DD`), for the form's dates counted back from the deadline. */
function monthsBefore(date: string, months: number): string {
  const day = new Date(`${date}T00:00:00Z`)
  day.setUTCMonth(day.getUTCMonth() - months)
  return day.toISOString().slice(0, 10)
}

function yearsAfter(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`
}

export interface Rubric {
  total_points: number
  categories: { id: string; items: { id: string; points: number }[] }[]
}

/** The README's whole application form for `organisation`, its dates counted back from `deadline`. */
export function completeForm(deadline: string, items: string[], organisation: { name: string; uscc: string }) {
  const y = Number(deadline.slice(0, 4))
  const years = [y - 3, y - 2, y - 1].map((year, index) => ({
    year,
    revenue: 28_600_000_000 + index * 2_150_000_000,
    profit: 3_140_000_000 + index * 280_000_000,
    taxes: 1_865_000_000 + index * 120_000_000,
    quality_indicators: [{ name: '产品监督抽查合格率', value: '100', unit: '%' }],
  }))
  return {
    organisation: {
      name: organisation.name,
      uscc: organisation.uscc,
      registration_date: '2015-06-01',
      division_code: '620602',
      registered_address: '甘肃省武威市凉州区黄羊镇工业园区8号',
      legal_representative: '张建国',
      industry_code: 'C15',
      employee_count: 486,
      construction_enterprise: false,
    },
    contact: { name: '李梅', mobile: '13919351234', email: 'contact@example.cn' },
    certificates: [
      {
        standard: 'GB/T 19001-2016',
        number: '00124Q31234R2M',
        issuer: '中国质量认证中心',
        valid_from: monthsBefore(deadline, 14),
        valid_until: yearsAfter(monthsBefore(deadline, 14), 3),
      },
    ],
    self_assessment: Object.fromEntries(items.map((item) => [item, { score: 60, narrative: '按照GB/T 19580建立并实施相应过程，定期测量评价并持续改进。' }])),
    key_indicators: years,
    inspections: [
      { date: monthsBefore(deadline, 27), kind: 'quality_sampling', passed: true },
      { date: monthsBefore(deadline, 3), kind: 'quality_sampling', passed: true },
    ],
    declares_all_inspections_passed: true,
    project_awards: [],
    credit: { status: 'good' },
    incidents: [],
    declares_no_incidents: true,
    compliance: { industry_policy: true, environmental: true, energy: true, work_safety: true, quality: true },
    operating_normally: true,
    integrity_pledge: true,
  }
}

/** Five experts, none employed by the applicant (employer USCCs with a valid check character). */
export const EXPERTS = [1, 2, 3, 4, 5].map((n) => {
  const first17 = `1262000043800${String(n).padStart(4, '0')}`
  return { account: `expert-${n}`, name: ['李四', '王五', '赵敏', '陈静', '刘洋'][n - 1] as string, employerUscc: `${first17}${usccCheckCharacter(first17)}` }
})

/** Declares one evidence file per required category and uploads it through its presigned link. */
export async function uploadEvidence(base: string, applicationId: string, bearer: string, categories: string[]) {
  for (const category of categories) {
    const body = pdf(category)
    const sha256 = createHash('sha256').update(body).digest('hex')
    const declared = (await callAt(base, 'POST', `/applications/${applicationId}/documents`, bearer, {
      category,
      file_name: `${CATEGORY_ZH[category as DocumentCategory] ?? category}.pdf`,
      content_type: 'application/pdf',
      size: body.length,
      sha256,
    })) as { upload: { method: string; url: string; headers: Record<string, string> } }
    const headers = Object.fromEntries(Object.entries(declared.upload.headers).filter(([name]) => !['content-length', 'host'].includes(name)))
    const stored = await fetch(declared.upload.url, { method: declared.upload.method, headers, body: new Uint8Array(body) })
    expect(stored.status, await stored.text()).toBeLessThan(300)
  }
}

/** Answers the confirmation a step that cannot be undone asks first (src/lib/confirm.ts): checks
 * that it names the step, then presses `action` (the confirming button's words). */
export async function confirmStep(page: Page, title: string, action: string) {
  const box = page.getByRole('dialog', { name: title })
  await box.waitFor()
  await box.getByRole('button', { name: action }).click()
  await box.waitFor({ state: 'hidden' })
}

/** Follows the header's link `name` while a form holds unsaved changes (src/lib/unsaved.ts):
 * waits for the page to ask (`whileAsked` runs then, e.g. a screenshot), answers "留在此页", and
 * gives the question's words. */
export async function followLinkAndStay(page: Page, name: string, whileAsked?: () => Promise<void>): Promise<string> {
  await page.locator('.masthead nav').getByRole('link', { name, exact: true }).click()
  const box = page.getByRole('dialog', { name: '离开此页' })
  await box.waitFor()
  await whileAsked?.()
  const words = (await box.locator('.el-message-box__message').textContent())?.trim() ?? ''
  await box.getByRole('button', { name: '留在此页' }).click()
  await box.waitFor({ state: 'hidden' })
  return words
}

/** Reloads the page, leaving through the browser's own question about unsaved changes
 * (`beforeunload`); gives the kinds of the dialogs the browser showed. */
export async function reloadPastUnsavedWarning(page: Page): Promise<string[]> {
  const shown: string[] = []
  const answer = (dialog: { type(): string; accept(): Promise<void> }) => {
    shown.push(dialog.type())
    void dialog.accept()
  }
  page.on('dialog', answer)
  try {
    await page.reload()
  } finally {
    page.off('dialog', answer)
  }
  return shown
}

/** Chooses the division `name` in the picker of field `path` by keyboard: types part of the name
 * into the picker (the caller has put the focus on it, by Tab or a click), takes the first match
 * with Enter, and waits until the picker reads `fullName` (甘肃省武威市凉州区). */
export async function pickDivision(page: Page, path: string, name: string, fullName: string) {
  await page.keyboard.type(name)
  await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().waitFor()
  await page.keyboard.press('Enter')
  await expect.poll(() => page.locator(`[data-field="${path}"] .el-select__selection`).textContent()).toContain(fullName)
}

/** Chooses the industry `name` (a GB/T 4754 division) in the picker of field `path` by keyboard:
 * types part of the name into the focused picker and takes the first match with Enter. */
export async function pickIndustry(page: Page, path: string, name: string) {
  await page.keyboard.type(name)
  await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().waitFor()
  await page.keyboard.press('Enter')
  await expect.poll(() => page.locator(`[data-field="${path}"] .el-select__selection`).textContent()).toContain(name)
}

/** Plays the demo on `runner` (within `withinMs`) and reads its accounts from `/local/accounts`:
 * the start every demo-based browser file shares. */
export async function startDemo(runner: Runner, withinMs: number): Promise<{ base: string; accounts: LocalAccount[] }> {
  const base = await runner.start(0, { demo: true, withinMs })
  const answer = await fetch(`${base}/local/accounts`)
  if (answer.status !== 200) throw new Error(`GET /local/accounts answered ${answer.status}`)
  return { base, accounts: ((await answer.json()) as { accounts: LocalAccount[] }).accounts }
}
