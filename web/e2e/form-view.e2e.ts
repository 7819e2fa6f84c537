// The application form read-only (申报表, issue 20) in a real browser, for each person who may read
// it, and the expert's score sheet with the enterprise's self-assessment beside each score. On a
// runner of its own (its clock one day on once the call's deadlines, set to today, have passed):
// the applicant previews what it typed before submitting and reads its submitted form (also on
// the printable page); another enterprise is refused; the recommending unit reads the whole form
// before it signs; the Office opens it from the screening; an expert is refused before the pledge
// and, after it, scores with each item's narrative and self-score beside the input and the running
// total beside 提交; the panel leader's consensus round shows the disputed item's scores. Every
// page is checked (checkPage) and kept under target/screenshots/ as `form-view-NN-…` at 1440×900.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { usccCheckCharacter } from '../src/lib/uscc'
import { callAt, chinaDate, completeForm, confirmStep, EXPERTS as experts, field, launchChromium, Runner, screenshots, signIn, tokenAt, uploadEvidence } from './support'
import { declareAndPledge } from './steps'

const data = mkdtempSync(join(tmpdir(), 'award-form-view-'))
const runner = new Runner(process.env.AWARD_LOCAL_BIN ?? '', data)
const year = chinaDate(0).slice(0, 4)
const organisation = { name: '武威市祁连精密制造有限公司', uscc: '91620602MA74XY8Q08' }
const unitName = '凉州区质量发展领导小组办公室'
const narrative = '公司质量领导小组每季度评审质量目标完成情况，总经理亲自督办整改。'
const screenshot = screenshots('form-view')
const VIEWPORT = { width: 1440, height: 900 }

interface Rubric {
  standard: string
  total_points: number
  categories: { id: string; name: string; points: number; items: { id: string; name: string; points: number }[] }[]
}

let browser: Browser
let base = ''
let offset = 0
let applicationId = ''
/** Another enterprise's application, left a draft when the call closes. */
let leftDraftId = ''
const lateFirst17 = '91620602MA74XY9Q0'
const late = { name: '武威市天马食品有限公司', uscc: `${lateFirst17}${usccCheckCharacter(lateFirst17)}` }
let rubric: Rubric
let documentCount = 0
let current: Page | null = null

const call = (method: string, path: string, bearer: string, body?: unknown) => callAt(base, method, path, bearer, body)
const token = (role: string, sub: string, email: string) => tokenAt(base, role, sub, email)
const office = () => token('office', 'office-1', 'office@wuwei.example.cn')
const items = () => rubric.categories.flatMap((category) => category.items)

/** A page at 1440×900 whose clock reads the runner's time. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT })
  await context.clock.setFixedTime(new Date(Date.now() + offset * 86_400_000))
  current = await context.newPage()
  return current
}

/** The self-assessed total the form shows: 60 % on every item, 75 % on the first. */
function selfTotal(): string {
  const centi = items().reduce((sum, item, index) => sum + item.points * (index === 0 ? 75 : 60), 0)
  return `自评总分 ${(centi / 100).toFixed(2)} / ${rubric.total_points} 分（已自评 ${items().length}/${items().length} 条）`
}

/** What every reader of the form must find in it. */
async function expectWholeForm(page: Page, container: string) {
  const form = page.locator(`${container} [data-testid="application-form"]`).first()
  await form.waitFor({ timeout: 15_000 })
  // Whole once the rubric names the items (a page may read it after the application).
  await expect.poll(async () => (await form.textContent()) ?? '', { timeout: 15_000 }).toContain(`${items()[0]!.id} ${items()[0]!.name}`)
  for (const section of ['organisation', 'certificates', 'self-assessment', 'indicators', 'inspections', 'declarations']) {
    expect(await form.locator(`[data-section="${section}"]`).count(), section).toBe(1)
  }
  const text = (await form.textContent()) ?? ''
  const first = items()[0]!
  for (const shown of [
    organisation.name,
    '2015年6月1日',
    '张建国',
    'GB/T 19001-2016',
    `${first.id} ${first.name}`,
    `（${first.points} 分）`,
    `自评得分率 75%，折合 ${((first.points * 75) / 100).toFixed(2)} 分`,
    narrative,
    '产品监督抽查合格率',
    '万元',
    '质量监督抽查',
    '符合质量法律法规：已承诺',
  ]) {
    expect(text, shown).toContain(shown)
  }
  // Nothing to type into.
  expect(await form.locator('input, textarea, select, [contenteditable="true"]').count()).toBe(0)
  return form
}

