// The one place that knows how people sign in, chosen at run time by `/config.json` (see
// config.ts): the local runner's development sign-in (`POST /local/sign-in`, pick a role, a
// subject and an email, or one of a demo's accounts from `GET /local/accounts`), or Cognito's
// hosted UI through oidc-client-ts (authorization code with PKCE), whose ID token is the API's
// bearer (the HTTP API's JWT authorizer takes the app client id as audience) and whose
// `cognito:groups` claim gives the roles. The rest of the pages only call `currentToken`,
// `session`, `hasRole`, `signOut` and the sign-in page's functions.
import { computed, ref } from 'vue'
import type { UserManager } from 'oidc-client-ts'
import type { LocalAccount, LocalSignIn, LocalToken } from '../api/local'
import type { Role } from '../api/types'
import { api, ApiError, setApiBase } from '../api/client'
import { parseLocalAccounts } from '../lib/demo-accounts'
import { loadAuthConfig, rolesFromGroups, signOutUrl, signUpUrl, type AuthConfig, type CognitoAuth } from './config'

export interface Session {
  token: string
  roles: Role[]
  sub: string
  email: string
  /** The person's or organisation's name where known (a demo account's, the ID token's `name`),
   * shown in the top bar instead of the account id. */
  name?: string
  /** UTC instant, when the issuer said. */
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

function keep(signedIn: Session): Session {
  globalThis.sessionStorage?.setItem(STORAGE_KEY, JSON.stringify(signedIn))
  state.value = signedIn
  return signedIn
}

const state = ref<Session | null>(load())
const config = ref<AuthConfig>({ mode: 'local', apiBase: '' })

/** The signed-in person, or null. */
export const session = computed(() => state.value)

/** How this deployment signs people in (`local` until `initAuth` has read `/config.json`). */
export const authMode = computed(() => config.value.mode)

/** The bearer token for API calls, or null (public pages). */
export function currentToken(): string | null {
  const current = state.value
  if (!current) return null
  if (current.expires_at && Date.parse(current.expires_at) <= Date.now()) {
    forget()
    return null
  }
  return current.token
}

export function hasRole(role: Role): boolean {
  return state.value?.roles.includes(role) ?? false
}

/** Signs in through the local runner's development sign-in. Rejects with the API's error. */
export async function signInLocal(input: LocalSignIn, name?: string): Promise<Session> {
  const answer = await api<LocalToken>('POST', '/local/sign-in', input)
  return keep({ token: answer.token, roles: input.roles, sub: input.sub, email: input.email, name, expires_at: answer.expires_at })
}

/** What the development sign-in page reads first: the demo's accounts, and whether this server
 * has the development sign-in off (`GET /local/accounts` answers 404 `dev_sign_in_off`, as
 * `POST /local/sign-in` would), so the page can say so before offering a form that cannot work. */
export async function localSignInState(): Promise<{ accounts: LocalAccount[]; off: boolean }> {
  try {
    return { accounts: parseLocalAccounts(await api<unknown>('GET', '/local/accounts')), off: false }
  } catch (error) {
    return { accounts: [], off: error instanceof ApiError && error.status === 404 && error.code === 'dev_sign_in_off' }
  }
}

function forget(): void {
  globalThis.sessionStorage?.removeItem(STORAGE_KEY)
  state.value = null
}

/** Signs out here; with Cognito, also at the hosted UI (which then returns to `logout_uri`). */
export function signOut(): void {
  forget()
  const current = config.value
  if (current.mode === 'cognito') {
    void manager?.removeUser()
    globalThis.location?.assign(signOutUrl(current))
  }
}

// --- Cognito's hosted UI ------------------------------------------------------------------------

/** The ID token's claims the pages use. */
export interface IdTokenClaims {
  sub: string
  email?: unknown
  name?: unknown
  exp?: unknown
  'cognito:groups'?: unknown
}

/** The session an ID token gives: its groups as roles, its `exp` (seconds) as the expiry. */
export function sessionFromIdToken(idToken: string, claims: IdTokenClaims): Session {
  return {
    token: idToken,
    roles: rolesFromGroups(claims['cognito:groups']),
    sub: claims.sub,
    email: typeof claims.email === 'string' ? claims.email : '',
    ...(typeof claims.name === 'string' && claims.name ? { name: claims.name } : {}),
    expires_at: typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : null,
  }
}

// The OIDC client is loaded only where Cognito is configured: the public entry stays small and
// the local runner never loads it.
let manager: UserManager | null = null

/** The OIDC client's settings for `cognito`: sign-in and sign-up requests share them, the state
 * store included, so the callback finds either. */
function settingsFor(cognito: CognitoAuth, store: typeof import('oidc-client-ts').WebStorageStateStore) {
  return {
    authority: cognito.issuer,
    client_id: cognito.clientId,
    redirect_uri: cognito.redirectUri,
    post_logout_redirect_uri: cognito.logoutUri,
    response_type: 'code',
    scope: cognito.scope,
    // The ID token carries the groups and the email; no userinfo call is needed.
    loadUserInfo: false,
    userStore: new store({ store: globalThis.sessionStorage }),
    stateStore: new store({ store: globalThis.sessionStorage }),
  }
}

async function userManager(cognito: CognitoAuth): Promise<UserManager> {
  if (manager) return manager
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts')
  manager = new UserManager(settingsFor(cognito, WebStorageStateStore))
  return manager
}

/** Where to go after signing in, carried through the hosted UI in the request's state. */
interface ReturnState {
  redirect: string | null
}

/** Sends the browser to the hosted UI's sign-in; `redirect` is the page to return to. */
export async function signInWithCognito(redirect: string | null): Promise<void> {
  const current = config.value
  if (current.mode !== 'cognito') throw new Error('Cognito sign-in is not configured')
  const state: ReturnState = { redirect }
  await (await userManager(current)).signinRedirect({ state })
}

/** Sends the browser to the hosted UI's sign-up (enterprises register themselves), with the same
 * PKCE request as a sign-in so the code that comes back completes it. */
export async function registerWithCognito(): Promise<void> {
  const current = config.value
  if (current.mode !== 'cognito') throw new Error('Cognito sign-up is not configured')
  const { OidcClient, WebStorageStateStore } = await import('oidc-client-ts')
  // `si:r`: the request type of a redirect sign-in, which the manager's callback expects.
  const request = await new OidcClient(settingsFor(current, WebStorageStateStore)).createSigninRequest({
    state: { redirect: '/applicant' } satisfies ReturnState,
    request_type: 'si:r',
  })
  globalThis.location.assign(signUpUrl(request.url))
}

/**
 * Reads `/config.json` (absent: the development sign-in), points the API client at its base and,
 * with Cognito, completes a return from the hosted UI (`?code=…&state=…` on the page's URL).
 * Answers the page to open after a sign-in, or null. Rejects when the configuration or the
 * callback fails: the caller shows it.
 */
export async function initAuth(): Promise<string | null> {
  config.value = await loadAuthConfig()
  setApiBase(config.value.apiBase)
  const current = config.value
  if (current.mode !== 'cognito') return null
  const url = new URL(globalThis.location.href)
  if (!url.searchParams.has('code') || !url.searchParams.has('state')) return null
  const user = await (await userManager(current)).signinRedirectCallback(url.toString())
  // The code and state are spent: keep them out of the address bar and the history.
  url.search = ''
  globalThis.history.replaceState(null, '', url.toString())
  if (!user.id_token) throw new Error('the hosted UI answered without an ID token')
  keep(sessionFromIdToken(user.id_token, user.profile as IdTokenClaims))
  return (user.state as ReturnState | undefined)?.redirect ?? null
}

/** Why the sign-in could not be set up (a broken `/config.json`, a failed callback), or null. */
export const authError = ref<string | null>(null)
let ready: Promise<string | null> | null = null

/** `initAuth` once; its failure kept in `authError` (the public pages still open). */
export function authReady(): Promise<string | null> {
  ready ??= initAuth().catch((error: unknown) => {
    authError.value = `登录配置或统一身份认证回调失败：${error instanceof Error ? error.message : String(error)}`
    return null
  })
  return ready
}
