import { describe, expect, it } from 'vitest'
import type { Rubric } from '../src/api/types'
import { certificatePath, mmToCssPx, PRINTABLE_WIDTH_PX, sharedValidity, sheetCategories, validityZh } from '../src/lib/print'

describe('print helpers', () => {
  it('writes a validity in Chinese dates', () => {
    expect(validityZh('2026-10-20', '2031-10-19')).toBe('2026年10月20日至2031年10月19日')
  })

  it('finds the validity every winner shares, or none', () => {
    const one = { approved_on: '2026-10-20', last_valid_day: '2031-10-19' }
    expect(sharedValidity([one, { ...one }])).toBe('2026年10月20日至2031年10月19日')
    expect(sharedValidity([one, { approved_on: '2026-10-21', last_valid_day: '2031-10-20' }])).toBeNull()
    expect(sharedValidity([])).toBeNull()
  })

  it("routes to a certificate by cycle and credit code", () => {
    expect(certificatePath('2026', '91620602MA71234567')).toBe('/awards/2026/certificate/91620602MA71234567')
  })

  it('lays out a score sheet by category with subtotals, unscored items blank', () => {
    const rubric: Rubric = {
      standard: 'GB/T 19580',
      total_points: 1000,
      categories: [
        { id: '4.1', name: '领导', points: 110, items: [{ id: '4.1.1', name: '高层领导的作用', points: 50 }, { id: '4.1.2', name: '组织治理', points: 60 }] },
        { id: '4.2', name: '战略', points: 90, items: [{ id: '4.2.1', name: '战略制定', points: 90 }] },
      ],
    }
    const [leadership, strategy] = sheetCategories(rubric, { '4.1.1': 80, '4.1.2': 55, '4.2.1': null })
    expect(leadership!.rows).toEqual([
      { id: '4.1.1', name: '高层领导的作用', points: 50, percent: '80%', score: '40.00' },
      { id: '4.1.2', name: '组织治理', points: 60, percent: '55%', score: '33.00' },
    ])
    expect(leadership!.subtotal).toBe('73.00')
    expect(strategy!.rows[0]).toMatchObject({ percent: '', score: '' })
    expect(strategy!.subtotal).toBe('0.00')
  })

  it("measures A4's printable widths in CSS pixels", () => {
    expect(mmToCssPx(25.4)).toBeCloseTo(96, 10)
    expect(Math.round(PRINTABLE_WIDTH_PX.official)).toBe(590)
    expect(Math.round(PRINTABLE_WIDTH_PX.page)).toBe(658)
    expect(Math.round(PRINTABLE_WIDTH_PX.certificate)).toBe(986)
  })
})
