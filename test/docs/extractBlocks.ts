// Finds the TypeScript blocks of a Markdown file and what each one declares about itself. The syntax is
// described in CONTRIBUTING.md ("Code blocks in the docs").

export interface DocBlock {
  /** The Markdown file, relative to the repository root. */
  file: string
  /** 1-based line of the opening fence. */
  line: number
  lang: 'ts' | 'tsx'
  /** The block's code, without the fence and the list indentation. */
  code: string
  /** Code put in front of the block before compiling it (from `<!-- prelude: … -->`), or ''. */
  prelude: string
  /** 1-based line of the prelude comment, for errors inside the prelude. */
  preludeLine: number
  /** A repository file the block must be identical to (from `<!-- source: path -->`), or null. */
  source: string | null
  /** Why the block is not compiled (from ```ts no-check: reason), or null. */
  noCheck: string | null
}

const FENCE = /^(\s*)```(\w+)?(.*)$/
const DIRECTIVE = /^<!--\s*(prelude|source):([\s\S]*?)-->$/

export function extractBlocks(file: string, markdown: string): DocBlock[] {
  const lines = markdown.split('\n')
  const blocks: DocBlock[] = []
  for (let i = 0; i < lines.length; i += 1) {
    const open = FENCE.exec(lines[i] ?? '')
    if (!open) continue
    const [, indent = '', lang = '', info = ''] = open
    let end = i + 1
    while (end < lines.length && !new RegExp(`^${indent}\`\`\`\\s*$`).test(lines[end] ?? '')) end += 1
    const body = lines
      .slice(i + 1, end)
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
    const start = i
    i = end
    if (lang !== 'ts' && lang !== 'tsx' && lang !== 'typescript') continue

    // Directives: HTML comments on the lines right above the fence (no blank line in between).
    let prelude = ''
    let preludeLine = 0
    let source: string | null = null
    let above = start - 1
    while (above >= 0 && (lines[above] ?? '').trim().endsWith('-->')) {
      let first = above
      while (first > 0 && !(lines[first] ?? '').trim().startsWith('<!--')) first -= 1
      const comment = lines
        .slice(first, above + 1)
        .map((line) => line.trim())
        .join('\n')
      const directive = DIRECTIVE.exec(comment)
      if (!directive) break
      const [, kind, value = ''] = directive
      if (kind === 'source') source = value.trim()
      else {
        prelude = `${value.replace(/^[ \t]*\n/, '').trimEnd()}\n${prelude}`
        preludeLine = first + 1
      }
      above = first - 1
    }

    const noCheck = /\bno-check\b:?\s*(.*)$/.exec(info)
    blocks.push({
      file,
      line: start + 1,
      lang: lang === 'tsx' ? 'tsx' : 'ts',
      code: `${body.join('\n')}\n`,
      prelude,
      preludeLine,
      source,
      noCheck: noCheck ? (noCheck[1] ?? '').trim() || 'no-check' : null,
    })
  }
  return blocks
}
