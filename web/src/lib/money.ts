// Money is integer fen everywhere in the API; people read and type 元 with two decimals.

/** `28600000000` → `"286,000,000.00"` (元, thousands separated). Errors on a non-integer. */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`)
  const negative = fen < 0
  const absolute = Math.abs(fen)
  const yuan = Math.trunc(absolute / 100)
  const cents = absolute % 100
  const grouped = yuan.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${negative ? '-' : ''}${grouped}.${cents.toString().padStart(2, '0')}`
}

/** `"286,000,000.00"`, `"1234.5"`, `"-3"` (元) → fen, without floating point; null when the text
 * is not an amount with at most two decimals. */
export function parseYuan(text: string): number | null {
  const cleaned = text.replace(/[,\s，]/g, '')
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(cleaned)
  if (!match) return null
  const [, sign, whole = '0', fraction = ''] = match
  const fen = Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
  if (!Number.isSafeInteger(fen)) return null
  return sign === '-' && fen !== 0 ? -fen : fen
}

/** `28600000000` fen → `"28,600"` (万元, exact: up to six decimals, trailing zeros dropped); null
 * below 1 万元 or for a non-integer. */
export function formatWan(fen: number): string | null {
  if (!Number.isSafeInteger(fen) || Math.abs(fen) < 1_000_000) return null
  const negative = fen < 0
  const absolute = Math.abs(fen)
  const wan = Math.trunc(absolute / 1_000_000)
  const rest = (absolute % 1_000_000).toString().padStart(6, '0').replace(/0+$/, '')
  const grouped = wan.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${negative ? '-' : ''}${grouped}${rest ? `.${rest}` : ''}`
}

/** The echo beside a large amount typed in 元, so a slip of a zero shows: from 1 万元 on,
 * `28600000000` fen → `"合 28,600万元"`; null below 1 万元. */
export function wanYuanEcho(fen: number): string | null {
  const wan = formatWan(fen)
  return wan === null ? null : `合 ${wan}万元`
}

/** An amount as a sentence reads it: `"150,000.00元（15万元）"`, `"800.00元"` below 1 万元. */
export function formatYuanZh(fen: number): string {
  const wan = formatWan(fen)
  return `${formatYuan(fen)}元${wan === null ? '' : `（${wan}万元）`}`
}
