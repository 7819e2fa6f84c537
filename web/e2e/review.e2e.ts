// The review in a real browser, past the recommendation deadline: an application is brought to
// `recommended` by API on a runner at today's clock; that runner stops and a second one starts on
// the same data folder with its clock 60 days on (AWARD_CLOCK_OFFSET_DAYS, read only at start), so
// its schedule moves the cycle to review. Then, in Chromium: the Office confirms the screening
// and draws the document panel; an expert declares no conflict, gives the pledge, reads the
// evidence and scores every GB/T 19580 item with the running total, saves and submits; the rest
// of the panel submits by API; the Office reads each item's mean, median and spread and the box
// plot. Screenshots under target/screenshots/.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { PHONE, settled, expectAnnounced, callAt, chinaDate, completeForm, EXPERTS as experts, field, launchChromium, Runner, screenshots, signIn as signInAt, tokenAt, uploadEvidence, type Rubric, confirmStep, followLinkAndStay, reloadPastUnsavedWarning } from './support'
import { confirmScreening, drawPanel } from './steps'

const data = mkdtempSync(join(tmpdir(), 'award-review-'))
const runner = new Runner(process.env.AWARD_LOCAL_BIN ?? '', data)
const year = chinaDate(0).slice(0, 4)
const organisation = '武威市示例质量有限公司'
const uscc = '91620602MA74XY8Q08'
let base = ''
let browser: Browser
let applicationId = ''
const screenshot = screenshots('review')
const signIn = (page: Page, roleZh: string, sub: string, email: string) => signInAt(page, base, roleZh, sub, email)

let rubric: Rubric

beforeAll(async () => {
  expect(process.env.AWARD_LOCAL_BIN ?? '', 'AWARD_LOCAL_BIN (run through scripts/e2e.sh)').not.toBe('')
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await runner.stop()
  rmSync(data, { recursive: true, force: true })
})

