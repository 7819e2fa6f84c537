// What the print views share (issue 22): the columns of a table for paper, the Office's name as
// the documents sign it, the certificate's validity in Chinese, the expert's score sheet as rows,
// and A4's printable widths in CSS pixels (for the browser tests' measure of the printed layout).
import type { PublicWinner, Rubric } from '../api/types'
import { formatChinaDate } from './dates'
import { formatCenti, itemScore } from './scores'

/** One column of a table for paper (PrintTable.vue). */
export interface PrintColumn<Row> {
  label: string
  value: (row: Row) => string
  /** `number`: right-aligned, never wrapped (scores); `nowrap`: a code kept on one line; `center`. */
  align?: 'number' | 'nowrap' | 'center'
}

/** 落款 of the publicity notice and the winners' announcement. */
export const OFFICE_ISSUER = '武威市人民政府质量奖评审委员会办公室'
/** Who awards the prize and signs the certificate. */
export const AWARDING_BODY = '武威市人民政府'

/** `2026-10-20`, `2031-10-19` → `2026年10月20日至2031年10月19日`. */
export function validityZh(approvedOn: string, lastValidDay: string): string {
  return `${formatChinaDate(approvedOn)}至${formatChinaDate(lastValidDay)}`
}

/** The one validity every winner shares (approved at one meeting), else null. */
export function sharedValidity(winners: Pick<PublicWinner, 'approved_on' | 'last_valid_day'>[]): string | null {
  const all = new Set(winners.map((w) => validityZh(w.approved_on, w.last_valid_day)))
  return all.size === 1 ? [...all][0]! : null
}

/** The route of an award's certificate for printing. */
export function certificatePath(cycle: string, uscc: string): string {
  return `/awards/${encodeURIComponent(cycle)}/certificate/${encodeURIComponent(uscc)}`
}

export interface SheetRow {
  id: string
  name: string
  points: number
  /** `85%`, or blank when not scored. */
  percent: string
  /** `20.40`, or blank when not scored. */
  score: string
}

export interface SheetCategory {
  id: string
  name: string
  points: number
  rows: SheetRow[]
  /** The category's points scored, `69.30` (items not scored count nothing). */
  subtotal: string
}

/** The expert's score sheet as paper prints it: each category with its items, the percentage and
 * the points it gives, and the category's subtotal. */
export function sheetCategories(rubric: Rubric, percents: Record<string, number | null | undefined>): SheetCategory[] {
  return rubric.categories.map((category) => {
    let subtotal = 0
    const rows = category.items.map((item) => {
      const percent = percents[item.id]
      const scored = typeof percent === 'number'
      if (scored) subtotal += itemScore(percent, item.points)
      return {
        id: item.id,
        name: item.name,
        points: item.points,
        percent: scored ? `${percent}%` : '',
        score: scored ? formatCenti(itemScore(percent, item.points)) : '',
      }
    })
    return { id: category.id, name: category.name, points: category.points, rows, subtotal: formatCenti(subtotal) }
  })
}

/** Millimetres → CSS pixels (96 per inch). */
export function mmToCssPx(mm: number): number {
  return (mm * 96) / 25.4
}

/** The printable width of A4 in CSS pixels for each kind of print page (print.css's @page rules). */
export const PRINTABLE_WIDTH_PX = {
  /** Portrait, 18 mm each side: 174 mm. */
  page: mmToCssPx(210 - 18 - 18),
  /** GB/T 9704's 版心: 156 mm. */
  official: mmToCssPx(156),
  /** Landscape, 18 mm each side: 261 mm. */
  certificate: mmToCssPx(297 - 18 - 18),
} as const
