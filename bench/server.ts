// One server of the benchmark, run in its own process: `hello` is a bare Fastify hello-world;
// `app` is the Vantage app plus baseline routes that run the same SQL through raw pg.
// Usage: tsx bench/server.ts hello|app <port> [databaseUrl] [rls|rls-round-trip|none|transaction]
import Fastify from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { SigningKeys } from '../src/infra/auth/signing-keys.js'
import { Database } from '../src/infra/db/database.js'
import { registerRawBaselines } from './raw-baselines.js'

const [mode, portText, databaseUrl, isolation] = process.argv.slice(2)
const port = Number(portText)

if (mode === 'hello') {
  const app = Fastify({ logger: false })
  app.get('/health/live', async () => ({ status: 'ok' }))
  await app.listen({ host: '127.0.0.1', port })
} else {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    APP_DATABASE_URL: databaseUrl,
    TOKEN_ISSUER: 'urn:vantage:bench',
    RATE_LIMIT_PER_MINUTE: '100000000',
    AUTH_FAILURES_PER_MINUTE: '100000000',
    DB_POOL_MAX: process.env.BENCH_DB_POOL_MAX ?? '10',
    // Queue workers only in the server of the webhook delivery benchmark (bench/webhooks.ts).
    JOBS_ENABLED: process.env.BENCH_JOBS ?? 'false',
    JOBS_CONCURRENCY: process.env.BENCH_JOBS_CONCURRENCY ?? '4',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    AUDIT_ENABLED: process.env.BENCH_AUDIT ?? 'true',
    ...(process.env.BENCH_GRAPHQL_JIT ? { GRAPHQL_JIT: process.env.BENCH_GRAPHQL_JIT } : {}),
    ...(process.env.BENCH_SCHOOL_CACHE_TTL_MS ? { SCHOOL_CACHE_TTL_MS: process.env.BENCH_SCHOOL_CACHE_TTL_MS } : {}),
  })
  const tenantIsolation = (['none', 'transaction', 'rls-round-trip'] as const).find((mode) => mode === isolation) ?? 'rls'
  const database = new Database({ ...config.database, url: databaseUrl!, tenantIsolation })
  const keys = await SigningKeys.fromJwks(JSON.parse(process.env.BENCH_SIGNING_KEYS!))
  const app = await buildApp({ config, database, keys, logger: false })
  registerRawBaselines(app, database)
  await app.listen({ host: '127.0.0.1', port })
}
process.send?.('ready')
// Exit cleanly on SIGINT, so that `node --cpu-prof` writes its profile when the server is profiled.
process.on('SIGINT', () => process.exit(0))
