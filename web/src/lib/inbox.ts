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

/** The names of the units a recommender acts for, as far as its inbox shows (each application
 * names its unit; `GET /recommenders` gives the names): '' when the inbox is empty. */
export function unitNamesOf(rows: Pick<ApplicationSummary, 'recommender_id'>[], units: Pick<UnitChoice, 'id' | 'name'>[]): string {
  const ids = [...new Set(rows.map((row) => row.recommender_id).filter((id): id is string => Boolean(id)))]
  return ids
    .map((id) => units.find((unit) => unit.id === id)?.name)
    .filter((name): name is string => Boolean(name))
    .join('、')
}
