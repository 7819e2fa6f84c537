// The Office sets up and runs a cycle from an empty system in the pages alone (issue 20), on a
// runner of its own: the empty dashboard offers 创建评选周期; the Office creates the cycle through
// the form (the defaults filled in, the rules' place said, the API's refusal beside its field); the
// Committee reads the rules and approves them; the Office changes them (7 working days of
// publicity, 7 document experts; a weight sum of 95% refused beside it), the approval lapses and
// the Committee approves the changed rules; the Office opens the call and extends the
// application deadline (the notice count said before, one draft told); adds, edits and
// deactivates a recommending unit (the API's refusal of a bad credit code beside its field);
// imports a register CSV after a dry run that names a bad row; reads a calendar year as month
// grids and loads the next year's holiday notice; sets the aftercare policy; sets its contact
// details (a bad telephone refused beside it, the rest round-trips); and the public home
// page then shows the open call with its new deadline. Every page is checked (checkPage at 1280
// and 390 px) and kept at 1440×900 too.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { usccCheckCharacter } from '../src/lib/uscc'
import { SCREENSHOT_DIR, callAt, checkNoOverflow, settled, chinaDate, confirmStep, field, fillDate, launchChromium, Runner, screenshots, signIn, tokenAt } from './support'

const data = mkdtempSync(join(tmpdir(), 'award-setup-'))
const runner = new Runner(process.env.AWARD_LOCAL_BIN ?? '', data)
const check = screenshots('setup')
const year = chinaDate(0).slice(0, 4)
const next = String(Number(year) + 1)
let base = ''
let browser: Browser
let office: BrowserContext
let page: Page

/** `2027-02-05` → `2027年2月5日`. */
function dateZh(date: string): string {
  return `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`
}

let wideShot = 0
/** checkPage (1280 and 390 px), then the page kept at 1440×900. */
async function checked(on: Page, name: string) {
  await check(on, name)
  const viewport = on.viewportSize()
  await on.setViewportSize({ width: 1440, height: 900 })
  await settled(on)
  await checkNoOverflow(on, `${name} at 1440 px`)
  wideShot += 1
  await on.screenshot({ path: join(SCREENSHOT_DIR, `setup-1440-${String(wideShot).padStart(2, '0')}-${name}.png`), fullPage: true })
  if (viewport) await on.setViewportSize(viewport)
}

const uscc = (first17: string) => `${first17}${usccCheckCharacter(first17)}`

beforeAll(async () => {
  base = await runner.start(0)
  browser = await launchChromium()
  office = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' })
  page = await office.newPage()
})

afterAll(async () => {
  await browser?.close()
  await runner.stop()
  rmSync(data, { recursive: true, force: true })
})

