import type { Rng } from './prng'

// Access tokens as servers send them, and as broken servers do: every header and encoding a JWT library
// produces (spaces or pretty-printed JSON in the header, `=` padding, standard base64 with `+` and `/`), and
// tokens with a control character, a space or a character outside Latin-1 written into one segment.

const encoder = new TextEncoder()

const base64 = (text: string, encoding: Encoding) => {
  let binary = ''
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte)
  const standard = btoa(binary)
  if (encoding === 'std') return standard
  const url = standard.replace(/\+/g, '-').replace(/\//g, '_')
  return encoding === 'padded' ? url : url.replace(/=+$/, '')
}

type Encoding = 'url' | 'padded' | 'std'

const headers = {
  compact: '{"alg":"HS256","typ":"JWT"}',
  spaced: '{"alg": "HS256", "typ": "JWT"}',
  pretty: '{\n  "alg": "HS256",\n  "typ": "JWT"\n}',
  leadingSpace: ' {"alg":"HS256","typ":"JWT"}',
} as const

/** Characters that make a token unusable in an `Authorization` header. */
const garbage = ['\n', '\r', '\0', '\t', ' ', '\x7f', '\u0142', '\u20ac', '\u{1f600}'] as const

export interface DrawnToken {
  token: string
  /** A token a client may adopt: its three segments are header-safe and decode (no garbage written in). */
  wellFormed: boolean
  /** The payload segment (unique per token: it carries a `jti`), looked for in errors and logs. */
  payloadSegment: string
  /** How it was made, for the trace. */
  note: string
}

export interface TokenClaims {
  sub?: string | undefined
  iat?: number | undefined
  exp?: number | undefined
  [claim: string]: unknown
}

/** Draws a token carrying `claims` (plus a unique `jti`), possibly in an odd encoding or with garbage in it. */
export function drawToken(rng: Rng, claims: TokenClaims, { allowGarbage = true } = {}): DrawnToken {
  const headerKind = rng.weighted({ compact: 6, spaced: 1, pretty: 1, leadingSpace: 1 })
  const encoding = rng.weighted<Encoding>({ url: 6, padded: 1, std: 2 })
  // `?>~` and the like make `+` and `/` appear in standard base64.
  const payload = {
    ...claims,
    jti: `j${rng.int(0, 1e9).toString(36)}${rng.int(0, 1e9).toString(36)}`,
    ...(encoding === 'std' ? { note: '??>>~~' } : {}),
  }
  const segments = [
    base64(headers[headerKind], encoding),
    base64(JSON.stringify(payload), encoding),
    base64(`sig-${rng.int(0, 1e9)}-${rng.int(0, 1e9)}`, encoding),
  ]
  let note = `${headerKind}/${encoding}`
  let wellFormed = true
  if (allowGarbage && rng.chance(0.08)) {
    const where = rng.int(0, 2)
    const char = rng.pick(garbage)
    const segment = segments[where] as string
    const at = rng.int(0, segment.length)
    segments[where] = segment.slice(0, at) + char + segment.slice(at)
    note += ` garbage ${JSON.stringify(char)} in ${['header', 'payload', 'signature'][where]}`
    wellFormed = false
  }
  return { token: segments.join('.'), wellFormed, payloadSegment: segments[1] as string, note }
}
