import type { ReactNode } from 'react'
import type { AuthClient, AuthEventListener, AuthEventType, AuthState, RegisteredUser } from '../core/types'
import { RequireAuth, type RequireAuthProps } from './RequireAuth'
import { type UseAuthResult, useAuth } from './useAuth'
import { useAuthClient } from './useAuthClient'
import { useAuthEvent } from './useAuthEvent'
import { type UseLoginOptions, type UseLoginResult, useLogin } from './useLogin'
import { type UseSessionOptions, type UseSessionResult, useSession } from './useSession'

/** The hooks and `<RequireAuth>` with the app's `User` type filled in. */
export interface AuthHooks<User = RegisteredUser> {
  useAuth: {
    (): UseAuthResult<User>
    <Selected>(selector: (state: AuthState<User>) => Selected): Selected
  }
  useSession: (options?: UseSessionOptions) => UseSessionResult<User>
  useLogin: (options?: UseLoginOptions<User>) => UseLoginResult<User>
  useAuthClient: () => AuthClient<User>
  useAuthEvent: <T extends AuthEventType>(type: T, listener: AuthEventListener<T, User>) => void
  RequireAuth: (props: RequireAuthProps<User>) => ReactNode
}

/**
 * The same hooks, typed once for the app's `User`, so no call site repeats the type parameter. Export them
 * from one module of the app. Nothing new at runtime: these are the package's own hooks. With the app's types
 * registered (`declare module 'react-jwt-session' { interface Register { user: MyUser } }`) the package's own
 * hooks are typed already, and `createAuthHooks()` without a type argument gives the same.
 *
 * @example
 * export const { useAuth, useSession, RequireAuth } = createAuthHooks<MyUser>()
 * const name = useAuth((state) => state.user?.name) // string | undefined
 */
export function createAuthHooks<User = RegisteredUser>(): AuthHooks<User> {
  return { useAuth, useSession, useLogin, useAuthClient, useAuthEvent, RequireAuth } as AuthHooks<User>
}
