// The applicant's timeline as a story (issue 21): the step bar through to the award (a revocation
// or the award's expiry shown as such after it), and the events in the order they happened, each
// upload session's receipts under one entry and each notice under the step that sent it. Pure, so
// Vitest tests it; `components/ApplicationTimeline.vue` shows it.
import type { ApplicationNotice, ApplicationState, ApplicationView, BoardEntry, RejectionGate } from '../api/types'
import { formatChinaDate } from './dates'
import { lastStageReached } from './funnel'
import { CATEGORY_ZH, NOTICE_STATUS_ZH, REJECTION_GATE_ZH, STATE_ZH } from './labels'

// --- the step bar ------------------------------------------------------------------------------

/** The bar's milestones, each the stages of the path (STAGE_PATH) it stands for, in order. */
export const MILESTONES: { title: string; stages: ApplicationState[] }[] = [
  { title: '填写申报表', stages: ['draft'] },
  { title: '提交申报', stages: ['submitted'] },
  { title: '推荐', stages: ['recommended'] },
  { title: '资格审查', stages: ['eligible'] },
  { title: '资料评审', stages: ['document_reviewed', 'shortlisted'] },
  { title: '现场评审', stages: ['onsite_reviewed'] },
  { title: '审议与公示', stages: ['candidate', 'proposed', 'in_publicity'] },
  { title: '市政府批准', stages: ['approved'] },
  { title: '授予质量奖', stages: ['awarded'] },
]

export interface StoryStep {
  title: string
  /** Element Plus's step statuses: done, the present one, to come, where it stopped; `finish`
   * for the award's end by expiry (not an error, not a step of the path). */
  status: 'success' | 'process' | 'wait' | 'error' | 'finish'
  /** Said under the step: the present stage's name. */
  description?: string
}

export interface StoryFacts {
  state: ApplicationState
  rejectedAt?: RejectionGate | null
  submitted: boolean
  recommended: boolean
}

const STOPPED: Partial<Record<ApplicationState, true>> = { ineligible: true, not_shortlisted: true, rejected: true, withdrawn: true }

function milestoneOf(stage: ApplicationState): number {
  return MILESTONES.findIndex((m) => m.stages.includes(stage))
}

/** The step bar from the form to the award. On its way: the milestones passed done, the present
 * one in progress (named by its stage), the rest to come. Stopped: the milestone it stopped at in
 * error, named by why (the one after, when it stopped having completed one). Awarded: every step
 * done; revoked: then a last step in error, 质量奖已撤销; expired: a last step, 有效期届满. */
export function storySteps(facts: StoryFacts): StoryStep[] {
  const known = lastStageReached(facts.state, facts.rejectedAt)
  const last = known ?? (facts.recommended ? 'recommended' : facts.submitted ? 'submitted' : 'draft')
  const reached = milestoneOf(last)
  const steps: StoryStep[] = MILESTONES.map((m) => ({ title: m.title, status: 'wait' }))
  if (STOPPED[facts.state]) {
    const stopTitle =
      facts.state === 'rejected' ? (facts.rejectedAt ? REJECTION_GATE_ZH[facts.rejectedAt] : STATE_ZH.rejected) : STATE_ZH[facts.state]
    const milestone = MILESTONES[reached]!
    // Stopped within a milestone (between two of its stages): that milestone is where; having
    // completed it: the next.
    const completed = milestone.stages[milestone.stages.length - 1] === last
    const stop = completed ? reached + 1 : reached
    for (let i = 0; i < stop; i += 1) steps[i]!.status = 'success'
    if (stop < steps.length) steps[stop] = { title: stopTitle, status: 'error' }
    else steps.push({ title: stopTitle, status: 'error' })
    return steps
  }
  const awarded = last === 'awarded'
  for (let i = 0; i < steps.length; i += 1) {
    if (i < reached || (awarded && i === reached)) steps[i]!.status = 'success'
    else if (i === reached) steps[i] = { ...steps[i]!, status: 'process', description: STATE_ZH[facts.state] }
  }
  if (facts.state === 'revoked') steps.push({ title: '质量奖已撤销', status: 'error' })
  if (facts.state === 'expired') steps.push({ title: STATE_ZH.expired, status: 'finish' })
  return steps
}

// --- the events --------------------------------------------------------------------------------

export type StoryTone = 'primary' | 'success' | 'warning' | 'danger' | 'info'

