// The Office's setting up of a cycle from an empty system (issue 20): the new cycle's defaults and
// request body, the review rules in words (what the Committee approves), the holiday calendar's
// month grid, the recommending units' form, and where the API's refusals go.
import type { HolidayNotice, NewCycle, RecommenderInput, ReviewRules } from '../api/types'
import { formatChinaDate } from './dates'
import type { Divisions, Industries } from './codes'

// --- the new cycle ----------------------------------------------------------------------------

/** The new cycle form as typed (dates `YYYY-MM-DD`, the date pickers' value format). */
export interface CycleForm {
  id: string
  title: string
  application_deadline: string
  recommendation_deadline: string
  quota: number
}

/** `date` (`YYYY-MM-DD`) moved on by `days`. */
export function addDays(date: string, days: number): string {
  const day = new Date(`${date}T00:00:00Z`)
  day.setUTCDate(day.getUTCDate() + days)
  return day.toISOString().slice(0, 10)
}

/** The first year from `today`'s on that no existing cycle is less than two years from (Art. 4:
 * every two years). */
export function nextCycleYear(today: string, existing: readonly string[]): number {
  const years = existing.map(Number).filter((year) => Number.isInteger(year))
  let year = Number(today.slice(0, 4))
  while (years.some((other) => Math.abs(other - year) < 2)) year += 1
  return year
}

/** The form's defaults on `today` (China date): the next year the biennial rule allows, its usual
 * title, the call open for 60 days and the recommendations 15 days more, three awards. */
export function cycleDefaults(today: string, existing: readonly string[] = []): CycleForm {
  const year = nextCycleYear(today, existing)
  const start = year > Number(today.slice(0, 4)) ? `${year}-01-01` : today
  const application = addDays(start, 60)
  return {
    id: String(year),
    title: `${year}年度武威市人民政府质量奖`,
    application_deadline: application,
    recommendation_deadline: addDays(application, 15),
    quota: 3,
  }
}

/** What `POST /cycles` is sent for the form. */
export function newCycleBody(form: CycleForm): NewCycle {
  return {
    id: form.id.trim(),
    title: form.title.trim(),
    application_deadline: form.application_deadline,
    recommendation_deadline: form.recommendation_deadline,
    quota: form.quota,
  }
}

/** What the page checks before sending (the form's shape); the dates' order and whether a deadline
 * has passed are the server's to judge, and its refusal is shown beside the field. */
export function checkCycleForm(form: CycleForm): Record<string, string> {
  const issues: Record<string, string> = {}
  if (!/^\d{4}$/.test(form.id.trim())) issues.id = '评选年度应为四位年份，如 2026。'
  if (!form.title.trim()) issues.title = '请填写评选周期名称。'
  if (!form.application_deadline) issues.application_deadline = '请选择申报截止日期。'
  if (!form.recommendation_deadline) issues.recommendation_deadline = '请选择推荐截止日期。'
  if (!(form.quota >= 1 && form.quota <= 3)) issues.quota = '每届评选名额应为1至3个（办法第四条）。'
  return issues
}

/** The field of the cycle forms an API refusal `code` is about (`null`: the form as a whole). */
export const CYCLE_ERROR_FIELD: Record<string, string> = {
  invalid_cycle_id: 'id',
  cycle_exists: 'id',
  cycle_not_biennial: 'id',
  invalid_cycle_title: 'title',
  cycle_deadline_order: 'recommendation_deadline',
  cycle_deadline_in_past: 'application_deadline',
  invalid_quota: 'quota',
}

/** `invalid_cycle`'s message names the field in its English `message` only. */
export function cycleErrorField(code: string, message: string): string | null {
  if (code === 'invalid_cycle') {
    if (message.includes('recommendation')) return 'recommendation_deadline'
    if (message.includes('application')) return 'application_deadline'
  }
  return CYCLE_ERROR_FIELD[code] ?? null
}

type Deadlines = { application_deadline?: string; recommendation_deadline?: string }

/** The deadline an extension's refusal is about: the one whose date (sent, or current for a
 * deadline already gone) its English `message` names; else `cycleErrorField`'s. */
export function extensionErrorField(code: string, message: string, sent: Deadlines, current: Required<Deadlines>): string | null {
  for (const field of ['application_deadline', 'recommendation_deadline'] as const) {
    const date = sent[field]
    if (!date) continue
    if (message.includes(date) || (code === 'deadline_gone' && message.includes(current[field]))) return field
  }
  return cycleErrorField(code, message)
}

