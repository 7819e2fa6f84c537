// Keyboard only (issue 21, accessibility): an enterprise whose application was created empty
// (who is applying, by API) signs in, opens its application and fills the whole form in the
// wizard — every field a submission needs, step by step: typed into the inputs, the dates typed
// into the date pickers and confirmed with Enter, yes/no and radio answers with Space and the
// arrow keys, the declarations' checkboxes with Space, a certificate and the inspections added
// with their buttons, the inspections' kind and the recommending unit chosen from their selects
// with the arrow keys and Enter — saves it (the server then holds exactly what was typed),
// uploads every required document through the upload buttons (Tab, then Enter; the file chooser
// that opens is answered with a real PDF) and submits, confirming in the box — with
// page.keyboard alone, on a runner of its own.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, FileChooser, Page } from 'playwright-core'
import type { DocumentCategory, InspectionKind } from '../src/api/types'
import { formatInstant } from '../src/lib/dates'
import { CATEGORY_ZH, INSPECTION_KIND_ZH, STATE_ZH } from '../src/lib/labels'
import { callAt, chinaDate, checkKeyFieldsOnPhone, completeForm, expectAnnounced, launchChromium, pdf, Runner, screenshots, tokenAt, pickDivision, pickIndustry, type Rubric } from './support'

const data = mkdtempSync(join(tmpdir(), 'award-keyboard-'))
const runner = new Runner(process.env.AWARD_LOCAL_BIN ?? '', data)
const screenshot = screenshots('keyboard')
const year = chinaDate(0).slice(0, 4)
const organisation = { name: '武威市键盘示例有限公司', uscc: '91620602MA74XY8Q08' }
let base = ''
let browser: Browser
let applicationId = ''
let required: DocumentCategory[] = []
let items: string[] = []
let recommenderName = ''
let recommenderId = ''
let applicantToken = ''
/** What the enterprise types: the same complete form the other scenarios save by API. */
let form: ReturnType<typeof completeForm>

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

/** `2015-06-01` as the date pickers show and read it: `2015年6月1日`. */
function dateZh(date: string): string {
  return `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`
}

/** Tabs to the input or textarea of form field `path` (`[data-field]`, narrowed by `inner`) and
 * types `text` over what it holds. */
async function typeInto(page: Page, path: string, text: string, inner = 'input, textarea') {
  await tabTo(page, `[data-field="${path}"] :is(${inner})`)
  await page.keyboard.press('Control+A')
  await page.keyboard.type(text)
}

/** Tabs to the date picker of field `path`, types the date as shown (`2015年6月1日`) and
 * confirms it with Enter. */
async function typeDate(page: Page, path: string, date: string) {
  await typeInto(page, path, dateZh(date), '.el-date-editor input')
  await page.keyboard.press('Enter')
  await expect.poll(() => page.locator(`[data-field="${path}"] .el-date-editor input`).inputValue()).toBe(dateZh(date))
}

/** Tabs into the radio group of field `path` and picks the radio labelled `label`: the arrow
 * keys move through the group, Space checks the one focused. */
async function chooseRadio(page: Page, path: string, label: string) {
  await tabTo(page, `[data-field="${path}"] .el-radio`)
  for (let moves = 0; moves < 5; moves += 1) {
    const focused = await page.evaluate(() => document.activeElement?.closest('.el-radio')?.textContent?.trim() ?? '')
    if (focused === label) break
    await page.keyboard.press('ArrowRight')
  }
  await page.keyboard.press('Space')
  await expect.poll(() => page.locator(`[data-field="${path}"] .el-radio.is-checked`).textContent()).toBe(label)
}

/** Tabs to the checkbox of field `path` and checks it with Space. */
async function check(page: Page, path: string) {
  await tabTo(page, `[data-field="${path}"] .el-checkbox`)
  await page.keyboard.press('Space')
  await expect.poll(() => page.locator(`[data-field="${path}"] .el-checkbox.is-checked`).count()).toBe(1)
}

/** Tabs to the select of field `path`, opens it with ArrowDown, moves to the option that says
 * `label` with the arrow keys and chooses it with Enter. */
