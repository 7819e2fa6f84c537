// How the pages sign people in, read at run time from `/config.json` beside the pages, so one
// build serves every deployment: the local runner's development sign-in (no file, or
// `{"mode": "local"}`), or Cognito's hosted UI with the authorization code flow and PKCE.
import type { Role } from '../api/types'

/** The local runner: the development sign-in (`POST /local/sign-in`), the API same-origin. */
export interface LocalAuth {
  mode: 'local'
  /** The API's origin; `''`: same-origin. */
  apiBase: string
}

/** Cognito's hosted UI (OIDC authorization code with PKCE). */
export interface CognitoAuth {
  mode: 'cognito'
  /** The user pool's issuer, `https://cognito-idp.{region}.amazonaws.com[.cn]/{pool id}`: its
   * `/.well-known/openid-configuration` names the hosted UI's endpoints. */
  issuer: string
  /** The hosted UI's origin, `https://{prefix}.auth.{region}.amazoncognito.com` or a custom
   * domain: sign-up (`/signup`) and sign-out (`/logout`), which the discovery document omits. */
  userPoolDomain: string
  /** The app client (no secret); also the audience of the HTTP API's JWT authorizer. */
  clientId: string
  /** Where the hosted UI returns with the code: one of the app client's callback URLs. */
  redirectUri: string
  /** Where the hosted UI returns after sign-out: one of the app client's sign-out URLs. */
  logoutUri: string
  /** The API's origin (API Gateway's or its custom domain); `''`: same-origin. */
  apiBase: string
  /** The scopes asked for; the ID token needs `openid`, its `email` claim needs `email`. */
  scope: string
}

export type AuthConfig = LocalAuth | CognitoAuth

/** `/config.json` says something the pages cannot use; `problems` names each field. */
export class AuthConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`config.json: ${problems.join('; ')}`)
    this.name = 'AuthConfigError'
  }
}

const LOCAL: LocalAuth = { mode: 'local', apiBase: '' }

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]'
}

/** An absolute URL, https (http only on the loopback, for a local try), without a trailing slash
 * unless `keepPath`; null when `value` is not one. */
function httpsUrl(value: unknown, keepPath = false): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) return null
  if (url.search || url.hash || url.username || url.password) return null
  const text = url.toString()
  return keepPath ? text : text.replace(/\/+$/, '')
}

/**
 * Reads `/config.json`'s JSON. `mode` `"local"` (or absent with no Cognito field) → the
 * development sign-in; `"cognito"` → every field checked: `issuer`, `user_pool_domain` (a bare
 * host is taken as https), `client_id` (Cognito's alphanumeric id), `redirect_uri`, optional
 * `logout_uri` (default: `redirect_uri`), optional `api_base` (default: same-origin), optional
 * `scope` (default `openid email profile`). Throws `AuthConfigError` naming every problem.
 */
export function parseAuthConfig(json: unknown): AuthConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new AuthConfigError(['not a JSON object'])
  const raw = json as Record<string, unknown>
  const mode = raw.mode ?? 'local'
  const problems: string[] = []
  const apiBase = raw.api_base === undefined || raw.api_base === '' ? '' : httpsUrl(raw.api_base)
  if (apiBase === null) problems.push('api_base must be an https URL (or empty for same-origin)')
  if (mode === 'local') {
    if (problems.length) throw new AuthConfigError(problems)
    return { ...LOCAL, apiBase: apiBase ?? '' }
  }
  if (mode !== 'cognito') throw new AuthConfigError([`mode must be "local" or "cognito", not ${JSON.stringify(mode)}`])

  const issuer = httpsUrl(raw.issuer)
  if (!issuer) problems.push('issuer must be the user pool\'s https issuer URL')
  const domainText = typeof raw.user_pool_domain === 'string' && !raw.user_pool_domain.includes('://') ? `https://${raw.user_pool_domain}` : raw.user_pool_domain
  const userPoolDomain = httpsUrl(domainText)
  if (!userPoolDomain || new URL(userPoolDomain).pathname !== '/') problems.push('user_pool_domain must be the hosted UI\'s domain (https, no path)')
  const clientId = typeof raw.client_id === 'string' ? raw.client_id.trim() : ''
  if (!/^[A-Za-z0-9]{1,128}$/.test(clientId)) problems.push('client_id must be the app client id (letters and digits)')
  const redirectUri = httpsUrl(raw.redirect_uri, true)
  if (!redirectUri) problems.push('redirect_uri must be an https URL (one of the app client\'s callback URLs)')
  const logoutUri = raw.logout_uri === undefined ? redirectUri : httpsUrl(raw.logout_uri, true)
  if (!logoutUri && raw.logout_uri !== undefined) problems.push('logout_uri must be an https URL (one of the app client\'s sign-out URLs)')
  const scope = raw.scope === undefined ? 'openid email profile' : typeof raw.scope === 'string' ? raw.scope.trim() : ''
  if (!scope.split(/\s+/).includes('openid')) problems.push('scope must include openid')
  if (problems.length || !issuer || !userPoolDomain || !redirectUri || !logoutUri) throw new AuthConfigError(problems)
  return { mode: 'cognito', issuer, userPoolDomain, clientId, redirectUri, logoutUri, apiBase: apiBase ?? '', scope }
}

