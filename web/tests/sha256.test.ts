import { describe, expect, it } from 'vitest'
import { sha256Hex, sha256OfBlob } from '../src/lib/sha256'

const encode = (text: string) => new TextEncoder().encode(text)

describe('SHA-256 (WebCrypto)', () => {
  it('matches the FIPS 180-2 vectors', async () => {
    expect(await sha256Hex(encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    expect(await sha256Hex(encode(''))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    expect(
      await sha256Hex(encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')),
    ).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1')
  })

  it('hashes a Blob the same as its bytes, in lower-case hex', async () => {
    const blob = new Blob([encode('%PDF-1.4\n')], { type: 'application/pdf' })
    const hex = await sha256OfBlob(blob)
    expect(hex).toMatch(/^[0-9a-f]{64}$/)
    expect(hex).toBe(await sha256Hex(encode('%PDF-1.4\n')))
  })
})
