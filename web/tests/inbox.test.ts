import { describe, expect, it } from 'vitest'
import { inboxSections, ownUnitNames } from '../src/lib/inbox'

describe("the recommending unit's inbox", () => {
  it('moves what it recommended out of 待推荐申报', () => {
    const rows = [
      { id: 'a', state: 'submitted' as const },
      { id: 'b', state: 'recommended' as const },
      { id: 'c', state: 'awarded' as const },
      { id: 'd', state: 'rejected' as const, rejected_at: 'recommendation' as const },
      // Recommended, then turned down by the Committee or withdrawn: still the unit's recommendation.
      { id: 'e', state: 'rejected' as const, rejected_at: 'committee' as const, sealed_recommendation: 'received' as const },
      { id: 'f', state: 'withdrawn' as const, sealed_recommendation: 'missing' as const },
      { id: 'g', state: 'withdrawn' as const },
    ]
    const sections = inboxSections(rows)
    expect(sections.pending.map((row) => row.id)).toEqual(['a'])
    expect(sections.recommended.map((row) => row.id)).toEqual(['b', 'c', 'e', 'f'])
    expect(sections.other.map((row) => row.id)).toEqual(['d', 'g'])
  })

  it('names the units the caller signs in as, also with an empty inbox', () => {
    const units = [
      { name: '凉州区质量发展领导小组办公室', mine: true },
      { name: '古浪县市场监督管理局', mine: false },
    ]
    expect(ownUnitNames(units)).toBe('凉州区质量发展领导小组办公室')
    expect(ownUnitNames(units.map((unit) => ({ ...unit, mine: false })))).toBe('')
  })
})
