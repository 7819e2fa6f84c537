// Uploads straight to storage through a presigned link, with progress: XMLHttpRequest, because
// fetch reports no upload progress.
import type { Link } from '../api/types'
import { ApiError, errorFromResponse } from '../api/client'

/** S3's own refusals (XML `<Code>`), in the words the local runner uses for the same. */
const S3_CODES_ZH: Record<string, string> = {
  SlowDown: '存储服务繁忙，请稍后再试。',
  InternalError: '存储服务暂时出错，请稍后再试。',
  BadDigest: '文件校验值与声明不符。',
  XAmzContentChecksumMismatch: '文件校验值与声明不符。',
  InvalidDigest: '文件校验值与声明不符。',
  SignatureDoesNotMatch: '链接无效（签名不符），请重新上传。',
  AccessDenied: '链接已过期或无效，请重新上传。',
  EntityTooLarge: '文件大于声明的大小。',
  IncompleteBody: '文件小于声明的大小。',
}

/** A refused upload's answer as an `ApiError`: the runner's JSON, or S3's XML error. */
export function uploadError(status: number, text: string): ApiError {
  const s3Code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1]
  if (s3Code) {
    return new ApiError(status, {
      code: s3Code,
      message: text.slice(0, 200),
      message_zh: S3_CODES_ZH[s3Code] ?? `存储服务拒绝了上传（${s3Code}）。`,
    })
  }
  return errorFromResponse(status, text)
}

// Headers a page may not set; the browser writes them itself from the body.
const FORBIDDEN = new Set(['content-length', 'host'])

/** How often an upload is sent when storage is busy (S3 `503 SlowDown`, a `500`, a dropped
 * connection), and the first wait: 1, 2, 4 s with jitter, well inside the link's 15 minutes. */
export const UPLOAD_ATTEMPTS = 4
export const UPLOAD_FIRST_WAIT_MS = 1000

/** Whether storage's answer says "busy, try again": S3 asks for it with `503 SlowDown`; a 5xx or
 * a connection that broke before an answer is worth the same. A refusal of the file is not. */
export function isBusy(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status === 500 || error.status === 503)
}

/** The wait before attempt `attempt + 1` (ms): full jitter up to `first × 2^(attempt − 1)`. */
export function uploadWait(attempt: number, first = UPLOAD_FIRST_WAIT_MS, random: () => number = Math.random): number {
  return Math.floor(random() * first * 2 ** (attempt - 1))
}

/**
 * Sends `body` with the link's method and exactly its headers (see `sendOnce`), again after a
 * back-off while storage is busy (`isBusy`), at most `UPLOAD_ATTEMPTS` times; `onRetry` tells the
 * person each time, in Chinese. Rejects with the last `ApiError`; when storage stayed busy, with a
 * message that says so.
 */
export async function uploadWithProgress(
  link: Link,
  body: Blob,
  onProgress: (percent: number) => void,
  onRetry: (message: string) => void = () => {},
  attempts = UPLOAD_ATTEMPTS,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sendOnce(link, body, onProgress)
      return
    } catch (error) {
      if (!isBusy(error)) throw error
      if (attempt >= attempts) {
        throw new ApiError((error as ApiError).status, {
          code: (error as ApiError).code,
          message: (error as ApiError).message,
          message_zh: `存储服务繁忙，已重试 ${attempt - 1} 次仍未成功，请稍后再上传。`,
        })
      }
      onProgress(0)
      onRetry(`存储服务繁忙，正在重试上传（第 ${attempt} 次重试，共 ${attempts - 1} 次）…`)
      await wait(uploadWait(attempt))
    }
  }
}

/**
 * One send: `onProgress` gets 0–100 (percent of the bytes sent), and 100 once storage accepted the
 * body. Rejects with an `ApiError` when storage refuses it (`code` as storage gave it) or the
 * network fails (`code: network`, status 0).
 */
function sendOnce(link: Link, body: Blob, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest()
    request.open(link.method, link.url)
    for (const [name, value] of Object.entries(link.headers)) {
      if (!FORBIDDEN.has(name.toLowerCase())) request.setRequestHeader(name, value)
    }
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) {
        onProgress(Math.min(99, Math.floor((event.loaded / event.total) * 100)))
      }
    }
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(100)
        resolve()
      } else {
        reject(uploadError(request.status, request.responseText))
      }
    }
    request.onerror = () =>
      reject(
        new ApiError(0, {
          code: 'network',
          message: 'upload failed',
          message_zh: '上传失败：无法连接存储服务，请检查网络后重试。',
        }),
      )
    request.send(body)
  })
}

/**
 * Reads with `read` until it answers non-null (the record checked: storage's event compares the
 * stored object with its declaration a moment after the upload), every `intervalMs`, at most
 * `attempts` times; null when it never did.
 */
export async function untilChecked<T>(read: () => Promise<T | null>, attempts = 60, intervalMs = 500): Promise<T | null> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const answer = await read()
    if (answer !== null) return answer
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  return null
}
