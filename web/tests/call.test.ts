import { describe, expect, it } from 'vitest'
import { callClosedOn, callClosedZh, draftStageZh } from '../src/lib/call'

describe('a call closed', () => {
  it('is closed the day after its deadline, or once the cycle is no longer open', () => {
    expect(callClosedOn({ status: 'open', application_deadline: '2027-02-26' }, '2027-02-26')).toBeNull()
    expect(callClosedOn({ status: 'open', application_deadline: '2027-02-26' }, '2027-02-27')).toBe('2027-02-26')
    expect(callClosedOn({ status: 'closed', application_deadline: '2027-02-26' }, '2027-02-20')).toBe('2027-02-26')
    expect(callClosedOn(null, '2027-02-27')).toBeNull()
  })
  it('says when in words', () => {
    expect(callClosedZh('2027-02-26')).toBe('申报已于 2027年2月26日 截止')
    expect(draftStageZh('2027-02-26', '填写申报表（草稿）')).toBe('未提交（申报已于 2027年2月26日 截止）')
    expect(draftStageZh(null, '填写申报表（草稿）')).toBe('填写申报表（草稿）')
  })
})
