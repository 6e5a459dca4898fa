/** The largest credentials body the gateway reads (bytes): a login form is far smaller. */
export const MAX_BODY_BYTES = 64 * 1024

/** Why a body was not read: `too_large`, or `malformed` (not JSON, or not an object). */
export type BodyProblem = 'too_large' | 'malformed'

/**
 * The request's JSON object body, read up to `limit` bytes (it stops reading past that, whatever
 * `Content-Length` says), or the problem with it. An empty body is `{}`.
 */
export async function readJsonBody(
  request: Request,
  limit = MAX_BODY_BYTES,
): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; problem: BodyProblem }> {
  const declared = Number(request.headers.get('content-length'))
  if (declared > limit) return { ok: false, problem: 'too_large' }
  const chunks: Uint8Array[] = []
  let size = 0
  if (request.body) {
    const reader = request.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > limit) {
        await reader.cancel().catch(() => {})
        return { ok: false, problem: 'too_large' }
      }
      chunks.push(value)
    }
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  const text = new TextDecoder().decode(bytes).trim()
  if (text === '') return { ok: true, value: {} }
  try {
    const value: unknown = JSON.parse(text)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return { ok: true, value: value as Record<string, unknown> }
    }
  } catch {}
  return { ok: false, problem: 'malformed' }
}
