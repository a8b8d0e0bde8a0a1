// The mechanism that sets the tenant for row-level security.
//
// One shared pg.Pool holds the connections. SchoolPool is the one view of it that the Prisma client
// of every school uses: before a connection runs anything for a school it carries the session setting
// `app.school_id = <school>`; the setting is only re-sent when the connection last served a
// different school. This keeps the RLS cost to at most one small round trip per query (none when
// the connection already serves that school), instead of a BEGIN / set_config / COMMIT
// transaction around every query, which the benchmark showed to be several times slower.
// SchoolPool extends pg.Pool only so that @prisma/adapter-pg accepts it as an external pool; it
// never opens connections of its own.
import { AsyncLocalStorage } from 'node:async_hooks'
import pg from 'pg'

const TENANT = Symbol('vantage.tenant')
type TaggedClient = pg.PoolClient & { [TENANT]?: string }

function isConnectionError(error: unknown): boolean {
  // Errors reported by PostgreSQL carry a SQLSTATE; the connection itself is still usable.
  return !(error && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((error as { code: string }).code))
}

export async function acquireForTenant(shared: pg.Pool, tenant: string): Promise<pg.PoolClient> {
  const client = (await shared.connect()) as TaggedClient
  if (client[TENANT] !== tenant) {
    try {
      await client.query("SELECT set_config('app.school_id', $1, false)", [tenant])
    } catch (error) {
      client.release(error as Error)
      throw error
    }
    client[TENANT] = tenant
  }
  return client
}

/**
 * The school the current asynchronous context works for, set by a school's data handle
 * (school-scope.ts) around each statement it starts; read by `SchoolPool` when it hands out a
 * connection. Unset: the connection names no school, and row-level security shows it no row.
 */
export const currentSchool = new AsyncLocalStorage<string>()

/**
 * The one view of the shared pool that every school's statements go through (one Prisma client for
 * all schools): each connection it hands out is set to the school of the context that asks for it,
 * or to none when no school is bound, so a statement never runs for "the school this connection
 * served last".
 */
export class SchoolPool extends pg.Pool {
  readonly #shared: pg.Pool

  constructor(shared: pg.Pool) {
    super({ ...shared.options, max: 0 })
    this.#shared = shared
  }

  override connect(): Promise<pg.PoolClient> {
    return acquireForTenant(this.#shared, currentSchool.getStore() ?? '')
  }

  // pg.Pool.query has many overloads; Prisma calls only query(config) and query(text).
  // biome-ignore lint/suspicious/noExplicitAny: matches the overloaded signature
  override async query(config: any, values?: any): Promise<any> {
    const client = await acquireForTenant(this.#shared, currentSchool.getStore() ?? '')
    try {
      const result = await client.query(config, values)
      client.release()
      return result
    } catch (error) {
      client.release(isConnectionError(error) ? (error as Error) : undefined)
      throw error
    }
  }

  // The adapter listens for idle-connection errors; the shared pool's owner already handles them
  // (database.ts).
  override on(): this {
    return this
  }

  override removeListener(): this {
    return this
  }

  // The shared pool is closed by its owner, never through this view.
  override async end(): Promise<void> {}
}
