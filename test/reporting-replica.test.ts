// Reports read from a real streaming replica (REPORTING_DATABASE_URL): the GraphQL report and the CSV
// exports answer from the replica, as the same unprivileged role under row-level security, and say
// how fresh they are; with the replica's replay paused they answer the replica's older data and its
// lag, and catch up once it resumes. CI starts the replica (.ci/replica: pg_basebackup -R of the CI
// PostgreSQL into a second cluster on port 5433) and sets TEST_REPLICA_URL to its superuser URL.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { until } from './helpers/until.js'

const REPLICA = process.env.TEST_REPLICA_URL
const REPORT = `query($from: Date!, $to: Date!) { report(from: $from, to: $to) {
  freshness { source asOf lagSeconds } funnel { steps { step count } } } }`

describe('reports on a read replica', () => {
  it('has a replica to read from wherever CI runs on its PostgreSQL', () => {
    // The embedded PostgreSQL has no replica; CI's run on its PostgreSQL must have one.
    if (process.env.CI === 'true' && process.env.DATABASE_URL) expect(REPLICA, 'TEST_REPLICA_URL (.ci/replica)').toBeDefined()
  })

  describe.skipIf(!REPLICA)('with REPORTING_DATABASE_URL', () => {
    let t: TestApp
    let a: TestSchool
    let b: TestSchool
    let owner: pg.Client
    let replica: pg.Client
    let sequence = 0
    const today = new Date().toISOString().slice(0, 10)

    beforeAll(async () => {
      t = await build({}, { reportingUrl: (appUrl) => Object.assign(new URL(appUrl), { host: new URL(REPLICA!).host }).toString() })
      a = await t.school('replica-a')
      b = await t.school('replica-b')
      owner = await ownerConnection(t)
      replica = new pg.Client({ connectionString: REPLICA })
      await replica.connect()
      await caughtUp()
    }, 120_000)
    afterAll(async () => {
      await replica?.query('SELECT pg_wal_replay_resume()').catch(() => {})
      await replica?.end()
      await owner?.end()
      await t?.close()
    })

    /** Waits until the replica has replayed everything the primary has written so far. */
    async function caughtUp() {
      const { lsn } = (await owner.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!
      await until('the replica replayed the primary', async () => (await replica.query('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn])).rows[0].ok || undefined, 60_000)
    }

    /** Waits until the replica has received (not necessarily replayed) what the primary has written. */
    async function received() {
      const { lsn } = (await owner.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!
      await until('the replica received the primary\'s WAL', async () => (await replica.query('SELECT pg_last_wal_receive_lsn() >= $1::pg_lsn AS ok', [lsn])).rows[0].ok || undefined, 60_000)
    }

    async function requestMeeting(school: TestSchool) {
      const token = school.members.student!.token
      const contact = await t.request({ method: 'POST', url: '/v1/contacts', token, payload: { fullName: `Person ${++sequence}`, source: 'personal' } })
      expect(contact.statusCode, contact.body).toBe(201)
      const start = Date.now() + 3 * 86_400_000 + sequence * 3_600_000
      const meeting = await t.request({
        method: 'POST',
        url: '/v1/meetings',
        token,
        payload: { contactId: contact.json().id, kind: 'informational_interview', purpose: 'Learning', mode: 'phone', proposedSlots: [{ startsAt: new Date(start).toISOString(), endsAt: new Date(start + 1_800_000).toISOString() }] },
      })
      expect(meeting.statusCode, meeting.body).toBe(201)
    }

    async function report(school: TestSchool) {
      const response = await t.request({ method: 'POST', url: '/graphql', token: school.members.advisor!.token, payload: { query: REPORT, variables: { from: today, to: today } } })
      expect(response.statusCode, response.body).toBe(200)
      const { freshness, funnel } = response.json().data.report
      return { freshness, requested: funnel.steps.find((s: { step: string }) => s.step === 'meetings_requested').count as number }
    }

    it('answers from the replica as the service role, each school its own rows', async () => {
      await t.app.reportingDatabase.assertUnprivileged()
      expect(t.app.reportingDatabase).not.toBe(t.app.database)
      await requestMeeting(a)
      await requestMeeting(a)
      await requestMeeting(b)
      await caughtUp()
      // Other test files write to the primary all along, so the replica may be a fraction of a second
      // behind even right after it caught up with this file's writes.
      const fresh = await report(a)
      expect(fresh).toEqual({ freshness: { source: 'replica', asOf: expect.any(String), lagSeconds: expect.any(Number) }, requested: 2 })
      expect(fresh.freshness.lagSeconds).toBeLessThan(5)
      expect((await report(b)).requested).toBe(1)
      // The report's connections are on the replica, as the service's role, to this test's database.
      const role = new URL(t.config.database.reportingUrl!).username
      const database = new URL(t.config.database.reportingUrl!).pathname.slice(1)
      const { rows } = await replica.query("SELECT DISTINCT usename::text, datname::text FROM pg_stat_activity WHERE application_name = 'vantage-reporting'")
      expect(rows).toContainEqual({ usename: role, datname: database })
    }, 120_000)

    it('says how far behind it is while the replica lags, and catches up once it replays', async () => {
      await caughtUp()
      const before = (await report(a)).requested
      await replica.query('SELECT pg_wal_replay_pause()')
      try {
        await requestMeeting(a)
        await received()
        await new Promise((resolve) => setTimeout(resolve, 1100))
        const stale = await report(a)
        expect(stale.requested).toBe(before)
        expect(stale.freshness.source).toBe('replica')
        expect(stale.freshness.lagSeconds).toBeGreaterThan(1)
        expect(Date.parse(stale.freshness.asOf)).toBeLessThan(Date.now() - 1000)
        const csv = await t.request({ method: 'GET', url: `/v1/reports/meetings.csv?from=${today}&to=${today}`, token: a.members.advisor!.token })
        expect(csv.statusCode, csv.body).toBe(200)
        expect(csv.headers['x-data-source']).toBe('replica')
        expect(Number(csv.headers['x-data-lag-seconds'])).toBeGreaterThan(1)
        expect(csv.body.trim().split('\n')).toHaveLength(before + 1)
      } finally {
        await replica.query('SELECT pg_wal_replay_resume()')
      }
      await caughtUp()
      const after = await report(a)
      expect(after).toEqual({ freshness: { source: 'replica', asOf: expect.any(String), lagSeconds: expect.any(Number) }, requested: before + 1 })
      expect(after.freshness.lagSeconds).toBeLessThan(5)
    }, 120_000)
  })

  it('reads the primary when no replica is configured, and says so', async () => {
    const t = await build()
    try {
      expect(t.app.reportingDatabase).toBe(t.app.database)
      const school = await t.school('primary-only')
      const today = new Date().toISOString().slice(0, 10)
      const response = await t.request({ method: 'POST', url: '/graphql', token: school.members.advisor!.token, payload: { query: REPORT, variables: { from: today, to: today } } })
      expect(response.json().data.report.freshness).toEqual({ source: 'primary', asOf: expect.any(String), lagSeconds: 0 })
      const csv = await t.request({ method: 'GET', url: `/v1/reports/meetings.csv?from=${today}&to=${today}`, token: school.members.advisor!.token })
      expect([csv.headers['x-data-source'], csv.headers['x-data-lag-seconds']]).toEqual(['primary', '0.0'])
    } finally {
      await t.close()
    }
  })
})
