import { readBounded } from './readBounded'

/** The largest credentials body the gateway reads (bytes): a login form is far smaller. */
export const MAX_BODY_BYTES = 64 * 1024

/** Why a body was not read: `too_large`, or `malformed` (not JSON, or not an object). */
export type BodyProblem = 'too_large' | 'malformed'

/** The request's JSON object body, read up to `limit` bytes, or the problem with it. An empty body is `{}`. */
export async function readJsonBody(
  request: Request,
  limit = MAX_BODY_BYTES,
): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; problem: BodyProblem }> {
  let text: string
  try {
    text = (await readBounded(request, limit)).trim()
  } catch (error) {
    // Over the limit, or a body stream that broke off (the browser went away).
    return { ok: false, problem: error instanceof RangeError ? 'too_large' : 'malformed' }
  }
  if (text === '') return { ok: true, value: {} }
  try {
    const value: unknown = JSON.parse(text)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return { ok: true, value: value as Record<string, unknown> }
    }
  } catch {}
  return { ok: false, problem: 'malformed' }
}
