// A throwaway Redis (Debian's redis-server) on a free loopback port, no persistence; stopped by `close()`.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server'
export const REDIS_INSTALL = 'apt-get install -y redis-server'

/** Why Redis cannot start on this machine (with the command that fixes it), or `null` when it can. */
export function redisMissing(): string | null {
  const probe = spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' })
  if (probe.status === 0) return null
  return `redis-server is not installed. Install it with: ${REDIS_INSTALL} (Debian/Ubuntu, as root).`
}

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string
  close(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()))
    })
  })
}

export async function startRedis({ timeoutMs = 15_000 } = {}): Promise<RedisServer> {
  const missing = redisMissing()
  if (missing) throw new Error(missing)
  const port = await freePort()
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const output: string[] = []
  const exited = new Promise<unknown>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  )
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start within ${timeoutMs} ms:\n${output.join('')}`)),
        timeoutMs,
      )
      const onData = (chunk: Buffer) => {
        output.push(String(chunk))
        if (output.join('').includes('Ready to accept connections')) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout?.on('data', onData)
      child.stderr?.on('data', onData)
      child.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
      void exited.then((code) => {
        clearTimeout(timer)
        reject(new Error(`redis-server exited (${String(code)}) before it was ready:\n${output.join('')}`))
      })
    })
  } catch (error) {
    child.kill('SIGKILL')
    await exited
    throw error
  }
  let closing: Promise<void> | undefined
  return {
    url: `redis://127.0.0.1:${port}`,
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 3000)
        await exited
        clearTimeout(killer)
      })()
      return closing
    },
  }
}
