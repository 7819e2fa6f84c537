// Which cycle's winners a visitor who named no year should see. `GET /cycles/open` answers only
// while a call is open (404 `no_open_cycle` once it closed, through the reviews and after the
// award); the public register lists every award with its cycle, so the latest cycle that has
// winners is known without it.
import type { PublicRegister } from '../api/types'

/** The cycles the register's awards belong to, latest first (`2026` before `2025`). */
export function cyclesWithWinners(register: Pick<PublicRegister, 'awards'>): string[] {
  const cycles = new Set(register.awards.map((award) => award.cycle_id))
  return [...cycles].sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
}

/** The register's awards of `cycle`, by name: a year imported from before the system has winners
 * on the register but no cycle (and no announcement) here. */
export function registerWinnersOf<A extends Pick<PublicRegister['awards'][number], 'cycle_id' | 'organisation_name'>>(register: { awards: A[] }, cycle: string): A[] {
  return register.awards.filter((award) => award.cycle_id === cycle).sort((a, b) => a.organisation_name.localeCompare(b.organisation_name, 'zh'))
}
