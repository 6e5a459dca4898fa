// A BroadcastChannel with deterministic delivery: Node's (which jsdom exposes) delivers through the real event
// loop, so the order of messages against the fake clock would differ from run to run and a seed would not
// replay. This one copies each message with the structured-clone algorithm when it is posted (so an uncloneable
// payload throws `DataCloneError` there, as in a browser) and delivers it to every other open channel of the
// same name on a fake-timer task.

const groups = new Map<string, Set<FuzzBroadcastChannel>>()

export class FuzzBroadcastChannel extends EventTarget {
  onmessage: ((event: MessageEvent) => void) | null = null
  onmessageerror: ((event: MessageEvent) => void) | null = null
  #closed = false
  readonly name: string

  constructor(name: string) {
    super()
    this.name = String(name)
    let group = groups.get(this.name)
    if (!group) {
      group = new Set()
      groups.set(this.name, group)
    }
    group.add(this)
  }

  postMessage(data: unknown): void {
    if (this.#closed) throw new DOMException('BroadcastChannel is closed.', 'InvalidStateError')
    const copy = structuredClone(data)
    for (const other of groups.get(this.name) ?? []) {
      if (other === this) continue
      setTimeout(() => other.#deliver(copy), 0)
    }
  }

  #deliver(data: unknown) {
    if (this.#closed) return
    const event = new MessageEvent('message', { data: structuredClone(data) })
    this.onmessage?.(event)
    this.dispatchEvent(event)
  }

  close(): void {
    this.#closed = true
    groups.get(this.name)?.delete(this)
  }

  /** Forgets every channel (between sequences). */
  static reset(): void {
    groups.clear()
  }
}
