import type { TestUser } from 'react-jwt-session/testing'

/** The user object the test server sends with each token (its `user` field). */
export interface StoryUser {
  username: string
  sub: string
  name: string
  role: 'admin' | 'reader'
}

/** Two accounts: an admin and a reader, so `RequireAuth allow` has something to decide. */
export const storyUsers = [
  { username: 'ada', password: 'lovelace', sub: 'user-ada', name: 'Ada Lovelace', role: 'admin' },
  { username: 'grace', password: 'hopper', sub: 'user-grace', name: 'Grace Hopper', role: 'reader' },
] satisfies (TestUser & Omit<StoryUser, 'username'>)[]

export type StoryUsername = (typeof storyUsers)[number]['username']

export const isAdmin = ({ user }: { user: StoryUser }) => user.role === 'admin'
