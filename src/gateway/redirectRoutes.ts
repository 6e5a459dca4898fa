import { AuthError } from '../core/AuthError'
import { safeReturnTo } from '../core/safeReturnTo'
import { failure, failureAnswer, type GatewayFailure } from './gatewayAnswers'
import type { GatewayKit } from './gatewayKit'
import { requestUrl } from './requestUrl'
import { parseCookies, serializeCookie } from './sessionCookie'

/**
 * `GET {basePath}/login` and `GET {basePath}/callback`: sign-in by redirect for presets with `authorize` and
 * `callback` (the `oidc` preset).
 *
 * - `/login?returnTo=/path` asks the preset for the provider's URL and what to keep until the browser comes
 *   back (PKCE verifier, `state`, `nonce`), seals that with `returnTo` into a transaction cookie
 *   `__Secure-{name}-tx-{state key}` (`HttpOnly; Secure; SameSite=Lax; Path={basePath}`, 10 minutes) and
 *   answers 303. One cookie per sign-in, named after its `state`: sign-ins started in several tabs at once
 *   (each tab's guard sending it to the provider) each find their own transaction when they come back.
 * - `/callback` opens the transaction cookie its `state` names: missing (expired, already used, another
 *   browser, no or malformed `state`), tampered or expired → **400, nothing set, the provider never called**. Then the preset checks `state` and exchanges the
 *   code; the session cookie is set, the transaction cookie deleted, and the browser sent to `returnTo` (303).
 * - A sign-in that does not end in a session (the user said no at the provider, no refresh token, the provider
 *   unreachable) goes back to the app as `returnTo?auth_error={code}`, with nothing set but the deleted
 *   transaction: `access_denied` (or the provider's other OAuth error code), `no_refresh_token`,
 *   `upstream_unavailable`, `bad_response`. The app shows it instead of starting another sign-in.
 */
export async function handleRedirectRoute(
  request: Request,
  route: 'login' | 'callback',
  kit: GatewayKit,
): Promise<Response> {
  try {
    return route === 'login' ? await login(request, kit) : await callback(request, kit)
  } catch {
    const failed = failure(500, 'server_error', 'The gateway failed to answer. Try again.')
    kit.report(route, failed)
    return failureAnswer(failed)
  }
}

/** Seconds a sign-in may take at the provider before its transaction expires. */
const TRANSACTION_TTL = 600

/** What the transaction cookie holds: the preset's transaction and where to go back to. */
interface Transaction {
  t: Record<string, string>
  r: string
}

const isTransaction = (value: unknown): value is Transaction =>
  value !== null &&
  typeof value === 'object' &&
  typeof (value as Transaction).r === 'string' &&
  (value as Transaction).t !== null &&
  typeof (value as Transaction).t === 'object' &&
  Object.values((value as Transaction).t).every((item) => typeof item === 'string')

/**
 * The part of a `state` that names its transaction cookie: its first 16 characters (96 random bits from the
 * preset), or `null` for a `state` that is missing or holds anything but base64url characters (it ends up in a
 * cookie name).
 */
export function stateKey(state: string | null): string | null {
  return state !== null && /^[\w-]{16,512}$/.test(state) ? state.slice(0, 16) : null
}

/**
 * `__Secure-{name}-tx-{state key}`: the session cookie's name without its prefix (no prefix with
 * `secure: false`), then the sign-in's own key. Also the sealed value's purpose, so a transaction does not open
 * under another sign-in's name.
 */
export const transactionCookieName = (kit: GatewayKit, key: string) => {
  const bare = kit.cookie.name.replace(/^__(Host|Secure)-/, '')
  return kit.cookie.secure ? `__Secure-${bare}-tx-${key}` : `${bare}-tx-${key}`
}

function transactionCookie(kit: GatewayKit, name: string, value: string, maxAge: number) {
  return serializeCookie(name, value, {
    maxAge,
    path: kit.basePath === '' ? '/' : kit.basePath,
    secure: kit.cookie.secure,
    // Lax, not Strict: the provider sends the browser back with a cross-site top-level GET.
    sameSite: 'Lax',
  })
}

