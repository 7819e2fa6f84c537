// Confirming a new contact email from the link the API sent to it
// (`<PUBLIC_BASE_URL>/#/email-confirmations/<token>`, shared/app/src/pages.rs). The token works
// once: were it posted again on a re-render or on coming back to the page through the history,
// the second answer ("used") would hide the first ("confirmed"). So each token is posted at most
// once per page load and every later ask shares that first answer, unless the answer never
// arrived or was not the API's (a network failure, a gateway's page): then asking again posts
// again.
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
 * for (see above). Never rejects: a failure is an outcome with its message. */
export function confirmEmail(token: string, post: PostToken = postToken): Promise<ConfirmationOutcome> {
  const key = token.trim()
  const known = outcomes.get(key)
  if (known) return known
  const outcome = post(key).then(
    (answer): ConfirmationOutcome => ({ ok: true, applicationId: answer.application_id, email: answer.email }),
    (error: unknown): ConfirmationOutcome => {
      const retryable = !refusedByApi(error)
      if (retryable) outcomes.delete(key)
      return { ok: false, message: messageOf(error), retryable }
    },
  )
  outcomes.set(key, outcome)
  return outcome
}
