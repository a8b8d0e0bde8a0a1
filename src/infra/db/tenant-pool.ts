// The mechanism that sets the tenant for row-level security.
//
// One shared pg.Pool holds the connections. SchoolPool is the one view of it that the Prisma client
// of every school uses: before a connection runs anything for a school it carries the session setting
// `app.school_id = <school>`; the setting is only sent when the connection last served a different
// school. With thousands of schools active that is nearly every statement, so the setting travels
// with the statement (`StatementInSchool`): its Parse/Bind/Execute are written just before the
// statement's, behind the statement's one Sync, so both reach PostgreSQL in one write, run in one
// implicit transaction and cost no extra round trip. Sharing the Sync is what keeps it fail-closed:
// if the setting fails, PostgreSQL skips the statement; if the statement fails, the setting is
// rolled back with it, and the connection is marked as naming no known school. An interactive
// transaction (`connect`) still sets its school in a round trip of its own before BEGIN, so that a
// rollback can never undo it. (The benchmark measures both designs side by side: docs/BENCHMARKS.md.)
// node-postgres has no way to batch two statements under one Sync, so `StatementInSchool` extends
// its Query, through the methods its documented Submittable interface calls.
// SchoolPool extends pg.Pool only so that @prisma/adapter-pg accepts it as an external pool; it
// never opens connections of its own.
import { AsyncLocalStorage } from 'node:async_hooks'
import pg from 'pg'

const TENANT = Symbol('vantage.tenant')
type TaggedClient = pg.PoolClient & { [TENANT]?: string }

const SET_SCHOOL = "SELECT set_config('app.school_id', $1, false)"

// The parts of node-postgres's connection and Query that StatementInSchool uses (not in its types).
interface Connection {
  parse(options: { text: string; name?: string }): void
  bind(options: { portal?: string; statement?: string; values: unknown[] }): void
  execute(options: { portal?: string; rows?: number }): void
  parsedStatements: Record<string, string | undefined>
}
type QueryCallback = (error: Error | null, result: pg.QueryResult) => void
const PgQuery = pg.Query as unknown as new (config: pg.QueryConfig & { queryMode?: 'extended'; callback?: QueryCallback }) => {
  name?: string
  prepare(connection: Connection): void
  handleDataRow(message: unknown): void
  handleCommandComplete(message: unknown, connection: Connection): void
  handleError(error: Error, connection: Connection): void
}

/**
 * A statement preceded by the setting of its school, under the statement's one Sync. PostgreSQL
 * answers the setting first (its DataRow and CommandComplete, never a RowDescription, since it is
 * not described), then the statement; the setting's answer is dropped here.
 */
class StatementInSchool extends PgQuery {
  #settingAnswered = false
  readonly #school: string
  #nameWasParsed = false

  constructor(config: pg.QueryConfig, school: string, callback: QueryCallback) {
    // Always the extended protocol, even without values: a simple Query message cannot follow the
    // setting's Execute inside one Sync.
    super({ ...config, queryMode: 'extended', callback })
    this.#school = school
  }

  // Called by Query#submit once the query has been validated, with the stream corked.
  override prepare(connection: Connection): void {
    this.#nameWasParsed = this.name !== undefined && connection.parsedStatements[this.name] !== undefined
    connection.parse({ text: SET_SCHOOL })
    connection.bind({ values: [this.#school] })
    connection.execute({})
    super.prepare(connection)
  }

  override handleDataRow(message: unknown): void {
    if (this.#settingAnswered) super.handleDataRow(message)
  }

  override handleCommandComplete(message: unknown, connection: Connection): void {
    if (this.#settingAnswered) super.handleCommandComplete(message, connection)
    else this.#settingAnswered = true
  }

  override handleError(error: Error, connection: Connection): void {
    // The client records a named statement as parsed on the first ParseComplete it sees, which was
    // the setting's; if the statement then failed, its own Parse may not have succeeded.
    if (this.name !== undefined && !this.#nameWasParsed) delete connection.parsedStatements[this.name]
    super.handleError(error, connection)
  }
}

/** Runs one statement for a school on a connection, the school's setting travelling with it when needed. */
function queryInSchool(client: TaggedClient, school: string, config: pg.QueryConfig): Promise<pg.QueryResult> {
  if (client[TENANT] === school) return client.query(config)
  // Until the answer says otherwise, the connection names no known school.
  client[TENANT] = undefined
  return new Promise((resolve, reject) => {
    client.query(
      new StatementInSchool(config, school, (error, result) => {
        if (error) return reject(error)
        client[TENANT] = school
        resolve(result)
      }) as unknown as pg.QueryConfig,
    )
  })
}

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

/** How the pool view sets a connection's school (see the constructor). */
export type SchoolSetting = 'inline' | 'round-trip' | 'none'

/**
 * The one view of the shared pool that every school's statements go through (one Prisma client for
 * all schools): each connection it hands out is set to the school of the context that asks for it,
 * or to none when no school is bound, so a statement never runs for "the school this connection
 * served last".
 */
export class SchoolPool extends pg.Pool {
  readonly #shared: pg.Pool
  readonly #setting: SchoolSetting

  /**
   * `setting`: 'inline' (the service) sends a switch of school with the statement; 'round-trip' in a
   * round trip of its own before it (the earlier design), and 'none' never (for a database whose
   * policies are disabled): both only as the benchmark's points of comparison.
   */
  constructor(shared: pg.Pool, options: { setting?: SchoolSetting } = {}) {
    super({ ...shared.options, max: 0 })
    this.#shared = shared
    this.#setting = options.setting ?? 'inline'
  }

  override connect(): Promise<pg.PoolClient> {
    if (this.#setting === 'none') return this.#shared.connect()
    return acquireForTenant(this.#shared, currentSchool.getStore() ?? '')
  }

  // pg.Pool.query has many overloads; Prisma calls only query(config) and query(text).
  // biome-ignore lint/suspicious/noExplicitAny: matches the overloaded signature
  override async query(config: any, values?: any): Promise<any> {
    const school = currentSchool.getStore() ?? ''
    const statement: pg.QueryConfig = typeof config === 'string' ? { text: config, values } : config
    if (this.#setting === 'none') return this.#shared.query(statement)
    const client = this.#setting === 'inline' ? ((await this.#shared.connect()) as TaggedClient) : await acquireForTenant(this.#shared, school)
    try {
      const result = await queryInSchool(client, school, statement)
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
