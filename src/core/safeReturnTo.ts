/**
 * A "return to" target from an untrusted place (a `?next=` parameter, router state) made safe to navigate to:
 * a path of this origin (`/path?query#hash`), or `fallback`. Refuses `//host`, `\\host`, `/\host`,
 * `javascript:` and every other scheme, absolute URLs, relative paths, and values with whitespace or control
 * characters anywhere (browsers drop tabs and newlines inside URLs: `/\t/evil.example` is `//evil.example`).
 * Use it for "redirect back after sign-in".
 *
 * @param fallback where to go instead. @default '/'
 */
export function safeReturnTo(value: unknown, fallback = '/'): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (typeof value !== 'string' || !/^\/(?![/\\])/.test(value) || /[\s\0-\x1f\x7f-\x9f\\]/.test(value)) {
    return fallback
  }
  // Dot segments are resolved first: `/.//evil.example` is the path `//evil.example`, read as a host by
  // anything that parses the result again.
  const url = new URL(value, 'http://h')
  const path = url.pathname + url.search + url.hash
  return path.startsWith('//') ? fallback : path
}
