// A tour of the demo (`award-local serve --demo`): a runner of its own plays the 2026 award cycle
// into a fresh data folder, then serves it at today's clock. Without signing in, the public reads
// the winners, the register (one award revoked, its holder debarred) and the notice board; then
// each role signs in through the development sign-in's demo-account picker and reads its main
// page: the Office's dashboard and its decision page (and, by API, that no notice failed), two
// enterprises' applications (awarded; revoked), an expert's assignments, an industry
// department's inbox, the Committee's deliberation, the finance bureau's rewards. Screenshots
// under target/screenshots/demo-*.png.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { LocalAccount } from '../src/api/local'
import type {
  ListApplicationNoticesResponse,
  ApplicationView,
  MyAssignment,
  ApplicationSummary,
  PublicAwards,
  PublicRegister,
  RevocationCase,
  Role,
  ScreeningView,
} from '../src/api/types'
import { verdictArticle } from '../src/lib/articles'
import { datesInTextZh, formatInstant } from '../src/lib/dates'
import { accountLabel, accountsOfRole } from '../src/lib/demo-accounts'
import { lastStageReached } from '../src/lib/funnel'
import { ROLE_ZH, STAGE_PATH } from '../src/lib/labels'
import { formatYuanZh } from '../src/lib/money'
import { noticeTitleZh } from '../src/lib/story'
import { callAt, chinaDate, checkKeyFieldsOnPhone, launchChromium, Runner, screenshots, startDemo, tokenAt } from './support'

const data = mkdtempSync(join(tmpdir(), 'award-demo-'))
const runner = new Runner(process.env.AWARD_LOCAL_BIN ?? '', data)
const screenshot = screenshots('demo')
// The demo plays its whole cycle before the runner says it is serving.
const PLAY_MS = 180_000
/** A credit code as the lists show it: 18 characters of the code's alphabet. */
const USCC = /^[0-9A-HJ-NPQRTUWXY]{18}$/
let browser: Browser
let base = ''
let accounts: LocalAccount[] = []

const CYCLE = '2026'
const TITLE = '2026年度武威市人民政府质量奖'
/** The demo's enterprises, by applicant account. */
const ENTERPRISE = {
  1: '武威天垣乳业有限公司',
  2: '凉州弘泰葡萄酒庄有限公司',
  3: '民勤沙润农产品有限公司',
  4: '古浪恒光新能源装备有限公司',
  5: '天祝雪域牦牛食品有限公司',
  6: '武威铭远精密机械有限公司',
  7: '武威安和药业有限公司',
  8: '古浪青禾面粉有限公司',
} as const
const EXPERT_NAMES = ['王志刚', '李秀英', '张伟', '刘洋', '陈静', '杨光明', '赵建军', '孙丽', '周海涛', '吴敏']

/** `2026-12-01` → `2026年12月1日`, as the pages write China dates. */
function zh(date: string): string {
  return `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`
}

const call = (method: string, path: string, bearer: string) => callAt(base, method, path, bearer)

function account(sub: string): LocalAccount {
  const found = accounts.find((candidate) => candidate.sub === sub)
  expect(found, `the demo account ${sub}`).toBeDefined()
  return found!
}

/** A token for one of the demo's accounts, for reading what the API answers beside the page. */
function tokenOf(sub: string): Promise<string> {
  const { role, email } = account(sub)
  return tokenAt(base, role, sub, email)
}

/** The page the running test drives, kept for a screenshot when it fails. */
let current: Page | null = null

async function newPage(): Promise<Page> {
  // Reduced motion: the charts are drawn at once, so a screenshot shows them whole.
  current = await (await browser.newContext({ reducedMotion: 'reduce' })).newPage()
  return current
}

/** Signs in as `sub` through the sign-in page's demo-account picker: the role first (which
 * preselects its first demo account), then the account from the list of that role's only. */
async function signInAs(page: Page, sub: string) {
  const wanted = account(sub)
  const role: Role = wanted.role
  await page.goto(`${base}/#/sign-in`)
  const card = page.locator('[data-testid="local-sign-in"]')
  await expect.poll(() => card.getAttribute('data-demo-accounts')).toBe(String(accounts.length))
  await page.locator('[data-testid="role"]').getByText(ROLE_ZH[role], { exact: true }).click()
  const first = accountsOfRole(accounts, role)[0]!
  const sub_ = page.locator('input[data-testid="sub"]')
  const email = page.locator('input[data-testid="email"]')
  await expect.poll(() => sub_.inputValue()).toBe(first.sub)
  expect(await email.inputValue()).toBe(first.email)

  const picker = page.locator('[data-testid="demo-account"]')
  expect(await picker.textContent()).toContain(accountLabel(first))
  await picker.click()
  const options = page.locator('.el-select-dropdown__item:visible')
  await expect.poll(() => options.allTextContents()).toEqual(accountsOfRole(accounts, role).map(accountLabel))
  await options.filter({ hasText: accountLabel(wanted) }).click()
  await expect.poll(() => sub_.inputValue()).toBe(sub)
  expect(await email.inputValue()).toBe(wanted.email)
  expect((await picker.textContent())?.trim()).toBe(accountLabel(wanted))
  await expect.poll(() => options.count()).toBe(0)
  await screenshot(page, `sign-in-${sub}`)
  await page.locator('[data-testid="sign-in"]').click()
  await expect.poll(() => page.locator('[data-testid="signed-in-as"]').getAttribute('data-account')).toBe(sub)
  // The top bar names the account's person or organisation, never its id.
  expect(await page.locator('[data-testid="signed-in-as"]').textContent()).toBe(`${ROLE_ZH[role]}：${wanted.name}`)
  // The sign-in page then opens the role's home page: a later `goto` must not race that.
  await expect.poll(() => new URL(page.url()).hash).not.toContain('/sign-in')
}

