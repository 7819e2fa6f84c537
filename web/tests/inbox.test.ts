import { describe, expect, it } from 'vitest'
import { inboxSections, ownUnitNames } from '../src/lib/inbox'

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

  it('names the units the caller signs in as, also with an empty inbox', () => {
    const units = [
      { name: '凉州区质量发展领导小组办公室', mine: true },
      { name: '古浪县市场监督管理局', mine: false },
    ]
    expect(ownUnitNames(units)).toBe('凉州区质量发展领导小组办公室')
    expect(ownUnitNames(units.map((unit) => ({ ...unit, mine: false })))).toBe('')
  })
})
