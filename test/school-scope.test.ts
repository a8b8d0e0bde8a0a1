// One Prisma client serves every school; each school's handle binds its school to the statements it
// starts. Proved here with the real database and the service's unprivileged role: schools' work
// interleaved on a pool of one connection and of ten (reads, same-tick lookups that Prisma would
// batch, raw SQL, interactive transactions that await between statements, a transaction that fails
// half-way, GraphQL requests of several schools at once, a queue job's walk over every school beside
// requests), random interleavings by fast-check, and a statement with no school bound, which must see
// no school's rows. The school's setting travels with the statement that needs it; a failed statement
// leaves its connection naming no known school.
import { setTimeout as sleep } from 'node:timers/promises'
import fc from 'fast-check'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Prisma } from '../src/generated/prisma/client.js'
import { Database, type Tenant } from '../src/infra/db/database.js'
import { runMaintenance } from '../src/infra/jobs/maintenance.js'
import { uniqueAsFilter } from '../src/infra/db/school-scope.js'
import { currentSchool, SchoolPool } from '../src/infra/db/tenant-pool.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'

const CONTACTS = [3, 5, 7]

describe('one client for every school', () => {
  let t: TestApp
  let schools: TestSchool[]
  /** Each school's contact ids, in the order made. */
  const contactIds = new Map<string, string[]>()
  const databases: Database[] = []

  beforeAll(async () => {
    t = await build()
    schools = [await t.school('scope-a', ['student', 'advisor']), await t.school('scope-b', ['student', 'advisor']), await t.school('scope-c', ['student', 'advisor'])]
    for (const [index, school] of schools.entries()) {
      const { db } = t.database.forSchool(school.id)
      const ids: string[] = []
      for (let n = 0; n < CONTACTS[index]!; n += 1) {
        const contact = await db.contact.create({ data: { schoolId: school.id, studentId: school.members.student!.id, fullName: `${school.slug} contact ${n}`, source: 'personal' } })
        ids.push(contact.id)
      }
      contactIds.set(school.id, ids)
    }
  })
  afterAll(async () => {
    for (const database of databases) await database.close()
    await t.close()
  })

  function database(poolMax: number) {
    const made = new Database({ ...t.config.database, url: t.db.appUrl, poolMax })
    databases.push(made)
    return made
  }

  /** Everything one school does in one go; every row it sees must be its own. */
  async function work(tenant: Tenant, index: number, pause: number) {
    const { db, schoolId } = tenant
    const own = contactIds.get(schoolId)!
    const listed = await db.contact.findMany({ where: { schoolId }, select: { schoolId: true, fullName: true } })
    expect(listed).toHaveLength(CONTACTS[index]!)
    expect(listed.every((row) => row.schoolId === schoolId && row.fullName.startsWith(schools[index]!.slug))).toBe(true)
    // Unfiltered, row-level security alone decides.
    const everything = await db.contact.findMany({ select: { schoolId: true } })
    expect(everything.every((row) => row.schoolId === schoolId)).toBe(true)
    const [raw] = await db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM contacts`
    expect(raw!.n).toBe(CONTACTS[index])
    const viaSql = await tenant.sql!<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM contacts`)
    expect(viaSql[0]!.n).toBe(CONTACTS[index])
    const found = await db.contact.findUnique({ where: { schoolId_id: { schoolId, id: own[0]! } }, select: { schoolId: true } })
    expect(found).toEqual({ schoolId })
    // An interactive transaction that waits between its statements, while others run.
    const counted = await db.$transaction(async (tx) => {
      const before = await tx.contact.count()
      await sleep(pause)
      const [after] = await tx.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM contacts`
      return [before, after!.n]
    })
    expect(counted).toEqual([CONTACTS[index], CONTACTS[index]])
    // A transaction that fails half-way leaves nothing behind.
    await expect(
      db.$transaction(async (tx) => {
        await tx.contact.create({ data: { schoolId, studentId: schools[index]!.members.student!.id, fullName: 'rolled back', source: 'personal' } })
        await sleep(pause)
        throw new Error('half-way')
      }),
    ).rejects.toThrow('half-way')
    expect(await db.contact.count({ where: { fullName: 'rolled back' } })).toBe(0)
  }

  for (const poolMax of [1, 10]) {
    it(`keeps three schools' interleaved work apart on a pool of ${poolMax}`, async () => {
      const shared = database(poolMax)
      await Promise.all(schools.flatMap((school, index) => [0, 1, 2].map((round) => work(shared.forSchool(school.id), index, 5 * round))))
    })
  }

  it('answers lookups that Prisma would batch together in one tick, each for its own school', async () => {
    const shared = database(10)
    const lookups = await Promise.all(
      schools.flatMap((school) =>
        contactIds.get(school.id)!.map(async (id) => ({ school: school.id, row: await shared.forSchool(school.id).db.contact.findUnique({ where: { schoolId_id: { schoolId: school.id, id } }, select: { id: true, schoolId: true } }) })),
      ),
    )
    for (const { school, row } of lookups) expect(row?.schoolId).toBe(school)
    // Another school's id, asked through a school's handle: nothing, whatever else runs in the tick.
    const [a, b] = schools
    const crossed = await Promise.all([
      shared.forSchool(a!.id).db.contact.findUnique({ where: { schoolId_id: { schoolId: b!.id, id: contactIds.get(b!.id)![0]! } } }),
      shared.forSchool(b!.id).db.contact.findUnique({ where: { schoolId_id: { schoolId: b!.id, id: contactIds.get(b!.id)![0]! } } }),
    ])
    expect(crossed[0]).toBeNull()
    expect(crossed[1]?.schoolId).toBe(b!.id)
  })

  it('runs a statement with no school bound as no school, even on the connection that served one last', async () => {
    const single = database(1)
    const view = new SchoolPool(single.pool)
    const count = async () => Number((await view.query('SELECT count(*)::int AS n FROM contacts')).rows[0].n)
    expect(await currentSchool.run(schools[0]!.id, count)).toBe(CONTACTS[0])
    expect(await count()).toBe(0)
    expect(await currentSchool.run(schools[1]!.id, count)).toBe(CONTACTS[1])
    expect(await count()).toBe(0)
  })

  it('sends a switch of school with the statement, in the same round trip', async () => {
    for (const [setting, roundTripsPerSwitch] of [['inline', 1], ['round-trip', 2]] as const) {
      const single = database(1)
      const view = new SchoolPool(single.pool, { setting })
      const connection = (await single.pool.connect()) as pg.PoolClient & { connection: { on(event: string, listener: () => void): void } }
      let roundTrips = 0
      connection.connection.on('readyForQuery', () => {
        roundTrips += 1
      })
      connection.release()
      const count = (index: number) => currentSchool.run(schools[index]!.id, async () => Number((await view.query('SELECT count(*)::int AS n FROM contacts')).rows[0].n))
      // Every statement switches school: A, B, C, A, B, C.
      for (const index of [0, 1, 2, 0, 1, 2]) expect(await count(index)).toBe(CONTACTS[index])
      expect(roundTrips).toBe(6 * roundTripsPerSwitch)
      // The same school again: no setting at all.
      roundTrips = 0
      expect(await count(2)).toBe(CONTACTS[2])
      expect(roundTrips).toBe(1)
    }
  })

  it('after a failed statement, sets the school again: the failure rolled the setting back', async () => {
    const single = database(1)
    const [a, b] = [single.forSchool(schools[0]!.id), single.forSchool(schools[1]!.id)]
    const count = async (tenant: Tenant) => (await tenant.sql!<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM contacts`))[0]!.n
    expect(await count(b)).toBe(CONTACTS[1])
    // A's setting and A's failing statement share one implicit transaction; the connection is back to B.
    await expect(a.sql!(Prisma.sql`SELECT count(*) / 0 FROM contacts`)).rejects.toMatchObject({ code: '22012' })
    expect(await count(a)).toBe(CONTACTS[0])
    await expect(a.db.$queryRaw`SELECT 1 / (count(*) - count(*)) FROM contacts`).rejects.toThrow()
    expect(await count(b)).toBe(CONTACTS[1])
    expect(await count(a)).toBe(CONTACTS[0])
  })

  it('reports the same error each time for a named statement that does not parse', async () => {
    const single = database(1)
    const [a, b] = [single.forSchool(schools[0]!.id), single.forSchool(schools[1]!.id)]
    // The setting's ParseComplete comes first; the statement's name must not be taken as parsed.
    for (const tenant of [a, b, a]) await expect(tenant.sql!(Prisma.sql`SELECT no_such_column FROM contacts`)).rejects.toMatchObject({ code: '42703' })
    expect((await a.sql!<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM contacts`))[0]!.n).toBe(CONTACTS[0])
  })

  it('keeps random interleavings apart (fast-check)', async () => {
    const shared = database(2)
    const operation = fc.record({ school: fc.integer({ min: 0, max: 2 }), kind: fc.constantFrom('list', 'lookup', 'raw', 'sql', 'transaction'), pause: fc.integer({ min: 0, max: 3 }) })
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 2, maxLength: 12 }), async (operations) => {
        const seen = await Promise.all(
          operations.map(async ({ school: index, kind, pause }) => {
            const tenant = shared.forSchool(schools[index]!.id)
            const { db, schoolId } = tenant
            await sleep(pause)
            const schoolIds: string[] =
              kind === 'list' ? (await db.contact.findMany({ select: { schoolId: true } })).map((row) => row.schoolId)
              : kind === 'lookup' ? [(await db.contact.findUnique({ where: { schoolId_id: { schoolId, id: contactIds.get(schoolId)!.at(-1)! } }, select: { schoolId: true } }))?.schoolId ?? 'none']
              : kind === 'raw' ? (await db.$queryRaw<Array<{ school_id: string }>>`SELECT school_id::text FROM contacts`).map((row) => row.school_id)
              : kind === 'sql' ? (await tenant.sql!<{ school_id: string }>(Prisma.sql`SELECT school_id::text FROM contacts`)).map((row) => row.school_id)
              : await db.$transaction(async (tx) => {
                  await sleep(pause)
                  return (await tx.contact.findMany({ select: { schoolId: true } })).map((row) => row.schoolId)
                })
            return { schoolId, index, kind, schoolIds }
          }),
        )
        for (const { schoolId, index, kind, schoolIds } of seen) {
          expect(schoolIds.every((id) => id === schoolId)).toBe(true)
          if (kind !== 'lookup') expect(schoolIds).toHaveLength(CONTACTS[index]!)
        }
      }),
      { numRuns: 40 },
    )
  })

  it("runs a queue job's walk over every school beside requests, each school's statements as that school", async () => {
    for (const poolMax of [1, 3]) {
      const shared = database(poolMax)
      const now = new Date()
      // Expired Idempotency-Keys, a different number per school, and one live key each that must stay.
      for (const [index, school] of schools.entries()) {
        const { db } = shared.forSchool(school.id)
        for (let n = 0; n <= CONTACTS[index]!; n += 1) {
          const expired = n < CONTACTS[index]!
          await db.idempotencyKey.create({
            data: { schoolId: school.id, caller: 'scope-test', key: `k-${poolMax}-${n}`, fingerprint: 'f', status: 'done', lockedUntil: now, expiresAt: new Date(now.getTime() + (expired ? -60_000 : 3_600_000)) },
          })
        }
      }
      // The hourly task of the queue (the same function the worker runs), twice, among every school's requests.
      const [first, second] = await Promise.all([
        runMaintenance(shared, now),
        runMaintenance(shared, now),
        ...schools.flatMap((school, index) => [0, 1].map((round) => work(shared.forSchool(school.id), index, 3 * round))),
      ])
      // Each key deleted once, by one of the two runs; had a statement run as another school, it would find none.
      expect((first as { idempotencyKeysDeleted: number }).idempotencyKeysDeleted + (second as { idempotencyKeysDeleted: number }).idempotencyKeysDeleted).toBe(CONTACTS.reduce((sum, n) => sum + n, 0))
      for (const school of schools) {
        const left = await shared.forSchool(school.id).db.idempotencyKey.findMany({ where: { caller: 'scope-test' }, select: { key: true } })
        expect(left).toEqual([{ key: `k-${poolMax}-${CONTACTS[schools.indexOf(school)]}` }])
        await shared.forSchool(school.id).db.idempotencyKey.deleteMany({ where: { caller: 'scope-test' } })
      }
    }
  })

  it('answers GraphQL requests of several schools at once as each alone', async () => {
    const query = '{ me { school { id } } report(from: "2026-01-01", to: "2027-12-31") { funnel { steps { step count } } } }'
    const ask = (school: TestSchool) => t.request({ method: 'POST', url: '/graphql', token: school.members.advisor!.token, payload: { query } })
    const alone = await Promise.all(schools.map(async (school) => (await ask(school)).json()))
    const together = await Promise.all(schools.flatMap((school) => [ask(school), ask(school)]))
    together.forEach((response, index) => expect(response.json()).toEqual(alone[Math.floor(index / 2)]))
    alone.forEach((answer, index) => expect(answer).toMatchObject({ data: { me: { school: { id: schools[index]!.id } } } }))
  })

  it('spreads a compound unique key into its fields, and leaves other filters alone', () => {
    expect(uniqueAsFilter({ schoolId_id: { schoolId: 's', id: 'i' }, deletedAt: null })).toEqual({ schoolId: 's', id: 'i', deletedAt: null })
    expect(uniqueAsFilter({ schoolId_externalId: { schoolId: 's', externalId: 'e' } })).toEqual({ schoolId: 's', externalId: 'e' })
    expect(uniqueAsFilter({ id: 'i', createdAt: { gt: new Date(0) } })).toEqual({ id: 'i', createdAt: { gt: new Date(0) } })
  })
})
