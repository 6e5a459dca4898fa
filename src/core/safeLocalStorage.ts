/** localStorage, or `undefined` where it is missing or throws on access (some privacy modes). */
export function safeLocalStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage
  } catch {
    return undefined
  }
}
