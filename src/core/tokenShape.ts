/**
 * What counts as a token, written once: the client accepts exactly these as access tokens (`decodeToken`),
 * and the error-body scrubber, the error-message scrub and the devtools redaction remove every one of them.
 * If the two ever differed, a token the client adopted could pass the scrubber untouched.
 *
 * A token is three segments joined by `.`, each made of base64url or base64 characters (`A–Z a–z 0–9 - _`,
 * `+ /` and `=` padding, all of which the decoder reads), the first two decoding to a JSON object. Nothing else:
 * a newline, NUL, space or non-Latin-1 character anywhere would make `Headers.set('Authorization', …)` throw
 * or send a header the server splits differently.
 */

/**
 * A run of segments joined by dots, where a token inside some text can be. `=` only ends a segment (padding),
 * so `?access_token=eyJ…` starts a new run at the token. Linear: nothing is ever matched twice.
 */
const RUN = /[\w+/-]+=*(?:\.[\w+/-]*=*)*/g

/**
 * The same, starting after any `/` or `+`: those are base64 characters, so a token glued behind a path or a `+`
 * (`…/verify/eyJ…`) is inside a longer run of the first kind, whose first segment then does not decode.
 */
const GLUED_RUN = /[\w-]+=*(?:\.[\w+/-]*=*)*/g

/** A base64 or base64url segment as a binary string, or `undefined` when it is not base64. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return atob(segment.replace(/-/g, '+').replace(/_/g, '/'))
  } catch {
    return undefined
  }
}

/** Whether the segment decodes to text that opens a JSON object (`{` after optional whitespace). */
const opensObject = (segment: string) => /^\s*\{/.test(decodeSegment(segment) ?? '')

/**
 * `text` with every token in it replaced by `replace(token)`. Linear in the length of `text`: two passes (the
 * second for tokens glued behind a `/` or `+`), each splitting every run of token characters on its dots once
 * and looking at each segment as a header and as a payload once.
 */
export function replaceTokens(text: string, replace: (token: string) => string): string {
  return replaceIn(replaceIn(text, RUN, replace), GLUED_RUN, replace)
}

function replaceIn(text: string, runs: RegExp, replace: (token: string) => string): string {
  return text.replace(runs, (run) => {
    // A replaced token takes its header's place; its payload and signature become null, then go.
    const segments: Array<string | null> = run.split('.')
    for (let index = 0; index + 2 < segments.length; index += 1) {
      const [header, payload, signature] = segments.slice(index, index + 3) as string[]
      if (opensObject(payload as string) && opensObject(header as string)) {
        segments[index] = replace(`${header}.${payload}.${signature}`)
        segments[index + 1] = segments[index + 2] = null
        index += 2
      }
    }
    return segments.filter((segment) => segment !== null).join('.')
  })
}

/**
 * Whether `text`, as a whole, is a token the client accepts: taking the tokens out of it leaves nothing (no
 * character outside the alphabet, no second token, no text glued in front).
 */
export const isTokenShaped = (text: string): boolean => replaceTokens(text, () => '') === ''
