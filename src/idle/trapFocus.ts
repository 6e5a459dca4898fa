const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

// Open traps, innermost last: only that one pulls focus back, so two open at once never fight over it.
const open: HTMLElement[] = []

/**
 * Keeps keyboard focus inside `container` while it is open: Tab and Shift+Tab wrap around its focusable
 * elements, focus that lands outside (a click, a script) is brought back, and Escape calls `onEscape`.
 * Focus starts on `initial` and goes back where it was when the returned function is called.
 */
export function trapFocus(
  container: HTMLElement,
  initial: HTMLElement | null,
  onEscape: () => void,
): () => void {
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null
  const focusables = () => Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE))
  ;(initial ?? focusables()[0] ?? container).focus()

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      onEscape()
      return
    }
    if (event.key !== 'Tab') return
    const items = focusables()
    const first = items[0]
    const last = items[items.length - 1]
    if (!first || !last) return
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first.focus()
    }
  }
  const onFocusIn = (event: FocusEvent) => {
    if (open[open.length - 1] !== container) return
    if (event.target instanceof Node && !container.contains(event.target)) {
      ;(focusables()[0] ?? container).focus()
    }
  }
  open.push(container)
  container.addEventListener('keydown', onKeyDown)
  document.addEventListener('focusin', onFocusIn)
  return () => {
    open.splice(open.indexOf(container), 1)
    container.removeEventListener('keydown', onKeyDown)
    document.removeEventListener('focusin', onFocusIn)
    if (previous?.isConnected) previous.focus()
  }
}
