/**
 * A request's or response's body as text, read up to `limit` bytes: it stops reading past that (whatever
 * `Content-Length` says) and throws a `RangeError`. For bodies from the other side of a trust boundary: a
 * browser's credentials, an upstream's answer.
 */
export async function readBounded(message: Request | Response, limit: number): Promise<string> {
  if (Number(message.headers.get('content-length')) > limit) throw new RangeError('body too large')
  if (!message.body) return ''
  const reader = message.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw new RangeError('body too large')
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}
