// The application form (申报表) read, not edited: what `GET /applications/{id}` answers the
// caller (the applicant, its recommending unit once submitted, an expert after the pledge, the
// Office; shared/app/src/reads/applications.rs `visible_to`), with the rubric that names the
// GB/T 19580 items and the recommending unit's name, each read only where the API lets the
// caller read it.
import { formatWan } from './money'
import { ApiError, messageOf } from '../api/client'
import type { ApplicationForm, ApplicationView, CycleView, PublicCycle, Role, Rubric, UnitChoice } from '../api/types'
import { runningTotal, type RunningTotal } from './scores'

/** What a page reading the form shows: still reading, refused (a Chinese sentence), or the form. */
export type FormViewState =
  | { kind: 'loading' }
  | { kind: 'refused'; message: string }
  | { kind: 'ready'; application: ApplicationView; rubric: Rubric | null; unitName: string | null }

export type Caller = <T>(method: 'GET', path: string) => Promise<T>

/** A refused read, said to a person: the API answers 404 to whoever may not read it (it does not
 * say whether the application exists), 401 to nobody signed in. */
export function refusalZh(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 404 || error.code === 'application_not_found') {
      return '无法查看该申报表：您无权查看，或该申报不存在。申报单位提交后，推荐单位可以查看；评审专家签署保密承诺后可以查看。'
    }
    if (error.status === 401) return '请先登录后再查看申报表。'
    if (error.status === 403) return `无法查看该申报表：${messageOf(error)}`
  }
  return `无法读取申报表：${messageOf(error)}`
}

/** Reads the application, then (never failing the page) the rubric and the unit's name where the
 * caller's roles may read them: `GET /cycles/{id}` for staff, `GET /public/cycles/{id}` for an
 * applicant (a published call's rules stay public after it closed); `GET /recommenders` for the applicant, the unit and the
 * Office (an expert is not told the units). */
export async function readFormView(call: Caller, id: string, roles: readonly Role[]): Promise<FormViewState> {
  let application: ApplicationView
  try {
    application = await call<ApplicationView>('GET', `/applications/${id}`)
  } catch (error) {
    return { kind: 'refused', message: refusalZh(error) }
  }
  const staff = roles.some((role) => role === 'office' || role === 'recommender' || role === 'expert' || role === 'committee')
  const rubricRead = staff
    ? call<CycleView>('GET', `/cycles/${application.cycle_id}`).then((cycle) => cycle.rules.rubric)
    : call<PublicCycle>('GET', `/public/cycles/${application.cycle_id}`).then((cycle) => cycle.rules.rubric)
  const mayListUnits = roles.some((role) => role === 'office' || role === 'recommender' || role === 'applicant' || role === 'expert' || role === 'committee')
  const unitsRead = mayListUnits && application.recommender_id
    ? call<{ recommenders: UnitChoice[] }>('GET', '/recommenders').then((answer) => answer.recommenders)
    : Promise.resolve([] as UnitChoice[])
  const [rubric, units] = await Promise.allSettled([rubricRead, unitsRead])
  return {
    kind: 'ready',
    application,
    rubric: rubric.status === 'fulfilled' ? rubric.value : null,
    unitName: unitNameOf(application.recommender_id, units.status === 'fulfilled' ? units.value : []),
  }
}

export function unitNameOf(id: string | null, units: readonly UnitChoice[]): string | null {
  return (id && units.find((unit) => unit.id === id)?.name) || null
}

/** The self-assessed total against the rubric (hundredths of a point). */
export function selfAssessedTotal(rubric: Rubric, form: ApplicationForm): RunningTotal {
  return runningTotal(rubric, Object.fromEntries(Object.entries(form.self_assessment).map(([item, entry]) => [item, entry.score])))
}

/** One GB/T 19580 item of the self-assessment as shown: its rubric name and points where known. */
export interface SelfAssessedItem {
  id: string
  name: string | null
  points: number | null
  score: number | null
  narrative: string
}

export interface SelfAssessedCategory {
  id: string
  name: string | null
  points: number | null
  items: SelfAssessedItem[]
}

/** The self-assessment grouped by the rubric's categories (every rubric item, answered or not);
 * without a rubric, or for items the rubric does not list, by the items' own numbers. */
export function selfAssessmentRows(form: ApplicationForm, rubric: Rubric | null): SelfAssessedCategory[] {
  const given = form.self_assessment
  const listed = new Set<string>()
  const groups: SelfAssessedCategory[] = (rubric?.categories ?? []).map((category) => ({
    id: category.id,
    name: category.name,
    points: category.points,
    items: category.items.map((item) => {
      listed.add(item.id)
      return { id: item.id, name: item.name, points: item.points, score: given[item.id]?.score ?? null, narrative: given[item.id]?.narrative ?? '' }
    }),
  }))
  const rest = Object.keys(given)
    .filter((item) => !listed.has(item))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((item) => ({ id: item, name: null, points: null, score: given[item]?.score ?? null, narrative: given[item]?.narrative ?? '' }))
  if (rest.length) groups.push({ id: '', name: null, points: null, items: rest })
  return groups
}

/** Money (integer fen) as read in the form: from 1 万元 on in 万元 (exact), below in 元. */
export function formatMoneyZh(fen: number | null): string {
  if (fen === null) return '未填写'
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`)
  const wan = formatWan(fen)
  if (wan !== null) return `${wan}万元`
  const sign = fen < 0 ? '-' : ''
  const absolute = Math.abs(fen)
  const yuan = Math.trunc(absolute / 100)
  const cents = absolute % 100
  return `${sign}${yuan}${cents ? `.${cents.toString().padStart(2, '0')}` : ''}元`
}
