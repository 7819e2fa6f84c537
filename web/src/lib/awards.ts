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
