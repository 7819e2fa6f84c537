// Whether a cycle's call for applications has closed (Art. 11(1)–(2)): a draft can then no longer
// be saved or submitted, and the pages say so with the deadline.
import type { PublicCycle } from '../api/types'
import { formatChinaDate } from './dates'

/** The call's deadline once it has passed (`today`, China date `YYYY-MM-DD`), else null: the cycle
 * is no longer open, or its application deadline is before today. */
export function callClosedOn(cycle: Pick<PublicCycle, 'status' | 'application_deadline'> | null, today: string): string | null {
  if (!cycle) return null
  return cycle.status !== 'open' || cycle.application_deadline < today ? cycle.application_deadline : null
}

/** `申报已于 2027年2月26日 截止`. */
export function callClosedZh(deadline: string): string {
  return `申报已于 ${formatChinaDate(deadline)} 截止`
}

/** A draft's stage in the applicant's list: still to fill in, or left unsubmitted when the call
 * closed (`deadline`: the closed call's deadline, null while it is open). */
export function draftStageZh(deadline: string | null, fillingZh: string): string {
  return deadline ? `未提交（${callClosedZh(deadline)}）` : fillingZh
}
