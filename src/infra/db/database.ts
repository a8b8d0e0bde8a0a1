// The service's only way to the data. `forSchool(id)` returns a school's view of the one Prisma client
// that serves every school (school-scope.ts): each of its statements runs on a connection set to that
// school for row-level security (tenant-pool.ts), and a statement with no school bound sees no school's
// rows. There is no unscoped client for tenant tables. `platform` runs with no school set, so it
// reaches only the schools table and the narrow security-definer lookups that authentication needs
// before a school is known.
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { type Prisma, PrismaClient } from '../../generated/prisma/client.js'
import { SchoolCache, SchoolChangeListener } from './school-cache.js'
import { schoolScoped } from './school-scope.js'
import { statementName } from './statement-names.js'
import { assertRoleIsUnprivileged } from './roles.js'
import { acquireForTenant, currentSchool, SchoolPool } from './tenant-pool.js'

export type Db = PrismaClient

/**
 * A school's data handle: the Prisma client as that school sees it, and the school id that queries name too.
 *
 * Which path a statement takes:
 * - `db` (Prisma's model API) for reading and writing rows of one table or along relations: what it
 *   can say, it says checked against the schema. This is the default.
 * - `sql` for what the model API cannot say or says slowly: aggregates, CTEs, window functions,
 *   `FOR UPDATE` locks, `ON CONFLICT`, set-returning functions, and read-heavy report queries. Always
 *   `Prisma.sql` templates (values are parameters, never spliced into the text), and always naming the
 *   school (`school_id = …`) as Prisma's queries do, beside row-level security.
 * - `db.$queryRaw` / `$executeRaw` only where a statement must run on a transaction's connection and
 *   the code holds the transaction client (`tx`), not a handle.
 */
export interface Tenant {
  readonly schoolId: string
  readonly db: Db
  /**
   * The same connections without Prisma: SQL built with Prisma.sql, run by pg and answered as pg
   * parses it (integers cast to int in the SQL, instants as Date). For read-heavy aggregate
   * queries, where Prisma's per-query work is a measurable share (docs/BENCHMARKS.md, reporting).
   * Each text runs as a prepared statement of its own (statement-names.ts). On a handle inside a
   * transaction it runs on the transaction's connection, through Prisma's $queryRaw (which parses
   * a little differently: cast counts to int in the SQL, as every statement here does).
   */
  readonly sql: <T>(query: Prisma.Sql) => Promise<T[]>
}

/** The client an interactive transaction hands its callback. */
export type Transaction = Parameters<Parameters<Db['$transaction']>[0]>[0]

/**
 * A school's handle whose queries run inside a transaction, for services that take a Tenant. The
 * transaction's client is a subset of the full client (no nested $transaction), which those
 * services do not use.
 */
export function tenantInTransaction(schoolId: string, tx: Transaction): Tenant {
  return { schoolId, db: tx as unknown as Db, sql: <T>(query: Prisma.Sql) => tx.$queryRaw<T[]>(query) }
}

export type TenantIsolation = 'rls' | 'rls-round-trip' | 'none' | 'transaction'

export interface DatabaseOptions {
  url: string
  poolMax: number
  connectTimeoutMs: number
  queryTimeoutMs: number
  applicationName?: string
  /**
   * 'rls' (always, in the service): every query runs with its school set for row-level security.
   * The others exist only as the benchmark's points of comparison and are not reachable from
   * configuration: 'none' (on a copy of the database whose policies are disabled), 'transaction'
   * (the common alternative: every query wrapped in a transaction that sets the school first) and
   * 'rls-round-trip' (row-level security with the school set in a round trip of its own whenever a
   * connection last served another school, instead of with the statement: tenant-pool.ts).
   */
  tenantIsolation?: TenantIsolation
  /** How long a school's row may be served from memory (0: always read). */
  schoolCacheTtlMs?: number
  /** The same while change notifications flow (school-cache.ts); unset: schoolCacheTtlMs, no listener. */
  schoolCacheNotifiedTtlMs?: number
}

export class Database {
  /** Connections for school data; each carries the school it last served (tenant-pool.ts). */
  readonly pool: pg.Pool
  /**
   * A few connections that never name a school: the platform handle reads the schools table (not a
   * tenant table) through them, so school connections are not flipped back and forth to "none".
   */
  readonly platformPool: pg.Pool
  readonly platform: Db
  /** Schools by id, kept briefly (school-cache.ts). */
  readonly schools: SchoolCache
  /** Per-school clients of the benchmark-only 'transaction' mode. */
  readonly #tenants = new Map<string, Tenant>()
  readonly #cacheSize: number
  readonly #isolation: TenantIsolation
  readonly #poolOptions: pg.PoolConfig
  /** The one view of the pool, and the one client, that every school's statements go through. */
  readonly #schoolPool: SchoolPool
  readonly #client: PrismaClient
  /** Keeps the school cache told of changes, when it keeps schools longer than SCHOOL_CACHE_TTL_MS. */
  #changes: SchoolChangeListener | undefined

