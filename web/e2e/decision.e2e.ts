// The later stages in a real browser, from the on-site review to the public register. What comes
// before (the call, an application recommended, screened, the document and on-site panels' sheets)
// is set up by API on runners over one data folder, their clocks moved on as the stages need
// (AWARD_CLOCK_OFFSET_DAYS): the call's deadlines are today, so one day on the cycle is in review;
// once the publicity has started, a runner past its last day lets the daily run close it. Each
// browser context's clock is set to the runner's, as a person's would be. In Chromium: the
// Office records the visit, uploads the panel's report and records the survey; reads the combined
// ranking and sends the candidates; the Committee uploads its minutes and deliberates; the Office
// records the consultation and starts the publicity; a member of the public objects through the
// publicity page with a PDF (progress to 100 %); the Office reads it and records its finding; the
// executive meeting, the approval and the award; the finance bureau records the payment; the
// public reads the winners and the register. Screenshots under target/screenshots/.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page, Request } from 'playwright-core'
import { formatYuan } from '../src/lib/money'
import {
  callAt,
  chinaDate,
  completeForm,
  EXPERTS as experts,
  field,
  checkKeyFieldsOnPhone,
  fillDate,
  launchChromium,
  pdf,
  Runner,
  screenshots,
  signIn,
  tokenAt,
  uploadEvidence,
  type Rubric,
  confirmStep,
  followLinkAndStay,
} from './support'
import { aggregateUntil, approveAndAward, findObjectionUnfounded, recordConsultation, recordExecutiveMeeting, recordSurvey, recordVisit, sendCandidates, sendObjection, startPublicity, typeConsultation, uploadReviewReport, zh } from './steps'

const data = mkdtempSync(join(tmpdir(), 'award-decision-'))
const runner = new Runner(process.env.AWARD_LOCAL_BIN ?? '', data)
const year = chinaDate(0).slice(0, 4)
const organisation = { name: '武威市示例质量有限公司', uscc: '91620602MA74XY8Q08' }
const screenshot = screenshots('decision')
let browser: Browser
let base = ''
/** Days the running runner's clock is ahead of this machine's. */
let offset = 0
let applicationId = ''
let rubric: Rubric
let publicityLastDay = ''

/** China's date on the running runner's clock, `days` from its today. */
const runnerDate = (days = 0) => chinaDate(offset + days)
const call = (method: string, path: string, bearer: string, body?: unknown) => callAt(base, method, path, bearer, body)
const token = (role: string, sub: string, email: string) => tokenAt(base, role, sub, email)
const office = () => token('office', 'office-1', 'office@wuwei.example.cn')

/** The page the running test drives, kept for a screenshot when it fails. */
let current: Page | null = null

/** A page in a fresh context whose clock reads the runner's time (timers keep running). */
async function newPage(): Promise<Page> {
  const context = await browser.newContext()
  await context.clock.setFixedTime(new Date(Date.now() + offset * 86_400_000))
  current = await context.newPage()
  return current
}

async function restartAt(days: number) {
  await runner.stop()
  offset = days
  base = await runner.start(days)
}

/** Each expert of `phase`'s panel declares no conflict, pledges and submits every item at `percent`. */
async function panelScores(phase: 'document' | 'onsite', percent: number) {
  const items = rubric.categories.flatMap((category) => category.items.map((item) => item.id))
  const percents = Object.fromEntries(items.map((item) => [item, percent]))
  let scored = 0
  for (const expert of experts) {
    const bearer = await token('expert', expert.account, `${expert.account}@example.cn`)
    const mine = (await call('GET', '/reviews', bearer)) as { reviews: { application_id: string; phase: string }[] }
    if (!mine.reviews.some((review) => review.application_id === applicationId && review.phase === phase)) continue
    const path = `/reviews/${applicationId}/${phase}`
    await call('POST', `${path}/declaration`, bearer, { conflict: false, pledge: true })
    const before = (await call('GET', path, bearer)) as { version: number }
    await call('PUT', `${path}/sheet`, bearer, { version: before.version, items: percents, comments: {} })
    const saved = (await call('GET', path, bearer)) as { version: number }
    await call('POST', `${path}/submit`, bearer, { version: saved.version, items: percents, comments: {} })
    scored += 1
  }
  return scored
}