async function chooseOption(page: Page, path: string, label: string) {
  await tabTo(page, `[data-field="${path}"] .el-select input`)
  await page.keyboard.press('ArrowDown')
  const hovered = page.locator('.el-select-dropdown__item.is-hovering:visible')
  for (let moves = 0; moves < 20; moves += 1) {
    if ((await hovered.count()) === 1 && ((await hovered.textContent()) ?? '').startsWith(label)) break
    await page.keyboard.press('ArrowDown')
  }
  await page.keyboard.press('Enter')
  await expect.poll(() => page.locator(`[data-field="${path}"] .el-select__selection`).textContent()).toContain(label)
  await expect.poll(() => page.locator('.el-select-dropdown__item:visible').count()).toBe(0)
}

/** 下一步 by keyboard; fails, naming what the step still shows as wrong, when it stays. */
async function nextStep(page: Page) {
  const current = page.locator('[data-testid="wizard-steps"] .el-step__title.is-process')
  const before = await current.textContent()
  await tabTo(page, '[data-testid="next"]')
  await expectFocusRing(page)
  await page.keyboard.press('Enter')
  try {
    await expect.poll(() => current.textContent()).not.toBe(before)
  } catch {
    const errors = await page.locator('.el-form-item__error').allTextContents()
    throw new Error(`the wizard stayed at ${before}: ${errors.join(' ')}`)
  }
}

