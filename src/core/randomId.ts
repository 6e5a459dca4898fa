/**
 * A random id for this tab's client: a UUID where the page is a secure context, else ~52 random bits, plenty
 * to tell the open tabs of one browser apart.
 */
export const randomId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : Math.random().toString(36).slice(2)
