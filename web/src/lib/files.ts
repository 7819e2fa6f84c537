// What the server accepts as evidence and as an objection's file (shared/app/src/validation.rs
// `DOCUMENT_TYPES`, reads/attachments.rs), checked before anything is hashed or declared so a
// person hears at once why a file is refused. The server checks the declaration again (size,
// type and extension) and the stored object against it (size, SHA-256, and its first bytes by
// the same signatures: shared/app/src/validation.rs `signature_mismatch`).

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

/** The first bytes each accepted type starts with (its "magic number"): a file whose extension
 * was changed, or a text file named `.pdf`, is refused before any link is asked for. DOCX and
 * XLSX are ZIP packages. */
export const SIGNATURES: Readonly<Record<string, { bytes: readonly number[]; label: string; shown: string }>> = {
  'application/pdf': { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], label: 'PDF', shown: '“%PDF-”' },
  'image/png': { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], label: 'PNG', shown: '89 50 4E 47 0D 0A 1A 0A' },
  'image/jpeg': { bytes: [0xff, 0xd8, 0xff], label: 'JPEG', shown: 'FF D8 FF' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    label: 'DOCX',
    shown: '50 4B 03 04（ZIP）',
  },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    label: 'XLSX',
    shown: '50 4B 03 04（ZIP）',
  },
}

/** How many leading bytes `signatureProblem` needs. */
export const SIGNATURE_BYTES = Math.max(...Object.values(SIGNATURES).map(({ bytes }) => bytes.length))

/** Why a file's first bytes (`head`) do not fit `contentType` (Chinese), or null when they do or
 * the type has no signature listed. */
export function signatureProblem(head: Uint8Array, contentType: string, fileName: string): string | null {
  const signature = SIGNATURES[contentType]
  if (!signature) return null
  if (signature.bytes.every((byte, index) => head[index] === byte)) return null
  return `文件内容与类型不符：${fileName} 不是 ${signature.label} 文件（${signature.label} 文件以 ${signature.shown} 开头）。请选择真正的 ${signature.label} 文件，不要只改扩展名。`
}

/** Reads the first bytes of `file` and checks them against `contentType` (see
 * `signatureProblem`). */
export async function contentProblem(file: Blob & { name: string }, contentType: string): Promise<string | null> {
  const head = new Uint8Array(await file.slice(0, SIGNATURE_BYTES).arrayBuffer())
  return signatureProblem(head, contentType, file.name)
}

/** The help text beside an upload: what the browser checks before uploading and what the server
 * checks again after. `maxBytes` when the page knows the limit. */
export function uploadChecksHint(
  types: ReadonlyArray<readonly [string, readonly string[]]> = EVIDENCE_TYPES,
  maxBytes?: number,
): string {
  const labels = [...new Set(types.map(([type]) => SIGNATURES[type]?.label ?? type))].join('、')
  const size = maxBytes === undefined ? '文件不为空' : `文件不为空且不超过 ${formatBytes(maxBytes)}`
  return (
    `接受 ${labels} 文件。上传前，浏览器检查：扩展名与文件类型一致，${size}，文件开头的格式标识与类型相符（如 PDF 文件以“%PDF-”开头），并计算文件校验值。` +
    '上传后，服务器再次核对文件大小、声明的文件类型、文件校验值和文件开头的格式标识，不符的文件不予接收。'
  )
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
