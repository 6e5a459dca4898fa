// @ts-check

/** Largest request body the server reads. */
export const MAX_BODY_BYTES = 16 * 1024

/** Beyond this many bytes an oversized body is no longer drained: the connection is dropped instead. */
const MAX_DRAIN_BYTES = 1024 * 1024

/** An error with an HTTP status and a JSON body, thrown by handlers and answered as is. */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} code the `error` field of the JSON body
   * @param {string} message
   * @param {Record<string, string>} [headers]
   */
  constructor(status, code, message, headers = {}) {
    super(message)
    this.name = 'HttpError'
    this.status = status
    this.code = code
    this.headers = headers
  }
}

/**
 * Writes a JSON response.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string | string[]>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...headers,
  })
  res.end(res.req.method === 'HEAD' ? undefined : payload)
}

/**
 * Writes `{ error, message }` with the given status.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {Record<string, string | string[]>} [headers]
 */
export function sendError(res, status, code, message, headers = {}) {
  sendJson(res, status, { error: code, message }, headers)
}

/**
 * Reads the request body as text, at most {@link MAX_BODY_BYTES}.
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<string>}
 */
export function readBody(req) {
  const declared = Number(req.headers['content-length'])
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = []
    let size = 0
    let tooLarge = Number.isFinite(declared) && declared > MAX_BODY_BYTES
    const fail = () =>
      reject(
        new HttpError(413, 'payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes`),
      )
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) tooLarge = true
      if (!tooLarge) chunks.push(chunk)
      // Draining a moderately oversized body lets the client read the 413 instead of a reset
      // connection; past this bound the client is not worth waiting for.
      if (size > MAX_DRAIN_BYTES) {
        req.pause()
        fail()
      }
    })
    req.on('end', () => (tooLarge ? fail() : resolve(Buffer.concat(chunks).toString('utf8'))))
    req.on('error', reject)
  })
}

/**
 * Reads and parses a JSON object body.
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<Record<string, unknown>>}
 */
export async function readJsonObject(req) {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase()
  if (type !== 'application/json') {
    // Requiring JSON also keeps a plain cross-site HTML form from posting here.
    await readBody(req)
    throw new HttpError(400, 'bad_request', 'Content-Type must be application/json')
  }
  const text = await readBody(req)
  /** @type {unknown} */
  let body
  try {
    body = JSON.parse(text)
  } catch {
    throw new HttpError(400, 'bad_request', 'The request body is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'bad_request', 'The request body must be a JSON object')
  }
  return /** @type {Record<string, unknown>} */ (body)
}
