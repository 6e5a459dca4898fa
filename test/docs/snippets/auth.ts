// auth.ts
import { createAuthClient } from 'react-jwt-session'

export interface User {
  id: string
  name: string
  role: string
}

export const authClient = createAuthClient<User>({ apiOrigins: ['https://api.example.com'] })
