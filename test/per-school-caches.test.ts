// What the service keeps per school stays bounded with thousands of schools active, and a full cache
// drops its least recently used school alone: never a wholesale clear that sends every school back to
// the database at once.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../src/infra/db/database.js'
import { SchoolCache } from '../src/infra/db/school-cache.js'
import { CandidateCache } from '../src/modules/matching/suggestions.js'
import type { TestDatabase } from './helpers/database.js'
import { build, type TestApp } from './helpers/app.js'

const SCHOOLS = 10_001

describe('per-school caches at 10,000 schools', () => {
  let t: TestApp
  let db: TestDatabase
  let ids: string[]
  let reads = 0
  let counted: Db

  beforeAll(async () => {
    t = await build()
    db = t.db
    const owner = new pg.Client({ connectionString: db.ownerUrl })
    await owner.connect()
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO schools (id, slug, name, time_zone, updated_at)
       SELECT gen_random_uuid(), 'many-' || n, 'Many ' || n, 'America/Chicago', now() FROM generate_series(1, $1) AS n
       RETURNING id::text`,
      [SCHOOLS],
    )
    await owner.end()
    ids = rows.map((row) => row.id)
    // The service's own platform client, counting the school reads it sends to PostgreSQL.
    counted = t.database.platform.$extends({
      query: { school: { findUnique: ({ args, query }) => ((reads += 1), query(args)) } },
    }) as unknown as Db
  }, 120_000)
  afterAll(() => t.close())

  async function getAll(cache: SchoolCache, list: string[]) {
    for (let i = 0; i < list.length; i += 200) await Promise.all(list.slice(i, i + 200).map((id) => cache.get(id)))
  }

  it('keeps at most 10,000 schools, and one more drops only the least recently used', async () => {
    const cache = new SchoolCache(counted, 600_000)
    reads = 0
    await getAll(cache, ids)
    expect(reads).toBe(SCHOOLS)
    expect(cache.size).toBe(10_000)
    // The 10,000 most recent are all still kept: reading them again sends nothing to the database.
    await getAll(cache, ids.slice(1))
    expect(reads).toBe(SCHOOLS)
    // The first, dropped, is read again, and it alone.
    expect(await cache.get(ids[0]!)).toMatchObject({ id: ids[0], slug: expect.stringMatching(/^many-/) })
    expect(reads).toBe(SCHOOLS + 1)
    expect(cache.size).toBe(10_000)
  }, 120_000)

  it('keeps candidate hosts for a bounded number of schools and queries, and invalidates one school alone', async () => {
    const cache = new CandidateCache(600_000, { maxSchools: 2000, keysPerSchool: 4 })
    let loads = 0
    const load = () => ((loads += 1), Promise.resolve([]))
    for (const id of ids.slice(0, 2001)) await cache.get(id, 'interview', load)
    expect(loads).toBe(2001)
    expect(cache.schools).toBe(2000)
    for (const id of ids.slice(1, 2001)) await cache.get(id, 'interview', load)
    expect(loads).toBe(2001)
    // Invalidating one school drops its entries and no other school's.
    cache.invalidate(ids[5]!)
    await cache.get(ids[5]!, 'interview', load)
    await cache.get(ids[6]!, 'interview', load)
    expect(loads).toBe(2002)
    // A school's fifth query drops its oldest, not the others.
    for (const key of ['a', 'b', 'c', 'd', 'e']) await cache.get(ids[7]!, key, load)
    expect(loads).toBe(2007)
    for (const key of ['b', 'c', 'd', 'e']) await cache.get(ids[7]!, key, load)
    expect(loads).toBe(2007)
    await cache.get(ids[7]!, 'interview', load)
    expect(loads).toBe(2008)
  })
})
