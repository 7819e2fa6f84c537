import { describe, expect, it } from 'vitest'
import { barEndZh, chinaToday, daysUntil, formatChinaDate, formatInstant } from '../src/lib/dates'

describe('China dates', () => {
  it('writes a China date as it is, in Chinese', () => {
    expect(formatChinaDate('2026-12-29')).toBe('2026年12月29日')
    expect(formatChinaDate('2027-01-05')).toBe('2027年1月5日')
  })

  it('shows a UTC instant on China\'s clock (UTC+8), across midnight', () => {
    expect(formatInstant('2026-11-29T18:09:49.246151806Z')).toBe('2026年11月30日 02:09')
    expect(formatInstant('2026-06-30T15:59:00Z')).toBe('2026年6月30日 23:59')
  })

  it('takes today from China\'s clock, not UTC\'s', () => {
    // 17:00 UTC on 31 December is 01:00 on 1 January in China.
    expect(chinaToday(new Date('2026-12-31T17:00:00Z'))).toBe('2027-01-01')
    expect(chinaToday(new Date('2026-12-31T15:59:59Z'))).toBe('2026-12-31')
  })

  it('counts days to a deadline from China\'s today', () => {
    const now = new Date('2026-12-28T16:30:00Z') // 2026-12-29 00:30 in China
    expect(daysUntil('2026-12-29', now)).toBe(0)
    expect(daysUntil('2027-01-13', now)).toBe(15)
    expect(daysUntil('2026-12-28', now)).toBe(-1)
  })
})

describe('the end of a bar', () => {
  it('reads as every notice words it', () => {
    expect(barEndZh('2036-04-24', '2036-04-25')).toBe('至2036年4月24日（含）不得申报，2036年4月25日起可以申报')
  })
})
