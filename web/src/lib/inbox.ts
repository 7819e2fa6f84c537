// The recommending unit's inbox (Art. 11(3)) in sections, and the unit's name for the top bar.
import type { ApplicationSummary, UnitChoice } from '../api/types'

type Row = Pick<ApplicationSummary, 'state'>

/** Awaiting the unit's opinion (submitted), already recommended (any later stage), and the rest
 * (declined or withdrawn). */
export function inboxSections<R extends Row>(rows: R[]): { pending: R[]; recommended: R[]; other: R[] } {
  const pending = rows.filter((row) => row.state === 'submitted')
  const other = rows.filter((row) => row.state === 'rejected' || row.state === 'withdrawn')
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
