// A notice's body as people read it: its dates in Chinese, and each web address in it (the
// publicity page the email links to) a link named in words rather than the raw address.
import { datesInTextZh } from './dates'

export interface TextPart {
  text: string
  /** Set on a web address: the link's target; `text` is then the words shown for it. */
  href?: string
}

const URL_PATTERN = /https?:\/\/[^\s，。；）)]+/g

/** `在线提出异议：http://…/#/publicity/2026` → the text, then a link "打开链接" to the address. */
export function textWithLinks(body: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of body.matchAll(URL_PATTERN)) {
    const at = match.index ?? 0
    if (at > last) parts.push({ text: datesInTextZh(body.slice(last, at)) })
    parts.push({ text: '打开链接', href: match[0] })
    last = at + match[0].length
  }
  if (last < body.length) parts.push({ text: datesInTextZh(body.slice(last)) })
  return parts
}
