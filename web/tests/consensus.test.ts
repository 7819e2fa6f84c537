import { describe, expect, it } from 'vitest'
import { CONSENSUS_TITLE_ZH, recordConsensusSteps, type ConsensusEntry } from '../src/lib/consensus'

describe("the panel leader's consensus", () => {
  const entries: Record<string, ConsensusEntry> = { '4.1.2': { percent: 60, note: ' 组内合议一致 ' }, '4.3.1': { percent: 75, note: '依现场核实' } }
  const entryOf = (item: string) => entries[item] ?? { percent: null, note: '' }

  it('asks once before recording and sends nothing when the leader steps back', async () => {
    const asked: string[][] = []
    const posted: unknown[] = []
    const result = await recordConsensusSteps(['4.1.2', '4.3.1'], entryOf, async (...words) => (asked.push(words), false), async (body) => void posted.push(body))
    expect(result).toEqual({ outcome: 'declined' })
    expect(asked).toHaveLength(1)
    expect(asked[0]?.[0]).toBe(CONSENSUS_TITLE_ZH)
    expect(asked[0]?.[1]).toContain('不能撤回')
    expect(posted).toHaveLength(0)
  })

  it('posts the agreed items once confirmed', async () => {
    const posted: unknown[] = []
    const result = await recordConsensusSteps(['4.1.2', '4.3.1'], entryOf, async () => true, async (body) => void posted.push(body))
    expect(result).toEqual({ outcome: 'recorded' })
    expect(posted).toEqual([{ items: { '4.1.2': { percent: 60, note: '组内合议一致' }, '4.3.1': { percent: 75, note: '依现场核实' } } }])
  })

  it('neither asks nor sends while an item lacks its percentage or note', async () => {
    let asked = 0
    const posted: unknown[] = []
    const result = await recordConsensusSteps(['4.1.2', '5.1'], entryOf, async () => (asked++, true), async (body) => void posted.push(body))
    expect(result).toEqual({ outcome: 'problem', problem: '条目 5.1：请评分。' })
    expect(asked).toBe(0)
    expect(posted).toHaveLength(0)
  })
})
