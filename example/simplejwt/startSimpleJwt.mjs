// @ts-check
// Starts the one-file SimpleJWT server (server.py) with Debian's Python on a free loopback port, waits until it
// has migrated its SQLite database and listens, and stops it again. Used by `npm run example:simplejwt` and
// by the tests that drive the gateway against a real SimpleJWT.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Debian's interpreter: a `python3` first on PATH may be another one that does not see Debian's packages. */
export const SIMPLEJWT_PYTHON = process.env.SIMPLEJWT_PYTHON ?? '/usr/bin/python3'

/** The command that installs what the server needs. */
export const SIMPLEJWT_INSTALL = 'apt-get install -y python3-djangorestframework-simplejwt'

/** Why the server cannot start on this machine (with the command that fixes it), or `null` when it can. */
export function simpleJwtMissing() {
  const probe = spawnSync(
    SIMPLEJWT_PYTHON,
    ['-c', 'import django, rest_framework, rest_framework_simplejwt'],
    {
      stdio: 'ignore',
    },
  )
  if (probe.status === 0) return null
  return (
    `Django REST framework SimpleJWT is not installed for ${SIMPLEJWT_PYTHON}. ` +
    `Install it with: ${SIMPLEJWT_INSTALL} (Debian/Ubuntu, as root).`
  )
}

/**
 * @param {import('./startSimpleJwt.d.mts').StartSimpleJwtOptions} [options]
 * @returns {Promise<import('./startSimpleJwt.d.mts').SimpleJwtServer>}
 */
export async function startSimpleJwt({
  accessTtl = 300,
  refreshTtl = 86_400,
  port = 0,
  timeoutMs = 30_000,
  recordTokens = false,
} = {}) {
  const missing = simpleJwtMissing()
  if (missing) throw new Error(missing)
  const dataDir = mkdtempSync(join(tmpdir(), 'rjs-simplejwt-'))
  const child = spawn(SIMPLEJWT_PYTHON, [fileURLToPath(new URL('./server.py', import.meta.url))], {
    env: {
      ...process.env,
      SIMPLEJWT_ACCESS_TTL: String(accessTtl),
      SIMPLEJWT_REFRESH_TTL: String(refreshTtl),
      SIMPLEJWT_PORT: String(port),
      SIMPLEJWT_DATA_DIR: dataDir,
      SIMPLEJWT_RECORD_TOKENS: recordTokens ? '1' : '0',
      PYTHONUNBUFFERED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = /** @type {string[]} */ ([])
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)))
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true })

  const listening = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`SimpleJWT did not start within ${timeoutMs} ms. Its output:\n${output.join('')}`))
    }, timeoutMs)
    child.stderr.on('data', (chunk) => output.push(String(chunk)))
    child.stdout.on('data', (chunk) => {
      output.push(String(chunk))
      const ready = /READY (\d+)/.exec(output.join(''))
      if (ready) {
        clearTimeout(timer)
        resolve(Number(ready[1]))
      }
    })
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(new Error(`Could not run ${SIMPLEJWT_PYTHON}: ${error.message}`))
    })
    exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`SimpleJWT exited (${code}) before it was ready. Its output:\n${output.join('')}`))
    })
  }).catch(async (error) => {
    child.kill('SIGKILL')
    await exited
    cleanup()
    throw error
  })

  const url = `http://127.0.0.1:${listening}`
  let closing = /** @type {Promise<void> | undefined} */ (undefined)
  return {
    url,
    output,
    async stats() {
      const response = await fetch(`${url}/__stats`)
      if (!response.ok) throw new Error(`SimpleJWT stats answered ${response.status}`)
      return /** @type {import('./startSimpleJwt.d.mts').SimpleJwtStats} */ (await response.json())
    },
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 3000)
        await exited
        clearTimeout(killer)
        cleanup()
      })()
      return closing
    },
  }
}
