import { describe, expect, it } from 'vitest'
import { decodeAnswer, MAX_RETRY_AFTER, parseJson, setCookieLines } from '../../src/core/httpCodec'

/** Headers as an older runtime has them: no getSetCookie, `get('set-cookie')` joins the lines with ", ". */
const joinedOnly = (lines: string[]) => {
  const headers = new Headers(lines.map((line): [string, string] => ['Set-Cookie', line]))
  Object.defineProperty(headers, 'getSetCookie', { value: undefined })
  return headers
}

describe('setCookieLines', () => {
  it.each([
    [['a=1']],
    [['rt=x; Path=/auth; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly', 'csrf=y; Path=/']],
    [['a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'b=2; Expires=Fri, 02 Jan 1970 00:00:00 GMT', 'c=3']],
    [['__Host-id=abc; Secure; Path=/; SameSite=Lax', 'theme=dark']],
  ])('splits %j joined by get() back into its lines', (lines) => {
    expect(setCookieLines(joinedOnly(lines))).toEqual(lines)
    expect(setCookieLines(new Headers(lines.map((line): [string, string] => ['Set-Cookie', line])))).toEqual(
      lines,
    )
  })

  it('is empty without Set-Cookie', () => {
    expect(setCookieLines(joinedOnly([]))).toEqual([])
  })
})

describe('decodeAnswer', () => {
  it('a 503 with a huge Retry-After is capped at a day; a 401 keeps its parsed body as details', () => {
    const busy = new Response('{}', { status: 503, headers: { 'Retry-After': '999999999' } })
    expect(() => decodeAnswer(busy, '{}', 'refresh')).toThrow(
      expect.objectContaining({ code: 'server', retryAfter: MAX_RETRY_AFTER }),
    )
    const refused = new Response(null, { status: 401 })
    expect(() => decodeAnswer(refused, '{"error":"invalid_grant"}', 'refresh')).toThrow(
      expect.objectContaining({ code: 'session_expired', details: { error: 'invalid_grant' } }),
    )
  })

  it('a success that is not JSON is bad_response; an empty success is null', () => {
    const ok = new Response(null, { status: 200 })
    expect(() => decodeAnswer(ok, '<!doctype html>', 'refresh')).toThrow(
      expect.objectContaining({ code: 'bad_response' }),
    )
    expect(decodeAnswer(ok, '', 'logout')).toBeNull()
    expect(parseJson('{')).toBeUndefined()
  })
})
