// The SHA-256 of a file, computed in the browser (WebCrypto) before the upload link is asked
// for: the server binds the link to it, and storage refuses a body that does not match.

/** Lower-case hex SHA-256 of `data`. */
export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data as BufferSource)
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** The SHA-256 of a `Blob`/`File` (read whole: evidence files are at most tens of MiB). */
export async function sha256OfBlob(blob: Blob): Promise<string> {
  return sha256Hex(await blob.arrayBuffer())
}
