// build(): the real app on a real database of its own, with helpers to mint tokens and create data.
// Tests call it through inject (no socket) unless the behaviour is about the HTTP server itself.
import type { AddressInfo } from 'node:net'
import type { FastifyInstance, FastifyServerOptions, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import type { SchoolRole, Scope } from '../../src/infra/auth/principal.js'
import type { KeySetOptions } from '../../src/infra/auth/key-sets.js'
import { type PrivateJwk, SigningKeys } from '../../src/infra/auth/signing-keys.js'
import { Database } from '../../src/infra/db/database.js'
import { reportingDatabase } from '../../src/infra/db/reporting.js'
import { seedQuestionBank } from '../../src/modules/questions/service.js'
import { createTestDatabase, type TestDatabase } from './database.js'

export interface TestApp {
  app: FastifyInstance
  config: Config
  database: Database
  keys: SigningKeys
  db: TestDatabase
  /** A token this service signs for a member (the member must exist). */
  memberToken(schoolId: string, externalId: string, roles?: SchoolRole[], options?: { ttlSeconds?: number }): Promise<string>
  clientToken(schoolId: string, clientId: string, scopes: Scope[]): Promise<string>
  platformToken(): Promise<string>
  /** A school with one member per role given; returns ids and tokens. */
  school(slug: string, roles?: SchoolRole[]): Promise<TestSchool>
  request(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>
  /** Listens on a free port of 127.0.0.1 (for a browser or an HTTP client); answers the base URL. */
  listen(): Promise<string>
  close(): Promise<void>
}

export interface TestSchool {
  id: string
  slug: string
  members: Record<string, { id: string; externalId: string; token: string }>
}

export async function build(overrides: Record<string, string> = {}, options: { jwksCooldownMs?: number; keySets?: Partial<KeySetOptions>; signingKey?: PrivateJwk; databaseUrl?: string; reportingUrl?: (appUrl: string) => string; beforeReady?: (app: FastifyInstance) => void; logger?: FastifyServerOptions['logger']; clock?: () => Date } = {}): Promise<TestApp> {
  const db = await createTestDatabase()
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    APP_DATABASE_URL: db.appUrl,
    MIGRATE_ON_START: 'false',
    DB_POOL_MAX: '4',
    DB_CONNECT_TIMEOUT_MS: '1000',
    DB_QUERY_TIMEOUT_MS: '3000',
    TOKEN_ISSUER: 'urn:vantage:test',
    // Tests change schools behind the service's back (directly in the database); the cache has its own test.
    SCHOOL_CACHE_TTL_MS: '0',
    SUGGESTION_CACHE_TTL_MS: '0',
    // Queue workers only where a test is about them (webhooks); jobs still queue in every database.
    JOBS_ENABLED: 'false',
    // Back-pressure only where a test is about it: test files share the machine's cores.
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    // Rate limits only where a test is about them (rate-limit.test.ts sets its own).
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_FAILURES_PER_MINUTE: '100000',
    ...(options.reportingUrl ? { REPORTING_DATABASE_URL: options.reportingUrl(db.appUrl) } : {}),
    ...overrides,
  })
  const database = new Database({ ...config.database, url: options.databaseUrl ?? db.appUrl })
  const reporting = reportingDatabase(config, database)
  const keys = await SigningKeys.fromJwks([options.signingKey ?? (await SigningKeys.generate())])
  const app = await buildApp({ config, database, reportingDatabase: reporting, keys, keySets: { failureCooldownMs: options.jwksCooldownMs ?? 0, unknownKeyIntervalMs: options.jwksCooldownMs ?? 0, ...options.keySets }, logger: options.logger ?? false, clock: options.clock })
  options.beforeReady?.(app)
  await app.ready()

  const sign = (claims: Record<string, unknown>, subject: string, ttlSeconds = 600) =>
    keys.sign(claims, { issuer: config.auth.issuer, audience: config.auth.audience, subject, ttlSeconds })

  const testApp: TestApp = {
    app,
    config,
    database,
    keys,
    db,
    memberToken: (schoolId, externalId, roles, opts) =>
      sign({ token_use: 'member', school: schoolId, ...(roles ? { roles } : {}) }, externalId, opts?.ttlSeconds),
    clientToken: (schoolId, clientId, scopes) => sign({ token_use: 'client', school: schoolId, scope: scopes.join(' ') }, clientId),
    platformToken: () => sign({ token_use: 'platform' }, 'operator@test'),
    async school(slug, roles = ['student', 'advisor', 'school_admin', 'alumni']) {
      const school = await database.platform.school.create({ data: { slug, name: `${slug} University`, timeZone: 'America/New_York' } })
      const members: TestSchool['members'] = {}
      const { db: tenantDb } = database.forSchool(school.id)
      await seedQuestionBank(database.forSchool(school.id))
      for (const [index, role] of roles.entries()) {
        const externalId = `${slug}-${role}-${index}`
        const member = await tenantDb.member.create({
          data: { schoolId: school.id, externalId, roles: [role], givenName: role, familyName: slug, email: `${externalId}@${slug}.edu` },
        })
        members[role] = { id: member.id, externalId, token: await testApp.memberToken(school.id, externalId) }
      }
      return { id: school.id, slug, members }
    },
    request({ token, headers, ...rest }) {
      return app.inject({ ...rest, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } })
    },
    async listen() {
      await app.listen({ port: 0, host: '127.0.0.1' })
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    },
    async close() {
      await app.close()
      await database.close()
      if (reporting !== database) await reporting.close()
      await db.drop()
    },
  }
  return testApp
}
