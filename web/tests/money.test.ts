import { describe, expect, it } from 'vitest'
import { formatYuan, formatYuanZh, parseYuan, wanYuanEcho } from '../src/lib/money'

describe('fen and 元', () => {
  it('formats integer fen as 元 with two decimals and grouped thousands', () => {
    expect(formatYuan(28_600_000_000)).toBe('286,000,000.00')
    expect(formatYuan(5)).toBe('0.05')
    expect(formatYuan(123_456)).toBe('1,234.56')
    expect(formatYuan(-3_140_000_050)).toBe('-31,400,000.50')
    expect(formatYuan(0)).toBe('0.00')
  })

  it('refuses what is not integer fen', () => {
    expect(() => formatYuan(1.5)).toThrow(RangeError)
  })

  it('parses 元 to fen without floating-point error', () => {
    expect(parseYuan('286,000,000.00')).toBe(28_600_000_000)
    expect(parseYuan('0.29')).toBe(29) // 0.29 * 100 is 28.999… in floating point
    expect(parseYuan('1234.5')).toBe(123_450)
    expect(parseYuan('-3')).toBe(-300)
    expect(parseYuan('1.234')).toBeNull()
    expect(parseYuan('abc')).toBeNull()
    expect(parseYuan('')).toBeNull()
  })

  it('round-trips', () => {
    for (const fen of [1, 99, 100, 1_865_000_000, -42]) {
      expect(parseYuan(formatYuan(fen))).toBe(fen)
    }
  })
})

describe('万元 beside a large amount', () => {
  it('echoes 万元 from 1 万元 on, nothing below', () => {
    expect(wanYuanEcho(28_600_000_000)).toBe('合 28,600万元')
    expect(wanYuanEcho(3_140_050_000)).toBe('合 3,140.05万元')
    expect(wanYuanEcho(1_000_000)).toBe('合 1万元')
    expect(wanYuanEcho(1_865_000_050)).toBe('合 1,865.00005万元')
    expect(wanYuanEcho(999_999)).toBeNull()
    expect(wanYuanEcho(-1_234_567_800)).toBe('合 -1,234.5678万元')
  })
})

describe('an amount as a sentence reads it', () => {
  it('gives 万元 beside a large amount, and 元 alone below 1 万元', () => {
    expect(formatYuanZh(15_000_000)).toBe('150,000.00元（15万元）')
    expect(formatYuanZh(80_000)).toBe('800.00元')
    expect(formatYuanZh(12_345_678)).toBe('123,456.78元（12.345678万元）')
  })
})
