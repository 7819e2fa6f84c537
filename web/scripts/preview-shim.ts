// What `vite preview` adds for scripts/e2e.sh when the local runner in use cannot serve the pages
// (`award-local serve --web DIR`) or lacks `POST /local/sign-in`: both are switched on by
// environment variables that only the e2e script sets, so a plain `vite preview` is untouched.
import { execFile } from 'node:child_process'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin, ProxyOptions } from 'vite'

/** Every top-level segment of the API's route table (shared/app/src/routes.rs) and the runner's
 * blob links and development sign-in. The pages themselves are `/`, `/index.html` and `/assets/`. */
export const API_SEGMENTS = [
  'applications',
  'attachments',
  'blobs',
  'calendar',
  'cycles',
  'email-confirmations',
  'experts',
  'local',
  'notices',
  'objections',
  'public',
  'recommendations',
  'recommenders',
  'register',
  'rewards',
  'reviews',
] as const

/** `AWARD_API_ORIGIN` (e.g. `http://127.0.0.1:40123`): proxy the API paths to that runner. */
export function previewProxy(): Record<string, ProxyOptions> {
  const target = process.env.AWARD_API_ORIGIN
  if (!target) return {}
  return { [`^/(${API_SEGMENTS.join('|')})(/|\\?|$)`]: { target, changeOrigin: false } }
}

interface SignInRequest {
  roles: string[]
  sub: string
  email: string
}

function isSignInRequest(value: unknown): value is SignInRequest {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Record<string, unknown>
  return (
    Array.isArray(candidate.roles) &&
    candidate.roles.length > 0 &&
    candidate.roles.every((role) => typeof role === 'string' && /^[a-z]+$/.test(role)) &&
    typeof candidate.sub === 'string' &&
    candidate.sub.length > 0 &&
    typeof candidate.email === 'string'
  )
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status
  response.setHeader('content-type', 'application/json')
  response.end(JSON.stringify(body))
}

/** The `exp` claim of a JWT as an RFC 3339 UTC instant. */
function expiresAt(token: string): string | null {
  const payload = token.split('.')[1]
  if (!payload) return null
  const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  const exp = (claims as { exp?: unknown }).exp
  return typeof exp === 'number' ? new Date(exp * 1000).toISOString() : null
}

/**
 * `AWARD_LOCAL_MINT_BIN` and `AWARD_LOCAL_MINT_DATA`: answer `POST /local/sign-in`
 * (`{"roles":[…],"sub":"…","email":"…"}` → `{"token":"…","expires_at":"…"}`, the runner's shape)
 * by running `award-local token` against the runner's data folder, so the token is the runner's
 * own. Errors answer in the API's error shape.
 */
export function localSignInShim(): Plugin {
  return {
    name: 'award-local-sign-in-shim',
    configurePreviewServer(server) {
      const bin = process.env.AWARD_LOCAL_MINT_BIN
      const data = process.env.AWARD_LOCAL_MINT_DATA
      if (!bin || !data) return
      server.middlewares.use('/local/sign-in', (request, response) => {
        if (request.method !== 'POST') {
          answer(response, 405, {
            code: 'method_not_allowed',
            message: 'POST only',
            message_zh: '该接口不支持此请求方法。',
          })
          return
        }
        readBody(request)
          .then((text) => {
            const input: unknown = JSON.parse(text)
            if (!isSignInRequest(input)) throw new Error('expected {roles, sub, email}')
            const args = ['token', '--data', data, '--sub', input.sub, '--email', input.email]
            for (const role of input.roles) args.push('--role', role)
            execFile(bin, args, (error, stdout, stderr) => {
              const token = stdout.trim()
              if (error || !token) {
                answer(response, 422, {
                  code: 'invalid_field',
                  message: stderr.trim() || String(error),
                  message_zh: `无法签发登录凭证：${stderr.trim()}`,
                })
                return
              }
              answer(response, 200, { token, expires_at: expiresAt(token) })
            })
          })
          .catch((error: unknown) => {
            answer(response, 400, {
              code: 'invalid_json',
              message: String(error),
              message_zh: '请求体不是有效的 JSON。',
            })
          })
      })
    },
  }
}
