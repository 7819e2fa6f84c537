// The application form's checks in the browser: the cheap ones the server makes when a draft is
// saved (shared/domain/src/form.rs `check_fields`) and the list of what a submission still lacks
// (`missing_for_submission`), keyed by the same JSON paths and worded as the server words them,
// so an issue from either side lands beside the same field. The server's answer always wins.
import type { ApplicationForm, FieldIssue, Rubric } from '../api/types'
import { usccMessageZh, usccProblem } from './uscc'
import { formatChinaDate } from './dates'

/** Field path (`contact.mobile`, `certificates.0.valid_until`) → Chinese message. */
export type Issues = Record<string, string>

export const MAX_NARRATIVE_CHARS = 1500
export const MAX_EMPLOYEES = 5_000_000

export function emptyForm(): ApplicationForm {
  return {
    organisation: {
      name: '',
      uscc: '',
      registration_date: null,
      division_code: '',
      registered_address: '',
      legal_representative: '',
      industry_code: '',
      employee_count: null,
      construction_enterprise: null,
    },
    contact: { name: '', mobile: '', email: '' },
    certificates: [],
    self_assessment: {},
    key_indicators: [],
    inspections: [],
    declares_all_inspections_passed: null,
    project_awards: [],
    credit: null,
    incidents: [],
    declares_no_incidents: null,
    compliance: {
      industry_policy: false,
      environmental: false,
      energy: false,
      work_safety: false,
      quality: false,
    },
    operating_normally: false,
    integrity_pledge: false,
  }
}

/** GB/T 4754-2017 sections and the divisions (first two digits) each holds. */
const INDUSTRY_SECTIONS: ReadonlyArray<readonly [string, number, number]> = [
  ['A', 1, 5], ['B', 6, 12], ['C', 13, 43], ['D', 44, 46], ['E', 47, 50],
  ['F', 51, 52], ['G', 53, 60], ['H', 61, 62], ['I', 63, 65], ['J', 66, 69],
  ['K', 70, 70], ['L', 71, 72], ['M', 73, 75], ['N', 76, 79], ['O', 80, 82],
  ['P', 83, 83], ['Q', 84, 85], ['R', 86, 90], ['S', 91, 96], ['T', 97, 97],
]

/** `C15` → `C`; null when not a section letter and the two digits of a division it holds. */
export function industrySection(code: string): string | null {
  const match = /^([A-Z])(\d{2})$/.exec(code)
  if (!match) return null
  const [, letter, digits = ''] = match
  const division = Number(digits.slice(0, 2))
  const section = INDUSTRY_SECTIONS.find(
    ([l, first, last]) => l === letter && division >= first && division <= last,
  )
  return section ? section[0] : null
}

/** A mainland mobile number: 11 digits, `1[3-9]…`. */
export function isMainlandMobile(text: string): boolean {
  return /^1[3-9]\d{9}$/.test(text)
}

