// The application form read-only (src/components/ApplicationFormView.vue, ApplicationFormState.vue,
// src/lib/form-view.ts): every section with sample data built from the generated types, nothing to
// type into, and a refused read showing the refusal and no form. Rendered to HTML with Vue's server
// renderer (no DOM needed).
import { describe, expect, it } from 'vitest'
import { createSSRApp, defineComponent, h, type Component } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { ApiError } from '../src/api/client'
import type { ApplicationForm, ApplicationView, Rubric, UnitChoice } from '../src/api/types'
import ApplicationFormState from '../src/components/ApplicationFormState.vue'
import ApplicationFormView from '../src/components/ApplicationFormView.vue'
import { formatMoneyZh, readFormView, refusalZh, selfAssessedTotal, type Caller, type FormViewState } from '../src/lib/form-view'

const rubric: Rubric = {
  standard: 'GB/T 19580-2012',
  total_points: 1000,
  categories: [
    { id: '4.1', name: '领导', points: 110, items: [{ id: '4.1.2', name: '组织的领导', points: 50 }, { id: '4.1.3', name: '社会责任', points: 60 }] },
    { id: '4.2', name: '战略', points: 90, items: [{ id: '4.2.2', name: '战略制定', points: 90 }] },
  ],
}

const form: ApplicationForm = {
  organisation: {
    name: '武威市示例质量有限公司',
    uscc: '91620602MA74XY8Q08',
    registration_date: '2015-06-01',
    division_code: '620602',
    registered_address: '甘肃省武威市凉州区黄羊镇工业园区8号',
    legal_representative: '张建国',
    industry_code: 'C15',
    employee_count: 486,
    construction_enterprise: true,
  },
  contact: { name: '李梅', mobile: '13919351234', email: 'contact@example.cn' },
  certificates: [{ standard: 'GB/T 19001-2016', number: '00124Q31234R2M', issuer: '中国质量认证中心', valid_from: '2025-07-01', valid_until: '2028-06-30' }],
  self_assessment: {
    '4.1.2': { score: 70, narrative: '建立了质量领导小组，每季度评审质量目标。' },
    '4.1.3': { score: 60, narrative: '发布社会责任报告。' },
  },
  key_indicators: [{ year: 2025, revenue: 28_600_000_000, profit: -3_140_000_050, taxes: 1_865_000_000, quality_indicators: [{ name: '产品监督抽查合格率', value: '100', unit: '%' }] }],
  inspections: [{ date: '2024-09-30', kind: 'quality_sampling', passed: true }],
  declares_all_inspections_passed: true,
  project_awards: [{ name: '飞天奖', level: 'provincial', awarded_on: '2024-05-20' }],
  credit: { status: 'blemished', detail: '2023年一次行政提示，已整改。' },
  incidents: [{ date: '2023-03-15', kind: 'major_complaint', description: '一次重大投诉，已妥善处理。' }],
  declares_no_incidents: false,
  compliance: { industry_policy: true, environmental: true, energy: true, work_safety: true, quality: false },
  operating_normally: true,
  integrity_pledge: true,
}

const application: ApplicationView = {
  id: '01JABCDEFGHJKMNPQRSTVWXYZ0',
  cycle_id: '2026',
  uscc: '91620602MA74XY8Q08',
  lifecycle: { state: 'submitted', owner: 'ent-1', submitted_at: '2026-09-30T02:00:00Z', recommended_by: null, screening: null, rejection: null, publicity: null, validity: null, award: null, revocation: null },
  form,
  recommender_id: '01JUNIT0000000000000000000',
  recommendation: null,
  screening: null,
  contact: { account_email: 'contact@example.cn', confirmed_email: null, pending_email: null },
  reviews: {},
  publicity_closed_on: null,
  objection_reminded_on: null,
  reward: null,
  open_case: null,
  created_at: '2026-09-01T02:00:00Z',
  updated_at: '2026-09-30T02:00:00Z',
  version: 4,
  documents: [
    { id: 'doc-1', application_id: 'app', category: 'business_licence', file_name: '营业执照.pdf', content_type: 'application/pdf', size: 2048, sha256: 'a'.repeat(64), status: 'received', declared_by: 'ent-1', declared_at: '2026-09-02T02:00:00Z', checked_at: '2026-09-02T02:01:00Z', rejection_reason: null, checked_object: null },
    { id: 'doc-2', application_id: 'app', category: 'credit_report', file_name: '信用报告.pdf', content_type: 'application/pdf', size: 4096, sha256: 'b'.repeat(64), status: 'declared', declared_by: 'ent-1', declared_at: '2026-09-02T02:00:00Z', checked_at: null, rejection_reason: null, checked_object: null },
  ],
}

