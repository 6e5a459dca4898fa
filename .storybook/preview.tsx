import type { Preview } from '@storybook/react-vite'
import { StrictMode } from 'react'
import '../stories/support/story.css'

const preview: Preview = {
  // Every story renders in StrictMode, as an app in development does: effects run twice, and the package
  // must still make one refresh, one sign-out, one client.
  decorators: [
    (Story) => (
      <StrictMode>
        <Story />
      </StrictMode>
    ),
  ],
  parameters: {
    layout: 'padded',
    controls: { sort: 'requiredFirst', expanded: true },
    options: {
      storySort: {
        order: ['Introduction', 'Components', 'Hooks', 'Session', 'Cross-tab'],
      },
    },
  },
}

export default preview
