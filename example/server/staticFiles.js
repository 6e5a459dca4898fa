// @ts-check
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

/** @param {string} path */
const fileAt = async (path) => {
  try {
    const info = await stat(path)
    return info.isFile() ? info : null
  } catch {
    return null
  }
}

/**
 * Serves GET/HEAD requests from `root`. Paths without a file fall back to `index.html` when they look
 * like an app route (no file extension, or the browser asks for HTML), so client-side routing works
 * on reload; a missing asset stays a 404.
 * @param {string} root
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL) => Promise<boolean>}
 */
export function createStaticHandler(root) {
  const base = resolve(root)
  return async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    let pathname
    try {
      pathname = decodeURIComponent(url.pathname)
    } catch {
      return false
    }
    if (pathname.includes('\0')) return false
    let path = resolve(join(base, pathname))
    if (path !== base && !path.startsWith(base + sep)) return false
    if (pathname.endsWith('/')) path = join(path, 'index.html')
    let info = await fileAt(path)
    if (!info) {
      const wantsHtml = String(req.headers.accept ?? '').includes('text/html')
      if (extname(pathname) !== '' && !wantsHtml) return false
      path = join(base, 'index.html')
      info = await fileAt(path)
      if (!info) return false
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': 'no-cache',
    })
    if (req.method === 'HEAD') res.end()
    else {
      const stream = createReadStream(path)
      // The file can vanish between stat and read; end this response, keep the server.
      stream.on('error', () => res.destroy())
      stream.pipe(res)
    }
    return true
  }
}
