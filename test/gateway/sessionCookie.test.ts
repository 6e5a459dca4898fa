// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createSessionCookie, parseCookies, SessionTooLargeError } from '../../src/gateway/sessionCookie'

const request = (cookie?: string) =>
  new Request('https://app.example/auth/refresh', cookie ? { headers: { cookie } } : {})
const asCookieHeader = (lines: string[]) =>
  lines
    .filter((line) => !/Max-Age=0/.test(line))
    .map((line) => line.slice(0, line.indexOf(';')))
    .join('; ')

describe('createSessionCookie', () => {
  it('defaults to __Host-session; HttpOnly; Secure; SameSite=Strict; Path=/', () => {
    const cookie = createSessionCookie()
    expect(cookie.write('v', 60, request())).toEqual([
      '__Host-session=v; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Strict',
    ])
  })

  it('secure: false drops Secure and the prefix', () => {
    const cookie = createSessionCookie({ secure: false })
    expect(cookie.name).toBe('session')
    expect(cookie.write('v', 60, request())[0]).toBe(
      'session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Strict',
    )
    expect(createSessionCookie({ secure: false, name: '__Host-app' }).name).toBe('app')
    expect(() => createSessionCookie({ name: 'bad name;' })).toThrow(/not a valid cookie name/)
  })

  it('splits a large value over numbered parts and reads it back; clears the stale parts', () => {
    const cookie = createSessionCookie()
    const large = 'a'.repeat(9_000)
    const lines = cookie.write(large, 60, request('__Host-session=old'))
    expect(lines.map((line) => line.split('=')[0])).toEqual([
      '__Host-session.0',
      '__Host-session.1',
      '__Host-session.2',
      '__Host-session',
    ])
    expect(lines[3]).toMatch(/Max-Age=0/)
    for (const line of lines) expect(line.length).toBeLessThan(4_096)
    const sent = request(asCookieHeader(lines))
    expect(cookie.read(sent)).toBe(large)
    // Back to one cookie: every part is cleared.
    const small = cookie.write('small', 60, sent)
    expect(small.filter((line) => /Max-Age=0/.test(line))).toHaveLength(3)
    expect(cookie.read(request(asCookieHeader(small)))).toBe('small')
  })

  it('refuses a value over 4 parts with a developer sentence, rather than dropping a cookie', () => {
    const cookie = createSessionCookie()
    expect(() => cookie.write('a'.repeat(16_500), 60, request())).toThrow(SessionTooLargeError)
    expect(() => cookie.write('a'.repeat(16_500), 60, request())).toThrow(/4 cookies/)
    expect(cookie.write('a'.repeat(15_000), 60, request())).toHaveLength(4)
  })

  it('clears every part the request carries, or the main name when it carries none', () => {
    const cookie = createSessionCookie()
    expect(cookie.clear(request())).toEqual([
      '__Host-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict',
    ])
    expect(cookie.clear(request('__Host-session.0=a; __Host-session.1=b; other=c'))).toHaveLength(2)
    expect(cookie.present(request('other=c'))).toBe(false)
  })

  it('parses a Cookie header: first of a name wins, junk and huge headers ignored', () => {
    expect(parseCookies(request('a=1; b=2; a=3; junk; =x'))).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2'],
      ]),
    )
    expect(parseCookies(request(`a=${'x'.repeat(70_000)}`)).size).toBe(0)
  })
})
