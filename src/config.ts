// The one place that reads the environment. Every setting is validated once at start-up and passed
// down as a typed object; nothing else reads process.env.
import Type, { type Static } from 'typebox'
import { Value } from 'typebox/value'

const Environment = Type.Object({
  NODE_ENV: Type.Enum(['development', 'production', 'test'], { default: 'development' }),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  APP_DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  REPORTING_DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'A read replica for GraphQL reports and CSV exports, as the same unprivileged role (row-level security applies there too)' })),
  APP_DB_ROLE: Type.String({ pattern: '^[a-z_][a-z0-9_]*$', default: 'vantage_app' }),
  APP_DB_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  MIGRATE_ON_START: Type.Boolean({ default: true }),
  SEED_DEMO: Type.Optional(Type.Boolean()),
  DATA_DIR: Type.String({ default: '.data' }),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
  DB_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 3000 }),
  DB_QUERY_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10000 }),
  SCHOOL_CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 300000, default: 5000 }),
  SCHOOL_CACHE_NOTIFIED_TTL_MS: Type.Integer({ minimum: 0, maximum: 3600000, default: 300000 }),
  SUGGESTION_CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 300000, default: 5000 }),
  REPORT_EXPORT_MAX_ROWS: Type.Integer({ minimum: 1, maximum: 1000000, default: 100000 }),
  TRUST_PROXY: Type.String({ default: '', pattern: '^(|true|[0-9]+|[0-9a-fA-F.:/, ]+)$' }),
  SHUTDOWN_READINESS_DELAY_MS: Type.Integer({ minimum: 0, default: 0 }),
  TOKEN_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  TOKEN_AUDIENCE: Type.String({ minLength: 1, default: 'vantage-api' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86400, default: 3600 }),
  SIGNING_KEYS: Type.Optional(Type.String({ minLength: 2 })),
  PLATFORM_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  PLATFORM_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  PLATFORM_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  JWKS_ALLOW_HTTP: Type.Optional(Type.Boolean()),
  JWKS_ALLOWED_HOSTS: Type.Optional(Type.String({ description: 'Comma-separated hosts, addresses or CIDR ranges an identity provider\'s JWKS may be fetched from besides public addresses ("none": public addresses only)' })),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1048576 }),
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 10000 }),
  CORS_ORIGINS: Type.String({ default: '', description: 'Comma-separated origins allowed to call from a browser' }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 1200 }),
  AUTH_FAILURES_PER_MINUTE: Type.Integer({ minimum: 1, default: 120, description: 'Bearer tokens refused a minute per client address before the address is answered 429 without checking its tokens' }),
  GRAPHQL_MAX_DEPTH: Type.Integer({ minimum: 2, maximum: 32, default: 8 }),
  GRAPHQL_MAX_COST: Type.Integer({ minimum: 10, maximum: 1000000, default: 5000 }),
  GRAPHQL_BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 1048576, default: 32768 }),
  GRAPHQL_MAX_TOKENS: Type.Integer({ minimum: 100, maximum: 100000, default: 2000 }),
  GRAPHIQL_ENABLED: Type.Optional(Type.Boolean({ description: 'Serve GraphiQL at /graphiql (default: on outside production, off in production); in production it also allows introspection for authenticated callers' })),
  GRAPHQL_JIT: Type.Integer({ minimum: 0, default: 1, description: 'Compile a query with graphql-jit after this many runs (0: never)' }),
  JOBS_ENABLED: Type.Boolean({ default: true }),
  JOBS_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 100, default: 4 }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60000, default: 10000 }),
  WEBHOOK_RETRY_SCHEDULE: Type.String({ default: '5,300,1800,7200,18000,36000,36000', pattern: '^[0-9]+(\\.[0-9]+)?(,[0-9]+(\\.[0-9]+)?)*$' }),
  WEBHOOK_ALLOWED_HOSTS: Type.String({ default: '' }),
  THANK_YOU_DUE_SOON_HOURS: Type.Number({ minimum: 0.25, maximum: 168, default: 4 }),
  PREPARATION_DUE_SOON_HOURS: Type.Number({ minimum: 1, maximum: 336, default: 24 }),
  IDEMPOTENCY_KEY_TTL_HOURS: Type.Number({ minimum: 24, maximum: 720, default: 24 }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  AUDIT_ENABLED: Type.Boolean({ default: true }),
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, default: 1000 }),
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
})

export type Environment = Static<typeof Environment>

