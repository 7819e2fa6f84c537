// Printing (issue 22): the browser's print-to-PDF is the PDF. On the demo (`award-local serve
// --demo`, a runner of its own: a whole 2026 cycle played), each print view is opened as its
// reader opens it, its 打印 button checked (it calls `window.print()`), then printed as Chromium
// prints it:
//
// - the layout measured with print media emulated at the printable width of its A4 page
//   (src/lib/print.ts `PRINTABLE_WIDTH_PX`): nothing of the site's masthead, menus or buttons
//   shown, nothing wider than the page, no table wider than its box;
// - `page.pdf()` on A4, read with pdf.js (pdfjs-dist, in Node): the expected Chinese text, a
//   plausible page count, every piece of text inside the page, every font a CJK one (Noto CJK),
//   no code (ISO date, snake_case, URL, ULID) on paper; for the official documents the GB/T 9704
//   margins (天头 37 mm, 订口 28 mm) and a centred title; the certificate on one page lying down;
// - the PDF kept as `print-pdf-NN-name.pdf` and its first page drawn by pdf.js in Chromium as
//   `print-pdf-NN-name.png` (the last page `…-last.png`) under target/screenshots/, to be looked at.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { LocalAccount } from '../src/api/local'
import type { ApplicationSummary, CycleView, ApplicationView, MyAssignment, MyReview, PublicAwards, PublicPublicity, Ranking, Role } from '../src/api/types'
import { chinaToday, formatChinaDate } from '../src/lib/dates'
import { ROLE_ZH } from '../src/lib/labels'
import { OFFICE_ISSUER, PRINTABLE_WIDTH_PX, validityZh } from '../src/lib/print'
import { formatCenti, runningTotal } from '../src/lib/scores'
import { callAt, CODE_PATTERNS, launchChromium, Runner, SCREENSHOT_DIR, screenshots, settled, startDemo, tokenAt } from './support'

const data = mkdtempSync(join(tmpdir(), 'award-print-'))
const runner = new Runner(process.env.AWARD_LOCAL_BIN ?? '', data)
const screenshot = screenshots('print')
const PLAY_MS = 180_000
const CYCLE = '2026'
const TITLE = '2026年度武威市人民政府质量奖'
const SCREEN = { width: 1280, height: 720 }
/** PDF points per millimetre. */
const PT_PER_MM = 72 / 25.4
let browser: Browser
let base = ''
let accounts: LocalAccount[] = []
let printed = 0

function account(sub: string): LocalAccount {
  const found = accounts.find((candidate) => candidate.sub === sub)
  expect(found, `the demo account ${sub}`).toBeDefined()
  return found!
}

function tokenOf(sub: string): Promise<string> {
  const { role, email } = account(sub)
  return tokenAt(base, role, sub, email)
}

const call = async <T>(method: string, path: string, sub: string) => (await callAt(base, method, path, await tokenOf(sub))) as T

let current: Page | null = null

async function newPage(): Promise<Page> {
  current = await (await browser.newContext({ reducedMotion: 'reduce', viewport: SCREEN })).newPage()
  return current
}

/** Signs in as the demo account `sub` on the development sign-in page (its name in the top bar). */
async function signInAs(page: Page, sub: string) {
  const wanted = account(sub)
  const role: Role = wanted.role
  await page.goto(`${base}/#/sign-in`)
  await expect.poll(() => page.locator('[data-testid="local-sign-in"]').getAttribute('data-demo-accounts')).toBe(String(accounts.length))
  await page.locator('[data-testid="role"]').getByText(ROLE_ZH[role], { exact: true }).click()
  await page.locator('input[data-testid="sub"]').fill(sub)
  await page.locator('input[data-testid="email"]').fill(wanted.email)
  await page.locator('[data-testid="sign-in"]').click()
  await expect.poll(() => page.locator('[data-testid="signed-in-as"]').getAttribute('data-account')).toBe(sub)
  await expect.poll(() => new URL(page.url()).hash).not.toContain('/sign-in')
}

