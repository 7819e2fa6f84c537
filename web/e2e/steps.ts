// Page steps the browser scenarios share: what one person does on one page, through the page
// alone (no API call), each waiting for what the page then shows. The scenarios check around
// them what they are about (refusals, screenshots, the words asked); a step is only the doing.
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import { CATEGORY_ZH } from '../src/lib/labels'
import { confirmStep, field, fillDate, pdf, pickIndustry } from './support'

/** `2026-12-01` → `2026年12月1日`, as the pages write China dates. */
export function zh(date: string): string {
  return `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`
}

/** `2026年12月1日` → `2026-12-01`. */
export function fromZh(date: string): string {
  const [, y, m, d] = /(\d{4})年(\d{1,2})月(\d{1,2})日/.exec(date) ?? []
  if (!y || !m || !d) throw new Error(`no China date in ${date}`)
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`
}

/** The evidence categories every application uploads (the cycle's required documents). */
export const EVIDENCE = ['business_licence', 'management_system_certificate', 'self_assessment_report', 'financial_statements', 'inspection_reports', 'credit_report'] as const

export interface Unit {
  name: string
  mailbox: string
  uscc: string
  accounts: string[]
}

/** The Office, on 推荐单位: adds the recommending unit `unit` and waits for its row. */
export async function addRecommender(page: Page, unit: Unit) {
  await page.locator('[data-testid="new-unit"]').click()
  const dialog = page.getByRole('dialog', { name: '新增推荐单位' })
  await dialog.waitFor()
  await field(page, 'name').locator('input').fill(unit.name)
  await field(page, 'mailbox').locator('input').fill(unit.mailbox)
  await field(page, 'uscc').locator('input').fill(unit.uscc)
  await field(page, 'accounts').locator('textarea').fill(unit.accounts.join('\n'))
  await dialog.locator('[data-testid="save-unit"]').click()
  await dialog.waitFor({ state: 'hidden' })
  await expect.poll(() => page.locator('[data-testid="units"]').innerText()).toContain(unit.name)
}

export interface ExpertEntry {
  account: string
  name: string
  employer: string
  employerUscc: string
  email: string
}

/** The Office, on 专家库: adds `expert` (高等院校, 制造业) and waits until the pool lists it;
 * `beforeSaving` runs with the form filled (to add a history row, take a screenshot). */
export async function addExpert(page: Page, expert: ExpertEntry, beforeSaving?: () => Promise<void>) {
  await field(page, 'account').locator('input').fill(expert.account)
  await field(page, 'name').locator('input').fill(expert.name)
  await field(page, 'sector').locator('.el-select').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '高等院校' }).click()
  await field(page, 'employer').locator('input').fill(expert.employer)
  await field(page, 'employer_uscc').locator('input').fill(expert.employerUscc)
  // Chosen until the tag shows (a click landing while the sector's list still fades may miss).
  const specialities = field(page, 'specialities')
  await expect
    .poll(async () => {
      const chosen = specialities.locator('.el-tag', { hasText: '制造业' })
      if ((await chosen.count()) === 0) {
        await specialities.locator('.el-select').click()
        await page.locator('.el-select-dropdown__item:visible', { hasText: '制造业' }).click()
      }
      return chosen.count()
    }, { timeout: 15_000 })
    .toBe(1)
  await page.keyboard.press('Escape')
  await field(page, 'email').locator('input').fill(expert.email)
  await beforeSaving?.()
  await page.locator('[data-testid="create-expert"]').click()
  await expect.poll(() => page.locator('[data-testid="expert-created"]').textContent(), { timeout: 15_000 }).toContain(expert.name)
  await expect.poll(() => page.locator('[data-testid="experts"] tbody tr', { hasText: expert.account }).count()).toBe(1)
}

/** The enterprise, on its wizard's step 1 (just created): the organisation and its contact, then 下一步. */
export async function wizardOrganisation(page: Page) {
  await field(page, 'organisation.registered_address').locator('input').fill('甘肃省武威市凉州区黄羊镇工业园区8号')
  await field(page, 'organisation.legal_representative').locator('input').fill('张建国')
  await field(page, 'organisation.industry_code').locator('input').first().click()
  await pickIndustry(page, 'organisation.industry_code', '酒、饮料和精制茶制造业')
  await field(page, 'organisation.employee_count').locator('input').fill('486')
  await field(page, 'organisation.construction_enterprise').locator('.el-radio', { hasText: '否' }).click()
  await field(page, 'contact.name').locator('input').fill('李梅')
  await field(page, 'contact.mobile').locator('input').fill('13919351234')
  await field(page, 'contact.email').locator('input').fill('contact@example.cn')
}

/** Step 2: a management-system certificate valid from `from` until `until`. */
export async function wizardCertificate(page: Page, from: string, until: string) {
  await field(page, 'certificates').getByText('添加证书').click()
  await field(page, 'certificates.0.standard').locator('input').fill('GB/T 19001-2016')
  await field(page, 'certificates.0.number').locator('input').fill('00124Q31234R2M')
  await field(page, 'certificates.0.issuer').locator('input').fill('中国质量认证中心')
  await fillDate(page, 'certificates.0.valid_from', from)
  await fillDate(page, 'certificates.0.valid_until', until)
}

/** Step 3: every GB/T 19580 item self-assessed at `percent` with a narrative; gives the item count. */
export async function wizardSelfAssessment(page: Page, percent: number): Promise<number> {
  const scores = page.locator('[data-field^="self_assessment."][data-field$=".score"] input')
  await scores.first().waitFor()
  const items = await scores.count()
  for (let i = 0; i < items; i += 1) {
    await scores.nth(i).fill(String(percent))
    await scores.nth(i).press('Tab')
  }
  const narratives = page.locator('[data-field^="self_assessment."][data-field$=".narrative"] textarea')
  for (let i = 0; i < items; i += 1) await narratives.nth(i).fill('按照GB/T 19580建立并实施相应过程，定期测量评价并持续改进。')
  return items
}

/** Step 4: three years of key indicators, typed in 元. */
export async function wizardIndicators(page: Page) {
  for (let index = 0; index < 3; index += 1) {
    await field(page, `key_indicators.${index}.revenue`).locator('input').fill('286,000,000.00')
    await field(page, `key_indicators.${index}.profit`).locator('input').fill('31400000')
    await field(page, `key_indicators.${index}.taxes`).locator('input').fill('18650000.5')
    const indicator = field(page, `key_indicators.${index}.quality_indicators.0`).locator('input')
    await indicator.nth(0).fill('产品监督抽查合格率')
    await indicator.nth(1).fill('100')
    await indicator.nth(2).fill('%')
  }
}

/** Step 5: inspections passed, good credit, no incidents. */
export async function wizardInspections(page: Page) {
  await field(page, 'declares_all_inspections_passed').locator('.el-radio', { hasText: '是' }).click()
  await field(page, 'credit').locator('.el-radio', { hasText: '良好' }).click()
  await field(page, 'declares_no_incidents').locator('.el-radio', { hasText: '是' }).click()
}

/** Step 6: every declaration ticked and the recommending unit `unitName` chosen. */
export async function wizardDeclarations(page: Page, unitName: string) {
  for (const key of ['industry_policy', 'environmental', 'energy', 'work_safety', 'quality']) {
    await field(page, `compliance.${key}`).locator('.el-checkbox').click()
  }
  await field(page, 'operating_normally').locator('.el-checkbox').click()
  await field(page, 'integrity_pledge').locator('.el-checkbox').click()
  await field(page, 'recommender_id').locator('.el-select').click()
  await page.locator('.el-select-dropdown__item', { hasText: unitName }).click()
}

/** Step 7: a real PDF per required category through the pages' uploader, each to 100 % and received. */
export async function wizardEvidence(page: Page) {
  for (const category of EVIDENCE) {
    await page.locator(`[data-upload-input="${category}"]`).setInputFiles({ name: `${CATEGORY_ZH[category]}.pdf`, mimeType: 'application/pdf', buffer: pdf(category) })
    const row = page.locator(`[data-category="${category}"]`)
    await expect.poll(() => row.locator('[data-testid="upload-progress"]').getAttribute('aria-valuenow'), { timeout: 30_000 }).toBe('100')
    await expect.poll(() => row.locator('[data-status="received"]').count(), { timeout: 30_000 }).toBe(1)
  }
}

/** The recommending unit, on its inbox: opens `organisation`'s application, signs the opinion
 * as `signer` and recommends it; waits for 已推荐，待资格审查. */
export async function recommendFromInbox(page: Page, organisation: string, opinion: string, signer: string) {
  await expect.poll(() => page.locator('[data-testid="inbox"]').textContent(), { timeout: 15_000 }).toContain(organisation)
  await page.locator('[data-testid="inbox"]').getByText('审核推荐').click()
  await expect.poll(() => page.locator('[data-testid="documents"]').textContent()).toContain('营业执照.pdf')
  await field(page, 'opinion').locator('textarea').fill(opinion)
  await field(page, 'signer_name').locator('input').fill(signer)
  await page.locator('[data-testid="recommend"]').click()
  await confirmStep(page, '同意推荐', '确认推荐')
  await expect.poll(() => page.locator('[data-testid="state"]').textContent(), { timeout: 15_000 }).toBe('已推荐，待资格审查')
}

/** The recommending unit, on its review page of an application it recommended: uploads the scan
 * of the page it signed and sealed (盖章推荐页, a real PDF) through the page's uploader and waits
 * for the server's check to receive it and the page to say 已上传. */
export async function uploadSealedPage(page: Page) {
  const panel = page.locator('[data-testid="sealed-page"]')
  await expect.poll(() => panel.locator('[data-testid="sealed-page-state"]').textContent(), { timeout: 15_000 }).toBe('未上传')
  await page.locator('[data-upload-input="sealed-page-upload"]').setInputFiles({ name: '盖章推荐页.pdf', mimeType: 'application/pdf', buffer: pdf('sealed recommendation') })
  await expect.poll(() => panel.locator('[data-testid="sealed-page-outcome"]').textContent(), { timeout: 30_000 }).toContain('已接收')
  await expect.poll(() => panel.locator('[data-testid="sealed-page-state"]').textContent()).toBe('已上传')
}

/** The Office, on 资格审查 of `year`: opens `organisation`, settles every condition left to people
 * as met with a reason, confirms the result and waits for 资格审查合格. */
export async function confirmScreening(page: Page, base: string, year: string, organisation: string) {
  await page.goto(`${base}/#/office/${year}/screening`)
  await page.locator('[data-testid="screening-list"]').getByText(organisation).click()
  await page.locator('[data-testid="confirm-screening"]').waitFor()
  const settle = page.locator('.settle')
  for (let index = (await settle.count()) - 1; index >= 0; index -= 1) {
    const form = settle.nth(index)
    await form.locator('.el-radio', { hasText: '符合' }).click()
    await form.locator('textarea').fill('已核对原件，符合要求。')
    await form.getByText('记录核查结论').click()
    await expect.poll(() => page.locator('.settle').count()).toBe(index)
  }
  await page.locator('[data-testid="confirm-screening"]').click()
  await confirmStep(page, '确认资格审查结果', '确认结果')
  await expect.poll(() => page.locator('[data-testid="screening-list"]').textContent(), { timeout: 15_000 }).toContain('资格审查合格')
}

