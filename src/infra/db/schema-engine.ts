// Prisma's own migration engine, run offline from its WebAssembly build.
//
// The Prisma CLI downloads a native schema-engine binary before every migrate command, which is
// impossible where only the npm registry is reachable. The same engine ships as WebAssembly in
// @prisma/schema-engine-wasm; driving it through the pg driver adapter applies the migrations in
// prisma/migrations and records them in _prisma_migrations exactly as `prisma migrate deploy` does,
// so the migration history stays interoperable with the CLI.
import { readFile, readdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils'
import pg from 'pg'
import { installQueue } from '../jobs/queue.js'

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const schemaPath = path.join(projectRoot, 'prisma', 'schema.prisma')
export const migrationsDir = path.join(projectRoot, 'prisma', 'migrations')

interface SchemaEngineModule {
  __wbg_set_wasm(exports: unknown): void
  __wbindgen_start?: () => void
  SchemaEngine: {
    new: (options: unknown, log: (message: string) => void, adapter: object) => Promise<SchemaEngine>
  }
}

export interface SchemaEngine {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>
  free(): void
}

let enginePromise: Promise<SchemaEngineModule> | undefined

async function loadEngineModule(): Promise<SchemaEngineModule> {
  // The engine reports a Rust panic's message through this global before it throws.
  const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } }
  registry.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message: (message: string) => console.error(`prisma schema engine panicked: ${message}`),
  }
  const require = createRequire(import.meta.url)
  const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')
  const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as SchemaEngineModule
  const wasmBytes = await readFile(path.join(path.dirname(bgPath), 'schema_engine_bg.wasm'))
  // The WebAssembly global is not in the ES library typings this project compiles with.
  const wasm = (globalThis as unknown as { WebAssembly: { instantiate(bytes: Buffer, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }> } }).WebAssembly
  const { instance } = await wasm.instantiate(wasmBytes, { './schema_engine_bg.js': bindings })
  bindings.__wbg_set_wasm(instance.exports)
  ;(instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.()
  return bindings
}

// Two gaps between the pg driver adapter and the migration engine are bridged here:
// - the engine reads PostgreSQL's catalogs, whose single-byte "char" columns (oid 18) the adapter
//   cannot map; the pool reports them as text and the adapter's result marks them as Character;
// - the adapter runs a migration script by splitting it on every ";", which breaks function bodies,
//   DO blocks and comments that contain one; PostgreSQL runs a multi-statement script sent as one
//   simple query atomically, so the script is sent whole.
const PG_CHAR_OID = 18
const PG_TEXT_OID = 25
const CHAR_COLUMNS = Symbol('charColumns')
type CatalogResult = pg.QueryResult & { [CHAR_COLUMNS]?: number[] }

class CatalogReadingPool extends pg.Pool {
  // pg.Pool.query has many overloads; the adapter calls only query(config) and query(text).
  // biome-ignore lint/suspicious/noExplicitAny: matches the overloaded signature
  override async query(config: any, values?: any): Promise<any> {
    const result = (await super.query(config, values)) as CatalogResult
    result.fields?.forEach((field, index) => {
      if (field.dataTypeID !== PG_CHAR_OID) return
      field.dataTypeID = PG_TEXT_OID
      ;(result[CHAR_COLUMNS] ??= []).push(index)
    })
    return result
  }
}

interface AdapterInternals {
  performIO(query: object): Promise<CatalogResult>
  queryRaw(query: object): Promise<{ columnTypes: number[] }>
  onError(error: unknown): never
}

class MigrationAdapterFactory extends PrismaPg {
  readonly #pool: pg.Pool
  constructor(pool: pg.Pool) {
    super(pool)
    this.#pool = pool
  }
  override async connect() {
    const adapter = await super.connect()
    const internals = adapter as unknown as AdapterInternals
    const charColumns = new WeakMap<object, number[]>()
    const performIO = internals.performIO.bind(adapter)
    const queryRaw = internals.queryRaw.bind(adapter)
    internals.performIO = async (query) => {
      const result = await performIO(query)
      if (result[CHAR_COLUMNS]) charColumns.set(query, result[CHAR_COLUMNS])
      return result
    }
    internals.queryRaw = async (query) => {
      const result = await queryRaw(query)
      for (const index of charColumns.get(query) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character
      return result
    }
    adapter.executeScript = async (script: string) => {
      await this.#pool.query(script).catch((error: unknown) => internals.onError(error))
    }
    return adapter
  }
}

export async function withSchemaEngine<T>(
  connectionString: string,
  run: (engine: SchemaEngine, schema: { path: string; content: string }) => Promise<T>,
): Promise<T> {
  enginePromise ??= loadEngineModule()
  const bindings = await enginePromise
  const content = await readFile(schemaPath, 'utf8')
  const pool = new CatalogReadingPool({ connectionString, max: 2 })
  const adapter = bindMigrationAwareSqlAdapterFactory(new MigrationAdapterFactory(pool))
  const engine = await bindings.SchemaEngine.new({ datamodels: [[schemaPath, content]] }, () => {}, adapter)
  try {
    return await run(engine, { path: schemaPath, content })
  } finally {
    engine.free()
    await pool.end()
  }
}

export async function loadMigrationList() {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => [])
  const directories = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()
  const lockPath = path.join(migrationsDir, 'migration_lock.toml')
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: await readFile(lockPath, 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      directories.map(async (name) => {
        const file = path.join(migrationsDir, name, 'migration.sql')
        const content = await readFile(file, 'utf8').then(
          (text) => ({ tag: 'ok', value: text }),
          (error: Error) => ({ tag: 'error', value: error.message }),
        )
        return { path: name, migrationFile: { path: 'migration.sql', content } }
      }),
    ),
  }
}

const noFilters = { externalTables: [], externalEnums: [] }

/** Applies every migration not yet recorded in _prisma_migrations; returns the names applied. */
export async function applyMigrations(ownerUrl: string): Promise<string[]> {
  const migrationsList = await loadMigrationList()
  return withSchemaEngine(ownerUrl, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: noFilters })
    return appliedMigrationNames
  }).then(async (applied) => {
    // The job queue's own schema, which the outbox triggers of the migrations add jobs to.
    await installQueue(ownerUrl)
    return applied
  })
}

/**
 * The SQL that takes a database from the committed migrations to schema.prisma. The migrations are
 * replayed into a scratch database (created and dropped here), which is then compared with the schema.
 */
export async function diffMigrationsToSchema(ownerUrl: string): Promise<string> {
  const scratchName = `vantage_migration_${process.pid}_${Date.now()}`
  const admin = new pg.Client({ connectionString: ownerUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${scratchName}"`)
    const scratch = new URL(ownerUrl)
    scratch.pathname = `/${scratchName}`
    await applyMigrations(scratch.toString())
    return await withSchemaEngine(scratch.toString(), async (engine, schema) => {
      const result = await engine.diff({
        from: { tag: 'schemaDatasource', files: [schema], configDir: path.dirname(schema.path) },
        to: { tag: 'schemaDatamodel', files: [schema] },
        script: true,
        exitCode: null,
        filters: noFilters,
      })
      return result.stdout ?? ''
    })
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${scratchName}" WITH (FORCE)`).catch(() => {})
    await admin.end()
  }
}
