import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LocalAccount } from '../src/api/local'
import { localSignInState } from '../src/auth/session'
import { accountLabel, accountsOfRole, defaultSignIn, parseLocalAccounts } from '../src/lib/demo-accounts'

// Part of what `GET /local/accounts` answers on a demo's data folder.
const demo: LocalAccount[] = [
  { role: 'office', sub: 'office-1', email: 'office@wuwei.example.cn', name: '评审委员会办公室（市市场监管局）' },
  { role: 'recommender', sub: 'recommender-1', email: 'liangzhou@wuwei.example.cn', name: '凉州区质量发展领导小组办公室' },
  { role: 'recommender', sub: 'recommender-2', email: 'gxj@wuwei.example.cn', name: '武威市工业和信息化局' },
  { role: 'applicant', sub: 'applicant-1', email: 'zhaoting@tianyuan-dairy.example.cn', name: '武威天垣乳业有限公司' },
  { role: 'applicant', sub: 'applicant-4', email: 'hengguang@example.cn', name: '古浪恒光新能源装备有限公司' },
]

describe("the development sign-in's demo accounts", () => {
  it('offers the accounts of the chosen role only, in the order listed', () => {
    expect(accountsOfRole(demo, 'recommender').map((account) => account.sub)).toEqual(['recommender-1', 'recommender-2'])
    expect(accountsOfRole(demo, 'applicant').map((account) => account.sub)).toEqual(['applicant-1', 'applicant-4'])
    expect(accountsOfRole(demo, 'expert')).toEqual([])
  })

  it('shows an account as its name with the subject in full-width brackets', () => {
    expect(accountLabel(demo[3]!)).toBe('武威天垣乳业有限公司（applicant-1）')
  })

  it("starts a role from its first demo account, or from a made-up one without", () => {
    expect(defaultSignIn(demo, 'recommender')).toEqual({ sub: 'recommender-1', email: 'liangzhou@wuwei.example.cn' })
    expect(defaultSignIn(demo, 'applicant')).toEqual({ sub: 'applicant-1', email: 'zhaoting@tianyuan-dairy.example.cn' })
    // A role the demo has no account in, and no demo at all: as the page always did.
    expect(defaultSignIn(demo, 'finance')).toEqual({ sub: 'finance-1', email: 'finance@example.cn' })
    expect(defaultSignIn([], 'office')).toEqual({ sub: 'office-1', email: 'office@example.cn' })
  })

  it('keeps only well-formed accounts of known roles from an answer', () => {
    expect(parseLocalAccounts({ accounts: demo })).toEqual(demo)
    expect(parseLocalAccounts({ accounts: [] })).toEqual([])
    const mixed = {
      accounts: [
        demo[0],
        { role: 'auditor', sub: 'auditor-1', email: 'a@example.cn', name: '审计' },
        { role: 'toString', sub: 'x', email: 'x@example.cn', name: 'x' },
        { role: 'expert', sub: ' ', email: 'e@example.cn', name: '王志刚' },
        { role: 'expert', sub: 'expert-1', email: 'e@example.cn' },
        'expert-2',
        null,
        demo[2],
      ],
    }
    expect(parseLocalAccounts(mixed)).toEqual([demo[0], demo[2]])
    expect(parseLocalAccounts(null)).toEqual([])
    expect(parseLocalAccounts('<!doctype html>')).toEqual([])
    expect(parseLocalAccounts({ accounts: 'applicant-1' })).toEqual([])
    expect(parseLocalAccounts([demo])).toEqual([])
  })
})

describe('GET /local/accounts', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  function answering(response: () => Promise<Response>) {
    const fetch = vi.fn((_url: string, _init?: RequestInit) => response())
    vi.stubGlobal('fetch', fetch)
    return fetch
  }

  it("reads a demo's accounts from the runner", async () => {
    const fetch = answering(async () => new Response(JSON.stringify({ accounts: demo }), { status: 200, headers: { 'content-type': 'application/json' } }))
    expect(await localSignInState()).toEqual({ accounts: demo, off: false })
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(String(fetch.mock.calls[0]?.[0])).toBe('/local/accounts')
  })

  it('gives none where the route is missing, answers a page, or the network fails', async () => {
    answering(async () => new Response(JSON.stringify({ message: 'Not Found' }), { status: 404 }))
    expect(await localSignInState()).toEqual({ accounts: [], off: false })
    answering(async () => new Response('<!doctype html><html></html>', { status: 200, headers: { 'content-type': 'text/html' } }))
    expect(await localSignInState()).toEqual({ accounts: [], off: false })
    answering(async () => new Response(JSON.stringify({ code: 'unauthorized', message: 'no', message_zh: '请先登录。' }), { status: 401 }))
    expect(await localSignInState()).toEqual({ accounts: [], off: false })
    answering(() => Promise.reject(new TypeError('Failed to fetch')))
    expect(await localSignInState()).toEqual({ accounts: [], off: false })
  })

  it('knows the development sign-in is off where the runner says so, before any form is shown', async () => {
    answering(async () => new Response(JSON.stringify({ code: 'dev_sign_in_off', message: 'off', message_zh: '此服务器未开启开发环境登录。' }), { status: 404, headers: { 'content-type': 'application/json' } }))
    expect(await localSignInState()).toEqual({ accounts: [], off: true })
  })
})
