import type { ReactElement } from 'react'
import { renderToString } from 'react-dom/server'
import {
  RequireAuth,
  SignedIn,
  SignedOut,
  SignOut,
  useAuth,
  useAuthClient,
  useAuthEvent,
  useLogin,
  useLogout,
  useSession,
} from 'react-jwt-session'
import { expect, it, vi } from 'vitest'
import { expectConsoleError, setupReactTests } from './harness'

setupReactTests()

function CallsUseAuth() {
  useAuth()
  return null
}
function CallsUseSession() {
  useSession()
  return null
}
function CallsUseLogin() {
  useLogin()
  return null
}
function CallsUseAuthClient() {
  useAuthClient()
  return null
}
function CallsUseLogout() {
  useLogout()
  return null
}
function CallsUseAuthEvent() {
  useAuthEvent('signout', () => {})
  return null
}

const cases: [string, ReactElement][] = [
  ['useAuth', <CallsUseAuth key="1" />],
  ['useSession', <CallsUseSession key="2" />],
  ['useLogin', <CallsUseLogin key="3" />],
  ['useAuthClient', <CallsUseAuthClient key="4" />],
  ['<RequireAuth>', <RequireAuth key="5">secret</RequireAuth>],
  ['<SignedIn>', <SignedIn key="6">in</SignedIn>],
  ['<SignedOut>', <SignedOut key="7">out</SignedOut>],
  ['<SignOut>', <SignOut key="8">bye</SignOut>],
  ['useLogout', <CallsUseLogout key="9" />],
  ['useAuthEvent', <CallsUseAuthEvent key="10" />],
]

it.each(cases)('%s outside <AuthProvider> throws an error that says how to fix it', (name, element) => {
  const message = `[react-jwt-session] ${name} must be used inside <AuthProvider>. Wrap your app: <AuthProvider client={authClient}`
  expectConsoleError(message)
  // Rendered to a string: the error is thrown where React reports it, with no DOM error event in between.
  expect(() => renderToString(element)).toThrow(message)
})

it('keeps the how-to-fix sentence for development: a production build says only what failed', () => {
  const short = '[react-jwt-session] useAuth must be used inside <AuthProvider>.'
  vi.stubEnv('NODE_ENV', 'production')
  try {
    expectConsoleError(short)
    expect(() => renderToString(<CallsUseAuth />)).toThrow(new Error(short))
  } finally {
    vi.unstubAllEnvs()
  }
})
