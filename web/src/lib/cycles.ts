// Which cycle a staff page opens on when the person named none: the one in progress (open,
// closed or in review, and not yet decided by the executive meeting), so that a next year's draft
// created early never hides this year's pending work; only with none in progress, the latest.
import type { CycleView } from '../api/types'

type Listed = Pick<CycleView, 'id' | 'status'> & { decision?: { executive_meeting?: unknown } | null }

export function inProgress(cycle: Listed): boolean {
  return cycle.status !== 'draft' && !cycle.decision?.executive_meeting
}

/** The latest cycle in progress, else the latest of all; '' with none. */
export function defaultCycleId(cycles: Listed[]): string {
  const latestFirst = [...cycles].sort((a, b) => b.id.localeCompare(a.id, 'en', { numeric: true }))
  return (latestFirst.find(inProgress) ?? latestFirst[0])?.id ?? ''
}

/** The cycles whose review rules wait for the Committee's approval (Arts. 7(2), 20): never
 * approved, or changed since; a decided cycle no longer counts. */
export function awaitingRulesApproval<C extends Listed & { rules_approval: unknown | null }>(cycles: C[]): C[] {
  return cycles.filter((cycle) => !cycle.rules_approval && !cycle.decision?.executive_meeting)
}
