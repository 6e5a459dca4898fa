import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { type ReactElement, type ReactNode, StrictMode } from 'react'
import type { AuthClient, RegisteredUser } from '../../core/types'
import { AuthProvider } from '../../react/AuthProvider'
import { createTestAuthClient, type TestAuthClientOptions } from '../createTestAuthClient'
import type { TestAuthServer } from '../createTestAuthServer'

export interface AuthWrapperOptions<User = RegisteredUser> extends TestAuthClientOptions<User> {
  /**
   * The query client the wrapper provides (and the provider clears on sign-out).
   * @default a new `QueryClient` with retries off, so a failing query fails the test at once
   */
  queryClient?: QueryClient
  /**
   * `<AuthProvider fallback>`: shown instead of the UI while the session is restored.
   * @default undefined (no gate)
   */
  fallback?: ReactNode
  /**
   * Render inside `<StrictMode>`, as a development build of the app does.
   * @default true
   */
  strict?: boolean
}

export interface AuthWrapper<User = RegisteredUser> {
  /** Pass to Testing Library: `render(<Dashboard />, { wrapper })`. */
  wrapper: (props: { children?: ReactNode }) => ReactElement
  /** The auth client inside the wrapper, wired to the server (see `createTestAuthClient`). */
  client: AuthClient<User>
  /** The query client inside the wrapper. */
  queryClient: QueryClient
}

/**
 * A wrapper for component tests: `<AuthProvider>` (and a `QueryClientProvider`) around the UI, with a client
 * wired to a test server. It imports no test library: pass `wrapper` to your own `render`.
 *
 * @example
 * const server = createTestAuthServer({ routes: { 'GET /api/items': () => ({ items: [] }) } })
 * const { wrapper } = createAuthWrapper(server, { signedInAs: 'ada' })
 * render(<Dashboard />, { wrapper })
 */
export function createAuthWrapper<User = RegisteredUser>(
  server: TestAuthServer,
  options: AuthWrapperOptions<User> = {},
): AuthWrapper<User> {
  const {
    queryClient = new QueryClient({
      defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
    }),
    fallback,
    strict = true,
    ...clientOptions
  } = options
  const client = createTestAuthClient<User>(server, clientOptions)
  function AuthTestWrapper({ children }: { children?: ReactNode }): ReactElement {
    const app = (
      <QueryClientProvider client={queryClient}>
        <AuthProvider client={client} fallback={fallback}>
          {children}
        </AuthProvider>
      </QueryClientProvider>
    )
    return strict ? <StrictMode>{app}</StrictMode> : app
  }
  return { wrapper: AuthTestWrapper, client, queryClient }
}
