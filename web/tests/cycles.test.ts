import { describe, expect, it } from 'vitest'
import { awaitingRulesApproval, defaultCycleId } from '../src/lib/cycles'

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

describe('the rules awaiting the Committee', () => {
  it("lists a cycle whose rules are not approved, not one approved or decided", () => {
    const cycles = [
      { id: '2028', status: 'draft' as const, rules_approval: null },
      { id: '2026', status: 'reviewing' as const, rules_approval: { by: 'committee-1', at: '2026-01-02T00:00:00Z' } },
      { id: '2024', status: 'reviewing' as const, rules_approval: null, decision: { executive_meeting: {} } },
    ]
    expect(awaitingRulesApproval(cycles).map((c) => c.id)).toEqual(['2028'])
  })
})
