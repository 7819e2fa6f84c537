// The one place that knows how people sign in. Locally: the runner's development sign-in
// (`POST /local/sign-in`, pick a role, a subject and an email). In production this module is
// where oidc-client-ts (authorization code + PKCE against Cognito) goes: the rest of the pages
// only call `currentToken`, `session`, `hasRole`, `signOut` and the sign-in page.
import { computed, ref } from 'vue'
import type { LocalSignIn, LocalToken, Role } from '../api/types'
import { api } from '../api/client'

export interface Session {
  token: string
  roles: Role[]
  sub: string
  email: string
  /** UTC instant, when the runner said. */
  expires_at: Instant | null
}

type Instant = string

// sessionStorage: a token lives as long as the tab, and is not shared with other tabs.
const STORAGE_KEY = 'award.session'

function load(): Session | null {
  try {
    const text = globalThis.sessionStorage?.getItem(STORAGE_KEY)
    if (!text) return null
    const stored = JSON.parse(text) as Session
    if (stored.expires_at && Date.parse(stored.expires_at) <= Date.now()) return null
    return stored
  } catch {
    return null
  }
}

const state = ref<Session | null>(load())

/** The signed-in person, or null. */
export const session = computed(() => state.value)

/** The bearer token for API calls, or null (public pages). */
export function currentToken(): string | null {
  const current = state.value
  if (!current) return null
  if (current.expires_at && Date.parse(current.expires_at) <= Date.now()) {
    signOut()
    return null
  }
  return current.token
}

export function hasRole(role: Role): boolean {
  return state.value?.roles.includes(role) ?? false
}

/** Signs in through the local runner's development sign-in. Rejects with the API's error. */
export async function signInLocal(input: LocalSignIn): Promise<Session> {
  const answer = await api<LocalToken>('POST', '/local/sign-in', input)
  const signedIn: Session = {
    token: answer.token,
    roles: input.roles,
    sub: input.sub,
    email: input.email,
    expires_at: answer.expires_at,
  }
  globalThis.sessionStorage?.setItem(STORAGE_KEY, JSON.stringify(signedIn))
  state.value = signedIn
  return signedIn
}

export function signOut(): void {
  globalThis.sessionStorage?.removeItem(STORAGE_KEY)
  state.value = null
}
