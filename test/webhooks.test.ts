// Webhooks end to end over real HTTP: a school admin subscribes a local receiver (allowed by
// WEBHOOK_ALLOWED_HOSTS, as a deployment would allow an internal one), changes through the API raise
// events in their own transaction, the queue's workers (graphile-worker, running in the app) deliver
// them signed as Standard Webhooks asks, and the independent `standardwebhooks` package verifies every
// signature. Faults: a receiver that is down, slow, failing or gone; two instances; a rolled-back change.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { Webhook as StandardWebhook, WebhookVerificationError } from 'standardwebhooks'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { addressAllowed, checkDestination } from '../src/infra/net/destination.js'
import { rearmStaleDispatches, runReminders } from '../src/modules/webhooks/reminders.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { HOUR } from './helpers/time.js'
import { until } from './helpers/until.js'
import { Receiver } from './helpers/webhooks.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const MEETING_EVENTS = ['meeting.requested', 'meeting.scheduled', 'meeting.completed', 'meeting.cancelled']

describe('webhooks', () => {
  let t: TestApp
  let school: TestSchool
  let owner: pg.Client
  let admin: string
  const receiver = new Receiver()
  let sequence = 0
  /** The app's clock: real time, unless a test holds it (the minute task reads it too). */
  let pinnedAt: Date | null = null

  beforeAll(async () => {
    await receiver.start()
    t = await build({
      JOBS_ENABLED: 'true',
      JOBS_CONCURRENCY: '4',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_TIMEOUT_MS: '700',
      WEBHOOK_RETRY_SCHEDULE: '0.3,0.3,0.3,0.3,0.3,0.3',
    }, { clock: () => pinnedAt ?? new Date() })
    school = await t.school('hook-u')
    admin = school.members.school_admin!.token
    owner = await ownerConnection(t)
  })
  afterEach(() => {
    receiver.status = 200
    receiver.delayMs = 0
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
    await receiver.stop()
  })

  async function subscribe(url: string, eventTypes = MEETING_EVENTS, token = admin) {
    const response = await t.request({ method: 'POST', url: '/v1/webhooks', token, payload: { url, eventTypes } })
    expect(response.statusCode).toBe(201)
    return response.json() as { webhook: { id: string; status: string }; secret: string }
  }

  async function unsubscribe(id: string) {
    expect((await t.request({ method: 'DELETE', url: `/v1/webhooks/${id}`, token: admin })).statusCode).toBe(204)
  }

  /** A new student with a contact, who asks for a meeting: one meeting.requested. */
  async function meetingRequested(of: TestSchool = school) {
    const externalId = `${of.slug}-s-${++sequence}`
    const adminToken = of.members.school_admin!.token
    expect((await t.request({ method: 'PUT', url: `/v1/members/${externalId}`, token: adminToken, payload: { roles: ['student'], givenName: 'Stu' } })).statusCode).toBe(201)
    const token = await t.memberToken(of.id, externalId)
    const contact = await t.request({ method: 'POST', url: '/v1/contacts', token, payload: { fullName: `Person ${sequence}`, source: 'personal', organization: 'Acme' } })
    expect(contact.statusCode).toBe(201)
    const start = Date.now() + 48 * HOUR
    const meeting = await t.request({
      method: 'POST',
      url: '/v1/meetings',
      token,
      payload: {
        contactId: contact.json().id,
        kind: 'informational_interview',
        purpose: 'Learn how analysts spend their week',
        mode: 'phone',
        proposedSlots: [{ startsAt: new Date(start).toISOString(), endsAt: new Date(start + 30 * 60_000).toISOString() }],
      },
    })
    expect(meeting.statusCode).toBe(201)
    return { meetingId: meeting.json().id as string, token, studentId: meeting.json().studentId as string }
  }

  async function deliveries(webhookId: string) {
    const response = await t.request({ method: 'GET', url: `/v1/webhooks/${webhookId}/deliveries?limit=100`, token: admin })
    expect(response.statusCode).toBe(200)
    return response.json().items as Array<{ id: string; eventId: string; eventType: string; status: string; attempts: Array<{ statusCode: number | null; error: string | null }> }>
  }

  describe('subscriptions', () => {
    it('a school admin subscribes an endpoint and gets its signing secret once; reads never show it', async () => {
      const created = await subscribe(receiver.url('/crud'), ['meeting.scheduled', 'thank_you.overdue'])
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
      expect(created.webhook).toMatchObject({ url: receiver.url('/crud'), eventTypes: ['meeting.scheduled', 'thank_you.overdue'], status: 'active', disabledReason: null, previousSecretValidUntil: null })
      const read = await t.request({ method: 'GET', url: `/v1/webhooks/${created.webhook.id}`, token: admin })
      expect(read.statusCode).toBe(200)
      expect(read.json()).toEqual(created.webhook)
      expect(read.body).not.toContain(created.secret.slice(6))
      const list = await t.request({ method: 'GET', url: '/v1/webhooks', token: admin })
      expect(list.json().items.map((item: { id: string }) => item.id)).toContain(created.webhook.id)
      expect(list.body).not.toContain(created.secret.slice(6))
      const types = await t.request({ method: 'GET', url: '/v1/webhooks/event-types', token: admin })
      expect(types.json().items.map((item: { type: string }) => item.type)).toEqual([
        'meeting.requested', 'meeting.scheduled', 'meeting.rescheduled', 'meeting.completed', 'meeting.cancelled', 'meeting.preparation_due', 'thank_you.due_soon', 'thank_you.overdue',
        'referral.created', 'host_request.received', 'host_request.expired', 'program.published', 'member.erased',
      ])
      await unsubscribe(created.webhook.id)
      expect((await t.request({ method: 'GET', url: `/v1/webhooks/${created.webhook.id}`, token: admin })).statusCode).toBe(404)
    })

    it('students, advisors and alumni are refused; a client needs the webhooks:manage scope', async () => {
      for (const role of ['student', 'advisor', 'alumni']) {
        const response = await t.request({ method: 'GET', url: '/v1/webhooks', token: school.members[role]!.token })
        expect(response.statusCode, role).toBe(403)
      }
      const client = async (scopes: string[]) => {
        const created = await t.request({ method: 'POST', url: `/v1/schools/${school.id}/integration-clients`, token: admin, payload: { name: `portal ${scopes}`, scopes } })
        expect(created.statusCode, created.body).toBe(201)
        return t.clientToken(school.id, created.json().client.clientId, scopes as never)
      }
      expect((await t.request({ method: 'GET', url: '/v1/webhooks', token: await client(['reports:read']) })).statusCode).toBe(403)
      expect((await t.request({ method: 'GET', url: '/v1/webhooks', token: await client(['webhooks:manage']) })).statusCode).toBe(200)
    })

    it.each([
      ['http://hooks.example.com/x', 'must be an https URL'],
      ['ftp://hooks.example.com/x', 'must be an https URL'],
      ['https://169.254.169.254/latest/meta-data', 'resolves to 169.254.169.254'],
      ['https://10.1.2.3/hooks', 'resolves to 10.1.2.3'],
      ['https://192.168.0.10/hooks', 'resolves to 192.168.0.10'],
      ['https://[::1]/hooks', 'resolves to ::1'],
      ['https://[fd00::1]/hooks', 'resolves to fd00::1'],
      ['https://[::ffff:10.0.0.1]/hooks', 'resolves to ::ffff:a00:1'],
      // IPv4-compatible 169.254.169.254: not a mapped address, yet it embeds the metadata endpoint.
      ['https://[::a9fe:a9fe]/hooks', 'resolves to ::a9fe:a9fe'],
      ['https://100.64.0.1/hooks', 'resolves to 100.64.0.1'],
      ['https://0.0.0.0/hooks', 'resolves to 0.0.0.0'],
      ['https://user:secret@hooks.example.com/x', 'must not carry credentials'],
      ['not a url', 'must be an absolute URL'],
    ])('refuses %s with a 400 naming body.url, and writes nothing', async (url, message) => {
      const before = (await owner.query('SELECT count(*)::int AS n FROM webhook_subscriptions')).rows[0].n
      const response = await t.request({ method: 'POST', url: '/v1/webhooks', token: admin, payload: { url, eventTypes: ['meeting.scheduled'] } })
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json().errors).toEqual([{ field: 'body.url', message: expect.stringContaining(message) }])
      expect((await owner.query('SELECT count(*)::int AS n FROM webhook_subscriptions')).rows[0].n).toBe(before)
    })

    it('refuses unknown event types and an empty list', async () => {
      for (const eventTypes of [['meeting.exploded'], [], ['meeting.scheduled', 'meeting.scheduled']]) {
        const response = await t.request({ method: 'POST', url: '/v1/webhooks', token: admin, payload: { url: receiver.url(), eventTypes } })
        expect(response.statusCode, JSON.stringify(eventTypes)).toBe(400)
        expect(response.json().type).toBe('urn:vantage:problem:validation-failed')
      }
    })

    it('classifies addresses: public unicast only, unless allowed by address or range', () => {
      const cases: Array<[string, string[], boolean]> = [
        ['93.184.216.34', [], true],
        ['2606:4700::1111', [], true],
        ['127.0.0.1', [], false],
        ['10.0.0.5', [], false],
        ['172.16.3.4', [], false],
        ['169.254.169.254', [], false],
        ['fe80::1', [], false],
        ['::ffff:127.0.0.1', [], false],
        ['::a9fe:a9fe', [], false],
        ['64:ff9b::a00:1', [], false],
        ['224.0.0.1', [], false],
        ['10.0.0.5', ['10.0.0.0/8'], true],
        ['10.0.0.5', ['10.0.0.6'], false],
        ['127.0.0.1', ['127.0.0.1'], true],
        ['::ffff:127.0.0.1', ['127.0.0.1'], true],
      ]
      for (const [address, allowed, expected] of cases) expect(addressAllowed(address, allowed), `${address} ${allowed}`).toBe(expected)
    })

    it('resolves a name before saving it, and refuses one that resolves to loopback', async () => {
      await expect(checkDestination('https://localhost/hooks', [])).rejects.toMatchObject({ status: 400 })
      await expect(checkDestination('https://localhost/hooks', ['localhost'])).resolves.toBe('https://localhost/hooks')
    })
  })

  describe('delivery', () => {
    it('signs each event as Standard Webhooks asks; standardwebhooks verifies it; the payload is thin', async () => {
      const { webhook, secret } = await subscribe(receiver.url('/signed'))
      const before = receiver.received.length
      const { meetingId, studentId } = await meetingRequested()
      const entry = await until('the delivery', () => receiver.received.slice(before).find((item) => item.body.includes(meetingId)))
      const verified = new StandardWebhook(secret).verify(entry.body, {
        'webhook-id': String(entry.headers['webhook-id']),
        'webhook-timestamp': String(entry.headers['webhook-timestamp']),
        'webhook-signature': String(entry.headers['webhook-signature']),
      }) as { type: string; timestamp: string; data: Record<string, unknown> }
      expect(verified.type).toBe('meeting.requested')
      expect(verified.data).toEqual({ meetingId, studentId, contactId: expect.any(String), kind: 'informational_interview', status: 'requested' })
      expect(Math.abs(Date.parse(verified.timestamp) - Date.now())).toBeLessThan(60_000)
      expect(entry.headers['content-type']).toBe('application/json')
      // A tampered body, or another secret, does not verify.
      expect(() => new StandardWebhook(secret).verify(entry.body.replace('requested', 'cancelled'), entry.headers as Record<string, string>)).toThrow(WebhookVerificationError)
      expect(() => new StandardWebhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(entry.body, entry.headers as Record<string, string>)).toThrow(WebhookVerificationError)
      // The log: one succeeded delivery whose event id is the webhook-id the receiver saw.
      const log = await until('the log', async () => (await deliveries(webhook.id)).find((item) => item.status === 'succeeded'))
      expect(log).toMatchObject({ eventId: entry.headers['webhook-id'], eventType: 'meeting.requested', status: 'succeeded', attempts: [{ statusCode: 200, error: null }] })
      await unsubscribe(webhook.id)
    })

    it('a change rolled back leaves no event, no delivery and no job', async () => {
      const { webhook } = await subscribe(receiver.url('/rollback'))
      const { meetingId } = await meetingRequested()
      // The webhook jobs waiting or running (the minute's cron jobs come and go on their own).
      const count = async () => (await owner.query(`SELECT (SELECT count(*) FROM webhook_events)::int AS events, (SELECT count(*) FROM webhook_deliveries)::int AS deliveries,
        (SELECT count(*) FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
          WHERE k.identifier IN ('webhook_dispatch', 'webhook_deliver'))::int AS jobs`)).rows[0]
      await until('the first delivery to settle', async () => (await deliveries(webhook.id)).every((item) => item.status === 'succeeded') || undefined)
      // And its jobs to finish, so that a job finishing now is not read as one the rollback removed.
      const before = await until('the webhook jobs to finish', async () => {
        const counted = await count()
        return counted.jobs === 0 ? counted : undefined
      })
      const app = new pg.Client({ connectionString: t.db.appUrl })
      await app.connect()
      await app.query("SELECT set_config('app.school_id', $1, false)", [school.id])
      await app.query('BEGIN')
      await app.query(`UPDATE meetings SET status = 'cancelled', closed_reason = 'test', closed_at = now() WHERE school_id = $1 AND id = $2`, [school.id, meetingId])
      const inside = (await app.query('SELECT count(*)::int AS n FROM webhook_events')).rows[0].n
      await app.query('ROLLBACK')
      await app.end()
      expect(inside).toBe(before.events + 1)
      expect(await count()).toEqual(before)
      await unsubscribe(webhook.id)
    })

    it('a receiver down for a while gets every event once it is back, each with its own webhook-id, none twice', async () => {
      const down = new Receiver()
      await down.start()
      const port = down.port
      const { webhook, secret } = await subscribe(down.url('/down'))
      await down.stop()
      const meetings = []
      for (let i = 0; i < 4; i++) meetings.push((await meetingRequested()).meetingId)
      await until('failed attempts', async () => (await deliveries(webhook.id)).every((item) => item.attempts.length >= 2) || undefined)
      const waiting = await deliveries(webhook.id)
      expect(waiting.map((item) => item.status)).toEqual(['pending', 'pending', 'pending', 'pending'])
      expect(waiting[0]!.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') })
      await down.start(port)
      await until('every delivery', async () => (await deliveries(webhook.id)).every((item) => item.status === 'succeeded') || undefined)
      const ids = down.received.map((entry) => String(entry.headers['webhook-id']))
      expect(new Set(ids).size).toBe(4)
      expect(ids).toHaveLength(4)
      const types = down.received.map((entry) => (new StandardWebhook(secret).verify(entry.body, entry.headers as Record<string, string>) as { data: { meetingId: string } }).data.meetingId)
      expect(types.sort()).toEqual([...meetings].sort())
      await down.stop()
      await unsubscribe(webhook.id)
    })

    it('after the last retry a delivery fails; a redelivery sends it again with the same webhook-id', async () => {
      const failing = new Receiver()
      await failing.start()
      failing.status = 500
      const { webhook } = await subscribe(failing.url('/failing'))
      await meetingRequested()
      const [failed] = await until('the delivery to fail', async () => {
        const log = await deliveries(webhook.id)
        return log[0]?.status === 'failed' ? log : undefined
      })
      // The first attempt and six retries (WEBHOOK_RETRY_SCHEDULE has six), each answered 500.
      expect(failed!.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 500, 500, 500, 500, 500])
      failing.status = 200
      const redelivered = await t.request({ method: 'POST', url: `/v1/webhooks/${webhook.id}/deliveries/${failed!.id}/redeliver`, token: admin })
      expect(redelivered.statusCode).toBe(202)
      expect(redelivered.json()).toMatchObject({ id: failed!.id, status: 'pending' })
      await until('the redelivery', () => failing.received.length === 1)
      expect(failing.received[0]!.headers['webhook-id']).toBe(failed!.eventId)
      const done = await until('the log', async () => (await deliveries(webhook.id)).find((item) => item.status === 'succeeded'))
      expect(done.attempts).toHaveLength(8)
      // Succeeded: redelivering again is a conflict; an unknown delivery is a 404.
      const again = await t.request({ method: 'POST', url: `/v1/webhooks/${webhook.id}/deliveries/${failed!.id}/redeliver`, token: admin })
      expect(again.statusCode).toBe(409)
      expect((await t.request({ method: 'POST', url: `/v1/webhooks/${webhook.id}/deliveries/${randomUUID()}/redeliver`, token: admin })).statusCode).toBe(404)
      await failing.stop()
      await unsubscribe(webhook.id)
    })

    it('410 Gone disables the subscription: no further deliveries until a school admin enables it again', async () => {
      const gone = new Receiver()
      await gone.start()
      gone.status = 410
      const { webhook } = await subscribe(gone.url('/gone'))
      await meetingRequested()
      const disabled = await until('the subscription to be disabled', async () => {
        const read = (await t.request({ method: 'GET', url: `/v1/webhooks/${webhook.id}`, token: admin })).json()
        return read.status === 'disabled' ? read : undefined
      })
      expect(disabled.disabledReason).toBe('The endpoint answered 410 Gone')
      const [delivery] = await deliveries(webhook.id)
      expect(delivery).toMatchObject({ status: 'failed', attempts: [{ statusCode: 410 }] })
      await meetingRequested()
      expect(await deliveries(webhook.id)).toHaveLength(1)
      const redeliver = await t.request({ method: 'POST', url: `/v1/webhooks/${webhook.id}/deliveries/${delivery!.id}/redeliver`, token: admin })
      expect(redeliver.statusCode).toBe(409)
      gone.status = 200
      const enabled = await t.request({ method: 'PATCH', url: `/v1/webhooks/${webhook.id}`, token: admin, payload: { status: 'active' } })
      expect(enabled.json()).toMatchObject({ status: 'active', disabledReason: null, disabledAt: null })
      await meetingRequested()
      await until('a delivery after re-enabling', () => gone.received.length === 1)
      await gone.stop()
      await unsubscribe(webhook.id)
    })

    it('a slow receiver times out without holding up the other endpoints', async () => {
      const slow = new Receiver()
      await slow.start()
      slow.delayMs = 3000
      const fast = new Receiver()
      await fast.start()
      const slowHook = await subscribe(slow.url('/slow'))
      const fastHook = await subscribe(fast.url('/fast'))
      const started = Date.now()
      await meetingRequested()
      await meetingRequested()
      await until('the fast endpoint', () => fast.received.length === 2)
      expect(Date.now() - started).toBeLessThan(2500)
      const timedOut = await until('a timed-out attempt', async () => (await deliveries(slowHook.webhook.id)).find((item) => item.attempts.length > 0))
      expect(timedOut.attempts[0]).toEqual(expect.objectContaining({ statusCode: null, error: 'no answer within 700 ms' }))
      await unsubscribe(slowHook.webhook.id)
      await unsubscribe(fastHook.webhook.id)
      await slow.stop()
      await fast.stop()
    })

    it('a rotated secret: both sign for the overlap, so a receiver on either verifies; with no overlap only the new one', async () => {
      const rotating = new Receiver()
      await rotating.start()
      const { webhook, secret: oldSecret } = await subscribe(rotating.url('/rotate'))
      const rotated = await t.request({ method: 'POST', url: `/v1/webhooks/${webhook.id}/secret`, token: admin, payload: { previousValidForHours: 24 } })
      expect(rotated.statusCode).toBe(200)
      const newSecret = rotated.json().secret as string
      expect(newSecret).not.toBe(oldSecret)
      expect(Date.parse(rotated.json().webhook.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23.9 * HOUR)
      await meetingRequested()
      await until('the delivery', () => rotating.received.length === 1)
      const first = rotating.received[0]!
      expect(String(first.headers['webhook-signature']).split(' ')).toHaveLength(2)
      expect(() => new StandardWebhook(newSecret).verify(first.body, first.headers as Record<string, string>)).not.toThrow()
      expect(() => new StandardWebhook(oldSecret).verify(first.body, first.headers as Record<string, string>)).not.toThrow()
      // No body: the default overlap of 24 hours.
      const defaulted = await t.request({ method: 'POST', url: `/v1/webhooks/${webhook.id}/secret`, token: admin })
      expect(defaulted.statusCode).toBe(200)
      expect(Date.parse(defaulted.json().webhook.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23.9 * HOUR)
      const cut = await t.request({ method: 'POST', url: `/v1/webhooks/${webhook.id}/secret`, token: admin, payload: { previousValidForHours: 0 } })
      const newest = cut.json().secret as string
      expect(cut.json().webhook.previousSecretValidUntil).toBeNull()
      await meetingRequested()
      await until('the second delivery', () => rotating.received.length === 2)
      const second = rotating.received[1]!
      expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(1)
      expect(() => new StandardWebhook(newest).verify(second.body, second.headers as Record<string, string>)).not.toThrow()
      expect(() => new StandardWebhook(newSecret).verify(second.body, second.headers as Record<string, string>)).toThrow(WebhookVerificationError)
      await rotating.stop()
      await unsubscribe(webhook.id)
    })

    it('two instances share the queue: every event is delivered once', async () => {
      const shared = new Receiver()
      await shared.start()
      const second = await build({ JOBS_ENABLED: 'true', JOBS_CONCURRENCY: '4', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }, { databaseUrl: t.db.appUrl })
      try {
        const { webhook } = await subscribe(shared.url('/shared'))
        for (let i = 0; i < 8; i++) await meetingRequested()
        await until('eight deliveries', async () => (await deliveries(webhook.id)).filter((item) => item.status === 'succeeded').length === 8)
        await new Promise((resolve) => setTimeout(resolve, 500))
        const ids = shared.received.map((entry) => String(entry.headers['webhook-id']))
        expect(ids).toHaveLength(8)
        expect(new Set(ids).size).toBe(8)
        await unsubscribe(webhook.id)
      } finally {
        await second.close()
        await shared.stop()
      }
    })
  })

  describe('dispatch', () => {
    it('a school\'s burst beyond one dispatch (200) is sent whole: each dispatch queues the next', async () => {
      const burst = new Receiver()
      await burst.start()
      const { webhook } = await subscribe(burst.url('/burst'), ['meeting.requested'])
      const app = new pg.Client({ connectionString: t.db.appUrl })
      await app.connect()
      await app.query("SELECT set_config('app.school_id', $1, false)", [school.id])
      // 450 events in one transaction, as a bulk change would raise them.
      await app.query(`SELECT count(webhook_emit($1::uuid, 'meeting.requested', gen_random_uuid(), jsonb_build_object('n', n))) FROM generate_series(1, 450) n`, [school.id])
      await app.end()
      await until('450 deliveries', () => burst.received.length === 450, 30_000)
      expect(new Set(burst.received.map((entry) => entry.headers['webhook-id'])).size).toBe(450)
      await burst.stop()
      await unsubscribe(webhook.id)
    })

    it('a delivery that no dispatch picked up is armed by the minute task\'s sweep after 10 seconds', async () => {
      const swept = new Receiver()
      await swept.start()
      const { webhook } = await subscribe(swept.url('/swept'), ['meeting.requested'])
      // The app's clock held at the delivery's creation: the real minute task (graphile-worker's cron,
      // running in this app) may fire at any moment of this test, and sees the delivery 0 seconds old.
      // The sweep is driven here with the times it is about; it is the same function the task calls.
      const writtenAt = new Date()
      pinnedAt = writtenAt
      const after = (ms: number) => new Date(writtenAt.getTime() + ms)
      try {
        // As if written while the school's dispatch job was being taken: an event and its delivery, no job.
        const { rows: [delivery] } = await owner.query<{ id: string }>(`
          WITH event AS (INSERT INTO webhook_events (school_id, type, subject_id, data) VALUES ($1, 'meeting.requested', gen_random_uuid(), '{}') RETURNING id)
          INSERT INTO webhook_deliveries (school_id, subscription_id, event_id, created_at) SELECT $1, $2, id, $3 FROM event RETURNING id::text`,
        [school.id, webhook.id, writtenAt])
        await new Promise((resolve) => setTimeout(resolve, 500))
        expect(swept.received).toHaveLength(0)
        expect(await rearmStaleDispatches(t.database, after(9_000))).toBe(0)
        expect(await rearmStaleDispatches(t.database, after(11_000))).toBe(1)
        await until('the swept delivery', () => swept.received.length === 1)
        expect((await deliveries(webhook.id)).find((item) => item.id === delivery!.id)?.status).toBe('succeeded')
        // Nothing left to arm.
        expect(await rearmStaleDispatches(t.database, after(11_000))).toBe(0)
      } finally {
        pinnedAt = null
      }
      await swept.stop()
      await unsubscribe(webhook.id)
    })
  })

  describe('reminders', () => {
    it('thank_you.due_soon and thank_you.overdue once per meeting, also when two runs race', async () => {
      const { webhook } = await subscribe(receiver.url('/reminders'), ['thank_you.due_soon', 'thank_you.overdue'])
      const now = new Date()
      const soon = await meetingRequested()
      const late = await meetingRequested()
      const later = await meetingRequested()
      const sent = await meetingRequested()
      const due = async (meetingId: string, dueAt: Date, status = 'completed') =>
        owner.query(`UPDATE meetings SET status = $3::meeting_status, completed_at = now(), thank_you_due_at = $2 WHERE id = $1`, [meetingId, dueAt, status])
      await due(soon.meetingId, new Date(now.getTime() + 3 * HOUR))
      await due(late.meetingId, new Date(now.getTime() - 1 * HOUR))
      await due(later.meetingId, new Date(now.getTime() + 10 * HOUR))
      await due(sent.meetingId, new Date(now.getTime() + 2 * HOUR), 'thank_you_sent')
      await Promise.all([runReminders(t.database, now, 4), runReminders(t.database, now, 4)])
      await runReminders(t.database, new Date(now.getTime() + 60_000), 4)
      const { rows } = await owner.query(`SELECT type, subject_id::text AS meeting FROM webhook_events WHERE type LIKE 'thank_you.%' ORDER BY type`)
      expect(rows).toEqual([
        { type: 'thank_you.due_soon', meeting: soon.meetingId },
        { type: 'thank_you.overdue', meeting: late.meetingId },
      ])
      await until('both reminders delivered', async () => (await deliveries(webhook.id)).filter((item) => item.status === 'succeeded').length === 2)
      await unsubscribe(webhook.id)
    })
  })
})