/** The Office, on 专家抽取 of `year`: draws the `phase` panels with `seed`; waits for the report. */
export async function drawPanel(page: Page, base: string, year: string, phase: 'document' | 'onsite', seed: number) {
  await page.goto(`${base}/#/office/${year}/assignments`)
  if (phase === 'onsite') await page.locator('.el-radio-button', { hasText: '现场评审' }).click()
  await field(page, 'seed').locator('input[aria-label="随机种子（可空）"]').fill(String(seed))
  await page.locator('[data-testid="draw"]').click()
  await confirmStep(page, '抽取专家', '确认抽取')
  await expect.poll(() => page.locator('[data-testid="draw-report"]').textContent(), { timeout: 15_000 }).toContain(`随机种子 ${seed}`)
}

/** An expert, on a review's page: declares no conflict, gives the pledge; waits for 评审中. */
export async function declareAndPledge(page: Page) {
  await field(page, 'conflict').locator('.el-radio', { hasText: '无利害关系' }).click()
  await field(page, 'pledge').locator('.el-checkbox').click()
  await page.locator('[data-testid="declare"]').click()
  await expect.poll(() => page.locator('[data-testid="assignment-status"]').textContent(), { timeout: 15_000 }).toBe('评审中')
}

/** An expert, on the score sheet: each item at `percentOf(item)`. */
export async function scoreItems(page: Page, items: readonly string[], percentOf: (item: string) => number) {
  for (const item of items) {
    const input = field(page, `items.${item}`).locator('input')
    await input.fill(String(percentOf(item)))
    await input.press('Tab')
  }
}

