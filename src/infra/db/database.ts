// The service's only way to the data. `forSchool(id)` returns a Prisma client whose every query runs
// with that school set for row-level security (see tenant-pool.ts); there is no unscoped client for
// tenant tables. `platform` runs with no school set, so it reaches only the schools table and the
// narrow security-definer lookups that authentication needs before a school is known.
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { PrismaClient } from '../../generated/prisma/client.js'
import { NO_SCHOOL, TenantPool } from './tenant-pool.js'

export type Db = PrismaClient

/** A school's data handle: the Prisma client bound to the school, and the school id that queries name too. */
export interface Tenant {
  readonly schoolId: string
  readonly db: Db
}

export interface DatabaseOptions {
  url: string
  poolMax: number
  connectTimeoutMs: number
  queryTimeoutMs: number
  tenantClientCacheSize: number
  applicationName?: string
}

export class Database {
  readonly pool: pg.Pool
  readonly platform: Db
  readonly #tenants = new Map<string, Tenant>()
  readonly #cacheSize: number

  constructor(options: DatabaseOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectTimeoutMs,
      query_timeout: options.queryTimeoutMs,
      statement_timeout: options.queryTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: options.applicationName ?? 'vantage',
    })
    // An idle connection that dies (the server restarted) is dropped by the pool; nothing to do here,
    // but without a listener the process would crash.
    this.pool.on('error', () => {})
    this.#cacheSize = options.tenantClientCacheSize
    this.platform = this.#client(NO_SCHOOL)
  }

  #client(tenant: string): Db {
    return new PrismaClient({ adapter: new PrismaPg(new TenantPool(this.pool, tenant)) })
  }

  /** The data handle for one school. Clients are cached per school (least recently used evicted). */
  forSchool(schoolId: string): Tenant {
    let tenant = this.#tenants.get(schoolId)
    if (tenant) {
      this.#tenants.delete(schoolId)
    } else {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(schoolId)) {
        throw new TypeError('a school id is a UUID')
      }
      tenant = { schoolId, db: this.#client(schoolId) }
      if (this.#tenants.size >= this.#cacheSize) {
        const [oldest] = this.#tenants.keys()
        this.#tenants.delete(oldest!)
      }
    }
    this.#tenants.set(schoolId, tenant)
    return tenant
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}