beforeAll(async () => {
  expect(process.env.AWARD_LOCAL_BIN ?? '', 'AWARD_LOCAL_BIN (run through scripts/e2e.sh)').not.toBe('')
  browser = await launchChromium()
})

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && current) await current.screenshot({ path: join(process.env.SCREENSHOT_DIR ?? '.', `form-view-failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => undefined)
  current = null
})

afterAll(async () => {
  await browser?.close()
  await runner.stop()
  rmSync(data, { recursive: true, force: true })
})

describe('the application form, read by each person who may read it', () => {
  it('sets up the call, the unit and a draft with its evidence by API', async () => {
    base = await runner.start(0)
    const staff = await office()
    const committee = await token('committee', 'committee-1', 'committee@wuwei.example.cn')
    const applicant = await token('applicant', 'ent-1', 'contact@example.cn')
    const deadline = chinaDate(0)
    await call('POST', '/cycles', staff, { id: year, title: `${year}年度武威市人民政府质量奖`, application_deadline: deadline, recommendation_deadline: deadline })
    await call('POST', `/cycles/${year}/rules/approve`, committee)
    await call('POST', `/cycles/${year}/open`, staff)
    const open = (await call('GET', '/cycles/open', staff)) as { rules: { rubric: Rubric }; required_documents: string[] }
    rubric = open.rules.rubric
    const recommender = (await call('POST', '/recommenders', staff, { name: unitName, scope: { kind: 'county', division_code: '620602' }, mailbox: 'liangzhou@wuwei.example.cn', accounts: ['liangzhou-1'] })) as { id: string }
    const created = (await call('POST', '/applications', applicant, { organisation_name: organisation.name, uscc: organisation.uscc, registration_date: '2015-06-01', division_code: '620602', contact_email: 'contact@example.cn' })) as { id: string }
    applicationId = created.id
    const left = await token('applicant', 'ent-3', 'late@example.cn')
    leftDraftId = ((await call('POST', '/applications', left, { organisation_name: late.name, uscc: late.uscc, registration_date: '2016-03-01', division_code: '620602', contact_email: 'late@example.cn' })) as { id: string }).id
    const form = completeForm(deadline, items().map((item) => item.id), organisation)
    form.self_assessment[items()[0]!.id] = { score: 75, narrative }
    const read = async () => (await call('GET', `/applications/${applicationId}`, applicant)) as { version: number; documents: { status: string }[] }
    await call('PUT', `/applications/${applicationId}/form`, applicant, { version: (await read()).version, form, recommender_id: recommender.id })
    await uploadEvidence(base, applicationId, applicant, open.required_documents)
    documentCount = open.required_documents.length
    await expect.poll(async () => (await read()).documents.filter((d) => d.status === 'received').length, { timeout: 30_000 }).toBe(documentCount)
    for (const expert of experts) {
      await call('POST', '/experts', staff, {
        account: expert.account,
        profile: { name: expert.name, sector: 'university', employer: '兰州某大学', employer_uscc: expert.employerUscc, history: [], specialities: ['C'], email: `${expert.account}@example.cn`, relations: [] },
      })
    }
  })

  it('lets the applicant preview what it typed, then read its submitted form', async () => {
    const page = await newPage()
    await signIn(page, base, '申报单位', 'ent-1', 'contact@example.cn')
    await page.goto(`${base}/#/applicant/applications/${applicationId}`)
    // A change typed and not saved shows in the preview.
    const contact = field(page, 'contact.name').locator('input')
    await contact.fill('王芳')
    await page.locator('[data-testid="preview"]').click()
    const dialog = page.getByRole('dialog', { name: '申报表预览' })
    await dialog.waitFor()
    await expectWholeForm(page, '[data-testid="preview-dialog"]')
    const previewed = (await dialog.textContent()) ?? ''
    expect(previewed).toContain('王芳')
    expect(previewed).toContain(`推荐单位：${unitName}`)
    expect(previewed).toContain(selfTotal())
    // The evidence, each received file with its 下载.
    expect(await dialog.locator('[data-testid="form-evidence"] li').count()).toBe(documentCount)
    expect(await dialog.getByRole('button', { name: /^下载/ }).count()).toBe(documentCount)
    await screenshot(page, 'applicant-preview')
    await dialog.locator('[data-testid="close-preview"]').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator('[data-testid="save"]').click()
    // The save has landed: the line says when it reached the server. (Not merely "保存到服务器":
    // the draft kept in this browser meanwhile says "尚未保存到服务器", and a submission sent
    // while the save was still on its way met a form changing under it: 409 stale_version.)
    await expect.poll(() => page.locator('[data-testid="draft-status"]').textContent(), { timeout: 15_000 }).toMatch(/^已于 .+ 保存到服务器。$/)

    // Submitted by API, once.
    const applicant = await token('applicant', 'ent-1', 'contact@example.cn')
    const answer = await fetch(`${base}/applications/${applicationId}/submit`, { method: 'POST', headers: { authorization: `Bearer ${applicant}` } })
    expect(answer.status, await answer.clone().text()).toBe(200)
    await page.reload()
    const submitted = page.locator('[data-testid="submitted-form"]')
    await expectWholeForm(page, '[data-testid="submitted-form"]')
    const text = (await submitted.textContent()) ?? ''
    expect(text).toContain('王芳')
    expect(text).toContain(selfTotal())
    expect(text).toContain(`推荐单位：${unitName}`)
    expect(text).toMatch(/提交时间\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/)
    await screenshot(page, 'applicant-submitted-form')

    // The printable page: the same form, 打印, and nothing to type into.
    await submitted.getByRole('link', { name: '打开可打印的申报表' }).click()
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe(`申报表：${organisation.name}（${year}年度）`)
    await expectWholeForm(page, '.form-view-page')
    expect(await page.locator('[data-testid="print"]').isVisible()).toBe(true)
    expect(await page.locator('.form-view-page [data-testid="recommender"]').textContent()).toBe(`推荐单位：${unitName}`)
    // In print, the header, menu and buttons are left out.
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('header.masthead').isVisible()).toBe(false)
    expect(await page.locator('[data-testid="print"]').isVisible()).toBe(false)
    expect(await page.locator('[data-testid="application-form"]').isVisible()).toBe(true)
    await page.emulateMedia({ media: 'screen' })
    await screenshot(page, 'applicant-printable-form')
  })

  it('refuses another enterprise with a message and no form', async () => {
    const page = await newPage()
    await signIn(page, base, '申报单位', 'ent-2', 'other@example.cn')
    await page.goto(`${base}/#/applications/${applicationId}/form`)
    const refused = page.locator('[data-testid="form-refused"]')
    await refused.waitFor({ timeout: 15_000 })
    expect(await refused.textContent()).toContain('无法查看该申报表：您无权查看，或该申报不存在。')
    expect(await page.locator('[data-testid="application-form"]').count()).toBe(0)
    expect(await page.locator('[data-testid="print"]').count()).toBe(0)
    await screenshot(page, 'refused-other-enterprise')
  })

  it('lets the recommending unit read the whole form before it signs', async () => {
    const page = await newPage()
    await signIn(page, base, '推荐单位', 'liangzhou-1', 'liangzhou@wuwei.example.cn')
    await page.goto(`${base}/#/recommender/applications/${applicationId}`)
    const form = await expectWholeForm(page, '[data-testid="documents"]')
    const text = (await form.textContent()) ?? ''
    expect(text).toContain(selfTotal())
    expect(text).toContain(`推荐单位：${unitName}`)
    expect(text).toContain('王芳')
    expect(await form.getByRole('button', { name: /^下载/ }).count()).toBe(documentCount)
    // Not yet signed: the opinion is still to be written below the form.
    expect(await page.locator('[data-testid="recommend"]').isVisible()).toBe(true)
    expect(await page.locator('[data-testid="recommendation"]').count()).toBe(0)
    await screenshot(page, 'recommender-reads-form')
    await field(page, 'opinion').locator('textarea').fill('经审核，该单位申报材料齐全，自我评价与实证材料相符，同意推荐。')
    await field(page, 'signer_name').locator('input').fill('赵六')
    await page.locator('[data-testid="recommend"]').click()
    await confirmStep(page, '同意推荐', '确认推荐')
    await expect.poll(() => page.locator('[data-testid="state"]').textContent(), { timeout: 15_000 }).toBe('已推荐，待资格审查')
    expect(await page.locator('[data-testid="documents"] [data-testid="recommendation-signed"]').textContent()).toContain('签署人：赵六')
  })

  it('opens the form for the Office from the screening, past the deadline', async () => {
    const before = await office()
    await expect
      .poll(async () => ((await call('GET', `/applications/${applicationId}/screening`, before)) as { screening: unknown }).screening !== null, { timeout: 30_000 })
      .toBe(true)
    await runner.stop()
    offset = 1
    base = await runner.start(1)
    const staff = await office()
    await expect.poll(async () => ((await call('GET', `/cycles/${year}`, staff)) as { status: string }).status, { timeout: 30_000 }).toBe('reviewing')

    const page = await newPage()
    await signIn(page, base, '评审委员会办公室', 'office-1', 'office@wuwei.example.cn')
    await page.goto(`${base}/#/office/${year}/screening`)
    await page.locator('[data-testid="screening-list"]').getByText(organisation.name).click()
    await page.locator('[data-testid="open-form"]').click()
    const form = await expectWholeForm(page, '.form-view-page')
    expect(await form.textContent()).toContain(`推荐单位：${unitName}`)
    expect(await form.textContent()).toContain('推荐意见：经审核，该单位申报材料齐全')
    expect(await form.getByRole('button', { name: /^下载/ }).count()).toBe(documentCount)
    await screenshot(page, 'office-reads-form')

    // The screening settled and confirmed, the document panel drawn (by API).
    const screening = (await call('GET', `/applications/${applicationId}/screening`, staff)) as { needs_review: string[] }
    for (const condition of screening.needs_review) {
      await call('POST', `/applications/${applicationId}/screening/settlements`, staff, { condition, outcome: 'pass', reason: '已核对原件，符合要求。' })
    }
    await call('POST', `/applications/${applicationId}/screening/confirm`, staff)
    await call('POST', `/cycles/${year}/assignments`, staff, { phase: 'document', seed: 42 })
  })

  it('shows a draft left when the call closed as closed, read-only, in the list too', async () => {
    const page = await newPage()
    await signIn(page, base, '申报单位', 'ent-3', 'late@example.cn')
    const deadline = chinaDate(0)
    const closed = `申报已于 ${Number(deadline.slice(0, 4))}年${Number(deadline.slice(5, 7))}月${Number(deadline.slice(8, 10))}日 截止`
    await page.goto(`${base}/#/applicant`)
    await expect.poll(() => page.locator('[data-testid="my-applications"]').textContent(), { timeout: 15_000 }).toContain(`未提交（${closed}）`)
    await page.goto(`${base}/#/applicant/applications/${leftDraftId}`)
    await expect.poll(() => page.locator('[data-testid="call-closed"]').textContent(), { timeout: 15_000 }).toContain(closed)
    expect(await page.locator('[data-testid="save"]').count()).toBe(0)
    expect(await page.locator('[data-testid="submit"]').count()).toBe(0)
    expect(await page.locator('[data-testid="submitted-form"] input, [data-testid="submitted-form"] textarea').count()).toBe(0)
    await screenshot(page, 'applicant-draft-after-close')
  })

  it('refuses an assigned expert before the pledge, then shows the self-assessment beside each score', async () => {
    const page = await newPage()
    await signIn(page, base, '评审专家', 'expert-1', 'expert-1@example.cn')
    await page.goto(`${base}/#/applications/${applicationId}/form`)
    const refused = page.locator('[data-testid="form-refused"]')
    await refused.waitFor({ timeout: 15_000 })
    expect(await refused.textContent()).toContain('评审专家签署保密承诺后可以查看')
    expect(await page.locator('[data-testid="application-form"]').count()).toBe(0)
    await screenshot(page, 'refused-expert-before-pledge')

    await page.goto(`${base}/#/expert/reviews/${applicationId}/document`)
    await declareAndPledge(page)

    // Each item: the enterprise's self-score and narrative beside the input.
    const first = items()[0]!
    const second = items()[1]!
    const row = field(page, `items.${first.id}`)
    await expect.poll(() => row.locator('[data-testid="self-narrative"]').textContent(), { timeout: 15_000 }).toBe(narrative)
    expect(await row.locator('[data-testid="self-score"]').textContent()).toBe(`企业自评 75%（折合 ${((first.points * 75) / 100).toFixed(2)} 分）`)
    expect(await row.textContent()).toContain(`${first.id} ${first.name}（${first.points} 分）`)
    expect(await field(page, `items.${second.id}`).locator('[data-testid="self-score"]').textContent()).toBe(`企业自评 60%（折合 ${((second.points * 60) / 100).toFixed(2)} 分）`)
    expect(await page.locator('[data-testid="self-assessment"]').count()).toBe(items().length)
    const text = await row.locator('[data-testid="self-assessment"]').boundingBox()
    const input = await row.locator('input').boundingBox()
    expect(text && input, 'both laid out').toBeTruthy()
    // Beside: the narrative ends left of the input, on the same line.
    expect(text!.x + text!.width).toBeLessThanOrEqual(input!.x)
    expect(input!.y).toBeLessThan(text!.y + text!.height)
    expect(input!.y + input!.height).toBeGreaterThan(text!.y)

    // The running total beside 提交评分表, on screen while scoring the first item.
    const footer = page.locator('[data-testid="sheet-total"]')
    await row.locator('input').fill('70')
    await row.locator('input').press('Tab')
    await expect.poll(() => footer.textContent()).toBe(`合计 ${((first.points * 70) / 100).toFixed(2)} / ${rubric.total_points} 分（已评 1/${items().length} 条）`)
    await row.scrollIntoViewIfNeeded()
    const inView = async (selector: string) => {
      const box = await page.locator(selector).boundingBox()
      return box !== null && box.y >= 0 && box.y + box.height <= VIEWPORT.height
    }
    expect(await inView('[data-testid="sheet-total"]')).toBe(true)
    expect(await inView('[data-testid="submit-sheet"]')).toBe(true)
    const total = await footer.boundingBox()
    const submit = await page.locator('[data-testid="submit-sheet"]').boundingBox()
    expect(Math.abs(total!.y + total!.height / 2 - (submit!.y + submit!.height / 2))).toBeLessThan(submit!.height)

    // The rest of the form, folded above the sheet, without the self-assessment repeated.
    await page.locator('[data-testid="expert-form"]').getByText('单位基本情况、认证、主要指标、检验与诚信、声明').click()
    const folded = page.locator('[data-testid="expert-form"] [data-testid="application-form"]')
    await folded.waitFor()
    expect(await folded.textContent()).toContain('张建国')
    expect(await folded.locator('[data-section="self-assessment"]').count()).toBe(0)
    await page.locator('[data-testid="expert-form"]').evaluate((element) => element.scrollIntoView())
    await screenshot(page, 'expert-sheet-beside-evidence')

    // Every item scored: 70 % on each; the footer's total then matches the header's.
    for (const item of items().slice(1)) {
      const input = field(page, `items.${item.id}`).locator('input')
      await input.fill('70')
      await input.press('Tab')
    }
    const all = `合计 ${((items().reduce((sum, item) => sum + item.points, 0) * 70) / 100).toFixed(2)} / ${rubric.total_points} 分（已评 ${items().length}/${items().length} 条）`
    await expect.poll(() => footer.textContent()).toBe(all)
    expect(await page.locator('[data-testid="running-total"]').textContent()).toBe(all)
    await page.locator('[data-testid="submit-sheet"]').click()
    await confirmStep(page, '提交评分表', '确认提交')
    await expect.poll(() => page.locator('[data-testid="assignment-status"]').textContent(), { timeout: 15_000 }).toBe('已提交')

    // After the pledge, the printable page opens for the expert too, the chosen unit by name.
    await page.goto(`${base}/#/applications/${applicationId}/form`)
    const form = await expectWholeForm(page, '.form-view-page')
    await expect.poll(() => form.locator('[data-testid="recommender"]').textContent()).toBe(`推荐单位：${unitName}`)
    await screenshot(page, 'expert-reads-form')
  })

  it("shows the panel leader each disputed item's scores in the consensus round", async () => {
    // The other four score by API: the first item at 40, 50, 90 and 95 %, the rest at 70 %.
    const first = items()[0]!
    let leader = experts[0]!
    for (const [index, expert] of experts.entries()) {
      const bearer = await token('expert', expert.account, `${expert.account}@example.cn`)
      const path = `/reviews/${applicationId}/document`
      if (index > 0) {
        await call('POST', `${path}/declaration`, bearer, { conflict: false, pledge: true })
        const percents = Object.fromEntries(items().map((item) => [item.id, item.id === first.id ? [40, 50, 90, 95][index - 1] : 70]))
        const before = (await call('GET', path, bearer)) as { version: number }
        await call('PUT', `${path}/sheet`, bearer, { version: before.version, items: percents, comments: { [rubric.categories[0]!.id]: `专家${index + 1}的评语` } })
        const saved = (await call('GET', path, bearer)) as { version: number }
        await call('POST', `${path}/submit`, bearer, { version: saved.version, items: percents, comments: { [rubric.categories[0]!.id]: `专家${index + 1}的评语` } })
      }
      const mine = (await call('GET', path, bearer)) as { assignment: { leader: boolean } }
      if (mine.assignment.leader) leader = expert
    }
    const bearer = await token('expert', leader.account, `${leader.account}@example.cn`)
    await expect
      .poll(async () => ((await call('GET', `/reviews/${applicationId}/document`, bearer)) as { consensus_round: { items: string[] } | null }).consensus_round?.items ?? [], { timeout: 30_000 })
      .toContain(first.id)

    const page = await newPage()
    await signIn(page, base, '评审专家', leader.account, `${leader.account}@example.cn`)
    await page.goto(`${base}/#/expert/reviews/${applicationId}/document`)
    const disputed = page.locator(`[data-testid="consensus"] [data-item="${first.id}"]`)
    await disputed.waitFor({ timeout: 15_000 })
    expect(await disputed.locator('h3').textContent()).toBe(`${first.id} ${first.name}（${first.points} 分）`)
    expect(await disputed.locator('[data-testid="consensus-percents"]').textContent()).toBe('各专家得分率：40%、50%、70%、90%、95%')
    // The inputs carry visible labels, 合议意见 marked required; the next item's heading is set apart.
    expect(await disputed.locator('[data-testid="consensus-percent-label"]').textContent()).toBe('合议得分率（%）')
    expect(await disputed.locator('[data-testid="consensus-note-label"]').textContent()).toBe('*合议意见（必填）')
    expect(await disputed.locator('textarea').getAttribute('aria-required')).toBe('true')
    // The application (with its self-assessment) is read after the review: polled.
    await expect.poll(() => disputed.textContent(), { timeout: 15_000 }).toContain('企业自评 75%')
    // The panel's comments on the item's part, unnamed, beside its scores.
    const said = await disputed.locator('[data-testid="consensus-comments"] li').allTextContents()
    for (const [index, expert] of experts.entries()) {
      if (index > 0 && expert !== leader) expect(said).toContain(`专家${index + 1}的评语`)
    }
    await screenshot(page, 'leader-consensus')
  })
})
