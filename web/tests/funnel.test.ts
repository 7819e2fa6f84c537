import { describe, expect, it } from 'vitest'
import type { ApplicationState } from '../src/api/types'
import { funnelCounts, lastStageReached, progressSteps, type ProgressFacts } from '../src/lib/funnel'

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

describe('the last stage an application reached', () => {
  it('is the state itself on the path, and where it stopped off it', () => {
    expect(lastStageReached('shortlisted')).toBe('shortlisted')
    expect(lastStageReached('ineligible')).toBe('recommended')
    expect(lastStageReached('not_shortlisted')).toBe('document_reviewed')
    expect(lastStageReached('revoked')).toBe('awarded')
    expect(lastStageReached('expired')).toBe('awarded')
    expect(lastStageReached('rejected', 'recommendation')).toBe('submitted')
    expect(lastStageReached('rejected', 'combined_evaluation')).toBe('onsite_reviewed')
    expect(lastStageReached('rejected', 'committee')).toBe('candidate')
    expect(lastStageReached('rejected', 'publicity')).toBe('in_publicity')
  })

  it('is unknown for a withdrawn one, and a rejected one without its gate', () => {
    expect(lastStageReached('withdrawn')).toBeNull()
    expect(lastStageReached('rejected')).toBeNull()
    expect(lastStageReached('rejected', null)).toBeNull()
  })
})

describe("the applicant's step bar", () => {
  const facts = (state: ApplicationState, more: Partial<ProgressFacts> = {}): ProgressFacts => ({ state, submitted: true, recommended: true, ...more })
  const statuses = (f: ProgressFacts) => progressSteps(f).map((step) => step.status)
  const titles = (f: ProgressFacts) => progressSteps(f).map((step) => step.title)

  it('shows an application on its way at its present stage', () => {
    expect(statuses(facts('eligible'))).toEqual(['success', 'success', 'success', 'process', 'wait', 'wait', 'wait'])
    expect(titles(facts('eligible'))).toEqual(['填写申报表（草稿）', '已提交，待推荐', '已推荐，待资格审查', '资格审查合格', '资料评审完成', '进入现场评审', '现场评审完成'])
    expect(statuses(facts('draft', { submitted: false, recommended: false }))[0]).toBe('process')
  })

  it('marks every shown stage of an award done, also once revoked or expired', () => {
    for (const state of ['awarded', 'revoked', 'expired'] as const) expect(statuses(facts(state))).toEqual(new Array(7).fill('success'))
  })

  it('shows an ineligible one stopped at the screening, named so', () => {
    const steps = progressSteps(facts('ineligible'))
    expect(steps.map((s) => s.status)).toEqual(['success', 'success', 'success', 'error', 'wait', 'wait', 'wait'])
    expect(steps[3]?.title).toBe('资格审查不合格')
  })

  it('shows a not shortlisted one stopped after the document review', () => {
    const steps = progressSteps(facts('not_shortlisted'))
    expect(steps.map((s) => s.status)).toEqual(['success', 'success', 'success', 'success', 'success', 'error', 'wait'])
    expect(steps[5]?.title).toBe('未进入现场评审')
  })

  it("shows a rejected one stopped at its gate, after the bar's last stage when that is where", () => {
    const declined = progressSteps(facts('rejected', { rejectedAt: 'recommendation', recommended: false }))
    expect(declined.map((s) => s.status)).toEqual(['success', 'success', 'error', 'wait', 'wait', 'wait', 'wait'])
    expect(declined[2]?.title).toBe('未获推荐')
    const notSelected = progressSteps(facts('rejected', { rejectedAt: 'combined_evaluation' }))
    expect(notSelected.map((s) => s.status)).toEqual([...new Array(7).fill('success'), 'error'])
    expect(notSelected[7]?.title).toBe('未列入候选名单')
  })

  it('places a withdrawn one by what its record proves', () => {
    const afterRecommendation = progressSteps(facts('withdrawn'))
    expect(afterRecommendation.map((s) => s.status)).toEqual(['success', 'success', 'success', 'error', 'wait', 'wait', 'wait'])
    expect(afterRecommendation[3]?.title).toBe('已撤回')
    expect(statuses(facts('withdrawn', { recommended: false }))).toEqual(['success', 'success', 'error', 'wait', 'wait', 'wait', 'wait'])
    expect(statuses(facts('withdrawn', { recommended: false, submitted: false }))).toEqual(['success', 'error', 'wait', 'wait', 'wait', 'wait', 'wait'])
  })
})
