// The recommending unit's inbox (Art. 11(3)) in sections, and the unit's name for the top bar.
import type { ApplicationSummary, UnitChoice } from '../api/types'

type Row = Pick<ApplicationSummary, 'state'> & Partial<Pick<ApplicationSummary, 'rejected_at' | 'sealed_recommendation'>>

/** Awaiting the unit's opinion (submitted), recommended by the unit (whatever became of it later:
 * reviewed, turned down by the Committee, withdrawn after), and the rest (declined by the unit, or
 * withdrawn before its opinion). Once recommended an application carries `sealed_recommendation`. */
export function inboxSections<R extends Row>(rows: R[]): { pending: R[]; recommended: R[]; other: R[] } {
  const pending = rows.filter((row) => row.state === 'submitted')
  const other = rows.filter(
    (row) => (row.state === 'rejected' && row.rejected_at === 'recommendation') || (row.state === 'withdrawn' && !row.sealed_recommendation),
  )
  const recommended = rows.filter((row) => !pending.includes(row) && !other.includes(row))
  return { pending, recommended, other }
}

/** The names of the units the caller signs in as (`mine`, from `GET /recommenders`), joined. */
export function ownUnitNames(units: Pick<UnitChoice, 'name' | 'mine'>[]): string {
  return units
    .filter((unit) => unit.mine)
    .map((unit) => unit.name)
    .join('、')
}
