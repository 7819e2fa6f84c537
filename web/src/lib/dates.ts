// Deadlines and every date without a time are China dates (UTC+8, `YYYY-MM-DD`); instants from
// the API are UTC and are shown on China's clock.

const CHINA = 'Asia/Shanghai'

function parts(instant: Date, options: Intl.DateTimeFormatOptions): Record<string, string> {
  const formatted = new Intl.DateTimeFormat('en-US', {
    timeZone: CHINA,
    hourCycle: 'h23',
    ...options,
  }).formatToParts(instant)
  return Object.fromEntries(formatted.map((part) => [part.type, part.value]))
}

/** Today's China date as `YYYY-MM-DD`. */
export function chinaToday(now: Date = new Date()): string {
  const p = parts(now, { year: 'numeric', month: '2-digit', day: '2-digit' })
  return `${p.year}-${p.month}-${p.day}`
}

/** `2026-12-29` → `2026年12月29日` (the date as written, no time zone arithmetic). */
export function formatChinaDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!match) return date
  const [, year, month, day] = match
  return `${year}年${Number(month)}月${Number(day)}日`
}

/** A UTC instant → `2026年11月30日 02:09` on China's clock. */
export function formatInstant(instant: string): string {
  const time = new Date(instant)
  if (Number.isNaN(time.getTime())) return instant
  const p = parts(time, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
  return `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`
}

/** Whole days from China's today to `date` (negative once passed; 0 on the day itself). */
export function daysUntil(date: string, now: Date = new Date()): number {
  const today = Date.parse(`${chinaToday(now)}T00:00:00Z`)
  return Math.round((Date.parse(`${date}T00:00:00Z`) - today) / 86_400_000)
}

/** The calendar year of a China date. */
export function yearOf(date: string): number {
  return Number(date.slice(0, 4))
}

/** The one wording of the end of a bar (Arts. 17, 18), as every email and export words it
 * (shared/domain/src/award.rs `bar_end_zh`): `至2036年4月24日（含）不得申报，2036年4月25日起可以申报`. */
export function barEndZh(lastDay: string, mayApplyAgainFrom: string): string {
  return `至${formatChinaDate(lastDay)}（含）不得申报，${formatChinaDate(mayApplyAgainFrom)}起可以申报`
}

/** A text from the API (a screening's reason, a notice's body) with each ISO date in it as people
 * read it: `于 2015-06-01 登记注册` → `于 2015年6月1日 登记注册`. */
export function datesInTextZh(text: string): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (date) => formatChinaDate(date))
}
