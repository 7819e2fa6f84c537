// The production sign-in in a real browser: the pages read a `config.json` naming an OIDC
// provider and sign in with the authorization code and PKCE (oidc-client-ts). Cognito cannot be
// reached from here, so a stand-in on the loopback plays its hosted UI with Cognito's paths
// (`/oauth2/authorize`, `/oauth2/token`, `/signup`, `/logout`, the discovery document and the
// keys): it signs the person in at once as the test says, checks the PKCE verifier against the
// challenge before it issues an RS256 ID token with `cognito:groups`, and records what it was
// asked. The runner serves the pages and the API, but of the pages only `/` and `/assets/`: the
// browser is handed the deploy step's `config.json` at the pages' address. What this
// proves: the redirect out and back, the code exchange, the roles from the groups, the ID token as
// the API's bearer, the address bar cleaned of the code, sign-out through `/logout`, and
// self-registration through `/signup` landing in the applicant's pages.
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, Runner, screenshots } from './support'

const CLIENT_ID = '4l5a2b7c9d1e3f5g7h9i1j3k5l'
const work = mkdtempSync(join(tmpdir(), 'award-cognito-'))
const runner = new Runner(process.env.AWARD_LOCAL_BIN ?? '', join(work, 'data'))
const screenshot = screenshots('cognito')
let browser: Browser
let base = ''

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url')

/** The hosted UI's stand-in: who signs in next, what it was asked, the tokens it issued. */
class HostedUi {
  readonly server: Server
  readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
  issuer = ''
  /** The next person to sign in (or sign up): subject, email, groups. */
  next = { sub: '', email: '', groups: [] as string[] }
  readonly asked: { path: string; query: Record<string, string> }[] = []
  readonly issued: string[] = []
  private readonly codes = new Map<string, { challenge: string; redirectUri: string; person: HostedUi['next'] }>()