  constructor(options: DatabaseOptions) {
    const poolOptions = {
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs,
      query_timeout: options.queryTimeoutMs,
      statement_timeout: options.queryTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: options.applicationName ?? 'vantage',
    }
    this.#poolOptions = poolOptions
    this.pool = new pg.Pool({ ...poolOptions, max: options.poolMax })
    this.platformPool = new pg.Pool({ ...poolOptions, max: Math.max(2, Math.ceil(options.poolMax / 4)) })
    // A connection that dies (the server restarted) must not crash the process. An idle one is dropped
    // by the pool (its 'error'); one checked out (a transaction between statements) has no pool
    // listener, so each connection gets its own, and pg raises the error on its next query instead.
    for (const pool of [this.pool, this.platformPool]) {
      pool.on('error', () => {})
      pool.on('connect', (client) => client.on('error', () => {}))
    }
    // The benchmark-only 'transaction' mode builds a client per school; a few are kept (its benchmark rotates 50).
    this.#cacheSize = 200
    this.#isolation = options.tenantIsolation ?? 'rls'
    // The benchmark-only 'transaction' mode hands the shared pool itself to one adapter per school, each of which listens on it.
    if (this.#isolation === 'transaction') this.pool.setMaxListeners(0)
    // The platform connections never set app.school_id, so row-level security shows them no school's rows.
    this.platform = new PrismaClient({ adapter: new PrismaPg(this.platformPool) })
    this.schools = new SchoolCache(this.platform, options.schoolCacheTtlMs ?? 0, { notifiedTtlMs: options.schoolCacheNotifiedTtlMs })
    if (this.schools.wantsNotifications) {
      this.#changes = new SchoolChangeListener(this.newPool(1, 'vantage-school-changes'), this.schools)
      this.#changes.start()
    }
    this.#schoolPool = new SchoolPool(this.pool, { setting: this.#isolation === 'rls-round-trip' ? 'round-trip' : this.#isolation === 'none' ? 'none' : 'inline' })
    this.#client = new PrismaClient({ adapter: new PrismaPg(this.#schoolPool) })
  }

  #tenant(schoolId: string): Tenant {
    const db = transactionPerQuery(new PrismaClient({ adapter: new PrismaPg(this.pool) }), schoolId)
    return { schoolId, db, sql: <T>(query: Prisma.Sql) => db.$queryRaw<T[]>(query) }
  }

  /** The data handle for one school: a view of the one client, made anew (it costs two small objects). */
  forSchool(schoolId: string): Tenant {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(schoolId)) throw new TypeError('a school id is a UUID')
    if (this.#isolation !== 'transaction') {
      const schoolPool = this.#schoolPool
      const sql = <T>(query: Prisma.Sql) =>
        currentSchool.run(schoolId, async () => (await schoolPool.query({ name: statementName(query.text), text: query.text, values: query.values })).rows as T[])
      return { schoolId, db: schoolScoped(this.#client, schoolId), sql }
    }
    let tenant = this.#tenants.get(schoolId)
    if (tenant) {
      this.#tenants.delete(schoolId)
    } else {
      tenant = this.#tenant(schoolId)
      if (this.#tenants.size >= this.#cacheSize) {
        const [oldest] = this.#tenants.keys()
        this.#tenants.delete(oldest!)
      }
    }
    this.#tenants.set(schoolId, tenant)
    return tenant
  }

  /**
   * Separate connections as the same role, for a component that holds its own (the job queue keeps
   * one listening for new jobs); they never set a school, so they reach no school's rows.
   */
  newPool(max: number, applicationName: string): pg.Pool {
    const pool = new pg.Pool({ ...this.#poolOptions, max, application_name: applicationName })
    // A connection that dies (the server restarted) is replaced by the pool; its owner retries.
    pool.on('error', () => {})
    pool.on('connect', (client) => client.on('error', () => {}))
    return pool
  }

  /**
   * A connection of the shared pool set to one school, for the walks over every tenant table that a
   * school's offboarding makes (export, deletion) on one connection and one snapshot. The caller
   * releases it. Modules reach the pool through this and `forSchool` only (test/data-access.test.ts).
   */
  schoolConnection(schoolId: string): Promise<pg.PoolClient> {
    return acquireForTenant(this.pool, schoolId)
  }

  /** Refuses to run as a role that would bypass row-level security (roles.ts). */
  assertUnprivileged(): Promise<void> {
    return assertRoleIsUnprivileged(this.pool)
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  async close(): Promise<void> {
    await this.#changes?.stop()
    await Promise.all([this.pool.end(), this.platformPool.end(), this.#changes?.pool.end()])
  }
}

/** The pattern of Prisma's row-level-security client extension, kept to be measured against. */
function transactionPerQuery(prisma: PrismaClient, schoolId: string): Db {
  return prisma.$extends({
    query: {
      $allModels: {
        async $allOperations({ args, query }) {
          const [, result] = await prisma.$transaction([
            prisma.$executeRaw`SELECT set_config('app.school_id', ${schoolId}, TRUE)`,
            query(args),
          ])
          return result
        },
      },
    },
  }) as unknown as Db
}
