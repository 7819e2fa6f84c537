import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { Divisions, Industries } from '../src/lib/codes'
import {
  addDays,
  blankNotice,
  checkCycleForm,
  checkNotice,
  cycleDefaults,
  cycleErrorField,
  extensionErrorField,
  dayKind,
  deadlineNoticeCount,
  loadableYears,
  monthGrid,
  newCycleBody,
  nextCycleYear,
  parseReminderDays,
  rowReasonZh,
  rulesInWords,
  unitBody,
  unitErrorZh,
  unitScopeZh,
  countyOfficeChoices,
  emptyUnitForm,
} from '../src/lib/setup'
import { STANDARD_RULES } from './rules-fixture'

describe('the new cycle form', () => {
  it('defaults to this year, its title, 60 and 75 days, three awards', () => {
    const form = cycleDefaults('2026-12-07')
    expect(form).toEqual({
      id: '2026',
      title: '2026年度武威市人民政府质量奖',
      application_deadline: '2027-02-05',
      recommendation_deadline: '2027-02-20',
      quota: 3,
    })
    expect(newCycleBody({ ...form, id: ' 2026 ', title: ' 标题 ' })).toEqual({ ...form, title: '标题' })
  })

  it('moves to the first year two years from every existing cycle (Art. 4)', () => {
    expect(nextCycleYear('2026-03-01', ['2026'])).toBe(2028)
    expect(nextCycleYear('2027-03-01', ['2026'])).toBe(2028)
    expect(nextCycleYear('2027-03-01', ['2024'])).toBe(2027)
    const later = cycleDefaults('2027-03-01', ['2026'])
    expect(later.id).toBe('2028')
    expect(later.application_deadline).toBe('2028-03-01')
  })

  it('checks the form’s shape before sending', () => {
    const form = cycleDefaults('2026-12-07')
    expect(checkCycleForm(form)).toEqual({})
    const issues = checkCycleForm({ ...form, id: '26', title: ' ', application_deadline: '', recommendation_deadline: '', quota: 4 })
    expect(Object.keys(issues).sort()).toEqual(['application_deadline', 'id', 'quota', 'recommendation_deadline', 'title'])
  })

  it('places the API refusals beside their field', () => {
    expect(cycleErrorField('cycle_not_biennial', '')).toBe('id')
    expect(cycleErrorField('cycle_deadline_order', '')).toBe('recommendation_deadline')
    expect(cycleErrorField('invalid_cycle', 'invalid cycle: recommendation_deadline must be YYYY-MM-DD')).toBe('recommendation_deadline')
    expect(cycleErrorField('deadline_shortened', 'a published deadline can only be extended: 2027-01-01 is before 2027-02-01')).toBeNull()
    const current = { application_deadline: '2027-02-01', recommendation_deadline: '2027-02-20' }
    expect(extensionErrorField('deadline_shortened', 'a published deadline can only be extended: 2027-02-10 is before 2027-02-20', { recommendation_deadline: '2027-02-10' }, current)).toBe('recommendation_deadline')
    expect(extensionErrorField('deadline_shortened', 'a published deadline can only be extended: 2027-01-01 is before 2027-02-01', { application_deadline: '2027-01-01', recommendation_deadline: '2027-03-01' }, current)).toBe('application_deadline')
    expect(cycleErrorField('another_cycle_open', '')).toBeNull()
  })

  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
  })
})

describe('the review rules in words', () => {
  it('says every default rule with its value', () => {
    const lines = rulesInWords(STANDARD_RULES)
    const byLabel = Object.fromEntries(lines.map((line) => [line.label, line.value]))
    expect(byLabel['评分标准']).toBe('GB/T 19580-2012《卓越绩效评价准则》，7 个类目，满分 1000 分')
    expect(byLabel['专家评分汇总方法']).toBe('去掉一个最高分和一个最低分后取平均分')
    expect(byLabel['评分分歧的处理']).toContain('超过该项满分的 30% 时')
    expect(byLabel['入围现场评审']).toBe('资料评审得分不低于 500 分的申报中，得分最高的前 6 名')
    expect(byLabel['综合评价权重']).toBe('资料评审 30%、现场评审 60%、满意度调查 10%')
    expect(byLabel['候选名单门槛']).toBe('综合评价得分不低于 60 分（百分制）')
    expect(byLabel['现场评审专家组人数']).toBe('每项申报 3 名专家，其中 1 名为组长')
    expect(byLabel['公示期']).toBe('5 个工作日')
    for (const line of lines) expect(line.explanation.length).toBeGreaterThan(10)
  })

  it('the default rubric adds up like the server’s', () => {
    const { rubric } = STANDARD_RULES
    expect(rubric.categories.reduce((sum, c) => sum + c.points, 0)).toBe(rubric.total_points)
    for (const category of rubric.categories) expect(category.items.reduce((sum, i) => sum + i.points, 0)).toBe(category.points)
  })

  it('says other methods and policies', () => {
    const lines = rulesInWords({ ...STANDARD_RULES, aggregation: 'median', disagreement: { measure: 'standard_deviation', threshold_percent: 15 }, shortlist: { min_document_score: null, top_n: 4 }, weights: { document_review: 2_550, onsite_review: 6_450, satisfaction: 1_000 } })
    const byLabel = Object.fromEntries(lines.map((line) => [line.label, line.value]))
    expect(byLabel['专家评分汇总方法']).toBe('取全部专家评分的中位数')
    expect(byLabel['评分分歧的处理']).toContain('标准差超过该项满分的 15%')
    expect(byLabel['入围现场评审']).toBe('资料评审得分最高的前 4 名')
    expect(byLabel['综合评价权重']).toBe('资料评审 25.50%、现场评审 64.50%、满意度调查 10%')
  })
})

