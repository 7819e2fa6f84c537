// Where a page shows an API refusal: beside the field it names, else above the form. The API
// names fields two ways: `invalid_form`-style issues (`details: [{field, message_zh}]`) and
// `invalid_field` whose Chinese message starts with the request's JSON path
// (`字段有误：decisions[0].votes_for：…`, shared/app/src/error.rs `from_deserialize`).
import { ApiError, messageOf } from '../api/client'

export interface PlacedError {
  /** Field name → its message. */
  byField: Record<string, string>
  /** What names no known field (or the whole message when nothing was placed). */
  general: string | null
}

/** The field a request path names, among `fields` (`decisions[0].votes_for` → `votes_for` when
 * that is a field; `first_day` → `first_day`). */
function matchField(path: string, fields: readonly string[]): string | null {
  if (fields.includes(path)) return path
  const last = path.split(/[.[\]]+/).filter(Boolean).pop() ?? ''
  return fields.includes(last) ? last : null
}

/** Places `error` beside one of `fields` when it names one; the rest goes to `general`. */
export function placeError(error: unknown, fields: readonly string[]): PlacedError {
  const byField: Record<string, string> = {}
  if (error instanceof ApiError) {
    for (const issue of error.issues) {
      const field = matchField(issue.field, fields)
      if (field) byField[field] = issue.message_zh
    }
    if (error.code === 'invalid_field') {
      const match = /^字段有误：([^：]+)：(.+)$/s.exec(error.messageZh)
      const field = match?.[1] ? matchField(match[1], fields) : null
      if (field && match?.[2]) byField[field] = match[2]
    }
    const placed = Object.keys(byField).length > 0
    const unplaced = error.issues.filter((issue) => !matchField(issue.field, fields))
    if (placed && unplaced.length === 0) return { byField, general: null }
    if (placed) return { byField, general: unplaced.map((issue) => issue.message_zh).join('；') }
    // Issues that name no field here are still said in their own words, not as the summary.
    if (unplaced.length > 0) return { byField, general: unplaced.map((issue) => issue.message_zh).join('；') }
  }
  return { byField, general: messageOf(error) }
}

/** Shown when `POST /local/sign-in` answers 404: a runner on a non-loopback address without
 * `--expose-dev-sign-in` has the development sign-in off (`dev_sign_in_off`), and anything else
 * answering 404 there has no such sign-in either. */
export const DEV_SIGN_IN_OFF_ZH = '此服务器未开启开发环境登录（仅在本机地址上运行时提供），请联系系统管理员获取登录方式。'

/** What the sign-in page says for a failed development sign-in, in Chinese. */
export function signInFailureZh(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) return DEV_SIGN_IN_OFF_ZH
  return messageOf(error)
}
