// Which cycle's publicity a visitor who named no year should see, and what the objection form
// says outside the publicity period (Arts. 3, 11(8)).
import type { BoardEntry } from '../api/types'
import { formatChinaDate } from './dates'

/** The cycle whose publicity is current or most recent: the notice board's latest publicity
 * notice (`publicity_started` or `publicity_announcement`) names it; none: `fallback`. */
export function publicityCycleFrom(notices: Pick<BoardEntry, 'kind' | 'cycle_id' | 'published_at'>[], fallback: string): string {
  const latest = notices
    .filter((notice) => notice.kind === 'publicity_started' || notice.kind === 'publicity_announcement')
    .sort((a, b) => b.published_at.localeCompare(a.published_at))[0]
  return latest?.cycle_id ?? fallback
}

/** Why objections cannot be lodged today, with the day they open or the day they closed; null
 * while the publicity runs (`today`, `first`, `last`: China dates `YYYY-MM-DD`). */
export function objectionWindowNote(first: string, last: string, today: string): string | null {
  if (today < first) return `公示期自${formatChinaDate(first)}开始，届时方可提出异议；当前不能提出异议。`
  if (today > last) return `公示期已于${formatChinaDate(last)}结束，不能再提出异议。`
  return null
}