// Element Plus's button as a plain button: the component library is not what is tested here.
const ElButton = defineComponent({ inheritAttrs: true, setup: (_, { slots }) => () => h('button', { type: 'button' }, slots.default?.()) })

async function render(component: Component, props: Record<string, unknown>): Promise<string> {
  const app = createSSRApp({ render: () => h(component, props) })
  app.component('ElButton', ElButton)
  return renderToString(app)
}

/** The text a person reads (tags dropped, entities kept as they are). */
const textOf = (html: string) => html.replace(/<!--.*?-->/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

describe('ApplicationFormView', () => {
  it('shows every section of the form, read-only', async () => {
    const html = await render(ApplicationFormView, { application, rubric, unitName: '凉州区质量发展领导小组办公室' })
    for (const section of ['organisation', 'certificates', 'self-assessment', 'indicators', 'inspections', 'awards', 'incidents', 'declarations', 'evidence']) {
      expect(html, section).toContain(`data-section="${section}"`)
    }
    const text = textOf(html)
    for (const shown of [
      '武威市示例质量有限公司', '2015年6月1日', '张建国', '486 人', '李梅',
      'GB/T 19001-2016', '中国质量认证中心', '2025年7月1日至2028年6月30日',
      '4.1 领导（110 分）', '4.1.2 组织的领导', '（50 分）', '自评得分率 70%，折合 35.00 分', '建立了质量领导小组，每季度评审质量目标。',
      '4.2.2 战略制定', '未自评', '自评总分 71.00 / 1000 分（已自评 2/3 条）',
      '2025年度', '28,600万元', '-3,140.00005万元', '产品监督抽查合格率', '100%',
      '2024年9月30日', '质量监督抽查', '合格', '飞天奖', '省级', '有不良记录', '2023年一次行政提示，已整改。',
      '重大投诉', '一次重大投诉，已妥善处理。', '近3年无上述情况：否',
      '符合质量法律法规：未承诺', '符合能源法律法规：已承诺', '推荐单位：凉州区质量发展领导小组办公室',
      '营业执照', '营业执照.pdf', '已接收', '信用报告.pdf', '待上传',
    ]) {
      expect(text, shown).toContain(shown)
    }
    // No codes, ids or ISO dates shown.
    expect(text).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/)
    expect(text).not.toContain('01JUNIT0000000000000000000')
    expect(text).not.toContain('business_licence')
    // Nothing to type into; one 下载 for the one received file.
    expect(html).not.toMatch(/<(input|textarea|select)\b/)
    expect(html).not.toContain('contenteditable')
    expect(html.match(/>下载</g)?.length).toBe(1)
    expect(html).toContain('aria-label="下载营业执照.pdf"')
  })

  it('names the chosen unit only when the reader is told it, and offers no download when not allowed', async () => {
    const html = await render(ApplicationFormView, { application, rubric: null, unitName: null, downloads: false })
    const text = textOf(html)
    expect(text).toContain('推荐单位：已选择（本页不显示单位名称）')
    expect(text).toContain('评分细则暂不能读取')
    expect(text).toContain('4.1.2')
    expect(text).not.toContain('自评总分')
    expect(html).not.toContain('>下载<')
  })

  it('shows the form typed instead of the saved one (the preview)', async () => {
    const typed = structuredClone(form)
    typed.organisation.name = '武威市预览公司'
    const text = textOf(await render(ApplicationFormView, { application, rubric, form: typed }))
    expect(text).toContain('武威市预览公司')
    expect(text).not.toContain('武威市示例质量有限公司')
  })
})

