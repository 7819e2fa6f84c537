import { describe, expect, it } from 'vitest'
import { funnelCounts } from '../src/lib/funnel'

describe('the stage funnel', () => {
  it('counts each application in every stage it reached', () => {
    const counts = funnelCounts(['draft', 'submitted', 'recommended', 'eligible', 'shortlisted'])
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
    const counts = funnelCounts(['ineligible', 'not_shortlisted', 'revoked', 'withdrawn', 'rejected'])
    const reached = Object.fromEntries(counts.reached.map(({ state, count }) => [state, count]))
    expect(reached.recommended).toBe(3)
    expect(reached.eligible).toBe(2)
    expect(reached.document_reviewed).toBe(2)
    expect(reached.shortlisted).toBe(1)
    expect(reached.awarded).toBe(1)
    expect(counts.outside).toBe(2)
  })
})
