import { expect, waitFor, within } from 'storybook/test'

/** The session inspector panel (by its label) inside the story's canvas. */
export function inspector(canvasElement: HTMLElement, label = 'Session inspector') {
  return within(within(canvasElement).getByRole('complementary', { name: label }))
}

/** The text of one inspector field (`Status`, `Refresh requests`, …). */
export function fieldText(canvasElement: HTMLElement, field: string, label = 'Session inspector'): string {
  const panel = within(canvasElement).getByRole('complementary', { name: label })
  const value = panel.querySelector(`dd[data-field="${field}"]`)
  if (value === null) throw new Error(`The inspector has no field "${field}".`)
  return value.textContent ?? ''
}

/** Waits until an inspector field reads `expected` (a string is matched in full, after trimming). */
export async function expectField(
  canvasElement: HTMLElement,
  field: string,
  expected: string | RegExp,
  { label = 'Session inspector', timeout = 3_000 }: { label?: string; timeout?: number } = {},
) {
  await waitFor(
    () => {
      const text = fieldText(canvasElement, field, label).trim()
      if (typeof expected === 'string') expect(text).toBe(expected)
      else expect(text).toMatch(expected)
    },
    { timeout },
  )
}

/** Waits until the inspector's request log (`METHOD /path → outcome` lines) matches. */
export async function expectRequests(
  canvasElement: HTMLElement,
  expected: string | RegExp,
  { timeout = 3_000 }: { timeout?: number } = {},
) {
  await waitFor(
    () =>
      expect(within(canvasElement).getByRole('list', { name: 'Last requests' })).toHaveTextContent(expected),
    { timeout },
  )
}
