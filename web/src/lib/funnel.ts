// The cycle dashboard's funnel: how many of a cycle's applications reached each stage of Art. 11.
import type { ApplicationState, RejectionGate } from '../api/types'
import { STAGE_PATH } from './labels'

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

/** What the funnel reads of a list entry. */
export interface FunnelEntry {
  state: ApplicationState
  rejected_at?: RejectionGate
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
    const stoppedAt = state === 'rejected' && rejected_at ? REJECTED_AFTER[rejected_at] : REACHED[state]
    const last = STAGE_PATH.indexOf(stoppedAt ?? state)
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
