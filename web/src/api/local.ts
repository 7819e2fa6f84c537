// The local runner's own sign-in (infra/local: `award-local serve`), which is not part of the API
// and so not in docs/openapi.json; the API's types are generated (./types.ts).
import type { Role } from './types'

/** `POST /local/sign-in` (the local runner only). */
export interface LocalSignIn {
  roles: Role[]
  sub: string
  email: string
}

export interface LocalToken {
  token: string
  /** RFC 3339 UTC instant. */
  expires_at: string | null
}

/** One of the accounts a demo's data folder was played with (`GET /local/accounts`). */
export interface LocalAccount {
  role: Role
  sub: string
  email: string
  /** The person or body the account acts for (the enterprise, for an applicant). */
  name: string
}

/** `GET /local/accounts` (the local runner only): empty unless the data folder holds a demo. */
export interface LocalAccounts {
  accounts: LocalAccount[]
}