// --- the review rules in words ------------------------------------------------------------------

export interface RuleLine {
  /** What the rule is about. */
  label: string
  /** Its value in words. */
  value: string
  /** What it means for the review, and the article. */
  explanation: string
}

const AGGREGATION_ZH: Record<ReviewRules['aggregation'], string> = {
  trimmed_mean: '去掉一个最高分和一个最低分后取平均分',
  mean: '取全部专家评分的平均分',
  median: '取全部专家评分的中位数',
}

/** `3000` basis points → `30%`. */
export function percentOfBasisPoints(points: number): string {
  const percent = points / 100
  return `${Number.isInteger(percent) ? percent : percent.toFixed(2)}%`
}

/** Hundredths → `500` or `62.5`. */
export function centiZh(centi: number): string {
  const value = centi / 100
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)))
}

/** The shortlist policy in words (Art. 11(5)). */
export function shortlistZh(rules: ReviewRules): string {
  const min = rules.shortlist.min_document_score
  const top = rules.shortlist.top_n
  if (min !== null && min !== undefined && top) return `资料评审得分不低于 ${centiZh(min)} 分的申报中，得分最高的前 ${top} 名`
  if (min !== null && min !== undefined) return `资料评审得分不低于 ${centiZh(min)} 分的申报`
  if (top) return `资料评审得分最高的前 ${top} 名`
  return '未设定'
}

/** Every rule of a cycle (Art. 20) as a person reads it: what, how much, and what it means. */
export function rulesInWords(rules: ReviewRules): RuleLine[] {
  const rubric = rules.rubric
  const spread = rules.disagreement.measure === 'range' ? '最高分与最低分之差' : '标准差'
  const w = rules.weights
  return [
    {
      label: '评分标准',
      value: `${rubric.standard}《卓越绩效评价准则》，${rubric.categories.length} 个类目，满分 ${rubric.total_points} 分`,
      explanation: `专家按此逐项评分：${rubric.categories.map((c) => `${c.name} ${c.points} 分`).join('、')}（办法第十条、第十一条）。`,
    },
    {
      label: '专家评分汇总方法',
      value: AGGREGATION_ZH[rules.aggregation],
      explanation:
        rules.aggregation === 'trimmed_mean'
          ? '评审组专家不少于 5 人时去掉最高分和最低分，少于 5 人时取平均分，减少个别极端评分的影响（办法第十一条第五、六项）。'
          : '同一申报的各位专家评分按此合成该申报的得分（办法第十一条第五、六项）。',
    },
    {
      label: '评分分歧的处理',
      value: `同一评分项各专家评分的${spread}超过该项满分的 ${rules.disagreement.threshold_percent}% 时，须经专家合议`,
      explanation: '分歧过大的评分项由评审组长组织合议后再汇总，避免评分尺度不一。',
    },
    {
      label: '入围现场评审',
      value: shortlistZh(rules),
      explanation: '资料评审后按此确定进入现场评审的申报（办法第十一条第五项）。',
    },
    {
      label: '综合评价权重',
      value: `资料评审 ${percentOfBasisPoints(w.document_review)}、现场评审 ${percentOfBasisPoints(w.onsite_review)}、满意度调查 ${percentOfBasisPoints(w.satisfaction)}`,
      explanation: '三项得分均折算为百分制后按此加权，合计 100%（办法第十一条第七项）。',
    },
    {
      label: '候选名单门槛',
      value: `综合评价得分不低于 ${centiZh(rules.candidate_min_combined)} 分（百分制）`,
      explanation: '达到此分数的申报按综合评价得分排序，提交评审委员会审议（办法第十一条第七、八项）。',
    },
    {
      label: '资料评审专家组人数',
      value: `每项申报 ${rules.document_panel_size} 名专家`,
      explanation: '从专家库中随机抽取，与申报单位有利害关系的专家回避（办法第十一条第五项、第十九条）。',
    },
    {
      label: '现场评审专家组人数',
      value: `每项申报 ${rules.onsite_panel_size} 名专家，其中 1 名为组长`,
      explanation: '现场评审组到企业核实，组长汇总形成现场评审报告（办法第十一条第六项）。',
    },
    {
      label: '公示期',
      value: `${rules.publicity_working_days} 个工作日`,
      explanation: '拟获奖名单向社会公示的期限，按国务院办公厅节假日安排计算工作日，不少于 5 个工作日（办法第十一条第八项）。',
    },
  ]
}

