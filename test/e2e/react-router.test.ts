// @vitest-environment node
// example/react-router (React Router framework mode) in Chromium against its production build.
import { describeFrameworkExample } from './frameworkExample'

describeFrameworkExample('React Router framework mode', 'example/react-router/start.mjs')
