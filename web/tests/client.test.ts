import { describe, expect, it } from 'vitest'
import { ApiError, errorFromResponse } from '../src/api/client'
import { uploadError } from '../src/lib/upload'
import { contentTypeFor, fileProblem, MAX_ATTACHMENT_BYTES, ATTACHMENT_TYPES } from '../src/lib/files'

describe('API errors', () => {
  it('carry the code, the Chinese message and the field issues of invalid_form', () => {
    const error = errorFromResponse(
      422,
      JSON.stringify({
        code: 'invalid_form',
        message: 'the form has invalid fields; see details',
        message_zh: '申报表有填写错误，详见 details。',
        details: [
          { field: 'contact.mobile', code: 'invalid_mobile', message: 'x', message_zh: '手机号码应为11位数字。' },
          { not: 'an issue' },
        ],
      }),
    )
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(422)
    expect(error.code).toBe('invalid_form')
    expect(error.messageZh).toBe('申报表有填写错误，详见 details。')
    expect(error.issues).toEqual([
      { field: 'contact.mobile', code: 'invalid_mobile', message: 'x', message_zh: '手机号码应为11位数字。' },
    ])
  })

  it('turn a body that is not the API\'s into unexpected_response', () => {
    const error = errorFromResponse(502, '<html>Bad gateway</html>')
    expect(error.code).toBe('unexpected_response')
    expect(error.messageZh).toContain('502')
  })

  it('read the runner\'s and S3\'s refusals of an upload', () => {
    const runner = uploadError(
      400,
      JSON.stringify({ code: 'checksum_mismatch', message: 'm', message_zh: '文件的 SHA-256 校验值与声明不符。' }),
    )
    expect(runner.code).toBe('checksum_mismatch')
    const s3 = uploadError(400, '<?xml version="1.0"?><Error><Code>BadDigest</Code></Error>')
    expect(s3.code).toBe('BadDigest')
    expect(s3.messageZh).toBe('文件校验值与声明不符。')
  })
})

describe('files before upload', () => {
  it('declares the type the extension and the browser agree on', () => {
    expect(contentTypeFor({ name: '营业执照.pdf', type: 'application/pdf', size: 10 })).toBe('application/pdf')
    expect(contentTypeFor({ name: 'scan.JPG', type: '', size: 10 })).toBe('image/jpeg')
    expect(contentTypeFor({ name: 'report.pdf', type: 'image/png', size: 10 })).toBeNull()
    expect(contentTypeFor({ name: 'virus.exe', type: 'application/octet-stream', size: 10 })).toBeNull()
  })

  it('says why a file is refused: type, emptiness, size', () => {
    expect(fileProblem({ name: 'a.exe', type: '', size: 10 })).toContain('不支持的文件类型')
    expect(fileProblem({ name: 'a.pdf', type: 'application/pdf', size: 0 })).toContain('文件为空')
    expect(
      fileProblem({ name: 'a.png', type: 'image/png', size: MAX_ATTACHMENT_BYTES + 1 }, ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES),
    ).toContain('文件过大')
    expect(fileProblem({ name: 'a.docx', type: '', size: 5 }, ATTACHMENT_TYPES)).toContain('PDF、JPG、JPEG、PNG')
    expect(fileProblem({ name: 'a.pdf', type: 'application/pdf', size: 5 })).toBeNull()
  })
})
