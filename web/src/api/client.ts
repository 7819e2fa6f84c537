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

/** The API's Chinese messages that address a program rather than a person ("详见 details", a
 * route such as `GET /calendar/2027`, a request's JSON path), said as the pages say them. The
 * details those messages point at are shown by the pages themselves (the form's fields, the
 * screening's conditions…). */
const PAGE_MESSAGES_ZH: Record<string, string> = {
  invalid_form: '申报表有填写错误，请查看各字段下方的提示。',
  submission_incomplete: '申报尚不完整，不能提交，请查看下方列出的缺少内容。',
  invalid_register_rows: '登记簿导入文件有错误，未导入任何记录。',
  screening_unsettled: '资格审查仍有待人工核查的条件，请先逐项记录核查结论。',
  invalid_expert: '专家信息有误，请查看各字段下方的提示。',
  expert_conflicted: '该专家与申报单位存在利害关系，应当回避（办法第十九条）。',
  assignment_infeasible: '无法按规则完成专家抽取：部分申报回避后可抽取的专家人数不足，请先充实专家库。',
  review_incomplete: '仍有申报尚未完成评审，请待各评审组完成评分并汇总后再办理。',
  deliberation_list_mismatch: '审议结果须与候选名单逐一对应：每个候选单位都须作出决定，且不得包含候选名单以外的单位。请刷新页面后重新填写。',
  list_changed: '名单与按评审细则计算的结果不一致，请刷新页面后重新确认。',
  holiday_year_loaded: '该年度的节假日安排已在系统中；尚无公示期使用前可以更正。',
}

/** What a person reads for the API's refusal `code` with its Chinese message `messageZh`: the
 * page's wording where the API's names a program's details, else the API's own without them. */
export function pageMessageZh(code: string, messageZh: string): string {
  const own = PAGE_MESSAGES_ZH[code]
  if (own) return own
  let text = messageZh
  if (code === 'invalid_field' || code === 'invalid_query') {
    // `字段有误：decisions[0].votes_for：应为非负整数` names the request's JSON path.
    const [head, ...rest] = text.split('：')
    const detail = rest.length > 1 ? rest.slice(1).join('：') : rest.join('：')
    text = `${code === 'invalid_query' ? '查询条件' : '填写内容'}有误：${detail || head}`
      .replace(/缺少必填字段\s*\S+/, '缺少必填内容')
      .replace(/不接受字段\s*\S+/, '包含不接受的内容')
      .replace(/取值\s*\S+\s*不在可选范围内（[^）]*）/, '所选的值不在可选范围内')
  }
  return text
    .replace(/（[^（）]*\b(?:GET|POST|PUT|PATCH|DELETE) \/[^（）]*）/g, '')
    .replace(/[，,]?\s*[（(]?详见\s*details[^。）)]*[）)]?/g, '')
    .replace(/details(?:\.\w+)?\s*所列/g, '所列')
}

/** The Chinese message to show for any error a page caught. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return pageMessageZh(error.code, error.messageZh)
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

/** Sends `body` as is (a CSV file: `POST /register/import`) with its `contentType`, answered in
 * JSON as `api` answers. */
export async function apiRaw<T>(method: Method, path: string, body: string | Blob, contentType: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': contentType }
  const token = currentToken()
  if (token) headers.authorization = `Bearer ${token}`
  let response: Response
  try {
    response = await fetch(`${apiBase}${path}`, { method, headers, body })
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
