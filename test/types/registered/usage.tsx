import {
  type AuthClient,
  AuthProvider,
  type AuthState,
  createAuthClient,
  createAuthHooks,
  type JwtPayload,
  RequireAuth,
  type Session,
  useAuth,
  useAuthClient,
  useAuthEvent,
  useLogin,
  useSession,
} from 'react-jwt-session'
import { createAuthClient as createCoreClient } from 'react-jwt-session/core'
import { expectTypeOf } from 'vitest'
import type { AppClaims, AppCredentials, AppUser, OtherUser } from './appTypes'

// Compiled by test/types/register.test.ts with and without a registration: with one, every line holds; without,
// the expectations and the @ts-expect-error lines fail. Hooks are called here only for their types.

type AppSessionClaims = AppClaims & JwtPayload

// The client: no type parameter, typed by the registration.
const client = createAuthClient()
expectTypeOf(client).toEqualTypeOf<AuthClient<AppUser>>()
expectTypeOf(createCoreClient()).toEqualTypeOf<AuthClient<AppUser>>()
expectTypeOf(client.getState().user).toEqualTypeOf<AppUser | null>()
expectTypeOf(client.getState().claims).toEqualTypeOf<AppSessionClaims | null>()
expectTypeOf(client.login).parameter(0).toEqualTypeOf<AppCredentials>()
expectTypeOf(client.login).returns.resolves.toEqualTypeOf<Session<AppUser>>()
expectTypeOf<Session['claims']>().toEqualTypeOf<AppSessionClaims>()
expectTypeOf<Session['claims']['sub']>().toEqualTypeOf<string | undefined>()
void client.login({ username: 'ada', password: 'lovelace' })
// @ts-expect-error: a typo in the credentials does not compile
void client.login({ usernmae: 'ada', password: 'lovelace' })
// Events carry the registered user and claims.
client.on('signin', ({ session }) => expectTypeOf(session.user).toEqualTypeOf<AppUser>())
client.on('refresh', ({ session }) => expectTypeOf(session.claims.role).toEqualTypeOf<'admin' | 'member'>())

createAuthClient({
  getUser: (claims) => {
    expectTypeOf(claims.role).toEqualTypeOf<'admin' | 'member'>()
    return { id: claims.sub ?? '', name: claims.tenant }
  },
})
// An explicit type argument is checked against getUser, as without a registration.
// @ts-expect-error: getUser must return the client's user
createAuthClient<AppUser>({ getUser: () => ({ id: 1 }) })

// The hooks, called in a component as the rules of hooks want.
export function HookTypes() {
  expectTypeOf(useAuth().user).toEqualTypeOf<AppUser | null>()
  expectTypeOf(useAuth().login).parameter(0).toEqualTypeOf<AppCredentials>()
  expectTypeOf(useAuth((state) => state.user?.name)).toEqualTypeOf<string | undefined>()
  expectTypeOf(useAuth((state) => state.claims?.role)).toEqualTypeOf<'admin' | 'member' | undefined>()
  expectTypeOf(useSession().user).toEqualTypeOf<AppUser | null>()
  expectTypeOf(useSession().claims).toEqualTypeOf<AppSessionClaims | null>()
  expectTypeOf(useAuthClient()).toEqualTypeOf<AuthClient<AppUser>>()
  expectTypeOf(useLogin().data).toEqualTypeOf<Session<AppUser> | undefined>()
  expectTypeOf(useLogin().variables).toEqualTypeOf<AppCredentials | undefined>()
  useLogin().mutate({ username: 'ada', password: 'lovelace' })
  // @ts-expect-error: a typo in the credentials does not compile
  useLogin().mutate({ usernmae: 'ada', password: 'lovelace' })
  useLogin({ onSuccess: (session) => expectTypeOf(session.claims.tenant).toEqualTypeOf<string>() })
  useAuthEvent('signin', ({ session }) => expectTypeOf(session.user).toEqualTypeOf<AppUser>())
  return null
}

// The components.
export const admin = (
  <AuthProvider client={client}>
    <RequireAuth allow={(s) => s.claims.role === 'admin' && s.user.name !== ''} fallback="sign in">
      admin
    </RequireAuth>
  </AuthProvider>
)
// @ts-expect-error: 'owner' is not a registered role
export const wrongRole = <RequireAuth allow={(s) => s.claims.role === 'owner'}>owner</RequireAuth>
// @ts-expect-error: the claims are registered with a string tenant
export const wrongClaimType = <RequireAuth allow={(s) => s.claims.tenant === 42}>tenant</RequireAuth>

export const provider = (
  <AuthProvider getUser={(claims) => ({ id: claims.sub ?? '', name: claims.tenant })}>app</AuthProvider>
)

// The explicit generics keep working and win over the registration.
expectTypeOf(createAuthClient<OtherUser>()).toEqualTypeOf<AuthClient<OtherUser>>()
const other = createAuthHooks<OtherUser>()
export function ExplicitTypes() {
  expectTypeOf(useAuth<OtherUser>().user).toEqualTypeOf<OtherUser | null>()
  expectTypeOf(useSession<OtherUser>().user).toEqualTypeOf<OtherUser | null>()
  expectTypeOf(useAuth((state: AuthState<OtherUser>) => state.user?.email)).toEqualTypeOf<
    string | undefined
  >()
  expectTypeOf(other.useAuth().user).toEqualTypeOf<OtherUser | null>()
  expectTypeOf(other.useSession().claims).toEqualTypeOf<AppSessionClaims | null>()
  expectTypeOf(other.useLogin().variables).toEqualTypeOf<AppCredentials | undefined>()
  // Without a type argument, createAuthHooks() is typed by the registration too.
  expectTypeOf(createAuthHooks().useSession().user).toEqualTypeOf<AppUser | null>()
  return null
}