describe('the document review from the screening to the panel statistics', () => {
  it('brings an application to review by API, across the clock shift', async () => {
    // Today: the call, an application with its evidence, submitted and recommended (Art. 11(1)–(3)).
    base = await runner.start(0)
    const call = (method: string, path: string, bearer: string, body?: unknown) => callAt(base, method, path, bearer, body)
    const office = await tokenAt(base, 'office', 'office-1', 'office@wuwei.example.cn')
    const committee = await tokenAt(base, 'committee', 'committee-1', 'committee@wuwei.example.cn')
    const applicant = await tokenAt(base, 'applicant', 'ent-1', 'contact@example.cn')
    const unit = await tokenAt(base, 'recommender', 'liangzhou-1', 'liangzhou@wuwei.example.cn')
    const deadline = chinaDate(30)
    await call('POST', '/cycles', office, { id: year, title: `${year}年度武威市人民政府质量奖`, application_deadline: deadline, recommendation_deadline: chinaDate(45) })
    await call('POST', `/cycles/${year}/rules/approve`, committee)
    await call('POST', `/cycles/${year}/open`, office)
    const open = (await call('GET', '/cycles/open', office)) as { rules: { rubric: Rubric }; required_documents: string[] }
    rubric = open.rules.rubric
    const items = rubric.categories.flatMap((category) => category.items.map((item) => item.id))
    const recommender = (await call('POST', '/recommenders', office, {
      name: '凉州区质量发展领导小组办公室',
      scope: { kind: 'county', division_code: '620602' },
      mailbox: 'liangzhou@wuwei.example.cn',
      accounts: ['liangzhou-1'],
    })) as { id: string }
    const created = (await call('POST', '/applications', applicant, {
      organisation_name: organisation,
      uscc,
      registration_date: '2015-06-01',
      division_code: '620602',
      contact_email: 'contact@example.cn',
    })) as { id: string; version: number }
    applicationId = created.id
    const read = async () => (await call('GET', `/applications/${applicationId}`, applicant)) as { version: number; documents: { status: string }[]; lifecycle: { state: string } }
    await call('PUT', `/applications/${applicationId}/form`, applicant, { version: (await read()).version, form: completeForm(deadline, items, { name: organisation, uscc }), recommender_id: recommender.id })
    await uploadEvidence(base, applicationId, applicant, open.required_documents)
    await expect.poll(async () => (await read()).documents.filter((d) => d.status === 'received').length, { timeout: 30_000 }).toBe(open.required_documents.length)
    await call('POST', `/applications/${applicationId}/submit`, applicant)
    await call('POST', `/applications/${applicationId}/recommend`, unit, { opinion: '经审核，申报材料齐全，同意推荐。', signer_name: '赵六' })
    // The screening function screens it from the table's feed before this runner stops.
    await expect
      .poll(async () => ((await call('GET', `/applications/${applicationId}/screening`, office)) as { screening: unknown }).screening !== null, { timeout: 30_000 })
      .toBe(true)
    for (const expert of experts) {
      await call('POST', '/experts', office, {
        account: expert.account,
        profile: { name: expert.name, sector: 'university', employer: '兰州某大学', employer_uscc: expert.employerUscc, history: [], specialities: ['C'], email: `${expert.account}@example.cn`, relations: [] },
      })
    }
    await runner.stop()

    // 60 days on: past the recommendation deadline, so the schedule moves the cycle to review.
    base = await runner.start(60)
    const officeLater = await tokenAt(base, 'office', 'office-1', 'office@wuwei.example.cn')
    await expect.poll(async () => ((await callAt(base, 'GET', `/cycles/${year}`, officeLater)) as { status: string }).status, { timeout: 30_000 }).toBe('reviewing')
  })

  it('lets the Office confirm the screening and draw the panel', async () => {
    const page = await (await browser.newContext()).newPage()
    await signIn(page, '评审委员会办公室', 'office-1', 'office@wuwei.example.cn')
    // Every condition the screening left to people is settled with a reason first.
    await confirmScreening(page, base, year, organisation)
    await screenshot(page, 'office-screening-confirmed')

    // The seed's input is named, not only by its placeholder (drawPanel finds it by that name).
    await drawPanel(page, base, year, 'document', 42)
    const report = page.locator('[data-testid="draw-report"]')
    for (const expert of experts) expect(await report.textContent()).toContain(expert.name)
    // The panel's leader is named (the first drawn leads a new panel).
    expect(await report.textContent()).toMatch(/：[^、（]+（组长）、/)
    await expect.poll(() => page.locator('[data-testid="progress"] tbody tr').count()).toBe(5)
    await screenshot(page, 'office-draw')
    // No sheet yet: the statistics say so instead of charting an empty axis.
    await page.goto(`${base}/#/office-review/${applicationId}/document`)
    await expect.poll(() => page.locator('[data-testid="boxplot-empty"]').textContent(), { timeout: 15_000 }).toContain('尚无评分')
    expect(await page.locator('[data-testid="boxplot"]').count()).toBe(0)
    await screenshot(page, 'office-review-no-sheets')
  })

  it("takes an expert's sheet from the pledge to its submission with the running total", async () => {
    const page = await (await browser.newContext()).newPage()
    await signIn(page, '评审专家', 'expert-1', 'expert-1@example.cn')
    await expect.poll(() => page.locator('[data-testid="my-reviews"]').textContent(), { timeout: 15_000 }).toContain(organisation)
    await screenshot(page, 'expert-assignments')
    await page.locator('[data-testid="my-reviews"]').getByText('进入评审').click()

    // Without the pledge nothing opens; the missing pledge is named beside it.
    await field(page, 'conflict').locator('.el-radio', { hasText: '无利害关系' }).click()
    await page.locator('[data-testid="declare"]').click()
    await expect.poll(() => field(page, 'pledge').textContent()).toContain('请阅读并签署保密与公正承诺')
    await field(page, 'pledge').locator('.el-checkbox').click()
    await page.locator('[data-testid="declare"]').click()
    await expect.poll(() => page.locator('[data-testid="assignment-status"]').textContent(), { timeout: 15_000 }).toBe('评审中')
    await expect.poll(() => page.locator('[data-testid="evidence"] tbody tr').count()).toBe(6)
    // On a phone the evidence is stacked rows: each file's name and its 下载 (named by the file)
    // on screen, no sideways scroll to reach them; each category's 评语 named by its category.
    await page.setViewportSize(PHONE)
    await settled(page)
    const downloads = page.getByRole('button', { name: /^下载 / })
    await expect.poll(() => downloads.count()).toBe(6)
    for (const button of await downloads.all()) {
      const name = (await button.getAttribute('aria-label')) ?? ''
      expect(name).toMatch(/^下载 .+\.pdf$/)
      expect(await page.locator('[data-testid="evidence-stacked"]').getByText(name.slice(3), { exact: true }).first().isVisible(), name).toBe(true)
      await button.scrollIntoViewIfNeeded()
      const box = await button.boundingBox()
      expect(box, name).not.toBeNull()
      expect(box!.x, `${name} starts on screen`).toBeGreaterThanOrEqual(0)
      expect(box!.x + box!.width, `${name} ends on screen`).toBeLessThanOrEqual(PHONE.width)
    }
    await screenshot(page, 'expert-evidence')
    await page.setViewportSize({ width: 1280, height: 720 })
    for (const category of rubric.categories) {
      expect(await page.getByRole('textbox', { name: `${category.id} 评语`, exact: true }).count(), category.id).toBe(1)
    }

    const total = page.locator('[data-testid="running-total"]')
    const score = async (item: string, percent: number) => {
      const input = field(page, `items.${item}`).locator('input')
      await input.fill(String(percent))
      await input.press('Tab')
    }
    // 70 % of 4.1.2's 50 points and 60 % of 4.1.3's 30: 35 + 18.
    await score('4.1.2', 70)
    await score('4.1.3', 60)
    await expect.poll(() => total.textContent()).toBe(`合计 53.00 / ${rubric.total_points} 分（已评 2/23 条）`)
    await page.locator('[data-testid="save-sheet"]').click()
    await expect.poll(() => page.locator('[data-testid="review-message"]').textContent(), { timeout: 15_000 }).toContain('草稿已保存')
    const draftStatus = page.locator('[data-testid="draft-status"]')
    await expect.poll(() => draftStatus.textContent()).toMatch(/^已于 \d{2}:\d{2} 保存到服务器。$/)
    // Told to a screen reader, in Chinese: the message an alert, the sheet's line a status.
    await expectAnnounced(page, 'alert', '草稿已保存。')
    await expectAnnounced(page, 'status', /^已于 \d{2}:\d{2} 保存到服务器。$/)

    // A score typed and not saved: kept in this browser, saying when; the menu asks before
    // leaving; after a reload the draft is offered back with the score and the total.
    const third = rubric.categories.flatMap((category) => category.items)[2]!.id
    await score(third, 80)
    await expect.poll(() => draftStatus.textContent(), { timeout: 15_000 }).toMatch(/^草稿已于 \d{2}:\d{2} 自动保存在本机，尚未保存到服务器。$/)
    const atSheet = page.url()
    // The draft is kept on this device, and the question says so (not that it would be lost).
    expect(await followLinkAndStay(page, '评审任务')).toBe('有尚未保存到服务器的修改。草稿已保存在本机浏览器，再次打开此页时可以恢复；但它既未保存到服务器，也未提交。')
    expect(page.url()).toBe(atSheet)
    expect(await reloadPastUnsavedWarning(page)).toEqual(['beforeunload'])
    const offer = page.locator('[data-testid="draft-offer"]')
    await offer.waitFor({ timeout: 15_000 })
    expect(await offer.textContent()).toMatch(/本机保存有 \d{2}:\d{2} 尚未保存到服务器的评分草稿。/)
    await expect.poll(() => total.textContent()).toBe(`合计 53.00 / ${rubric.total_points} 分（已评 2/23 条）`)
    await screenshot(page, 'expert-draft-offered')
    await page.locator('[data-testid="restore-draft"]').click()
    await expect.poll(() => field(page, `items.${third}`).locator('input').inputValue()).toBe('80')
    await expect.poll(() => total.textContent()).not.toBe(`合计 53.00 / ${rubric.total_points} 分（已评 2/23 条）`)
    expect(await total.textContent()).toMatch(/已评 3\/23 条/)
    expect(await draftStatus.textContent()).toMatch(/^草稿已于 \d{2}:\d{2} 自动保存在本机，尚未保存到服务器。$/)

    // Submitting with items unscored is stopped, and each is named.
    await page.locator('[data-testid="submit-sheet"]').click()
    await expect.poll(() => field(page, 'items.4.7.7').textContent()).toContain('请评分')
    await expectAnnounced(page, 'alert', '请先更正标红的条目。')
    const items = rubric.categories.flatMap((category) => category.items)
    for (const item of items.slice(2)) await score(item.id, 70)
    const expected = items.reduce((sum, item, index) => sum + item.points * (index === 0 ? 70 : index === 1 ? 60 : 70), 0)
    await expect.poll(() => total.textContent()).toBe(`合计 ${(expected / 100).toFixed(2)} / ${rubric.total_points} 分（已评 23/23 条）`)
    await screenshot(page, 'expert-sheet')
    await page.locator('[data-testid="submit-sheet"]').click()
    await confirmStep(page, '提交评分表', '确认提交')
    await expect.poll(() => page.locator('[data-testid="assignment-status"]').textContent(), { timeout: 15_000 }).toBe('已提交')
    await expectAnnounced(page, 'alert', '评分表已提交。')
  })

  it("shows the Office each item's mean, median and spread over the panel, with the box plot", async () => {
    // The other four experts score by API: 4.1.2 at 50, 60, 80 and 90 %, the rest at 70 %.
    const items = rubric.categories.flatMap((category) => category.items.map((item) => item.id))
    for (const [index, expert] of experts.slice(1).entries()) {
      const bearer = await tokenAt(base, 'expert', expert.account, `${expert.account}@example.cn`)
      const path = `/reviews/${applicationId}/document`
      await callAt(base, 'POST', `${path}/declaration`, bearer, { conflict: false, pledge: true })
      const percents = Object.fromEntries(items.map((item) => [item, item === '4.1.2' ? [50, 60, 80, 90][index] : 70]))
      const before = (await callAt(base, 'GET', path, bearer)) as { version: number }
      await callAt(base, 'PUT', `${path}/sheet`, bearer, { version: before.version, items: percents, comments: {} })
      const saved = (await callAt(base, 'GET', path, bearer)) as { version: number }
      await callAt(base, 'POST', `${path}/submit`, bearer, { version: saved.version, items: percents, comments: {} })
    }

    // Every sheet in: aggregated (here by API; the stream may have done it already).
    await callAt(base, 'POST', `/applications/${applicationId}/reviews/document/aggregate`, await tokenAt(base, 'office', 'office-1', 'office@wuwei.example.cn'))
    const page = await (await browser.newContext()).newPage()
    await signIn(page, '评审委员会办公室', 'office-1', 'office@wuwei.example.cn')
    await page.goto(`${base}/#/office-review/${applicationId}/document`)
    // 4.1.2 awaits the leader's consensus: the total so far is provisional, and says why.
    await expect.poll(() => page.locator('[data-testid="review-total-label"]').textContent(), { timeout: 15_000 }).toBe('合计得分（暂计，待合议）')
    expect(await page.locator('[data-testid="review-total-pending"]').textContent()).toContain('4.1.2')
    const row = page.locator('[data-testid="item-stats"] tbody tr', { hasText: '4.1.2' })
    // 4.1.2 (50 points) at 70, 50, 60, 80, 90 %: 35, 25, 30, 40, 45 points.
    await expect.poll(async () => (await row.locator('td').allTextContents()).slice(1, 7), { timeout: 15_000 }).toEqual(['50', '5', '35.00', '35.00', '25.00–45.00', '20.00'])
    // A 20-point spread on a 50-point item is flagged; the unanimous 4.1.3 is not.
    expect(await row.locator('[data-testid="disagreement"]').count()).toBe(1)
    expect(await page.locator('[data-testid="item-stats"] tbody tr', { hasText: '4.1.3' }).locator('[data-testid="disagreement"]').count()).toBe(0)
    // The rule is stated beside the flags: above the threshold, and what a spread equal to it means.
    const rule = await page.locator('[data-testid="disagreement-rule"]').textContent()
    expect(rule).toMatch(/大于 \d+ 个百分点时标记为“分歧较大”/)
    expect(rule).toMatch(/恰好等于 \d+ 个百分点不标记/)
    const chart = page.locator('[data-testid="boxplot"]')
    const boxplot = page.locator('[data-testid="boxplot"] svg text')
    await expect.poll(() => boxplot.allTextContents()).toContain('4.7.7')
    expect(await boxplot.allTextContents()).toContain('4.1.2')
    expect(await page.locator('[data-testid="sheets"] tbody tr').count()).toBe(5)
    await screenshot(page, 'office-review-statistics')

    // On a phone the boxes lie down, one row per item: every item's label drawn, on screen, none
    // overlapping the next (at 390 px standing up, ECharts kept only every third).
    const itemIds = rubric.categories.flatMap((category) => category.items.map((item) => item.id))
    await page.setViewportSize(PHONE)
    await expect.poll(() => chart.getAttribute('data-layout')).toBe('horizontal')
    await settled(page)
    const labels = async () =>
      chart.locator('svg text').evaluateAll((texts, ids) => {
        return texts
          .filter((text) => (ids as string[]).includes((text.textContent ?? '').trim()))
          .map((text) => {
            const box = text.getBoundingClientRect()
            return { id: (text.textContent ?? '').trim(), left: box.left, right: box.right, top: box.top, bottom: box.bottom }
          })
      }, itemIds)
    await expect.poll(async () => (await labels()).map((label) => label.id).sort()).toEqual([...itemIds].sort())
    const drawn = (await labels()).sort((a, b) => a.top - b.top)
    expect(drawn.map((label) => label.id)).toEqual(itemIds)
    for (const [index, label] of drawn.entries()) {
      expect(label.left, `${label.id} starts on screen`).toBeGreaterThanOrEqual(0)
      expect(label.right, `${label.id} ends on screen`).toBeLessThanOrEqual(PHONE.width)
      expect(label.bottom - label.top, `${label.id} at least 10 px tall`).toBeGreaterThanOrEqual(10)
      if (index > 0) expect(label.top, `${label.id} below ${drawn[index - 1]!.id}`).toBeGreaterThanOrEqual(drawn[index - 1]!.bottom)
    }
    await page.setViewportSize({ width: 1280, height: 720 })
    await expect.poll(() => chart.getAttribute('data-layout')).toBe('vertical')

    // The box plot's text alternative: a sentence naming the disputed item, and the five numbers
    // per item as a table, shown by 查看数据, one row per item of the chart.
    expect(await chart.getAttribute('role')).toBe('img')
    expect(await chart.getAttribute('aria-label')).toContain('分歧较大的条目：4.1.2')
    // In the page for screen readers, but a 1-pixel box until asked for.
    const data = page.locator('[data-testid="boxplot-data"] [data-testid="chart-data"]')
    const width = () => data.evaluate((table) => table.getBoundingClientRect().width)
    expect(await width()).toBeLessThanOrEqual(1)
    await page.locator('[data-testid="boxplot-data"] [data-testid="chart-data-toggle"]').click()
    await expect.poll(width).toBeGreaterThan(100)
    expect(await data.locator('tbody tr').count()).toBe(rubric.categories.flatMap((category) => category.items).length)
    const cells = (await data.locator('tbody tr', { hasText: '4.1.2' }).first().locator('th, td').allTextContents()).map((text) => text.trim())
    // 25, 30, 35, 40, 45 points: the same numbers as the statistics above.
    expect(cells.slice(1)).toEqual(['5', '25.00', '30.00', '35.00', '40.00', '45.00', '分歧较大'])
    await screenshot(page, 'office-review-statistics-data')
  })
})