/** An expert: submits the sheet (asked first) and waits for 已提交. */
export async function submitSheet(page: Page) {
  await page.locator('[data-testid="submit-sheet"]').click()
  await confirmStep(page, '提交评分表', '确认提交')
  await expect.poll(() => page.locator('[data-testid="assignment-status"]').textContent(), { timeout: 15_000 }).toBe('已提交')
}

/** The Office, on a phase's 评分统计 page: presses 汇总评分 while it is offered (the last sheet or
 * report may have completed the phase already) until the phase reads `state`. */
export async function aggregateUntil(page: Page, state: string) {
  const aggregate = page.locator('[data-testid="aggregate"]')
  const shown = page.locator('[data-testid="phase-state"]')
  await expect
    .poll(async () => {
      if ((await aggregate.count()) > 0) await aggregate.click()
      else if ((await shown.textContent()) !== state) {
        // Completed meanwhile by the aggregation's stream: the page shows it once read again.
        await page.reload()
        await shown.waitFor()
      }
      return shown.textContent()
    }, { timeout: 30_000 })
    .toBe(state)
}

/** The Office, on the on-site 评分统计 page: records the visit on `date`. */
export async function recordVisit(page: Page, date: string) {
  await fillDate(page, 'date', date)
  await field(page, 'notes').locator('textarea').fill('现场查看生产线和质量检验室，访谈管理层与一线员工。')
  await page.getByRole('button', { name: '记录现场评审' }).click()
  await expect.poll(() => page.locator('[data-testid="onsite-visit"]').textContent(), { timeout: 15_000 }).toContain(zh(date))
}

