// The docs' React Router framework-mode blocks import `../session.server` from `app/routes/`; blocks are
// compiled in test/docs/snippets/, so this is that path one folder up.
export * from './snippets/session.server'