export interface Config {
  env: Environment['NODE_ENV']
  production: boolean
  host: string
  port: number
  publicUrl: string
  logLevel: string
  database: {
    /** Owner role: runs migrations and creates the service role. Absent when only the service role is given. */
    ownerUrl?: string
    /** The unprivileged role the service connects as; derived from ownerUrl when not given. */
    appUrl?: string
    appRole: string
    appPassword?: string
    /** Neither URL given: run an embedded PostgreSQL under dataDir (never in production). */
    embedded: boolean
    /** A read replica that reports and CSV exports read from, as the service role; absent: the primary. */
    reportingUrl?: string
    migrateOnStart: boolean
    poolMax: number
    connectTimeoutMs: number
    queryTimeoutMs: number
    /** How long a school's row (status, settings) may be served from memory (0: read every time). */
    schoolCacheTtlMs: number
    /** The same while PostgreSQL's change notifications reach this instance (school-cache.ts). */
    schoolCacheNotifiedTtlMs: number
  }
  /** How long an instance reuses a school's candidate hosts for suggestions (0: read every time). */
  suggestionCacheTtlMs: number
  /** Longest list a CSV export streams; a longer one is refused with 400 before anything is sent. */
  reportExportMaxRows: number
  seedDemo: boolean
  dataDir: string
  auth: {
    issuer: string
    audience: string
    accessTokenTtlSeconds: number
    /** A JSON array of private JWKs (ES256 or EdDSA); the first signs, all verify. */
    signingKeys?: string
    platform?: { issuer: string; audience: string; jwksUrl: string }
    allowHttpJwks: boolean
    /**
     * Hosts, addresses or CIDR ranges a JWKS may be fetched from besides public addresses (the same
     * policy as webhooks). Outside production loopback is allowed, for a provider on the developer's
     * machine; in production nothing is unless configured ("none" says so outside production too).
     */
    jwksAllowedHosts: string[]
  }
  bodyLimitBytes: number
  shutdownGraceMs: number
  /** How long readiness reports "shutting down" before the listener closes (let load balancers notice). */
  shutdownReadinessDelayMs: number
  /** Fastify's trustProxy: false, true, a hop count, or addresses/CIDRs of the proxies. */
  trustProxy: boolean | number | string[]
  graphqlMaxDepth: number
  /** Highest estimated cost of a GraphQL query (src/graphql/cost.ts) accepted before it runs. */
  graphqlMaxCost: number
  /** Largest body a /graphql request may have (413 past it): a query is parsed whole before any other limit applies. */
  graphqlBodyLimitBytes: number
  /** Most tokens a GraphQL document may have; the parser stops there (400) instead of reading the rest. */
  graphqlMaxTokens: number
  /** mercurius `jit`: compile a query after this many runs; 0 keeps graphql-js (see docs/BENCHMARKS.md). */
  graphqlJit: number
  /** GraphiQL at /graphiql, with introspection allowed (GRAPHIQL_ENABLED; on outside production). */
  graphiqlEnabled: boolean
  /** Requests a minute per integration client, per school (members), or per address (unauthenticated). */
  rateLimitPerMinute: number
  /** Refused bearer tokens a minute per client address; past it the address gets 429 before any check. */
  authFailuresPerMinute: number
  /** Where instances share their rate-limit counters; without it each instance counts alone. */
  redisUrl?: string
  /** Whether writes and reads of others' personal data are written to the audit log (src/infra/http/audit.ts). */
  auditEnabled: boolean
  /** The bearer token a Prometheus scraper sends to GET /metrics (unset: /metrics answers 404). */
  metricsToken?: string
  /** @fastify/under-pressure: answer 503 past this event-loop delay or utilization (0: not checked). */
  pressure: { maxEventLoopDelayMs: number; maxEventLoopUtilization: number }
  /** Browser origins allowed by CORS (none by default: portals usually call from their backend). */
  corsOrigins: string[]
  jobs: {
    /** Whether this instance runs queue workers (every instance may; jobs never run twice at once). */
    enabled: boolean
    concurrency: number
  }
  webhooks: {
    timeoutMs: number
    /** Seconds before each retry after a failed attempt (jitter of ±20 % is added). */
    retrySchedule: number[]
    /**
     * Hosts, addresses or CIDR ranges that may receive webhooks although they are private, loopback or
     * link-local, and over plain http (a receiver inside the deployment). Empty: https to public addresses only.
     */
    allowedHosts: string[]
  }
  /** How long before a thank-you deadline thank_you.due_soon is announced. */
  thankYouDueSoonHours: number
  preparationDueSoonHours: number
  /** How long an Idempotency-Key and its response are kept (at least 24 hours). */
  idempotencyKeyTtlHours: number
}