// --- the review rules form ----------------------------------------------------------------------

/** The rules as the Office edits them: points and percentages as people write them (the API's
 * hundredths and basis points converted both ways), the rubric left as the cycle has it. */
export interface RulesForm {
  aggregation: ReviewRules['aggregation']
  measure: ReviewRules['disagreement']['measure']
  threshold_percent: number
  /** Whether the shortlist has a minimum document-review score, and that score in points. */
  use_min_score: boolean
  min_document_score: number
  /** Whether the shortlist takes only the best N, and N. */
  use_top_n: boolean
  top_n: number
  /** The weights in percent (two decimals at most), summing to 100. */
  weight_document: number
  weight_onsite: number
  weight_satisfaction: number
  /** The candidate bar out of 100. */
  candidate_min_combined: number
  publicity_working_days: number
  document_panel_size: number
  onsite_panel_size: number
}

export const AGGREGATION_CHOICES: [ReviewRules['aggregation'], string][] = [
  ['trimmed_mean', '去掉一个最高分和一个最低分后取平均分'],
  ['mean', '取全部专家评分的平均分'],
  ['median', '取全部专家评分的中位数'],
]

export const SPREAD_CHOICES: [ReviewRules['disagreement']['measure'], string][] = [
  ['range', '最高分与最低分之差'],
  ['standard_deviation', '标准差'],
]

/** The form filled from a cycle's rules. */
export function rulesForm(rules: ReviewRules): RulesForm {
  const min = rules.shortlist.min_document_score
  const top = rules.shortlist.top_n
  return {
    aggregation: rules.aggregation,
    measure: rules.disagreement.measure,
    threshold_percent: rules.disagreement.threshold_percent,
    use_min_score: min !== null && min !== undefined,
    min_document_score: min !== null && min !== undefined ? min / 100 : rules.rubric.total_points / 2,
    use_top_n: Boolean(top),
    top_n: top || 6,
    weight_document: rules.weights.document_review / 100,
    weight_onsite: rules.weights.onsite_review / 100,
    weight_satisfaction: rules.weights.satisfaction / 100,
    candidate_min_combined: rules.candidate_min_combined / 100,
    publicity_working_days: rules.publicity_working_days,
    document_panel_size: rules.document_panel_size,
    onsite_panel_size: rules.onsite_panel_size,
  }
}

/** `62.5` (points or percent) → `6250` hundredths; exact for two decimals. */
export function toHundredths(value: number): number {
  return Math.round(value * 100)
}

/** What `PUT /cycles/{id}/rules` is sent: the form over the cycle's rubric. */
export function rulesBody(form: RulesForm, rubric: ReviewRules['rubric']): ReviewRules {
  return {
    rubric,
    aggregation: form.aggregation,
    disagreement: { measure: form.measure, threshold_percent: form.threshold_percent },
    shortlist: {
      min_document_score: form.use_min_score ? toHundredths(form.min_document_score) : null,
      top_n: form.use_top_n ? form.top_n : null,
    },
    weights: {
      document_review: toHundredths(form.weight_document),
      onsite_review: toHundredths(form.weight_onsite),
      satisfaction: toHundredths(form.weight_satisfaction),
    },
    candidate_min_combined: toHundredths(form.candidate_min_combined),
    publicity_working_days: form.publicity_working_days,
    document_panel_size: form.document_panel_size,
    onsite_panel_size: form.onsite_panel_size,
  }
}

/** The weights' sum in percent, as written (`100`, `99.5`). */
export function weightsSumPercent(form: Pick<RulesForm, 'weight_document' | 'weight_onsite' | 'weight_satisfaction'>): number {
  return (toHundredths(form.weight_document) + toHundredths(form.weight_onsite) + toHundredths(form.weight_satisfaction)) / 100
}

const hasTwoDecimals = (value: number) => Number.isFinite(value) && Math.abs(value * 100 - Math.round(value * 100)) < 1e-6
const isWhole = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max

/** The checks the page makes before sending (the server checks them again, `ReviewRules::validate`):
 * each field's issue in Chinese. */
