import { act } from '@testing-library/react'
import { type ReactElement, StrictMode } from 'react'
import { hydrateRoot, type Root } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { AuthProvider, type TokenResponse, useAuth } from 'react-jwt-session'
import { createTestAuthServer, createTestToken } from 'react-jwt-session/testing'
import { afterEach, expect, it } from 'vitest'
import { advance, channelName, paragraphs, setupReactTests } from './harness'

setupReactTests()

interface User {
  name: string
}

function Greeting() {
  const name = useAuth((state) => (state.user as User | null)?.name)
  return <p>{name ? `Hello, ${name}` : 'Hello, guest'}</p>
}

let root: Root | undefined
afterEach(() => {
  act(() => root?.unmount())
  root = undefined
  document.body.innerHTML = ''
})

/** Server markup into the page, then hydrated in StrictMode: any mismatch is a console.error (fails). */
function serverRenderAndHydrate(app: () => ReactElement) {
  const container = document.createElement('div')
  container.innerHTML = renderToString(app())
  document.body.append(container)
  const serverHtml = container.innerHTML
  act(() => {
    root = hydrateRoot(container, <StrictMode>{app()}</StrictMode>)
  })
  return serverHtml
}

it('hydrates a page rendered with initialSession: signed in at once, no refresh call', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  server.signIn()
  const initialSession: TokenResponse = {
    access_token: createTestToken({ sub: 'user-ada', name: 'Ada Lovelace' }, { expiresIn: 900 }),
    expires_in: 900,
  }
  const name = channelName()
  const serverHtml = serverRenderAndHydrate(() => (
    <AuthProvider
      transport={server.transport}
      crossTab={{ name }}
      initialSession={initialSession}
      fallback="…"
    >
      <Greeting />
    </AuthProvider>
  ))
  expect(serverHtml).toBe('<p>Hello, Ada Lovelace</p>')
  expect(paragraphs()).toEqual(['Hello, Ada Lovelace'])
  await advance(1_000)
  expect(server.stats.refreshes).toBe(0)
})

it('hydrates the loading gate, then restores the session in the browser', async () => {
  const server = createTestAuthServer({ accessTtl: 60 })
  server.signIn()
  const serverHtml = serverRenderAndHydrate(() => (
    <AuthProvider transport={server.transport} crossTab={false} fallback={<p>Restoring session…</p>}>
      <Greeting />
    </AuthProvider>
  ))
  expect(serverHtml).toBe('<p>Restoring session…</p>')
  await advance()
  expect(paragraphs()).toEqual(['Hello, Ada Lovelace'])
  expect(server.stats.refreshes).toBe(1)
})
