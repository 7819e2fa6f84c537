import { describe, expect, it } from 'vitest'
import type { Rubric } from '../src/api/types'
import { anyPoints, disagreementRuleZh, fiveNumbers, formatCenti, itemPoints, percentProblem, quantile, reviewTotalZh, runningTotal } from '../src/lib/scores'

// A two-category slice of GB/T 19580's rubric with the real points of its items.
const rubric: Rubric = {
  standard: 'GB/T 19580-2012',
  total_points: 110,
  categories: [
    { id: '4.1', name: '领导', points: 80, items: [{ id: '4.1.2', name: '高层领导的作用', points: 50 }, { id: '4.1.3', name: '组织治理', points: 30 }] },
    { id: '4.2', name: '战略', points: 30, items: [{ id: '4.2.2', name: '战略制定', points: 30 }] },
  ],
}

describe('scores in hundredths', () => {
  it('prints hundredths with two places', () => {
    expect(formatCenti(7440)).toBe('74.40')
    expect(formatCenti(5)).toBe('0.05')
    expect(formatCenti(-1250)).toBe('-12.50')
    expect(() => formatCenti(1.5)).toThrow(RangeError)
  })

  it('refuses a percentage off the 5 % grid or out of range', () => {
    expect(percentProblem(70)).toBeNull()
    expect(percentProblem(0)).toBeNull()
    expect(percentProblem(72)).toContain('5%')
    expect(percentProblem(105)).toContain('0–100')
    expect(percentProblem(null)).toBe('请评分。')
  })
})

describe('the running total of a score sheet', () => {
  it('sums percent × points over the scored items and names the rest', () => {
    const total = runningTotal(rubric, { '4.1.2': 70, '4.2.2': 35 })
    // 70 % of 50 = 35.00; 35 % of 30 = 10.50.
    expect(total.total).toBe(4550)
    expect(formatCenti(total.total)).toBe('45.50')
    expect(total.scored).toBe(2)
    expect(total.items).toBe(3)
    expect(total.missing).toEqual(['4.1.3'])
    expect(total.maximum).toBe(11000)
  })

  it('leaves out an invalid percentage and items outside the rubric', () => {
    const total = runningTotal(rubric, { '4.1.2': 72, '4.1.3': 100, '9.9.9': 100 })
    expect(total.total).toBe(3000)
    expect(total.missing).toEqual(['4.1.2', '4.2.2'])
  })
})

describe('box-plot statistics', () => {
  it('interpolates quartiles between ranks; an even count takes the middle mean as median', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20)
    expect(fiveNumbers([40, 10, 30, 20])).toEqual([10, 17.5, 25, 32.5, 40])
    expect(fiveNumbers([7])).toEqual([7, 7, 7, 7, 7])
    expect(fiveNumbers([])).toBeNull()
  })

  it('draws only the counted submitted sheets, in points', () => {
    const items = itemPoints(rubric, [
      { counts: true, status: 'submitted', items: { '4.1.2': 70, '4.1.3': 50 } },
      { counts: true, status: 'submitted', items: { '4.1.2': 40 } },
      { counts: false, status: 'submitted', items: { '4.1.2': 100 } },
      { counts: true, status: 'accepted', items: { '4.1.2': 0 } },
    ])
    expect(items.map((i) => i.item)).toEqual(['4.1.2', '4.1.3', '4.2.2'])
    expect(items[0]?.points).toEqual([35, 20])
    expect(items[1]?.points).toEqual([15])
    expect(items[2]?.points).toEqual([])
  })
})

describe('the disagreement rule as people read it', () => {
  it('says a spread equal to the threshold is not flagged', () => {
    const range = disagreementRuleZh({ measure: 'range', threshold_percent: 30 })
    expect(range).toContain('极差')
    expect(range).toContain('大于 30 个百分点')
    expect(range).toContain('恰好等于 30 个百分点不标记')
    expect(disagreementRuleZh({ measure: 'standard_deviation', threshold_percent: 10 })).toContain('标准差大于 10 个百分点')
  })
})

describe("a review's total for the Office", () => {
  it('is provisional while items await the consensus', () => {
    expect(reviewTotalZh({ total: 59725, needs_consensus: ['4.1.2', '4.3.1'] })).toEqual({
      label: '合计得分（暂计，待合议）',
      pending: '条目 4.1.2、4.3.1 分歧较大，待评审组组长合议后确定最终得分。',
    })
  })
  it('is final once none does', () => {
    expect(reviewTotalZh({ total: 59725, needs_consensus: [] })).toEqual({ label: '合计得分', pending: null })
  })
  it('has nothing to chart before any sheet', () => {
    expect(anyPoints([{ points: [] }, { points: [] }])).toBe(false)
    expect(anyPoints([{ points: [] }, { points: [2500] }])).toBe(true)
  })
})
