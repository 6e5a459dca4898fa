import type { Config } from '@react-router/dev/config'

export default {
  appDirectory: 'app',
  ssr: true,
  future: {
    // Middleware renews the session once per document request, before the loaders that need it run.
    v8_middleware: true,
    // The rest: React Router 8's behaviour now, which also keeps the build free of warnings.
    v8_passThroughRequests: true,
    v8_splitRouteModules: true,
    v8_trailingSlashAwareDataRequests: true,
    v8_viteEnvironmentApi: true,
  },
} satisfies Config
