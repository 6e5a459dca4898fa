import { createTestToken } from 'react-jwt-session/testing'
import { expect, it } from 'vitest'
import { redact, redactedJson } from '../../src/devtools/redact'

it('hides fields named like secrets whatever their shape, shows tokens as their tail, bounds depth', () => {
  const token = createTestToken({ sub: 'u1' })
  const deep = JSON.parse(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`)
  const text = redactedJson(
    {
      refresh_token: 'opaque-1',
      refreshToken: 'opaque-2',
      id_token: { nested: 'opaque-3' },
      password: 'opaque-4',
      client_secret: 'opaque-5',
      api_key: 'opaque-6',
      accessToken: token,
      note: `Bearer ${token}`,
      deep,
    },
    10_000,
  )
  expect(text).not.toMatch(/opaque-\d/)
  expect(text).not.toContain(token.split('.')[1])
  expect(text).toContain(`"accessToken":"…${token.slice(-6)}"`)
  expect(text.match(/\[hidden\]/g)).toHaveLength(6)
  expect(redact(`x ${token} y`)).toBe(`x …${token.slice(-6)} y`)
})
