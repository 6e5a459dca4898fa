/** The types an app registers once (see register.ts and registerCore.ts). */
export interface AppUser {
  id: string
  name: string
}

export interface AppClaims {
  role: 'admin' | 'member'
  tenant: string
}

export interface AppCredentials {
  username: string
  password: string
}

/** A different user type, for the explicit generics that override the registered one. */
export interface OtherUser {
  email: string
}
