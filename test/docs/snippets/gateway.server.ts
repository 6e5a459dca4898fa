// The gateway the docs' blocks import as `./gateway.server` (docs/gateway.md shows it).
import { createSessionGateway } from 'react-jwt-session/gateway'
import { simplejwt } from 'react-jwt-session/gateway/simplejwt'

export const gateway = createSessionGateway({
  upstream: simplejwt({ url: 'https://api.example.com' }),
  secret: process.env.SESSION_SECRET as string,
})
