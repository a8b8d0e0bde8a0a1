// Schools are kept in memory for SCHOOL_CACHE_TTL_MS: a change through this instance applies at once;
// a change made elsewhere applies once the entry expires, or at once when PostgreSQL announces it.
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { until } from './helpers/until.js'

describe('school cache', () => {
  let t: TestApp
  let school: TestSchool
  beforeAll(async () => {
    // Without notifications (their bound no longer than the plain one, so nothing listens).
    t = await build({ SCHOOL_CACHE_TTL_MS: '400', SCHOOL_CACHE_NOTIFIED_TTL_MS: '400' })
    school = await t.school('cached', ['student'])
  })
  afterAll(() => t.close())

  const me = () => t.request({ method: 'GET', url: '/v1/me', token: school.members.student!.token })

  it('applies a change made through the API at once', async () => {
    expect((await me()).statusCode).toBe(200)
    const disabled = await t.request({ method: 'PATCH', url: `/v1/schools/${school.id}`, token: await t.platformToken(), payload: { status: 'disabled' } })
    expect(disabled.statusCode).toBe(200)
    expect((await me()).json().type).toBe('urn:vantage:problem:school-disabled')
    await t.request({ method: 'PATCH', url: `/v1/schools/${school.id}`, token: await t.platformToken(), payload: { status: 'active' } })
    expect((await me()).statusCode).toBe(200)
  })

  it('applies a change made elsewhere within the time to live', async () => {
    expect((await me()).statusCode).toBe(200)
    await t.database.platform.school.update({ where: { id: school.id }, data: { status: 'disabled' } })
    expect((await me()).statusCode).toBe(200) // still the kept row
    await sleep(450)
    expect((await me()).json().type).toBe('urn:vantage:problem:school-disabled')
    await t.database.platform.school.update({ where: { id: school.id }, data: { status: 'active' } })
  })
})

// With notifications from PostgreSQL (the schools_changed trigger, LISTEN on a connection of the
// instance's own), a change made elsewhere applies at once, though rows may be kept far longer.
describe('school cache told of changes', () => {
  let owner: pg.Client

  const me = (t: TestApp, school: TestSchool) => t.request({ method: 'GET', url: '/v1/me', token: school.members.student!.token })
  const status = async (t: TestApp, school: TestSchool) => ((await me(t, school)).statusCode === 200 ? 'active' : (await me(t, school)).json().type)
  const listener = async () =>
    (await owner.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'vantage-school-changes' AND datname = current_database()`)).rows.map((row) => row.pid)
  const setStatus = (school: TestSchool, value: string) => owner.query('UPDATE schools SET status = $1 WHERE id = $2', [value, school.id])

  it('applies a change made elsewhere at once, and again after its listening connection was cut', async () => {
    const t = await build({ SCHOOL_CACHE_TTL_MS: '60000', SCHOOL_CACHE_NOTIFIED_TTL_MS: '600000' })
    try {
      owner = await ownerConnection(t)
      const school = await t.school('notified', ['student'])
      const [first] = await until('the listener connected', async () => ((await listener()).length === 1 ? listener() : undefined))
      expect(await status(t, school)).toBe('active') // kept now, for up to 10 minutes
      await setStatus(school, 'disabled')
      await until('the change applied', async () => (await status(t, school)) === 'urn:vantage:problem:school-disabled', 5_000)
      await setStatus(school, 'active')
      await until('the change back applied', async () => (await status(t, school)) === 'active', 5_000)

      // The connection is cut; the listener connects again (after a second) and changes apply at once again.
      await owner.query('SELECT pg_terminate_backend($1)', [first])
      await until('the listener connected again', async () => {
        const pids = await listener()
        return pids.length === 1 && pids[0] !== first
      }, 10_000)
      expect(await status(t, school)).toBe('active')
      await setStatus(school, 'disabled')
      await until('the change applied after the reconnection', async () => (await status(t, school)) === 'urn:vantage:problem:school-disabled', 5_000)
    } finally {
      await owner.end()
      await t.close()
    }
  })

  it('keeps rows only SCHOOL_CACHE_TTL_MS while it hears nothing', async () => {
    const t = await build({ SCHOOL_CACHE_TTL_MS: '300', SCHOOL_CACHE_NOTIFIED_TTL_MS: '600000' })
    try {
      owner = await ownerConnection(t)
      const school = await t.school('unheard', ['student'])
      const [pid] = await until('the listener connected', async () => ((await listener()).length === 1 ? listener() : undefined))
      expect(await status(t, school)).toBe('active')
      // Cut, and changed before the listener is back (it waits a second): nobody announces the change.
      await owner.query('SELECT pg_terminate_backend($1)', [pid])
      await sleep(100)
      await setStatus(school, 'disabled')
      await sleep(400)
      expect(await status(t, school)).toBe('urn:vantage:problem:school-disabled')
    } finally {
      await owner.end()
      await t.close()
    }
  })
})
