import type { Meta, StoryObj } from '@storybook/react-vite'
import { AuthProvider, createAuthHooks, SignedIn, SignedOut } from 'react-jwt-session'
import { expect, userEvent } from 'storybook/test'
import { useHarness } from './support/harnessContext'
import { LoginForm } from './support/LoginForm'
import { defaultStoryArgs, documents, type StoryArgs, storyArgTypes } from './support/makeStoryClient'
import { expectField } from './support/play'
import { withInspector } from './support/SessionInspector'
import type { StoryUser } from './support/storyUsers'
import { withStoryClient } from './support/withStoryClient'

// The hooks typed once for the app's user, as an app would export them from one module.
const { useAuth } = createAuthHooks<StoryUser>()

function Greeting() {
  // Selects only the name: a silent refresh (a new token, the same user) does not re-render this.
  const name = useAuth((state) => state.user?.name)
  const { logout } = useAuth()
  return (
    <section className="card" aria-label="Signed-in content">
      <h2>Welcome back, {name}</h2>
      <p className="muted">
        Inside <code>&lt;SignedIn&gt;</code>.
      </p>
      <button type="button" onClick={() => void logout()}>
        Sign out
      </button>
    </section>
  )
}

function Header() {
  const { client } = useHarness()
  return (
    <AuthProvider client={client}>
      <div className="app">
        <SignedIn>
          <Greeting />
        </SignedIn>
        <SignedOut>
          <section className="card" aria-label="Signed-out content">
            <h2>Hello, visitor</h2>
            <p className="muted">
              Inside <code>&lt;SignedOut&gt;</code>.
            </p>
          </section>
          <LoginForm />
        </SignedOut>
      </div>
    </AuthProvider>
  )
}

const meta = {
  title: 'Components/SignedIn and SignedOut',
  component: documents(SignedIn),
  subcomponents: { SignedOut },
  tags: ['autodocs'],
  decorators: [withInspector, withStoryClient],
  args: defaultStoryArgs,
  argTypes: storyArgTypes,
  render: () => <Header />,
  parameters: {
    docs: {
      description: {
        component:
          '`<SignedIn>` renders its children only while a user is signed in, `<SignedOut>` only while ' +
          'nobody is. Neither renders while the session is being restored, so a returning user never sees a ' +
          'flash of the signed-out view.',
      },
      source: {
        code: `<SignedIn><UserMenu /></SignedIn>
<SignedOut><a href="/login">Sign in</a></SignedOut>`,
      },
    },
  },
} satisfies Meta<StoryArgs>

export default meta
type Story = StoryObj<typeof meta>

/** A signed-in user sees the `<SignedIn>` part; signing out swaps in the `<SignedOut>` part. */
export const SignedInUser: Story = {
  args: { returningUser: 'ada' },
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('heading', { name: 'Welcome back, Ada Lovelace' })).toBeVisible()
    await expect(canvas.queryByRole('region', { name: 'Signed-out content' })).toBeNull()
    await userEvent.click(canvas.getByRole('button', { name: 'Sign out' }))
    await expect(await canvas.findByRole('region', { name: 'Signed-out content' })).toBeVisible()
    await expect(canvas.queryByRole('region', { name: 'Signed-in content' })).toBeNull()
  },
}

/** A visitor sees the `<SignedOut>` part; signing in swaps in the `<SignedIn>` part. */
export const SignedOutVisitor: Story = {
  args: { returningUser: 'none' },
  play: async ({ canvas }) => {
    await expect(await canvas.findByRole('region', { name: 'Signed-out content' })).toBeVisible()
    await userEvent.type(canvas.getByLabelText('Username'), 'ada')
    await userEvent.type(canvas.getByLabelText('Password'), 'lovelace')
    await userEvent.click(canvas.getByRole('button', { name: 'Sign in' }))
    await expect(await canvas.findByRole('heading', { name: 'Welcome back, Ada Lovelace' })).toBeVisible()
    await expect(canvas.queryByRole('region', { name: 'Signed-out content' })).toBeNull()
  },
}

/** While the session is restored (the server hangs here), neither part renders. */
export const WhileLoading: Story = {
  args: { failure: 'hang', failAt: 'restore' },
  play: async ({ canvas, canvasElement }) => {
    await expectField(canvasElement, 'Status', 'loading')
    await expect(canvas.queryByRole('region', { name: 'Signed-in content' })).toBeNull()
    await expect(canvas.queryByRole('region', { name: 'Signed-out content' })).toBeNull()
  },
}
