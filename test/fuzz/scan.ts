/**
 * Looks for any of `needles` (token strings, or the unique payload segment of each) in `value`, walked without
 * recursion and with a budget (error bodies can be nested thousands deep and a megabyte long): the strings of
 * objects and arrays at any depth, and of an `Error` its message, `cause` and own properties. Returns the
 * path of the first string holding one, or null.
 */
export function findToken(
  value: unknown,
  needles: () => Iterable<string>,
  { skipKeys = [] as string[], budget = 200_000 } = {},
): string | null {
  const stack: Array<[unknown, string]> = [[value, '']]
  const seen = new Set<object>()
  let list: string[] | null = null
  while (stack.length > 0 && budget-- > 0) {
    const [item, path] = stack.pop() as [unknown, string]
    if (typeof item === 'string') {
      if (item.length < 16) continue
      list ??= [...needles()]
      if (list.some((needle) => item.includes(needle))) return path || '(the value)'
      continue
    }
    if (item === null || (typeof item !== 'object' && typeof item !== 'function')) continue
    if (seen.has(item)) continue
    seen.add(item)
    if (item instanceof Error) {
      stack.push([item.message, `${path}.message`])
      if ('cause' in item) stack.push([item.cause, `${path}.cause`])
    }
    if (typeof item === 'function') continue
    for (const key of Object.keys(item)) {
      if (path === '' && skipKeys.includes(key)) continue
      let child: unknown
      try {
        child = (item as Record<string, unknown>)[key]
      } catch {
        continue
      }
      stack.push([child, Array.isArray(item) ? `${path}[${key}]` : `${path}.${key}`])
    }
  }
  return null
}
