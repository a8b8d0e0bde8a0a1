// The job queue across a PostgreSQL restart: the service's connections (the workers' pool and the
// queue's listening connection among them) all die while the database is away; once it is back,
// the workers resume without a restart of the service, a change made after the outage is delivered,
// and a delivery that was waiting for its retry when the database went away is delivered too.
// graphile-worker's runner stops itself when its cron or worker pool fails (as in an outage): the
// service starts it again, which the last test checks directly.
// The database sits behind a TCP proxy (helpers/proxy.ts), which cuts every connection at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { HOUR } from './helpers/time.js'
import type { TestDatabase } from './helpers/database.js'
import { type Proxy, proxiedDatabase } from './helpers/proxy.js'
import { until } from './helpers/until.js'
import { Receiver } from './helpers/webhooks.js'


describe('job queue across a database restart', () => {
  let t: TestApp
  let db: TestDatabase
  let proxy: Proxy
  let school: TestSchool
  let contactId = ''
  const hooks = new Receiver()
  let secret = ''
  let webhookId = ''

  beforeAll(async () => {
    const proxied = await proxiedDatabase()
    db = proxied.db
    proxy = proxied.proxy
    t = await build(
      { JOBS_ENABLED: 'true', JOBS_CONCURRENCY: '2', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '2,2,2' },
      { databaseUrl: proxied.url },
    )
    school = await t.school('queue-outage', ['student', 'school_admin'])
    await hooks.start()
    const subscribed = await t.request({ method: 'POST', url: '/v1/webhooks', token: school.members.school_admin!.token, payload: { url: hooks.url(), eventTypes: ['meeting.requested'] } })
    expect(subscribed.statusCode, subscribed.body).toBe(201)
    secret = subscribed.json().secret
    webhookId = subscribed.json().webhook.id
    const contact = await t.request({ method: 'POST', url: '/v1/contacts', token: school.members.student!.token, payload: { fullName: 'Quinn Queue', source: 'personal' } })
    expect(contact.statusCode).toBe(201)
    contactId = contact.json().id
  })
  afterAll(async () => {
    proxy.cut('forward')
    proxy.server.close()
    await t.close()
    await hooks.stop()
    await db.drop()
  })

  let sequence = 0
  /** A meeting request (meeting.requested), retried while the pool reconnects; its id. */
  async function requestMeeting(): Promise<string> {
    const start = Math.ceil(Date.now() / HOUR) * HOUR + (10 + ++sequence) * 24 * HOUR
    const payload = { contactId, kind: 'informational_interview', purpose: 'Learning about queues', mode: 'phone', proposedSlots: [{ startsAt: new Date(start).toISOString(), endsAt: new Date(start + 30 * 60_000).toISOString() }] }
    let last = ''
    return until('the meeting request', async () => {
      const response = await t.request({ method: 'POST', url: '/v1/meetings', token: school.members.student!.token, payload })
      last = `${response.statusCode} ${response.body}`
      if (response.statusCode === 400) throw new Error(last)
      return response.statusCode === 201 ? (response.json().id as string) : undefined
    }, 15_000).catch((error: Error) => {
      throw new Error(`${error.message}; last answer: ${last}`)
    })
  }
  const delivered = () => hooks.events(secret).map((event) => (event.data as { meetingId: string }).meetingId)
  /** The delivery log, newest first. */
  async function deliveries(): Promise<Array<{ status: string; attempts: unknown[]; nextAttemptAt: string | null }>> {
    const response = await t.request({ method: 'GET', url: `/v1/webhooks/${webhookId}/deliveries?limit=100`, token: school.members.school_admin!.token })
    return response.statusCode === 200 ? response.json().items : []
  }
  /** Resolves once every delivery in the log is settled as delivered. */
  const allRecorded = (what: string) =>
    until(what, async () => ((await deliveries()).every((item) => item.status === 'succeeded') ? true : undefined), 30_000)

  it('delivers before the outage, and a change made after it, without a restart of the service', async () => {
    const before = await requestMeeting()
    await until('the first delivery', async () => (delivered().includes(before) ? true : undefined), 15_000)
    // The cut comes once the delivery is recorded: the outage does not fall between the endpoint's
    // answer and its record (the last test cuts there on purpose).
    await allRecorded('the first delivery recorded')

    proxy.cut('refuse')
    await new Promise((resolve) => setTimeout(resolve, 3000))
    proxy.cut('forward')

    const after = await requestMeeting()
    await until('the delivery after the outage', async () => (delivered().includes(after) ? true : undefined), 30_000)
    expect(delivered()).toEqual([before, after])
    await allRecorded('the delivery after the outage recorded')
  }, 60_000)

  it('a delivery waiting for its retry when the database went away is delivered once it is back', async () => {
    hooks.status = 503
    const attempts = hooks.arrived.length
    const waiting = await requestMeeting()
    // The first attempt fails; its retry is due 2 s (±20 %) later, while the database is away. The
    // cut waits until the failure is recorded and the retry queued: the delivery is then waiting.
    // (On a slow machine a second attempt may fail before the log is read: it waits all the same.)
    await until('the failed first attempt', async () => (hooks.arrived.length > attempts ? true : undefined), 15_000)
    await until('the retry queued', async () => {
      // The one delivery still pending: every earlier one succeeded.
      const pending = (await deliveries()).filter((item) => item.status === 'pending')
      return pending.length === 1 && pending[0]!.attempts.length >= 1 && pending[0]!.nextAttemptAt ? true : undefined
    }, 15_000)
    hooks.status = 200
    proxy.cut('refuse')
    await new Promise((resolve) => setTimeout(resolve, 4000))
    proxy.cut('forward')
    await until('the retried delivery', async () => (delivered().includes(waiting) ? true : undefined), 30_000)
    expect(delivered().filter((id) => id === waiting)).toHaveLength(1)
    await allRecorded('the retried delivery recorded')
  }, 60_000)

  it('a runner that stopped on its own (its cron or worker pool failed) is started again', async () => {
    hooks.status = 200
    const first = t.app.jobs.runner!
    expect(first).not.toBeNull()
    await first.stop('as if its cron had failed')
    const next = await until('a new runner', async () => (t.app.jobs.runner && t.app.jobs.runner !== first ? t.app.jobs.runner : undefined), 10_000)
    expect(next).not.toBe(first)
    const later = await requestMeeting()
    await until('the delivery by the new runner', async () => (delivered().includes(later) ? true : undefined), 20_000)
  }, 60_000)

  it('a delivery whose answer could not be recorded (the database went away meanwhile) is sent again once it is back, with the same webhook-id', async () => {
    hooks.status = 200
    hooks.delayMs = 1500
    const arrivals = hooks.arrived.length
    const meeting = await requestMeeting()
    // The endpoint holds the request; the database goes away before it answers 200, so the answer
    // cannot be recorded. The delivery is then sent again: at least once, never lost.
    await until('the attempt', async () => (hooks.arrived.length > arrivals ? true : undefined), 15_000)
    proxy.cut('refuse')
    await new Promise((resolve) => setTimeout(resolve, 3000))
    hooks.delayMs = 0
    proxy.cut('forward')
    await allRecorded('the delivery recorded after the outage')
    const copies = hooks.events(secret).filter((event) => (event.data as { meetingId: string }).meetingId === meeting)
    expect(copies).toHaveLength(2)
    expect(copies[1]!.id).toBe(copies[0]!.id)
  }, 90_000)
})
