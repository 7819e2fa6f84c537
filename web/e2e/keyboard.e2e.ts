// Keyboard only (issue 21, accessibility): an enterprise whose form is already filled signs in,
// opens its application, walks the wizard to the evidence, uploads every required document
// through the upload buttons (Tab, then Enter; the file chooser that opens is answered with a
// real PDF) and submits, confirming in the box — with page.keyboard alone, on a runner of its own.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, FileChooser, Page } from 'playwright-core'
import type { DocumentCategory } from '../src/api/types'
import { CATEGORY_ZH, STATE_ZH } from '../src/lib/labels'
import { callAt, chinaDate, checkKeyFieldsOnPhone, completeForm, launchChromium, pdf, Runner, screenshots, tokenAt, type Rubric } from './support'

const data = mkdtempSync(join(tmpdir(), 'award-keyboard-'))
const runner = new Runner(process.env.AWARD_LOCAL_BIN ?? '', data)
const screenshot = screenshots('keyboard')
const year = chinaDate(0).slice(0, 4)
const organisation = { name: '武威市键盘示例有限公司', uscc: '91620602MA74XY8Q08' }
let base = ''
let browser: Browser
let applicationId = ''
let required: DocumentCategory[] = []

/** Presses Tab until the focused element is inside `selector` (and, given `text`, says it):
 * fails when the keyboard cannot reach it. */
async function tabTo(page: Page, selector: string, text?: string) {
  const passed: string[] = []
  for (let presses = 0; presses < 200; presses += 1) {
    await page.keyboard.press('Tab')
    const focus = await page.evaluate(
      ([wanted, words]) => {
        const active = document.activeElement
        const focused = active?.closest(wanted as string)
        const name = active ? `${active.tagName.toLowerCase()}.${Array.from(active.classList).join('.')}[${(active.getAttribute('aria-label') ?? active.textContent ?? '').trim().slice(0, 12)}]` : 'none'
        return { reached: Boolean(focused) && (!words || (focused?.textContent ?? '').trim() === words), name }
      },
      [selector, text ?? ''],
    )
    if (focus.reached) return
    passed.push(focus.name)
  }
  throw new Error(`the keyboard never reached ${selector}${text ? ` (${text})` : ''}; it went through ${passed.slice(-12).join(' → ')}`)
}

/** The focused element shows a focus ring. */
async function expectFocusRing(page: Page) {
  const outline = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement as Element)
    return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) }
  })
  expect(outline.style).not.toBe('none')
  expect(outline.width).toBeGreaterThanOrEqual(2)
}

beforeAll(async () => {
  expect(process.env.AWARD_LOCAL_BIN ?? '', 'AWARD_LOCAL_BIN (run through scripts/e2e.sh)').not.toBe('')
  browser = await launchChromium()
  base = await runner.start(0)
  const call = (method: string, path: string, bearer: string, body?: unknown) => callAt(base, method, path, bearer, body)
  const office = await tokenAt(base, 'office', 'office-1', 'office@wuwei.example.cn')
  const committee = await tokenAt(base, 'committee', 'committee-1', 'committee@wuwei.example.cn')
  const applicant = await tokenAt(base, 'applicant', 'ent-keyboard', 'contact@example.cn')
  const deadline = chinaDate(30)
  await call('POST', '/cycles', office, { id: year, title: `${year}年度武威市人民政府质量奖`, application_deadline: deadline, recommendation_deadline: chinaDate(45) })
  await call('POST', `/cycles/${year}/rules/approve`, committee)
  await call('POST', `/cycles/${year}/open`, office)
  const recommender = (await call('POST', '/recommenders', office, {
    name: '凉州区质量发展领导小组办公室',
    scope: { kind: 'county', division_code: '620602' },
    mailbox: 'liangzhou@wuwei.example.cn',
    accounts: ['liangzhou-1'],
  })) as { id: string }
  const open = (await call('GET', '/cycles/open', applicant)) as { required_documents: DocumentCategory[]; rules: { rubric: Rubric } }
  required = open.required_documents
  const items = open.rules.rubric.categories.flatMap((category) => category.items.map((item) => item.id))
  const created = (await call('POST', '/applications', applicant, {
    organisation_name: organisation.name,
    uscc: organisation.uscc,
    registration_date: '2015-06-01',
    division_code: '620602',
    contact_email: 'contact@example.cn',
  })) as { id: string }
  applicationId = created.id
  const read = (await call('GET', `/applications/${applicationId}`, applicant)) as { version: number }
  await call('PUT', `/applications/${applicationId}/form`, applicant, { version: read.version, form: completeForm(deadline, items, organisation), recommender_id: recommender.id })
})

