import { describe, expect, it } from 'vitest'
import { objectionWindowNote, publicityCycleFrom } from '../src/lib/publicity'

const notice = (kind: string, cycle_id: string, published_at: string) => ({ kind, cycle_id, published_at }) as Parameters<typeof publicityCycleFrom>[0][number]

describe('the publicity shown without a year', () => {
  it("is last year's when the latest publicity notice names it", () => {
    const notices = [
      notice('award_announcement', '2024', '2025-01-10T02:00:00Z'),
      notice('publicity_started', '2026', '2027-01-20T02:00:00Z'),
      notice('publicity_started', '2025', '2026-01-20T02:00:00Z'),
      notice('application_created', '2027', '2027-02-01T02:00:00Z'),
    ]
    expect(publicityCycleFrom(notices, '2027')).toBe('2026')
  })

  it('falls back to the given year without any publicity notice', () => {
    expect(publicityCycleFrom([notice('award_announcement', '2024', '2025-01-10T02:00:00Z')], '2027')).toBe('2027')
  })
})

describe('the objection form outside the publicity', () => {
  it('gives the first day before it opens', () => {
    expect(objectionWindowNote('2026-09-30', '2026-10-09', '2026-09-28')).toBe('公示期自2026年9月30日开始，届时方可提出异议；当前不能提出异议。')
  })
  it('gives the last day after it closed', () => {
    expect(objectionWindowNote('2026-09-30', '2026-10-09', '2026-10-10')).toBe('公示期已于2026年10月9日结束，不能再提出异议。')
  })
  it('says nothing while it runs', () => {
    expect(objectionWindowNote('2026-09-30', '2026-10-09', '2026-10-09')).toBeNull()
  })
})
