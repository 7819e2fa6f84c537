// The cycle dashboard's funnel: how many of a cycle's applications reached each stage of Art. 11.
import type { ApplicationState, RejectionGate } from '../api/types'
import { REJECTION_GATE_ZH, STAGE_PATH, STATE_ZH } from './labels'

/** Where an application that left the path stopped: it had reached this stage (ineligible after
 * screening a recommended one, not shortlisted after the document review, expired or revoked
 * after the award). A `rejected` one stopped where its entry's `rejected_at` says (REJECTED_AFTER);
 * `withdrawn` can happen at any stage and the entry does not say which, so those are counted
 * beside the funnel, not in it. */
const REACHED: Partial<Record<ApplicationState, ApplicationState>> = {
  ineligible: 'recommended',
  not_shortlisted: 'document_reviewed',
  expired: 'awarded',
  revoked: 'awarded',
}

/** The last stage a rejected application reached before each gate (Art. 11(3), (7), (8)). */
const REJECTED_AFTER: Record<RejectionGate, ApplicationState> = {
  recommendation: 'submitted',
  combined_evaluation: 'onsite_reviewed',
  committee: 'candidate',
  publicity: 'in_publicity',
}

/** The last stage of the path (STAGE_PATH) an application in `state` reached: the state itself
 * while on the path; where it stopped when it left it (a `rejected` one at the gate `rejectedAt`
 * names); null when the state does not say (withdrawn, or rejected at no known gate). The funnel,
 * the Office's review list and the applicant's step bar all place an application by this. */
export function lastStageReached(state: ApplicationState, rejectedAt?: RejectionGate | null): ApplicationState | null {
  const stoppedAt = state === 'rejected' ? (rejectedAt ? REJECTED_AFTER[rejectedAt] : undefined) : REACHED[state]
  const stage = stoppedAt ?? state
  return STAGE_PATH.includes(stage) ? stage : null
}

/** What the funnel reads of a list entry. */
export interface FunnelEntry {
  state: ApplicationState
  rejected_at?: RejectionGate | null
}

export interface FunnelCounts {
  /** Per stage of the path, in order: the applications that reached it (at it or beyond). */
  reached: { state: ApplicationState; count: number }[]
  /** Per state, the applications in it now (every state that has any). */
  current: Partial<Record<ApplicationState, number>>
  /** Withdrawn, or rejected at no known gate: not in `reached`. */
  outside: number
}

/** Counts `entries` (one per application) for the funnel. */
export function funnelCounts(entries: readonly FunnelEntry[]): FunnelCounts {
  const reachedIndex = new Array<number>(STAGE_PATH.length).fill(0)
  const current: Partial<Record<ApplicationState, number>> = {}
  let outside = 0
  for (const { state, rejected_at } of entries) {
    current[state] = (current[state] ?? 0) + 1
    const stage = lastStageReached(state, rejected_at)
    const last = stage ? STAGE_PATH.indexOf(stage) : -1
    if (last < 0) {
      outside += 1
      continue
    }
    for (let index = 0; index <= last; index += 1) reachedIndex[index] = (reachedIndex[index] ?? 0) + 1
  }
  return {
    reached: STAGE_PATH.map((state, index) => ({ state, count: reachedIndex[index] ?? 0 })),
    current,
    outside,
  }
}

/** What the applicant's step bar reads of an application. */
export interface ProgressFacts {
  state: ApplicationState
  /** `lifecycle.rejection.gate`, for a rejected one. */
  rejectedAt?: RejectionGate | null
  /** Facts of the record that place a withdrawn one: submitted, recommended. */
  submitted: boolean
  recommended: boolean
}

export interface ProgressStep {
  title: string
  status: 'success' | 'process' | 'wait' | 'error'
}

/** States that took the application off the path for good: the bar shows where. */
const STOPS: Partial<Record<ApplicationState, true>> = { ineligible: true, not_shortlisted: true, rejected: true, withdrawn: true }

/** The applicant's step bar: the first `shown` stages of the path, each reached one done. An
 * application still on its way shows its present stage in progress; one that stopped shows the
 * step after the last it reached as the stop, in error, named by why it stopped (a stop past the
 * last shown stage is added after it). A withdrawn one is placed by what its record proves
 * (recommended, submitted): the record does not keep the stage it was withdrawn at. */
export function progressSteps(facts: ProgressFacts, shown = 7): ProgressStep[] {
  const path = STAGE_PATH.slice(0, shown)
  const stopped = STOPS[facts.state] === true
  const known = lastStageReached(facts.state, facts.rejectedAt)
  const last = known ?? (facts.recommended ? 'recommended' : facts.submitted ? 'submitted' : 'draft')
  const lastIndex = STAGE_PATH.indexOf(last)
  if (!stopped) {
    return path.map((state, index) => ({
      title: STATE_ZH[state],
      status: index < lastIndex ? 'success' : index === lastIndex ? 'process' : 'wait',
    }))
  }
  const stopTitle =
    facts.state === 'rejected' ? (facts.rejectedAt ? REJECTION_GATE_ZH[facts.rejectedAt] : STATE_ZH.rejected) : STATE_ZH[facts.state]
  const steps: ProgressStep[] = path.map((state, index) => ({
    title: index === lastIndex + 1 ? stopTitle : STATE_ZH[state],
    status: index <= lastIndex ? 'success' : index === lastIndex + 1 ? 'error' : 'wait',
  }))
  if (lastIndex + 1 >= path.length) steps.push({ title: stopTitle, status: 'error' })
  return steps
}
