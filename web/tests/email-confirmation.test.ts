import { describe, expect, it, vi } from 'vitest'
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

/** The tab's sessionStorage, for the tests: it outlives a page load (a fresh module). */
function tabStore() {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  }
}

describe('reloading the confirmation page', () => {
  it('shows the success again without posting the used token', async () => {
    const store = tabStore()
    const token = 'e'.repeat(32)
    const first = poster([async () => ({ application_id: '01APP', email: 'new@example.cn' })])
    expect(await confirmEmail(token, first.post, store)).toEqual({ ok: true, applicationId: '01APP', email: 'new@example.cn' })
    expect(store.items.size).toBe(1)

    // A reload: the module (and its memory of answers) starts afresh; the tab's storage stays.
    vi.resetModules()
    const reloaded = await import('../src/lib/email-confirmation')
    const again = poster([() => Promise.reject(notFound())])
    expect(await reloaded.confirmEmail(token, again.post, store)).toEqual({ ok: true, applicationId: '01APP', email: 'new@example.cn' })
    expect(again.sent).toEqual([])
  })

  it('still shows a real failure after a reload, asking the API again', async () => {
    const store = tabStore()
    const token = 'f'.repeat(32)
    const first = poster([() => Promise.reject(notFound())])
    expect(await confirmEmail(token, first.post, store)).toMatchObject({ ok: false, retryable: false })
    expect(store.items.size).toBe(0)

    vi.resetModules()
    const reloaded = await import('../src/lib/email-confirmation')
    // The reloaded page's own client: its refusals are of its own ApiError.
    const client = await import('../src/api/client')
    const refusal = new client.ApiError(404, { code: 'confirmation_not_found', message: 'used', message_zh: '确认链接无效、已过期或已使用。' })
    const again = poster([() => Promise.reject(refusal)])
    expect(await reloaded.confirmEmail(token, again.post, store)).toEqual({ ok: false, message: '确认链接无效、已过期或已使用。', retryable: false })
    expect(again.sent).toEqual([token])
  })

  it('ignores what the storage holds when it is not a success it wrote', async () => {
    const store = tabStore()
    const token = '1'.repeat(32)
    store.setItem(`award.email-confirmed.${token}`, '{"applicationId": 7}')
    const { sent, post } = poster([() => Promise.reject(notFound())])
    expect(await confirmEmail(token, post, store)).toMatchObject({ ok: false })
    expect(sent).toEqual([token])
  })
})
