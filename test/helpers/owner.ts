// A connection as the database's owner, past row-level security: what tests read and write behind
// the service's back (rows as stored, fixtures with every timestamp chosen, changes by hand).
import pg from 'pg'
import type { TestApp } from './app.js'

/** Connected; end it in afterAll. */
export async function ownerConnection(t: Pick<TestApp, 'db'>): Promise<pg.Client> {
  const owner = new pg.Client({ connectionString: t.db.ownerUrl })
  await owner.connect()
  return owner
}