beforeAll(async () => {
  expect(process.env.AWARD_LOCAL_BIN ?? '', 'AWARD_LOCAL_BIN (run through scripts/e2e.sh)').not.toBe('')
  browser = await launchChromium()
  base = await runner.start(0)
  const call = (method: string, path: string, bearer: string, body?: unknown) => callAt(base, method, path, bearer, body)
  const office = await tokenAt(base, 'office', 'office-1', 'office@wuwei.example.cn')
  const committee = await tokenAt(base, 'committee', 'committee-1', 'committee@wuwei.example.cn')
  const applicant = await tokenAt(base, 'applicant', 'ent-keyboard', 'contact@example.cn')
  applicantToken = applicant
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
  recommenderId = recommender.id
  const open = (await call('GET', '/cycles/open', applicant)) as { required_documents: DocumentCategory[]; rules: { rubric: Rubric } }
  required = open.required_documents
  items = open.rules.rubric.categories.flatMap((category) => category.items.map((item) => item.id))
  recommenderName = '凉州区质量发展领导小组办公室'
  // Only who is applying (POST /applications, as the list page's 新建申报 asks); the form itself
  // is typed in the browser below.
  const created = (await call('POST', '/applications', applicant, {
    organisation_name: organisation.name,
    uscc: organisation.uscc,
    registration_date: '2015-06-01',
    division_code: '620602',
    contact_email: 'contact@example.cn',
  })) as { id: string }
  applicationId = created.id
  form = completeForm(deadline, items, organisation)
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
    // Exactly one submission reaches the server.
    let submissions = 0
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname.endsWith(`/applications/${applicationId}/submit`)) submissions += 1
    })
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

    // The list's 打开 opens the application (on a phone, the list stacks with the name, credit
    // code, stage and dates on screen).
    await page.locator('[data-testid="my-applications"]').waitFor()
    const listed = (await callAt(base, 'GET', `/applications/${applicationId}`, applicantToken)) as { updated_at: string }
    await checkKeyFieldsOnPhone(page, '[data-testid="my-applications-stacked"]', [organisation.name, organisation.uscc, STATE_ZH.draft, '尚未提交', formatInstant(listed.updated_at)])
    await tabTo(page, '[data-testid="my-applications"] button', '打开')
    await expectFocusRing(page)
    await keyboard.press('Enter')
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/applicant/applications/${applicationId}`)
    await page.locator('[data-testid="wizard-steps"]').waitFor()

    // The step titles are buttons: by keyboard alone straight to 实证材料. The steps jumped over,
    // their fields still empty, are not shown as finished; then back to the first.
    const stepButton = (title: string) => page.locator(`[data-testid="wizard-steps"] button[data-step="${title}"]`)
    await tabTo(page, '[data-testid="wizard-steps"] button[data-step="实证材料"]')
    await expectFocusRing(page)
    await keyboard.press('Enter')
    await expect.poll(() => stepButton('实证材料').getAttribute('aria-current')).toBe('step')
    await page.locator('[data-testid="evidence"]').waitFor()
    for (const title of ['单位基本情况', '管理体系认证', '自我评价', '主要指标', '检验与诚信', '声明与推荐单位']) {
      expect(await stepButton(title).getAttribute('data-status'), title).not.toBe('success')
      expect(await stepButton(title).textContent(), title).not.toContain('已完成')
    }
    expect(await page.locator('[data-testid="wizard-steps"] .el-step__head.is-success').count()).toBe(0)
    await screenshot(page, 'form-jumped-to-evidence')
    for (let presses = 0; presses < 60; presses += 1) {
      if (await stepButton('单位基本情况').evaluate((button) => document.activeElement === button)) break
      await keyboard.press('Shift+Tab')
    }
    expect(await stepButton('单位基本情况').evaluate((button) => document.activeElement === button)).toBe(true)
    await keyboard.press('Space')
    await expect.poll(() => stepButton('单位基本情况').getAttribute('aria-current')).toBe('step')

    // The form, step by step, by keyboard alone; 下一步 saves each step.
    // 1 单位基本情况: the name and registration date typed over what the creation gave.
    const org = form.organisation
    await typeInto(page, 'organisation.name', org.name)
    // A focused text field shows the same 2 px ring as a button, on its frame.
    const frame = await page.evaluate(() => {
      const wrapper = document.activeElement?.closest('.el-input__wrapper')
      const style = wrapper ? getComputedStyle(wrapper) : null
      return style ? { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) } : null
    })
    expect(frame?.style).toBe('solid')
    expect(frame?.width ?? 0).toBeGreaterThanOrEqual(2)
    await typeDate(page, 'organisation.registration_date', org.registration_date)
    // The division and the industry are chosen from their lists by typing part of a name.
    expect(org.division_code).toBe('620602')
    await tabTo(page, '[data-field="organisation.division_code"] .el-select input')
    await pickDivision(page, 'organisation.division_code', '凉州区', '甘肃省武威市凉州区')
    await typeInto(page, 'organisation.registered_address', org.registered_address)
    await typeInto(page, 'organisation.legal_representative', org.legal_representative)
    expect(org.industry_code).toBe('C15')
    await tabTo(page, '[data-field="organisation.industry_code"] .el-select input')
    await pickIndustry(page, 'organisation.industry_code', '酒、饮料和精制茶制造业')
    await typeInto(page, 'organisation.employee_count', String(org.employee_count))
    await chooseRadio(page, 'organisation.construction_enterprise', org.construction_enterprise ? '是' : '否')
    await typeInto(page, 'contact.name', form.contact.name)
    await typeInto(page, 'contact.mobile', form.contact.mobile)
    await typeInto(page, 'contact.email', form.contact.email)
    await screenshot(page, 'form-organisation')
    await nextStep(page)

    // 2 管理体系认证: 添加证书 (Enter), then the certificate's fields and dates.
    for (const [index, cert] of form.certificates.entries()) {
      await tabTo(page, 'button', '添加证书')
      await expectFocusRing(page)
      await keyboard.press('Enter')
      await page.locator(`[data-field="certificates.${index}.standard"]`).waitFor()
      await typeInto(page, `certificates.${index}.standard`, cert.standard)
      await typeInto(page, `certificates.${index}.number`, cert.number)
      await typeInto(page, `certificates.${index}.issuer`, cert.issuer)
      await typeDate(page, `certificates.${index}.valid_from`, cert.valid_from)
      await typeDate(page, `certificates.${index}.valid_until`, cert.valid_until)
    }
    await nextStep(page)

    // 3 自我评价: every GB/T 19580 item's self-score and narrative.
    for (const item of items) {
      const entry = form.self_assessment[item]!
      await typeInto(page, `self_assessment.${item}.score`, String(entry.score), 'input')
      await typeInto(page, `self_assessment.${item}.narrative`, entry.narrative, 'textarea')
    }
    await nextStep(page)

    // 4 主要指标: each of the three years' amounts (in 元) and a quality indicator.
    for (const [index, year] of form.key_indicators.entries()) {
      for (const name of ['revenue', 'profit', 'taxes'] as const) {
        await typeInto(page, `key_indicators.${index}.${name}`, String(year[name] / 100))
      }
      const indicator = year.quality_indicators[0]!
      const at = `key_indicators.${index}.quality_indicators.0`
      // Each named by its year and row, not by its placeholder alone.
      await typeInto(page, at, indicator.name, `input[aria-label="${year.year}年 指标 1 名称"]`)
      await typeInto(page, at, indicator.value, `input[aria-label="${year.year}年 指标 1 指标值"]`)
      await typeInto(page, at, indicator.unit, `input[aria-label="${year.year}年 指标 1 单位"]`)
    }
    await nextStep(page)

    // 5 检验与诚信: each inspection (添加检验记录, its date typed, its kind from the select), the
    // declarations and the credit record, radios by keyboard.
    for (const [index, inspection] of form.inspections.entries()) {
      await tabTo(page, 'button', '添加检验记录')
      await keyboard.press('Enter')
      await page.locator(`[data-field="inspections.${index}"]`).waitFor()
      await typeDate(page, `inspections.${index}`, inspection.date)
      await chooseOption(page, `inspections.${index}`, INSPECTION_KIND_ZH[inspection.kind as InspectionKind])
    }
    await chooseRadio(page, 'declares_all_inspections_passed', '是')
    await chooseRadio(page, 'credit', '良好')
    await chooseRadio(page, 'declares_no_incidents', '是')
    await nextStep(page)

    // 6 声明与推荐单位: every declaration's checkbox, then the recommending unit; 保存草稿.
    for (const key of Object.keys(form.compliance)) await check(page, `compliance.${key}`)
    await check(page, 'operating_normally')
    await check(page, 'integrity_pledge')
    await chooseOption(page, 'recommender_id', recommenderName)
    await screenshot(page, 'form-declarations')
    await tabTo(page, '[data-testid="save"]')
    await expectFocusRing(page)
    await keyboard.press('Enter')
    await expect.poll(() => page.locator('[data-testid="draft-status"]').textContent()).toContain('保存到服务器')
    // A screen reader is told, in Chinese: the toast is an alert, the draft's line a status.
    await expectAnnounced(page, 'alert', '草稿已保存')
    await expectAnnounced(page, 'status', /^已于 \d{2}:\d{2} 保存到服务器。$/)
    await nextStep(page)
    await page.locator('[data-testid="evidence"]').waitFor()
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
      // The upload's progress is announced where it appears: a status naming the file.
      expect(await row.locator('[data-testid="upload-phase"]').getAttribute('aria-live')).toBe('polite')
      await expectAnnounced(page, 'status', `${CATEGORY_ZH[category]}.pdf：`)
    }
    await screenshot(page, 'evidence-uploaded')

    // A second file sent by mistake is removed before the submission: Tab to its 删除, Enter,
    // confirm; the row keeps the first file only.
    const first = required[0] as string
    const firstRow = page.locator(`[data-category="${first}"]`)
    await tabTo(page, `[data-upload-button="${first}"]`)
    const extra = nextChooser()
    await keyboard.press('Enter')
    await (await extra).setFiles({ name: '误传的文件.pdf', mimeType: 'application/pdf', buffer: pdf('mistake') })
    await expect.poll(() => firstRow.locator('[data-status="received"]').count(), { timeout: 30_000 }).toBe(2)
    await tabTo(page, '[data-testid="remove-document"][aria-label="删除误传的文件.pdf"]')
    await expectFocusRing(page)
    await keyboard.press('Enter')
    const removal = page.getByRole('dialog', { name: '确认删除材料' })
    await removal.waitFor()
    await tabTo(page, '[role="dialog"] button', '确认删除')
    await keyboard.press('Enter')
    await removal.waitFor({ state: 'hidden' })
    await expect.poll(() => firstRow.locator('[data-status="received"]').count(), { timeout: 15_000 }).toBe(1)
    expect(await firstRow.textContent()).not.toContain('误传的文件.pdf')

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
    await expectAnnounced(page, 'alert', '申报已提交')
    expect(submissions).toBe(1)
    // What was typed is what the server holds: the whole complete form and the unit chosen.
    const held = (await callAt(base, 'GET', `/applications/${applicationId}`, applicantToken)) as { form: unknown; recommender_id: string | null }
    expect(held.form).toEqual(form)
    expect(held.recommender_id).toBe(recommenderId)
    await screenshot(page, 'submitted')
  })
})
