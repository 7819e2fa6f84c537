// The cycle dashboard's funnel: how many of a cycle's applications reached each stage of Art. 11.
import type { ApplicationState } from '../api/types'
import { STAGE_PATH } from './labels'

/** Where an application that left the path stopped: it had reached this stage (ineligible after
 * screening a recommended one, not shortlisted after the document review, expired or revoked
 * after the award). `rejected` and `withdrawn` can happen at several stages and the list entry
 * does not say which, so they are counted beside the funnel, not in it. */
const REACHED: Partial<Record<ApplicationState, ApplicationState>> = {
  ineligible: 'recommended',
  not_shortlisted: 'document_reviewed',
  expired: 'awarded',
  revoked: 'awarded',
}

export interface FunnelCounts {
  /** Per stage of the path, in order: the applications that reached it (at it or beyond). */
  reached: { state: ApplicationState; count: number }[]
  /** Per state, the applications in it now (every state that has any). */
  current: Partial<Record<ApplicationState, number>>
  /** Rejected or withdrawn: not in `reached`. */
  outside: number
}

/** Counts `states` (one per application) for the funnel. */
export function funnelCounts(states: readonly ApplicationState[]): FunnelCounts {
  const reachedIndex = new Array<number>(STAGE_PATH.length).fill(0)
  const current: Partial<Record<ApplicationState, number>> = {}
  let outside = 0
  for (const state of states) {
    current[state] = (current[state] ?? 0) + 1
    const last = STAGE_PATH.indexOf(REACHED[state] ?? state)
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
