// @vitest-environment node
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { AuthError, isAuthError, parseTokenResponse } from 'react-jwt-session/core'
import { createTestToken } from 'react-jwt-session/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSession } from '../../src/core/createSession'
import { decodeToken } from '../../src/core/decodeToken'
import { errorForStatus, toAuthError } from '../../src/core/httpTransport'

type Core = typeof import('react-jwt-session/core')

const root = fileURLToPath(new URL('../..', import.meta.url))

/** `src/core` bundled on its own, as an app that ends up with two copies of the package holds it. */
async function bundleCore(format: 'esm' | 'cjs'): Promise<string> {
  const result = await build({
    entryPoints: [join(root, 'src/core/index.ts')],
    bundle: true,
    write: false,
    format,
    platform: 'node',
    target: 'es2022',
    logLevel: 'silent',
  })
  const file = result.outputFiles[0]
  if (!file) throw new Error('esbuild produced no output')
  return file.text
}

let dir = ''
let esmCopy: Core
let cjsCopy: Core

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rjs-copies-'))
  const [esm, cjs] = await Promise.all([bundleCore('esm'), bundleCore('cjs')])
  await writeFile(join(dir, 'core.mjs'), esm)
  await writeFile(join(dir, 'core.cjs'), cjs)
  esmCopy = (await import(/* @vite-ignore */ pathToFileURL(join(dir, 'core.mjs')).href)) as Core
  cjsCopy = createRequire(import.meta.url)(join(dir, 'core.cjs')) as Core
})

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('AuthError', () => {
  it('carries code, status, retryAfter, details and cause as given', () => {
    const cause = new TypeError('Failed to fetch')
    const error = new AuthError('server', undefined, {
      status: 429,
      retryAfter: 30,
      details: { error: 'too_many_attempts' },
      cause,
    })
    expect(error).toBeInstanceOf(Error)
    expect([error.name, error.code, error.status, error.retryAfter]).toEqual(['AuthError', 'server', 429, 30])
    expect(error.details).toEqual({ error: 'too_many_attempts' })
    expect(error.cause).toBe(cause)
    expect(error.message).toBe(
      'The auth server answered with an error. The session is kept and the call will be retried.',
    )
  })

  it('keeps its sentences for development: a production build says only the code', () => {
    vi.stubEnv('NODE_ENV', 'production')
    try {
      expect(new AuthError('network').message).toBe('network')
      expect(errorForStatus(500, 'refresh').message).toBe('server')
      expect(() => decodeToken('a.b')).toThrow(
        expect.objectContaining({ code: 'bad_token', message: 'bad_token' }),
      )
    } finally {
      vi.unstubAllEnvs()
    }
    expect(new AuthError('network').message).toBe(
      'The auth server could not be reached. Check the connection; the session is kept.',
    )
    expect(errorForStatus(500, 'refresh').message).toBe('The auth server answered 500 to the refresh call.')
  })

  it('leaves out what it was not given', () => {
    const error = new AuthError('network')
    for (const key of ['status', 'retryAfter', 'details', 'cause']) expect(key in error).toBe(false)
  })

  it('never keeps a token in its message', () => {
    const token = createTestToken({ sub: 'user-ada' }, { expiresIn: 60 })
    const error = new AuthError('bad_token', `Refused ${token} from the server`)
    expect(error.message).toBe('Refused [token] from the server')
  })
})

describe('isAuthError across copies of the package', () => {
  it('the copies are really separate: instanceof sees only its own class', () => {
    expect(esmCopy.AuthError).not.toBe(AuthError)
    expect(cjsCopy.AuthError).not.toBe(AuthError)
    expect(cjsCopy.AuthError).not.toBe(esmCopy.AuthError)
    expect(new esmCopy.AuthError('network')).not.toBeInstanceOf(AuthError)
    expect(new cjsCopy.AuthError('network')).not.toBeInstanceOf(esmCopy.AuthError)
  })

  it('is true for an AuthError made by any copy, ESM and CJS side by side', () => {
    const made = [
      new AuthError('network'),
      new esmCopy.AuthError('session_expired'),
      new cjsCopy.AuthError('server', undefined, { status: 503, retryAfter: 10 }),
    ]
    for (const check of [isAuthError, esmCopy.isAuthError, cjsCopy.isAuthError]) {
      expect(made.map((error) => check(error))).toEqual([true, true, true])
    }
  })

  it('is false for anything else, however much it looks like one', () => {
    const lookalikes: unknown[] = [
      null,
      undefined,
      0,
      'AuthError',
      new Error('network'),
      Object.assign(new Error('x'), { name: 'AuthError', code: 'network' }),
      { name: 'AuthError', code: 'session_expired' },
    ]
    for (const check of [isAuthError, esmCopy.isAuthError, cjsCopy.isAuthError]) {
      expect(lookalikes.map((value) => check(value))).toEqual(lookalikes.map(() => false))
    }
  })

  it("parseTokenResponse or getUser throwing another copy's AuthError keeps its code", () => {
    const foreign = new esmCopy.AuthError('bad_token', 'Not a token this app accepts.')
    const fail = () => {
      throw foreign
    }
    const body = { access_token: createTestToken({ sub: 'user-ada' }, { expiresIn: 60 }), expires_in: 60 }
    expect(() => createSession(body, Date.now(), fail, undefined)).toThrow(foreign)
    expect(() => createSession(body, Date.now(), parseTokenResponse, fail)).toThrow(foreign)
    // Control: any other throw is reported as a bad response.
    expect(() =>
      createSession(
        body,
        Date.now(),
        () => {
          throw new Error('x')
        },
        undefined,
      ),
    ).toThrow(expect.objectContaining({ code: 'bad_response' }))
  })

  it("a transport that throws another copy's AuthError keeps its code (not turned into a network error)", () => {
    const foreign = new cjsCopy.AuthError('session_expired', undefined, { status: 401 })
    expect(toAuthError(foreign, 'refresh')).toBe(foreign)
    // Control: a plain error with that code is not one, so it is a network failure.
    expect(toAuthError(Object.assign(new Error('x'), { code: 'session_expired' }), 'refresh').code).toBe(
      'network',
    )
  })
})