export function checkRulesForm(form: RulesForm, totalPoints: number): Record<string, string> {
  const issues: Record<string, string> = {}
  if (!isWhole(form.threshold_percent, 0, 100)) issues.threshold_percent = '分歧阈值应为 0 至 100 的整数（百分比）。'
  if (!form.use_min_score && !form.use_top_n) issues.shortlist = '入围现场评审须设定最低分、名额，或两者都设定。'
  if (form.use_min_score && !(hasTwoDecimals(form.min_document_score) && form.min_document_score >= 0 && form.min_document_score <= totalPoints)) {
    issues.min_document_score = `入围最低分应为 0 至 ${totalPoints} 分，最多两位小数。`
  }
  if (form.use_top_n && !isWhole(form.top_n, 1, 1000)) issues.top_n = '入围名额应为不小于 1 的整数。'
  for (const key of ['weight_document', 'weight_onsite', 'weight_satisfaction'] as const) {
    const value = form[key]
    if (!(hasTwoDecimals(value) && value >= 0 && value <= 100)) issues[key] = '权重应为 0 至 100 之间的百分比，最多两位小数。'
  }
  if (!issues.weight_document && !issues.weight_onsite && !issues.weight_satisfaction && weightsSumPercent(form) !== 100) {
    issues.weights = `三项权重合计应为 100%，现为 ${Number(weightsSumPercent(form).toFixed(2))}%。`
  }
  if (!(hasTwoDecimals(form.candidate_min_combined) && form.candidate_min_combined >= 0 && form.candidate_min_combined <= 100)) {
    issues.candidate_min_combined = '候选名单门槛应为 0 至 100 分（百分制），最多两位小数。'
  }
  if (!isWhole(form.publicity_working_days, 5, 365)) issues.publicity_working_days = '公示期不少于 5 个工作日（办法第十一条第八项）。'
  if (!isWhole(form.document_panel_size, 1, 15)) issues.document_panel_size = '专家组人数应为 1 至 15 人。'
  if (!isWhole(form.onsite_panel_size, 1, 15)) issues.onsite_panel_size = '专家组人数应为 1 至 15 人。'
  return issues
}

/** What the confirmation says a change of rules does to the Committee's approval. */
export function rulesLapseZh(status: string, approved: boolean): string {
  const when = status === 'draft' ? '开放申报前' : '专家开始评分前'
  return approved
    ? `评审委员会此前的审定随即失效，须经评审委员会重新审定后方可${status === 'draft' ? '开放申报' : '开始评分'}。修改在${when}均可进行；首次评分后细则不能再修改。`
    : `修改后的细则仍须经评审委员会审定后方可${status === 'draft' ? '开放申报' : '开始评分'}；首次评分后细则不能再修改。`
}

// --- the holiday calendar's month grid ----------------------------------------------------------

/** How a day counts: a working day, a weekend day, a holiday (放假) or an adjusted working
 * weekend day (调休上班). */
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'adjusted'

export interface DayCell {
  date: string
  day: number
  kind: DayKind
  /** The holiday's name on a holiday. */
  holiday?: string
}

export const DAY_KIND_ZH: Record<DayKind, string> = {
  workday: '工作日',
  weekend: '休息日',
  holiday: '节假日',
  adjusted: '调休上班',
}

/** What a notice makes of `date`. */
export function dayKind(date: string, notice: Pick<HolidayNotice, 'off' | 'working_days'>): { kind: DayKind; holiday?: string } {
  const period = notice.off.find((p) => p.first <= date && date <= p.last)
  if (period) return { kind: 'holiday', holiday: period.name }
  if (notice.working_days.includes(date)) return { kind: 'adjusted' }
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
  return { kind: weekday === 0 || weekday === 6 ? 'weekend' : 'workday' }
}

/** `month` (1–12) of `year` as weeks from Monday to Sunday; days of other months are `null`. */
export function monthGrid(year: number, month: number, notice: Pick<HolidayNotice, 'off' | 'working_days'>): (DayCell | null)[][] {
  const first = new Date(Date.UTC(year, month - 1, 1))
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const lead = (first.getUTCDay() + 6) % 7
  const cells: (DayCell | null)[] = Array.from({ length: lead }, () => null)
  for (let day = 1; day <= days; day += 1) {
    const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
    cells.push({ date, day, ...dayKind(date, notice) })
  }
  while (cells.length % 7 !== 0) cells.push(null)
  const weeks: (DayCell | null)[][] = []
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
  return weeks
}

