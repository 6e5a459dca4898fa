import type { Meta, StoryObj } from '@storybook/react-vite'
import { AuthProvider, SignedIn, SignedOut } from 'react-jwt-session'
import { expect, userEvent, waitFor } from 'storybook/test'
import { AccountCard, GateFallback } from './support/DemoApp'
import { useHarness } from './support/harnessContext'
import { LoginForm } from './support/LoginForm'
import { defaultStoryArgs, documents, type StoryArgs, storyArgTypes } from './support/makeStoryClient'
import { expectField, fieldText } from './support/play'
import { withInspector } from './support/SessionInspector'
import { withStoryClient } from './support/withStoryClient'

function LoginPage() {
  const { client } = useHarness()
  return (
    <AuthProvider client={client} fallback={<GateFallback />}>
      <div className="app">
        <SignedOut>
          <LoginForm />
        </SignedOut>
        <SignedIn>
          <AccountCard />
        </SignedIn>
      </div>
    </AuthProvider>
  )
}

const meta = {
  title: 'Hooks/useLogin',
  component: documents(LoginForm),
  tags: ['autodocs'],
  decorators: [withInspector, withStoryClient],
  args: { ...defaultStoryArgs, returningUser: 'none', failAt: 'login' },
  argTypes: storyArgTypes,
  render: () => <LoginPage />,
  parameters: {
    docs: {
      description: {
        component:
          'A sign-in form built on `useLogin()`, a TanStack mutation around `login`: `isPending` drives the ' +
          'button, `error` is an `AuthError` whose `code` (and `status`) say what to tell the user. The form ' +
          'is a sample in the stories, not part of the package. Set **failure** to see each error.',
      },
      source: {
        code: `function LoginForm() {
  const login = useLogin()
  const [form, setForm] = useState({ username: '', password: '' })
  return (
    <form onSubmit={(e) => { e.preventDefault(); login.mutate(form) }}>
      {/* labelled inputs … */}
      {login.error && <p role="alert">{messageFor(login.error)}</p>}
      <button disabled={login.isPending}>{login.isPending ? 'Signing in…' : 'Sign in'}</button>
    </form>
  )
}`,
      },
    },
  },
} satisfies Meta<StoryArgs>

export default meta
type Story = StoryObj<typeof meta>

/** The form before anything happens: labelled fields, no error. */
export const Idle: Story = {
  play: async ({ canvas }) => {
    const form = await canvas.findByRole('form', { name: 'Sign in' })
    await expect(form).toBeVisible()
    await expect(canvas.getByLabelText('Username')).toHaveValue('')
    await expect(canvas.getByLabelText('Password')).toHaveAttribute('type', 'password')
    await expect(canvas.getByRole('button', { name: 'Sign in' })).toBeEnabled()
    await expect(canvas.queryByRole('alert')).toBeNull()
  },
}

/** The login call is in flight (a slow server): the button is disabled and says so. */
export const Submitting: Story = {
  args: { failure: 'slow' },
  play: async ({ canvas }) => {
    await userEvent.type(await canvas.findByLabelText('Username'), 'ada')
    await userEvent.type(canvas.getByLabelText('Password'), 'lovelace')
    await userEvent.click(canvas.getByRole('button', { name: 'Sign in' }))
    const button = await canvas.findByRole('button', { name: 'Signing in…' })
    await expect(button).toBeDisabled()
    await expect(button).toHaveAttribute('aria-busy', 'true')
  },
}

/** Wrong password: the server's 401 becomes `AuthError('invalid_credentials')`. */
export const InvalidCredentials: Story = {
  play: async ({ canvas, canvasElement }) => {
    await userEvent.type(await canvas.findByLabelText('Username'), 'ada')
    await userEvent.type(canvas.getByLabelText('Password'), 'babbage')
    await userEvent.click(canvas.getByRole('button', { name: 'Sign in' }))
    await expect(await canvas.findByRole('alert')).toHaveTextContent('Wrong username or password.')
    await expect(canvas.getByRole('button', { name: 'Sign in' })).toBeEnabled()
    await expect(fieldText(canvasElement, 'Status')).toBe('unauthenticated')
  },
}

/** The login call cannot reach the server: `AuthError('network')`. */
export const NetworkError: Story = {
  args: { failure: 'network' },
  play: async ({ canvas }) => {
    await userEvent.type(await canvas.findByLabelText('Username'), 'ada')
    await userEvent.type(canvas.getByLabelText('Password'), 'lovelace')
    await userEvent.click(canvas.getByRole('button', { name: 'Sign in' }))
    await expect(await canvas.findByRole('alert')).toHaveTextContent('Cannot reach the server.')
  },
}

/**
 * The server rate-limits sign-ins: a 429 is `AuthError('server')` with `status: 429` and `retryAfter`, the
 * seconds of its `Retry-After` header (the test server sends 60).
 */
export const TooManyAttempts: Story = {
  args: { failure: '429' },
  play: async ({ canvas }) => {
    await userEvent.type(await canvas.findByLabelText('Username'), 'ada')
    await userEvent.type(canvas.getByLabelText('Password'), 'lovelace')
    await userEvent.click(canvas.getByRole('button', { name: 'Sign in' }))
    await expect(await canvas.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in 60 s.')
  },
}

/** Right credentials: the form gives way to the account, with one login and no refresh. */
export const SignedInAfterLogin: Story = {
  play: async ({ canvas, canvasElement }) => {
    await userEvent.type(await canvas.findByLabelText('Username'), 'grace')
    await userEvent.type(canvas.getByLabelText('Password'), 'hopper')
    await userEvent.click(canvas.getByRole('button', { name: 'Sign in' }))
    await expect(await canvas.findByRole('heading', { name: 'Signed in as Grace Hopper' })).toBeVisible()
    await waitFor(() => expect(canvas.queryByRole('form', { name: 'Sign in' })).toBeNull())
    await expectField(canvasElement, 'Logins', '1')
    // The only refresh call was the initial one, refused: there was no cookie yet.
    await expect(fieldText(canvasElement, 'Refresh requests')).toBe('0')
  },
}
