import type { AppClaims, AppCredentials, AppUser } from './appTypes'

// An app without React registers through the core entry; the React entry sees the same registration.
declare module 'react-jwt-session/core' {
  interface Register {
    user: AppUser
    claims: AppClaims
    credentials: AppCredentials
  }
}