describe('the month grid', () => {
  const notice = { off: [{ name: '国庆节', first: '2027-10-01', last: '2027-10-07' }], working_days: ['2027-09-26', '2027-10-09'] }

  it('lays a month out Monday first with blanks around it', () => {
    // 2027-10-01 is a Friday.
    const weeks = monthGrid(2027, 10, notice)
    expect(weeks[0]!.slice(0, 4)).toEqual([null, null, null, null])
    expect(weeks[0]![4]).toEqual({ date: '2027-10-01', day: 1, kind: 'holiday', holiday: '国庆节' })
    expect(weeks.flat().filter(Boolean)).toHaveLength(31)
    expect(weeks.every((week) => week.length === 7)).toBe(true)
  })

  it('marks holidays, adjusted working days, weekends and working days', () => {
    expect(dayKind('2027-10-07', notice)).toEqual({ kind: 'holiday', holiday: '国庆节' })
    expect(dayKind('2027-10-09', notice)).toEqual({ kind: 'adjusted' })
    expect(dayKind('2027-10-10', notice)).toEqual({ kind: 'weekend' })
    expect(dayKind('2027-10-08', notice)).toEqual({ kind: 'workday' })
    // February of a leap year.
    expect(monthGrid(2028, 2, notice).flat().filter(Boolean)).toHaveLength(29)
  })

  it('checks a notice before it is sent', () => {
    const blank = blankNotice(2027)
    expect(blank.notice).toBe('国务院办公厅关于2027年部分节假日安排的通知')
    expect(checkNotice(blank)).toContain('请选择通知发布日期。')
    const issues = checkNotice({ ...blank, published: '2026-11-01', off: [{ name: '国庆节', first: '2027-10-07', last: '2027-10-01' }], working_days: ['2027-10-08'] })
    expect(issues).toEqual(['第 1 个放假安排的结束日期早于开始日期。', '2027年10月8日不是周末，无需调休上班。'])
    expect(checkNotice({ ...blank, published: '2026-11-01', off: notice.off, working_days: notice.working_days })).toEqual([])
    expect(loadableYears('2026-12-07', [2022, 2023, 2024, 2025, 2026])).toEqual([2027, 2028])
  })
})

describe('recommending units', () => {
  it('sends the form as the API reads it', () => {
    const form = { ...emptyUnitForm(), name: ' 凉州区质量办 ', mailbox: 'a@b.cn ', accounts: 'liangzhou-1\nliangzhou-2, liangzhou-1', uscc: '' }
    expect(unitBody(form)).toEqual({ name: '凉州区质量办', scope: { kind: 'county', division_code: '620602' }, mailbox: 'a@b.cn', uscc: null, accounts: ['liangzhou-1', 'liangzhou-2'], active: true })
    expect(unitBody({ ...form, kind: 'industry', sections: ['E', 'C'] }).scope).toEqual({ kind: 'industry', sections: ['C', 'E'] })
    const lists = {
      divisions: new Divisions(readFileSync(new URL('../../shared/domain/data/gb2260.csv', import.meta.url), 'utf8')),
      industries: new Industries(readFileSync(new URL('../../shared/domain/data/gb4754.csv', import.meta.url), 'utf8')),
    }
    expect(unitScopeZh({ kind: 'county', division_code: '620621' }, lists)).toBe('县（区）：民勤县')
    expect(unitScopeZh({ kind: 'industry', sections: ['C', 'E'] }, lists)).toBe('行业：制造业、建筑业')
    expect(unitScopeZh({ kind: 'county', division_code: '620699' }, lists)).toBe('县（区）：（不在代码表中）')
    expect(countyOfficeChoices(lists.divisions)).toEqual([
      ['620600', '武威市（市本级）'],
      ['620602', '凉州区'],
      ['620621', '民勤县'],
      ['620622', '古浪县'],
      ['620623', '天祝藏族自治县'],
    ])
  })

  it('says the API’s refusals in Chinese beside the field', () => {
    expect(unitErrorZh('invalid_recommender', 'invalid recommending unit: a county office must be in Wuwei (620600, 620602, 620621-620623)')?.field).toBe('division_code')
    expect(unitErrorZh('invalid_email', 'invalid email address')).toEqual({ field: 'mailbox', text: '邮箱地址格式无效。' })
    expect(unitErrorZh('recommender_in_use', '')).toBeNull()
  })
})

describe('deadlines, the import and the aftercare policy', () => {
  it('counts the notices an extension sends', () => {
    const apps = [{ state: 'draft' }, { state: 'submitted' }, { state: 'draft' }]
    expect(deadlineNoticeCount('open', apps)).toBe(2)
    expect(deadlineNoticeCount('draft', apps)).toBe(0)
  })

  it('says an import row’s reason without format codes', () => {
    expect(rowReasonZh('日期“2030-01-01”晚于今天，请核对')).toBe('日期“2030年1月1日”晚于今天，请核对')
    expect(rowReasonZh('日期“2024/12/20”无效，格式应为 YYYY-MM-DD')).toBe('日期“2024/12/20”无效，应按“四位年-两位月-两位日”填写')
  })

  it('reads the reminder days', () => {
    expect(parseReminderDays('30、180，90 90')).toEqual([180, 90, 30])
    expect(parseReminderDays('')).toBeNull()
    expect(parseReminderDays('0')).toBeNull()
    expect(parseReminderDays('九十')).toBeNull()
  })
})
