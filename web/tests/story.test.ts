import { describe, expect, it } from 'vitest'
import type { ApplicationDocument, ApplicationNotice, ApplicationState, ApplicationView, BoardEntry } from '../src/api/types'
import { MILESTONES, applicationStory, noticeTitleZh, storySteps, type StoryFacts } from '../src/lib/story'
import { STAGE_PATH } from '../src/lib/labels'

const facts = (state: ApplicationState, more: Partial<StoryFacts> = {}): StoryFacts => ({ state, submitted: true, recommended: true, ...more })
const statuses = (f: StoryFacts) => storySteps(f).map((step) => step.status)
const titles = (f: StoryFacts) => storySteps(f).map((step) => step.title)

describe("the applicant's step bar", () => {
  it('stands for every stage of the path, in order, once', () => {
    expect(MILESTONES.flatMap((m) => m.stages)).toEqual(STAGE_PATH)
  })

  it('reaches the award: an awarded application has every step done, the award last', () => {
    expect(statuses(facts('awarded'))).toEqual(Array(9).fill('success'))
    expect(titles(facts('awarded')).at(-1)).toBe('授予质量奖')
  })

  it('shows a revocation as such after the award, not every step green', () => {
    const steps = storySteps(facts('revoked'))
    expect(steps).toHaveLength(10)
    expect(steps.slice(0, 9).every((s) => s.status === 'success')).toBe(true)
    expect(steps[9]).toEqual({ title: '质量奖已撤销', status: 'error' })
    expect(storySteps(facts('expired'))[9]).toEqual({ title: '有效期届满', status: 'finish' })
  })

  it('shows an application on its way at its present step, named by its stage', () => {
    expect(statuses(facts('eligible'))).toEqual(['success', 'success', 'success', 'process', 'wait', 'wait', 'wait', 'wait', 'wait'])
    expect(storySteps(facts('eligible'))[3]).toEqual({ title: '资格审查', status: 'process', description: '资格审查合格' })
    expect(statuses(facts('in_publicity'))).toEqual(['success', 'success', 'success', 'success', 'success', 'success', 'process', 'wait', 'wait'])
    expect(statuses(facts('draft', { submitted: false, recommended: false }))[0]).toBe('process')
  })

  it('shows where a stopped one stopped, in error, named by why', () => {
    // Ineligible: recommended, stopped at the screening.
    expect(statuses(facts('ineligible'))).toEqual(['success', 'success', 'success', 'error', 'wait', 'wait', 'wait', 'wait', 'wait'])
    expect(titles(facts('ineligible'))[3]).toBe('资格审查不合格')
    // Declined by its unit: submitted, stopped at the recommendation.
    const declined = facts('rejected', { rejectedAt: 'recommendation', recommended: false })
    expect(statuses(declined).slice(0, 4)).toEqual(['success', 'success', 'error', 'wait'])
    expect(titles(declined)[2]).toBe('未获推荐')
    // Not shortlisted: reviewed on paper, not through to the shortlist: the paper review's step.
    expect(statuses(facts('not_shortlisted')).slice(0, 6)).toEqual(['success', 'success', 'success', 'success', 'error', 'wait'])
    // Turned down by the Committee, within 审议与公示; after the publicity, at the approval.
    expect(statuses(facts('rejected', { rejectedAt: 'committee' }))[6]).toBe('error')
    expect(titles(facts('rejected', { rejectedAt: 'committee' }))[6]).toBe('评审委员会审议未通过')
    expect(statuses(facts('rejected', { rejectedAt: 'publicity' })).slice(6, 8)).toEqual(['success', 'error'])
    // Withdrawn: placed by what the record proves.
    expect(statuses(facts('withdrawn', { recommended: false }))).toEqual(['success', 'success', 'error', 'wait', 'wait', 'wait', 'wait', 'wait', 'wait'])
    expect(titles(facts('withdrawn', { recommended: false }))[2]).toBe('已撤回')
  })
})

// --- the events ----------------------------------------------------------------------------------

const MIN = 60_000
const T0 = Date.parse('2026-05-10T01:00:00Z')
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString()

function document(id: string, minutes: number, status: 'received' | 'rejected' = 'received'): ApplicationDocument {
  return {
    id,
    application_id: 'app',
    category: 'business_licence',
    file_name: `${id}.pdf`,
    content_type: 'application/pdf',
    size: 1000,
    sha256: '',
    status,
    declared_by: 'ent-1',
    declared_at: at(minutes - 1),
    checked_at: at(minutes),
    rejection_reason: status === 'rejected' ? '文件内容与类型不符' : null,
  }
}