// A redirect carries no token, but it must not be cached either: each one is for one browser, once.
const redirect = (location: string, setCookie: readonly string[]) => {
  const headers = new Headers({ Location: location, 'Cache-Control': 'no-store', Pragma: 'no-cache' })
  for (const line of setCookie) headers.append('Set-Cookie', line)
  return new Response(null, { status: 303, headers })
}

/** `returnTo` with `?auth_error={code}` (the code only: never a provider's description or a token). */
function withError(returnTo: string, code: string) {
  const url = new URL(returnTo, 'http://app')
  url.searchParams.set('auth_error', code)
  return url.pathname + url.search + url.hash
}

async function login(request: Request, kit: GatewayKit): Promise<Response> {
  const returnTo = safeReturnTo(requestUrl(request).searchParams.get('returnTo'))
  const authorize = kit.upstream.authorize
  if (!authorize) throw new Error('unreachable: the gateway routes GET login to redirect presets only')
  let started: Awaited<ReturnType<typeof authorize>>
  try {
    started = await kit.callUpstream(request, (ctx) => authorize.call(kit.upstream, { ...ctx, returnTo }))
  } catch (thrown) {
    // The provider's discovery document could not be read: back to the app, which says so.
    const failed = kit.failureFor(thrown, 'login')
    kit.report('login', failed)
    return redirect(withError(returnTo, failed.error), [])
  }
  const key = stateKey(new URL(started.url).searchParams.get('state'))
  if (key === null) throw new Error('The preset sent the browser to its provider without a `state`.')
  const name = transactionCookieName(kit, key)
  const sealed = await kit.sealer.seal(
    { t: started.transaction, r: returnTo } satisfies Transaction,
    name,
    TRANSACTION_TTL,
  )
  return redirect(String(started.url), [transactionCookie(kit, name, sealed, TRANSACTION_TTL)])
}

/** 400, nothing set: a callback this browser did not start, already used, expired or forged. */
function refuse(kit: GatewayKit, message: string): Response {
  const failed: GatewayFailure = failure(400, 'bad_request', message)
  kit.report('callback', failed)
  return failureAnswer(failed)
}

async function callback(request: Request, kit: GatewayKit): Promise<Response> {
  const key = stateKey(requestUrl(request).searchParams.get('state'))
  const name = key === null ? null : transactionCookieName(kit, key)
  const sealed = name === null ? undefined : parseCookies(request).get(name)
  if (name === null || !sealed) {
    return refuse(
      kit,
      'No sign-in is in progress in this browser (it expired, was already completed, or started elsewhere). Start again from the app.',
    )
  }
  const opened = await kit.sealer.open<Transaction>(sealed, name)
  if (!opened || !isTransaction(opened.value)) {
    return refuse(kit, 'The sign-in transaction is not valid or has expired. Start again from the app.')
  }
  const { t: transaction, r } = opened.value
  const returnTo = safeReturnTo(r)
  const cleared = transactionCookie(kit, name, '', 0)
  const callbackOf = kit.upstream.callback
  if (!callbackOf) throw new Error('unreachable: the gateway routes GET callback to redirect presets only')
  try {
    const tokens = await kit.callUpstream(request, (ctx) =>
      callbackOf.call(kit.upstream, request, { ...ctx, transaction }),
    )
    const { setCookie } = await kit.establishSession(tokens, request)
    return redirect(returnTo, [...setCookie, cleared])
  } catch (thrown) {
    if (thrown instanceof AuthError && thrown.status === 400 && thrown.code === 'bad_response') {
      // State, code or issuer do not match: not this browser's sign-in. Its own transaction stays, untouched.
      return refuse(
        kit,
        'The callback does not answer the sign-in this browser started. Start again from the app.',
      )
    }
    const code = errorCode(thrown, kit)
    return redirect(withError(returnTo, code), [cleared])
  }
}

/** The `auth_error` code for a sign-in that did not end in a session, reported to `onError` with its sentence. */
function errorCode(thrown: unknown, kit: GatewayKit): string {
  const named =
    thrown instanceof AuthError ? (thrown.details as { error?: unknown } | undefined)?.error : undefined
  if (typeof named === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(named)) {
    // The preset's own sentence (the provider's error code, or no refresh token): it names the fix.
    kit.report('callback', { ...failure(400, 'bad_request', (thrown as AuthError).message) })
    return named
  }
  const failed = kit.failureFor(thrown, 'login')
  kit.report('callback', failed)
  return failed.error
}
