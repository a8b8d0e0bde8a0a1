// Each test file gets its own database, cloned from the migrated template in a few milliseconds.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { withCredentials } from '../../src/infra/db/setup.js'

export interface TestDatabase {
  name: string
  /** As the owner of the tables (migrations, fixtures that bypass the API, direct checks). */
  ownerUrl: string
  /** As the service's unprivileged role, subject to row-level security. */
  appUrl: string
  drop(): Promise<void>
}

function urlFor(base: string, database: string): string {
  const url = new URL(base)
  url.pathname = `/${database}`
  return url.toString()
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('ownerUrl')
  const name = `vt_${inject('runId')}_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`)
  } finally {
    await admin.end()
  }
  const ownerUrl = urlFor(serverUrl, name)
  return {
    name,
    ownerUrl,
    appUrl: withCredentials(ownerUrl, inject('appRole'), inject('appPassword')),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => client.end())
    },
  }
}
