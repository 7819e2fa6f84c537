import { describe, expect, it } from 'vitest'
import { drawnPanelZh } from '../src/lib/draw'

const names: Record<string, string> = { e1: '李四', e2: '王五', e3: '赵敏' }

describe('the draw report', () => {
  it('names the first expert drawn as the leader of a new panel', () => {
    expect(drawnPanelZh(['e1', 'e2', 'e3'], (id) => names[id] ?? id, false)).toBe('李四（组长）、王五、赵敏')
  })
  it('says a topped-up panel keeps its leader', () => {
    expect(drawnPanelZh(['e3'], (id) => names[id] ?? id, true)).toBe('补抽：赵敏（组长不变）')
  })
})