type PageKind = keyof typeof PRINTABLE_WIDTH_PX

interface PrintedPage {
  width: number
  height: number
  text: string
  /** Every piece of text: where it starts and ends, in points from the page's left and top. */
  boxes: { str: string; left: number; right: number; top: number; bottom: number }[]
}

/** Reads a PDF with pdf.js: each page's size (points) and its text with positions. */
async function readPdf(bytes: Buffer): Promise<PrintedPage[]> {
  const document = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise
  const pages: PrintedPage[] = []
  for (let number = 1; number <= document.numPages; number += 1) {
    const page = await document.getPage(number)
    const [x0, y0, x1, y1] = page.view as [number, number, number, number]
    const width = x1 - x0
    const height = y1 - y0
    const content = await page.getTextContent()
    const boxes: PrintedPage['boxes'] = []
    let text = ''
    for (const item of content.items) {
      if (!('str' in item)) continue
      text += item.str
      if (item.hasEOL) text += '\n'
      if (!item.str.trim()) continue
      const [, , , , x, y] = item.transform as number[]
      const size = Math.hypot(item.transform[2] as number, item.transform[3] as number)
      boxes.push({ str: item.str, left: x! - x0, right: x! - x0 + item.width, top: height - (y! - y0) - size, bottom: height - (y! - y0) })
    }
    pages.push({ width, height, text, boxes })
  }
  await document.destroy()
  return pages
}

/** The fonts a PDF embeds, by their descriptors' names (`/FontName /AAAAAA+NotoSansCJKsc-Regular`;
 * Chromium writes the descriptors uncompressed). */
function fontsOf(bytes: Buffer): string[] {
  const raw = bytes.toString('latin1')
  return [...new Set([...raw.matchAll(/\/FontName\s*\/(?:[A-Z]{6}\+)?([^\s/>]+)/g)].map((match) => match[1]!))]
}

/** The CJK radicals a PDF's ToUnicode map may give for an ideograph's glyph (Chromium maps a glyph
 * Noto CJK shares between a radical and its ideograph to the radical: 人 extracts as ⼈, 民 as ⺠).
 * NFKC folds the Kangxi radicals (U+2F00–U+2FD5); the supplement's (U+2E80–U+2EF3) are folded here. */
const RADICALS_SUPPLEMENT: Record<string, string> = {
  '⺠': '民', '⻘': '青', '⻓': '长', '⻜': '飞', '⻢': '马', '⻋': '车', '⻛': '风', '⻔': '门', '⻄': '西', '⻅': '见',
  '⻉': '贝', '⻝': '食', '⻨': '麦', '⻩': '黄', '⻬': '齐', '⻮': '齿', '⻥': '鱼', '⻦': '鸟', '⻰': '龙', '⻳': '龟',
  '⻚': '页', '⻆': '角', '⺟': '母', '⻣': '骨', '⻑': '長', '⻤': '鬼', '⻁': '虎', '⻙': '韦', '⻡': '鼡', '⺬': '示',
  '⺮': '竹', '⻊': '足', '⻃': '采', '⺶': '羊', '⺷': '羊', '⺺': '聿', '⻌': '辶', '⻍': '辶', '⺝': '月', '⺼': '月',
}

/** The text as people read it: ideographs for radicals, no spaces. */
function readable(text: string): string {
  return [...text.normalize('NFKC')].map((char) => RADICALS_SUPPLEMENT[char] ?? char).join('').replace(/\s+/g, '')
}

const PDFJS = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))

