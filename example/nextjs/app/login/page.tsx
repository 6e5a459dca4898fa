import { Suspense } from 'react'
import { Nav } from '../Nav'
import { LoginForm } from './LoginForm'

export default function LoginPage() {
  return (
    <main>
      <Nav />
      <h1 id="login-title">Sign in</h1>
      <p>Try alice / alice-password or bob / bob-password.</p>
      <Suspense>
        <LoginForm />
      </Suspense>
    </main>
  )
}
