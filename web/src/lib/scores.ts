// Review scores as the API keeps them: each GB/T 19580 item is scored as a percentage of its
// points in steps of 5 % (Art. 11(5)–(6)); an item's score is percent × points in hundredths of a
// point, exactly (shared/domain/src/scoring.rs `item_score`); a sheet's total is their sum.
import type { Centi, DisagreementRule, Rubric } from '../api/types'

/** The step every percentage is a multiple of. */
export const PERCENT_STEP = 5

/** `7440` → `"74.40"` (hundredths → a decimal with two places; no floating point). */
export function formatCenti(value: Centi): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer of hundredths: ${value}`)
  const sign = value < 0 ? '-' : ''
  const absolute = Math.abs(value)
  return `${sign}${Math.trunc(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`
}

/** An item's score in hundredths of a point: `percent` (0–100) of `points`. */
export function itemScore(percent: number, points: number): Centi {
  return percent * points
}

/** Why a percentage cannot be recorded (Chinese), or null. */
export function percentProblem(percent: number | null | undefined): string | null {
  if (percent === null || percent === undefined) return '请评分。'
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) return '得分率应为 0–100 的整数。'
  if (percent % PERCENT_STEP !== 0) return `得分率应为 ${PERCENT_STEP}% 的整数倍。`
  return null
}

export interface RunningTotal {
  /** Hundredths of a point, over the items scored so far. */
  total: Centi
  /** The rubric's items with a valid percentage. */
  scored: number
  /** The rubric's item count. */
  items: number
  /** Item ids not yet scored (or scored out of range): what stops a submission. */
  missing: string[]
  /** Hundredths of a point: the rubric's whole (1000 points → 100000). */
  maximum: Centi
}

/** The running total of a score sheet against `rubric`: items outside the rubric are ignored. */
export function runningTotal(rubric: Rubric, percents: Record<string, number | null | undefined>): RunningTotal {
  let total = 0
  let scored = 0
  let items = 0
  const missing: string[] = []
  for (const category of rubric.categories) {
    for (const item of category.items) {
      items += 1
      const percent = percents[item.id]
      if (percent === null || percent === undefined || percentProblem(percent) !== null) {
        missing.push(item.id)
        continue
      }
      scored += 1
      total += itemScore(percent, item.points)
    }
  }
  return { total, scored, items, missing, maximum: rubric.total_points * 100 }
}

/** The five numbers a box plot draws: minimum, lower quartile, median, upper quartile, maximum. */
export type FiveNumbers = [number, number, number, number, number]

/** The `p`-quantile (0–1) of sorted `values`, interpolated between the two nearest ranks (the
 * usual "type 7" definition: the median of an even count is the mean of the middle two). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('no values')
  const rank = (sorted.length - 1) * p
  const lower = Math.floor(rank)
  const upper = Math.ceil(rank)
  const low = sorted[lower] as number
  const high = sorted[upper] as number
  return low + (high - low) * (rank - lower)
}

/** The five numbers of `values` (any order), or null when there are none. */
export function fiveNumbers(values: readonly number[]): FiveNumbers | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return [
    sorted[0] as number,
    quantile(sorted, 0.25),
    quantile(sorted, 0.5),
    quantile(sorted, 0.75),
    sorted[sorted.length - 1] as number,
  ]
}

export interface SheetScores {
  counts: boolean
  status: string
  items: Record<string, number>
}

/** Per rubric item, the points (not hundredths) each counted submitted sheet gave it: what the
 * application's box plot draws, in the rubric's order. */
export function itemPoints(rubric: Rubric, sheets: readonly SheetScores[]): { item: string; name: string; points: number[] }[] {
  const counted = sheets.filter((sheet) => sheet.counts && sheet.status === 'submitted')
  return rubric.categories.flatMap((category) =>
    category.items.map((item) => ({
      item: item.id,
      name: item.name,
      points: counted
        .map((sheet) => sheet.items[item.id])
        .filter((percent): percent is number => typeof percent === 'number')
        .map((percent) => itemScore(percent, item.points) / 100),
    })),
  )
}

/** The disagreement rule as the Office and the experts read it beside the flags (Art. 11(5)–(6),
 * shared/domain/src/scoring.rs `disagrees`): the spread must EXCEED the threshold; a spread equal
 * to it is not flagged. */
export function disagreementRuleZh(rule: DisagreementRule): string {
  const measure = rule.measure === 'range' ? '极差（最高与最低得分率之差）' : '标准差'
  const t = rule.threshold_percent
  return `同一条目各专家得分率的${measure}大于 ${t} 个百分点时标记为“分歧较大”，由组长组织合议；恰好等于 ${t} 个百分点不标记。`
}

/** A review's total as the Office reads it: final once no disputed item awaits the leader's
 * consensus, else provisional with the items still to agree (`needs_consensus`). */
export function reviewTotalZh(result: { total: Centi; needs_consensus: readonly string[] }): { label: string; pending: string | null } {
  if (result.needs_consensus.length === 0) return { label: '合计得分', pending: null }
  return { label: '合计得分（暂计，待合议）', pending: `条目 ${result.needs_consensus.join('、')} 分歧较大，待评审组组长合议后确定最终得分。` }
}

/** Whether any sheet has given a score yet (a chart of none would draw an empty 0–1 axis). */
export function anyPoints(items: readonly { points: readonly number[] }[]): boolean {
  return items.some((item) => item.points.length > 0)
}