afterAll(async () => {
  await browser?.close()
  await runner.stop()
  rmSync(data, { recursive: true, force: true })
})

describe('an enterprise using the keyboard alone', () => {
  it('uploads every required document and submits its application', async () => {
    const page = await (await browser.newContext()).newPage()
    const keyboard = page.keyboard
    await page.goto(`${base}/#/sign-in`)
    await page.locator('[data-testid="local-sign-in"]').waitFor()

    // Sign in: the role 申报单位 is preselected; the account and the email typed over.
    await tabTo(page, 'input[data-testid="sub"]')
    await keyboard.press('Control+A')
    await keyboard.type('ent-keyboard')
    await tabTo(page, 'input[data-testid="email"]')
    await keyboard.press('Control+A')
    await keyboard.type('contact@example.cn')
    await keyboard.press('Enter')
    await expect.poll(() => new URL(page.url()).hash).toBe('#/applicant')

    // The list's 打开 opens the application (on a phone, the list stacks with name and stage on screen).
    await page.locator('[data-testid="my-applications"]').waitFor()
    await checkKeyFieldsOnPhone(page, '[data-testid="my-applications-stacked"]', [organisation.name, STATE_ZH.draft])
    await tabTo(page, '[data-testid="my-applications"] button', '打开')
    await expectFocusRing(page)
    await keyboard.press('Enter')
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/applicant/applications/${applicationId}`)
    await page.locator('[data-testid="wizard-steps"]').waitFor()

    // To the evidence: 下一步 through the filled steps (上一步 where the wizard opened past it).
    const current = page.locator('[data-testid="wizard-steps"] .el-step__title.is-process')
    for (let moves = 0; (await page.locator('[data-testid="evidence"]').count()) === 0; moves += 1) {
      expect(moves, 'steps to the evidence').toBeLessThan(10)
      const before = await current.textContent()
      await tabTo(page, 'button', (await page.locator('[data-testid="submit"]').count()) ? '上一步' : '下一步')
      await expectFocusRing(page)
      await keyboard.press('Enter')
      await expect.poll(() => current.textContent()).not.toBe(before)
    }
    await screenshot(page, 'evidence')

    // One listener for the whole test keeps Playwright's interception of the file chooser on
    // (a listener per upload would turn it off and on again between presses, racing them).
    let handOver: ((chooser: FileChooser) => void) | null = null
    page.on('filechooser', (chooser) => handOver?.(chooser))
    const nextChooser = () => new Promise<FileChooser>((resolve) => (handOver = resolve))

    // Each required document: Tab to its upload button (a focus ring on it), Enter opens the
    // file chooser, a real PDF is given, and the row shows it received.
    for (const category of required) {
      await tabTo(page, `[data-upload-button="${category}"]`)
      await expectFocusRing(page)
      const chooser = nextChooser()
      await keyboard.press(category === required[0] ? 'Space' : 'Enter')
      await (await chooser).setFiles({ name: `${CATEGORY_ZH[category]}.pdf`, mimeType: 'application/pdf', buffer: pdf(category) })
      const row = page.locator(`[data-category="${category}"]`)
      await expect.poll(() => row.locator('[data-status="received"]').count(), { timeout: 30_000 }).toBe(1)
      // The upload's progress is announced where it appears.
      expect(await row.locator('[data-testid="upload-phase"]').getAttribute('aria-live')).toBe('polite')
    }
    await screenshot(page, 'evidence-uploaded')

    // On to the submission, then the confirmation: Tab to 确认提交 inside the box, Enter.
    await tabTo(page, '[data-testid="next"]')
    await keyboard.press('Enter')
    await page.locator('[data-testid="submit"]').waitFor()
    await tabTo(page, '[data-testid="submit"]')
    await expectFocusRing(page)
    await keyboard.press('Enter')
    const box = page.getByRole('dialog', { name: '提交申报' })
    await box.waitFor()
    await screenshot(page, 'confirmation')
    await tabTo(page, '[role="dialog"] button', '确认提交')
    await expectFocusRing(page)
    await keyboard.press('Enter')
    await box.waitFor({ state: 'hidden' })
    await expect.poll(() => page.locator('[data-testid="state"]').textContent(), { timeout: 15_000 }).toBe('已提交，待推荐')
    await screenshot(page, 'submitted')
  })
})
