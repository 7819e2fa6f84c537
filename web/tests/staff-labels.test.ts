import { describe, expect, it } from 'vitest'
import { NOTICE_FAILURE_ZH, NOTICE_POSSIBLY_DELIVERED_ZH, noticeFailureZh } from '../src/lib/staff-labels'

describe('noticeFailureZh', () => {
  it('words each reason the outbox records, in Chinese, with what to do', () => {
    for (const failure of ['refused', 'misconfigured', 'unavailable', 'overdue']) {
      const text = noticeFailureZh(failure)
      expect(text).toBe(NOTICE_FAILURE_ZH[failure])
      expect(text).toMatch(/重新发送/)
      expect(text).not.toMatch(/[A-Za-z]/)
    }
  })

  it('warns before a second copy when a send may have gone through', () => {
    expect(noticeFailureZh('unavailable', 1)).toBe(`${NOTICE_FAILURE_ZH.unavailable}${NOTICE_POSSIBLY_DELIVERED_ZH}`)
    expect(noticeFailureZh('unavailable', 0)).toBe(NOTICE_FAILURE_ZH.unavailable)
  })

  it('has a wording for notices given up before the reason was recorded', () => {
    expect(noticeFailureZh(null)).toMatch(/^发送未成功/)
    expect(noticeFailureZh(undefined)).toBe(noticeFailureZh(null))
    expect(noticeFailureZh('something_new')).toBe(noticeFailureZh(null))
  })
})
