import { describe, expect, it } from 'vitest'
import { ApiError } from '../src/api/client'
import { DEV_SIGN_IN_OFF_ZH, placeError, signInFailureZh } from '../src/lib/errors'

describe('placing an API refusal', () => {
  it('puts an invalid_field message beside the field its path names', () => {
    const error = new ApiError(400, { code: 'invalid_field', message: 'invalid field: decisions[0].votes_for: …', message_zh: '字段有误：decisions[0].votes_for：应为非负整数' })
    expect(placeError(error, ['votes_for', 'reason'])).toEqual({ byField: { votes_for: '应为非负整数' }, general: null })
  })

  it('puts field issues beside their fields and keeps the unplaced ones general', () => {
    const error = new ApiError(422, {
      code: 'invalid_form',
      message: 'invalid',
      message_zh: '表单有误',
      details: [
        { field: 'paid_on', code: 'x', message: 'x', message_zh: '日期不得晚于今天' },
        { field: 'other', code: 'y', message: 'y', message_zh: '别的问题' },
      ],
    })
    expect(placeError(error, ['paid_on', 'voucher'])).toEqual({ byField: { paid_on: '日期不得晚于今天' }, general: '别的问题' })
  })

  it('puts the rules’ refusal beside the field its path names, and a rubric’s in its own words', () => {
    // As shared/app/src/error.rs `InvalidRules` answers it.
    const refusal = (field: string, messageZh: string) =>
      new ApiError(422, { code: 'invalid_rules', message: 'invalid review rules: …', message_zh: '评审细则不符合要求（分值、权重、阈值或公示期）。', details: [{ field, code: 'invalid_rules', message: '…', message_zh: messageZh }] })
    const fields = ['threshold_percent', 'min_document_score', 'onsite_panel_size', 'weights']
    expect(placeError(refusal('disagreement.threshold_percent', '分歧阈值不得超过 100%。'), fields)).toEqual({ byField: { threshold_percent: '分歧阈值不得超过 100%。' }, general: null })
    expect(placeError(refusal('onsite_panel_size', '专家组人数应为 1 至 15 人，不能为 16 人。'), fields).byField).toEqual({ onsite_panel_size: '专家组人数应为 1 至 15 人，不能为 16 人。' })
    expect(placeError(refusal('rubric', '评分标准的分值不一致，请联系系统管理员核对。'), fields)).toEqual({ byField: {}, general: '评分标准的分值不一致，请联系系统管理员核对。' })
  })

  it('shows any other refusal whole, in Chinese', () => {
    const error = new ApiError(409, { code: 'illegal_transition', message: 'no', message_zh: '当前阶段不能进行此操作' })
    expect(placeError(error, ['date'])).toEqual({ byField: {}, general: '当前阶段不能进行此操作' })
  })
})

describe('a failed development sign-in', () => {
  it('says the sign-in is off on this server when the route answers 404', () => {
    const off = new ApiError(404, {
      code: 'dev_sign_in_off',
      message: 'the development sign-in is off on this server',
      message_zh: '此服务器未开启开发环境登录。',
    })
    expect(signInFailureZh(off)).toBe(DEV_SIGN_IN_OFF_ZH)
    expect(DEV_SIGN_IN_OFF_ZH).toContain('未开启开发环境登录')
    // A proxy's own 404 page: no sign-in there either.
    const proxy = new ApiError(404, { code: 'unexpected_response', message: '<html>', message_zh: '服务器返回了无法识别的响应（HTTP 404）。' })
    expect(signInFailureZh(proxy)).toBe(DEV_SIGN_IN_OFF_ZH)
  })

  it('shows any other refusal as the API words it', () => {
    const refused = new ApiError(400, { code: 'invalid_sign_in', message: 'cannot sign in: unknown role', message_zh: '无法登录：unknown role' })
    expect(signInFailureZh(refused)).toBe('无法登录：unknown role')
  })
})
