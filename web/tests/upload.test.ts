import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../src/api/client'
import { isBusy, uploadError, uploadWait, uploadWithProgress, UPLOAD_ATTEMPTS } from '../src/lib/upload'

/** An XMLHttpRequest stand-in answering each send from `answers` (status, body); 0 is a network
 * failure. */
function fakeXhr(answers: Array<[number, string]>) {
  const sent: number[] = []
  class FakeRequest {
    status = 0
    responseText = ''
    upload = { onprogress: null as null | ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) }
    onload: null | (() => void) = null
    onerror: null | (() => void) = null
    open() {}
    setRequestHeader() {}
    send() {
      const [status, body] = answers[sent.length] ?? [200, '']
      sent.push(status)
      queueMicrotask(() => {
        if (status === 0) {
          this.onerror?.()
          return
        }
        this.status = status
        this.responseText = body
        this.onload?.()
      })
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeRequest)
  return sent
}

const link = { method: 'PUT', url: 'https://bucket.s3.amazonaws.com/key', headers: {}, expires_at: '2026-12-07T03:00:00Z' }
const slowDown = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'
const noWait = () => Promise.resolve()

describe('uploads while storage is busy', () => {
  it('retry 503 SlowDown, 500 and a dropped connection, and tell the person', async () => {
    const sent = fakeXhr([
      [503, slowDown],
      [500, '<Error><Code>InternalError</Code></Error>'],
      [0, ''],
      [200, ''],
    ])
    const notes: string[] = []
    const progress: number[] = []
    await uploadWithProgress(link, new Blob(['%PDF-1.7']), (p) => progress.push(p), (note) => notes.push(note), 4, noWait)
    expect(sent).toEqual([503, 500, 0, 200])
    expect(notes).toHaveLength(3)
    expect(notes[0]).toContain('存储服务繁忙，正在重试上传')
    expect(progress.at(-1)).toBe(100)
  })

  it('give up after the attempts with a message that says storage stayed busy', async () => {
    fakeXhr(Array.from({ length: UPLOAD_ATTEMPTS }, () => [503, slowDown] as [number, string]))
    await expect(uploadWithProgress(link, new Blob(['x']), () => {}, () => {}, UPLOAD_ATTEMPTS, noWait)).rejects.toMatchObject({
      status: 503,
      code: 'SlowDown',
      messageZh: expect.stringContaining('存储服务繁忙'),
    })
  })

  it('never retry a refusal of the file itself', async () => {
    const sent = fakeXhr([[400, '<Error><Code>BadDigest</Code></Error>']])
    await expect(uploadWithProgress(link, new Blob(['x']), () => {}, () => {}, 4, noWait)).rejects.toBeInstanceOf(ApiError)
    expect(sent).toEqual([400])
    expect(isBusy(uploadError(400, '<Error><Code>BadDigest</Code></Error>'))).toBe(false)
    expect(isBusy(uploadError(503, slowDown))).toBe(true)
    expect(uploadError(503, slowDown).messageZh).toBe('存储服务繁忙，请稍后再试。')
  })

  it('wait with full jitter under a doubling ceiling', () => {
    expect(uploadWait(1, 1000, () => 0.999)).toBeLessThan(1000)
    expect(uploadWait(3, 1000, () => 0.999)).toBeLessThan(4000)
    expect(uploadWait(3, 1000, () => 0)).toBe(0)
  })
})
