import { describe, expect, it } from 'vitest'
import type { ApplicationForm, Rubric } from '../src/api/types'
import {
  checkFields,
  emptyForm,
  industrySection,
  issuesFromServer,
  issuePlaceZh,
  issuesOfStep,
  keyIndicatorYears,
  missingFields,
  stepOf,
  wizardStepStatus,
} from '../src/lib/form'

const rubric: Rubric = {
  standard: 'GB/T 19580-2012',
  total_points: 1000,
  categories: [
    { id: '4.1', name: '领导', points: 110, items: [
      { id: '4.1.2', name: '高层领导的作用', points: 50 },
      { id: '4.1.3', name: '组织治理', points: 30 },
    ] },
  ],
}

/** A form with nothing missing for a 2026-12-29 deadline. */
function complete(): ApplicationForm {
  const form = emptyForm()
  form.organisation = {
    name: '武威市示例质量有限公司',
    uscc: '91620602MA74XY8Q08',
    registration_date: '2015-06-01',
    division_code: '620602',
    registered_address: '甘肃省武威市凉州区黄羊镇工业园区8号',
    legal_representative: '张建国',
    industry_code: 'C15',
    employee_count: 486,
    construction_enterprise: false,
  }
  form.contact = { name: '李梅', mobile: '13919351234', email: 'contact@example.cn' }
  form.certificates = [{ standard: 'GB/T 19001-2016', number: '00124Q31234R2M', issuer: '中国质量认证中心', valid_from: '2025-10-01', valid_until: '2028-09-30' }]
  form.self_assessment = {
    '4.1.2': { score: 60, narrative: '总经理主持制定质量方针。' },
    '4.1.3': { score: 55, narrative: '治理结构清晰。' },
  }
  form.key_indicators = [2023, 2024, 2025].map((year) => ({
    year,
    revenue: 28_600_000_000,
    profit: 3_140_000_000,
    taxes: 1_865_000_000,
    quality_indicators: [{ name: '产品监督抽查合格率', value: '100', unit: '%' }],
  }))
  form.declares_all_inspections_passed = true
  form.credit = { status: 'good' }
  form.declares_no_incidents = true
  form.compliance = { industry_policy: true, environmental: true, energy: true, work_safety: true, quality: true }
  form.operating_normally = true
  form.integrity_pledge = true
  return form
}

describe('the form\'s required fields (missing_for_submission)', () => {
  it('finds nothing missing in a complete form', () => {
    expect(missingFields(complete(), rubric, '2026-12-29')).toEqual({})
  })

  it('names every missing field by its JSON path, worded as the server words it', () => {
    const form = complete()
    form.contact.mobile = ''
    form.organisation.construction_enterprise = null
    form.self_assessment['4.1.3'] = { score: null, narrative: ' ' }
    form.integrity_pledge = false
    form.key_indicators = form.key_indicators.filter((year) => year.year !== 2024)
    expect(missingFields(form, rubric, '2026-12-29')).toEqual({
      'contact.mobile': '请填写联系人手机号码。',
      'organisation.construction_enterprise': '请选择是否为施工企业。',
      'self_assessment.4.1.3.score': '请填写自评得分率。',
      'self_assessment.4.1.3.narrative': '请填写自评说明。',
      integrity_pledge: '请确认申报材料真实性承诺（第十七条）。',
      key_indicators: '请填写2024年度主要经济技术指标。',
    })
  })

  it('asks a construction enterprise for a project award, and a blemished record for its detail', () => {
    const form = complete()
    form.organisation.construction_enterprise = true
    form.credit = { status: 'blemished', detail: '' }
    const missing = missingFields(form, rubric, '2026-12-29')
    expect(Object.keys(missing).sort()).toEqual(['credit.detail', 'project_awards'])
  })

  it('needs the 3 years before the deadline\'s year', () => {
    expect(keyIndicatorYears('2026-12-29')).toEqual([2023, 2024, 2025])
    expect(keyIndicatorYears('2027-01-10')).toEqual([2024, 2025, 2026])
  })
})

