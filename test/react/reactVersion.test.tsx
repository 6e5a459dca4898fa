import { render } from '@testing-library/react'
import { version as reactVersion } from 'react'
import { version as domVersion } from 'react-dom'
import { version as serverVersion } from 'react-dom/server'
import { expect, it } from 'vitest'

// The React 18 run (test/react18/vitest.config.ts) sets REACT_MAJOR=18 and aliases React to its own copy.
const expected = process.env.REACT_MAJOR ?? '19'

it(`runs on React ${expected}`, () => {
  expect(reactVersion.split('.')[0]).toBe(expected)
  expect(domVersion).toBe(reactVersion)
  expect(serverVersion).toBe(reactVersion)
  // The renderer Testing Library uses is that same React: it renders a component made with it.
  const { container } = render(<p>{reactVersion}</p>)
  expect(container.textContent).toBe(reactVersion)
})
