// Webhook events from every source, end to end: each change made through the API (a referral, a
// request to hosts, an expiry, a programme published, a meeting's lifecycle) reaches a local receiver
// as exactly the events it raises, signed (verified by the independent `standardwebhooks` package),
// with the ids the API answered; subscriptions filter by type and never cross schools; and an instance
// stopped while a delivery is in flight neither loses nor repeats it. Each test uses a school of its
// own, so the events and deliveries it counts are its own.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runReminders } from '../src/modules/webhooks/reminders.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { MINUTE, HOUR, DAY, iso } from './helpers/time.js'
import { until } from './helpers/until.js'
import { Receiver } from './helpers/webhooks.js'

const MEETING_EVENTS = ['meeting.requested', 'meeting.scheduled', 'meeting.completed', 'meeting.cancelled']
const PURPOSE = 'I am exploring the field and would value 30 minutes to learn about your path.'
const day = (ms: number) => iso(ms).slice(0, 10)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const WEBHOOK_ENV = { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '0.3,0.3,0.3' }

/** The API calls the tests make, against one app. */
function api(t: TestApp) {
  let sequence = 0
  const admin = (of: TestSchool) => of.members.school_admin!.token
  const ok = async (options: Parameters<TestApp['request']>[0], status: number) => {
    const response = await t.request(options)
    expect(response.statusCode, `${options.method} ${options.url}: ${response.body}`).toBe(status)
    return response.json()
  }
  const self = {
    subscribe: (of: TestSchool, url: string, eventTypes: string[]) =>
      ok({ method: 'POST', url: '/v1/webhooks', token: admin(of), payload: { url, eventTypes } }, 201) as Promise<{ webhook: { id: string }; secret: string }>,
    deliveries: async (of: TestSchool, webhookId: string) =>
      (await ok({ method: 'GET', url: `/v1/webhooks/${webhookId}/deliveries?limit=100`, token: admin(of) }, 200)).items as Array<{
        id: string
        eventId: string
        eventType: string
        status: string
        attempts: Array<{ statusCode: number | null; error: string | null }>
      }>,
    /** Waits until the subscription has `count` deliveries, all succeeded. */
    settled: (of: TestSchool, webhookId: string, count: number) =>
      until(`${count} deliveries succeeded`, async () => {
        const log = await self.deliveries(of, webhookId)
        return log.length === count && log.every((item) => item.status === 'succeeded') ? log : undefined
      }),
    async member(of: TestSchool, payload: Record<string, unknown>) {
      const externalId = `${of.slug}-m-${++sequence}`
      const { id } = await ok({ method: 'PUT', url: `/v1/members/${externalId}`, token: admin(of), payload }, 201)
      return { id: id as string, token: await t.memberToken(of.id, externalId) }
    },
    student: (of: TestSchool) => self.member(of, { roles: ['student'], givenName: 'Stu', familyName: `Dent${sequence + 1}`, fieldsOfInterest: ['Design'] }),
    async host(of: TestSchool) {
      const host = await self.member(of, { roles: ['alumni'], givenName: 'Hana', familyName: `Host${sequence + 1}` })
      await ok({
        method: 'PUT',
        url: `/v1/hosts/${host.id}`,
        token: admin(of),
        payload: {
          organization: `Org ${sequence}`,
          industries: ['Design'],
          occupations: [],
          offers: ['informational_interview', 'job_shadow'],
          modes: ['video', 'phone'],
          accepting: true,
          timeZone: 'America/New_York',
          contactEmail: `host${sequence}@alumni.example`,
          capacity: { maxMeetingsPerMonth: 10, maxShadowDaysPerTerm: 10, maxOpenRequests: 10 },
          availability: { weeklyWindows: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), blackouts: [] },
        },
      }, 201)
      return host
    },
    contact: (token: string) => ok({ method: 'POST', url: '/v1/contacts', token, payload: { fullName: `Person ${++sequence}`, source: 'personal', organization: 'Acme' } }, 201) as Promise<{ id: string }>,
    /** A new student asks a new contact for a meeting (meeting.requested). */
    async meeting(of: TestSchool) {
      const student = await self.student(of)
      const contact = await self.contact(student.token)
      const start = Date.now() + 2 * DAY
      const meeting = await ok({
        method: 'POST',
        url: '/v1/meetings',
        token: student.token,
        payload: { contactId: contact.id, kind: 'informational_interview', purpose: 'Learn how analysts spend their week', mode: 'phone', proposedSlots: [{ startsAt: iso(start), endsAt: iso(start + 30 * MINUTE) }] },
      }, 201)
      return { meetingId: meeting.id as string, studentId: student.id, contactId: contact.id, token: student.token }
    },
    transition: (token: string, meetingId: string, name: string, payload: Record<string, unknown>) =>
      ok({ method: 'POST', url: `/v1/meetings/${meetingId}/${name}`, token, payload }, 200),
    hostRequests: (token: string, hostIds: string[]) => {
      const start = Date.now() + 3 * DAY
      return ok({
        method: 'POST',
        url: '/v1/host-requests',
        token,
        payload: { hostIds, kind: 'informational_interview', purpose: PURPOSE, mode: 'phone', proposedSlots: [{ startsAt: iso(start), endsAt: iso(start + 30 * MINUTE) }] },
      }, 201) as Promise<{ items: Array<{ id: string; meetingId: string; programId: string | null; host: { memberId: string }; student: { id: string } }> }>
    },
  }
  return self
}

