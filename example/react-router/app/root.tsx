import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { type ReactNode, StrictMode, useState } from 'react'
import { AuthProvider } from 'react-jwt-session'
import {
  Links,
  type LoaderFunctionArgs,
  Meta,
  type MiddlewareFunction,
  Outlet,
  Scripts,
  useLoaderData,
} from 'react-router'
import { authClientFor } from './auth'
import { renewSession, sessionContext } from './session.server'

export const middleware: MiddlewareFunction<Response>[] = [renewSession]

/** Hands the renewed session to the page: the first HTML is signed in, the browser makes no refresh call. */
export function loader({ context }: LoaderFunctionArgs) {
  return { session: context.get(sessionContext) }
}

// The session is handed over once, with the document; after that the tab's auth client owns it. Running
// this loader again on navigations would rotate the refresh cookie for nothing.
export const shouldRevalidate = () => false

const css = `
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5 }
nav { display: flex; gap: 1rem; margin-bottom: 1.5rem }
button { margin-right: 0.5rem }
label { display: block; margin-bottom: 0.5rem }
`

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>react-jwt-session · React Router</title>
        <style>{css}</style>
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <Scripts />
      </body>
    </html>
  )
}

export default function App() {
  const { session } = useLoaderData<typeof loader>()
  const [client] = useState(() => authClientFor(session))
  const [queryClient] = useState(() => new QueryClient())
  return (
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AuthProvider client={client}>
          <Outlet />
        </AuthProvider>
      </QueryClientProvider>
    </StrictMode>
  )
}
