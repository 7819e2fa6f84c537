// The runner's outbox (`<data folder>/outbox/*.eml`, one RFC 5322 message per file, named so
// that a listing sorts by time) read back for the browser scenarios. Node has no mail parser and
// the messages are MIME: headers folded and in RFC 2047 encoded words, the text in a
// multipart/alternative, base64 or quoted-printable. Just enough MIME to read what was sent.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface Email {
  /** The file's name in the outbox. */
  file: string
  /** Each header by its lower-case name, unfolded, encoded words decoded; the first if repeated. */
  headers: Map<string, string>
  subject: string
  /** The recipients' addresses. */
  to: string[]
  /** The first text/plain part, decoded, line breaks as `\n` (`''` if none). */
  text: string
  /** The first text/html part, decoded (`''` if none). */
  html: string
}

interface Entity {
  headers: Map<string, string>
  body: Buffer
}

/** Where the head ends: the first empty line (CRLF or LF), and where the body starts. */
function headEnd(raw: Buffer): { head: number; body: number } {
  const text = raw.toString('latin1')
  const match = /\r?\n\r?\n/.exec(text)
  if (!match) return { head: raw.length, body: raw.length }
  return { head: match.index, body: match.index + match[0].length }
}

function decodeBytes(bytes: Buffer, charset: string): string {
  return new TextDecoder(charset.trim().toLowerCase() || 'utf-8').decode(bytes)
}

/** `=XX` escapes to bytes; in a Q-encoded word `_` is a space too. */
function unescapeHex(text: string, underscoreIsSpace: boolean): Buffer {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string
    const hex = text.slice(i + 1, i + 3)
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else if (char === '_' && underscoreIsSpace) {
      bytes.push(0x20)
    } else {
      bytes.push(char.charCodeAt(0) & 0xff)
    }
  }
  return Buffer.from(bytes)
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g

/** RFC 2047: `=?charset?B|Q?text?=` words decoded; the blanks between two adjacent words dropped. */
export function decodeWords(value: string): string {
  const joined = value.replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)/g, '$1')
  return joined.replace(ENCODED_WORD, (_word, charset: string, encoding: string, text: string) => {
    // RFC 2231 lets a language follow the charset: `utf-8*zh-CN`.
    const name = charset.split('*')[0] as string
    const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : unescapeHex(text, true)
    return decodeBytes(bytes, name)
  })
}

/** The head's fields; the raw head is read as UTF-8 (RFC 6532 allows it), which ASCII is too. */
function parseHeaders(head: Buffer): Map<string, string> {
  const headers = new Map<string, string>()
  const unfolded = head.toString('utf-8').replace(/\r?\n(?=[ \t])/g, '')
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    if (!headers.has(name)) headers.set(name, decodeWords(line.slice(colon + 1).trim()))
  }
  return headers
}

function parseEntity(raw: Buffer): Entity {
  const { head, body } = headEnd(raw)
  return { headers: parseHeaders(raw.subarray(0, head)), body: raw.subarray(body) }
}

/** `type/subtype` and the parameters of a Content-Type, names lower-case, quotes removed. */
export function contentType(value: string | undefined): { type: string; params: Map<string, string> } {
  const params = new Map<string, string>()
  const [type = '', ...rest] = (value ?? 'text/plain; charset=us-ascii').split(';')
  const parameter = /^\s*([^=\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S*))\s*$/
  for (const piece of rest.join(';').match(/(?:[^;"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const match = parameter.exec(piece)
    if (match) params.set((match[1] as string).toLowerCase(), match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? ''))
  }
  return { type: type.trim().toLowerCase(), params }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A multipart body's parts (RFC 2046 §5.1.1): the preamble and the epilogue dropped, and the line
 * break before each delimiter, which belongs to the delimiter. */
function bodyParts(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1')
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escapeRegExp(boundary)}(--)?[ \\t]*(?:\\r?\\n|$)`, 'g')
  const found = [...text.matchAll(delimiter)]
  const parts: Buffer[] = []
  for (let i = 0; i + 1 < found.length; i += 1) {
    const here = found[i] as RegExpExecArray
    if (here[1]) break
    const next = found[i + 1] as RegExpExecArray
    parts.push(Buffer.from(text.slice(here.index + here[0].length, next.index), 'latin1'))
  }
  return parts
}

/** A leaf part's content as bytes, undoing its Content-Transfer-Encoding. */
function transferDecoded(entity: Entity): Buffer {
  const encoding = (entity.headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase()
  const text = entity.body.toString('latin1')
  if (encoding === 'base64') return Buffer.from(text.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64')
  // Soft line breaks (`=` at a line's end) join lines; the rest is `=XX` escapes.
  if (encoding === 'quoted-printable') return unescapeHex(text.replace(/[ \t]*=\r?\n/g, ''), false)
  return entity.body
}

/** Every leaf part, depth first, with its media type. */
function leaves(entity: Entity): { type: string; text: string }[] {
  const { type, params } = contentType(entity.headers.get('content-type'))
  const boundary = params.get('boundary')
  if (type.startsWith('multipart/') && boundary) {
    return bodyParts(entity.body, boundary).flatMap((part) => leaves(parseEntity(part)))
  }
  if (!type.startsWith('text/')) return [{ type, text: '' }]
  const text = decodeBytes(transferDecoded(entity), params.get('charset') ?? 'us-ascii').replace(/\r\n/g, '\n')
  return [{ type, text }]
}

function addresses(value: string | undefined): string[] {
  if (!value) return []
  return value
    .split(',')
    .map((mailbox) => (/<([^>]*)>/.exec(mailbox)?.[1] ?? mailbox).trim())
    .filter((address) => address !== '')
}

/** One message from its bytes. */
export function parseEmail(raw: Buffer, file = ''): Email {
  const entity = parseEntity(raw)
  const parts = leaves(entity)
  return {
    file,
    headers: entity.headers,
    subject: entity.headers.get('subject') ?? '',
    to: addresses(entity.headers.get('to')),
    text: parts.find((part) => part.type === 'text/plain')?.text ?? '',
    html: parts.find((part) => part.type === 'text/html')?.text ?? '',
  }
}

/** Every email in `outbox`, oldest first; none while the folder does not exist yet. The runner
 * writes through hidden temporary files (`.sending-…`), so only whole `.eml` files are read. */
export function readOutbox(outbox: string): Email[] {
  if (!existsSync(outbox)) return []
  return readdirSync(outbox)
    .filter((name) => name.endsWith('.eml') && !name.startsWith('.'))
    .sort()
    .map((name) => parseEmail(readFileSync(join(outbox, name)), name))
}
