// The one API client: same-origin relative URLs, the bearer token from the auth module, JSON in
// and out, and every refusal turned into an `ApiError` carrying the API's stable `code` and its
// Chinese message (shared/app/src/error.rs `ErrorBody`).
import type { ErrorBody, FieldIssue } from './types'
import { currentToken } from '../auth/session'

/** A refusal or failure of the API, as the API stated it. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  /** What the pages show. */
  readonly messageZh: string
  /** `invalid_form` / `submission_incomplete`: each field's issue; empty otherwise. */
  readonly issues: FieldIssue[]
  readonly details: unknown

  constructor(status: number, body: ErrorBody) {
    super(body.message)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code
    this.messageZh = body.message_zh
    this.details = body.details
    this.issues = fieldIssues(body.details)
  }
}

function isFieldIssue(value: unknown): value is FieldIssue {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.field === 'string' &&
    typeof v.code === 'string' &&
    typeof v.message === 'string' &&
    typeof v.message_zh === 'string'
  )
}

/** The field issues of an error's `details` (`[{field, code, message, message_zh}]`), if that is
 * what it holds. */
export function fieldIssues(details: unknown): FieldIssue[] {
  return Array.isArray(details) ? details.filter(isFieldIssue) : []
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.code === 'string' && typeof v.message_zh === 'string'
}

/** An answer that is not the API's JSON error (a proxy's HTML page, a network failure). */
function unexpected(status: number, detail: string): ApiError {
  return new ApiError(status, {
    code: status === 0 ? 'network' : 'unexpected_response',
    message: detail,
    message_zh:
      status === 0 ? '无法连接服务器，请检查网络后重试。' : `服务器返回了无法识别的响应（HTTP ${status}）。`,
  })
}

/** Reads a JSON error body from a response text; anything else becomes `unexpected_response`. */
export function errorFromResponse(status: number, text: string): ApiError {
  try {
    const body: unknown = JSON.parse(text)
    if (isErrorBody(body)) {
      return new ApiError(status, { ...body, message: body.message ?? body.code })
    }
  } catch {
    // Not JSON: reported below with the status.
  }
  return unexpected(status, text.slice(0, 200))
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

// The API's origin: `''` (same-origin, as the local runner serves the pages) unless
// `/config.json` names one (API Gateway's own domain beside CloudFront's).
let apiBase = ''

/** Points every call at `base` (`https://api.example.cn`, no trailing slash; `''`: same-origin). */
export function setApiBase(base: string): void {
  apiBase = base.replace(/\/+$/, '')
}

/**
 * Calls the API at `path` (from the API's root, e.g. `/cycles/open`). `body` is sent as JSON. Resolves to
 * the parsed JSON answer typed as `T` (the caller names the shape from `./types`).
 * Rejects with `ApiError` for every non-2xx answer and for network failures (`code: network`).
 */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  const token = currentToken()
  if (token) headers.authorization = `Bearer ${token}`
  let init: RequestInit = { method, headers }
  if (body !== undefined) {
    headers['content-type'] = 'application/json'
    init = { ...init, body: JSON.stringify(body) }
  }
  let response: Response
  try {
    response = await fetch(`${apiBase}${path}`, init)
  } catch (error) {
    throw unexpected(0, String(error))
  }
  const text = await response.text()
  if (!response.ok) throw errorFromResponse(response.status, text)
  try {
    return JSON.parse(text) as T
  } catch {
    throw unexpected(response.status, text.slice(0, 200))
  }
}

/** The Chinese message to show for any error a page caught. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.messageZh
  if (error instanceof Error) return error.message
  return String(error)
}

/**
 * Fetches a file the API answers itself (the CSV exports: UTF-8 with its BOM) with the bearer
 * token, and hands it to the browser as a download named `fileName`. Rejects with `ApiError` as
 * `api` does. A plain link cannot carry the token, hence the fetch.
 */
export async function downloadFile(path: string, fileName: string): Promise<void> {
  const headers: Record<string, string> = {}
  const token = currentToken()
  if (token) headers.authorization = `Bearer ${token}`
  let response: Response
  try {
    response = await fetch(`${apiBase}${path}`, { headers })
  } catch (error) {
    throw unexpected(0, String(error))
  }
  if (!response.ok) throw errorFromResponse(response.status, await response.text())
  const href = URL.createObjectURL(await response.blob())
  const anchor = document.createElement('a')
  anchor.href = href
  anchor.download = fileName
  anchor.click()
  URL.revokeObjectURL(href)
}