describe('reading the form for a caller', () => {
  const refused = (status: number, code: string, message: string) => new ApiError(status, { code, message, message_zh: message } as never)

  it('shows the refusal and no form when the API refuses the read', async () => {
    const call: Caller = async () => {
      throw refused(404, 'application_not_found', '申报不存在。')
    }
    const state = await readFormView(call, 'x', ['expert'])
    expect(state.kind).toBe('refused')
    const html = await render(ApplicationFormState, { state })
    expect(html).toContain('data-testid="form-refused"')
    expect(textOf(html)).toContain('无法查看该申报表：您无权查看')
    expect(html).not.toContain('data-testid="application-form"')
    expect(html).not.toContain('data-section')
  })

  it('says to sign in on a 401, and the API words otherwise', () => {
    expect(refusalZh(refused(401, 'unauthorized', '未登录。'))).toBe('请先登录后再查看申报表。')
    expect(refusalZh(refused(500, 'internal', '服务器内部错误。'))).toContain('无法读取申报表')
  })

  it('reads the rubric and the unit where the role may, and still shows the form when they are refused', async () => {
    const asked: string[] = []
    const units: UnitChoice[] = [{ id: '01JUNIT0000000000000000000', name: '凉州区质量发展领导小组办公室', mine: false, scope: { kind: 'county', division_code: '620602' } }]
    const call: Caller = async <T,>(_: 'GET', path: string): Promise<T> => {
      asked.push(path)
      if (path === `/applications/${application.id}`) return application as T
      if (path === '/cycles/2026') return { rules: { rubric } } as T
      if (path === '/recommenders') return { recommenders: units } as T
      throw refused(403, 'forbidden', '无权访问。')
    }
    const office = (await readFormView(call, application.id, ['office'])) as Extract<FormViewState, { kind: 'ready' }>
    expect(office.kind).toBe('ready')
    expect(office.rubric).toEqual(rubric)
    expect(office.unitName).toBe('凉州区质量发展领导小组办公室')
    asked.length = 0
    const expert = (await readFormView(call, application.id, ['expert'])) as Extract<FormViewState, { kind: 'ready' }>
    // The expert reads the chosen unit's name too (the units' public choices, no mailboxes).
    expect(asked).toContain('/recommenders')
    expect(expert.unitName).toBe('凉州区质量发展领导小组办公室')
    asked.length = 0
    // A role the API tells no units (finance) is not even asked.
    const finance = (await readFormView(call, application.id, ['finance'])) as Extract<FormViewState, { kind: 'ready' }>
    expect(asked).not.toContain('/recommenders')
    expect(finance.unitName).toBeNull()
    // The applicant reads the open call's rubric; refused here, the form still shows.
    const applicant = (await readFormView(call, application.id, ['applicant'])) as Extract<FormViewState, { kind: 'ready' }>
    expect(applicant.kind).toBe('ready')
    expect(applicant.rubric).toBeNull()
    const html = await render(ApplicationFormState, { state: applicant })
    expect(html).toContain('data-testid="application-form"')
    expect(html).not.toContain('data-testid="form-refused"')
  })
})

describe('the form\u2019s figures', () => {
  it('adds the self-scores against the rubric', () => {
    expect(selfAssessedTotal(rubric, form)).toMatchObject({ total: 7100, scored: 2, items: 3, missing: ['4.2.2'] })
  })

  it('says money in 万元 from 1 万元 on, else in 元', () => {
    expect(formatMoneyZh(28_600_000_000)).toBe('28,600万元')
    expect(formatMoneyZh(1_234_567)).toBe('1.234567万元')
    expect(formatMoneyZh(-3_140_000_050)).toBe('-3,140.00005万元')
    expect(formatMoneyZh(999_999)).toBe('9999.99元')
    expect(formatMoneyZh(50_000)).toBe('500元')
    expect(formatMoneyZh(null)).toBe('未填写')
  })
})
