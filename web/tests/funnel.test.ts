import { describe, expect, it } from 'vitest'
import type { ApplicationState } from '../src/api/types'
import { funnelCounts } from '../src/lib/funnel'

const states = (list: ApplicationState[]) => list.map((state) => ({ state }))

describe('the stage funnel', () => {
  it('counts each application in every stage it reached', () => {
    const counts = funnelCounts(states(['draft', 'submitted', 'recommended', 'eligible', 'shortlisted']))
    const reached = Object.fromEntries(counts.reached.map(({ state, count }) => [state, count]))
    expect(reached.draft).toBe(5)
    expect(reached.submitted).toBe(4)
    expect(reached.recommended).toBe(3)
    expect(reached.eligible).toBe(2)
    expect(reached.document_reviewed).toBe(1)
    expect(reached.shortlisted).toBe(1)
    expect(reached.onsite_reviewed).toBe(0)
    expect(counts.current).toEqual({ draft: 1, submitted: 1, recommended: 1, eligible: 1, shortlisted: 1 })
  })

  it('places those that left the path where they stopped, and counts the rest beside', () => {
    const counts = funnelCounts(states(['ineligible', 'not_shortlisted', 'revoked', 'withdrawn', 'rejected']))
    const reached = Object.fromEntries(counts.reached.map(({ state, count }) => [state, count]))
    expect(reached.recommended).toBe(3)
    expect(reached.eligible).toBe(2)
    expect(reached.document_reviewed).toBe(2)
    expect(reached.shortlisted).toBe(1)
    expect(reached.awarded).toBe(1)
    expect(counts.outside).toBe(2)
  })

  it('places a rejected application at the gate that turned it down', () => {
    const counts = funnelCounts([
      { state: 'rejected', rejected_at: 'recommendation' },
      { state: 'rejected', rejected_at: 'combined_evaluation' },
      { state: 'rejected', rejected_at: 'publicity' },
      { state: 'awarded' },
    ])
    const reached = Object.fromEntries(counts.reached.map(({ state, count }) => [state, count]))
    expect(reached.submitted).toBe(4)
    expect(reached.recommended).toBe(3)
    expect(reached.onsite_reviewed).toBe(3)
    expect(reached.candidate).toBe(2)
    expect(reached.in_publicity).toBe(2)
    expect(reached.approved).toBe(1)
    expect(counts.current).toEqual({ rejected: 3, awarded: 1 })
    expect(counts.outside).toBe(0)
  })
})
