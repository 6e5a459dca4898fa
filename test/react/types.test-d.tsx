import type { QueryClient } from '@tanstack/react-query'
import {
  type AuthClient,
  AuthProvider,
  type AuthState,
  type AuthStatus,
  type Credentials,
  createAuthClient,
  createAuthHooks,
  type JwtPayload,
  type RegisteredClaims,
  type RegisteredCredentials,
  type RegisteredUser,
  RequireAuth,
  type Session,
  useAuth,
  useAuthClient,
  useLogin,
  useSession,
} from 'react-jwt-session'
import { describe, expectTypeOf, it } from 'vitest'

interface MyUser {
  id: string
  name: string
  roles: string[]
}

const client = createAuthClient<MyUser>({
  getUser: (claims) => ({ id: claims.sub ?? '', name: '', roles: [] }),
})

describe('the User type flows from createAuthClient<User> to the binding', () => {
  it('hooks take the User type parameter', () => {
    expectTypeOf(useAuth<MyUser>().user).toEqualTypeOf<MyUser | null>()
    expectTypeOf(useAuth<MyUser>().login).returns.resolves.toEqualTypeOf<Session<MyUser>>()
    expectTypeOf(useAuth<MyUser>().refresh).returns.resolves.toEqualTypeOf<Session<MyUser> | null>()
    expectTypeOf(useAuth<MyUser>().status).toEqualTypeOf<AuthStatus>()
    expectTypeOf(useSession<MyUser>().user).toEqualTypeOf<MyUser | null>()
    expectTypeOf(useSession<MyUser>().claims).toEqualTypeOf<JwtPayload | null>()
    expectTypeOf(useAuthClient<MyUser>()).toEqualTypeOf<AuthClient<MyUser>>()
    expectTypeOf(useLogin<MyUser>().data).toEqualTypeOf<Session<MyUser> | undefined>()
    expectTypeOf(useLogin<MyUser>().error?.code).toEqualTypeOf<
      | 'invalid_credentials'
      | 'session_expired'
      | 'network'
      | 'timeout'
      | 'server'
      | 'bad_response'
      | 'bad_token'
      | undefined
    >()
  })

  it('without a type parameter the user is unknown, never any', () => {
    expectTypeOf(useAuth().user).toEqualTypeOf<unknown>()
    expectTypeOf(useSession().user).toEqualTypeOf<unknown>()
  })

  it('a selector infers the user from its parameter and returns the selection', () => {
    const name = useAuth((state: AuthState<MyUser>) => state.user?.name)
    expectTypeOf(name).toEqualTypeOf<string | undefined>()
    const picked = useAuth((state) => ({ status: state.status, loading: state.refreshing }))
    expectTypeOf(picked).toEqualTypeOf<{ status: AuthStatus; loading: boolean }>()
  })

  it('createAuthHooks<User>() types every hook once', () => {
    const hooks = createAuthHooks<MyUser>()
    expectTypeOf(hooks.useAuth().user).toEqualTypeOf<MyUser | null>()
    expectTypeOf(hooks.useAuth((state) => state.user?.roles)).toEqualTypeOf<string[] | undefined>()
    expectTypeOf(hooks.useSession().user).toEqualTypeOf<MyUser | null>()
    expectTypeOf(hooks.useAuthClient()).toEqualTypeOf<AuthClient<MyUser>>()
    expectTypeOf(hooks.useLogin().data).toEqualTypeOf<Session<MyUser> | undefined>()
    const guard = (
      <hooks.RequireAuth allow={(session) => session.user.roles.includes('admin')} fallback="no">
        admin
      </hooks.RequireAuth>
    )
    expectTypeOf(guard).not.toBeAny()
  })

  it('AuthProvider infers User from the client or the options', () => {
    ;<AuthProvider client={client} fallback="Loading…">
      app
    </AuthProvider>
    ;<AuthProvider<MyUser>
      endpoints={{ refresh: '/api/refresh' }}
      getUser={(claims) => {
        expectTypeOf(claims).toEqualTypeOf<JwtPayload>()
        return { id: claims.sub ?? '', name: '', roles: [] }
      }}
    >
      app
    </AuthProvider>
    ;<AuthProvider client={client} queryClient={{} as QueryClient}>
      app
    </AuthProvider>
    // A client and client options together are a mistake the types catch.
    // @ts-expect-error: pass either a client or its options
    ;<AuthProvider client={client} endpoints={{ refresh: '/r' }}>
      app
    </AuthProvider>
    // @ts-expect-error: getUser must return the client's User
    ;<AuthProvider<MyUser> getUser={() => ({ id: 1 })}>app</AuthProvider>
  })

  it('RequireAuth gives allow a typed session', () => {
    ;<RequireAuth<MyUser>
      allow={(session) => {
        expectTypeOf(session).toEqualTypeOf<Session<MyUser>>()
        return session.user.roles.includes('admin')
      }}
    >
      admin
    </RequireAuth>
  })
})

// With a registration (declare module 'react-jwt-session' { interface Register { … } }) these defaults change:
// that case is compiled in a program of its own by test/types/register.test.ts, augmentations being global.
describe('without a registration', () => {
  it('the registered types fall back to unknown, JwtPayload and any credentials object', () => {
    expectTypeOf<RegisteredUser>().toEqualTypeOf<unknown>()
    expectTypeOf<RegisteredClaims>().toEqualTypeOf<JwtPayload>()
    expectTypeOf<RegisteredCredentials>().toEqualTypeOf<Credentials>()
    expectTypeOf(createAuthClient()).toEqualTypeOf<AuthClient<unknown>>()
    expectTypeOf(useLogin().variables).toEqualTypeOf<Credentials | undefined>()
    expectTypeOf(useSession().claims).toEqualTypeOf<JwtPayload | null>()
    expectTypeOf(createAuthHooks().useAuth().user).toEqualTypeOf<unknown>()
  })
})