/** One line of the story, or one line folded under it. */
export interface StoryItem {
  at: string
  title: string
  detail?: string
  tone: StoryTone
  /** A notice sent to the applicant: its delivery status. */
  notice?: ApplicationNotice['status']
  /** What it is: a step, a document checked in an upload session, a notice, a public announcement. */
  kind: 'step' | 'receipt' | 'notice' | 'announcement'
  /** A receipt's own notice (材料已接收 / 材料未通过核验 naming its file), told on its line. */
  notices?: StoryItem[]
}

export interface StoryEntry extends StoryItem {
  /** What belongs to this step: the session's receipts, the notices the step sent. */
  children: StoryItem[]
}

/** Receipts further apart than this start a new upload session. */
export const SESSION_GAP_MS = 30 * 60 * 1000

/** The notices (by kind) and public announcements each step sends, to fold them under it. */
const SENDS = {
  created: ['application_created'],
  evidence: ['document_received', 'document_rejected'],
  submitted: ['application_submitted'],
  recommended: ['recommended'],
  award: ['awarded', 'award_announcement'],
  rejection: ['rejected', 'recommendation_declined', 'not_selected'],
} as const

/** A notice written a moment before the step's recorded instant still belongs to it. */
const SAME_STEP_MS = 60 * 1000

const NOTICE_TONE: Record<ApplicationNotice['status'], StoryTone> = { sent: 'info', pending: 'warning', sending: 'warning', failed: 'danger' }

const time = (at: string) => Date.parse(at)

/** Every notice's subject opens with the award's name (`武威市人民政府质量奖：`) and names the
 * organisation, as an email must; on the applicant's own timeline both are said already, so a
 * line shows what happened: `武威市人民政府质量奖：材料已接收：某某公司（营业执照.pdf）` reads
 * `材料已接收（营业执照.pdf）`. A subject that is nothing but the prefix is left whole. */
