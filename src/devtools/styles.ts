import type { CSSProperties } from 'react'

/** Where the devtools float. */
export type DevtoolsPosition = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'

// Inline styles: the devtools need no stylesheet from the app and cannot be restyled by it by accident.
const font = '12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace'

export function rootStyle(position: DevtoolsPosition): CSSProperties {
  const [vertical, horizontal] = position.split('-') as ['top' | 'bottom', 'left' | 'right']
  return {
    position: 'fixed',
    [vertical]: 12,
    [horizontal]: 12,
    zIndex: 2147483600,
    display: 'flex',
    flexDirection: vertical === 'top' ? 'column' : 'column-reverse',
    alignItems: horizontal === 'left' ? 'flex-start' : 'flex-end',
    gap: 8,
    font,
    color: '#e6edf3',
  }
}

export const toggleStyle: CSSProperties = {
  display: 'inline-flex',
  alignItems: 'center',
  gap: 6,
  padding: '6px 10px',
  border: '1px solid #30363d',
  borderRadius: 16,
  background: '#161b22',
  color: '#e6edf3',
  font,
  cursor: 'pointer',
}

export const panelStyle: CSSProperties = {
  width: 'min(420px, calc(100vw - 24px))',
  maxHeight: 'min(560px, calc(100vh - 70px))',
  overflow: 'auto',
  padding: 12,
  border: '1px solid #30363d',
  borderRadius: 8,
  background: '#0d1117',
  boxShadow: '0 8px 24px rgba(0, 0, 0, 0.35)',
}

export const headingStyle: CSSProperties = {
  margin: '10px 0 4px',
  fontSize: 11,
  color: '#8b949e',
  textTransform: 'uppercase',
}

export const fieldsStyle: CSSProperties = {
  display: 'grid',
  gridTemplateColumns: 'max-content 1fr',
  gap: '2px 12px',
  margin: 0,
}

export const buttonStyle: CSSProperties = {
  padding: '4px 8px',
  border: '1px solid #30363d',
  borderRadius: 6,
  background: '#21262d',
  color: '#e6edf3',
  font,
  cursor: 'pointer',
}

export const logStyle: CSSProperties = { listStyle: 'none', margin: 0, padding: 0 }

const statusColors: Record<string, string> = {
  authenticated: '#3fb950',
  unauthenticated: '#8b949e',
  loading: '#d29922',
}

export const dotStyle = (status: string): CSSProperties => ({
  display: 'inline-block',
  width: 8,
  height: 8,
  borderRadius: 4,
  background: statusColors[status] ?? '#8b949e',
})

const typeColors: Record<string, string> = {
  signin: '#3fb950',
  signout: '#f0883e',
  refresh: '#58a6ff',
  error: '#f85149',
  request: '#a5a5a5',
  message: '#bc8cff',
}

export const typeStyle = (type: string): CSSProperties => ({ color: typeColors[type] ?? '#e6edf3' })
