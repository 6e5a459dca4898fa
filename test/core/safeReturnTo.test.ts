import { safeReturnTo } from 'react-jwt-session/core'
import { describe, expect, it } from 'vitest'

describe('safeReturnTo', () => {
  it.each([
    '/',
    '/dashboard',
    '/dashboard?tab=billing',
    '/dashboard?tab=billing#invoices',
    '/a/b/c?x=1&y=%2F%2Fevil.example#top',
    '/search?q=https://example.org/x', // a URL in the query is data, not a target
    '/%2F%2Fevil.example', // an encoded slash is a path segment of this origin
    '/caf%C3%A9',
  ])('accepts the path %j as it is', (path) => {
    expect(safeReturnTo(path)).toBe(path)
  })

  it.each([
    ['//evil.example', 'protocol-relative URL'],
    ['//evil.example/dashboard', 'protocol-relative URL with a path'],
    ['///evil.example', 'three slashes'],
    ['\\\\evil.example', 'two backslashes'],
    ['/\\evil.example', 'slash backslash'],
    ['\\/evil.example', 'backslash slash'],
    ['/dash\\board', 'a backslash anywhere'],
    ['javascript:alert(1)', 'javascript: URL'],
    ['JavaScript:alert(1)', 'javascript: URL, mixed case'],
    ['data:text/html,<script>alert(1)</script>', 'data: URL'],
    ['https://evil.example/dashboard', 'absolute URL of another origin'],
    ['http://localhost/dashboard', 'absolute URL (no page origin to compare with)'],
    ['dashboard', 'relative path'],
    ['./dashboard', 'dot-relative path'],
    ['?next=/x', 'query only'],
    ['#top', 'fragment only'],
    ['', 'empty string'],
    [' /dashboard', 'leading space'],
    ['/dashboard ', 'trailing space'],
    ['/\t/evil.example', 'tab (browsers drop it: //evil.example)'],
    ['/\n/evil.example', 'newline (browsers drop it)'],
    ['/\r/evil.example', 'carriage return'],
    ['\u0000/dashboard', 'NUL'],
    ['/\u0000/evil.example', 'NUL inside'],
    ['/\u007f', 'DEL'],
    ['/\u0085/evil.example', 'C1 control'],
    ['/\u00a0/evil.example', 'no-break space'],
    ['/\u2028/evil.example', 'line separator'],
    ['/\u3000/evil.example', 'ideographic space'],
    ['/.//evil.example', 'dot segment that resolves to //evil.example'],
    ['/..//evil.example', 'dot-dot segment that resolves to //evil.example'],
    ['/x/..//evil.example', 'dot-dot segment further in'],
  ])('refuses %j (%s)', (value) => {
    expect(safeReturnTo(value)).toBe('/')
  })

  it.each([[null], [undefined], [42], [['/dashboard']], [{ toString: () => '/dashboard' }]])(
    'refuses the non-string %j',
    (value) => {
      expect(safeReturnTo(value)).toBe('/')
    },
  )

  it('returns the fallback given', () => {
    expect(safeReturnTo('//evil.example', '/home')).toBe('/home')
    expect(safeReturnTo(null, '/login')).toBe('/login')
    expect(safeReturnTo('/account', '/home')).toBe('/account')
  })

  it('resolves dot segments that stay on a path of this origin', () => {
    expect(safeReturnTo('/a/./b/../c?x#y')).toBe('/a/c?x#y')
  })

  it('takes what URLSearchParams decoded from ?next=', () => {
    const next = (search: string) => safeReturnTo(new URLSearchParams(search).get('next'))
    expect(next(`?next=${encodeURIComponent('/dashboard?tab=billing#x')}`)).toBe('/dashboard?tab=billing#x')
    expect(next('?next=%2F%2Fevil.example')).toBe('/')
    expect(next('?next=%2F%09%2Fevil.example')).toBe('/')
    expect(next('?next=https%3A%2F%2Fevil.example')).toBe('/')
    expect(next('')).toBe('/')
  })

  it('is exported by the React entry too', async () => {
    const react = await import('react-jwt-session')
    expect(react.safeReturnTo).toBe(safeReturnTo)
  })
})
