import { describe, expect, it } from 'vitest'
import {
  boxplotSummary,
  boxplotTable,
  contrast,
  DARK_TEXT,
  FUNNEL_COLOURS,
  funnelLabel,
  funnelSummary,
  funnelTable,
  MIN_CONTRAST,
  type FunnelStage,
} from '../src/lib/chart-data'
import { fiveNumbers } from '../src/lib/scores'

const stages = (...values: number[]): FunnelStage[] => values.map((value, index) => ({ name: `阶段${index + 1}`, value }))

describe("the funnel's labels", () => {
  it('measures contrast as WCAG 2 does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrast('#ffffff', '#ffffff')).toBeCloseTo(1, 5)
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2)
  })

  it('are readable at every small count: inside only with enough contrast, else beside in dark text', () => {
    for (let top = 0; top <= 3; top += 1) {
      for (let low = 0; low <= top; low += 1) {
        // Twelve stages falling from `top` to `low`, so every colour is tried.
        const funnel = stages(...FUNNEL_COLOURS.map((_, i) => (i < 6 ? top : low)))
        funnel.forEach((_, index) => {
          const label = funnelLabel(funnel, index)
          if (label.position === 'inside') {
            expect(contrast(FUNNEL_COLOURS[index]!, label.color), `stage ${index} of ${top}→${low}`).toBeGreaterThanOrEqual(MIN_CONTRAST)
            expect(funnel[index]!.value).toBeGreaterThan(0)
          } else {
            expect(label).toEqual({ position: 'right', color: DARK_TEXT })
          }
          // Beside the funnel the label is on the page: dark on white reads.
          expect(contrast(DARK_TEXT, '#ffffff')).toBeGreaterThanOrEqual(MIN_CONTRAST)
        })
      }
    }
  })

  it('puts an empty or narrow stage\'s label beside it, a wide light one\'s inside, a mid-tone one\'s beside', () => {
    const funnel = stages(3, 3, 1, 0, 3, 3, 3)
    expect(funnelLabel(funnel, 0)).toEqual({ position: 'inside', color: DARK_TEXT })
    expect(funnelLabel(funnel, 2).position).toBe('right')
    expect(funnelLabel(funnel, 3).position).toBe('right')
    // #d95347 reaches 4.5:1 with neither dark nor white text.
    expect(funnelLabel(funnel, 4).position).toBe('right')
    // The dark red stages carry white text inside.
    expect(funnelLabel(funnel, 6)).toEqual({ position: 'inside', color: '#ffffff' })
    expect(funnelLabel(stages(0, 0), 0).position).toBe('right')
  })
})

describe("the charts' text alternatives", () => {
  it("give the funnel's data row for row, and say it in a sentence", () => {
    const funnel = [
      { name: '填写申报表（草稿）', value: 8 },
      { name: '已提交，待推荐', value: 7 },
      { name: '已获奖', value: 0 },
    ]
    const table = funnelTable(funnel)
    expect(table.columns).toEqual(['阶段', '申报数（家）'])
    expect(table.rows).toEqual([
      ['填写申报表（草稿）', '8'],
      ['已提交，待推荐', '7'],
      ['已获奖', '0'],
    ])
    expect(table.rows.map(([name, count]) => ({ name, value: Number(count) }))).toEqual(funnel)
    expect(funnelSummary(funnel)).toBe('申报阶段漏斗图，各阶段到达的申报数：填写申报表（草稿） 8 家，已提交，待推荐 7 家，已获奖 0 家。')
    expect(funnelSummary([])).toBe('申报阶段漏斗图：暂无数据。')
  })

  it("give the box plot's five numbers per item, in the chart's order", () => {
    const items = [
      { item: '4.1.2', name: '愿景与战略', points: [35, 25, 30, 40, 45], flagged: true },
      { item: '4.1.3', name: '组织治理', points: [21, 21, 21], flagged: false },
      { item: '4.2.1', name: '', points: [], flagged: false },
    ]
    const table = boxplotTable(items)
    expect(table.columns).toEqual(['条目', '评分专家数', '最低', '下四分位', '中位数', '上四分位', '最高', '分歧'])
    expect(table.rows).toEqual([
      ['4.1.2 愿景与战略', '5', '25.00', '30.00', '35.00', '40.00', '45.00', '分歧较大'],
      ['4.1.3 组织治理', '3', '21.00', '21.00', '21.00', '21.00', '21.00', ''],
      ['4.2.1', '0', '—', '—', '—', '—', '—', ''],
    ])
    // The same five numbers the chart draws.
    expect(table.rows[0]!.slice(2, 7).map(Number)).toEqual(fiveNumbers(items[0]!.points))
    expect(boxplotSummary(items)).toBe('专家评分箱线图：3 个条目，每条目至多 5 份评分；分歧较大的条目：4.1.2。各条目的最低、四分位、中位数和最高分见“查看数据”。')
    expect(boxplotSummary([])).toBe('专家评分箱线图：暂无数据。')
  })
})
