// Confirming a new contact email from the link the API sent to it
// (`<PUBLIC_BASE_URL>/#/email-confirmations/<token>`, shared/app/src/pages.rs). The token works
// once: were it posted again on a re-render or on coming back to the page through the history,
// the second answer ("used") would hide the first ("confirmed"). So each token is posted at most
// once per page load and every later ask shares that first answer, unless the answer never
// arrived or was not the API's (a network failure, a gateway's page): then asking again posts
// again. A success is also kept in the tab's sessionStorage, so reloading the page after it shows
// the success again rather than the API's "used" (a refusal is not kept: it is asked again).
import { api, ApiError, messageOf } from '../api/client'

/** `POST /email-confirmations`'s answer: the application whose notices now go to `email`. */
export interface EmailConfirmed {
  application_id: string
  email: string
}

export type ConfirmationOutcome =
  | { ok: true; applicationId: string; email: string }
  | {
      ok: false
      /** The Chinese message to show (the API's own for its refusals). */
      message: string
      /** A try again may succeed: the API did not refuse the token itself. */
      retryable: boolean
    }

export type PostToken = (token: string) => Promise<EmailConfirmed>

const postToken: PostToken = (token) => api<EmailConfirmed>('POST', '/email-confirmations', { token })

const outcomes = new Map<string, Promise<ConfirmationOutcome>>()

/** Where a success outlives the page load: the tab's session (null where there is none). */
export type SuccessStore = Pick<Storage, 'getItem' | 'setItem'> | null

const STORE_PREFIX = 'award.email-confirmed.'

function sessionStore(): SuccessStore {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage
  } catch {
    // Storage disabled by the browser's settings: the page load's memory alone.
    return null
  }
}

function remembered(store: SuccessStore, token: string): ConfirmationOutcome | null {
  try {
    const kept: unknown = JSON.parse(store?.getItem(STORE_PREFIX + token) ?? 'null')
    if (typeof kept !== 'object' || kept === null) return null
    const { applicationId, email } = kept as Record<string, unknown>
    return typeof applicationId === 'string' && typeof email === 'string' ? { ok: true, applicationId, email } : null
  } catch {
    return null
  }
}

function remember(store: SuccessStore, token: string, outcome: ConfirmationOutcome) {
  if (!outcome.ok) return
  try {
    store?.setItem(STORE_PREFIX + token, JSON.stringify({ applicationId: outcome.applicationId, email: outcome.email }))
  } catch {
    // Full or disabled: the success still shows until the page is reloaded.
  }
}

/** Whether the API answered for the token itself (unknown, used, expired: a 4xx with its code),
 * rather than the request failing on the way. A rate limit (429) passes. */
function refusedByApi(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.code !== 'unexpected_response' &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 429
  )
}

/** Confirms the address `token` was sent to, posting the token only the first time it is asked
 * for in this tab (see above). Never rejects: a failure is an outcome with its message. */
export function confirmEmail(
  token: string,
  post: PostToken = postToken,
  store: SuccessStore = sessionStore(),
): Promise<ConfirmationOutcome> {
  const key = token.trim()
  const known = outcomes.get(key)
  if (known) return known
  const kept = remembered(store, key)
  if (kept) {
    const outcome = Promise.resolve(kept)
    outcomes.set(key, outcome)
    return outcome
  }
  const outcome = post(key).then(
    (answer): ConfirmationOutcome => {
      const confirmed: ConfirmationOutcome = { ok: true, applicationId: answer.application_id, email: answer.email }
      remember(store, key, confirmed)
      return confirmed
    },
    (error: unknown): ConfirmationOutcome => {
      const retryable = !refusedByApi(error)
      if (retryable) outcomes.delete(key)
      return { ok: false, message: messageOf(error), retryable }
    },
  )
  outcomes.set(key, outcome)
  return outcome
}
