// @ts-check
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto'

/**
 * @typedef {object} Item
 * @property {string} id
 * @property {string} title
 * @property {boolean} done
 */

/**
 * A user as configured: credentials plus the claims that go into the access token.
 * @typedef {object} UserRecord
 * @property {string} username
 * @property {string} password
 * @property {string} [id] the token's `sub`; defaults to the username
 * @property {string} [name] defaults to the username
 * @property {string} [role] defaults to `'member'`
 * @property {Item[]} [items] what `GET /api/items` returns for this user
 */

/**
 * The user as the API shows it (login/refresh body, `GET /api/me`).
 * @typedef {object} PublicUser
 * @property {string} id
 * @property {string} username
 * @property {string} name
 * @property {string} role
 */

/** The seeded demo accounts. Their passwords are public on purpose: this is a demo. */
/** @type {UserRecord[]} */
export const DEMO_USERS = [
  {
    id: 'u_alice',
    username: 'alice',
    password: 'alice-password',
    name: 'Alice Admin',
    role: 'admin',
    items: [
      { id: 'a1', title: 'Rotate the signing key', done: false },
      { id: 'a2', title: 'Review access logs', done: true },
      { id: 'a3', title: 'Invite Bob to the workspace', done: true },
    ],
  },
  {
    id: 'u_bob',
    username: 'bob',
    password: 'bob-password',
    name: 'Bob Member',
    role: 'member',
    items: [
      { id: 'b1', title: 'Water the plants', done: false },
      { id: 'b2', title: 'Book the team lunch', done: false },
    ],
  },
]

const KEY_LENGTH = 32

/** @param {string} password @param {Buffer} salt */
const hashAsync = (password, salt) =>
  new Promise(
    /** @param {(hash: Buffer) => void} resolve @param {(error: Error) => void} reject */
    (resolve, reject) =>
      scrypt(password, salt, KEY_LENGTH, (error, hash) => (error ? reject(error) : resolve(hash))),
  )

/**
 * Holds the users with scrypt password hashes (the plain passwords are not kept here).
 * @param {UserRecord[]} records
 */
export function createUserDirectory(records) {
  /**
   * @type {Map<string, { user: PublicUser, items: Item[], salt: Buffer, hash: Buffer }>}
   */
  const byUsername = new Map()
  /** @type {Map<string, PublicUser>} */
  const byId = new Map()
  /** @type {Map<string, Item[]>} */
  const itemsById = new Map()
  for (const record of records) {
    const id = record.id ?? record.username
    /** @type {PublicUser} */
    const user = {
      id,
      username: record.username,
      name: record.name ?? record.username,
      role: record.role ?? 'member',
    }
    const items = record.items ?? [{ id: `${id}-1`, title: `Welcome, ${user.name}`, done: false }]
    const salt = randomBytes(16)
    byUsername.set(record.username, {
      user,
      items,
      salt,
      hash: scryptSync(record.password, salt, KEY_LENGTH),
    })
    byId.set(id, user)
    itemsById.set(id, items)
  }
  // Unknown usernames are checked against this, so they take as long as a wrong password does.
  const decoy = { salt: randomBytes(16), hash: randomBytes(KEY_LENGTH) }

  return {
    /**
     * The user if the password matches, else null.
     * @param {string} username
     * @param {string} password
     * @returns {Promise<PublicUser | null>}
     */
    async verify(username, password) {
      const entry = byUsername.get(username)
      const { salt, hash } = entry ?? decoy
      const candidate = await hashAsync(password, salt)
      return entry && timingSafeEqual(candidate, hash) ? entry.user : null
    },
    /** @param {string} id */
    byId: (id) => byId.get(id) ?? null,
    /** @param {string} id */
    itemsOf: (id) => itemsById.get(id) ?? [],
  }
}
