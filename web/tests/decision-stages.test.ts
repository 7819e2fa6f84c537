import { describe, expect, it } from 'vitest'
import { decisionStageNotes } from '../src/lib/decision-stages'

const none = { deliberation: null, consultation: null, publicity: null, executive_meeting: null }

describe('the decision steps not yet reached', () => {
  it('during the document review, names what comes first for every step', () => {
    const notes = decisionStageNotes(none, '2026-11-01')
    expect(notes.consultation).toBe('尚未到此步骤：须先由评审委员会审议并记录建议名单。')
    expect(notes.publicity).toContain('须先由评审委员会审议')
    expect(notes.executiveMeeting).toContain('须先开始公示')
    expect(notes.approval).toContain('须先开始公示')
  })
  it('after the deliberation opens the consultation only', () => {
    const notes = decisionStageNotes({ ...none, deliberation: {} }, '2026-11-01')
    expect(notes.consultation).toBeNull()
    expect(notes.publicity).toBe('尚未到此步骤：须先记录征求分管副市长意见，然后开始公示。')
  })
  it('while the publicity runs, gives its last day before the meeting', () => {
    const notes = decisionStageNotes({ ...none, deliberation: {}, consultation: {}, publicity: { last_day: '2026-12-08' } }, '2026-12-08')
    expect(notes.publicity).toBeNull()
    expect(notes.executiveMeeting).toBe('尚未到此步骤：公示期至2026年12月8日，期满后方可记录市政府常务会议。')
  })
  it('past the last day opens the meeting, then the approvals', () => {
    const past = { ...none, deliberation: {}, consultation: {}, publicity: { last_day: '2026-12-08' } }
    expect(decisionStageNotes(past, '2026-12-09').executiveMeeting).toBeNull()
    expect(decisionStageNotes(past, '2026-12-09').approval).toContain('须先记录市政府常务会议')
    expect(decisionStageNotes({ ...past, executive_meeting: {} }, '2026-12-09').approval).toBeNull()
  })
})