function notice(kind: ApplicationNotice['kind'], subject: string, minutes: number): ApplicationNotice {
  return { id: `${kind}-${minutes}`, kind, subject, recipient: 'contact@example.cn', audience: 'applicant', status: 'sent', created_at: at(minutes), sent_at: at(minutes + 1) }
}

function application(more: Omit<Partial<ApplicationView>, 'lifecycle'> & { lifecycle?: Partial<ApplicationView['lifecycle']> } = {}): ApplicationView {
  const { lifecycle, ...rest } = more
  return {
    id: 'app',
    cycle_id: '2026',
    created_at: at(0),
    documents: [],
    recommendation: null,
    ...rest,
    lifecycle: { state: 'draft', owner: 'ent-1', submitted_at: null, recommended_by: null, rejection: null, publicity: null, ...lifecycle },
  } as unknown as ApplicationView
}

describe("the applicant's timeline", () => {
  it('groups receipts of evidence into one entry per upload session', () => {
    const a = application({ documents: [document('d1', 10), document('d2', 12), document('d3', 14, 'rejected'), document('d4', 200)] })
    const story = applicationStory(a, [], [])
    expect(story.map((e) => e.title)).toEqual(['创建申报草稿', '上传实证材料：2 份已接收，1 份未通过校验', '上传实证材料 1 份，均已接收'])
    expect(story[1]!.children.map((c) => c.title)).toEqual(['已接收：营业执照', '已接收：营业执照', '未通过校验：d3.pdf'])
    expect(story[1]!.children.every((c) => c.kind === 'receipt')).toBe(true)
    expect(story[1]!.children[2]!.detail).toBe('文件内容与类型不符')
    expect(story[1]!.tone).toBe('danger')
    expect(story[2]!.children.map((c) => c.detail)).toEqual(['d4.pdf'])
  })

  it("leaves the recommending unit's sealed page out of the applicant's upload sessions", () => {
    const sealed = { ...document('seal', 400), category: 'sealed_recommendation' as const, declared_by: 'liangzhou-1' }
    const a = application({ documents: [document('d1', 10), sealed] })
    const story = applicationStory(a, [], [])
    expect(story.map((e) => e.title)).toEqual(['创建申报草稿', '上传实证材料 1 份，均已接收'])
  })

  it('folds each notice under the step that sent it, and keeps the others as steps of their own', () => {
    const a = application({
      documents: [document('d1', 10), document('d2', 12), document('d4', 200)],
      lifecycle: { state: 'eligible', submitted_at: at(300) },
    })
    const sent = [
      notice('application_created', '申报草稿已创建', 0),
      notice('document_received', '材料已接收', 10),
      notice('document_received', '材料已接收', 12),
      notice('document_received', '材料已接收', 200),
      notice('application_submitted', '申报已提交', 300),
      notice('eligible', '资格审查通过', 5000),
    ]
    const story = applicationStory(a, [], sent)
    expect(story.map((e) => [e.title, e.children.length])).toEqual([
      ['创建申报草稿', 1],
      ['上传实证材料 2 份，均已接收', 4],
      ['上传实证材料 1 份，均已接收', 2],
      ['提交申报', 1],
      // A step the record keeps no entry of is told by its notice, folded under it.
      ['资格审查通过', 1],
    ])
    // Each receipt beside its notice, in the order they happened.
    expect(story[1]!.children.map((c) => c.title)).toEqual(['已接收：营业执照', '通知：材料已接收', '已接收：营业执照', '通知：材料已接收'])
    expect(story[3]!.children[0]).toMatchObject({ title: '通知：申报已提交', notice: 'sent', detail: '已发送至 contact@example.cn' })
    expect(story[4]!.kind).toBe('step')
    expect(story[4]!.children[0]).toMatchObject({ title: '通知：资格审查通过', notice: 'sent', kind: 'notice' })
    // Every notice is told once.
    const told = story.flatMap((e) => [e, ...e.children]).filter((e) => e.notice)
    expect(told).toHaveLength(sent.length)
  })

  it("folds the award's notice and announcement under the award, and tells the publicity on its own", () => {
    const a = application({
      lifecycle: { state: 'awarded', submitted_at: at(300), award: { certificate_number: '武质奖〔2026〕第1号', reward: 0, awarded_at: at(90_000) } },
    })
    const board: BoardEntry[] = [
      { id: 'b1', kind: 'publicity_announcement', cycle_id: '2026', application_id: 'app', title: '拟获奖名单公示', body: '', published_at: at(80_000) },
      { id: 'b2', kind: 'award_announcement', cycle_id: '2026', application_id: 'app', title: '获奖名单公告', body: '', published_at: at(90_000) },
    ]
    const story = applicationStory(a, board, [notice('awarded', '荣获武威市人民政府质量奖', 90_000)])
    expect(story.map((e) => e.title)).toEqual(['创建申报草稿', '提交申报', '公告：拟获奖名单公示', '授予武威市人民政府质量奖（证书编号：武质奖〔2026〕第1号）'])
    expect(story[3]!.children.map((c) => c.title)).toEqual(['公告：获奖名单公告', '通知：荣获武威市人民政府质量奖'])
    expect(story[3]!.children.map((c) => c.kind)).toEqual(['announcement', 'notice'])
    expect(story.map((e) => e.kind)).toEqual(['step', 'step', 'announcement', 'step'])
  })

  it("tells each receipt's notice on the receipt's own line, not one by one after the session", () => {
    // As the demo's records are: every file of the session checked, and its notice written, in one instant.
    const org = '武威天垣乳业有限公司'
    const a = application({
      form: { organisation: { name: org } },
      documents: [document('营业执照', 10), document('信用报告', 10), document('坏文件', 10, 'rejected'), document('补传', 200)],
    } as unknown as Partial<ApplicationView>)
    const sent = [
      notice('application_created', `武威市人民政府质量奖：申报草稿已创建：${org}`, 0),
      // Listed in another order than the receipts.
      { ...notice('document_received', `武威市人民政府质量奖：材料已接收：${org}（信用报告.pdf）`, 10), id: 'n1' },
      { ...notice('document_rejected', `武威市人民政府质量奖：材料未通过核验：${org}（坏文件.pdf）`, 10), id: 'n2' },
      { ...notice('document_received', `武威市人民政府质量奖：材料已接收：${org}（营业执照.pdf）`, 10), id: 'n3' },
      { ...notice('document_received', `武威市人民政府质量奖：材料已接收：${org}（补传.pdf）`, 200), id: 'n4' },
    ]
    const story = applicationStory(a, [], sent)
    expect(story.map((e) => e.title)).toEqual(['创建申报草稿', '上传实证材料：2 份已接收，1 份未通过校验', '上传实证材料 1 份，均已接收'])
    // Under the session: its receipts only, each with the notice naming its file.
    const session = story[1]!
    expect(session.children.map((c) => c.kind)).toEqual(['receipt', 'receipt', 'receipt'])
    expect(session.children.map((c) => c.notices?.map((n) => n.title))).toEqual([['通知：材料已接收（营业执照.pdf）'], ['通知：材料已接收（信用报告.pdf）'], ['通知：材料未通过核验（坏文件.pdf）']])
    expect(story[2]!.children.map((c) => [c.kind, c.notices?.length])).toEqual([['receipt', 1]])
    // Every notice told once, none opening with the award's name.
    const told = story.flatMap((e) => [e, ...e.children, ...e.children.flatMap((c) => c.notices ?? [])]).filter((e) => e.notice)
    expect(told).toHaveLength(sent.length)
    expect(told.every((e) => !e.title.includes('武威市人民政府质量奖'))).toBe(true)
    expect(story[0]!.children[0]!.title).toBe('通知：申报草稿已创建')
  })

  it("drops the award's name and the applicant's own name from a notice's subject, nothing else", () => {
    const org = '武威天垣乳业有限公司'
    expect(noticeTitleZh(`武威市人民政府质量奖：材料已接收：${org}（营业执照.pdf）`, org)).toBe('材料已接收（营业执照.pdf）')
    expect(noticeTitleZh(`武威市人民政府质量奖：荣获武威市人民政府质量奖：${org}`, org)).toBe('荣获武威市人民政府质量奖')
    expect(noticeTitleZh(`武威市人民政府质量奖：资格审查通过：${org}`)).toBe(`资格审查通过：${org}`)
    // Another organisation's name, and a name inside the words, stay.
    expect(noticeTitleZh('武威市人民政府质量奖：申报已提交：古浪青禾面粉有限公司', org)).toBe('申报已提交：古浪青禾面粉有限公司')
    expect(noticeTitleZh('2026年度武威市人民政府质量奖申报截止日期延长', org)).toBe('2026年度武威市人民政府质量奖申报截止日期延长')
    expect(noticeTitleZh('武威市人民政府质量奖：', org)).toBe('武威市人民政府质量奖：')
  })

  it('never folds a notice under a step that came after it', () => {
    // A submission notice written before any submission is recorded stays on its own.
    const story = applicationStory(application({ lifecycle: { submitted_at: at(500) } }), [], [notice('application_submitted', '申报已提交', 100)])
    expect(story.map((e) => e.title)).toEqual(['创建申报草稿', '申报已提交', '提交申报'])
    expect(story[1]!.children.map((c) => c.title)).toEqual(['通知：申报已提交'])
    expect(applicationStory(application(), [], null).map((e) => e.title)).toEqual(['创建申报草稿'])
  })
})
