import { describe, expect, it } from 'vitest'
import { inboxSections, unitNamesOf } from '../src/lib/inbox'

describe("the recommending unit's inbox", () => {
  it('moves what it recommended out of 待推荐申报', () => {
    const rows = [
      { id: 'a', state: 'submitted' as const },
      { id: 'b', state: 'recommended' as const },
      { id: 'c', state: 'awarded' as const },
      { id: 'd', state: 'rejected' as const },
    ]
    const sections = inboxSections(rows)
    expect(sections.pending.map((row) => row.id)).toEqual(['a'])
    expect(sections.recommended.map((row) => row.id)).toEqual(['b', 'c'])
    expect(sections.other.map((row) => row.id)).toEqual(['d'])
  })

  it("names the unit from the applications' choice", () => {
    const units = [{ id: 'u1', name: '凉州区质量发展领导小组办公室' }, { id: 'u2', name: '古浪县市场监督管理局' }]
    expect(unitNamesOf([{ recommender_id: 'u1' }, { recommender_id: 'u1' }], units)).toBe('凉州区质量发展领导小组办公室')
    expect(unitNamesOf([], units)).toBe('')
  })
})
