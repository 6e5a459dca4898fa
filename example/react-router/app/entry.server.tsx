import { renderToReadableStream } from 'react-dom/server'
import { type EntryContext, ServerRouter } from 'react-router'

/** Renders the whole document before answering: the tests and `curl` see the signed-in page at once. */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
) {
  let status = responseStatusCode
  const stream = await renderToReadableStream(<ServerRouter context={routerContext} url={request.url} />, {
    signal: request.signal,
    onError(error: unknown) {
      status = 500
      console.error(error)
    },
  })
  await stream.allReady
  responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
  return new Response(stream, { headers: responseHeaders, status })
}
