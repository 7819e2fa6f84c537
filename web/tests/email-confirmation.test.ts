import { describe, expect, it } from 'vitest'
import { ApiError } from '../src/api/client'
import { confirmEmail, type EmailConfirmed } from '../src/lib/email-confirmation'

const notFound = () =>
  new ApiError(404, { code: 'confirmation_not_found', message: 'no such confirmation, or it has expired or was used', message_zh: '确认链接无效、已过期或已使用。' })

/** A stand-in for the POST that records the tokens it was sent and answers from `answers` in turn. */
function poster(answers: (() => Promise<EmailConfirmed>)[]) {
  const sent: string[] = []
  const post = (token: string) => {
    sent.push(token)
    const next = answers.shift()
    if (!next) throw new Error('posted more often than expected')
    return next()
  }
  return { sent, post }
}

// The outcomes are kept for the page's lifetime (the module's), so each case uses its own token.
describe('confirming a contact email from its link', () => {
  it('posts a token once and gives every later ask the first answer', async () => {
    const { sent, post } = poster([async () => ({ application_id: '01APP', email: 'new@example.cn' })])
    const token = 'a'.repeat(32)
    const first = confirmEmail(` ${token} `, post)
    const again = confirmEmail(token, post)
    expect(await first).toEqual({ ok: true, applicationId: '01APP', email: 'new@example.cn' })
    expect(await again).toEqual({ ok: true, applicationId: '01APP', email: 'new@example.cn' })
    expect(await confirmEmail(token, post)).toEqual({ ok: true, applicationId: '01APP', email: 'new@example.cn' })
    expect(sent).toEqual([token])
  })

  it("keeps the API's refusal of the token with its Chinese message, without posting again", async () => {
    const { sent, post } = poster([() => Promise.reject(notFound())])
    const token = 'b'.repeat(32)
    const refused = { ok: false, message: '确认链接无效、已过期或已使用。', retryable: false }
    expect(await confirmEmail(token, post)).toEqual(refused)
    expect(await confirmEmail(token, post)).toEqual(refused)
    expect(sent).toEqual([token])
  })

  it('posts again after a failure on the way, which may be tried again', async () => {
    const network = new ApiError(0, { code: 'network', message: 'TypeError: fetch failed', message_zh: '无法连接服务器，请检查网络后重试。' })
    const gateway = new ApiError(403, { code: 'unexpected_response', message: '<html>', message_zh: '服务器返回了无法识别的响应（HTTP 403）。' })
    const { sent, post } = poster([
      () => Promise.reject(network),
      () => Promise.reject(gateway),
      async () => ({ application_id: '01APP', email: 'new@example.cn' }),
    ])
    const token = 'c'.repeat(32)
    expect(await confirmEmail(token, post)).toEqual({ ok: false, message: '无法连接服务器，请检查网络后重试。', retryable: true })
    expect(await confirmEmail(token, post)).toEqual({ ok: false, message: '服务器返回了无法识别的响应（HTTP 403）。', retryable: true })
    expect(await confirmEmail(token, post)).toEqual({ ok: true, applicationId: '01APP', email: 'new@example.cn' })
    expect(await confirmEmail(token, post)).toMatchObject({ ok: true })
    expect(sent).toEqual([token, token, token])
  })

  it('treats a rate limit as worth another try', async () => {
    const limited = new ApiError(429, { code: 'too_many_requests', message: 'slow down', message_zh: '请求过于频繁，请稍后再试。' })
    const { sent, post } = poster([() => Promise.reject(limited), () => Promise.reject(notFound())])
    const token = 'd'.repeat(32)
    expect(await confirmEmail(token, post)).toMatchObject({ ok: false, retryable: true })
    expect(await confirmEmail(token, post)).toMatchObject({ ok: false, retryable: false })
    expect(sent).toEqual([token, token])
  })
})