describe('webhook events', () => {
  let t: TestApp
  let owner: pg.Client
  let call: ReturnType<typeof api>
  let schools = 0
  const receivers: Receiver[] = []

  beforeAll(async () => {
    t = await build({ ...WEBHOOK_ENV, JOBS_ENABLED: 'true', JOBS_CONCURRENCY: '4', WEBHOOK_TIMEOUT_MS: '2000' })
    call = api(t)
    owner = await ownerConnection(t)
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
    await Promise.all(receivers.map((receiver) => receiver.stop()))
  })

  async function receiver() {
    const created = new Receiver()
    await created.start()
    receivers.push(created)
    return created
  }

  /** A school of the test's own, subscribed (unless no types are given) to a receiver of its own. */
  async function subscribed(eventTypes: string[]) {
    const school = await t.school(`we-${++schools}`)
    const hooks = await receiver()
    const { webhook, secret } = await call.subscribe(school, hooks.url(), eventTypes)
    return { school, hooks, webhookId: webhook.id, secret }
  }

  /** The events the school's outbox holds, read as the owner (past row-level security). */
  async function outbox(schoolId: string) {
    const { rows } = await owner.query(`SELECT type, subject_id::text AS subject FROM webhook_events WHERE school_id = $1 ORDER BY occurred_at, type`, [schoolId])
    return rows as Array<{ type: string; subject: string }>
  }

  it('referral.created: one event with the ids the API answered, signed with the subscription secret', async () => {
    const { school, hooks, webhookId, secret } = await subscribed(['referral.created'])
    const { meetingId, studentId, contactId, token } = await call.meeting(school)
    const response = await t.request({ method: 'POST', url: '/v1/referrals', token, payload: { referrer: { contactId }, referred: { contact: { fullName: 'Dr. Sam Lee' } }, meetingId } })
    expect(response.statusCode, response.body).toBe(201)
    const referral = response.json()
    expect(referral).toMatchObject({ studentId, meetingId, referrerContactId: contactId })
    const [delivery] = await call.settled(school, webhookId, 1)
    await sleep(300)
    const events = hooks.events(secret)
    expect(events).toEqual([
      {
        id: delivery!.eventId,
        type: 'referral.created',
        timestamp: expect.any(String),
        data: { referralId: referral.id, studentId, meetingId, referrerContactId: contactId, referredContactId: referral.referredContactId },
      },
    ])
    // The meeting request before it raised nothing here: this subscription wants referrals only.
    expect(await outbox(school.id)).toEqual([{ type: 'referral.created', subject: referral.id }])
  })

  it('host_request.received: one per request of a fan-out, each naming its host, student and meeting', async () => {
    const { school, hooks, webhookId, secret } = await subscribed(['host_request.received'])
    const student = await call.student(school)
    const hosts = [await call.host(school), await call.host(school), await call.host(school)]
    const { items } = await call.hostRequests(student.token, hosts.map((host) => host.id))
    expect(items.map((item) => item.host.memberId)).toEqual(hosts.map((host) => host.id))
    await call.settled(school, webhookId, 3)
    await sleep(300)
    const events = hooks.events(secret)
    expect(new Set(events.map((event) => event.id)).size).toBe(3)
    expect(events.map((event) => event.type)).toEqual(['host_request.received', 'host_request.received', 'host_request.received'])
    const byRequest = (a: { hostRequestId: unknown }, b: { hostRequestId: unknown }) => String(a.hostRequestId).localeCompare(String(b.hostRequestId))
    expect(events.map((event) => event.data as { hostRequestId: unknown }).sort(byRequest)).toEqual(
      items.map((item, index) => ({ hostRequestId: item.id, hostId: hosts[index]!.id, studentId: student.id, meetingId: item.meetingId, programId: null })).sort(byRequest),
    )
  })

  it('host_request.expired: runReminders expires an overdue request once, with its meeting cancelled; a second run emits nothing', async () => {
    const { school, hooks, webhookId, secret } = await subscribed(['host_request.expired', 'meeting.cancelled'])
    const student = await call.student(school)
    const host = await call.host(school)
    const [request] = (await call.hostRequests(student.token, [host.id])).items
    await owner.query(`UPDATE host_requests SET expires_at = now() - interval '1 minute' WHERE school_id = $1 AND id = $2`, [school.id, request!.id])
    // The app's own reminder cron (every minute) may take the request first: the outcome is the same.
    await runReminders(t.database, new Date(), 4)
    await call.settled(school, webhookId, 2)
    const again = await runReminders(t.database, new Date(), 4)
    expect(again.expired).toBe(0)
    await sleep(500)
    const data = { hostRequestId: request!.id, hostId: host.id, studentId: student.id, meetingId: request!.meetingId, programId: null }
    const events = hooks.events(secret).sort((a, b) => a.type.localeCompare(b.type))
    expect(events).toEqual([
      { id: expect.any(String), type: 'host_request.expired', timestamp: expect.any(String), data },
      { id: expect.any(String), type: 'meeting.cancelled', timestamp: expect.any(String), data: { meetingId: request!.meetingId, studentId: student.id, contactId: expect.any(String), kind: 'informational_interview', status: 'cancelled' } },
    ])
    expect(await outbox(school.id)).toHaveLength(2)
    expect(await call.deliveries(school, webhookId)).toHaveLength(2)
  })

  it('program.published: one event naming the programme and the run published', async () => {
    const { school, hooks, webhookId, secret } = await subscribed(['program.published'])
    const advisor = school.members.advisor!.token
    const host = await call.host(school)
    const students = [await call.student(school), await call.student(school)]
    const post = async (url: string, payload: Record<string, unknown>, status: number, method: 'POST' | 'PUT' = 'POST') => {
      const response = await t.request({ method, url, token: advisor, payload })
      expect(response.statusCode, response.body).toBe(status)
      return response.json()
    }
    const starts = Date.now() + 14 * DAY
    const program = await post('/v1/programs', { name: 'Webhook week', kind: 'informational_interview', modes: ['video'], startsOn: day(starts), endsOn: day(starts + 4 * DAY) }, 201)
    await post(`/v1/programs/${program.id}/hosts`, { hosts: [{ hostId: host.id, capacity: 2 }] }, 200, 'PUT')
    await post(`/v1/programs/${program.id}/students`, { students: students.map((student) => ({ studentId: student.id })) }, 200, 'PUT')
    const run = await post(`/v1/programs/${program.id}/assignment-runs`, {}, 201)
    expect(run.pairs).toHaveLength(2)
    const published = await post(`/v1/programs/${program.id}/assignment-runs/${run.id}/publish`, {}, 200)
    expect(published.requestsCreated).toBe(2)
    // Publishing again is refused and announces nothing.
    await post(`/v1/programs/${program.id}/assignment-runs/${run.id}/publish`, {}, 409)
    const [delivery] = await call.settled(school, webhookId, 1)
    await sleep(300)
    expect(hooks.events(secret)).toEqual([{ id: delivery!.eventId, type: 'program.published', timestamp: expect.any(String), data: { programId: program.id, runId: run.id } }])
  })

  it('a meeting\'s lifecycle: requested, scheduled, completed, and cancelled on another, each once with the status of that moment', async () => {
    const { school, hooks, webhookId, secret } = await subscribed(MEETING_EVENTS)
    const first = await call.meeting(school)
    const startsAt = Date.now() + 1500
    await call.transition(first.token, first.meetingId, 'schedule', { startsAt: iso(startsAt), endsAt: iso(startsAt + 30 * MINUTE) })
    await sleep(startsAt + 100 - Date.now())
    // It ended early (the real clock runs here): completed with its actual end.
    await call.transition(first.token, first.meetingId, 'complete', { rating: 4, askedForReferrals: false, endedAt: iso(Date.now()) })
    const second = await call.meeting(school)
    await call.transition(second.token, second.meetingId, 'cancel', {})
    await call.settled(school, webhookId, 5)
    await sleep(300)
    // Deliveries run concurrently: a receiver orders by the payload's timestamp, not by arrival.
    const events = hooks.events(secret).sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp))
    expect(new Set(events.map((event) => event.id)).size).toBe(5)
    const data = (meeting: typeof first, status: string) => ({ meetingId: meeting.meetingId, studentId: meeting.studentId, contactId: meeting.contactId, kind: 'informational_interview', status })
    expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
      { type: 'meeting.requested', data: data(first, 'requested') },
      { type: 'meeting.scheduled', data: data(first, 'scheduled') },
      { type: 'meeting.completed', data: data(first, 'completed') },
      { type: 'meeting.requested', data: data(second, 'requested') },
      { type: 'meeting.cancelled', data: data(second, 'cancelled') },
    ])
  })

  it('meeting.preparation_due: once for a booked meeting starting within the window with its preparation open, not for one prepared or further out', async () => {
    const { school, hooks, webhookId, secret } = await subscribed(['meeting.preparation_due'])
    const start = Math.ceil(Date.now() / MINUTE) * MINUTE + 2 * DAY
    const at = (from: number) => ({ startsAt: iso(from), endsAt: iso(from + 30 * MINUTE) })
    const open = await call.meeting(school)
    await call.transition(open.token, open.meetingId, 'schedule', at(start))
    const prepared = await call.meeting(school)
    await call.transition(prepared.token, prepared.meetingId, 'schedule', at(start + HOUR))
    const ready = await t.request({ method: 'PUT', url: `/v1/meetings/${prepared.meetingId}/preparation`, token: prepared.token, payload: { homework: 'Read the firm\'s annual report', customQuestions: ['How did you choose this field?'] } })
    expect(ready.statusCode).toBe(200)
    await call.transition(prepared.token, prepared.meetingId, 'resume-sent', {})
    const later = await call.meeting(school)
    await call.transition(later.token, later.meetingId, 'schedule', at(start + 4 * DAY))
    // Within 72 hours: the open one and the prepared one; the prepared one has nothing open.
    await runReminders(t.database, new Date(), 4, 72)
    await runReminders(t.database, new Date(), 4, 72)
    await call.settled(school, webhookId, 1)
    await sleep(300)
    expect(hooks.events(secret).map(({ type, data }) => ({ type, data }))).toEqual([
      { type: 'meeting.preparation_due', data: { meetingId: open.meetingId, studentId: open.studentId, contactId: open.contactId, kind: 'informational_interview', status: 'scheduled' } },
    ])
    expect(await outbox(school.id)).toEqual([{ type: 'meeting.preparation_due', subject: open.meetingId }])
  })

  it('meeting.rescheduled: once per move of a scheduled meeting, not for its first time nor for the same window again', async () => {
    const { school, hooks, webhookId, secret } = await subscribed(['meeting.scheduled', 'meeting.rescheduled'])
    const meeting = await call.meeting(school)
    const day = 24 * 60 * MINUTE
    const at = (start: number) => ({ startsAt: iso(start), endsAt: iso(start + 30 * MINUTE) })
    const first = Math.ceil(Date.now() / MINUTE) * MINUTE + 2 * day
    await call.transition(meeting.token, meeting.meetingId, 'schedule', at(first))
    await call.transition(meeting.token, meeting.meetingId, 'schedule', at(first + day))
    await call.transition(meeting.token, meeting.meetingId, 'schedule', at(first + day))
    await call.settled(school, webhookId, 2)
    await sleep(300)
    const events = hooks.events(secret).sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp))
    const data = { meetingId: meeting.meetingId, studentId: meeting.studentId, contactId: meeting.contactId, kind: 'informational_interview', status: 'scheduled' }
    expect(events.map(({ type, data }) => ({ type, data }))).toEqual([{ type: 'meeting.scheduled', data }, { type: 'meeting.rescheduled', data }])
  })

  it('a subscription gets only its types; a school with no subscription writes no events at all', async () => {
    const { school, hooks, webhookId, secret } = await subscribed(['meeting.scheduled'])
    const meeting = await call.meeting(school)
    expect(await outbox(school.id)).toEqual([])
    const startsAt = Date.now() + DAY
    await call.transition(meeting.token, meeting.meetingId, 'schedule', { startsAt: iso(startsAt), endsAt: iso(startsAt + 30 * MINUTE) })
    expect(await outbox(school.id)).toEqual([{ type: 'meeting.scheduled', subject: meeting.meetingId }])
    await call.settled(school, webhookId, 1)
    await sleep(300)
    expect(hooks.events(secret).map((event) => [event.type, event.data.meetingId])).toEqual([['meeting.scheduled', meeting.meetingId]])

    const bare = await t.school(`we-${++schools}`)
    const unheard = await call.meeting(bare)
    await call.transition(unheard.token, unheard.meetingId, 'schedule', { startsAt: iso(startsAt + HOUR), endsAt: iso(startsAt + HOUR + 30 * MINUTE) })
    await call.transition(unheard.token, unheard.meetingId, 'cancel', {})
    const { rows } = await owner.query(
      `SELECT (SELECT count(*)::int FROM webhook_events WHERE school_id = $1) AS events, (SELECT count(*)::int FROM webhook_deliveries WHERE school_id = $1) AS deliveries`,
      [bare.id],
    )
    expect(rows[0]).toEqual({ events: 0, deliveries: 0 })
  })

  it('another school\'s subscription never receives this school\'s events', async () => {
    const a = await subscribed(MEETING_EVENTS)
    const b = await subscribed(MEETING_EVENTS)
    const inA = await call.meeting(a.school)
    const inB = await call.meeting(b.school)
    await call.settled(a.school, a.webhookId, 1)
    await call.settled(b.school, b.webhookId, 1)
    await sleep(300)
    expect(a.hooks.events(a.secret).map((event) => [event.type, event.data.meetingId])).toEqual([['meeting.requested', inA.meetingId]])
    expect(b.hooks.events(b.secret).map((event) => [event.type, event.data.meetingId])).toEqual([['meeting.requested', inB.meetingId]])
    // Each delivery is signed with its own school's secret only.
    expect(() => b.hooks.events(a.secret)).toThrow()
    const { rows } = await owner.query(
      `SELECT d.school_id::text AS school, e.subject_id::text AS meeting FROM webhook_deliveries d JOIN webhook_events e ON e.school_id = d.school_id AND e.id = d.event_id
        WHERE d.subscription_id = ANY($1::uuid[]) ORDER BY d.school_id = $2 DESC`,
      [[a.webhookId, b.webhookId], a.school.id],
    )
    expect(rows).toEqual([{ school: a.school.id, meeting: inA.meetingId }, { school: b.school.id, meeting: inB.meetingId }])
  })
})

