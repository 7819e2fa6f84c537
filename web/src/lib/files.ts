// What the server accepts as evidence and as an objection's file (shared/app/src/validation.rs
// `DOCUMENT_TYPES`, usecases/attachments.rs), checked before anything is hashed or declared so a
// person hears at once why a file is refused. The server checks again.

/** Evidence types and their extensions (PDF, JPEG, PNG, DOCX, XLSX). */
export const EVIDENCE_TYPES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['application/pdf', ['pdf']],
  ['image/jpeg', ['jpg', 'jpeg']],
  ['image/png', ['png']],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', ['docx']],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ['xlsx']],
]

/** An objection's supporting file, or the Committee's minutes: PDF, JPEG or PNG. */
export const ATTACHMENT_TYPES = EVIDENCE_TYPES.slice(0, 3)

/** Bytes: the largest objection attachment (10 MiB). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

export interface FileFacts {
  name: string
  /** The browser's MIME type; may be empty. */
  type: string
  /** Bytes. */
  size: number
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase()
}

/** The content type to declare: the browser's when it is accepted, else the one the extension
 * names; null when neither is an accepted type. */
export function contentTypeFor(
  file: FileFacts,
  types: ReadonlyArray<readonly [string, readonly string[]]> = EVIDENCE_TYPES,
): string | null {
  const extension = extensionOf(file.name)
  const byType = types.find(([type]) => type === file.type.toLowerCase())
  if (byType) return byType[1].includes(extension) ? byType[0] : null
  return types.find(([, extensions]) => extensions.includes(extension))?.[0] ?? null
}

/** Why the file cannot be uploaded (Chinese), or null. `maxBytes` when the limit is known. */
export function fileProblem(
  file: FileFacts,
  types: ReadonlyArray<readonly [string, readonly string[]]> = EVIDENCE_TYPES,
  maxBytes?: number,
): string | null {
  const accepted = types.flatMap(([, extensions]) => extensions.map((e) => e.toUpperCase()))
  if (contentTypeFor(file, types) === null) {
    return `不支持的文件类型（${file.name}），仅接受 ${[...new Set(accepted)].join('、')}，且扩展名须与文件类型一致。`
  }
  if (file.size === 0) return '文件为空（0 字节），请重新选择。'
  if (maxBytes !== undefined && file.size > maxBytes) {
    return `文件过大（${formatBytes(file.size)}），不得超过 ${formatBytes(maxBytes)}。`
  }
  return null
}

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(1)} ${units[unit]}`
}