/** Answers that mean "no `/config.json` here": 404; 403, S3's answer through CloudFront for a
 * missing object; 401, the local runner's API answering a path it does not serve. */
const ABSENT = new Set([401, 403, 404])

/**
 * Fetches and parses `config.json` beside the pages. Absent (see `ABSENT`, or a page served in
 * its place: an answer that is not JSON) → the development sign-in. Any other failure, or a file
 * that does not parse, throws `AuthConfigError` (a deployment that names Cognito must never fall
 * back to the development sign-in).
 */
export async function loadAuthConfig(fetcher: typeof fetch = fetch): Promise<AuthConfig> {
  const response = await fetcher('config.json', { cache: 'no-store', headers: { accept: 'application/json' } })
  if (ABSENT.has(response.status)) return LOCAL
  if (!response.ok) throw new AuthConfigError([`answered ${response.status}`])
  if (!(response.headers.get('content-type') ?? '').includes('json')) return LOCAL
  let json: unknown
  try {
    json = await response.json()
  } catch {
    throw new AuthConfigError(['not JSON'])
  }
  return parseAuthConfig(json)
}

const ROLES: readonly Role[] = ['applicant', 'recommender', 'office', 'expert', 'committee', 'finance']

/**
 * The roles in an ID token's `cognito:groups` claim: a JSON array of group names (as Cognito
 * issues it), or the flattened `"[office applicant]"` form API Gateway passes on. The user pool's
 * groups are named as the roles (infra/template.yaml); any other group gives no role. In the
 * roles' own order, each once.
 */
export function rolesFromGroups(claim: unknown): Role[] {
  let names: string[] = []
  if (Array.isArray(claim)) names = claim.filter((name): name is string => typeof name === 'string')
  else if (typeof claim === 'string')
    names = claim
      .trim()
      .replace(/^\[|\]$/g, '')
      .split(/[\s,]+/)
  const given = new Set(names.map((name) => name.trim()))
  return ROLES.filter((role) => given.has(role))
}

/**
 * The hosted UI's sign-up page (`/signup`) for an authorization request built for `/oauth2/authorize`:
 * the same query (client, callback, scopes, state, PKCE challenge), so the code that comes back
 * after sign-up completes like a sign-in. Self-registered users are put in the applicant group by
 * the user pool. Throws a `TypeError` on a URL that does not parse.
 */
export function signUpUrl(authorizeUrl: string): string {
  const url = new URL(authorizeUrl)
  url.pathname = '/signup'
  return url.toString()
}

/** The hosted UI's sign-out (Cognito's `/logout`: the discovery document has no end-session
 * endpoint), returning to `logoutUri`. */
export function signOutUrl(config: CognitoAuth): string {
  const query = new URLSearchParams({ client_id: config.clientId, logout_uri: config.logoutUri })
  return `${config.userPoolDomain}/logout?${query.toString()}`
}