// An instance stopped while a delivery is in flight. runner.stop() (graphile-worker 0.18, called by
// the jobs plugin's onClose) is a graceful shutdown: it stops taking jobs and waits for the jobs in
// progress to run to their end (worker.release() without force resolves when the task returns; the
// 5 s gracefulShutdownAbortTimeout only fires an abort signal, which the delivery task ignores). So
// closing waits for the receiver's answer, the stopping instance records the attempt succeeded, and
// the next instance sends nothing again: exactly one request, with the event's id as webhook-id.
// The job must be gone too. But with completeJobBatchDelay at its default (-1) the worker calls
// completeJob without awaiting it, runner.stop() resolves first, and the plugin's pool.end() drops
// the completion's pending connect(): the job stays locked by the closed instance until
// graphile-worker's 4-hour lock timeout, then runs again (deliver() skips a settled delivery, but one
// still retrying gets an extra, early attempt). The last assertion shows that (see the report).
describe('an instance stopped mid-delivery', () => {
  it('finishes the delivery in flight before it closes; the next instance does not send it again', async () => {
    // The API instance runs no workers, so the delivery can only be taken by `first`.
    const base = await build({ ...WEBHOOK_ENV, JOBS_ENABLED: 'false' })
    const hooks = new Receiver()
    await hooks.start()
    hooks.delayMs = 1500
    const workers = { ...WEBHOOK_ENV, JOBS_ENABLED: 'true', JOBS_CONCURRENCY: '2', WEBHOOK_TIMEOUT_MS: '5000' }
    const owner = await ownerConnection(base)
    let first: TestApp | null = null
    let next: TestApp | null = null
    try {
      first = await build(workers, { databaseUrl: base.db.appUrl })
      const call = api(base)
      const school = await base.school('we-stop')
      const { webhook, secret } = await call.subscribe(school, hooks.url('/stop'), ['meeting.requested'])
      const { meetingId } = await call.meeting(school)
      await until('the delivery to arrive', () => hooks.arrived.length === 1)
      const arrivedAt = hooks.arrived[0]!
      expect(hooks.received).toHaveLength(0)
      const closing = first
      first = null
      await closing.close()
      const closedAt = Date.now()
      // The close waited for the answer (given 1.5 s after arrival) and for its recording.
      expect(hooks.received).toHaveLength(1)
      expect(hooks.received[0]!.answeredAt).toBeLessThanOrEqual(closedAt)
      expect(closedAt - arrivedAt).toBeGreaterThanOrEqual(1400)
      const [settled] = await call.deliveries(school, webhook.id)
      expect(settled).toMatchObject({ status: 'succeeded', attempts: [{ statusCode: 200, error: null }] })

      next = await build(workers, { databaseUrl: base.db.appUrl })
      // Longer than the runner's poll interval (2 s): a job left available would have been taken by now.
      await sleep(2500)
      expect(hooks.arrived).toHaveLength(1)
      expect(hooks.events(secret)).toEqual([{ id: settled!.eventId, type: 'meeting.requested', timestamp: expect.any(String), data: expect.objectContaining({ meetingId, status: 'requested' }) }])
      expect(await call.deliveries(school, webhook.id)).toEqual([expect.objectContaining({ id: settled!.id, status: 'succeeded', attempts: [expect.objectContaining({ statusCode: 200 })] })])
      const { rows } = await owner.query(`SELECT locked_by FROM graphile_worker._private_jobs WHERE payload->>'deliveryId' = $1`, [settled!.id])
      expect(rows, 'the delivery\'s job outlived the instance that ran it (its completion was lost at close)').toEqual([])
    } finally {
      await first?.close()
      await next?.close()
      await owner.end()
      await base.close()
      await hooks.stop()
    }
  })
})
