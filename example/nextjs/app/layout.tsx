import type { Metadata } from 'next'
import { headers } from 'next/headers'
import type { ReactNode } from 'react'
import { decodeSession, SESSION_HEADER } from '../lib/sessionHeader'
import { Providers } from './Providers'

const css = `
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5 }
nav { display: flex; gap: 1rem; margin-bottom: 1.5rem }
button { margin-right: 0.5rem }
label { display: block; margin-bottom: 0.5rem }
`

// No favicon file: an empty icon keeps the browser from asking for /favicon.ico.
export const metadata: Metadata = { title: 'react-jwt-session · Next.js', icons: { icon: 'data:,' } }

/**
 * Reads the session the proxy renewed for this request and hands it to the client provider, so the first
 * HTML is already signed in and the browser makes no refresh call on load.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = decodeSession((await headers()).get(SESSION_HEADER))
  return (
    <html lang="en">
      <head>
        <style>{css}</style>
      </head>
      <body>
        <Providers session={session}>{children}</Providers>
      </body>
    </html>
  )
}