/** Draws page `number` of the PDF with pdf.js inside Chromium and keeps it as a PNG. */
async function drawPage(bytes: Buffer, number: number, path: string) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1400 } })
  try {
    const page = await context.newPage()
    // pdf.js's own module draws the first page into a canvas; the page says when it is done.
    const html = `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#888"><canvas id="page"></canvas>
<script type="module">
import * as pdfjs from '/pdf.mjs'
pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.mjs'
try {
  const document = await pdfjs.getDocument({ url: '/document.pdf' }).promise
  const first = await document.getPage(${number})
  const viewport = first.getViewport({ scale: 1.5 })
  const canvas = window.document.getElementById('page')
  canvas.width = viewport.width
  canvas.height = viewport.height
  await first.render({ canvas, canvasContext: canvas.getContext('2d'), viewport }).promise
  window.document.body.dataset.drawn = 'yes'
} catch (error) {
  window.document.body.dataset.drawn = String(error)
}
</script>`
    await page.route('http://print.test/**', async (route) => {
      const url = new URL(route.request().url())
      if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: html })
      if (url.pathname === '/document.pdf') return route.fulfill({ contentType: 'application/pdf', body: bytes })
      return route.fulfill({ contentType: 'text/javascript', body: readFileSync(join(PDFJS, 'build', url.pathname.slice(1))) })
    })
    await page.goto('http://print.test/')
    await expect.poll(() => page.locator('body').getAttribute('data-drawn'), { timeout: 30_000 }).toBe('yes')
    await page.locator('#page').screenshot({ path })
  } finally {
    await context.close()
  }
}

interface PrintCheck {
  /** The page box it prints on (print.css): `page` (A4, 18 mm margins), `official` (GB/T 9704), `certificate` (A4 lying down). */
  kind: PageKind
  /** What the paper must say (whitespace ignored). */
  expected: string[]
  /** A plausible number of pages. */
  pages: [number, number]
}

/**
 * Prints the page as it is: its 打印 button calls `window.print()`; in print media at the
 * printable width nothing of the site shows and nothing is wider than the page; the PDF says what
 * it must, on a plausible number of pages, every text inside the page, in CJK fonts, no code.
 */
