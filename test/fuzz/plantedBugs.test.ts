import { AuthError, type AuthState } from 'react-jwt-session/core'
import { describe, expect, it } from 'vitest'
import { type Client, runSequence } from './sequence'

// The fuzz test's own control: clients broken on purpose, one bug each, must be caught by the invariant that
// stands for it, with a message that names the planted behaviour, within a bounded number of sequences.

function lastToken(client: Client) {
  let token: string | null = null
  client.subscribe((state) => {
    if (state.accessToken) token = state.accessToken
  })
  return () => token
}

const planted: Array<{ bug: string; invariant: string; message: RegExp; wrap: (client: Client) => Client }> =
  [
    {
      bug: 'getAccessToken() hands out the last token after destroy()',
      invariant: 'nothing-after-destroy',
      message: /getAccessToken\(\) resolved token#\d+ after destroy/,
      wrap: (client) => {
        const last = lastToken(client)
        let destroyed = false
        return {
          ...client,
          destroy: () => {
            destroyed = true
            client.destroy()
          },
          getAccessToken: (options) => (destroyed ? Promise.resolve(last()) : client.getAccessToken(options)),
        }
      },
    },
    {
      bug: 'a failed login() carries the last token in its details',
      invariant: 'no-token-in-errors-events-console',
      message: /login\(\): a token the server sent is in \.details/,
      wrap: (client) => {
        const last = lastToken(client)
        return {
          ...client,
          login: (credentials) =>
            client.login(credentials).catch((error: AuthError) => {
              throw new AuthError(error.code, undefined, { details: { token: last() } })
            }),
        }
      },
    },
    {
      bug: 'a sign-in adopts the token with a space appended',
      invariant: 'no-garbage-adopted',
      message: /adopted a token the server never sent/,
      wrap: (client) => {
        client.on('signin', ({ session }) =>
          client.store.setState({ accessToken: `${session.accessToken} ` }),
        )
        return client
      },
    },
    {
      bug: 'a refused renewal puts the session back',
      invariant: 'refusal-ends-session',
      message: /refresh was refused .* and it kept token#\d+/,
      wrap: (client) => {
        let signedIn: AuthState<unknown> | null = null
        client.subscribe((state) => {
          if (state.status === 'authenticated') signedIn = state
        })
        client.on('signout', ({ reason }) => {
          if (reason === 'expired' && signedIn) client.store.setState(signedIn)
        })
        return client
      },
    },
    {
      bug: 'refresh() never settles while signed out',
      invariant: 'no-hang',
      message: /refresh\(\) \(step \d+\) has not settled/,
      wrap: (client) => ({
        ...client,
        refresh: () =>
          client.getState().status === 'authenticated' ? client.refresh() : new Promise<never>(() => {}),
      }),
    },
  ]

describe('fuzz self-test: planted bugs are caught', () => {
  for (const { bug, invariant, message, wrap } of planted) {
    it(`${bug} → ${invariant}`, async () => {
      let found: string | null = null
      for (let seed = 1; seed <= 300 && !found; seed += 1) {
        const result = await runSequence(seed, { only: new Set([invariant]), wrapClient: wrap })
        // Only the planted behaviour counts: the same invariant may also catch a real bug of the client.
        if (result.violation && message.test(result.violation.message)) found = result.violation.message
      }
      expect(found).toMatch(message)
    }, 60_000)
  }
})