  constructor() {
    this.server = createServer((request, response) => void this.answer(request, response))
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  private idToken(person: HostedUi['next']): string {
    const now = Math.floor(Date.now() / 1000)
    const header = base64url(JSON.stringify({ alg: 'RS256', kid: 'k1', typ: 'JWT' }))
    const claims = base64url(
      JSON.stringify({ iss: this.issuer, aud: CLIENT_ID, sub: person.sub, email: person.email, email_verified: true, 'cognito:groups': person.groups, token_use: 'id', iat: now, auth_time: now, exp: now + 3600 }),
    )
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), this.keys.privateKey as KeyObject)
    return `${header}.${claims}.${base64url(signature)}`
  }

  private async answer(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', this.issuer)
    const query = Object.fromEntries(url.searchParams)
    this.asked.push({ path: url.pathname, query })
    // The pages call the discovery document and the token endpoint from their own origin.
    response.setHeader('access-control-allow-origin', '*')
    response.setHeader('access-control-allow-headers', '*')
    if (request.method === 'OPTIONS') return response.writeHead(204).end()
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(response, 200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/oauth2/authorize`,
        token_endpoint: `${this.issuer}/oauth2/token`,
        userinfo_endpoint: `${this.issuer}/oauth2/userInfo`,
        jwks_uri: `${this.issuer}/.well-known/jwks.json`,
        response_types_supported: ['code', 'token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email', 'phone', 'profile'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      })
    }
    if (url.pathname === '/.well-known/jwks.json') {
      return json(response, 200, { keys: [{ ...this.keys.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] })
    }
    if (url.pathname === '/oauth2/authorize' || url.pathname === '/signup') {
      // Signed in (or registered and confirmed) at once: back to the app with a one-time code.
      const code = randomUUID()
      this.codes.set(code, { challenge: query.code_challenge ?? '', redirectUri: query.redirect_uri ?? '', person: { ...this.next } })
      const back = new URL(query.redirect_uri ?? '')
      back.searchParams.set('code', code)
      back.searchParams.set('state', query.state ?? '')
      return response.writeHead(302, { location: back.toString() }).end()
    }
    if (url.pathname === '/oauth2/token' && request.method === 'POST') {
      let body = ''
      for await (const chunk of request) body += String(chunk)
      const form = new URLSearchParams(body)
      const grant = this.codes.get(form.get('code') ?? '')
      this.codes.delete(form.get('code') ?? '')
      const verifier = form.get('code_verifier') ?? ''
      // RFC 7636 S256: the challenge is the verifier's SHA-256, base64url.
      const proof = base64url(createHash('sha256').update(verifier).digest())
      if (!grant || form.get('grant_type') !== 'authorization_code' || form.get('client_id') !== CLIENT_ID || form.get('redirect_uri') !== grant.redirectUri || proof !== grant.challenge) {
        return json(response, 400, { error: 'invalid_grant' })
      }
      const idToken = this.idToken(grant.person)
      this.issued.push(idToken)
      return json(response, 200, { id_token: idToken, access_token: `access-${randomUUID()}`, refresh_token: `refresh-${randomUUID()}`, token_type: 'Bearer', expires_in: 3600 })
    }
    if (url.pathname === '/logout') return response.writeHead(302, { location: query.logout_uri ?? '/' }).end()
    json(response, 404, { error: 'not_found' })
  }
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

const hostedUi = new HostedUi()

/** A page in a fresh context that finds the deploy step's `config.json` beside the pages. */
async function deployedPage(): Promise<Page> {
  const context = await browser.newContext()
  await context.route(`${base}/config.json`, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ mode: 'cognito', issuer: hostedUi.issuer, user_pool_domain: hostedUi.issuer, client_id: CLIENT_ID, redirect_uri: `${base}/`, api_base: '' }),
    }),
  )
  return context.newPage()
}

beforeAll(async () => {
  expect(process.env.AWARD_LOCAL_BIN ?? '', 'AWARD_LOCAL_BIN (run through scripts/e2e.sh)').not.toBe('')
  await hostedUi.start()
  base = await runner.start(0)
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await runner.stop()
  await new Promise((resolve) => hostedUi.server.close(resolve))
  rmSync(work, { recursive: true, force: true })
})

describe('signing in through the hosted UI (authorization code with PKCE)', () => {
  it("signs a member of the Office in, with the ID token's groups as roles and the ID token as bearer", async () => {
    hostedUi.next = { sub: '3c2f1a9e-0b7d-4e61-9a58-2f6d8e1c7b40', email: 'office@wuwei.example.cn', groups: ['office'] }
    const page = await deployedPage()
    // A staff page sends the signed-out visitor to the sign-in page, which offers the hosted UI.
    await page.goto(`${base}/#/office-notices`)
    await page.locator('[data-testid="cognito-sign-in"]').waitFor()
    await screenshot(page, 'sign-in')
    const bearer = page.waitForRequest((request) => new URL(request.url()).pathname === '/notices')
    await page.locator('[data-testid="cognito-sign-in-button"]').click()

    // Back with the code: exchanged, signed in as the Office, on the page it asked for.
    await expect.poll(() => page.locator('[data-testid="signed-in-as"]').getAttribute('data-account'), { timeout: 15_000 }).toBe('3c2f1a9e-0b7d-4e61-9a58-2f6d8e1c7b40')
    // No name in the ID token: the top bar says the role, never the account id.
    expect(await page.locator('[data-testid="signed-in-as"]').textContent()).toBe('评审委员会办公室')
    await expect.poll(() => new URL(page.url()).hash).toBe('#/office-notices')
    expect(new URL(page.url()).search).toBe('')
    const authorize = hostedUi.asked.find((asked) => asked.path === '/oauth2/authorize')?.query
    expect(authorize).toMatchObject({ client_id: CLIENT_ID, response_type: 'code', redirect_uri: `${base}/`, code_challenge_method: 'S256', scope: 'openid email profile' })
    expect(hostedUi.issued).toHaveLength(1)
    // The API gets the ID token (the HTTP API's JWT authorizer checks it against the app client).
    expect((await bearer).headers().authorization).toBe(`Bearer ${hostedUi.issued[0]}`)
    await screenshot(page, 'signed-in-office')

    // Signing out goes through the hosted UI's /logout and back to the pages, signed out.
    await page.getByRole('button', { name: '退出' }).click()
    await expect.poll(() => hostedUi.asked.some((asked) => asked.path === '/logout' && asked.query.client_id === CLIENT_ID && asked.query.logout_uri === `${base}/`)).toBe(true)
    await expect.poll(() => page.locator('[data-testid="register-link"]').count(), { timeout: 15_000 }).toBe(1)
    expect(await page.locator('[data-testid="signed-in-as"]').count()).toBe(0)
  })

  it('lets an enterprise register itself through the sign-up page and lands it in its applications', async () => {
    hostedUi.next = { sub: '9a0e5b7c-3d21-4f8a-b6c4-1e2d3f4a5b6c', email: 'contact@example.cn', groups: ['applicant'] }
    const page = await deployedPage()
    await page.goto(`${base}/`)
    await page.locator('[data-testid="register-link"]').click()
    await expect.poll(() => page.locator('[data-testid="signed-in-as"]').getAttribute('data-account'), { timeout: 15_000 }).toBe('9a0e5b7c-3d21-4f8a-b6c4-1e2d3f4a5b6c')
    // No name in the ID token: the top bar says the role, never the account id.
    expect(await page.locator('[data-testid="signed-in-as"]').textContent()).toBe('申报单位')
    await expect.poll(() => new URL(page.url()).hash).toBe('#/applicant')
    const signup = hostedUi.asked.find((asked) => asked.path === '/signup')?.query
    expect(signup).toMatchObject({ client_id: CLIENT_ID, response_type: 'code', code_challenge_method: 'S256' })
    expect(hostedUi.issued).toHaveLength(2)
    await screenshot(page, 'registered-applicant')
  })
})