beforeAll(async () => {
  expect(process.env.AWARD_LOCAL_BIN ?? '', 'AWARD_LOCAL_BIN (run through scripts/e2e.sh)').not.toBe('')
  browser = await launchChromium()
})

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && current) await screenshot(current, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`)
  current = null
})

afterAll(async () => {
  await browser?.close()
  await runner.stop()
  rmSync(data, { recursive: true, force: true })
})

describe('from the on-site review to the public register', () => {
  it('brings an application through both panels by API', async () => {
    // Today: the call with both deadlines today, an application recommended and screened.
    base = await runner.start(0)
    const officeToday = await office()
    const committee = await token('committee', 'committee-1', 'committee@wuwei.example.cn')
    const applicant = await token('applicant', 'ent-1', 'contact@example.cn')
    const unit = await token('recommender', 'liangzhou-1', 'liangzhou@wuwei.example.cn')
    const deadline = chinaDate(0)
    await call('POST', '/cycles', officeToday, { id: year, title: `${year}年度武威市人民政府质量奖`, application_deadline: deadline, recommendation_deadline: deadline })
    await call('POST', `/cycles/${year}/rules/approve`, committee)
    await call('POST', `/cycles/${year}/open`, officeToday)
    const open = (await call('GET', '/cycles/open', officeToday)) as { rules: { rubric: Rubric }; required_documents: string[] }
    rubric = open.rules.rubric
    const items = rubric.categories.flatMap((category) => category.items.map((item) => item.id))
    const recommender = (await call('POST', '/recommenders', officeToday, {
      name: '凉州区质量发展领导小组办公室',
      scope: { kind: 'county', division_code: '620602' },
      mailbox: 'liangzhou@wuwei.example.cn',
      accounts: ['liangzhou-1'],
    })) as { id: string }
    const created = (await call('POST', '/applications', applicant, {
      organisation_name: organisation.name,
      uscc: organisation.uscc,
      registration_date: '2015-06-01',
      division_code: '620602',
      contact_email: 'contact@example.cn',
    })) as { id: string }
    applicationId = created.id
    const read = async () => (await call('GET', `/applications/${applicationId}`, applicant)) as { version: number; documents: { status: string }[] }
    await call('PUT', `/applications/${applicationId}/form`, applicant, { version: (await read()).version, form: completeForm(deadline, items, organisation), recommender_id: recommender.id })
    await uploadEvidence(base, applicationId, applicant, open.required_documents)
    await expect.poll(async () => (await read()).documents.filter((d) => d.status === 'received').length, { timeout: 30_000 }).toBe(open.required_documents.length)
    await call('POST', `/applications/${applicationId}/submit`, applicant)
    await call('POST', `/applications/${applicationId}/recommend`, unit, { opinion: '经审核，申报材料齐全，同意推荐。', signer_name: '赵六' })
    await expect
      .poll(async () => ((await call('GET', `/applications/${applicationId}/screening`, officeToday)) as { screening: unknown }).screening !== null, { timeout: 30_000 })
      .toBe(true)
    for (const expert of experts) {
      await call('POST', '/experts', officeToday, {
        account: expert.account,
        profile: { name: expert.name, sector: 'university', employer: '兰州某大学', employer_uscc: expert.employerUscc, history: [], specialities: ['C'], email: `${expert.account}@example.cn`, relations: [] },
      })
    }

    // One day on: past the recommendation deadline, the cycle is in review.
    await restartAt(1)
    const staff = await office()
    await expect.poll(async () => ((await call('GET', `/cycles/${year}`, staff)) as { status: string }).status, { timeout: 30_000 }).toBe('reviewing')
    const screening = (await call('GET', `/applications/${applicationId}/screening`, staff)) as { needs_review: string[] }
    for (const condition of screening.needs_review) {
      await call('POST', `/applications/${applicationId}/screening/settlements`, staff, { condition, outcome: 'pass', reason: '已核对原件，符合要求。' })
    }
    await call('POST', `/applications/${applicationId}/screening/confirm`, staff)
    await call('POST', `/cycles/${year}/assignments`, staff, { phase: 'document', seed: 42 })
    expect(await panelScores('document', 75)).toBe(5)
    const documentState = async () => ((await call('GET', `/applications/${applicationId}/reviews/document`, staff)) as { state: string }).state
    await expect.poll(documentState, { timeout: 30_000 }).toBe('document_reviewed')
    const shortlist = (await call('GET', `/cycles/${year}/shortlist`, staff)) as { shortlisted: { application_id: string }[] }
    expect(shortlist.shortlisted.map((entry) => entry.application_id)).toEqual([applicationId])
    await call('POST', `/cycles/${year}/shortlist/confirm`, staff, { applications: [applicationId] })
    await call('POST', `/cycles/${year}/assignments`, staff, { phase: 'onsite', seed: 7 })
  })

  it('tells the Committee and the Office, during the review, what is not yet at its step', async () => {
    const page = await newPage()
    await signIn(page, base, '评审委员会', 'committee-1', 'committee@wuwei.example.cn')
    await page.goto(`${base}/#/committee`)
    // No list yet: said plainly, not as a failure; the minutes upload is a labelled button.
    await expect.poll(() => page.locator('[data-testid="ranking-pending"]').textContent(), { timeout: 15_000 }).toContain('候选名单尚未报送')
    expect(await page.locator('[data-testid="ranking-error"]').count()).toBe(0)
    expect(await page.locator('[data-testid="rules-awaiting"]').count()).toBe(0)
    expect(await page.locator('[data-testid="minutes"] [data-testid="choose-file"]').textContent()).toContain('选择会议纪要文件')
    await screenshot(page, 'committee-during-review')

    const officePage = await newPage()
    await signIn(officePage, base, '评审委员会办公室', 'office-1', 'office@wuwei.example.cn')
    await officePage.goto(`${base}/#/office/${year}/decision`)
    const notYet = (card: string) => officePage.locator(`[data-testid="${card}"] [data-testid="stage-not-yet"]`)
    await expect.poll(() => notYet('consultation').textContent(), { timeout: 15_000 }).toContain('须先由评审委员会审议')
    expect(await notYet('publicity').textContent()).toContain('须先由评审委员会审议')
    expect(await notYet('executive-meeting').textContent()).toContain('须先开始公示')
    for (const button of ['记录', '开始公示', '记录常务会议']) expect(await officePage.getByRole('button', { name: button, exact: true }).count(), button).toBe(0)
    await screenshot(officePage, 'office-decision-during-review')
  })

  it("records the on-site review's visit, report and survey through the Office's page", async () => {
    const page = await newPage()
    await signIn(page, base, '评审委员会办公室', 'office-1', 'office@wuwei.example.cn')
    await page.goto(`${base}/#/office-review/${applicationId}/onsite`)
    await recordVisit(page, runnerDate())

    // The on-site panel (three experts) scores by API at 80 %.
    expect(await panelScores('onsite', 80)).toBe(3)

    // A file that only claims to be a PDF is refused before it is declared.
    await page.locator('input[data-upload-input="review-report"]').setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('minutes typed as plain text') })
    await expect.poll(() => page.locator('[data-testid="review-report"] [data-testid="upload-refused"]').textContent()).toContain('fake.pdf 不是 PDF 文件')
    expect(await page.locator('[data-testid="reports"]').textContent()).not.toContain('fake.pdf')
    await uploadReviewReport(page)
    await recordSurvey(page)
    // Visit, report and survey in, every sheet submitted: the on-site review completes.
    // The last of them may already have completed it through the aggregation's stream; 汇总评分
    // is offered only while it has not.
    await aggregateUntil(page, '现场评审完成')
    // A finished step reads as done, not as a button to press again.
    await expect.poll(() => page.locator('[data-testid="aggregate-done"]').textContent()).toContain('评审已完成')
    expect(await page.locator('[data-testid="aggregate"]').count()).toBe(0)
    await screenshot(page, 'office-onsite')
  })

  it('ranks the application and sends it to the Committee as its candidate', async () => {
    const page = await newPage()
    await signIn(page, base, '评审委员会办公室', 'office-1', 'office@wuwei.example.cn')
    await page.goto(`${base}/#/office/${year}/ranking`)
    const row = page.locator('[data-testid="ranking"] tbody tr', { hasText: organisation.name })
    // Document 750 and on-site 800 of the rubric's 1000 points, satisfaction 88.5 of 100; weighted
    // 30/60/10 on the percentages: 22.5 + 48 + 8.85 = 79.35.
    expect(rubric.total_points).toBe(1000)
    await expect.poll(async () => (await row.locator('td').allTextContents()).slice(0, 6), { timeout: 15_000 }).toEqual(['1', organisation.name, '750.00', '800.00', '88.50', '79.35'])
    expect(await row.textContent()).toContain('候选')
    await sendCandidates(page)
    expect(await page.locator('[data-testid="send-candidates"]').count()).toBe(0)
    const staff = await office()
    expect(((await call('GET', `/applications/${applicationId}`, staff)) as { lifecycle: { state: string } }).lifecycle.state).toBe('candidate')
    await screenshot(page, 'office-ranking')
  })

  it('lets the Committee upload its minutes and record its deliberation', async () => {
    const page = await newPage()
    await signIn(page, base, '评审委员会', 'committee-1', 'committee@wuwei.example.cn')
    await page.goto(`${base}/#/committee`)
    const minutes = page.waitForResponse((response) => response.url().endsWith(`/cycles/${year}/minutes`) && response.request().method() === 'POST')
    await page.locator('input[data-upload-input="minutes"]').setInputFiles({ name: '评审委员会会议纪要.pdf', mimeType: 'application/pdf', buffer: pdf('committee minutes') })
    const minutesId = ((await (await minutes).json()) as { attachment: { id: string } }).attachment.id
    await expect.poll(() => page.locator('[data-testid="minutes"] [data-testid="upload-progress"]').getAttribute('aria-valuenow'), { timeout: 15_000 }).toBe('100')
    const committee = await token('committee', 'committee-1', 'committee@wuwei.example.cn')
    // Received once storage's event is checked: the page waits on the check and says so, and the
    // Committee can then read its own minutes.
    await expect.poll(() => page.locator('[data-testid="minutes-check"]').textContent(), { timeout: 30_000 }).toContain('已接收，校验无误')
    expect((await fetch(`${base}/attachments/${minutesId}/download`, { headers: { authorization: `Bearer ${committee}` } })).status).toBe(200)

    // Either the list loads (a runner where the Committee reads the ranking) or its refusal shows.
    const candidates = page.locator('[data-testid="candidates"]')
    const refused = page.locator('[data-testid="ranking-error"]')
    await expect.poll(async () => (await candidates.count()) + (await refused.count()), { timeout: 15_000 }).toBe(1)
    if ((await candidates.count()) === 1) {
      expect(await candidates.textContent()).toContain(organisation.name)
      await field(page, `votes_for-${applicationId}`).locator('input').fill('9')
      await field(page, `abstentions-${applicationId}`).locator('input').fill('1')
      await fillDate(page, 'meeting_date', runnerDate())
      await field(page, 'minutes_reference').locator('input').fill(`评委会〔${year}〕3号`)
      await page.locator('[data-testid="record-deliberation"]').click()
      await confirmStep(page, '记录审议结果', '确认记录')
    } else {
      // This runner refuses the Committee the ranking: the record goes in by API with the
      // minutes uploaded above.
      expect(await refused.textContent()).toContain('无法读取候选名单')
      await call('POST', `/cycles/${year}/deliberation`, committee, {
        meeting_date: runnerDate(),
        minutes_reference: `评委会〔${year}〕3号`,
        minutes_attachment_id: minutesId,
        decisions: [{ application_id: applicationId, include: true, votes_for: 9, votes_against: 0, abstentions: 1 }],
      })
      await page.reload()
    }
    const recorded = page.locator('[data-testid="deliberation-recorded"]')
    await expect.poll(() => recorded.textContent(), { timeout: 15_000 }).toContain(`评委会〔${year}〕3号`)
    expect(await recorded.textContent()).toContain('列入建议名单')
    expect(await recorded.textContent()).toContain('9/0/1')
    await screenshot(page, 'committee-deliberation')
  })

  it('records the consultation and starts the publicity on the working-day calendar', async () => {
    const page = await newPage()
    await signIn(page, base, '评审委员会办公室', 'office-1', 'office@wuwei.example.cn')
    await page.goto(`${base}/#/office/${year}/decision`)
    const consultation = page.locator('[data-testid="consultation"]')
    await typeConsultation(page, runnerDate())
    // Typed and not recorded: the header's link asks before leaving; staying keeps the words.
    const atDecision = page.url()
    expect(await followLinkAndStay(page, '评审委员会办公室', () => screenshot(page, 'office-leave-asked'))).toBe('有尚未保存的修改，离开后将丢失。')
    expect(page.url()).toBe(atDecision)
    expect(await consultation.locator('[data-field="opinions"] textarea').inputValue()).toBe('同意评审委员会建议名单。')
    // Signing out asks too, and whoever stays to record it is still signed in.
    await page.getByRole('button', { name: '退出' }).click()
    const asked = page.getByRole('dialog', { name: '离开此页' })
    await asked.waitFor()
    await asked.getByRole('button', { name: '留在此页' }).click()
    await asked.waitFor({ state: 'hidden' })
    expect(page.url()).toBe(atDecision)
    expect(await page.locator('[data-testid="signed-in-as"]').count()).toBe(1)
    await recordConsultation(page)

    // Near the year's end the period reaches into the next year, whose State Council notice the
    // Office loads first (a stand-in here: New Year's Day only), as a period is never counted on a
    // weekday guess.
    const next = Number(runnerDate().slice(0, 4)) + 1
    const staffToken = await office()
    const known = await fetch(`${base}/calendar/${next}`, { headers: { authorization: `Bearer ${staffToken}` } })
    if (known.status === 404) {
      await call('POST', `/calendar/${next}`, staffToken, {
        year: next,
        notice: `国务院办公厅关于${next}年部分节假日安排的通知（测试替代）`,
        published: `${next - 1}-11-01`,
        source: 'https://www.gov.cn/',
        off: [{ name: '元旦', first: `${next}-01-01`, last: `${next}-01-01` }],
        working_days: [],
      })
    }
    const shown = await startPublicity(page, runnerDate())
    const period = page.locator('[data-testid="publicity-period"]')
    const staff = await office()
    const cycle = (await call('GET', `/cycles/${year}`, staff)) as { decision: { publicity: { last_day: string; working_days: number } } }
    publicityLastDay = cycle.decision.publicity.last_day
    expect(shown).toBe(publicityLastDay)
    expect(cycle.decision.publicity.working_days).toBe(5)
    expect(await period.textContent()).toContain(`至 ${zh(publicityLastDay)}（5 个工作日）`)
    // Five working days reach at least four days past the first (a weekend or a holiday may add more).
    expect(Date.parse(publicityLastDay) - Date.parse(runnerDate())).toBeGreaterThanOrEqual(4 * 86_400_000)
    expect(await page.locator('[data-testid="decided"]').textContent()).toContain('公示中')
    await screenshot(page, 'office-publicity')
  })

  it('takes an objection with its PDF from a member of the public, without an account', async () => {
    // The Office's contact details (its 联系方式 page, here by API) are printed beside how to object.
    await call('PUT', '/settings/office-contact', await office(), { phone: '0935-2212345', postal_address: '甘肃省武威市凉州区东大街1号（邮编733000）', mailbox: 'zhiliangjiang@wuwei.example.cn' })
    const page = await newPage()
    // Without a year: the publicity the notice board last announced; another year in the same tab
    // is read again (no reload), a year without a cycle says so, and back again.
    await page.goto(`${base}/#/publicity`)
    await expect.poll(() => page.locator('[data-testid="publicity"]').textContent(), { timeout: 15_000 }).toContain(organisation.name)
    await page.goto(`${base}/#/publicity/1999`)
    await expect.poll(() => page.locator('[data-testid="publicity"]').count()).toBe(0)
    await page.goto(`${base}/#/publicity/${year}`)
    await expect.poll(() => page.locator('[data-testid="publicity"]').textContent(), { timeout: 15_000 }).toContain(organisation.name)
    const contact = await page.locator('[data-testid="office-contact"]').innerText()
    expect(contact).toContain('电子邮箱：zhiliangjiang@wuwei.example.cn')
    expect(contact).toContain('联系电话：0935-2212345')
    expect(contact).toContain('通信地址：甘肃省武威市凉州区东大街1号（邮编733000）')
    // On a phone the list stacks: the name and credit code on screen.
    await checkKeyFieldsOnPhone(page, '[data-testid="publicity-entries-stacked"]', [organisation.name, organisation.uscc])
    // Every field is checked before anything is sent.
    await page.locator('[data-testid="send-objection"]').click()
    await expect.poll(() => field(page, 'objector_name').textContent()).toContain('请填写姓名。')
    expect(await field(page, 'contact').textContent()).toContain('联系方式应为手机号码（11位）或电子邮箱。')

    // A text file named `.pdf` is refused at once, and the objection cannot go with it.
    await field(page, 'attachment').locator('input[type="file"]').setInputFiles({ name: '投诉记录.pdf', mimeType: 'application/pdf', buffer: Buffer.from('投诉记录（文本）') })
    await expect.poll(() => field(page, 'attachment').textContent()).toContain('投诉记录.pdf 不是 PDF 文件')
    expect(await page.locator('[data-testid="send-objection"]').isDisabled()).toBe(true)
    // Every field filled, a real PDF chosen instead (the refusal then gone: 提交异议 is enabled
    // again), and sent.
    await sendObjection(page, organisation.name)
    expect(await page.locator('[data-testid="objection-upload-refused"]').count()).toBe(0)
    await screenshot(page, 'public-objection')
  })

  it("shows the Office the objection and its file, and records the Office's finding", async () => {
    const page = await newPage()
    await signIn(page, base, '评审委员会办公室', 'office-1', 'office@wuwei.example.cn')
    await page.goto(`${base}/#/office/${year}/decision`)
    const objection = page.locator('[data-testid="objection"]')
    await expect.poll(() => objection.textContent(), { timeout: 15_000 }).toContain('张三（zhangsan@example.cn）')
    expect(await objection.locator('[data-testid="objection-status"]').textContent()).toBe('待核实')
    // The file opens once storage's event has been checked; the Office's link answers then.
    const staff = await office()
    const listed = (await call('GET', `/cycles/${year}/objections`, staff)) as { objections: { attachment_id: string | null }[] }
    const attachment = listed.objections[0]?.attachment_id ?? ''
    expect(attachment).not.toBe('')
    await expect
      .poll(async () => (await fetch(`${base}/attachments/${attachment}/download`, { headers: { authorization: `Bearer ${staff}` } })).status, { timeout: 30_000 })
      .toBe(200)
    const popup = page.context().waitForEvent('page')
    await objection.getByRole('button', { name: '查看附件' }).click()
    expect((await popup).url()).toContain(attachment)

    await findObjectionUnfounded(page, '经核实，该投诉已于2025年依法处理完毕，不影响申报条件。')
    expect(await objection.locator('[data-testid="objection-reply"]').textContent()).toBe('核实答复：经核实，该投诉已于2025年依法处理完毕，不影响申报条件。')
    // Approval waits for the publicity's end: no approval offered while it runs.
    expect(await page.locator('[data-testid="decided"]').getByRole('button', { name: '批准' }).count()).toBe(0)
    // The executive meeting is not yet at its step: the card says until when, with no form.
    const meeting = page.locator('[data-testid="executive-meeting"]')
    expect(await meeting.locator('[data-testid="stage-not-yet"]').textContent()).toContain(`公示期至${zh(publicityLastDay)}，期满后方可记录市政府常务会议。`)
    expect(await meeting.getByRole('button', { name: '记录常务会议' }).count()).toBe(0)
    await screenshot(page, 'office-objection-finding')
  })

  it('records the executive meeting, approves and awards after the publicity closed', async () => {
    // Past the publicity's last day: the daily run closes the period (no objection left open).
    const toLastDay = Math.round((Date.parse(publicityLastDay) - Date.parse(chinaDate(0))) / 86_400_000)
    await restartAt(toLastDay + 2)
    const staff = await office()
    await expect
      .poll(async () => ((await call('GET', `/applications/${applicationId}`, staff)) as { publicity_closed_on?: string | null }).publicity_closed_on ?? null, { timeout: 30_000 })
      .not.toBeNull()

    const page = await newPage()
    await signIn(page, base, '评审委员会办公室', 'office-1', 'office@wuwei.example.cn')
    await page.goto(`${base}/#/office/${year}/decision`)
    await recordExecutiveMeeting(page, runnerDate(), `武政常〔${year}〕35号`)
    await approveAndAward(page, organisation.name, runnerDate())
    await screenshot(page, 'office-award')
  })

  it("lets the finance bureau record the reward's payment", async () => {
    const page = await newPage()
    await signIn(page, base, '财政部门', 'finance-1', 'finance@wuwei.example.cn')
    await page.goto(`${base}/#/finance`)
    const row = page.locator('[data-testid="rewards"] tbody tr', { hasText: organisation.name })
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1)
    const finance = await token('finance', 'finance-1', 'finance@wuwei.example.cn')
    const rewards = (await call('GET', '/rewards', finance)) as { rewards: { reward_fen: number; certificate_number: string }[] }
    const reward = rewards.rewards[0]
    expect(reward).toBeDefined()
    // The amount in 元 with two decimals, from integer fen.
    expect(reward?.reward_fen ?? 0).toBeGreaterThan(0)
    expect(await row.textContent()).toContain(formatYuan(reward?.reward_fen ?? 0))
    await fillDate(page, 'paid_on', runnerDate())
    await field(page, 'voucher').locator('input').fill(`财付〔${year}〕118号`)
    // Typed and not recorded: the header's link asks before leaving, and staying keeps the words.
    expect(await followLinkAndStay(page, '公告栏')).toBe('有尚未保存的修改，离开后将丢失。')
    expect(await field(page, 'voucher').locator('input').inputValue()).toBe(`财付〔${year}〕118号`)
    // A payment cannot be taken back: the page asks once, and "再想想" sends nothing.
    const payments: string[] = []
    const recordPayment = (request: Request) => {
      if (request.method() === 'POST' && request.url().endsWith('/reward/payment')) payments.push(request.url())
    }
    page.on('request', recordPayment)
    await row.getByRole('button', { name: '记录' }).click()
    const asked = page.getByRole('dialog', { name: '记录奖励资金支付' })
    await asked.waitFor()
    expect(await asked.textContent()).toContain('不能撤回')
    await screenshot(page, 'finance-payment-confirmation')
    await asked.getByRole('button', { name: '再想想' }).click()
    await asked.waitFor({ state: 'hidden' })
    expect(payments).toHaveLength(0)
    expect(await row.textContent()).not.toContain('已支付')
    await row.getByRole('button', { name: '记录' }).click()
    await confirmStep(page, '记录奖励资金支付', '确认记录')
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain(`${zh(runnerDate())} 已支付（财付〔${year}〕118号）`)
    page.off('request', recordPayment)
    expect(payments).toHaveLength(1)
    await screenshot(page, 'finance-payment')
  })

  it('shows the public the winners and the register', async () => {
    const page = await newPage()
    await page.goto(`${base}/#/awards/${year}`)
    const winners = page.locator('[data-testid="winners"] tbody tr', { hasText: organisation.name })
    await expect.poll(() => winners.count(), { timeout: 15_000 }).toBe(1)
    expect(await winners.textContent()).toContain(organisation.uscc)
    expect(await winners.textContent()).toContain(`${zh(runnerDate())} 至`)
    expect(await page.locator('[data-testid="public-awards"]').textContent()).toContain(`武政常〔${year}〕35号`)
    await screenshot(page, 'public-winners')

    await page.goto(`${base}/#/register`)
    const entry = page.locator('[data-testid="register-awards"] tbody tr', { hasText: organisation.name })
    await expect.poll(() => entry.count(), { timeout: 15_000 }).toBe(1)
    expect(await entry.textContent()).toContain('有效')
    expect(await entry.textContent()).toContain(year)
    await screenshot(page, 'public-register')
  })

  it("keeps showing these winners once the next call opens, saying the new cycle's are not announced", async () => {
    // Art. 4: the next cycle two years on, its call open from today.
    const staff = await office()
    const committee = await token('committee', 'committee-1', 'committee@wuwei.example.cn')
    const next = String(Number(year) + 2)
    const title = `${next}年度武威市人民政府质量奖`
    await call('POST', '/cycles', staff, { id: next, title, application_deadline: runnerDate(30), recommendation_deadline: runnerDate(45) })
    await call('POST', `/cycles/${next}/rules/approve`, committee)
    await call('POST', `/cycles/${next}/open`, staff)
    const open = await fetch(`${base}/cycles/open`)
    expect(open.status).toBe(200)
    expect(((await open.json()) as { id: string }).id).toBe(next)

    // The header's 获奖公告 names no year.
    const page = await newPage()
    await page.goto(`${base}/#/awards`)
    const winners = page.locator('[data-testid="winners"] tbody tr', { hasText: organisation.name })
    await expect.poll(() => winners.count(), { timeout: 15_000 }).toBe(1)
    expect((await page.locator('[data-testid="awards-note"]').textContent())?.trim()).toBe(
      `${title}正在评选中，获奖名单尚未公布。以下为最近一届（${year}年度）的获奖单位。`,
    )
    expect(await page.locator('[data-testid="awards-failure"]').count()).toBe(0)
    await screenshot(page, 'public-winners-next-call-open')
  })
})
