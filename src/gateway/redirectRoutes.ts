import { failure, failureAnswer } from './gatewayAnswers'
import type { GatewayKit } from './gatewayKit'

/**
 * `GET {basePath}/login` and `GET {basePath}/callback` for redirect presets (SPEC §15). Not wired yet: it
 * answers 405 until the redirect flow lands.
 */
export async function handleRedirectRoute(
  _request: Request,
  _route: 'login' | 'callback',
  _kit: GatewayKit,
): Promise<Response> {
  return failureAnswer(failure(405, 'method_not_allowed', 'Sign-in by redirect is not available yet.'), [], {
    Allow: 'POST',
  })
}
