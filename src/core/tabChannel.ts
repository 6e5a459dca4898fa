import type { Emitter } from './createEmitter'
import { openTabSync } from './crossTab'
import { createTabPeers } from './tabPeers'
import type { Outgoing, SharedSession, TabSync } from './tabProtocol'
import type { AuthEventMap, CrossTabFallback, SignOutReason } from './types'

/**
 * This tab's side of the cross-tab protocol: opens and closes the channel, answers the other tabs'
 * questions, routes their messages, and reports every message as a `message` event. The hooks:
 * - `shared()`: this tab's session as another tab receives it, or null;
 * - `onSession(session, cause, since)`: a session from another tab, shared after a sign-in (whose call began
 *   at `since`) or a renewal, or answered to this tab's question;
 * - `onLogout(reason, refused)`: another tab signed out (`refused`: because the server refused its renewal);
 * - `onSignin()`: storage fallback, another tab signed in and no token travelled with it.
 */
export function createTabChannel<User>(
  channel: { name: string; fallback: CrossTabFallback | undefined } | null,
  id: string,
  emit: Emitter<AuthEventMap<User>>['emit'],
  shared: () => SharedSession<User> | null,
  onSession: (session: SharedSession<User>, cause: 'signin' | 'refresh', since?: number) => void,
  onLogout: (reason: SignOutReason, refused: boolean) => void,
  onSignin: () => void,
) {
  const peers = createTabPeers<User>()
  let sync: TabSync<User> | null = null

  function post(message: Outgoing<User>) {
    const type = sync?.post(message)
    if (type) emit('message', { direction: 'out', type, peer: message.type === 'answer' ? message.to : null })
  }

  return {
    kind: () => sync?.kind ?? 'none',
    post,
    open() {
      if (channel === null) return
      sync = openTabSync<User>(
        channel.name,
        (message) => {
          if (message.type === 'answer' && message.to !== id) return
          const broadcast = sync?.kind === 'broadcast'
          if (broadcast) peers.heard(message.from)
          emit('message', {
            direction: 'in',
            type: message.type,
            peer: broadcast ? message.from : null,
          })
          if (message.type === 'logout')
            onLogout(
              message.reason === 'idle' ? 'idle' : 'other-tab',
              !!message.reason && message.reason !== 'idle',
            )
          else if (message.type === 'session') onSession(message.session, message.cause, message.since)
          else if (message.type === 'signin') onSignin()
          else if (message.type === 'ask') {
            const session = shared()
            if (session) post({ type: 'answer', to: message.from, session })
          } else peers.answered(message.session, message.from)
        },
        id,
        channel.fallback,
      )
      // Reopened while a question waits (StrictMode unmounts and mounts again at once): the old channel is
      // closed, so ask again on the new one; the original wait still bounds it.
      if (peers.asking()) post({ type: 'ask' })
    },
    close() {
      sync?.close()
      sync = null
    },
    /** Asks the open tabs for their session (see TabPeers.ask); each answer goes to `onSession`. */
    ask: (anyone: boolean) =>
      sync?.kind === 'broadcast'
        ? peers.ask(
            anyone,
            () => post({ type: 'ask' }),
            (session) => onSession(session, 'refresh'),
          )
        : Promise.resolve(),
    end: peers.end,
  }
}
