import { storageEvents } from 'react-jwt-session/storage-events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveOptions } from '../../src/core/resolveOptions'

beforeEach(() => {
  vi.useFakeTimers()
  localStorage.clear()
})
afterEach(() => {
  vi.useRealTimers()
  localStorage.clear()
})

describe('resolveOptions', () => {
  it('the margin: min(60 s, 20 %) by default, capped at half the lifetime, never negative', () => {
    expect(resolveOptions({}).margin(15 * 60_000)).toBe(60_000)
    expect(resolveOptions({}).margin(60_000)).toBe(12_000)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(resolveOptions({ refreshMargin: 45_000 }).margin(60_000)).toBe(30_000)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(resolveOptions({ refreshMargin: -5 }).margin(60_000)).toBe(0)
  })

  it('the channel name, the hint under it (a boolean only) and the other defaults', () => {
    expect(resolveOptions({}).channel).toEqual({ name: 'react-jwt-session', fallback: undefined })
    expect(resolveOptions({ crossTab: { name: 'app' } }).channel).toEqual({
      name: 'app',
      fallback: undefined,
    })
    expect(resolveOptions({ crossTab: { fallback: storageEvents } }).channel).toEqual({
      name: 'react-jwt-session',
      fallback: storageEvents,
    })
    expect(resolveOptions({ crossTab: false }).channel).toBeNull()
    expect(resolveOptions({}).requestTimeout).toBe(10_000)
    const hinted = resolveOptions({ sessionHint: true, crossTab: { name: 'app' } })
    expect(hinted.hasSession()).toBe(false)
    hinted.writeHint(true)
    expect(localStorage.getItem('app:has-session')).toBe('1')
    expect(hinted.hasSession()).toBe(true)
    hinted.writeHint(false)
    expect(localStorage.length).toBe(0)
    const off = resolveOptions({})
    off.writeHint(true)
    expect(localStorage.length).toBe(0)
    expect(off.hasSession()).toBe(true)
  })
})
