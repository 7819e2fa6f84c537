import { describe, expect, it } from 'vitest'
import { AuthConfigError, loadAuthConfig, parseAuthConfig, rolesFromGroups, signOutUrl, signUpUrl, type CognitoAuth } from '../src/auth/config'
import { sessionFromIdToken } from '../src/auth/session'

// A deployment's /config.json as the lead's deploy step writes it (Cognito in cn-northwest-1).
const deployed = {
  mode: 'cognito',
  issuer: 'https://cognito-idp.cn-northwest-1.amazonaws.com.cn/cn-northwest-1_Ab12Cd34E',
  user_pool_domain: 'https://wuwei-award.auth.cn-northwest-1.amazoncognito.com',
  client_id: '4l5a2b7c9d1e3f5g7h9i1j3k5l',
  redirect_uri: 'https://award.wuwei.example.cn/',
  api_base: 'https://api.award.wuwei.example.cn/',
}

describe('config.json', () => {
  it('reads a Cognito deployment, with the defaults it leaves out', () => {
    expect(parseAuthConfig(deployed)).toEqual({
      mode: 'cognito',
      issuer: 'https://cognito-idp.cn-northwest-1.amazonaws.com.cn/cn-northwest-1_Ab12Cd34E',
      userPoolDomain: 'https://wuwei-award.auth.cn-northwest-1.amazoncognito.com',
      clientId: '4l5a2b7c9d1e3f5g7h9i1j3k5l',
      redirectUri: 'https://award.wuwei.example.cn/',
      logoutUri: 'https://award.wuwei.example.cn/',
      apiBase: 'https://api.award.wuwei.example.cn',
      scope: 'openid email profile',
    })
  })

  it('takes a bare hosted-UI host as https, and keeps a given sign-out URL and scope', () => {
    const parsed = parseAuthConfig({
      ...deployed,
      user_pool_domain: 'login.award.wuwei.example.cn',
      logout_uri: 'https://www.wuwei.gov.example.cn/',
      scope: 'openid email',
      api_base: '',
    })
    expect(parsed).toMatchObject({ userPoolDomain: 'https://login.award.wuwei.example.cn', logoutUri: 'https://www.wuwei.gov.example.cn/', scope: 'openid email', apiBase: '' })
  })

  it('is the development sign-in when it says local or names no mode', () => {
    expect(parseAuthConfig({ mode: 'local' })).toEqual({ mode: 'local', apiBase: '' })
    expect(parseAuthConfig({})).toEqual({ mode: 'local', apiBase: '' })
  })

  it('names every field it cannot use, and never falls back to the development sign-in', () => {
    let caught: unknown = null
    try {
      parseAuthConfig({ mode: 'cognito', issuer: 'http://cognito-idp.example.com/pool', user_pool_domain: 'https://x.example.com/login', client_id: 'not an id!', scope: 'email' })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(AuthConfigError)
    const problems = (caught as AuthConfigError).problems.map((problem) => problem.split(' ')[0])
    expect(problems).toEqual(['issuer', 'user_pool_domain', 'client_id', 'redirect_uri', 'scope'])
  })

  it('refuses an unknown mode, a non-object, and http outside the loopback', () => {
    expect(() => parseAuthConfig({ mode: 'saml' })).toThrow(AuthConfigError)
    expect(() => parseAuthConfig([deployed])).toThrow(AuthConfigError)
    expect(() => parseAuthConfig(null)).toThrow(AuthConfigError)
    expect(() => parseAuthConfig({ ...deployed, redirect_uri: 'http://award.wuwei.example.cn/' })).toThrow(/redirect_uri/)
    expect(() => parseAuthConfig({ ...deployed, redirect_uri: 'https://award.wuwei.example.cn/?x=1' })).toThrow(/redirect_uri/)
    expect(parseAuthConfig({ ...deployed, redirect_uri: 'http://localhost:5173/' })).toMatchObject({ redirectUri: 'http://localhost:5173/' })
  })
})

describe('loading config.json', () => {
  const answer = (status: number, body: string, contentType = 'application/json') =>
    (async () => new Response(status === 204 ? null : body, { status, headers: { 'content-type': contentType } })) as unknown as typeof fetch

  it('is the development sign-in where the file is absent', async () => {
    // 404; 403 (S3 through CloudFront); 401 (the local runner's API); a page served in its place.
    for (const status of [404, 403, 401]) expect(await loadAuthConfig(answer(status, '{"code":"x"}'))).toEqual({ mode: 'local', apiBase: '' })
    expect(await loadAuthConfig(answer(200, '<!doctype html>', 'text/html'))).toEqual({ mode: 'local', apiBase: '' })
  })

  it('reads the file when it is there', async () => {
    expect(await loadAuthConfig(answer(200, JSON.stringify(deployed)))).toMatchObject({ mode: 'cognito', clientId: deployed.client_id })
  })

  it('fails on a server error or a broken file', async () => {
    await expect(loadAuthConfig(answer(500, 'oops', 'text/plain'))).rejects.toThrow(/answered 500/)
    await expect(loadAuthConfig(answer(200, '{"mode": "cognito",'))).rejects.toThrow(/not JSON/)
  })
})

describe('roles from the ID token', () => {
  it("reads Cognito's array of groups, each role once, in the roles' order", () => {
    expect(rolesFromGroups(['office', 'applicant', 'office'])).toEqual(['applicant', 'office'])
  })

  it("reads API Gateway's flattened form too", () => {
    expect(rolesFromGroups('[office applicant]')).toEqual(['applicant', 'office'])
    expect(rolesFromGroups('[finance]')).toEqual(['finance'])
  })

  it('gives no role for other groups, no groups, or a claim of another shape', () => {
    expect(rolesFromGroups(['admins', 'us-east-1_Ab12Cd34E_Google'])).toEqual([])
    expect(rolesFromGroups(undefined)).toEqual([])
    expect(rolesFromGroups(42)).toEqual([])
    expect(rolesFromGroups(['Office'])).toEqual([])
  })

  it('makes the session from the ID token: its groups, its email, its expiry', () => {
    const session = sessionFromIdToken('header.payload.signature', {
      sub: '3c2f1a9e-0b7d-4e61-9a58-2f6d8e1c7b40',
      email: 'contact@example.cn',
      exp: 1_796_083_200,
      'cognito:groups': ['applicant'],
    })
    expect(session).toEqual({
      token: 'header.payload.signature',
      roles: ['applicant'],
      sub: '3c2f1a9e-0b7d-4e61-9a58-2f6d8e1c7b40',
      email: 'contact@example.cn',
      expires_at: '2026-12-01T00:00:00.000Z',
    })
    expect(sessionFromIdToken('t', { sub: 's' })).toMatchObject({ roles: [], email: '', expires_at: null })
  })
})

describe('the hosted UI', () => {
  const cognito = parseAuthConfig(deployed) as CognitoAuth

  it('signs up with the sign-in request itself (state and PKCE challenge kept)', () => {
    const authorize =
      'https://wuwei-award.auth.cn-northwest-1.amazoncognito.com/oauth2/authorize?client_id=4l5a2b7c9d1e3f5g7h9i1j3k5l&redirect_uri=https%3A%2F%2Faward.wuwei.example.cn%2F&response_type=code&scope=openid+email+profile&state=abc&code_challenge=xyz&code_challenge_method=S256'
    const url = new URL(signUpUrl(authorize))
    expect(url.origin + url.pathname).toBe('https://wuwei-award.auth.cn-northwest-1.amazoncognito.com/signup')
    expect(url.search).toBe(new URL(authorize).search)
  })

  it("signs out at Cognito's /logout, back to the sign-out URL", () => {
    const url = new URL(signOutUrl(cognito))
    expect(url.origin + url.pathname).toBe('https://wuwei-award.auth.cn-northwest-1.amazoncognito.com/logout')
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: cognito.clientId, logout_uri: 'https://award.wuwei.example.cn/' })
  })
})
