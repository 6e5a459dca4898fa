import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEmitter } from '../../src/core/createEmitter'

interface Events {
  ping: { n: number }
  pong: { text: string }
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('createEmitter', () => {
  it('calls the listeners of one type, in subscription order, with the event', () => {
    const { on, emit } = createEmitter<Events>()
    const seen: string[] = []
    on('ping', (event) => seen.push(`a${event.n}`))
    on('pong', (event) => seen.push(event.text))
    on('ping', (event) => seen.push(`b${event.n}`))
    emit('ping', { n: 1 })
    emit('pong', { text: 'pong' })
    expect(seen).toEqual(['a1', 'b1', 'pong'])
  })

  it('unsubscribes one subscription; calling the returned function twice is harmless', () => {
    const { on, emit } = createEmitter<Events>()
    const seen: number[] = []
    const listener = (event: { n: number }) => seen.push(event.n)
    const stop = on('ping', listener)
    on('ping', listener)
    emit('ping', { n: 1 })
    stop()
    stop()
    emit('ping', { n: 2 })
    expect(seen).toEqual([1, 1, 2])
  })

  it('a listener that unsubscribes another while running does not skip or repeat anyone this round', () => {
    const { on, emit } = createEmitter<Events>()
    const seen: string[] = []
    let stopB = () => {}
    on('ping', () => {
      seen.push('a')
      stopB()
    })
    stopB = on('ping', () => seen.push('b'))
    emit('ping', { n: 1 })
    emit('ping', { n: 2 })
    expect(seen).toEqual(['a', 'b', 'a'])
  })

  it('a throwing listener stops neither the others nor emit, and is reported once in development', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { on, emit } = createEmitter<Events>()
    const seen: number[] = []
    on('ping', () => {
      throw new Error('boom')
    })
    on('ping', (event) => seen.push(event.n))
    expect(() => emit('ping', { n: 1 })).not.toThrow()
    emit('ping', { n: 2 })
    expect(seen).toEqual([1, 2])
    expect(errors).toHaveBeenCalledTimes(1)
    expect(errors.mock.calls[0]).toEqual(['[react-jwt-session] a "ping" listener threw:', new Error('boom')])
  })

  it('says nothing in production, and still calls the other listeners', () => {
    vi.stubEnv('NODE_ENV', 'production')
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { on, emit } = createEmitter<Events>()
    const seen: number[] = []
    on('ping', () => {
      throw new Error('boom')
    })
    on('ping', (event) => seen.push(event.n))
    emit('ping', { n: 1 })
    expect(seen).toEqual([1])
    expect(errors).not.toHaveBeenCalled()
  })
})