/** The Office: uploads the on-site panel's report (a real PDF) and waits until it is received. */
export async function uploadReviewReport(page: Page) {
  await page.locator('input[data-upload-input="review-report"]').setInputFiles({ name: '现场评审报告.pdf', mimeType: 'application/pdf', buffer: pdf('onsite review report') })
  await expect.poll(() => page.locator('[data-testid="review-report"] [data-testid="upload-progress"]').getAttribute('aria-valuenow'), { timeout: 15_000 }).toBe('100')
  // The report counts once storage's event has been checked against the declaration.
  await expect.poll(() => page.locator('[data-testid="reports"]').textContent(), { timeout: 30_000 }).toContain('现场评审报告.pdf（已接收）')
}

/** The Office: records the satisfaction survey (88.5, 120 people, by questionnaire). */
export async function recordSurvey(page: Page) {
  await field(page, 'score').locator('input').fill('88.5')
  await field(page, 'respondents').locator('input').fill('120')
  await field(page, 'method').locator('input').fill('问卷调查')
  await page.getByRole('button', { name: '记录满意度调查' }).click()
  await expect.poll(() => page.locator('[data-testid="survey"]').textContent(), { timeout: 15_000 }).toBe('满意度：88.50（120 人，问卷调查）')
}

/** The Office, on 综合排名: sends the candidates to the Committee (asked first). */
export async function sendCandidates(page: Page) {
  await page.locator('[data-testid="send-candidates"]').click()
  await confirmStep(page, '报送候选名单', '确认报送')
  await expect.poll(() => page.locator('[data-testid="candidates-sent"]').textContent(), { timeout: 15_000 }).toContain('候选名单已报送评审委员会')
}

