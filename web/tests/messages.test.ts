import { describe, expect, it } from 'vitest'
import { ApiError, messageOf, pageMessageZh } from '../src/api/client'

const refusal = (code: string, message_zh: string) => new ApiError(422, { code, message: code, message_zh })

describe("the API's refusals as the pages say them", () => {
  it('never sends a person to "details"', () => {
    expect(messageOf(refusal('invalid_form', '申报表有填写错误，详见 details。'))).toBe('申报表有填写错误，请查看各字段下方的提示。')
    expect(messageOf(refusal('screening_unsettled', '资格审查仍有待复核的条件，请先逐项确认（详见 details）。'))).not.toContain('details')
    expect(messageOf(refusal('deliberation_list_mismatch', '审议结果须逐一对应候选名单：details.missing 所列候选单位未作决定。'))).not.toContain('details')
    // A code the pages have no wording for: the API's message without the pointer.
    expect(pageMessageZh('something_new', '出现了新的问题，详见 details。')).toBe('出现了新的问题。')
    expect(pageMessageZh('something_new', '出现了新的问题（详见 details）。')).toBe('出现了新的问题。')
  })

  it('drops the routes a message names for programs', () => {
    expect(pageMessageZh('calendar_unavailable', '工作日历缺少2027年的节假日安排：请先按国务院办公厅通知录入（POST /calendar/2027）。')).toBe(
      '工作日历缺少2027年的节假日安排：请先按国务院办公厅通知录入。',
    )
    expect(pageMessageZh('holiday_year_loaded', '2027年的节假日安排已在系统中（可查看 GET /calendar/2027；录入的安排在尚无公示期使用前可用 PUT 更正）。')).not.toMatch(/GET|PUT|\//)
  })

  it("drops a request's JSON path and its field names", () => {
    expect(pageMessageZh('invalid_field', '字段有误：decisions[0].votes_for：类型不正确')).toBe('填写内容有误：类型不正确')
    expect(pageMessageZh('invalid_field', '字段有误：缺少必填字段 reason')).toBe('填写内容有误：缺少必填内容')
    expect(pageMessageZh('invalid_field', '字段有误：ground：取值 `x` 不在可选范围内（fraud、cause）')).toBe('填写内容有误：所选的值不在可选范围内')
  })

  it("keeps every other message as the API wrote it", () => {
    expect(messageOf(refusal('confirmation_not_found', '确认链接无效、已过期或已使用。'))).toBe('确认链接无效、已过期或已使用。')
    expect(messageOf(refusal('illegal_transition', '申报当前处于“草稿”阶段，不能办理此项。'))).toBe('申报当前处于“草稿”阶段，不能办理此项。')
  })
})