export function noticeTitleZh(subject: string, organisationName?: string): string {
  let title = subject.replace(/^武威市人民政府质量奖[：:]\s*/, '')
  const name = organisationName?.trim()
  if (name) {
    title = title
      .split(`：${name}（`)
      .join('（')
      .replace(new RegExp(`：${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), '')
  }
  return title.trim() || subject
}

/** The receipt's file, to find the notice that names it. */
const RECEIPT_OF = new WeakMap<StoryItem, { file: string; received: boolean; at: number }>()

interface Step extends StoryEntry {
  sends: readonly string[]
}

/** The application's story: its steps in the order they happened, each upload session one entry
 * with its receipts under it, each notice to the applicant and public announcement naming it
 * under the step that sent it (the latest step of the kind that sends it, at or before it), and
 * those no step here sends (the screening's result, the publicity…) as steps of their own.
 * `sent` null: the notices could not be read, the rest is told. */
export function applicationStory(application: ApplicationView, board: readonly BoardEntry[], sent: readonly ApplicationNotice[] | null): StoryEntry[] {
  const a = application
  const organisationName = a.form?.organisation?.name
  const steps: Step[] = [{ at: a.created_at, title: '创建申报草稿', tone: 'info', kind: 'step', children: [], sends: SENDS.created }]

  // Upload sessions: the receipts and refusals in the order checked, a pause of more than
  // SESSION_GAP_MS starting the next. The recommending unit's sealed page is its upload, not the
  // applicant's (its receipt went to the unit): it is no part of the applicant's sessions.
  const checked = a.documents
    .filter((d) => d.category !== 'sealed_recommendation')
    .filter((d) => d.checked_at && (d.status === 'received' || d.status === 'rejected'))
    .sort((x, y) => time(x.checked_at!) - time(y.checked_at!))
  let session: (typeof checked)[number][] = []
  const closeSession = () => {
    if (!session.length) return
    const received = session.filter((d) => d.status === 'received').length
    const refused = session.length - received
    steps.push({
      at: session[0]!.checked_at!,
      title: refused ? `上传实证材料：${received} 份已接收，${refused} 份未通过校验` : `上传实证材料 ${received} 份，均已接收`,
      tone: refused ? 'danger' : 'info',
      kind: 'step',
      sends: SENDS.evidence,
      children: session.map((d) => {
        const item: StoryItem =
          d.status === 'received'
            ? { at: d.checked_at!, title: `已接收：${CATEGORY_ZH[d.category]}`, detail: d.file_name, tone: 'info', kind: 'receipt' }
            : { at: d.checked_at!, title: `未通过校验：${d.file_name}`, detail: d.rejection_reason ?? undefined, tone: 'danger', kind: 'receipt' }
        RECEIPT_OF.set(item, { file: d.file_name, received: d.status === 'received', at: time(d.checked_at!) })
        return item
      }),
    })
    session = []
  }
  for (const document of checked) {
    const previous = session[session.length - 1]
    if (previous && time(document.checked_at!) - time(previous.checked_at!) > SESSION_GAP_MS) closeSession()
    session.push(document)
  }
  closeSession()

  if (a.lifecycle.submitted_at) steps.push({ at: a.lifecycle.submitted_at, title: '提交申报', tone: 'primary', kind: 'step', children: [], sends: SENDS.submitted })
  if (a.recommendation) {
    steps.push({
      at: a.recommendation.signed_at,
      title: '推荐单位签署推荐意见',
      detail: `${a.recommendation.opinion}（签署人：${a.recommendation.signer_name}）`,
      tone: 'success',
      kind: 'step',
      children: [],
      sends: SENDS.recommended,
    })
  }
  const award = a.lifecycle.award
  if (award) {
    const validity = a.lifecycle.validity
    steps.push({
      at: award.awarded_at,
      title: `授予武威市人民政府质量奖（证书编号：${award.certificate_number}）`,
      detail: validity ? `有效期：${formatChinaDate(validity.approved_on)} 至 ${formatChinaDate(validity.last_valid_day)}` : undefined,
      tone: 'success',
      kind: 'step',
      children: [],
      sends: SENDS.award,
    })
  }
  const rejection = a.lifecycle.rejection
  if (rejection) {
    const gate = rejection.gate ? REJECTION_GATE_ZH[rejection.gate] : null
    steps.push({ at: rejection.at, title: gate ? `未通过：${gate}` : '未通过', detail: rejection.reason, tone: 'danger', kind: 'step', children: [], sends: SENDS.rejection })
  }
  // Stable: steps of one instant keep the order above.
  steps.sort((x, y) => time(x.at) - time(y.at))

  const loose: StoryEntry[] = []
  /** The latest step sending `kind` at or before `at` (a minute's leeway), else null. */
  const senderOf = (kind: string, at: string): Step | null => {
    let found: Step | null = null
    for (const step of steps) if (step.sends.includes(kind) && time(step.at) <= time(at) + SAME_STEP_MS) found = step
    return found
  }
  const place = (kind: string, writtenAt: string, item: StoryItem, subject?: string) => {
    const step = senderOf(kind, writtenAt)
    if (!step) {
      // A step the application's record keeps no entry of (the screening's result, a review
      // done, the publicity begun) is told by its notice alone: the step reads as what happened,
      // with its notice folded under it, as every other step's.
      loose.push(
        item.kind === 'notice'
          ? { at: item.at, title: item.title.replace(/^通知：/, ''), tone: item.tone === 'danger' ? 'danger' : 'info', kind: 'step', children: [item] }
          : { ...item, children: [] },
      )
      return
    }
    // A receipt's notice goes on the receipt's own line: the one whose file it names, checked
    // when it was written (a minute's leeway), not yet told.
    if (subject && (kind === 'document_received' || kind === 'document_rejected')) {
      const receipt = step.children.find((child) => {
        const of = RECEIPT_OF.get(child)
        return (
          of !== undefined &&
          !child.notices?.length &&
          of.received === (kind === 'document_received') &&
          subject.includes(`（${of.file}）`) &&
          Math.abs(of.at - time(writtenAt)) <= SAME_STEP_MS
        )
      })
      if (receipt) {
        receipt.notices = [item]
        return
      }
    }
    step.children.push(item)
  }
  for (const entry of board) {
    place(entry.kind, entry.published_at, { at: entry.published_at, title: `公告：${entry.title}`, detail: entry.body, tone: 'warning', kind: 'announcement' })
  }
  for (const notice of sent ?? []) {
    // Placed by when it was written (the step that wrote it); shown with when it was sent.
    place(
      notice.kind,
      notice.created_at,
      {
        at: notice.sent_at ?? notice.created_at,
        title: `通知：${noticeTitleZh(notice.subject, organisationName)}`,
        detail: notice.status === 'sent' ? `已发送至 ${notice.recipient}` : `${NOTICE_STATUS_ZH[notice.status]}（收件人：${notice.recipient}）`,
        tone: NOTICE_TONE[notice.status],
        notice: notice.status,
        kind: 'notice',
      },
      notice.subject,
    )
  }
  for (const step of steps) step.children.sort((x, y) => time(x.at) - time(y.at))
  const story: StoryEntry[] = [...steps.map(({ sends: _sends, ...entry }) => entry), ...loose]
  return story.sort((x, y) => time(x.at) - time(y.at))
}

