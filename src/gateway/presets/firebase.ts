import type { UpstreamAdapter } from '../types'
import { errorCode, pick, type Refusal, requestTokens } from '../upstreamHttp'

// Firebase Authentication's REST API, as documented:
// https://firebase.google.com/docs/reference/rest/auth#section-sign-in-email-password
//   (POST identitytoolkit accounts:signInWithPassword?key=… {email, password, returnSecureToken: true} →
//   {idToken, email, refreshToken, expiresIn: "3600", localId, registered}; errors EMAIL_NOT_FOUND,
//   INVALID_PASSWORD, USER_DISABLED, and INVALID_LOGIN_CREDENTIALS where email enumeration protection is on)
// https://firebase.google.com/docs/reference/rest/auth#section-refresh-token
//   (POST securetoken /v1/token?key=… as a form {grant_type: refresh_token, refresh_token} → {expires_in: "3600",
//   token_type, refresh_token, id_token, user_id, project_id}; errors TOKEN_EXPIRED, USER_DISABLED,
//   USER_NOT_FOUND, INVALID_REFRESH_TOKEN, INVALID_GRANT_TYPE, MISSING_REFRESH_TOKEN)
// Every error is a 400 `{"error":{"code":400,"message":"INVALID_PASSWORD",…}}`; the message may go on after the
// code (`"TOO_MANY_ATTEMPTS_TRY_LATER : …"`). The ID token is the access token (a JWT with `exp`/`iat`).
// Logout is local: the REST API has no call that revokes one refresh token (revoking every session of a user is
// the Admin SDK's `revokeRefreshTokens`, which needs a service account the gateway should not hold). The sealed
// cookie is cleared, so this browser's refresh token is gone; the ID token lives on until it expires (1 h).

export interface FirebaseOptions {
  /** The project's Web API key (public: it identifies the project, it grants nothing). */
  apiKey: string
}

const IDENTITY_TOOLKIT = 'https://identitytoolkit.googleapis.com/v1/accounts:signInWithPassword'
const SECURE_TOKEN = 'https://securetoken.googleapis.com/v1/token'

/** The gateway's upstream for Firebase Authentication (email and password accounts). */
export function firebase({ apiKey }: FirebaseOptions): UpstreamAdapter {
  const upstream = 'firebase'
  const key = `?key=${encodeURIComponent(apiKey)}`
  const refusal =
    (code: 'invalid_credentials' | 'session_expired') =>
    (status: number, body: unknown): Refusal => {
      const message = String(pick(body, 'error.message') ?? '')
      const reason = errorCode(message.split(' ')[0])
      if (reason === 'TOO_MANY_ATTEMPTS_TRY_LATER') return { code: 'server', reason }
      if (/API key|API_KEY|INVALID_GRANT_TYPE|PROJECT_NOT_FOUND/i.test(message) || status === 403) {
        return {
          code: 'server',
          reason,
          message: 'Firebase refused the request itself (API key, project or grant type): check the apiKey.',
        }
      }
      return { code, reason }
    }
  return {
    name: upstream,
    async login(credentials, ctx) {
      return requestTokens(ctx, {
        upstream,
        call: 'login',
        url: IDENTITY_TOOLKIT + key,
        json: {
          email: credentials.email ?? credentials.username,
          password: credentials.password,
          returnSecureToken: true,
        },
        refusal: refusal('invalid_credentials'),
        fields: { accessToken: 'idToken', refreshToken: 'refreshToken', expiresIn: 'expiresIn' },
      })
    },
    async refresh(refreshToken, ctx) {
      return requestTokens(ctx, {
        upstream,
        call: 'refresh',
        url: SECURE_TOKEN + key,
        form: { grant_type: 'refresh_token', refresh_token: refreshToken },
        refusal: refusal('session_expired'),
        fields: { accessToken: 'id_token', refreshToken: 'refresh_token', expiresIn: 'expires_in' },
      })
    },
  }
}