/** A day's name for a screen reader: `2027年10月1日 国庆节`. */
export function dayLabel(cell: DayCell): string {
  return `${formatChinaDate(cell.date)} ${cell.holiday ?? DAY_KIND_ZH[cell.kind]}`
}

/** The checks a notice passes on the page (the server validates it again). */
export function checkNotice(notice: HolidayNotice): string[] {
  const issues: string[] = []
  const inYear = (date: string) => date.startsWith(`${notice.year}-`)
  if (!notice.notice.trim()) issues.push('请填写通知名称。')
  if (!notice.published) issues.push('请选择通知发布日期。')
  if (notice.off.length === 0) issues.push('请至少录入一个放假安排。')
  notice.off.forEach((period, index) => {
    const n = index + 1
    if (!period.name.trim()) issues.push(`第 ${n} 个放假安排缺少节日名称。`)
    if (!period.first || !period.last) issues.push(`第 ${n} 个放假安排缺少起止日期。`)
    else if (period.last < period.first) issues.push(`第 ${n} 个放假安排的结束日期早于开始日期。`)
    else if (!inYear(period.first) && !inYear(period.last)) issues.push(`第 ${n} 个放假安排不在 ${notice.year} 年内。`)
  })
  notice.working_days.forEach((date) => {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
    if (!date) issues.push('有调休上班日期未选择。')
    else if (weekday !== 0 && weekday !== 6) issues.push(`${formatChinaDate(date)}不是周末，无需调休上班。`)
  })
  return issues
}

// --- recommending units -------------------------------------------------------------------------

/** The award's own city (GB/T 2260): a county office covers the city itself or one of its
 * counties, as the API allows. */
export const AWARD_CITY = '620600'

/** What a county office may cover, as `[code, name]`: the city (市本级), then its counties. */
export function countyOfficeChoices(divisions: Divisions): [string, string][] {
  return [
    [AWARD_CITY, `${divisions.name(AWARD_CITY)}（市本级）`],
    ...divisions.countiesOf(AWARD_CITY).map((code): [string, string] => [code, divisions.name(code)]),
  ]
}

/** A unit's scope in words: `县（区）：凉州区` or `行业：制造业、建筑业`. */
export function unitScopeZh(scope: RecommenderInput['scope'], lists: { divisions: Divisions; industries: Industries }): string {
  const unknown = '（不在代码表中）'
  if (scope.kind === 'county') {
    return `县（区）：${lists.divisions.name(scope.division_code) || unknown}`
  }
  return `行业：${scope.sections.map((letter) => lists.industries.name(letter) || unknown).join('、')}`
}

export interface UnitForm {
  name: string
  kind: 'county' | 'industry'
  division_code: string
  sections: string[]
  mailbox: string
  uscc: string
  /** The accounts, one a line or separated by commas. */
  accounts: string
  active: boolean
}

export function emptyUnitForm(): UnitForm {
  return { name: '', kind: 'county', division_code: '620602', sections: [], mailbox: '', uscc: '', accounts: '', active: true }
}

/** What `POST`/`PUT /recommenders` is sent for the form. */
export function unitBody(form: UnitForm): RecommenderInput {
  const accounts = [...new Set(form.accounts.split(/[\s,，、;；]+/).map((a) => a.trim()).filter(Boolean))]
  return {
    name: form.name.trim(),
    scope: form.kind === 'county' ? { kind: 'county', division_code: form.division_code } : { kind: 'industry', sections: [...form.sections].sort() },
    mailbox: form.mailbox.trim(),
    uscc: form.uscc.trim() ? form.uscc.trim().toUpperCase() : null,
    accounts,
    active: form.active,
  }
}

