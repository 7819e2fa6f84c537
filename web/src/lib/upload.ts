// Uploads straight to storage through a presigned link, with progress: XMLHttpRequest, because
// fetch reports no upload progress.
import type { Link } from '../api/types'
import { ApiError, errorFromResponse } from '../api/client'

/** S3's own refusals (XML `<Code>`), in the words the local runner uses for the same. */
const S3_CODES_ZH: Record<string, string> = {
  BadDigest: '文件的 SHA-256 校验值与声明不符。',
  XAmzContentChecksumMismatch: '文件的 SHA-256 校验值与声明不符。',
  InvalidDigest: '文件的 SHA-256 校验值与声明不符。',
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

/**
 * Sends `body` with the link's method and exactly its headers. `onProgress` gets 0–100 (percent
 * of the bytes sent), and 100 once storage accepted the body. Rejects with an `ApiError` when
 * storage refuses it (`code` as storage gave it) or the network fails (`code: network`).
 */
export function uploadWithProgress(
  link: Link,
  body: Blob,
  onProgress: (percent: number) => void,
): Promise<void> {
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