/** `name@domain.tld`, no display name (the server's parser has the last word). */
export function isEmailAddress(text: string): boolean {
  return /^[^\s@"<>()]+@[^\s@.]+(\.[^\s@.]+)+$/.test(text) && text.length <= 254
}

/** Art. 10(3): the 3 calendar years before the deadline's year, oldest first. */
export function keyIndicatorYears(applicationDeadline: string): number[] {
  const year = Number(applicationDeadline.slice(0, 4))
  return [year - 3, year - 2, year - 1]
}

/** What is present but wrong, as of `today` (a China date). Empty fields are not issues here. */
export function checkFields(form: ApplicationForm, today: string): Issues {
  const issues: Issues = {}
  const org = form.organisation
  if (org.uscc.trim()) {
    const problem = usccProblem(org.uscc)
    // The applicant's own code may be a legacy one whose check character fails: the server
    // keeps it for screening, so only a malformed code is an issue here.
    if (problem && problem.kind !== 'check_character') {
      issues['organisation.uscc'] = usccMessageZh(problem)
    }
  }
  if (org.registration_date && org.registration_date > today) {
    issues['organisation.registration_date'] =
      `注册登记日期（${formatChinaDate(org.registration_date)}）不能晚于今天（${formatChinaDate(today)}）。`
  }
  // The pickers offer only listed codes; the server refuses any other (a code kept from before
  // the lists).
  if (org.division_code && !/^\d{6}$/.test(org.division_code)) {
    issues['organisation.division_code'] = '请从列表中选择注册地所在的县（区）。'
  }
  if (org.industry_code && industrySection(org.industry_code) === null) {
    issues['organisation.industry_code'] = '请从列表中选择所属行业（国民经济行业分类大类）。'
  }
  if (org.employee_count !== null && (org.employee_count < 1 || org.employee_count > MAX_EMPLOYEES)) {
    issues['organisation.employee_count'] = `从业人数应为1至${MAX_EMPLOYEES}人。`
  }
  if (form.contact.mobile && !isMainlandMobile(form.contact.mobile)) {
    issues['contact.mobile'] = '手机号码应为11位数字，以13至19开头。'
  }
  if (form.contact.email && !isEmailAddress(form.contact.email)) {
    issues['contact.email'] = '电子邮箱格式不正确，应形如name@domain.cn。'
  }
  form.certificates.forEach((cert, index) => {
    const at = `certificates.${index}`
    if (!cert.valid_from) issues[`${at}.valid_from`] = '请填写有效期起始日期。'
    if (!cert.valid_until) issues[`${at}.valid_until`] = '请填写有效期截止日期。'
    if (cert.valid_from && cert.valid_until && cert.valid_until < cert.valid_from) {
      issues[`${at}.valid_until`] = '有效期截止日期不能早于起始日期。'
    }
    if (cert.valid_from && cert.valid_from > today) {
      issues[`${at}.valid_from`] = `有效期起始日期（${cert.valid_from}）不能晚于今天（${today}）。`
    }
  })
  for (const [item, entry] of Object.entries(form.self_assessment)) {
    if (entry.score !== null && (entry.score < 0 || entry.score > 100 || entry.score % 5 !== 0)) {
      issues[`self_assessment.${item}.score`] = '自评得分率应为0至100之间5的倍数。'
    }
    if ([...entry.narrative].length > MAX_NARRATIVE_CHARS) {
      issues[`self_assessment.${item}.narrative`] =
        `自评说明不得超过${MAX_NARRATIVE_CHARS}个字（现为${[...entry.narrative].length}个字）。`
    }
  }
  form.key_indicators.forEach((year, index) => {
    if (year.revenue !== null && year.revenue < 0) {
      issues[`key_indicators.${index}.revenue`] = '营业收入不能为负数。'
    }
    if (year.taxes !== null && year.taxes < 0) {
      issues[`key_indicators.${index}.taxes`] = '纳税总额不能为负数。'
    }
  })
  form.inspections.forEach((inspection, index) => {
    if (!inspection.date) issues[`inspections.${index}.date`] = '请填写检验日期。'
    else if (inspection.date > today) {
      issues[`inspections.${index}.date`] = `检验日期（${inspection.date}）不能晚于今天（${today}）。`
    }
  })
  form.project_awards.forEach((award, index) => {
    if (!award.awarded_on) issues[`project_awards.${index}.awarded_on`] = '请填写表彰日期。'
  })
  form.incidents.forEach((incident, index) => {
    if (!incident.date) issues[`incidents.${index}.date`] = '请填写发生日期。'
  })
  return issues
}

const COMPLIANCE_ZH: Record<keyof ApplicationForm['compliance'], string> = {
  industry_policy: '符合国家产业政策的承诺',
  environmental: '符合环境保护法律法规的承诺',
  energy: '符合能源法律法规的承诺',
  work_safety: '符合安全生产法律法规的承诺',
  quality: '符合质量法律法规的承诺',
}

/** What a submission still lacks (`missing_for_submission`), for the cycle's rubric and
 * application deadline (a China date). */
export function missingFields(
  form: ApplicationForm,
  rubric: Rubric,
  applicationDeadline: string,
): Issues {
  const issues: Issues = {}
  const fill = (field: string, label: string, value: string | number | null) => {
    if (value === null || (typeof value === 'string' && value.trim() === '')) {
      issues[field] = `请填写${label}。`
    }
  }
  const org = form.organisation
  fill('organisation.name', '单位名称', org.name)
  fill('organisation.uscc', '统一社会信用代码', org.uscc)
  fill('organisation.registration_date', '注册登记日期', org.registration_date)
  fill('organisation.division_code', '注册地', org.division_code)
  fill('organisation.registered_address', '注册地址', org.registered_address)
  fill('organisation.legal_representative', '法定代表人', org.legal_representative)
  fill('organisation.industry_code', '所属行业', org.industry_code)
  fill('organisation.employee_count', '从业人数', org.employee_count)
  if (org.construction_enterprise === null) {
    issues['organisation.construction_enterprise'] = '请选择是否为施工企业。'
  }
  fill('contact.name', '联系人姓名', form.contact.name)
  fill('contact.mobile', '联系人手机号码', form.contact.mobile)
  fill('contact.email', '联系人电子邮箱', form.contact.email)
  if (form.certificates.length === 0) issues.certificates = '请至少填报一项管理体系认证证书。'
  form.certificates.forEach((cert, index) => {
    fill(`certificates.${index}.standard`, '认证依据标准', cert.standard)
    fill(`certificates.${index}.number`, '证书编号', cert.number)
    fill(`certificates.${index}.issuer`, '发证机构', cert.issuer)
  })
  for (const category of rubric.categories) {
    for (const item of category.items) {
      const entry = form.self_assessment[item.id]
      if (entry?.score == null) issues[`self_assessment.${item.id}.score`] = '请填写自评得分率。'
      if (!entry?.narrative.trim()) issues[`self_assessment.${item.id}.narrative`] = '请填写自评说明。'
    }
  }
  for (const needed of keyIndicatorYears(applicationDeadline)) {
    const index = form.key_indicators.findIndex((year) => year.year === needed)
    const year = form.key_indicators[index]
    if (!year) {
      issues.key_indicators = `请填写${needed}年度主要经济技术指标。`
      continue
    }
    fill(`key_indicators.${index}.revenue`, '营业收入', year.revenue)
    fill(`key_indicators.${index}.profit`, '利润总额', year.profit)
    fill(`key_indicators.${index}.taxes`, '纳税总额', year.taxes)
    if (year.quality_indicators.length === 0) {
      issues[`key_indicators.${index}.quality_indicators`] = '请至少填报一项质量指标。'
    }
    year.quality_indicators.forEach((indicator, i) => {
      fill(`key_indicators.${index}.quality_indicators.${i}.name`, '指标名称', indicator.name)
      fill(`key_indicators.${index}.quality_indicators.${i}.value`, '指标值', indicator.value)
    })
  }
  if (form.declares_all_inspections_passed === null) {
    issues.declares_all_inspections_passed =
      '请选择近3年各级质量监督抽查和出口商品检验全部合格的声明。'
  }
  if (org.construction_enterprise === true && form.project_awards.length === 0) {
    issues.project_awards = '请至少填报一项省级以上优质工程表彰。'
  }
  form.project_awards.forEach((award, index) => {
    fill(`project_awards.${index}.name`, '表彰名称', award.name)
  })
  if (form.credit === null) issues.credit = '请填写质量诚信记录。'
  else if (form.credit.status === 'blemished') fill('credit.detail', '诚信记录情况说明', form.credit.detail)
  if (form.incidents.length === 0 && form.declares_no_incidents === null) {
    issues.declares_no_incidents =
      '请选择近3年未发生质量、安全、环保、公共卫生等事故、重大投诉及违法违规行为的声明。'
  }
  if (form.incidents.length === 0 && form.declares_no_incidents === false) {
    issues.incidents = '请至少填报一项事故、重大投诉或违法违规行为。'
  }
  form.incidents.forEach((incident, index) => {
    fill(`incidents.${index}.description`, '情况说明', incident.description)
  })
  for (const [name, label] of Object.entries(COMPLIANCE_ZH)) {
    if (!form.compliance[name as keyof typeof COMPLIANCE_ZH]) issues[`compliance.${name}`] = `请确认${label}。`
  }
  if (!form.operating_normally) issues.operating_normally = '请确认单位正常运行的声明。'
  if (!form.integrity_pledge) issues.integrity_pledge = '请确认申报材料真实性承诺（第十七条）。'
  return issues
}

/** The server's field issues as the same map (its Chinese message per field). */
export function issuesFromServer(list: FieldIssue[]): Issues {
  const issues: Issues = {}
  for (const issue of list) issues[issue.field] = issue.message_zh
  return issues
}

/** The wizard's steps and the field paths each holds. */
export const FORM_STEPS: ReadonlyArray<{ title: string; prefixes: readonly string[] }> = [
  { title: '单位基本情况', prefixes: ['organisation', 'contact'] },
  { title: '管理体系认证', prefixes: ['certificates'] },
  { title: '自我评价', prefixes: ['self_assessment'] },
  { title: '主要指标', prefixes: ['key_indicators'] },
  { title: '检验与诚信', prefixes: ['inspections', 'declares_all_inspections_passed', 'project_awards', 'credit', 'incidents', 'declares_no_incidents'] },
  { title: '声明与推荐单位', prefixes: ['compliance', 'operating_normally', 'integrity_pledge', 'recommender_id'] },
]

/** The index of the step that holds `field`, or -1. */
export function stepOf(field: string): number {
  return FORM_STEPS.findIndex(({ prefixes }) =>
    prefixes.some((prefix) => field === prefix || field.startsWith(`${prefix}.`)),
  )
}

/** The issues that belong to step `step`. */
export function issuesOfStep(issues: Issues, step: number): Issues {
  return Object.fromEntries(Object.entries(issues).filter(([field]) => stepOf(field) === step))
}

export type WizardStepStatus = 'error' | 'process' | 'success' | 'wait'

/** How the wizard shows step `index` (issue 21): in error while it shows a problem; the current
 * step as current; any other as finished only when nothing of it is missing or wrong
 * (`incomplete`: what a submission still lacks and what is mistyped) and the form's checks could
 * run (`ready`: the cycle's rubric read) — a step jumped over with empty fields stays unfinished. */
export function wizardStepStatus(index: number, active: number, shown: Issues, incomplete: Issues, ready: boolean): WizardStepStatus {
  if (Object.keys(issuesOfStep(shown, index)).length > 0) return 'error'
  if (index === active) return 'process'
  return ready && Object.keys(issuesOfStep(incomplete, index)).length === 0 ? 'success' : 'wait'
}

/** Where an issue lies, as the applicant finds it (issue 20): the wizard step, then the rubric
 * item (`4.1.2 高层领导的作用`), the indicator year (`2025年度`) or the row's number; the field's
 * JSON path is never shown. '' when the path belongs to no step (documents are named apart). */
export function issuePlaceZh(field: string, form: Pick<ApplicationForm, 'key_indicators'>, rubric: Pick<Rubric, 'categories'> | null): string {
  const step = stepOf(field)
  if (step < 0) return field.startsWith('documents') ? '实证材料' : ''
  const title = FORM_STEPS[step]!.title
  const within = (prefix: string) => (field.startsWith(`${prefix}.`) ? field.slice(prefix.length + 1) : null)
  const selfAssessed = within('self_assessment')
  if (selfAssessed !== null) {
    const item = rubric?.categories.flatMap((category) => category.items).find((candidate) => selfAssessed === candidate.id || selfAssessed.startsWith(`${candidate.id}.`))
    return item ? `${title}（${item.id} ${item.name}）` : title
  }
  const indicators = within('key_indicators')
  if (indicators !== null) {
    const year = form.key_indicators[Number(indicators.split('.')[0])]?.year
    return year ? `${title}（${year}年度）` : title
  }
  const rows: [string, string][] = [['certificates', '证书'], ['inspections', '检验记录'], ['project_awards', '表彰'], ['incidents', '事故、投诉、违法记录']]
  for (const [prefix, what] of rows) {
    const index = Number(within(prefix)?.split('.')[0])
    if (within(prefix) !== null && Number.isInteger(index)) return `${title}（第 ${index + 1} 项${what}）`
  }
  return title
}
