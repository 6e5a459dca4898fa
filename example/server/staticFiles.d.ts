import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * Serves GET/HEAD requests from `root`, with the app's `index.html` for client-side routes; resolves to whether
 * it answered the request.
 */
export declare function createStaticHandler(
  root: string,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>
