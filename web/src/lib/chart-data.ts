// What the charts say in words and tables (issue 21, "legible at small counts, with a text
// alternative"): each chart's data as a table's rows and a one-sentence summary for its
// `aria-label`, and where the funnel's labels go so they stay readable (inside a stage only where
// it is wide enough and the text contrasts, else beside it on the page). Pure, so Vitest tests that
// the table's rows are the chart's data.
import { fiveNumbers } from './scores'

/** A chart's data as a table: column headings and rows of cells, as shown. */
export interface ChartTable {
  caption: string
  columns: string[]
  rows: string[][]
}

// --- the funnel ----------------------------------------------------------------------------------

export interface FunnelStage {
  name: string
  value: number
}

/** The stages' colours, light to dark. */
export const FUNNEL_COLOURS = ['#f4c7c3', '#eeaaa4', '#e78d85', '#e07066', '#d95347', '#c93f33', '#b3261e', '#9c2019', '#851b15', '#6e1611', '#57110d', '#400c09']
/** The page's text colour, and white. */
export const DARK_TEXT = '#1f2329'
export const LIGHT_TEXT = '#ffffff'
/** WCAG 2 AA for text this size. */
export const MIN_CONTRAST = 4.5
/** A stage narrower than this share of the widest holds no label: it goes beside the funnel. */
export const MIN_INSIDE_SHARE = 0.5

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** WCAG 2's contrast ratio of two `#rrggbb` colours. */
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number]
  return (x + 0.05) / (y + 0.05)
}

export interface FunnelLabel {
  position: 'inside' | 'right'
  color: string
}

/** Where stage `index`'s label goes: inside, in whichever of dark or white text contrasts more,
 * when the stage is at least MIN_INSIDE_SHARE of the widest and that contrast reaches
 * MIN_CONTRAST; else to the right of the funnel in the page's dark text (an empty or small stage,
 * a mid-tone one). */
export function funnelLabel(stages: readonly FunnelStage[], index: number): FunnelLabel {
  const widest = Math.max(0, ...stages.map((s) => s.value))
  const value = stages[index]?.value ?? 0
  const fill = FUNNEL_COLOURS[index % FUNNEL_COLOURS.length]!
  const color = contrast(fill, DARK_TEXT) >= contrast(fill, LIGHT_TEXT) ? DARK_TEXT : LIGHT_TEXT
  if (widest > 0 && value / widest >= MIN_INSIDE_SHARE && contrast(fill, color) >= MIN_CONTRAST) return { position: 'inside', color }
  return { position: 'right', color: DARK_TEXT }
}

/** The funnel in one sentence, for its `aria-label`. */
export function funnelSummary(stages: readonly FunnelStage[]): string {
  if (!stages.length) return '申报阶段漏斗图：暂无数据。'
  return `申报阶段漏斗图，各阶段到达的申报数：${stages.map((s) => `${s.name} ${s.value} 家`).join('，')}。`
}

/** The funnel as a table: a row per stage, in the funnel's order. */
export function funnelTable(stages: readonly FunnelStage[]): ChartTable {
  return {
    caption: '各阶段到达的申报数',
    columns: ['阶段', '申报数（家）'],
    rows: stages.map((s) => [s.name, String(s.value)]),
  }
}

// --- the box plot --------------------------------------------------------------------------------

export interface BoxItem {
  item: string
  name: string
  points: number[]
  flagged: boolean
}

const points = (value: number) => value.toFixed(2)

/** The box plot as a table: a row per item, in the chart's order, with its five numbers in points
 * (none when no sheet scored it) and whether the panel disagreed. */
export function boxplotTable(items: readonly BoxItem[]): ChartTable {
  return {
    caption: '各条目专家评分分布（分）',
    columns: ['条目', '评分专家数', '最低', '下四分位', '中位数', '上四分位', '最高', '分歧'],
    rows: items.map((entry) => {
      const five = fiveNumbers(entry.points)
      return [
        `${entry.item} ${entry.name}`.trim(),
        String(entry.points.length),
        ...(five ? five.map(points) : ['—', '—', '—', '—', '—']),
        entry.flagged ? '分歧较大' : '',
      ]
    }),
  }
}

/** The box plot in one sentence, for its `aria-label`. */
export function boxplotSummary(items: readonly BoxItem[]): string {
  if (!items.length) return '专家评分箱线图：暂无数据。'
  const sheets = Math.max(0, ...items.map((entry) => entry.points.length))
  const flagged = items.filter((entry) => entry.flagged).map((entry) => entry.item)
  return `专家评分箱线图：${items.length} 个条目，每条目至多 ${sheets} 份评分；${flagged.length ? `分歧较大的条目：${flagged.join('、')}` : '无分歧较大的条目'}。各条目的最低、四分位、中位数和最高分见“查看数据”。`
}