async function printView(page: Page, name: string, check: PrintCheck): Promise<PrintedPage[]> {
  printed += 1
  const file = join(SCREENSHOT_DIR, `print-pdf-${String(printed).padStart(2, '0')}-${name}`)
  // On screen: the page passes every check (axe, text, labels, the phone) and offers 打印.
  await screenshot(page, name)
  const button = page.locator('[data-testid="print"]')
  expect(await button.isVisible(), `${name}: 打印 on screen`).toBe(true)
  await page.evaluate(() => {
    const w = window as unknown as { __printCalls: number }
    w.__printCalls = 0
    window.print = () => void (w.__printCalls += 1)
  })
  await button.click()
  expect(await page.evaluate(() => (window as unknown as { __printCalls: number }).__printCalls), `${name}: 打印 prints`).toBe(1)

  // The printed layout, measured: print media at the page's printable width.
  const width = Math.floor(PRINTABLE_WIDTH_PX[check.kind])
  await page.emulateMedia({ media: 'print' })
  await page.setViewportSize({ width, height: 1100 })
  await settled(page)
  const layout = await page.evaluate(() => {
    const shown = (element: Element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden'
    const site = Array.from(document.querySelectorAll('.masthead, .foot, nav, [role="menubar"], .el-menu, button, .el-button, input:not([type=hidden]), select, textarea, .el-message'))
      .filter(shown)
      .map((element) => `${element.tagName.toLowerCase()}.${Array.from(element.classList).join('.')} “${(element.textContent ?? '').trim().slice(0, 20)}”`)
    const inner = window.innerWidth
    const wide = Array.from(document.body.querySelectorAll('*'))
      .filter((element) => shown(element) && element.getBoundingClientRect().right > inner + 1)
      .slice(0, 20)
      .map((element) => `${element.tagName.toLowerCase()}.${Array.from(element.classList).join('.')} (${Math.round(element.getBoundingClientRect().right)} px)`)
    const tables = Array.from(document.querySelectorAll('table'))
      .filter(shown)
      .filter((table) => table.scrollWidth > table.clientWidth + 1 || table.getBoundingClientRect().right > inner + 1)
      .map((table) => `${table.className}: ${table.scrollWidth} px in ${table.clientWidth} px`)
    return { site, wide, tables, scroll: document.documentElement.scrollWidth, inner, tablesShown: document.querySelectorAll('table').length }
  })
  expect(layout.site, `${name}: nothing of the site's masthead, menus or buttons in print`).toEqual([])
  expect(layout.scroll, `${name}: the printed page is ${layout.scroll} px wide at ${layout.inner} px; past the edge: ${layout.wide.join(', ')}`).toBeLessThanOrEqual(layout.inner)
  expect(layout.wide, `${name}: past the printed page's edge`).toEqual([])
  expect(layout.tables, `${name}: tables wider than their box in print`).toEqual([])
  await page.screenshot({ path: `${file}-print-media.png`, fullPage: true })

  // Printed as one prints it from the screen: the screen's width, then A4 as print.css says.
  await page.setViewportSize(SCREEN)
  await settled(page)
  const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true })
  await page.emulateMedia({ media: 'screen' })
  writeFileSync(`${file}.pdf`, pdf)
  const pages = await readPdf(pdf)
  await drawPage(pdf, 1, `${file}.png`)
  if (pages.length > 1) await drawPage(pdf, pages.length, `${file}-last.png`)
  // Each print's figures, beside the other scenarios' in checks.log.
  const line = `print.e2e.ts: ${name}: ${pages.length} ${pages.length === 1 ? 'page' : 'pages'} (${check.kind === 'certificate' ? 'A4 landscape' : check.kind === 'official' ? 'A4, GB/T 9704' : 'A4'})\n`
  console.log(line.trim())
  appendFileSync(join(SCREENSHOT_DIR, 'checks.log'), line)
  const [fewest, most] = check.pages
  expect(pages.length, `${name}: ${pages.length} pages`).toBeGreaterThanOrEqual(fewest)
  expect(pages.length, `${name}: ${pages.length} pages`).toBeLessThanOrEqual(most)
  // A4: 595 × 842 points (lying down for the certificate).
  const [short, long] = [210 * PT_PER_MM, 297 * PT_PER_MM]
  for (const printedPage of pages) {
    const [w, h] = check.kind === 'certificate' ? [long, short] : [short, long]
    expect(Math.abs(printedPage.width - w), `${name}: page width ${printedPage.width} pt`).toBeLessThan(2)
    expect(Math.abs(printedPage.height - h), `${name}: page height ${printedPage.height} pt`).toBeLessThan(2)
    // Nothing cut: every piece of text inside the paper.
    const outside = printedPage.boxes.filter((box) => box.left < -0.5 || box.right > printedPage.width + 0.5 || box.top < -0.5 || box.bottom > printedPage.height + 0.5)
    expect(outside.map((box) => `${box.str} (${Math.round(box.left)}–${Math.round(box.right)} pt)`), `${name}: text outside the page`).toEqual([])
  }
  const text = pages.map((p) => p.text).join('\n')
  const squeezed = readable(text)
  for (const words of check.expected) expect(squeezed, `${name}: the PDF says ${words}`).toContain(readable(words))
  // Anything left in the radicals' blocks was not folded back: name it here to fold it.
  expect(squeezed.match(/[\u2e80-\u2fdf]/g) ?? [], `${name}: radicals left in the PDF's text`).toEqual([])
  const codes = CODE_PATTERNS.flatMap(([what, pattern]) => [...text.matchAll(new RegExp(pattern.source, 'g'))].map((hit) => `${what}: ${hit[0]}`))
  expect(codes, `${name}: codes on paper`).toEqual([])
  // Chinese in a CJK font, and no other font at all (Noto Sans/Serif CJK carry the digits too).
  const fonts = fontsOf(pdf)
  expect(fonts.length, `${name}: fonts embedded`).toBeGreaterThan(0)
  expect(fonts.filter((font) => !/CJK/i.test(font)), `${name}: fonts other than CJK ones (${fonts.join(', ')})`).toEqual([])
  return pages
}

