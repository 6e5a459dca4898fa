import { Nav } from './Nav'

export default function Home() {
  return (
    <main>
      <Nav />
      <h1>react-jwt-session · Next.js</h1>
      <p>
        The proxy renews the session with the refresh cookie before each page is rendered, so this page
        arrives signed in. The dashboard is protected: without a session the server redirects to the sign-in
        page.
      </p>
    </main>
  )
}