/** The Office, on 公示与批准: types the vice-mayors' consultation of `date` (not yet recorded). */
export async function typeConsultation(page: Page, date: string) {
  const consultation = page.locator('[data-testid="consultation"]')
  await consultation.locator('[data-field="date"] input').fill(date)
  await consultation.locator('[data-field="date"] input').press('Enter')
  await consultation.locator('[data-field="opinions"] textarea').fill('同意评审委员会建议名单。')
}

/** The Office: records the consultation typed by [typeConsultation]. */
export async function recordConsultation(page: Page) {
  await page.locator('[data-testid="consultation"]').getByRole('button', { name: '记录' }).click()
  await expect.poll(() => page.locator('[data-testid="consultation-recorded"]').textContent(), { timeout: 15_000 }).toContain('同意评审委员会建议名单。')
}

/** The Office: starts the publicity on `firstDay` (asked first), with the notice's 文号 when
 * given; gives its last day (`YYYY-MM-DD`) as the page says it. */
export async function startPublicity(page: Page, firstDay: string, documentNumber?: string): Promise<string> {
  await fillDate(page, 'first_day', firstDay)
  if (documentNumber) await page.locator('[data-testid="publicity"] [data-field="document_number"] input').fill(documentNumber)
  await page.getByRole('button', { name: '开始公示' }).click()
  await confirmStep(page, '开始公示', '确认开始')
  const period = page.locator('[data-testid="publicity-period"]')
  await expect.poll(() => period.textContent(), { timeout: 15_000 }).toContain(`公示期：${zh(firstDay)} 至`)
  const said = (await period.textContent()) ?? ''
  return fromZh(said.split(' 至 ')[1] ?? '')
}

/** A member of the public, on the publicity page: objects to `organisation` as 张三 with a PDF;
 * waits for the receipt and the upload at 100 %. */
export async function sendObjection(page: Page, organisation: string) {
  await field(page, 'application_id').locator('.el-select').click()
  await page.locator('.el-select-dropdown__item', { hasText: organisation }).click()
  await field(page, 'objector_name').locator('input').fill('张三')
  await field(page, 'contact').locator('input').fill('zhangsan@example.cn')
  await field(page, 'content').locator('textarea').fill('该单位2025年曾发生产品质量投诉，请核实。')
  await field(page, 'attachment').locator('input[type="file"]').setInputFiles({ name: '投诉记录.pdf', mimeType: 'application/pdf', buffer: pdf('complaint record') })
  await expect.poll(() => page.locator('[data-testid="send-objection"]').isDisabled()).toBe(false)
  // The chosen file is named beside its button (the browser's own input, in its own language, is hidden).
  expect(await page.locator('[data-testid="objection-file"]').textContent()).toBe('已选择：投诉记录.pdf')
  await page.locator('[data-testid="send-objection"]').click()
  await expect.poll(() => page.locator('[data-testid="objection-receipt"]').textContent(), { timeout: 15_000 }).toContain('受理编号：')
  await expect.poll(() => page.locator('[data-testid="objection-upload-progress"]').getAttribute('aria-valuenow'), { timeout: 15_000 }).toBe('100')
}

