import { hydrateRoot } from 'react-dom/client'
import { Root } from './App'
import { takeEmbeddedSession } from './embedSession'

// The browser entry: adopt the session the server rendered with, then hydrate the same tree.
const session = takeEmbeddedSession(document)
const container = document.getElementById('root')
if (!container) throw new Error('The server-rendered page has no #root element')
hydrateRoot(container, <Root session={session} />)
