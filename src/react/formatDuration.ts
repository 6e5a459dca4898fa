/**
 * `m:ss`, rounded up to the second: the countdowns of the idle warning and the devtools. Not exported from the
 * React entry, so it costs it nothing.
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000))
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}