/** The Office, on 公示与批准: records that the objection is unfounded, with its reply. */
export async function findObjectionUnfounded(page: Page, reply: string) {
  const objection = page.locator('[data-testid="objection"]')
  await objection.locator('.el-radio', { hasText: '异议不成立' }).click()
  await objection.locator('textarea').fill(reply)
  await objection.getByRole('button', { name: '记录核实结论' }).click()
  await confirmStep(page, '记录核实结论', '确认记录')
  await expect.poll(() => objection.locator('[data-testid="objection-status"]').textContent(), { timeout: 15_000 }).toBe('异议不成立')
}

/** The Office: records the executive meeting of `date` with `reference`. */
export async function recordExecutiveMeeting(page: Page, date: string, reference: string) {
  const meeting = page.locator('[data-testid="executive-meeting"]')
  await meeting.locator('[data-field="date"] input').fill(date)
  await meeting.locator('[data-field="date"] input').press('Enter')
  await meeting.locator('[data-field="session"] input').fill('市政府第35次常务会议')
  await meeting.locator('[data-field="minutes_reference"] input').fill(reference)
  await meeting.getByRole('button', { name: '记录常务会议' }).click()
  await expect.poll(() => page.locator('[data-testid="executive-meeting-recorded"]').textContent(), { timeout: 15_000 }).toContain(reference)
}

/** The Office: approves `organisation` on `date`, then awards it (each asked first). */
export async function approveAndAward(page: Page, organisation: string, date: string) {
  await fillDate(page, 'approved_on', date)
  const row = page.locator('[data-testid="decided"] tbody tr', { hasText: organisation })
  await row.getByRole('button', { name: '批准' }).click()
  await confirmStep(page, '批准', '确认批准')
  await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('市政府批准')
  await row.getByRole('button', { name: '颁奖' }).click()
  await confirmStep(page, '颁奖', '确认颁奖')
  await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('已获奖')
}

/** The Office: issues the cycle's one winners' announcement with its 文号 (asked first). */
export async function issueAnnouncement(page: Page, documentNumber: string) {
  const card = page.locator('[data-testid="announcement"]')
  await card.locator('[data-field="document_number"] input').fill(documentNumber)
  await card.getByRole('button', { name: '发布获奖公告' }).click()
  await confirmStep(page, '发布获奖公告', '确认发布')
  await expect.poll(() => page.locator('[data-testid="announcement-issued"]').textContent(), { timeout: 15_000 }).toContain(documentNumber)
}

/** The Office, on 节假日安排: loads the State Council's notice for `year` (a stand-in here: New
 * Year's Day alone), published on `published`, so that a publicity reaching into that year is
 * counted on it, never on a weekday guess. */
export async function loadHolidayNotice(page: Page, base: string, year: number, published: string) {
  await page.goto(`${base}/#/office-calendar`)
  await page.locator('[data-testid="months"]').waitFor()
  await page.locator('[data-testid="load-year"]').click()
  const dialog = page.getByRole('dialog', { name: '录入节假日安排' })
  await dialog.waitFor()
  await expect.poll(() => field(page, 'notice').locator('input').inputValue()).toBe(`国务院办公厅关于${year}年部分节假日安排的通知`)
  await fillDate(page, 'published', published)
  await field(page, 'source').locator('input').fill(`https://www.gov.cn/zhengce/content/${year}.htm`)
  const period = dialog.locator('[data-period="0"] .el-date-editor input')
  await period.nth(0).fill(zh(`${year}-01-01`))
  await period.nth(0).press('Enter')
  await period.nth(1).fill(zh(`${year}-01-01`))
  await period.nth(1).press('Enter')
  for (let index = (await dialog.locator('[data-period]').count()) - 1; index >= 1; index -= 1) {
    await dialog.locator(`[data-period="${index}"]`).getByRole('button', { name: '删除' }).click()
  }
  await dialog.locator('[data-testid="save-notice"]').click()
  await confirmStep(page, '确认录入节假日安排', '确认录入')
  await expect.poll(() => page.locator('[data-testid="calendar-done"]').innerText()).toBe(`已录入${year}年节假日安排。`)
}