beforeAll(async () => {
  expect(process.env.AWARD_LOCAL_BIN ?? '', 'AWARD_LOCAL_BIN (run through scripts/e2e.sh)').not.toBe('')
  browser = await launchChromium()
  const demo = await startDemo(runner, PLAY_MS)
  base = demo.base
  accounts = demo.accounts
}, PLAY_MS + 20_000)

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && current) await screenshot(current, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`)
  current = null
})

afterAll(async () => {
  await browser?.close()
  await runner.stop()
  rmSync(data, { recursive: true, force: true })
})

describe('the demo, played into a fresh data folder', () => {
  it("lists the demo's accounts for the development sign-in", () => {
    const named = (role: Role) => accountsOfRole(accounts, role).map(({ sub, name }) => [sub, name])
    expect(named('office')).toEqual([['office-1', '评审委员会办公室（市市场监管局）']])
    expect(named('committee')).toEqual([['committee-1', '评审委员会']])
    expect(named('finance')).toEqual([['finance-1', '市财政局']])
    expect(named('recommender')).toEqual([
      ['recommender-1', '凉州区质量发展领导小组办公室'],
      ['recommender-2', '武威市工业和信息化局'],
    ])
    expect(named('applicant')).toEqual(Object.entries(ENTERPRISE).map(([n, name]) => [`applicant-${n}`, name]))
    expect(named('expert')).toEqual(EXPERT_NAMES.map((name, index) => [`expert-${index + 1}`, name]))
    expect(account('office-1').email).toBe('office@award.wuwei.local')
    expect(account('recommender-2').email).toBe('gxj@wuwei.example.cn')
    for (const { email } of accounts) expect(email).toMatch(/^[^\s@]+@[^\s@]+\.[^\s@]+$/)
  })
})

describe('the public, without signing in', () => {
  it("reads 2026's winners in certificate order, the revoked one marked", async () => {
    const page = await newPage()
    const answer = page.waitForResponse((response) => response.url().endsWith(`/public/awards/${CYCLE}`))
    await page.goto(`${base}/#/awards/${CYCLE}`)
    const awards = (await (await answer).json()) as PublicAwards
    const rows = page.locator('[data-testid="winners"] tbody tr')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3)
    const cells = async (index: number) => (await rows.nth(index).locator('td').allTextContents()).map((text) => text.trim())
    expect((await cells(0)).slice(0, 2)).toEqual(['武质奖〔2026〕第1号', ENTERPRISE[1]])
    expect((await cells(1)).slice(0, 2)).toEqual(['武质奖〔2026〕第2号', ENTERPRISE[5]])
    expect((await cells(2)).slice(0, 2)).toEqual(['武质奖〔2026〕第3号', ENTERPRISE[4]])
    expect((await cells(0)).at(-1)).toBe('已获奖')
    expect((await cells(1)).at(-1)).toBe('已获奖')
    expect((await cells(2)).at(-1)).toBe('已撤销')
    // Approved on the day of the executive meeting, 2026-10-20.
    for (const index of [0, 1, 2]) expect((await cells(index))[3]).toMatch(/^2026年10月20日 至 \d{4}年\d{1,2}月\d{1,2}日$/)
    const heading = await page.locator('[data-testid="public-awards"]').textContent()
    expect(heading).toContain(TITLE)
    expect(awards.decided_on).toBe('2026-10-20')
    expect(heading).toContain(`经2026年10月20日${awards.decision_reference}决定`)
    // The announcement's 文号 and 落款 on screen too, as on paper.
    expect(await page.locator('[data-testid="announcement-issued"]').textContent()).toContain('武质奖办〔2026〕5号')
    // On a phone the rows stack: the revoked one's name, code, validity and status on screen.
    const revoked = awards.winners.find((winner) => winner.organisation_name === ENTERPRISE[4])!
    await checkKeyFieldsOnPhone(page, '[data-testid="winners-stacked"]', [ENTERPRISE[4], revoked.uscc, `${zh(revoked.approved_on)} 至 ${zh(revoked.last_valid_day)}`, '已撤销'])
    await screenshot(page, 'public-winners')
  })

  it('finds the latest winners without naming a year, from the home page and the header, the call being closed', async () => {
    // The demo's cycle is long closed: the open-call route has nothing to say.
    const open = await fetch(`${base}/cycles/open`)
    expect(open.status).toBe(404)
    expect(((await open.json()) as { code: string }).code).toBe('no_open_cycle')

    const page = await newPage()
    await page.goto(`${base}/#/`)
    const between = page.locator('[data-testid="no-open-cycle"]')
    await expect.poll(() => between.count(), { timeout: 15_000 }).toBe(1)
    expect(await page.locator('[data-testid="no-open-cycle-message"]').textContent()).toContain('当前没有正在受理申报的评选周期。')
    const latest = page.locator('[data-testid="latest-winners"]')
    await expect.poll(() => latest.textContent(), { timeout: 15_000 }).toBe(`查看${CYCLE}年度获奖单位公告`)
    for (const to of ['#/notices', '#/publicity', '#/register']) expect(await between.locator(`a[href="${to}"]`).count(), to).toBe(1)
    await screenshot(page, 'public-home-between-calls')

    await latest.click()
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/awards/${CYCLE}`)
    const rows = page.locator('[data-testid="winners"] tbody tr')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3)

    // The header's 获奖公告 names no year: the latest cycle with winners, as the register lists it.
    await page.locator('.masthead nav a', { hasText: '获奖公告' }).click()
    await expect.poll(() => new URL(page.url()).hash).toBe('#/awards')
    await expect.poll(() => page.locator('[data-testid="public-awards"] h2').textContent(), { timeout: 15_000 }).toBe(TITLE)
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3)
    expect((await rows.nth(0).locator('td').allTextContents()).map((text) => text.trim()).slice(0, 2)).toEqual(['武质奖〔2026〕第1号', ENTERPRISE[1]])
    expect(await page.locator('[data-testid="awards-failure"]').count()).toBe(0)
    expect(await page.locator('[data-field="cycle"] input').inputValue()).toBe(CYCLE)
    await screenshot(page, 'public-awards-no-year')
  })

  it('reads the register: two awards valid, one revoked and its holder debarred', async () => {
    const page = await newPage()
    const answer = page.waitForResponse((response) => response.url().endsWith('/public/register'))
    await page.goto(`${base}/#/register`)
    const register = (await (await answer).json()) as PublicRegister
    expect(register.as_of).toBe(chinaDate(0))
    const award = (name: string) => page.locator('[data-testid="register-awards"] tbody tr', { hasText: name })
    await expect.poll(() => page.locator('[data-testid="register-awards"] tbody tr').count(), { timeout: 15_000 }).toBe(3)
    for (const name of [ENTERPRISE[1], ENTERPRISE[5]]) {
      expect(await award(name).count()).toBe(1)
      expect((await award(name).locator('td').last().textContent())?.trim()).toBe('有效')
    }
    expect(await award(ENTERPRISE[4]).locator('td').last().textContent()).toMatch(/^\s*已撤销\s*2026年11月25日 依第十七条撤销\s*$/)

    const debarred = page.locator('[data-testid="register-debarments"] tbody tr')
    expect(await debarred.count()).toBe(1)
    const debarment = register.debarments[0]!
    expect(debarment.organisation_name).toBe(ENTERPRISE[4])
    // Art. 17: ten years from the revocation, and still running today.
    expect(debarment.until.slice(0, 4)).toBe('2036')
    expect(debarment.until > register.as_of).toBe(true)
    expect((await debarred.locator('td').allTextContents()).map((text) => text.trim())).toEqual([
      ENTERPRISE[4],
      debarment.uscc,
      '第十七条',
      '2026年11月25日',
      // The one wording of a bar's end, as every notice and page says it.
      `至${zh(debarment.until)}（含）不得申报，${zh(debarment.may_apply_again_from)}起可以申报`,
    ])
    // On a phone: the revoked award's name, code, validity and status (已撤销 with its date) on screen.
    const revoked = register.awards.find((entry) => entry.organisation_name === ENTERPRISE[4])!
    await checkKeyFieldsOnPhone(page, '[data-testid="register-awards-stacked"]', [
      ENTERPRISE[4],
      revoked.uscc,
      `${zh(revoked.approved_on)} 至 ${zh(revoked.last_valid_day)}`,
      '已撤销（2026年11月25日 依第十七条撤销）',
    ])
    await checkKeyFieldsOnPhone(page, '[data-testid="register-debarments-stacked"]', [ENTERPRISE[4], debarment.uscc, '2026年11月25日'])
    await screenshot(page, 'public-register')
  })

  it("reads the award announcements on the notice board, and the revocation's", async () => {
    const page = await newPage()
    await page.goto(`${base}/#/notices`)
    const notices = page.locator('[data-testid="notice"]')
    await expect.poll(() => notices.count(), { timeout: 15_000 }).toBeGreaterThan(0)
    // One announcement for the cycle (issue 22), every winner in it with its certificate number.
    const announcements = notices.filter({ hasText: '获奖单位公告' })
    expect(await announcements.count()).toBe(1)
    const announced = (await announcements.textContent()) ?? ''
    expect(announced).toContain('武质奖办〔2026〕5号')
    for (const [name, certificate] of [
      [ENTERPRISE[1], '武质奖〔2026〕第1号'],
      [ENTERPRISE[5], '武质奖〔2026〕第2号'],
      [ENTERPRISE[4], '武质奖〔2026〕第3号'],
    ] as const) {
      expect(announced).toContain(`${name}（统一社会信用代码：`)
      expect(announced).toContain(`证书编号：${certificate}`)
    }
    expect(await notices.filter({ hasText: '拟获奖名单公示' }).count()).toBe(1)
    const revocation = notices.filter({ hasText: '撤销质量奖公告' })
    expect(await revocation.count()).toBe(1)
    expect(await revocation.textContent()).toContain(ENTERPRISE[4])
    expect(await revocation.textContent()).toContain('第十七条')
    await screenshot(page, 'public-notices')
  })
})

