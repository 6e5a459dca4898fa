import { Nav } from '../Nav'

export default function Home() {
  return (
    <main>
      <Nav />
      <h1>react-jwt-session · React Router</h1>
      <p>
        The root middleware renews the session with the refresh cookie before the loaders run, so this page
        arrives signed in. The dashboard is protected: without a session its loader redirects to the sign-in
        page.
      </p>
    </main>
  )
}
