const JWT_SHAPED = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/g

/** `…` and the token's last 6 characters: enough to tell two tokens apart, useless to anyone else. */
export const tokenTail = (token: string): string => `…${token.slice(-6)}`

/** `text` with every JWT-shaped string cut down to its last 6 characters (a user object may hold one). */
export const redact = (text: string): string => text.replace(JWT_SHAPED, tokenTail)