export class ConfigError extends Error {}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(Environment.properties)
      .filter((key) => source[key] !== undefined && source[key] !== '')
      .map((key) => [key, source[key]]),
  )
  const converted = Value.Convert(Environment, Value.Default(Environment, known))
  if (!Value.Check(Environment, converted)) {
    const problems = [...Value.Errors(Environment, converted)].map(
      (error) => `${error.instancePath.replace(/^\//, '') || 'environment'} ${error.message}`,
    )
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  }
  const env = converted as Environment
  const production = env.NODE_ENV === 'production'
  const embedded = !env.DATABASE_URL && !env.APP_DATABASE_URL
  if (production && embedded) throw new ConfigError('DATABASE_URL or APP_DATABASE_URL is required in production')
  if (production && !env.SIGNING_KEYS) throw new ConfigError('SIGNING_KEYS is required in production')
  if (production && env.DATABASE_URL && !env.APP_DATABASE_URL && !env.APP_DB_PASSWORD) {
    throw new ConfigError('APP_DATABASE_URL or APP_DB_PASSWORD is required in production')
  }
  const platformParts = [env.PLATFORM_ISSUER, env.PLATFORM_AUDIENCE, env.PLATFORM_JWKS_URL]
  if (platformParts.some(Boolean) && !platformParts.every(Boolean)) {
    throw new ConfigError('PLATFORM_ISSUER, PLATFORM_AUDIENCE and PLATFORM_JWKS_URL go together')
  }
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '')
  return {
    env: env.NODE_ENV,
    production,
    host: env.HOST,
    port: env.PORT,
    publicUrl,
    logLevel: env.LOG_LEVEL,
    database: {
      ownerUrl: env.DATABASE_URL,
      appUrl: env.APP_DATABASE_URL,
      appRole: env.APP_DB_ROLE,
      appPassword: env.APP_DB_PASSWORD,
      embedded,
      reportingUrl: env.REPORTING_DATABASE_URL,
      migrateOnStart: env.MIGRATE_ON_START,
      poolMax: env.DB_POOL_MAX,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: env.DB_QUERY_TIMEOUT_MS,
      schoolCacheTtlMs: env.SCHOOL_CACHE_TTL_MS,
      schoolCacheNotifiedTtlMs: env.SCHOOL_CACHE_NOTIFIED_TTL_MS,
    },
    suggestionCacheTtlMs: env.SUGGESTION_CACHE_TTL_MS,
    reportExportMaxRows: env.REPORT_EXPORT_MAX_ROWS,
    seedDemo: env.SEED_DEMO ?? !production,
    dataDir: env.DATA_DIR,
    auth: {
      // Fixed unless configured, so that tokens survive a change of port or host name.
      issuer: env.TOKEN_ISSUER ?? env.PUBLIC_URL ?? 'urn:vantage:development',
      audience: env.TOKEN_AUDIENCE,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      signingKeys: env.SIGNING_KEYS,
      platform: env.PLATFORM_ISSUER
        ? { issuer: env.PLATFORM_ISSUER, audience: env.PLATFORM_AUDIENCE!, jwksUrl: env.PLATFORM_JWKS_URL! }
        : undefined,
      allowHttpJwks: env.JWKS_ALLOW_HTTP ?? !production,
      jwksAllowedHosts:
        env.JWKS_ALLOWED_HOSTS === 'none' ? []
        : env.JWKS_ALLOWED_HOSTS !== undefined ? hostList(env.JWKS_ALLOWED_HOSTS)
        : production ? []
        : ['localhost', '127.0.0.0/8', '::1'],
    },
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    shutdownReadinessDelayMs: env.SHUTDOWN_READINESS_DELAY_MS,
    trustProxy:
      env.TRUST_PROXY === '' ? false
      : env.TRUST_PROXY === 'true' ? true
      : /^[0-9]+$/.test(env.TRUST_PROXY) ? Number(env.TRUST_PROXY)
      : env.TRUST_PROXY.split(',').map((entry) => entry.trim()).filter(Boolean),
    graphqlMaxDepth: env.GRAPHQL_MAX_DEPTH,
    graphqlMaxCost: env.GRAPHQL_MAX_COST,
    graphqlBodyLimitBytes: env.GRAPHQL_BODY_LIMIT_BYTES,
    graphqlMaxTokens: env.GRAPHQL_MAX_TOKENS,
    graphqlJit: env.GRAPHQL_JIT,
    graphiqlEnabled: env.GRAPHIQL_ENABLED ?? env.NODE_ENV !== 'production',
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: env.AUTH_FAILURES_PER_MINUTE,
    redisUrl: env.REDIS_URL,
    metricsToken: env.METRICS_TOKEN,
    auditEnabled: env.AUDIT_ENABLED,
    pressure: { maxEventLoopDelayMs: env.PRESSURE_MAX_EVENT_LOOP_DELAY_MS, maxEventLoopUtilization: env.PRESSURE_MAX_EVENT_LOOP_UTILIZATION },
    corsOrigins: env.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean),
    jobs: { enabled: env.JOBS_ENABLED, concurrency: env.JOBS_CONCURRENCY },
    webhooks: {
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      retrySchedule: env.WEBHOOK_RETRY_SCHEDULE.split(',').map(Number),
      allowedHosts: hostList(env.WEBHOOK_ALLOWED_HOSTS),
    },
    thankYouDueSoonHours: env.THANK_YOU_DUE_SOON_HOURS,
    preparationDueSoonHours: env.PREPARATION_DUE_SOON_HOURS,
    idempotencyKeyTtlHours: env.IDEMPOTENCY_KEY_TTL_HOURS,
  }
}

function hostList(value: string): string[] {
  return value.split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean)
}
