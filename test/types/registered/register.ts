import type { AppClaims, AppCredentials, AppUser } from './appTypes'

// What an app writes once, e.g. in src/auth.ts: the React entry's name is the augmentation target.
declare module 'react-jwt-session' {
  interface Register {
    user: AppUser
    claims: AppClaims
    credentials: AppCredentials
  }
}