describe('each role, signed in through the demo-account picker', () => {
  it("shows the Office the cycle's dashboard with the applications at each stage", async () => {
    const page = await newPage()
    await signInAs(page, 'office-1')
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe(TITLE)
    await expect.poll(() => page.locator('[data-testid="application-total"]').textContent(), { timeout: 15_000 }).toBe('8')
    // All eight are in the funnel where they stopped: the declined one after submission, the
    // ineligible one after recommendation, two not shortlisted after the document review, the one
    // not selected after the on-site review (its entry's `rejected_at`), three awarded (one revoked).
    const counts = page.locator('[data-testid="stage-counts"] tbody tr')
    const row = async (stage: string) => (await counts.filter({ hasText: stage }).first().locator('td').allTextContents()).map((text) => text.trim())
    expect(await row('填写申报表（草稿）')).toEqual(['填写申报表（草稿）', '8', '0'])
    expect(await row('资格审查合格')).toEqual(['资格审查合格', '6', '0'])
    expect(await row('进入现场评审')).toEqual(['进入现场评审', '4', '0'])
    expect(await row('已获奖')).toEqual(['已获奖', '3', '2'])
    // Those that left the path are counted where they are now, the revoked award among them.
    const stopped = async (state: string) => (await page.locator('[data-testid="stopped-counts"] tbody tr', { hasText: state }).first().locator('td').allTextContents()).map((text) => text.trim())
    expect(await stopped('已撤销')).toEqual(['已撤销', '1'])
    expect(await stopped('未进入现场评审')).toEqual(['未进入现场评审', '2'])
    // Its awards decided and announced, the cycle reads as over.
    expect(await page.locator('[data-testid="office-dashboard"]').textContent()).toContain('评选结束，获奖名单已公告')
    expect(await page.locator('[data-testid="office-dashboard"]').textContent()).not.toContain('另有')
    const funnel = page.locator('[data-testid="funnel"]')
    await expect.poll(() => funnel.locator('svg text').allTextContents(), { timeout: 15_000 }).toContain('资格审查合格 6')
    expect(await funnel.locator('svg text').allTextContents()).toContain('已获奖 3')
    expect(await page.locator('[data-testid="deadlines"]').textContent()).toContain('2026年9月30日 至 2026年10月12日')
    await screenshot(page, 'office-dashboard')

    // The funnel's text alternative: a sentence on the chart, and its data as a table (in the page
    // for screen readers as a 1-pixel box, shown by 查看数据) whose rows are the stage counts.
    expect(await funnel.getAttribute('role')).toBe('img')
    expect(await funnel.getAttribute('aria-label')).toContain('资格审查合格 6 家')
    const data = page.locator('[data-testid="funnel-data"] [data-testid="chart-data"]')
    const width = () => data.evaluate((table) => table.getBoundingClientRect().width)
    expect(await width()).toBeLessThanOrEqual(1)
    await page.locator('[data-testid="funnel-data"] [data-testid="chart-data-toggle"]').click()
    await expect.poll(width).toBeGreaterThan(100)
    const tableRows = await data.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Array.from(r.children).map((c) => c.textContent?.trim() ?? '')))
    const countRows = await counts.evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).slice(0, 2).map((c) => c.textContent?.trim() ?? '')))
    expect(tableRows.length).toBe(STAGE_PATH.length)
    expect(tableRows).toEqual(countRows)
    // Every label reads: the counts 0–3 of the later stages are beside the funnel in dark text or
    // inside in contrasting text (tests/chart-data.test.ts); each stage's label is there.
    const labels = await funnel.locator('svg text').allTextContents()
    for (const [stage, count] of tableRows) expect(labels).toContain(`${stage} ${count}`)
    await screenshot(page, 'office-dashboard-funnel-data')
  })

  it('has sent every notice the cycle owed: the Office has none failed to resend', async () => {
    // The demo says every email went out, so none may wait in the Office's failed notices (the
    // dashboard's 待办 would offer them).
    const failed = (await call('GET', '/notices?status=failed', await tokenOf('office-1'))) as { notices: { kind: string; recipient: string; due: string; last_error: string | null }[] }
    expect(failed.notices.map((n) => `${n.kind} to ${n.recipient}, due ${n.due}: ${n.last_error}`)).toEqual([])
  })

  it("shows the Office the proposed list as decided and the publicity's objection, dismissed", async () => {
    const page = await newPage()
    await signInAs(page, 'office-1')
    await page.goto(`${base}/#/office/${CYCLE}/decision`)
    // The Committee's three, the revoked one among them at its present stage.
    const decided = page.locator('[data-testid="decided"] tbody tr')
    await expect.poll(() => decided.count(), { timeout: 15_000 }).toBe(3)
    const stageOf = async (name: string) => (await decided.filter({ hasText: name }).locator('td').nth(1).textContent())?.trim()
    expect(await stageOf(ENTERPRISE[1])).toBe('已获奖')
    expect(await stageOf(ENTERPRISE[5])).toBe('已获奖')
    expect(await stageOf(ENTERPRISE[4])).toBe('已撤销')
    expect(await page.locator('[data-testid="publicity-period"]').textContent()).toContain('公示期：2026年9月30日 至 2026年10月12日')
    expect(await page.locator('[data-testid="executive-meeting-recorded"]').textContent()).toContain('2026年10月20日')
    // Steps done are shown as records, never as forms to fill again.
    expect(await page.locator('[data-testid="announcement-issued"]').textContent()).toContain('武质奖办〔2026〕5号')
    expect(await page.locator('[data-testid="approvals-closed"]').count()).toBe(1)
    expect(await page.locator('[data-testid="executive-meeting"] [data-field="session"]').count()).toBe(0)
    expect(await page.locator('[data-testid="executive-meeting"] [data-field="approved_on"]').count()).toBe(0)
    const objection = page.locator('[data-testid="objection"]', { hasText: '李明' })
    await expect.poll(() => objection.count(), { timeout: 15_000 }).toBe(1)
    expect(await objection.textContent()).toContain(ENTERPRISE[5])
    expect(await objection.locator('[data-testid="objection-status"]').textContent()).toBe('异议不成立')
    expect(await objection.locator('[data-testid="objection-reply"]').textContent()).toMatch(/^核实答复：.+/)
    await screenshot(page, 'office-decision')
  })

  it('lists every reviewed application on the reviews page, the revoked and the turned-down ones with their state', async () => {
    const office = await tokenOf('office-1')
    const { applications } = (await call('GET', `/cycles/${CYCLE}/applications`, office)) as { applications: ApplicationSummary[] }
    const reached = (a: ApplicationSummary) => STAGE_PATH.indexOf(lastStageReached(a.state, a.rejected_at) ?? 'draft')
    const reviewed = applications.filter((a) => reached(a) >= STAGE_PATH.indexOf('eligible'))
    // The demo's six that passed the screening: two awarded, two not shortlisted, one not selected
    // after the on-site review, one revoked.
    expect(reviewed.map((a) => a.state).sort()).toEqual(['awarded', 'awarded', 'not_shortlisted', 'not_shortlisted', 'rejected', 'revoked'])

    const page = await newPage()
    await signInAs(page, 'office-1')
    await page.goto(`${base}/#/office/${CYCLE}/reviews`)
    const rows = page.locator('[data-testid="reviews"] tbody tr')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(reviewed.length)
    const row = (name: string) => rows.filter({ hasText: name })
    const stateOf = async (name: string) => (await row(name).locator('[data-testid="review-state"]').textContent())?.trim()
    expect(await stateOf(ENTERPRISE[4])).toBe('已撤销')
    expect(await stateOf(ENTERPRISE[2])).toBe('未通过（未列入候选名单）')
    expect(await stateOf(ENTERPRISE[3])).toBe('未进入现场评审')
    expect(await stateOf(ENTERPRISE[1])).toBe('已获奖')
    // Both panels' pages for those that reached the on-site review; the document panel's only for
    // those not shortlisted. Neither the ineligible one nor the declined one is listed.
    for (const name of [ENTERPRISE[1], ENTERPRISE[2], ENTERPRISE[4], ENTERPRISE[5]]) expect(await row(name).getByRole('link', { name: '现场评审' }).count(), name).toBe(1)
    for (const name of [ENTERPRISE[3], ENTERPRISE[6]]) expect(await row(name).getByRole('link', { name: '现场评审' }).count(), name).toBe(0)
    for (const name of [ENTERPRISE[7], ENTERPRISE[8]]) expect(await row(name).count(), name).toBe(0)
    // The confirmed shortlist reads as done: four went on, two did not; no button to confirm it again.
    await expect.poll(() => page.locator('[data-testid="shortlist-confirmed"]').textContent()).toContain('4 家进入现场评审，2 家未入围')
    expect(await page.locator('[data-testid="confirm-shortlist"]').count()).toBe(0)
    await screenshot(page, 'office-reviews')

    // The revoked award's on-site scores are one click away.
    await row(ENTERPRISE[4]).getByRole('link', { name: '现场评审' }).click()
    const revoked = reviewed.find((a) => a.state === 'revoked')!
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/office-review/${revoked.id}/onsite`)
    await expect.poll(() => page.locator('[data-testid="phase-state"]').textContent(), { timeout: 15_000 }).toBe('已撤销')
    await expect.poll(() => page.locator('[data-testid="sheets"] tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(0)
  })

  it("shows the Office the ineligible application's screening: articles in Chinese, no blank screener", async () => {
    const office = await tokenOf('office-1')
    const { applications } = (await call('GET', `/cycles/${CYCLE}/applications`, office)) as { applications: ApplicationSummary[] }
    const ineligible = applications.find((a) => a.state === 'ineligible')!
    expect(ineligible.organisation_name).toBe(ENTERPRISE[7])
    const view = (await call('GET', `/applications/${ineligible.id}/screening`, office)) as ScreeningView

    const page = await newPage()
    await signInAs(page, 'office-1')
    await page.goto(`${base}/#/office/${CYCLE}/screening`)
    await page.locator('[data-testid="screening-list"]').getByText(ENTERPRISE[7]).click()
    const detail = page.locator('[data-testid="screening-detail"]')
    const articles = detail.locator('[data-testid="verdict-article"]')
    await expect.poll(() => articles.count(), { timeout: 15_000 }).toBe(view.screening!.verdicts.length)
    expect(await articles.allTextContents()).toEqual(view.screening!.verdicts.map(verdictArticle))
    const inspections = detail.locator('tbody tr', { hasText: '近3年质量监督抽查和出口商品检验合格' })
    expect(await inspections.locator('[data-testid="verdict-article"]').textContent()).toBe('第十条第四项')
    expect(await inspections.textContent()).toContain('不符合')
    for (const text of await articles.allTextContents()) expect(text).not.toMatch(/Art\./)
    // A condition whose name ends with its article does not say it twice.
    const noAward = (await detail.locator('tbody tr', { hasText: '不在已获奖有效期内' }).locator('td').first().textContent()) ?? ''
    expect(noAward.trim()).toBe('不在已获奖有效期内（第五条）')

    const basis = (await detail.locator('[data-testid="screening-basis"]').textContent()) ?? ''
    expect(basis).toContain(`以 ${zh(view.screening!.as_of)} 为准`)
    expect(basis).not.toMatch(/由\s*筛查|，\s*）|null/)
    if (view.screened_by) expect(basis).toContain(`由${view.screened_by === 'system' ? '系统' : view.screened_by}筛查`)
    else expect(basis).not.toContain('由')
    await screenshot(page, 'office-screening-ineligible')
  })

  it('shows the Office the revoked award as revoked in aftercare, offering nothing the API refuses', async () => {
    const page = await newPage()
    await signInAs(page, 'office-1')
    await page.goto(`${base}/#/office-aftercare`)
    // The Office's menu, with the latest cycle's pages.
    await expect.poll(() => page.locator('.office-nav a, .office-nav li').filter({ hasText: '评审与入围' }).count(), { timeout: 15_000 }).toBeGreaterThan(0)
    const rows = page.locator('[data-testid="aftercare-awards"] tbody tr')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3)
    const standing = (name: string) => rows.filter({ hasText: name }).locator('[data-testid="award-standing"]')
    await expect.poll(async () => (await standing(ENTERPRISE[4]).textContent())?.trim(), { timeout: 15_000 }).toBe('已撤销（2026年11月25日）')
    // A revocation shows from the reward line itself; "valid" once the applications' states are read.
    await expect.poll(async () => (await standing(ENTERPRISE[1]).textContent())?.trim(), { timeout: 15_000 }).toBe('有效')
    await expect.poll(async () => (await standing(ENTERPRISE[5]).textContent())?.trim(), { timeout: 15_000 }).toBe('有效')

    const card = page.locator('[data-testid="aftercare-award"]')
    await rows.filter({ hasText: ENTERPRISE[4] }).locator('td').first().click()
    await expect.poll(() => card.locator('[data-testid="no-aftercare"]').count(), { timeout: 15_000 }).toBe(1)
    expect(await card.textContent()).toContain(ENTERPRISE[4])
    for (const action of ['记录回访', '调整', '立案']) expect(await card.getByRole('button', { name: action, exact: true }).count(), action).toBe(0)
    await screenshot(page, 'office-aftercare-revoked')

    await rows.filter({ hasText: ENTERPRISE[1] }).locator('td').first().click()
    await expect.poll(() => card.locator('[data-testid="no-aftercare"]').count(), { timeout: 15_000 }).toBe(0)
    expect(await card.textContent()).toContain(ENTERPRISE[1])
    for (const action of ['记录回访', '调整', '立案']) expect(await card.getByRole('button', { name: action, exact: true }).count(), action).toBe(1)
  })

  it('shows the ineligible enterprise why, where it stopped, and the notices it was sent', async () => {
    const page = await newPage()
    await signInAs(page, 'applicant-7')
    const mine = page.locator('[data-testid="my-applications"] tbody tr')
    await expect.poll(() => mine.count(), { timeout: 15_000 }).toBe(1)
    await mine.getByText('打开').click()
    await expect.poll(() => page.locator('[data-testid="state"]').textContent(), { timeout: 15_000 }).toBe('资格审查不合格')
    const id = new URL(page.url()).hash.split('/').pop() ?? ''
    const applicant = await tokenOf('applicant-7')
    const view = (await call('GET', `/applications/${id}`, applicant)) as ApplicationView
    const failed = (view.lifecycle.screening?.verdicts ?? []).filter((verdict) => verdict.outcome === 'fail')
    expect(failed.map((verdict) => verdict.condition)).toEqual(['inspections'])

    const reasons = page.locator('[data-testid="screening-failures"] [data-testid="failed-condition"]')
    expect(await reasons.count()).toBe(failed.length)
    expect((await reasons.first().textContent())?.trim()).toBe(`近3年质量监督抽查和出口商品检验合格（第十条第四项）：${datesInTextZh(failed[0]!.reason_zh)}`)

    // Draft, submitted, recommended reached; the screening is where it stopped.
    const progress = page.locator('[data-testid="progress"]')
    expect(await progress.locator('.el-step__head.is-success').count()).toBe(3)
    expect(await progress.locator('.el-step__head.is-error').count()).toBe(1)
    expect((await progress.locator('.el-step').nth(3).locator('.el-step__title').textContent())?.trim()).toBe('资格审查不合格')

    const { notices } = (await call('GET', `/applications/${id}/notices`, applicant)) as ListApplicationNoticesResponse
    expect(notices.length).toBeGreaterThan(0)
    expect(notices.every((notice) => notice.audience === 'applicant' && notice.status === 'sent')).toBe(true)
    const events = page.locator('[data-testid="timeline"] [data-testid="notice-event"]')
    await expect.poll(() => events.count(), { timeout: 15_000 }).toBe(notices.length)
    expect((await events.locator('strong').allTextContents()).map((title) => title.trim()).sort()).toEqual(notices.map((n) => `通知：${noticeTitleZh(n.subject, view.form.organisation.name)}`).sort())
    const ineligibleNotice = events.filter({ hasText: '资格审查未通过' })
    expect(await ineligibleNotice.count()).toBe(1)
    expect(await ineligibleNotice.textContent()).toContain(`已发送至 ${account('applicant-7').email}`)
    await screenshot(page, 'applicant-7-ineligible')
  })

  it('shows the enterprise its unit declined the reason, and where it stopped', async () => {
    const page = await newPage()
    await signInAs(page, 'applicant-8')
    const mine = page.locator('[data-testid="my-applications"] tbody tr')
    await expect.poll(() => mine.count(), { timeout: 15_000 }).toBe(1)
    await mine.getByText('打开').click()
    await expect.poll(() => page.locator('[data-testid="state"]').textContent(), { timeout: 15_000 }).toBe('未通过')
    const id = new URL(page.url()).hash.split('/').pop() ?? ''
    const view = (await call('GET', `/applications/${id}`, await tokenOf('applicant-8'))) as ApplicationView
    expect(view.lifecycle.rejection?.gate).toBe('recommendation')
    const rejection = page.locator('[data-testid="rejection"]')
    expect(await rejection.textContent()).toContain('申报未获通过：未获推荐')
    expect((await page.locator('[data-testid="rejection-reason"]').textContent())?.trim()).toBe(`理由：${view.lifecycle.rejection!.reason}`)
    const progress = page.locator('[data-testid="progress"]')
    expect(await progress.locator('.el-step__head.is-success').count()).toBe(2)
    expect(await progress.locator('.el-step__head.is-error').count()).toBe(1)
    expect((await progress.locator('.el-step').nth(2).locator('.el-step__title').textContent())?.trim()).toBe('未获推荐')
    await screenshot(page, 'applicant-8-declined')
  })

  it('shows an awarded enterprise its application, certificate and timeline', async () => {
    const page = await newPage()
    await signInAs(page, 'applicant-1')
    const mine = page.locator('[data-testid="my-applications"] tbody tr')
    await expect.poll(() => mine.count(), { timeout: 15_000 }).toBe(1)
    expect((await mine.locator('td').allTextContents()).slice(0, 4).map((text) => text.trim())).toEqual([CYCLE, ENTERPRISE[1], expect.stringMatching(USCC), '已获奖'])
    await screenshot(page, 'applicant-1-applications')
    await mine.getByText('打开').click()
    await expect.poll(() => page.locator('[data-testid="state"]').textContent(), { timeout: 15_000 }).toBe('已获奖')
    expect(await page.locator('[data-testid="award"]').textContent()).toMatch(/证书编号：武质奖〔2026〕第1号\s+有效期：2026年10月20日 至 \d{4}年/)
    const timeline = page.locator('[data-testid="timeline"]')
    const text = (await timeline.textContent()) ?? ''
    for (const step of ['创建申报草稿', '提交申报', '推荐单位签署推荐意见', '授予武威市人民政府质量奖（证书编号：武质奖〔2026〕第1号）', '拟获奖名单公示', '获奖单位公告']) {
      expect(text).toContain(step)
    }
    // The step bar reaches the award, every step done.
    const progress = timeline.locator('[data-testid="progress"]')
    expect(await progress.locator('.el-step__head.is-success').count()).toBe(9)
    expect(await progress.locator('.el-step').count()).toBe(9)
    expect((await progress.locator('.el-step').last().locator('.el-step__title').textContent())?.trim()).toBe('授予质量奖')

    // A story: each receipt of evidence under its upload session's entry (fewer entries than
    // receipts), every notice told once, the award's notice under the award.
    const id = new URL(page.url()).hash.split('/').pop() ?? ''
    const applicant = await tokenOf('applicant-1')
    const view = (await call('GET', `/applications/${id}`, applicant)) as ApplicationView
    // Every document the server checked (received, or refused with its reason) is a receipt; the
    // unit's sealed recommendation page is the unit's upload, not the enterprise's.
    const checked = view.documents.filter((d) => d.category !== 'sealed_recommendation' && d.checked_at && (d.status === 'received' || d.status === 'rejected')).length
    expect(view.documents.filter((d) => d.category === 'sealed_recommendation' && d.status === 'received').length).toBe(1)
    expect(checked).toBeGreaterThan(1)
    expect(await timeline.locator('[data-testid="receipt"]').count()).toBe(checked)
    const sessions = timeline.locator('[data-testid="stage-event"]', { hasText: '上传实证材料' })
    expect(await sessions.count()).toBeGreaterThanOrEqual(1)
    expect(await sessions.count()).toBeLessThan(checked)
    const { notices } = (await call('GET', `/applications/${id}/notices`, applicant)) as ListApplicationNoticesResponse
    expect(await timeline.locator('[data-testid="notice-event"]').count()).toBe(notices.length)
    // Each receipt's notice on the receipt's own line: under the sessions, no notice of a receipt follows by itself.
    expect(await timeline.locator('[data-testid="receipt"] [data-testid="notice-event"]').count()).toBe(notices.filter((n) => n.kind === 'document_received' || n.kind === 'document_rejected').length)
    expect(await sessions.locator('[data-testid="folded"] > [data-testid="notice-event"]').count()).toBe(0)
    expect(text).not.toContain('通知：武威市人民政府质量奖：')
    const awardEntry = timeline.locator('[data-testid="stage-event"]', { hasText: '授予武威市人民政府质量奖' })
    expect(await awardEntry.count()).toBe(1)
    expect(await awardEntry.locator('[data-testid="notice-event"]').count()).toBeGreaterThanOrEqual(1)
    expect(await awardEntry.textContent()).toContain('获奖单位公告')
    await screenshot(page, 'applicant-1-application')
  })

  it('shows the enterprise whose award was revoked the revocation and its bar', async () => {
    const page = await newPage()
    await signInAs(page, 'applicant-4')
    const mine = page.locator('[data-testid="my-applications"] tbody tr')
    await expect.poll(() => mine.count(), { timeout: 15_000 }).toBe(1)
    expect((await mine.locator('td').allTextContents()).slice(0, 4).map((text) => text.trim())).toEqual([CYCLE, ENTERPRISE[4], expect.stringMatching(USCC), '已撤销'])
    await mine.getByText('打开').click()
    await expect.poll(() => page.locator('[data-testid="state"]').textContent(), { timeout: 15_000 }).toBe('已撤销')
    expect(await page.locator('[data-testid="revocation"]').textContent()).toMatch(
      /2026年11月25日依《实施办法》第十七条撤销质量奖；至2036年\d{1,2}月\d{1,2}日（含）不得申报，2036年\d{1,2}月\d{1,2}日起可以申报。/,
    )
    const text = (await page.locator('[data-testid="timeline"]').textContent()) ?? ''
    expect(text).toContain('授予武威市人民政府质量奖（证书编号：武质奖〔2026〕第3号）')
    expect(text).toContain('撤销质量奖公告')
    // The bar reaches the award and then shows the revocation, in error: not every step green.
    const progress = page.locator('[data-testid="progress"]')
    expect(await progress.locator('.el-step').count()).toBe(10)
    expect(await progress.locator('.el-step__head.is-success').count()).toBe(9)
    expect(await progress.locator('.el-step__head.is-error').count()).toBe(1)
    expect((await progress.locator('.el-step').last().locator('.el-step__title').textContent())?.trim()).toBe('质量奖已撤销')
    await screenshot(page, 'applicant-4-application')
  })

  it('shows an expert its assignments, every sheet submitted', async () => {
    const page = await newPage()
    await signInAs(page, 'expert-1')
    const mine = (await call('GET', '/reviews', await tokenOf('expert-1'))) as { reviews: MyAssignment[] }
    expect(mine.reviews.length).toBeGreaterThan(0)
    const rows = page.locator('[data-testid="my-reviews"] tbody tr')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(mine.reviews.length)
    const enterprises: string[] = Object.values(ENTERPRISE)
    // Each enterprise's credit code, as the expert (declared, so the application is open to it) reads it.
    const usccOf = new Map<string, string>()
    for (const review of mine.reviews) {
      const view = (await call('GET', `/applications/${review.application_id}`, await tokenOf('expert-1'))) as ApplicationView
      usccOf.set(review.application_id, view.form.organisation.uscc)
    }
    await expect.poll(async () => (await rows.first().locator('td').nth(1).textContent())?.trim(), { timeout: 15_000 }).toBe(usccOf.get(mine.reviews[0]!.application_id))
    for (let index = 0; index < mine.reviews.length; index += 1) {
      const cells = (await rows.nth(index).locator('td').allTextContents()).map((text) => text.trim())
      expect(enterprises).toContain(cells[0])
      expect(cells[1]).toBe(usccOf.get(mine.reviews[index]!.application_id))
      expect(['资料评审', '现场评审']).toContain(cells[2])
      expect(cells[4]).toBe('已提交')
      expect(cells[5]).toMatch(/^2026年/)
    }
    // On a phone the assignments stack: the first one's enterprise, credit code, status and
    // submission time on screen.
    const first = mine.reviews[0]!
    await checkKeyFieldsOnPhone(page, '[data-testid="my-reviews-stacked"]', [first.organisation_name, usccOf.get(first.application_id)!, '已提交', formatInstant(first.submitted_at!)])
    await screenshot(page, 'expert-1-assignments')

    // Recusal: expert-9 works for 天垣乳业 and expert-10 worked for 弘泰酒庄 a year ago.
    const ninth = (await call('GET', '/reviews', await tokenOf('expert-9'))) as { reviews: MyAssignment[] }
    expect(ninth.reviews.map((review) => review.organisation_name)).not.toContain(ENTERPRISE[1])
    const tenth = (await call('GET', '/reviews', await tokenOf('expert-10'))) as { reviews: MyAssignment[] }
    expect(tenth.reviews.map((review) => review.organisation_name)).not.toContain(ENTERPRISE[2])
  })

  it("shows the industry department its units' applications, the declined one among them", async () => {
    const page = await newPage()
    await signInAs(page, 'recommender-2')
    // Every application of its units, in sections: awaiting, recommended, declined or withdrawn.
    const inbox = page.locator('[data-testid^="inbox"] tbody tr')
    await expect.poll(() => inbox.count(), { timeout: 15_000 }).toBeGreaterThan(0)
    const declined = page.locator('[data-testid="inbox-other"] tbody tr').filter({ hasText: ENTERPRISE[8] })
    expect(await declined.count()).toBe(1)
    expect((await declined.locator('td').nth(0).textContent())?.trim()).toBe('2026')
    expect((await declined.locator('td').nth(3).textContent())?.trim()).toBe('未通过')
    // Nothing already recommended stays under 待推荐申报.
    for (const stage of await page.locator('[data-testid="inbox"] tbody tr td:nth-child(4)').allTextContents()) expect(stage.trim()).toBe('已提交，待推荐')
    const listed = (await call('GET', '/recommendations', await tokenOf('recommender-2'))) as { applications: { organisation_name: string }[] }
    expect(await inbox.count()).toBe(listed.applications.length)
    await screenshot(page, 'recommender-2-inbox')
  })

  it("shows the Committee its deliberation on the three candidates", async () => {
    const page = await newPage()
    await signInAs(page, 'committee-1')
    const recorded = page.locator('[data-testid="deliberation-recorded"]')
    const rows = recorded.locator('tbody tr')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3)
    // The names come from the ranking once it loads (ids before).
    await expect.poll(async () => (await rows.locator('td:first-child').allTextContents()).map((text) => text.trim()).sort(), { timeout: 15_000 }).toEqual(
      [ENTERPRISE[1], ENTERPRISE[4], ENTERPRISE[5]].sort(),
    )
    for (let index = 0; index < 3; index += 1) {
      const cells = (await rows.nth(index).locator('td').allTextContents()).map((text) => text.trim())
      expect(cells[1]).toBe('列入建议名单')
      expect(cells[2]).toMatch(/^\d+\/\d+\/\d+$/)
    }
    expect(await recorded.textContent()).toMatch(/2026年\d{1,2}月\d{1,2}日，.+/)
    expect(await page.locator('[data-testid="ranking-error"]').count()).toBe(0)
    await screenshot(page, 'committee-1-deliberation')
  })

  it('shows the finance bureau two rewards paid and the revoked one returned', async () => {
    const page = await newPage()
    await signInAs(page, 'finance-1')
    const rewards = page.locator('[data-testid="rewards"] tbody tr')
    await expect.poll(() => rewards.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2)
    for (const [name, certificate] of [
      [ENTERPRISE[1], '武质奖〔2026〕第1号'],
      [ENTERPRISE[5], '武质奖〔2026〕第2号'],
    ] as const) {
      const row = rewards.filter({ hasText: name })
      expect(await row.count()).toBe(1)
      expect(await row.textContent()).toContain(certificate)
      expect(await row.locator('td').last().textContent()).toMatch(/^\s*2026年\d{1,2}月\d{1,2}日 已支付（.+）\s*$/)
    }
    // Nothing is offered for payment: every reward the list holds was paid.
    expect(await rewards.getByRole('button', { name: '记录' }).count()).toBe(0)

    const finance = await tokenOf('finance-1')
    const cases = ((await call('GET', '/revocation-cases', finance)) as { cases: RevocationCase[] }).cases.filter((c) => c.status === 'revoked')
    expect(cases.map((c) => c.organisation_name)).toEqual([ENTERPRISE[4]])
    const reward = cases[0]!.reclaim.reward
    expect(reward).not.toBeNull()
    const returned = page.locator('[data-testid="finance"] .case', { hasText: ENTERPRISE[4] })
    expect(await returned.textContent()).toContain(`${zh(reward!.received_on)} 收回 ${formatYuanZh(reward!.amount_fen)}（${reward!.receipt}）`)
    expect(await returned.getByRole('button', { name: '记录收回' }).count()).toBe(0)
    // The revoked award is marked in the rewards list with its reward's return; the others not.
    const revokedRow = rewards.filter({ hasText: ENTERPRISE[4] })
    expect(await revokedRow.count()).toBe(1)
    expect((await revokedRow.locator('[data-testid="reward-revoked"]').textContent())?.trim()).toBe(
      `2026年11月25日撤销，奖励资金已于${zh(reward!.received_on)}收回`,
    )
    expect(await rewards.locator('[data-testid="reward-revoked"]').count()).toBe(1)
    await screenshot(page, 'finance-1-rewards')
  })
})