describe('the Office sets up a cycle from an empty system', () => {
  it('finds the menu and 创建评选周期 on the empty dashboard', async () => {
    await signIn(page, base, '评审委员会办公室', 'office-1', 'office@wuwei.example.cn')
    await page.goto(`${base}/#/office`)
    await page.locator('[data-testid="no-cycle"]').waitFor()
    await expect.poll(() => page.locator('[data-testid="no-cycle"]').innerText()).toContain('尚未创建评选周期')
    const menu = page.getByRole('menubar', { name: '办公室菜单' })
    for (const item of ['概览', '创建评选周期', '推荐单位', '专家库', '获奖与禁止名录', '节假日安排', '回访与撤销', '联系方式']) {
      await expect.poll(() => menu.getByRole('menuitem', { name: item, exact: true }).count()).toBe(1)
    }
    await checked(page, 'empty-dashboard')
    await page.locator('[data-testid="start-cycle"]').click()
    await page.locator('[data-testid="cycle-new"]').waitFor()
  })

  it('creates the cycle through the form, the refusal of its dates shown beside the field', async () => {
    const title = field(page, 'title').locator('input')
    await expect.poll(() => title.inputValue()).toBe(`${year}年度武威市人民政府质量奖`)
    expect(await field(page, 'id').locator('input').inputValue()).toBe(year)
    expect(await field(page, 'application_deadline').locator('input').inputValue()).toBe(dateZh(chinaDate(60)))
    expect(await field(page, 'recommendation_deadline').locator('input').inputValue()).toBe(dateZh(chinaDate(75)))
    // The page keeps no copy of the rules: it says where the new cycle's own are read and changed.
    const rules = await page.locator('[data-testid="rules-start"]').innerText()
    expect(rules).toContain('标准评审细则')
    expect(rules).toContain('“周期设置”页逐项查看，并在评审委员会审定前修改')
    expect(rules).not.toContain('去掉一个最高分和一个最低分后取平均分')
    await checked(page, 'cycle-new')

    // A recommendation deadline before the application deadline: the API refuses it, beside the field.
    await fillDate(page, 'recommendation_deadline', chinaDate(30))
    await page.locator('[data-testid="create-cycle"]').click()
    await confirmStep(page, '确认创建评选周期', '确认创建')
    const refusal = field(page, 'recommendation_deadline').locator('.el-form-item__error')
    await expect.poll(() => refusal.innerText()).toBe('推荐截止日期不得早于申报截止日期。')
    expect(await (await fetch(`${base}/cycles/open`)).status).toBe(404)
    await checked(page, 'cycle-new-refused')

    await fillDate(page, 'recommendation_deadline', chinaDate(75))
    await page.locator('[data-testid="create-cycle"]').click()
    await confirmStep(page, '确认创建评选周期', '确认创建')
    await page.locator('[data-testid="cycle-setup"]').waitFor()
    expect(new URL(page.url()).hash).toBe(`#/office/${year}/setup`)
    await expect.poll(() => page.locator('[data-testid="cycle-status"]').innerText()).toBe('筹备中')
    expect(await page.locator('[data-testid="rules-pending"]').isVisible()).toBe(true)
    expect(await page.locator('[data-testid="open-call"]').isDisabled()).toBe(true)
    const facts = await page.locator('[data-testid="cycle-facts"]').innerText()
    expect(facts).toContain(dateZh(chinaDate(60)))
    expect(facts).toContain(dateZh(chinaDate(75)))
    await checked(page, 'cycle-setup-draft')
    await page.getByRole('menuitem', { name: '概览', exact: true }).click()
    await expect.poll(() => page.locator('[data-testid="draft-next"]').innerText()).toBe('评审细则待评审委员会审定，审定后开放申报')
    await checked(page, 'dashboard-draft')
    await page.locator('[data-testid="draft-next"] a').click()
    await page.locator('[data-testid="cycle-setup"]').waitFor()
  })

  it('has the Committee read the rules and approve them', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' })
    const committee = await context.newPage()
    await signIn(committee, base, '评审委员会', 'committee-1', 'committee@wuwei.example.cn')
    // The rules waiting for approval are said on the Committee's page, with the way there.
    await expect.poll(() => committee.locator('[data-testid="rules-awaiting"]').innerText(), { timeout: 15_000 }).toContain('的评审细则待评审委员会审定。')
    expect(await committee.locator('[data-testid="rules-awaiting-link"]').getAttribute('href')).toBe('#/committee/rules')
    await checked(committee, 'committee-rules-awaiting')
    await committee.getByRole('link', { name: '审定评审细则 →' }).click()
    const list = committee.locator('[data-testid="rules-list"]')
    await list.waitFor()
    const words = await list.innerText()
    for (const rule of ['评分标准', 'GB/T 19580-2012《卓越绩效评价准则》，7 个类目，满分 1000 分', '入围现场评审', '资料评审得分不低于 500 分的申报中，得分最高的前 6 名', '候选名单门槛', '综合评价得分不低于 60 分', '每项申报 3 名专家，其中 1 名为组长', '公示期']) {
      expect(words).toContain(rule)
    }
    await committee.getByRole('button', { name: '查看全部评分项（23 项）' }).click()
    const items = committee.locator('[data-testid="rubric-category"]')
    await expect.poll(() => items.count()).toBe(7)
    await expect.poll(() => committee.locator('.rubric-items').innerText()).toContain('4.7.4 财务结果：80 分')
    await checked(committee, 'committee-rules')
    await committee.locator('[data-testid="approve-rules"]').click()
    await confirmStep(committee, '确认审定评审细则', '确认审定')
    await expect.poll(() => committee.locator('[data-testid="rules-approved"]').innerText()).toContain('审定')
    expect(await committee.locator('[data-testid="approve-rules"]').count()).toBe(0)
    await checked(committee, 'committee-rules-approved')
    await context.close()
  })

  it('has the Office change the rules: the approval lapses, a weight sum off 100% is refused beside it', async () => {
    await page.reload()
    await page.locator('[data-testid="rules-approved"]').waitFor()
    expect(await page.locator('[data-testid="open-call"]').isDisabled()).toBe(false)
    const list = page.locator('[data-testid="rules-list"]')
    expect(await list.innerText()).toContain('5 个工作日')
    await page.locator('[data-testid="edit-rules"]').click()
    const form = page.locator('[data-testid="rules-form"]')
    await form.waitFor()
    // The form holds the cycle's own rules, percentages as people write them.
    const weight = (name: string) => form.locator(`input[aria-label="${name}权重（%）"]`)
    expect(await weight('资料评审').inputValue()).toBe('30.00')
    expect(await weight('现场评审').inputValue()).toBe('60.00')
    expect(await field(page, 'publicity_working_days').locator('input').inputValue()).toBe('5')
    expect(await field(page, 'document_panel_size').locator('input').inputValue()).toBe('5')

    await field(page, 'publicity_working_days').locator('input').fill('7')
    await field(page, 'publicity_working_days').locator('input').press('Tab')
    await field(page, 'document_panel_size').locator('input').fill('7')
    await field(page, 'document_panel_size').locator('input').press('Tab')
    await weight('现场评审').fill('55')
    await weight('现场评审').press('Tab')
    await expect.poll(() => page.locator('[data-testid="weights-sum"]').innerText()).toContain('现合计 95%')
    await page.locator('[data-testid="save-rules"]').click()
    const refusal = field(page, 'weights').locator('.el-form-item__error')
    await expect.poll(() => refusal.innerText()).toBe('三项权重合计应为 100%，现为 95%。')
    expect(await page.getByRole('dialog', { name: '确认修改评审细则' }).count()).toBe(0)
    await checked(page, 'cycle-setup-rules-form')

    await weight('现场评审').fill('60')
    await weight('现场评审').press('Tab')
    await expect.poll(() => field(page, 'weights').locator('.el-form-item__error').count()).toBe(0)
    await page.locator('[data-testid="save-rules"]').click()
    const box = page.getByRole('dialog', { name: '确认修改评审细则' })
    await box.waitFor()
    expect(await box.innerText()).toContain('评审委员会此前的审定随即失效，须经评审委员会重新审定后方可开放申报')
    await box.getByRole('button', { name: '确认修改' }).click()
    await box.waitFor({ state: 'hidden' })
    await expect.poll(() => page.locator('[data-testid="rules-done"]').innerText()).toBe('评审细则已修改，须经评审委员会重新审定后方可开放申报。')
    expect(await page.locator('[data-testid="rules-pending"]').isVisible()).toBe(true)
    expect(await page.locator('[data-testid="open-call"]').isDisabled()).toBe(true)
    const words = await list.innerText()
    expect(words).toContain('7 个工作日')
    expect(words).toContain('每项申报 7 名专家')
    expect(words).toContain('资料评审 30%、现场评审 60%、满意度调查 10%')
    // What the server holds.
    const office = await tokenAt(base, 'office', 'office-1', 'office@wuwei.example.cn')
    const held = (await callAt(base, 'GET', `/cycles/${year}`, office)) as { rules: { publicity_working_days: number; document_panel_size: number }; rules_approval: unknown }
    expect(held.rules.publicity_working_days).toBe(7)
    expect(held.rules.document_panel_size).toBe(7)
    expect(held.rules_approval).toBeNull()
    await checked(page, 'cycle-setup-rules-edited')
  })

  it('has the Committee read the changed rules and approve them again', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' })
    const committee = await context.newPage()
    await signIn(committee, base, '评审委员会', 'committee-1', 'committee@wuwei.example.cn')
    await committee.goto(`${base}/#/committee/rules`)
    const list = committee.locator('[data-testid="rules-list"]')
    await list.waitFor()
    const words = await list.innerText()
    expect(words).toContain('7 个工作日')
    expect(words).toContain('每项申报 7 名专家')
    expect(await committee.locator('[data-testid="rules-approved"]').count()).toBe(0)
    await checked(committee, 'committee-rules-changed')
    await committee.locator('[data-testid="approve-rules"]').click()
    await confirmStep(committee, '确认审定评审细则', '确认审定')
    await expect.poll(() => committee.locator('[data-testid="rules-approved"]').innerText()).toContain('审定')
    await context.close()
  })

  it('opens the call and extends the application deadline, one draft told', async () => {
    await page.reload()
    await page.locator('[data-testid="rules-approved"]').waitFor()
    await page.locator('[data-testid="open-call"]').click()
    await confirmStep(page, '确认开放申报', '确认开放')
    await expect.poll(() => page.locator('[data-testid="cycle-status"]').innerText()).toBe('受理申报中')
    expect(await page.locator('[data-testid="setup-done"]').innerText()).toContain('已开放申报')

    // An enterprise starts an application (by API): its contact is the one the extension tells.
    const applicant = await tokenAt(base, 'applicant', 'applicant-1', 'contact@example.cn')
    await callAt(base, 'POST', '/applications', applicant, { organisation_name: '武威市示例质量有限公司', uscc: '91620602MA74XY8Q08', registration_date: '2015-06-01', division_code: '620602', contact_email: 'contact@example.cn' })
    await page.reload()
    await expect.poll(() => page.locator('[data-testid="notice-count"]').innerText()).toBe('1')
    await checked(page, 'cycle-setup-open')

    await fillDate(page, 'application_deadline', chinaDate(70))
    await fillDate(page, 'recommendation_deadline', chinaDate(85))
    await page.locator('[data-testid="extend"]').click()
    const box = page.getByRole('dialog', { name: '确认延长截止日期' })
    await box.waitFor()
    const asked = await box.innerText()
    expect(asked).toContain(`申报截止日期由 ${dateZh(chinaDate(60))} 延至 ${dateZh(chinaDate(70))}`)
    expect(asked).toContain('系统将向 1 个尚未提交申报的单位发送延期通知')
    await box.getByRole('button', { name: '确认延长' }).click()
    await box.waitFor({ state: 'hidden' })
    await expect.poll(() => page.locator('[data-testid="setup-done"]').innerText()).toContain('已通知 1 个单位')
    const facts = await page.locator('[data-testid="cycle-facts"]').innerText()
    expect(facts).toContain(dateZh(chinaDate(70)))
    expect(facts).toContain(dateZh(chinaDate(85)))

    // Shortening it again is refused by the API, beside the field.
    await fillDate(page, 'application_deadline', chinaDate(65))
    await page.locator('[data-testid="extend"]').click()
    await confirmStep(page, '确认延长截止日期', '确认延长')
    const refusal = field(page, 'application_deadline').locator('.el-form-item__error')
    await expect.poll(() => refusal.innerText()).toContain('只能延长，不能提前')
    expect(await refusal.innerText()).toContain(dateZh(chinaDate(70)))
    await checked(page, 'cycle-setup-extended')
  })

  it('adds, edits and deactivates a recommending unit', async () => {
    await page.getByRole('menuitem', { name: '推荐单位', exact: true }).click()
    await page.locator('[data-testid="recommenders"]').waitFor()
    await expect.poll(() => page.getByText('尚未登记推荐单位').count()).toBe(1)
    await page.locator('[data-testid="new-unit"]').click()
    const dialog = page.getByRole('dialog', { name: '新增推荐单位' })
    await dialog.waitFor()
    await field(page, 'name').locator('input').fill('凉州区质量发展领导小组办公室')
    await field(page, 'mailbox').locator('input').fill('liangzhou@wuwei.example.cn')
    await field(page, 'uscc').locator('input').fill('12620602ABC')
    await field(page, 'accounts').locator('textarea').fill('liangzhou-1')
    await checked(page, 'recommender-new')
    await dialog.locator('[data-testid="save-unit"]').click()
    const refusal = field(page, 'uscc').locator('.el-form-item__error')
    await expect.poll(() => refusal.innerText()).toContain('统一社会信用代码')
    await field(page, 'uscc').locator('input').fill(uscc('12620602438000001'))
    await dialog.locator('[data-testid="save-unit"]').click()
    await dialog.waitFor({ state: 'hidden' })
    const table = page.locator('[data-testid="units"]')
    await expect.poll(() => table.innerText()).toContain('凉州区质量发展领导小组办公室')
    const row = await table.innerText()
    expect(row).toContain('县（区）：凉州区')
    expect(row).toContain('liangzhou-1')
    expect(row).toContain('启用')

    await table.getByRole('button', { name: '修改' }).click()
    const editing = page.getByRole('dialog', { name: '修改推荐单位' })
    await editing.waitFor()
    expect(await field(page, 'name').locator('input').inputValue()).toBe('凉州区质量发展领导小组办公室')
    await field(page, 'accounts').locator('textarea').fill('liangzhou-1\nliangzhou-2')
    await editing.locator('[data-testid="save-unit"]').click()
    await editing.waitFor({ state: 'hidden' })
    await expect.poll(() => table.innerText()).toContain('liangzhou-1、liangzhou-2')
    await table.getByRole('button', { name: '停用' }).click()
    await expect.poll(() => page.locator('[data-testid="units-done"]').innerText()).toContain('已停用')
    // The page says so before it reads the list again: the row follows.
    await expect.poll(() => table.innerText()).toContain('已停用')
    const applicant = await tokenAt(base, 'applicant', 'applicant-2', 'b@example.cn')
    const seen = (await callAt(base, 'GET', '/recommenders', applicant)) as { recommenders: unknown[] }
    expect(seen.recommenders).toHaveLength(0)
    await table.getByRole('button', { name: '启用' }).click()
    await expect.poll(() => page.locator('[data-testid="units-done"]').innerText()).toContain('已启用')
    await checked(page, 'recommenders')
  })

  it('imports the register after a dry run that names the bad row', async () => {
    await page.getByRole('menuitem', { name: '获奖与禁止名录', exact: true }).click()
    await page.getByRole('link', { name: '从表格导入名录' }).click()
    await page.locator('[data-testid="register-import"]').waitFor()
    await checked(page, 'register-import')
    const header = '类型,统一社会信用代码,单位名称,评选周期,批准日期,撤销日期,撤销依据,第十八条情形,情形发生日期'
    const first = `获奖,${uscc('91620602MA74AB1C0')},武威市甲质量有限公司,2022,2022-12-20,,,,`
    const second = `获奖,${uscc('91620621MA74CD2E0')},民勤县乙农业科技有限公司,2022,2022-12-20,,,,`
    const future = `获奖,${uscc('91620621MA74CD2E0')},民勤县乙农业科技有限公司,2022,${chinaDate(30)},,,,`
    const input = page.locator('[data-testid="register-file"]')
    await input.setInputFiles({ name: '名录.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${header}\r\n${first}\r\n${future}\r\n`) })
    const issues = page.locator('[data-testid="row-issues"]')
    await issues.waitFor()
    const report = await issues.innerText()
    expect(report).toContain('第 3 行')
    expect(report).toContain('批准日期')
    expect(report).toContain(`日期“${dateZh(chinaDate(30))}”晚于今天`)
    expect(await page.locator('[data-testid="dry-run-summary"]').innerText()).toContain('共 2 行')
    expect(await page.locator('[data-testid="import"]').count()).toBe(0)
    await checked(page, 'register-import-dry-run')
    const office = await tokenAt(base, 'office', 'office-1', 'office@wuwei.example.cn')
    expect(((await callAt(base, 'GET', '/register', office)) as { entries: unknown[] }).entries).toHaveLength(0)

    // A legacy code whose check character does not match is imported as written, with a warning.
    const right = uscc('91620622MA72CD3E4')
    const legacy = `获奖,${right.slice(0, 17)}${right.endsWith('0') ? '1' : '0'},古浪县丙食品有限公司,2022,2022-12-20,,,,`
    await input.setInputFiles({ name: '名录.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${header}\r\n${first}\r\n${second}\r\n${legacy}\r\n`) })
    await expect.poll(() => page.locator('[data-testid="dry-run-summary"]').innerText()).toContain('可新增 3 条')
    expect(await page.locator('[data-testid="dry-run-summary"]').innerText()).toContain('需核对 1 处')
    expect(await page.locator('[data-testid="row-issues"]').count()).toBe(0)
    const warnings = await page.locator('[data-testid="row-warnings"]').innerText()
    expect(warnings).toContain('第 4 行')
    expect(warnings).toContain('校验位不符')
    await page.locator('[data-testid="import"]').click()
    await confirmStep(page, '确认导入名录', '确认导入')
    await expect.poll(() => page.locator('[data-testid="imported"]').innerText()).toContain('已导入 3 条记录')
    await checked(page, 'register-imported')
    await page.getByRole('link', { name: '← 返回获奖与禁止名录' }).click()
    const register = page.locator('[data-testid="office-register"]')
    await expect.poll(() => register.innerText()).toContain('民勤县乙农业科技有限公司')
    expect(await register.innerText()).toContain('武威市甲质量有限公司')
  })

  it('reads a calendar year as month grids and loads the next year’s notice', async () => {
    await page.getByRole('menuitem', { name: '节假日安排', exact: true }).click()
    const months = page.locator('[data-testid="months"]')
    await months.waitFor()
    expect(await months.locator('table').count()).toBe(12)
    expect(await page.locator('[data-testid="calendar-notice"]').innerText()).toContain(`国务院办公厅关于${year}年部分节假日安排的通知`)
    await expect.poll(() => months.locator(`td[title="${year}年10月1日 国庆节"]`).count()).toBe(1)
    expect(await months.locator('td[data-date-kind="adjusted"]').count()).toBeGreaterThan(0)
    // Each month's seven columns are equally wide, whatever its days are marked with.
    const uneven = await months.locator('table').evaluateAll((tables) =>
      tables.flatMap((table) => {
        const widths = Array.from(table.querySelectorAll('thead th')).map((cell) => cell.getBoundingClientRect().width)
        return Math.max(...widths) - Math.min(...widths) > 1 ? [`${table.querySelector('caption')?.textContent}: ${widths.map(Math.round).join(', ')}`] : []
      }),
    )
    expect(uneven).toEqual([])
    await checked(page, 'calendar')

    await page.locator('[data-testid="load-year"]').click()
    const dialog = page.getByRole('dialog', { name: '录入节假日安排' })
    await dialog.waitFor()
    expect(await field(page, 'notice').locator('input').inputValue()).toBe(`国务院办公厅关于${next}年部分节假日安排的通知`)
    // Saving the blank notice is refused on the page, saying what is missing.
    await dialog.locator('[data-testid="save-notice"]').click()
    await expect.poll(() => dialog.locator('[data-testid="notice-issues"]').innerText()).toContain('请选择通知发布日期')
    await fillDate(page, 'published', chinaDate(-5))
    await field(page, 'source').locator('input').fill(`https://www.gov.cn/zhengce/content/${next}.htm`)
    const period = (index: number) => dialog.locator(`[data-period="${index}"] .el-date-editor input`)
    for (const [index, first, last] of [[0, `${next}-01-01`, `${next}-01-03`], [6, `${next}-10-01`, `${next}-10-07`]] as const) {
      await period(index).nth(0).fill(dateZh(first))
      await period(index).nth(0).press('Enter')
      await period(index).nth(1).fill(dateZh(last))
      await period(index).nth(1).press('Enter')
    }
    for (const index of [5, 4, 3, 2, 1]) await dialog.locator(`[data-period="${index}"]`).getByRole('button', { name: '删除' }).click()
    expect(await dialog.locator('[data-period]').count()).toBe(2)
    await dialog.locator('[data-testid="add-working-day"]').click()
    // The Saturday after National Day (1 October is a Friday in 2027).
    const saturday = new Date(Date.UTC(Number(next), 9, 1))
    saturday.setUTCDate(1 + ((6 - saturday.getUTCDay() + 7) % 7) + 7)
    const workingDay = saturday.toISOString().slice(0, 10)
    const working = dialog.locator('[data-working-day="0"] input')
    await working.fill(dateZh(workingDay))
    await working.press('Enter')
    await checked(page, 'calendar-load')
    await dialog.locator('[data-testid="save-notice"]').click()
    await confirmStep(page, '确认录入节假日安排', '确认录入')
    await expect.poll(() => page.locator('[data-testid="calendar-done"]').innerText()).toBe(`已录入${next}年节假日安排。`)
    await expect.poll(() => page.locator('[data-testid="calendar-notice"]').innerText()).toContain(`国务院办公厅关于${next}年部分节假日安排的通知`)
    const holidays = await page.locator('[data-testid="holiday-list"]').innerText()
    expect(holidays).toContain(`国庆节：${next}年10月1日 至 ${next}年10月7日`)
    expect(holidays).toContain(`调休上班：${dateZh(workingDay)}`)
    expect(await months.locator(`td[title="${dateZh(workingDay)} 调休上班"]`).count()).toBe(1)
    expect(await months.locator(`td[title="${next}年1月2日 元旦"]`).count()).toBe(1)
    expect(await page.locator('[data-testid="correct-year"]').isVisible()).toBe(true)
    await checked(page, 'calendar-loaded')
  })

  it('sets the aftercare policy', async () => {
    await page.getByRole('menuitem', { name: '回访与撤销', exact: true }).click()
    const reminders = field(page, 'reminders').locator('input')
    await expect.poll(() => reminders.inputValue()).toBe('180、90、30')
    // An interval the API would refuse is refused on the page first, in words.
    await field(page, 'interval').locator('input').fill('0')
    await page.locator('[data-testid="save-policy"]').click()
    await expect.poll(() => page.locator('[data-testid="policy-error"]').innerText()).toContain('1 至 60 的整数月')
    await reminders.fill('60、120，60')
    await field(page, 'interval').locator('input').fill('6')
    await page.locator('[data-testid="save-policy"]').click()
    await page.locator('[data-testid="policy-saved"]').waitFor()
    await page.reload()
    await expect.poll(() => field(page, 'reminders').locator('input').inputValue()).toBe('120、60')
    expect(await field(page, 'interval').locator('input').inputValue()).toBe('6')
    await checked(page, 'aftercare-policy')
  })

  it('sets the Office contact details the publicity prints, a bad telephone refused beside it', async () => {
    await page.getByRole('menuitem', { name: '联系方式', exact: true }).click()
    await page.locator('[data-testid="office-contact"] h1').waitFor()
    expect(await page.locator('[data-testid="office-contact"]').innerText()).toContain('公示公告中刊登的受理异议联系方式')
    const office = await tokenAt(base, 'office', 'office-1', 'office@wuwei.example.cn')
    // Nothing set yet: the deployment's Office mailbox alone.
    const before = (await callAt(base, 'GET', '/settings/office-contact', office)) as { phone: string; postal_address: string; mailbox: string }
    expect(before.phone).toBe('')
    const mailbox = field(page, 'mailbox').locator('input')
    await expect.poll(() => mailbox.inputValue()).toBe(before.mailbox)
    await checked(page, 'office-contact')

    await field(page, 'phone').locator('input').fill('电话请询问前台')
    await field(page, 'postal_address').locator('input').fill('甘肃省武威市凉州区东大街1号 武威市人民政府质量奖评审委员会办公室（邮编733000）')
    await mailbox.fill('zhiliangjiang@wuwei.example.cn')
    await page.locator('[data-testid="save-contact"]').click()
    const refusal = field(page, 'phone').locator('.el-form-item__error')
    await expect.poll(() => refusal.innerText()).toContain('电话号码应为5至30个字符')
    expect(await page.locator('[data-testid="contact-saved"]').count()).toBe(0)
    expect(((await callAt(base, 'GET', '/settings/office-contact', office)) as { phone: string }).phone).toBe('')
    await checked(page, 'office-contact-refused')

    await field(page, 'phone').locator('input').fill('0935-2212345')
    await page.locator('[data-testid="save-contact"]').click()
    await page.locator('[data-testid="contact-saved"]').waitFor()
    await expect.poll(() => field(page, 'phone').locator('.el-form-item__error').count()).toBe(0)
    expect(await callAt(base, 'GET', '/settings/office-contact', office)).toEqual({
      phone: '0935-2212345',
      postal_address: '甘肃省武威市凉州区东大街1号 武威市人民政府质量奖评审委员会办公室（邮编733000）',
      mailbox: 'zhiliangjiang@wuwei.example.cn',
    })
    await page.reload()
    await expect.poll(() => field(page, 'phone').locator('input').inputValue()).toBe('0935-2212345')
    expect(await field(page, 'postal_address').locator('input').inputValue()).toContain('邮编733000')
    expect(await mailbox.inputValue()).toBe('zhiliangjiang@wuwei.example.cn')
    await checked(page, 'office-contact-saved')
  })

  it('shows the open call on the public home page, with the extended deadline', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' })
    const visitor = await context.newPage()
    await visitor.goto(`${base}/`)
    const call = visitor.locator('[data-testid="open-cycle"]')
    await call.waitFor()
    expect(await call.locator('h1').innerText()).toBe(`${year}年度武威市人民政府质量奖`)
    expect(await visitor.locator('[data-testid="application-deadline"]').innerText()).toBe(dateZh(chinaDate(70)))
    await checked(visitor, 'home-open-call')
    await context.close()
  })

  it('shows the dashboard of the open cycle', async () => {
    await page.goto(`${base}/#/office`)
    await page.locator('[data-testid="office-dashboard"] h1').waitFor()
    expect(await page.locator('[data-testid="office-dashboard"] h1').innerText()).toBe(`${year}年度武威市人民政府质量奖`)
    expect(await page.getByRole('menuitem', { name: '周期设置', exact: true }).count()).toBe(1)
  })

  it('withdraws a draft cycle created by mistake, and never offers it for the published call', async () => {
    const later = String(Number(year) + 2)
    await page.goto(`${base}/#/office/${year}/setup`)
    await page.locator('[data-testid="cycle-setup"]').waitFor()
    await expect.poll(() => page.locator('[data-testid="cycle-status"]').innerText()).not.toBe('筹备中')
    expect(await page.locator('[data-testid="cancel-cycle"]').count()).toBe(0)

    // Beside the cycle's title, the dashboard offers the next cycle.
    await page.getByRole('menuitem', { name: '概览', exact: true }).click()
    await page.locator('[data-testid="new-cycle"]').click()
    await page.locator('[data-testid="cycle-new"]').waitFor()
    // The year first offered is the nearest one two years on (Art. 4).
    await expect.poll(() => field(page, 'id').locator('input').inputValue()).toBe(later)
    await field(page, 'title').locator('input').fill(`${later}年度武威市人民政府质量奖（误建）`)
    await page.locator('[data-testid="create-cycle"]').click()
    await confirmStep(page, '确认创建评选周期', '确认创建')
    await page.locator('[data-testid="cycle-setup"]').waitFor()
    expect(new URL(page.url()).hash).toBe(`#/office/${later}/setup`)
    await checked(page, 'cycle-setup-cancel')
    await page.locator('[data-testid="cancel-cycle"]').click()
    await confirmStep(page, '确认删除评选周期', '确认删除')
    await expect.poll(() => new URL(page.url()).hash).toBe('#/office')
    // Gone from the Office's cycles; the published one stays.
    const office = await tokenAt(base, 'office', 'office-1', 'office@wuwei.example.cn')
    const listed = (await callAt(base, 'GET', '/cycles', office)) as { cycles: { id: string }[] }
    expect(listed.cycles.map((c) => c.id)).toEqual([year])
  })
})