/** The official documents' layout on paper (GB/T 9704): text starts 28 mm from the left edge and
 * 37 mm from the top, stays inside 156 × 225 mm, and the title is centred on the 版心. */
function checkOfficialLayout(name: string, pages: PrintedPage[], title: string) {
  const mm = (points: number) => points / PT_PER_MM
  for (const [index, printedPage] of pages.entries()) {
    const left = Math.min(...printedPage.boxes.map((box) => box.left))
    const right = Math.max(...printedPage.boxes.map((box) => box.right))
    const top = Math.min(...printedPage.boxes.map((box) => box.top))
    const bottom = Math.max(...printedPage.boxes.map((box) => box.bottom))
    expect(mm(left), `${name} page ${index + 1}: 订口 (left margin) ${mm(left).toFixed(1)} mm`).toBeGreaterThanOrEqual(27)
    expect(mm(right), `${name} page ${index + 1}: right of the 版心`).toBeLessThanOrEqual(28 + 156 + 1)
    expect(mm(top), `${name} page ${index + 1}: 天头 (top margin) ${mm(top).toFixed(1)} mm`).toBeGreaterThanOrEqual(36)
    expect(mm(bottom), `${name} page ${index + 1}: below the 版心`).toBeLessThanOrEqual(37 + 225 + 1)
    if (index === 0) expect(mm(top), `${name}: the title on the first line`).toBeLessThanOrEqual(40)
  }
  // The body's lines start at the 版心's left edge (a page holding only an indented list aside).
  const leftmost = Math.min(...pages.flatMap((printedPage) => printedPage.boxes.map((box) => box.left)))
  expect(mm(leftmost), `${name}: the text starts at the 版心's left edge (${mm(leftmost).toFixed(1)} mm)`).toBeLessThanOrEqual(30)
  // The title, centred on the 版心 (28 + 156 / 2 = 106 mm from the left edge), line by line.
  const squeezedTitle = readable(title)
  const first = pages[0]!
  const firstLine = Math.min(...first.boxes.map((b) => b.top))
  // The title's lines: the first text on the page, within 20 mm of its top (22 pt, two lines at most).
  const titleBoxes = first.boxes.filter((box) => box.top < firstLine + 20 * PT_PER_MM && squeezedTitle.includes(readable(box.str)))
  expect(titleBoxes.length, `${name}: the title's lines`).toBeGreaterThan(0)
  // pdf.js gives a line in pieces: each line (the pieces on one baseline) is centred as a whole.
  const lines = new Map<number, { left: number; right: number; text: string }>()
  for (const box of titleBoxes) {
    const key = Math.round(box.bottom)
    const line = lines.get(key) ?? { left: Infinity, right: -Infinity, text: '' }
    lines.set(key, { left: Math.min(line.left, box.left), right: Math.max(line.right, box.right), text: line.text + box.str })
  }
  expect(readable([...lines.values()].map((line) => line.text).join('')), `${name}: the title in full`).toBe(readable(title))
  for (const line of lines.values()) {
    const middle = mm((line.left + line.right) / 2)
    expect(Math.abs(middle - 106), `${name}: “${line.text}” centred (${middle.toFixed(1)} mm)`).toBeLessThan(3)
  }
}

beforeAll(async () => {
  expect(process.env.AWARD_LOCAL_BIN ?? '', 'AWARD_LOCAL_BIN (run through scripts/e2e.sh)').not.toBe('')
  browser = await launchChromium()
  const demo = await startDemo(runner, PLAY_MS)
  base = demo.base
  accounts = demo.accounts
}, PLAY_MS + 20_000)

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && current) {
    await current.emulateMedia({ media: 'screen' }).catch(() => undefined)
    await current.setViewportSize(SCREEN).catch(() => undefined)
    await screenshot(current, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined)
  }
  current = null
})