describe('the form\'s field checks (check_fields)', () => {
  it('finds nothing wrong in a complete form', () => {
    expect(checkFields(complete(), '2026-12-01')).toEqual({})
  })

  it('flags malformed values beside their fields', () => {
    const form = complete()
    form.contact.mobile = '1391935123'
    form.contact.email = 'contact@'
    form.organisation.division_code = '62060'
    form.organisation.industry_code = 'A3511'
    form.self_assessment['4.1.2'] = { score: 62, narrative: 'x' }
    form.key_indicators[0]!.revenue = -1
    form.certificates[0]!.valid_until = '2024-01-01'
    const issues = checkFields(form, '2026-12-01')
    expect(Object.keys(issues).sort()).toEqual([
      'certificates.0.valid_until',
      'contact.email',
      'contact.mobile',
      'key_indicators.0.revenue',
      'organisation.division_code',
      'organisation.industry_code',
      'self_assessment.4.1.2.score',
    ])
  })

  it('tolerates a USCC whose only fault is its check character (the server does), not a malformed one', () => {
    const form = complete()
    form.organisation.uscc = '91330100799655058C'
    expect(checkFields(form, '2026-12-01')).toEqual({})
    form.organisation.uscc = '9133010079965505'
    expect(checkFields(form, '2026-12-01')['organisation.uscc']).toContain('应为18位')
  })

  it('refuses a date after today (China dates)', () => {
    const form = complete()
    form.organisation.registration_date = '2026-12-02'
    expect(Object.keys(checkFields(form, '2026-12-01'))).toEqual(['organisation.registration_date'])
  })

  it('reads GB/T 4754-2017 divisions by their section', () => {
    expect(industrySection('C15')).toBe('C')
    expect(industrySection('E47')).toBe('E')
    expect(industrySection('A35')).toBeNull()
    // A group or class is finer than the form records.
    expect(industrySection('C1515')).toBeNull()
  })
})

describe('issues on the wizard\'s steps', () => {
  it('puts each field on its step, the server\'s list included', () => {
    expect(stepOf('contact.mobile')).toBe(0)
    expect(stepOf('certificates')).toBe(1)
    expect(stepOf('self_assessment.4.1.2.score')).toBe(2)
    expect(stepOf('key_indicators.1.revenue')).toBe(3)
    expect(stepOf('credit.detail')).toBe(4)
    expect(stepOf('integrity_pledge')).toBe(5)
    const issues = issuesFromServer([
      { field: 'contact.mobile', code: 'required', message: 'Enter…', message_zh: '请填写联系人手机号码。' },
      { field: 'credit', code: 'required', message: 'Enter…', message_zh: '请填写质量诚信记录。' },
    ])
    expect(issuesOfStep(issues, 0)).toEqual({ 'contact.mobile': '请填写联系人手机号码。' })
    expect(issuesOfStep(issues, 4)).toEqual({ credit: '请填写质量诚信记录。' })
  })
})

describe("the wizard's step bar", () => {
  const incomplete = { 'organisation.registered_address': '请填写注册地址。', 'key_indicators.0.value': '请填写指标值。' }
  it('shows a step as finished only when its fields are complete', () => {
    // 单位基本情况 jumped over with its address empty: unfinished, not a tick.
    expect(wizardStepStatus(0, 6, {}, incomplete, true)).toBe('wait')
    expect(wizardStepStatus(1, 6, {}, incomplete, true)).toBe('success')
    expect(wizardStepStatus(3, 6, {}, incomplete, true)).toBe('wait')
    // Before the rubric is read nothing can be known complete.
    expect(wizardStepStatus(1, 6, {}, {}, false)).toBe('wait')
  })
  it('keeps the current step current and a step showing a problem in error', () => {
    expect(wizardStepStatus(0, 0, {}, incomplete, true)).toBe('process')
    expect(wizardStepStatus(0, 3, { 'contact.mobile': '手机号码格式不正确。' }, {}, true)).toBe('error')
  })
})

describe('where an issue lies, as listed before the submission', () => {
  const form = { key_indicators: [{ year: 2023 }, { year: 2024 }, { year: 2025 }] } as unknown as ApplicationForm
  it("names the rubric item of a self-assessment, not only the step", () => {
    expect(issuePlaceZh('self_assessment.4.1.2.score', form, rubric)).toBe('自我评价（4.1.2 高层领导的作用）')
    expect(issuePlaceZh('self_assessment.4.1.3.narrative', form, rubric)).toBe('自我评价（4.1.3 组织治理）')
  })
  it("names an indicator's year", () => {
    expect(issuePlaceZh('key_indicators.2.revenue', form, rubric)).toBe('主要指标（2025年度）')
  })
  it("names a row's number, and the step alone for a single field", () => {
    expect(issuePlaceZh('certificates.0.issuer', form, rubric)).toBe('管理体系认证（第 1 项证书）')
    expect(issuePlaceZh('contact.mobile', form, rubric)).toBe('单位基本情况')
    expect(issuePlaceZh('documents.quality_report', form, rubric)).toBe('实证材料')
    expect(issuePlaceZh('unknown', form, rubric)).toBe('')
  })
})
