import type { SharedSession } from './tabProtocol'

/** How long a tab waits for the open tabs to answer before it goes on alone (a new tab then calls the server). */
export const HANDOFF_WAIT = 100

export interface TabPeers<User> {
  /** A message came from this tab id: it is open, and is asked next time. */
  heard(id: string): void
  /** An answer to this tab's question came in. */
  answered(session: SharedSession<User>, from: string): void
  /**
   * Asks the open tabs for their session (`ask()` posts the question) and hands each answer to `onSession`.
   * `anyone`: a new tab, which knows no tab yet, asks whoever is there and stops at the first answer.
   * Otherwise only the tabs heard from are asked, and the wait ends when each has answered; one that stays
   * silent is not waited for again until it speaks. Either way the wait is bounded by HANDOFF_WAIT.
   */
  ask(anyone: boolean, ask: () => void, onSession: (session: SharedSession<User>) => void): Promise<void>
  /** Whether a question is waiting for its answers. */
  asking(): boolean
  /** Ends the wait at once (the client is destroyed). */
  end(): void
}

/** The other tabs this one has heard from, and the question it is waiting on. */
export function createTabPeers<User>(): TabPeers<User> {
  const peers = new Set<string>()
  let answer: ((session: SharedSession<User>, from: string) => void) | null = null
  let end = () => {}
  return {
    heard: (id) => {
      peers.add(id)
    },
    answered: (session, from) => answer?.(session, from),
    ask(anyone, ask, onSession) {
      if (!anyone && !peers.size) return Promise.resolve()
      const waiting = new Set(peers)
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer)
          if (answer === mine) {
            answer = null
            end = () => {}
          }
          for (const id of waiting) peers.delete(id)
          resolve()
        }
        const mine = (session: SharedSession<User>, from: string) => {
          onSession(session)
          waiting.delete(from)
          if (anyone || !waiting.size) done()
        }
        const timer = setTimeout(done, HANDOFF_WAIT)
        answer = mine
        end = done
        ask()
      })
    },
    asking: () => answer !== null,
    end: () => end(),
  }
}