/** `invalid_recommender`'s English detail, said in Chinese beside its field. */
export function unitErrorZh(code: string, message: string): { field: string | null; text: string } | null {
  if (code === 'invalid_email') return { field: 'mailbox', text: '邮箱地址格式无效。' }
  if (code === 'invalid_uscc' || code.startsWith('uscc')) return { field: 'uscc', text: '统一社会信用代码无效，请核对（18位，末位为校验码）。' }
  if (code === 'invalid_characters') return { field: 'name', text: '名称含有不允许的字符。' }
  if (code !== 'invalid_recommender') return null
  if (message.includes('name')) return { field: 'name', text: '单位名称应为1至200个字，且为一行。' }
  if (message.includes('county office')) return { field: 'division_code', text: '县（区）质量办须在武威市辖区内。' }
  if (message.includes('sections')) return { field: 'sections', text: '行业主管部门须至少选择一个国民经济行业门类。' }
  if (message.includes('account')) return { field: 'accounts', text: '登录账号每个不超过128个字符，且最多20个。' }
  return { field: null, text: '推荐单位信息有误，请核对。' }
}

// --- the Office's contact details ------------------------------------------------------------------

/** The field of the contact form an API refusal is about (`null`: the form as a whole);
 * `invalid_characters` names its field in its details. */
export function contactErrorField(code: string, issueFields: readonly string[] = []): 'phone' | 'postal_address' | 'mailbox' | null {
  if (code === 'invalid_phone') return 'phone'
  if (code === 'invalid_email') return 'mailbox'
  const named = issueFields.find((f): f is 'phone' | 'postal_address' | 'mailbox' => f === 'phone' || f === 'postal_address' || f === 'mailbox')
  if (named) return named
  return code === 'invalid_characters' ? 'postal_address' : null
}

// --- deadlines ----------------------------------------------------------------------------------

/** How many notices `POST /cycles/{id}/deadlines` sends (shared/app `extend_deadlines`): once the
 * call is published, one to each draft application's contact; none for a cycle still in draft. */
export function deadlineNoticeCount(status: string, states: readonly { state: string }[]): number {
  if (status === 'draft') return 0
  return states.filter((a) => a.state === 'draft').length
}

// --- the aftercare policy -----------------------------------------------------------------------

/** `180、90，30` → `[180, 90, 30]` (largest first, no repeats); `null` when anything is not a
 * whole number from 1 to 1830. */
export function parseReminderDays(text: string): number[] | null {
  const parts = text.split(/[\s,，、;；]+/).filter(Boolean)
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) return null
  const days = [...new Set(parts.map(Number))].sort((a, b) => b - a)
  return days.every((d) => d >= 1 && d <= 1830) ? days : null
}

// --- the register import ------------------------------------------------------------------------

/** The import's columns (shared/app `register::column`) and what each holds. */
export const REGISTER_COLUMNS: [string, string][] = [
  ['类型', '“获奖”或“撤销”'],
  ['统一社会信用代码', '18 位代码'],
  ['单位名称', '单位全称'],
  ['评选周期', '获奖：评选年度，四位年份'],
  ['批准日期', '获奖批准日期；撤销时为被撤销奖项的批准日期'],
  ['撤销日期', '撤销：撤销决定日期'],
  ['撤销依据', '撤销：“第十七条”（弄虚作假）或“第十八条”'],
  ['第十八条情形', '依第十八条撤销：情形序号 1 至 5'],
  ['情形发生日期', '依第十八条撤销：情形发生日期'],
]

/** The header line of a template (UTF-8 with the BOM Excel looks for). */
export function registerTemplate(): string {
  return `\uFEFF${REGISTER_COLUMNS.map(([name]) => name).join(',')}\r\n`
}

/** A row issue's reason as people read it: dates in Chinese, no format code. */
export function rowReasonZh(reason: string): string {
  return reason
    .replace(/格式应为\s*YYYY-MM-DD/g, '应按“四位年-两位月-两位日”填写')
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, (date) => formatChinaDate(date))
}

/** The festivals a State Council notice lists, in its order. */
export const FESTIVALS = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']

/** A blank notice for `year`: its usual title, each festival without dates. */
export function blankNotice(year: number): HolidayNotice {
  return {
    year,
    notice: `国务院办公厅关于${year}年部分节假日安排的通知`,
    published: '',
    source: '',
    off: FESTIVALS.map((name) => ({ name, first: '', last: '' })),
    working_days: [],
  }
}

/** The years a notice may be loaded for on `today` (this year and the next two), less those the
 * calendar already holds. */
export function loadableYears(today: string, covered: readonly number[]): number[] {
  const year = Number(today.slice(0, 4))
  return [year, year + 1, year + 2].filter((y) => !covered.includes(y))
}
