import { describe, expect, it } from 'vitest'
import { defaultCycleId } from '../src/lib/cycles'

describe('the cycle a staff page opens on', () => {
  it("is the one in review, not next year's draft created early", () => {
    const cycles = [
      { id: '2028', status: 'draft' as const, decision: { executive_meeting: null } },
      { id: '2026', status: 'reviewing' as const, decision: { executive_meeting: null } },
      { id: '2024', status: 'reviewing' as const, decision: { executive_meeting: { decided_on: '2025-01-10' } } },
    ]
    expect(defaultCycleId(cycles)).toBe('2026')
  })
  it('is the latest when none is in progress', () => {
    const cycles = [
      { id: '2024', status: 'reviewing' as const, decision: { executive_meeting: { decided_on: '2025-01-10' } } },
      { id: '2028', status: 'draft' as const, decision: { executive_meeting: null } },
    ]
    expect(defaultCycleId(cycles)).toBe('2028')
    expect(defaultCycleId([])).toBe('')
  })
  it('takes an open call as in progress', () => {
    expect(defaultCycleId([{ id: '2027', status: 'open' as const }, { id: '2028', status: 'draft' as const }])).toBe('2027')
  })
})
