// The development sign-in's demo accounts (`GET /local/accounts`): which of them a role offers,
// and what the sign-in form starts from for a role.
import type { LocalAccount } from '../api/local'
import type { Role } from '../api/types'
import { ROLE_ZH } from './labels'

/** The accounts of an answer that the page can offer. Anything else (an older runner's answer,
 * a page served in the route's place) gives none: the sign-in then works as without a demo. */
export function parseLocalAccounts(body: unknown): LocalAccount[] {
  if (typeof body !== 'object' || body === null) return []
  const listed = (body as { accounts?: unknown }).accounts
  if (!Array.isArray(listed)) return []
  return listed.filter((entry): entry is LocalAccount => {
    if (typeof entry !== 'object' || entry === null) return false
    const e = entry as Record<string, unknown>
    return (
      typeof e.role === 'string' &&
      Object.hasOwn(ROLE_ZH, e.role) &&
      typeof e.sub === 'string' &&
      e.sub.trim() !== '' &&
      typeof e.email === 'string' &&
      typeof e.name === 'string'
    )
  })
}

/** The demo accounts of `role`, in the order the runner listed them. */
export function accountsOfRole(accounts: readonly LocalAccount[], role: Role): LocalAccount[] {
  return accounts.filter((account) => account.role === role)
}

/** What the picker shows for an account: `name（sub）`. */
export function accountLabel(account: LocalAccount): string {
  return `${account.name}（${account.sub}）`
}

/** The account and email the form starts from for `role`: the role's first demo account, or a
 * made-up one where the data folder holds no demo (or none in that role). */
export function defaultSignIn(accounts: readonly LocalAccount[], role: Role): { sub: string; email: string } {
  const first = accountsOfRole(accounts, role)[0]
  return first ? { sub: first.sub, email: first.email } : { sub: `${role}-1`, email: `${role}@example.cn` }
}