afterAll(async () => {
  await browser?.close()
  await runner.stop()
  rmSync(data, { recursive: true, force: true })
})

describe('printing on A4 from the pages (the demo)', () => {
  it('prints the whole application form with a last page for the recommending unit', async () => {
    const { applications } = await call<{ applications: ApplicationSummary[] }>('GET', '/applications', 'applicant-1')
    const id = applications[0]!.id
    const view = await call<ApplicationView>('GET', `/applications/${id}`, 'applicant-1')
    const recommendation = view.recommendation!
    expect(recommendation).not.toBeNull()
    const page = await newPage()
    await signInAs(page, 'applicant-1')
    await page.goto(`${base}/#/applications/${id}/form`)
    await page.locator('[data-testid="application-form"]').waitFor({ timeout: 15_000 })
    const pages = await printView(page, 'application-form', {
      kind: 'page',
      expected: [
        `申报表：${view.form.organisation.name}（2026年度）`,
        '一、单位基本情况',
        view.form.organisation.uscc,
        '三、自我评价',
        '七、实证材料',
        '推荐单位意见',
        recommendation.opinion.slice(0, 20),
      ],
      pages: [3, 40],
    })
    // The last page is the recommending unit's, scanned on its own: whom it recommends, its opinion,
    // signer and date, 负责人签字, 日期 and the seal's box.
    const last = readable(pages.at(-1)!.text)
    for (const words of ['推荐单位意见', `申报单位：${view.form.organisation.name}`, view.form.organisation.uscc, '推荐单位：', '负责人签字：', recommendation.signer_name, '日期：', formatChinaDate(chinaToday(new Date(recommendation.signed_at))), '盖章处']) {
      expect(last, `the last page says ${words}`).toContain(readable(words))
    }
    expect(last).not.toContain('七、实证材料')
  })

  it('prints the form of an application not recommended with blank lines for the unit', async () => {
    const { applications } = await call<{ applications: ApplicationSummary[] }>('GET', '/applications', 'applicant-8')
    const id = applications[0]!.id
    const page = await newPage()
    await signInAs(page, 'applicant-8')
    await page.goto(`${base}/#/applications/${id}/form`)
    await page.locator('[data-testid="application-form"]').waitFor({ timeout: 15_000 })
    const pages = await printView(page, 'application-form-declined', { kind: 'page', expected: ['推荐单位意见', '负责人签字', '盖章处'], pages: [3, 40] })
    expect(readable(pages.at(-1)!.text)).toContain('年月日')
  })

  it('prints the publicity notice as an official document', async () => {
    const publicity = (await (await fetch(`${base}/public/publicity/${CYCLE}`)).json()) as PublicPublicity
    expect(publicity.entries.length).toBeGreaterThan(0)
    const page = await newPage()
    await page.goto(`${base}/#/publicity/${CYCLE}`)
    await page.locator('[data-testid="publicity"]').waitFor({ timeout: 15_000 })
    const title = `${TITLE}拟获奖名单公示`
    expect(publicity.document_number).toBe('武质奖办〔2026〕3号')
    const pages = await printView(page, 'publicity', {
      kind: 'official',
      expected: [
        title,
        // The 文号 the Office gave, under the title (the demo's: 武质奖办〔2026〕3号).
        publicity.document_number,
        ...publicity.entries.flatMap((entry) => [entry.organisation_name, entry.division_name, entry.uscc]),
        `${formatChinaDate(publicity.first_day)}至${formatChinaDate(publicity.last_day)}`,
        `电子邮箱：${publicity.office_contact}`,
        OFFICE_ISSUER,
        formatChinaDate(publicity.issued_on),
      ],
      pages: [1, 3],
    })
    checkOfficialLayout('publicity', pages, title)
    // 落款 and the date close the document, the date last.
    const last = readable(pages.at(-1)!.text)
    // The 落款's date is the day the notice was issued, as the board's notice says it.
    expect(last.endsWith(`${OFFICE_ISSUER}${formatChinaDate(publicity.issued_on)}`), last.slice(-60)).toBe(true)
    const board = (await (await fetch(`${base}/public/notices`)).json()) as { notices: { kind: string; body: string }[] }
    const notice = board.notices.find((entry) => entry.kind === 'publicity_announcement')!
    expect(notice.body.endsWith(`${OFFICE_ISSUER}\n${formatChinaDate(publicity.issued_on)}`), notice.body.slice(-60)).toBe(true)
  })

  it("prints the winners' announcement as an official document", async () => {
    const awards = (await (await fetch(`${base}/public/awards/${CYCLE}`)).json()) as PublicAwards
    const page = await newPage()
    await page.goto(`${base}/#/awards/${CYCLE}`)
    await expect.poll(() => page.locator('[data-testid="winners"] tbody tr').count(), { timeout: 15_000 }).toBe(awards.winners.length)
    const title = `${TITLE}获奖单位公告`
    expect(awards.document_number).toBe('武质奖办〔2026〕5号')
    const pages = await printView(page, 'announcement', {
      kind: 'official',
      expected: [
        title,
        awards.decision_reference,
        ...awards.winners.flatMap((winner) => [winner.certificate_number, winner.organisation_name, winner.division_name, winner.uscc]),
        validityZh(awards.winners[0]!.approved_on, awards.winners[0]!.last_valid_day),
        '特此公告',
        awards.document_number,
        OFFICE_ISSUER,
        formatChinaDate(awards.announced_on ?? awards.decided_on),
      ],
      pages: [1, 2],
    })
    checkOfficialLayout('announcement', pages, title)
    // The announcement as issued: what happened since (a revocation) has its own notice.
    expect(pages.map((page) => readable(page.text)).join('')).not.toContain('撤销')
  })

  it("prints an expert's score sheet with the line for the signature", async () => {
    const { reviews } = await call<{ reviews: MyAssignment[] }>('GET', '/reviews', 'expert-1')
    const submitted = reviews.find((review) => review.status === 'submitted')!
    expect(submitted).toBeDefined()
    const sheet = await call<MyReview>('GET', `/reviews/${submitted.application_id}/${submitted.phase}`, 'expert-1')
    const total = runningTotal(sheet.rubric!, sheet.assignment.items)
    const page = await newPage()
    await signInAs(page, 'expert-1')
    await page.goto(`${base}/#/expert/reviews/${submitted.application_id}/${submitted.phase}`)
    await page.locator('[data-testid="sheet"]').waitFor({ timeout: 15_000 })
    const firstItem = sheet.rubric!.categories[0]!.items[0]!
    const pages = await printView(page, 'score-sheet', {
      kind: 'page',
      expected: [
        `${submitted.organisation_name}${submitted.phase === 'document' ? '资料评审' : '现场评审'}评分表`,
        `评审专家：${account('expert-1').name}`,
        `${firstItem.id}${firstItem.name}`,
        `${sheet.assignment.items[firstItem.id]}%`,
        `合计（已评${total.scored}/${total.items}条）`,
        formatCenti(total.total),
        '评审专家（签字）：',
        '日期：',
      ],
      pages: [1, 4],
    })
    // The total and the signature's line close the sheet, on its last page.
    const last = readable(pages.at(-1)!.text)
    expect(last.endsWith(readable(`${formatCenti(total.total)}评审专家（签字）：日期：`)), last.slice(-40)).toBe(true)
  })

  it('prints the certificate of an award on one page lying down, none for a revoked one', async () => {
    const awards = (await (await fetch(`${base}/public/awards/${CYCLE}`)).json()) as PublicAwards
    const { applications } = await call<{ applications: ApplicationSummary[] }>('GET', '/applications', 'applicant-1')
    const page = await newPage()
    await signInAs(page, 'applicant-1')
    await page.goto(`${base}/#/applicant/applications/${applications[0]!.id}`)
    await page.locator('[data-testid="print-certificate"]').click()
    await page.locator('[data-testid="certificate"]').waitFor({ timeout: 15_000 })
    const view = await call<ApplicationView>('GET', `/applications/${applications[0]!.id}`, 'applicant-1')
    const winner = awards.winners.find((w) => w.uscc === view.form.organisation.uscc)!
    const pages = await printView(page, 'certificate', {
      kind: 'certificate',
      expected: ['荣誉证书', `${winner.organisation_name}：`, `荣获${TITLE}`, '特发此证', `证书编号：${winner.certificate_number}`, `有效期：${validityZh(winner.approved_on, winner.last_valid_day)}`, '武威市人民政府', formatChinaDate(winner.approved_on)],
      pages: [1, 1],
    })
    expect(pages[0]!.width).toBeGreaterThan(pages[0]!.height)

    // The revoked award (第3号): no certificate, and the page says why.
    const revoked = awards.winners.find((w) => w.status === 'revoked')!
    await page.goto(`${base}/#/awards/${CYCLE}/certificate/${revoked.uscc}`)
    await expect.poll(() => page.locator('[data-testid="certificate-refused"]').textContent(), { timeout: 15_000 }).toContain('已被撤销，不能打印证书')
    expect(await page.locator('[data-testid="certificate"]').count()).toBe(0)
    expect(await page.locator('[data-testid="print"]').count()).toBe(0)
    await screenshot(page, 'certificate-revoked')
  })

  it("prints the Office's ranking, the reviews and a panel's score statistics with no column cut", async () => {
    const ranking = await call<Ranking>('GET', `/cycles/${CYCLE}/ranking`, 'office-1')
    const page = await newPage()
    await signInAs(page, 'office-1')
    await page.goto(`${base}/#/office/${CYCLE}/ranking`)
    await expect.poll(() => page.locator('[data-testid="ranking"] tbody tr').count(), { timeout: 15_000 }).toBe(ranking.lines.length)
    await printView(page, 'ranking', {
      kind: 'page',
      expected: ['综合排名与候选名单', '名次', '说明', ...ranking.lines.flatMap((line) => [line.organisation_name, formatCenti(line.combined)])],
      pages: [1, 2],
    })

    const { applications } = await call<{ applications: ApplicationSummary[] }>('GET', `/cycles/${CYCLE}/applications`, 'office-1')
    await page.goto(`${base}/#/office/${CYCLE}/reviews`)
    await expect.poll(() => page.locator('[data-testid="reviews"] tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(0)
    const reviewed = await page.locator('[data-testid="reviews"] tbody tr td:first-child').allTextContents()
    await printView(page, 'reviews', { kind: 'page', expected: ['专家评审与入围', ...reviewed.map((name) => name.trim())], pages: [1, 2] })

    const first = applications.find((a) => a.organisation_name === ranking.lines[0]!.organisation_name)!
    await page.goto(`${base}/#/office-review/${first.id}/onsite`)
    await page.locator('[data-testid="item-stats"]').waitFor({ timeout: 15_000 })
    const cycle = await call<CycleView>('GET', `/cycles/${CYCLE}`, 'office-1')
    const item = cycle.rules.rubric.categories[0]!.items[0]!
    await printView(page, 'panel-statistics', { kind: 'page', expected: [`${first.organisation_name}：现场评审`, '专家评分表', '各条目得分统计', `${item.id}${item.name}`, '中位数', '分歧'], pages: [1, 4] })
  })
})
