// @vitest-environment node
// example/nextjs (Next.js App Router) in Chromium against its production build.
import { describeFrameworkExample } from './frameworkExample'

describeFrameworkExample('Next.js App Router', 'example/nextjs/start.mjs')
