import { describe, expect, it } from 'vitest'
import type { PublicAward } from '../src/api/types'
import { cyclesWithWinners, registerWinnersOf } from '../src/lib/awards'

const award = (cycle_id: string, organisation_name: string): PublicAward => ({
  organisation_name,
  uscc: '91620602MA74TY0A18',
  cycle_id,
  approved_on: `${cycle_id}-10-20`,
  last_valid_day: `${Number(cycle_id) + 5}-10-20`,
  status: 'valid',
  revoked_under: null,
  revoked_on: null,
})

describe("the latest cycle's winners", () => {
  it('lists each cycle with winners once, the latest first', () => {
    const register = { awards: [award('2024', '甲'), award('2026', '乙'), award('2025', '丙'), award('2026', '丁')] }
    expect(cyclesWithWinners(register)).toEqual(['2026', '2025', '2024'])
  })

  it('has none to show when the register lists no award', () => {
    expect(cyclesWithWinners({ awards: [] })).toEqual([])
  })
})

describe("a year's winners from the register", () => {
  it('lists the awards of that year only (an imported year with no cycle here)', () => {
    const register = { awards: [award('2022', '甲'), award('2026', '乙'), award('2022', '丙')] }
    expect(registerWinnersOf(register, '2022').map((a) => a.organisation_name)).toEqual(['丙', '甲'].sort((a, b) => a.localeCompare(b, 'zh')))
    expect(registerWinnersOf(register, '2021')).toEqual([])
  })
})
