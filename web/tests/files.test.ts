import { describe, expect, it } from 'vitest'
import { ATTACHMENT_TYPES, contentProblem, EVIDENCE_TYPES, MAX_ATTACHMENT_BYTES, signatureProblem, uploadChecksHint } from '../src/lib/files'

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const bytes = (...values: number[]) => new Uint8Array(values)
const text = (value: string) => new TextEncoder().encode(value)

describe("a file's first bytes against its type", () => {
  it('accepts each type by its signature', () => {
    expect(signatureProblem(text('%PDF-1.7\n'), 'application/pdf', 'a.pdf')).toBeNull()
    expect(signatureProblem(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png', 'a.png')).toBeNull()
    expect(signatureProblem(bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg', 'a.jpg')).toBeNull()
    expect(signatureProblem(bytes(0x50, 0x4b, 0x03, 0x04, 0x14), DOCX, 'a.docx')).toBeNull()
    expect(signatureProblem(bytes(0x50, 0x4b, 0x03, 0x04, 0x14), XLSX, 'a.xlsx')).toBeNull()
  })

  it('refuses a text file named .pdf, naming the type expected', () => {
    const problem = signatureProblem(text('just some notes'), 'application/pdf', 'fake.pdf')
    expect(problem).toBe('文件内容与类型不符：fake.pdf 不是 PDF 文件（PDF 文件以 “%PDF-” 开头）。请选择真正的 PDF 文件，不要只改扩展名。')
  })

  it('refuses the wrong signature for each type, and a file shorter than its signature', () => {
    expect(signatureProblem(text('%PDF-'), 'image/png', 'a.png')).toContain('不是 PNG 文件')
    expect(signatureProblem(bytes(0x89, 0x50, 0x4e, 0x47), 'image/png', 'short.png')).toContain('不是 PNG 文件')
    expect(signatureProblem(bytes(0xff, 0xd8), 'image/jpeg', 'a.jpg')).toContain('不是 JPEG 文件')
    expect(signatureProblem(text('%PDF-1.4'), DOCX, 'a.docx')).toContain('不是 DOCX 文件')
    expect(signatureProblem(text('a,b,c'), XLSX, 'a.xlsx')).toContain('不是 XLSX 文件')
    // One byte off in the PDF signature.
    expect(signatureProblem(text('%PDF 1.4'), 'application/pdf', 'a.pdf')).not.toBeNull()
  })

  it('has a signature for every type the pages accept', () => {
    for (const [type] of EVIDENCE_TYPES) expect(signatureProblem(new Uint8Array(0), type, 'x'), type).not.toBeNull()
  })

  it("reads a file's first bytes before anything is uploaded", async () => {
    const fake = Object.assign(new Blob(['not a pdf at all'], { type: 'application/pdf' }), { name: 'fake.pdf' })
    expect(await contentProblem(fake, 'application/pdf')).toContain('fake.pdf 不是 PDF 文件')
    const real = Object.assign(new Blob(['%PDF-1.4\n%âãÏÓ\n1 0 obj'], { type: 'application/pdf' }), { name: '营业执照.pdf' })
    expect(await contentProblem(real, 'application/pdf')).toBeNull()
  })
})

describe('the help text beside an upload', () => {
  it('says what the browser checks and what the server checks', () => {
    const evidence = uploadChecksHint()
    expect(evidence).toContain('接受 PDF、JPEG、PNG、DOCX、XLSX 文件')
    expect(evidence).toContain('浏览器检查：扩展名与文件类型一致，文件不为空，文件开头的格式标识与类型相符')
    expect(evidence).toContain('服务器再次核对文件大小、声明的文件类型、文件校验值和文件开头的格式标识')
    const attachment = uploadChecksHint(ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES)
    expect(attachment).toContain('接受 PDF、JPEG、PNG 文件')
    expect(attachment).toContain('文件不为空且不超过 10.0 MiB')
  })
})
