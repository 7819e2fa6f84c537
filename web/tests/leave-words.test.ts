import { describe, expect, it } from 'vitest'
import { LEAVE_WARNING_DRAFT_KEPT_ZH, LEAVE_WARNING_ZH, leaveWarningZh } from '../src/lib/leave-words'

describe('the question before leaving with unsaved changes', () => {
  it('says the draft is kept on this device but not saved or submitted, where it is kept', () => {
    expect(leaveWarningZh(true)).toBe(LEAVE_WARNING_DRAFT_KEPT_ZH)
    expect(LEAVE_WARNING_DRAFT_KEPT_ZH).toContain('草稿已保存在本机')
    expect(LEAVE_WARNING_DRAFT_KEPT_ZH).toContain('既未保存到服务器，也未提交')
    expect(LEAVE_WARNING_DRAFT_KEPT_ZH).not.toContain('丢失')
  })

  it('says what is typed will be lost where nothing is kept', () => {
    expect(leaveWarningZh(false)).toBe(LEAVE_WARNING_ZH)
    expect(LEAVE_WARNING_ZH).toContain('离开后将丢失')
  })
})
