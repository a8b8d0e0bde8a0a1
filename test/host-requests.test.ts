// Requests to alumni hosts (/v1/host-requests): one request to several hosts, the first host to accept
// wins and the others are withdrawn; declines, withdrawals and expiry; the school's fanout limit; the
// host's ledger (open requests, meetings per host-local month, shadow days per term), blackouts and
// double bookings; what the student sees of the host before and after; the meetings endpoints' gate;
// and the capacity proof under concurrency (50 simultaneous accepts over real HTTP against a host
// with room for 3). The app runs on a clock of the test's own (`now`).
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp, TestSchool } from './helpers/app.js'
import { clockedSchool } from './helpers/clocked.js'
import { ownerConnection } from './helpers/owner.js'
import { MINUTE, HOUR, DAY, iso } from './helpers/time.js'
import { ABSENT_ID, expectProblem, forbiddenBody, JSON_TYPE, notFoundBody, UUID } from './helpers/problems.js'

/** The app's "now" at the start of every test (a Monday). */
const T0 = Date.parse('2030-03-04T09:00:00.000Z')
/** A window starting at `start` (an ISO instant) and lasting `minutes`. */
const slot = (start: string, minutes: number) => ({ startsAt: iso(Date.parse(start)), endsAt: iso(Date.parse(start) + minutes * MINUTE) })

const PURPOSE = 'I am exploring the field and would value 30 minutes to learn about your path.'
const CONFLICT = { type: 'urn:vantage:problem:conflict', title: 'The request conflicts with the current state', status: 409 }
const CAPACITY = { type: 'urn:vantage:problem:capacity-exhausted', title: 'The host has no capacity left for this', status: 409 }

interface Member {
  id: string
  externalId: string
  token: string
  email?: string
  phone?: string
}

type Response = Awaited<ReturnType<TestApp['request']>>

describe('host requests', () => {
  // 50 accepts at once queue for the pool's 4 connections (each waits its turn on the host's row
  // lock): the wait for a free connection is given room, so a slow machine cannot turn it into 503s.
  const clocked = clockedSchool('hr-u', T0, { env: { DB_CONNECT_TIMEOUT_MS: '10000' } })
  let t: TestApp, school: TestSchool, owner: pg.Client
  let sequence = 0

  beforeAll(() => {
    ;({ app: t, school, owner } = clocked)
  })

  async function newMember(of: TestSchool, payload: Record<string, unknown>): Promise<Member> {
    const externalId = `${of.slug}-m-${++sequence}`
    const response = await t.request({ method: 'PUT', url: `/v1/members/${externalId}`, token: of.members.school_admin!.token, payload })
    expect(response.statusCode, response.body).toBe(201)
    return { id: response.json().id, externalId, token: await t.memberToken(of.id, externalId) }
  }

  const newStudent = (of: TestSchool = school) =>
    newMember(of, {
      roles: ['student'],
      givenName: 'Ana',
      familyName: `Lopez${sequence + 1}`,
      major: 'Biology',
      graduationYear: 2031,
      fieldsOfInterest: ['Healthcare'],
      backgroundTags: ['first-generation'],
    })

  /** An alumnus with a host profile (video and phone, weekdays 9-17 in Chicago, room for 10 of everything unless overridden). */
  async function newHost(overrides: Record<string, unknown> = {}, of: TestSchool = school): Promise<Member> {
    const member = await newMember(of, { roles: ['alumni'], givenName: 'Hana', familyName: `Host${sequence + 1}` })
    const email = `host${sequence}@alumni.example`
    const phone = `+1 312 555 ${String(1000 + sequence).slice(-4)}`
    const response = await t.request({
      method: 'PUT',
      url: `/v1/hosts/${member.id}`,
      token: member.token,
      payload: {
        organization: `Org ${sequence}`,
        title: 'Engineer',
        industries: ['Technology'],
        occupations: ['Software'],
        offers: ['informational_interview', 'job_shadow'],
        modes: ['video', 'phone'],
        accepting: true,
        timeZone: 'America/Chicago',
        contactEmail: email,
        contactPhone: phone,
        capacity: { maxMeetingsPerMonth: 10, maxShadowDaysPerTerm: 10, maxOpenRequests: 10 },
        availability: { weeklyWindows: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), blackouts: [] },
        ...overrides,
      },
    })
    expect(response.statusCode, response.body).toBe(201)
    return { ...member, email, phone }
  }

  const send = (student: Member, hostIds: string[], overrides: Record<string, unknown> = {}) =>
    t.request({
      method: 'POST',
      url: '/v1/host-requests',
      token: student.token,
      payload: { hostIds, kind: 'informational_interview', purpose: PURPOSE, mode: 'phone', proposedSlots: [slot('2030-03-12T15:00:00Z', 30)], ...overrides },
    })

  async function sent(student: Member, hostIds: string[], overrides: Record<string, unknown> = {}) {
    const response = await send(student, hostIds, overrides)
    expect(response.statusCode, response.body).toBe(201)
    return response.json() as { groupId: string; items: Array<{ id: string; meetingId: string } & Record<string, unknown>> }
  }

  const answer = (token: string, id: string, action: 'accept' | 'decline' | 'withdraw', payload: Record<string, unknown> = {}) =>
    t.request({ method: 'POST', url: `/v1/host-requests/${id}/${action}`, token, payload })
  const accept = (host: Member, id: string, index = 0) => answer(host.token, id, 'accept', { slot: index })
  const read = (token: string, id: string) => t.request({ method: 'GET', url: `/v1/host-requests/${id}`, token })

  async function requestState(id: string) {
    const { rows } = await owner.query(
      `SELECT r.status::text AS status, r.decline_reason, r.responded_at, m.status::text AS meeting, m.starts_at, m.ends_at,
              m.thank_you_due_at, m.closed_reason, m.closed_at
         FROM host_requests r JOIN meetings m ON m.school_id = r.school_id AND m.id = r.meeting_id WHERE r.id = $1`,
      [id],
    )
    return rows[0] as {
      status: string
      decline_reason: string | null
      responded_at: Date | null
      meeting: string
      starts_at: Date | null
      ends_at: Date | null
      thank_you_due_at: Date | null
      closed_reason: string | null
      closed_at: Date | null
    }
  }

  async function counts(hostId: string) {
    const { rows } = await owner.query(`SELECT answered_count, expired_count, last_active_at FROM host_profiles WHERE member_id = $1`, [hostId])
    return rows[0] as { answered_count: number; expired_count: number; last_active_at: Date }
  }

  /** Every row a host request touches, of one school: what a refused request must leave as it was. */
  async function snapshot(schoolId: string = school.id) {
    const { rows } = await owner.query(
      `SELECT (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM host_requests x WHERE x.school_id = $1) AS requests,
              (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM meetings x WHERE x.school_id = $1) AS meetings,
              (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') FROM contacts x WHERE x.school_id = $1) AS contacts,
              (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.member_id), '[]') FROM host_profiles x WHERE x.school_id = $1) AS hosts`,
      [schoolId],
    )
    return rows[0]
  }

  async function writtenFor(studentId: string) {
    const { rows } = await owner.query(
      `SELECT (SELECT count(*)::int FROM host_requests WHERE student_id = $1) AS requests,
              (SELECT count(*)::int FROM meetings WHERE student_id = $1) AS meetings,
              (SELECT count(*)::int FROM contacts WHERE student_id = $1) AS contacts`,
      [studentId],
    )
    return rows[0]
  }

  describe('a request to three hosts, one of whom accepts', () => {
    it('creates one pending request per host, with a meeting request and a contact without the host\'s details', async () => {
      const student = await newStudent()
      const hosts = [await newHost(), await newHost(), await newHost()]
      const slots = [slot('2030-03-12T15:00:00Z', 30), slot('2030-03-13T16:00:00Z', 45)]
      const response = await send(student, hosts.map((host) => host.id), { proposedSlots: slots })
      expect(response.statusCode, response.body).toBe(201)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      const group = response.json()
      expect(group.groupId).toMatch(UUID)
      expect(group.items).toEqual(
        hosts.map((host) => ({
          id: expect.stringMatching(UUID),
          groupId: group.groupId,
          status: 'pending',
          meetingId: expect.stringMatching(UUID),
          programId: null,
          kind: 'informational_interview',
          purpose: PURPOSE,
          mode: 'phone',
          location: null,
          proposedSlots: slots,
          scheduled: null,
          score: null,
          reasons: [],
          declineReason: null,
          expiresAt: iso(T0 + 7 * DAY),
          respondedAt: null,
          student: {
            id: student.id,
            name: expect.stringMatching(/^Ana Lopez\d+$/),
            major: 'Biology',
            graduationYear: 2031,
            fieldsOfInterest: ['Healthcare'],
            backgroundTags: ['first-generation'],
          },
          host: {
            memberId: host.id,
            name: expect.stringMatching(/^Hana Host\d+$/),
            organization: expect.stringMatching(/^Org \d+$/),
            title: 'Engineer',
            responseRate: null,
            lastActiveAt: iso(T0),
            contact: null,
          },
          createdAt: iso(T0),
        })),
      )
      const { rows: meetings } = await owner.query(
        `SELECT m.id::text, m.status::text, m.kind::text, m.mode::text, m.purpose, m.proposed_slots, c.alumni_member_id::text AS host, c.source::text,
                c.email, c.phone, c.organization, c.title, c.industry, c.occupation
           FROM meetings m JOIN contacts c ON c.school_id = m.school_id AND c.id = m.contact_id WHERE m.student_id = $1 ORDER BY c.alumni_member_id`,
        [student.id],
      )
      expect(meetings).toEqual(
        [...hosts]
          .sort((a, b) => a.id.localeCompare(b.id))
          .map((host) => ({
            id: group.items.find((item: { host: { memberId: string } }) => item.host.memberId === host.id).meetingId,
            status: 'requested',
            kind: 'informational_interview',
            mode: 'phone',
            purpose: PURPOSE,
            proposed_slots: slots,
            host: host.id,
            source: 'alumni_network',
            email: null,
            phone: null,
            organization: expect.stringMatching(/^Org \d+$/),
            title: 'Engineer',
            industry: 'Technology',
            occupation: 'Software',
          })),
      )
      const { rows: requests } = await owner.query(`SELECT host_id::text, status::text, group_id::text, expires_at, created_at FROM host_requests WHERE student_id = $1 ORDER BY host_id`, [student.id])
      expect(requests).toEqual(
        [...hosts].sort((a, b) => a.id.localeCompare(b.id)).map((host) => ({ host_id: host.id, status: 'pending', group_id: group.groupId, expires_at: new Date(T0 + 7 * DAY), created_at: new Date(T0) })),
      )
    })

    it('the accepting host schedules the chosen slot, the others are withdrawn, and the student gets that host\'s contact only', async () => {
      const student = await newStudent()
      const [a, b, c] = [await newHost(), await newHost(), await newHost()]
      const slots = [slot('2030-03-12T15:00:00Z', 30), slot('2030-03-13T16:00:00Z', 45)]
      const group = await sent(student, [a!.id, b!.id, c!.id], { proposedSlots: slots })
      const [ra, rb, rc] = group.items as Array<{ id: string; meetingId: string }>

      // Before an answer the student sees no contact details of any host.
      for (const item of group.items) {
        const before = await read(student.token, item.id)
        expect(before.statusCode).toBe(200)
        expect(before.json().host.contact).toBeNull()
      }

      clocked.now = new Date(T0 + HOUR)
      const accepted = await accept(b!, rb!.id, 1)
      expect(accepted.statusCode, accepted.body).toBe(200)
      expect(accepted.json()).toMatchObject({
        id: rb!.id,
        status: 'accepted',
        scheduled: slots[1],
        respondedAt: iso(T0 + HOUR),
        declineReason: null,
        host: { memberId: b!.id, responseRate: 1, lastActiveAt: iso(T0 + HOUR), contact: { email: b!.email, phone: b!.phone } },
      })

      // The student now reads the host's contact on the accepted request, and none on the withdrawn ones.
      const mine = await read(student.token, rb!.id)
      expect(mine.json()).toEqual(accepted.json())
      for (const [item, host] of [[ra!, a!], [rc!, c!]] as const) {
        const withdrawn = await read(student.token, item.id)
        expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', scheduled: null, respondedAt: null, host: { memberId: host.id, contact: null } })
      }
      // Other hosts' profiles keep their contact hidden from the student.
      const profile = await t.request({ method: 'GET', url: `/v1/hosts/${b!.id}`, token: student.token })
      expect(profile.json().contact).toBeNull()

      // The database: B's meeting scheduled with the slot and the thank-you due a day after it ends.
      expect(await requestState(rb!.id)).toEqual({
        status: 'accepted',
        decline_reason: null,
        responded_at: new Date(T0 + HOUR),
        meeting: 'scheduled',
        starts_at: new Date(slots[1]!.startsAt),
        ends_at: new Date(slots[1]!.endsAt),
        thank_you_due_at: new Date(Date.parse(slots[1]!.endsAt) + 24 * HOUR),
        closed_reason: null,
        closed_at: null,
      })
      for (const item of [ra!, rc!]) {
        expect(await requestState(item.id)).toEqual({
          status: 'withdrawn',
          decline_reason: null,
          responded_at: null,
          meeting: 'cancelled',
          starts_at: null,
          ends_at: null,
          thank_you_due_at: null,
          closed_reason: 'Withdrawn: another host accepted this request',
          closed_at: new Date(T0 + HOUR),
        })
      }
      const meeting = await t.request({ method: 'GET', url: `/v1/meetings/${rb!.meetingId}`, token: student.token })
      expect(meeting.json()).toMatchObject({ status: 'scheduled', startsAt: slots[1]!.startsAt, endsAt: slots[1]!.endsAt, thankYouDueAt: iso(Date.parse(slots[1]!.endsAt) + 24 * HOUR) })

      const { rows: contacts } = await owner.query(`SELECT alumni_member_id::text AS host, email, phone FROM contacts WHERE student_id = $1 ORDER BY alumni_member_id`, [student.id])
      expect(contacts).toEqual(
        [
          { host: a!.id, email: null, phone: null },
          { host: b!.id, email: b!.email, phone: b!.phone },
          { host: c!.id, email: null, phone: null },
        ].sort((x, y) => x.host.localeCompare(y.host)),
      )
      expect(await counts(b!.id)).toEqual({ answered_count: 1, expired_count: 0, last_active_at: new Date(T0 + HOUR) })
      // A withdrawn request is not held against its host.
      expect(await counts(a!.id)).toEqual({ answered_count: 0, expired_count: 0, last_active_at: new Date(T0) })

      // The other hosts can no longer answer; the accepting host cannot answer twice.
      const before = await snapshot()
      const late = await accept(a!, ra!.id)
      expectProblem(late, 409, {
        ...CONFLICT,
        detail: 'This request is withdrawn; only a pending request can be answered',
        instance: `/v1/host-requests/${ra!.id}/accept`,
        currentStatus: 'withdrawn',
      })
      const lateDecline = await answer(c!.token, rc!.id, 'decline', { reason: 'Too late' })
      expectProblem(lateDecline, 409, {
        ...CONFLICT,
        detail: 'This request is withdrawn; only a pending request can be answered',
        instance: `/v1/host-requests/${rc!.id}/decline`,
        currentStatus: 'withdrawn',
      })
      const twice = await accept(b!, rb!.id, 0)
      expectProblem(twice, 409, {
        ...CONFLICT,
        detail: 'This request is accepted; only a pending request can be answered',
        instance: `/v1/host-requests/${rb!.id}/accept`,
        currentStatus: 'accepted',
      })
      expect(await snapshot()).toEqual(before)

      // Lists: the student sees the group; each host only their own request.
      const list = await t.request({ method: 'GET', url: `/v1/host-requests?groupId=${group.groupId}`, token: student.token })
      expect(list.json().items.map((item: { id: string; status: string }) => [item.id, item.status])).toEqual(
        [[ra!.id, 'withdrawn'], [rb!.id, 'accepted'], [rc!.id, 'withdrawn']].sort((x, y) => x[0]!.localeCompare(y[0]!)),
      )
      const hostList = await t.request({ method: 'GET', url: `/v1/host-requests?groupId=${group.groupId}`, token: a!.token })
      expect(hostList.json().items.map((item: { id: string }) => item.id)).toEqual([ra!.id])
    })

    it('answers 404 to a host accepting another host\'s request, and 403 to students and advisors', async () => {
      const student = await newStudent()
      const [a, b] = [await newHost(), await newHost()]
      const other = await newStudent()
      const group = await sent(student, [a!.id])
      const id = group.items[0]!.id
      const before = await snapshot()
      expectProblem(await accept(b!, id), 404, notFoundBody('host request', `/v1/host-requests/${id}/accept`))
      expectProblem(await answer(b!.token, id, 'decline'), 404, notFoundBody('host request', `/v1/host-requests/${id}/decline`))
      expectProblem(await accept(b!, ABSENT_ID), 404, notFoundBody('host request', `/v1/host-requests/${ABSENT_ID}/accept`))
      // An alumnus without a host profile, too.
      expectProblem(await answer(school.members.alumni!.token, id, 'accept', { slot: 0 }), 404, notFoundBody('host request', `/v1/host-requests/${id}/accept`))
      for (const token of [student.token, school.members.advisor!.token, school.members.school_admin!.token]) {
        expectProblem(await answer(token, id, 'accept', { slot: 0 }), 403, forbiddenBody(`/v1/host-requests/${id}/accept`))
        expectProblem(await answer(token, id, 'decline'), 403, forbiddenBody(`/v1/host-requests/${id}/decline`))
      }
      // The host cannot withdraw a student's request; another student gets 404.
      expectProblem(await answer(a!.token, id, 'withdraw'), 403, forbiddenBody(`/v1/host-requests/${id}/withdraw`))
      expectProblem(await answer(other.token, id, 'withdraw'), 404, notFoundBody('host request', `/v1/host-requests/${id}/withdraw`))
      expectProblem(await read(other.token, id), 404, notFoundBody('host request', `/v1/host-requests/${id}`))
      expectProblem(await read(b!.token, id), 404, notFoundBody('host request', `/v1/host-requests/${id}`))
      expect(await snapshot()).toEqual(before)
      expect((await read(student.token, id)).json().status).toBe('pending')
    })

    it('refuses a slot index the request does not have (400) and a slot that has begun (409)', async () => {
      const student = await newStudent()
      const host = await newHost()
      const group = await sent(student, [host.id], { proposedSlots: [slot('2030-03-12T15:00:00Z', 30), slot('2030-03-05T15:00:00Z', 30)] })
      const id = group.items[0]!.id
      const before = await snapshot()
      expectProblem(await accept(host, id, 2), 400, {
        type: 'urn:vantage:problem:validation-failed',
        title: 'The request is not valid',
        status: 400,
        detail: 'body.slot must name one of the 2 proposed slots (0-1)',
        instance: `/v1/host-requests/${id}/accept`,
        errors: [{ field: 'body.slot', message: 'must name one of the 2 proposed slots (0-1)' }],
      })
      clocked.now = new Date(Date.parse('2030-03-05T15:00:00Z'))
      expectProblem(await accept(host, id, 1), 409, {
        ...CONFLICT,
        detail: 'This slot has already begun; choose a later one',
        instance: `/v1/host-requests/${id}/accept`,
        slot: 1,
      })
      expect(await snapshot()).toEqual(before)
    })
  })

  describe('declining and withdrawing', () => {
    it('a host declines with a reason: the meeting is declined with it as the closing reason', async () => {
      const student = await newStudent()
      const host = await newHost()
      const [first, second] = [await sent(student, [host.id]), await sent(await newStudent(), [host.id])]
      clocked.now = new Date(T0 + 3 * HOUR)
      const declined = await answer(host.token, first.items[0]!.id, 'decline', { reason: '  I am travelling that month  ' })
      expect(declined.statusCode, declined.body).toBe(200)
      expect(declined.json()).toMatchObject({
        status: 'declined',
        declineReason: 'I am travelling that month',
        respondedAt: iso(T0 + 3 * HOUR),
        scheduled: null,
        host: { responseRate: 1, lastActiveAt: iso(T0 + 3 * HOUR) },
      })
      expect(await requestState(first.items[0]!.id)).toEqual({
        status: 'declined',
        decline_reason: 'I am travelling that month',
        responded_at: new Date(T0 + 3 * HOUR),
        meeting: 'declined',
        starts_at: null,
        ends_at: null,
        thank_you_due_at: null,
        closed_reason: 'I am travelling that month',
        closed_at: new Date(T0 + 3 * HOUR),
      })
      const seen = await read(student.token, first.items[0]!.id)
      expect(seen.json()).toMatchObject({ status: 'declined', declineReason: 'I am travelling that month', host: { contact: null } })
      const meeting = await t.request({ method: 'GET', url: `/v1/meetings/${first.items[0]!.meetingId}`, token: student.token })
      expect(meeting.json()).toMatchObject({ status: 'declined', closedReason: 'I am travelling that month' })

      // Without a reason.
      const plain = await answer(host.token, second.items[0]!.id, 'decline')
      expect(plain.statusCode).toBe(200)
      expect(plain.json()).toMatchObject({ status: 'declined', declineReason: null })
      expect(await requestState(second.items[0]!.id)).toMatchObject({ status: 'declined', decline_reason: null, meeting: 'declined', closed_reason: 'The host declined' })
      expect(await counts(host.id)).toEqual({ answered_count: 2, expired_count: 0, last_active_at: new Date(T0 + 3 * HOUR) })

      // A declined request cannot be accepted or withdrawn.
      const before = await snapshot()
      expectProblem(await accept(host, first.items[0]!.id), 409, {
        ...CONFLICT,
        detail: 'This request is declined; only a pending request can be answered',
        instance: `/v1/host-requests/${first.items[0]!.id}/accept`,
        currentStatus: 'declined',
      })
      expectProblem(await answer(student.token, first.items[0]!.id, 'withdraw'), 409, {
        ...CONFLICT,
        detail: 'This request is declined; only a pending request can be withdrawn',
        instance: `/v1/host-requests/${first.items[0]!.id}/withdraw`,
        currentStatus: 'declined',
      })
      expect(await snapshot()).toEqual(before)
    })

    it('a student withdraws: the meeting is cancelled, the host is not counted, and nobody can answer it after', async () => {
      const student = await newStudent()
      const host = await newHost()
      const group = await sent(student, [host.id])
      const id = group.items[0]!.id
      clocked.now = new Date(T0 + 2 * HOUR)
      const withdrawn = await answer(student.token, id, 'withdraw')
      expect(withdrawn.statusCode, withdrawn.body).toBe(200)
      expect(withdrawn.json()).toMatchObject({ id, status: 'withdrawn', respondedAt: null, scheduled: null, host: { contact: null, responseRate: null } })
      expect(await requestState(id)).toEqual({
        status: 'withdrawn',
        decline_reason: null,
        responded_at: null,
        meeting: 'cancelled',
        starts_at: null,
        ends_at: null,
        thank_you_due_at: null,
        closed_reason: 'Withdrawn by the student',
        closed_at: new Date(T0 + 2 * HOUR),
      })
      expect(await counts(host.id)).toEqual({ answered_count: 0, expired_count: 0, last_active_at: new Date(T0) })
      const before = await snapshot()
      expectProblem(await answer(student.token, id, 'withdraw'), 409, {
        ...CONFLICT,
        detail: 'This request is withdrawn; only a pending request can be withdrawn',
        instance: `/v1/host-requests/${id}/withdraw`,
        currentStatus: 'withdrawn',
      })
      expectProblem(await accept(host, id), 409, {
        ...CONFLICT,
        detail: 'This request is withdrawn; only a pending request can be answered',
        instance: `/v1/host-requests/${id}/accept`,
        currentStatus: 'withdrawn',
      })
      expect(await snapshot()).toEqual(before)
    })
  })

  describe('refusals when sending', () => {
    it('refuses a host not accepting, not offering the kind or the mode, and a second pending request to the same host (409), writing nothing', async () => {
      const student = await newStudent()
      const open = await newHost()
      const closed = await newHost({ accepting: false })
      const talker = await newHost({ offers: ['informational_interview'], modes: ['phone'] })
      const before = await snapshot()
      expectProblem(await send(student, [open.id, closed.id]), 409, {
        ...CONFLICT,
        detail: 'This host is not accepting requests now',
        instance: '/v1/host-requests',
        hostId: closed.id,
        field: 'body.hostIds.1',
      })
      expectProblem(await send(student, [talker.id], { kind: 'job_shadow', proposedSlots: [slot('2030-03-12T14:00:00Z', 240)] }), 409, {
        ...CONFLICT,
        detail: 'This host does not offer job shadows',
        instance: '/v1/host-requests',
        hostId: talker.id,
        field: 'body.hostIds.0',
        offers: ['informational_interview'],
      })
      expectProblem(await send(student, [talker.id], { mode: 'video', location: 'https://meet.example/abc' }), 409, {
        ...CONFLICT,
        detail: 'This host does not meet by video',
        instance: '/v1/host-requests',
        hostId: talker.id,
        field: 'body.hostIds.0',
        modes: ['phone'],
      })
      expectProblem(await send(student, [ABSENT_ID]), 404, notFoundBody('host (hostIds.0)', '/v1/host-requests'))
      expect(await snapshot()).toEqual(before)
      expect(await writtenFor(student.id)).toEqual({ requests: 0, meetings: 0, contacts: 0 })

      const first = await sent(student, [open.id])
      const again = await snapshot()
      expectProblem(await send(student, [talker.id, open.id], { proposedSlots: [slot('2030-03-14T15:00:00Z', 30)] }), 409, {
        ...CONFLICT,
        detail: 'You already have a request waiting for this host',
        instance: '/v1/host-requests',
        hostId: open.id,
        field: 'body.hostIds.1',
        existingId: first.items[0]!.id,
      })
      expect(await snapshot()).toEqual(again)
    })

    it('refuses a request to a host whose open requests reached maxOpenRequests (409 capacity-exhausted), until one closes', async () => {
      const host = await newHost({ capacity: { maxMeetingsPerMonth: 10, maxShadowDaysPerTerm: 10, maxOpenRequests: 2 } })
      const other = await newHost()
      const [s1, s2, s3] = [await newStudent(), await newStudent(), await newStudent()]
      const first = await sent(s1, [host.id])
      await sent(s2, [host.id])
      const before = await snapshot()
      expectProblem(await send(s3, [other.id, host.id]), 409, {
        ...CAPACITY,
        detail: 'This host already has 2 requests waiting (at most 2)',
        instance: '/v1/host-requests',
        hostId: host.id,
        field: 'body.hostIds.1',
        limit: 'openRequests',
      })
      expect(await snapshot()).toEqual(before)
      expect(await writtenFor(s3.id)).toEqual({ requests: 0, meetings: 0, contacts: 0 })
      // A withdrawn request frees its place.
      expect((await answer(s1.token, first.items[0]!.id, 'withdraw')).statusCode).toBe(200)
      const retry = await send(s3, [other.id, host.id])
      expect(retry.statusCode, retry.body).toBe(201)
      expect(retry.json().items.map((item: { host: { memberId: string } }) => item.host.memberId)).toEqual([other.id, host.id])
    })

    it('keeps to the school\'s fanout (default 3); a school that allows 4 takes 4', async () => {
      const fan = await t.school('hr-fan')
      const student = await newStudent(fan)
      const hosts = [await newHost({}, fan), await newHost({}, fan), await newHost({}, fan), await newHost({}, fan)]
      const before = await snapshot(fan.id)
      expectProblem(await send(student, hosts.map((host) => host.id)), 400, {
        type: 'urn:vantage:problem:validation-failed',
        title: 'The request is not valid',
        status: 400,
        detail: 'body.hostIds may name at most 3 hosts at once (the school\'s limit)',
        instance: '/v1/host-requests',
        errors: [{ field: 'body.hostIds', message: 'may name at most 3 hosts at once (the school\'s limit)' }],
      })
      expect(await snapshot(fan.id)).toEqual(before)
      expect(await writtenFor(student.id)).toEqual({ requests: 0, meetings: 0, contacts: 0 })

      const patched = await t.request({ method: 'PATCH', url: `/v1/schools/${fan.id}`, token: await t.platformToken(), payload: { settings: { hostRequestFanout: 4 } } })
      expect(patched.statusCode, patched.body).toBe(200)
      expect(patched.json().settings).toMatchObject({ hostRequestFanout: 4, hostRequestExpiryDays: 7 })
      const group = await sent(student, hosts.map((host) => host.id))
      expect(group.items.map((item) => (item.host as { memberId: string }).memberId)).toEqual(hosts.map((host) => host.id))
      expect(await writtenFor(student.id)).toEqual({ requests: 4, meetings: 4, contacts: 4 })
      // The first to accept withdraws the other three.
      expect((await accept(hosts[2]!, group.items[2]!.id)).statusCode).toBe(200)
      const { rows } = await owner.query(`SELECT status::text, count(*)::int AS n FROM host_requests WHERE group_id = $1 GROUP BY status ORDER BY status`, [group.groupId])
      expect(rows).toEqual([
        { status: 'accepted', n: 1 },
        { status: 'withdrawn', n: 3 },
      ])
      expect(await snapshot(fan.id)).not.toEqual(before)
      // Five are still too many.
      const fifth = await newHost({}, fan)
      const five = await send(await newStudent(fan), [...hosts.map((host) => host.id), fifth.id])
      expect(five.statusCode).toBe(400)
      expect(five.json().detail).toBe('body.hostIds may name at most 4 hosts at once (the school\'s limit)')
    })
  })

  describe('expiry', () => {
    it('a request unanswered for 7 days expires: the meeting is cancelled, the host\'s response rate drops, answering is refused', async () => {
      const student = await newStudent()
      const host = await newHost()
      const group = await sent(student, [host.id], { proposedSlots: [slot('2030-03-20T15:00:00Z', 30)] })
      const id = group.items[0]!.id

      clocked.now = new Date(T0 + 7 * DAY - 1)
      expect((await read(student.token, id)).json().status).toBe('pending')
      expect(await counts(host.id)).toMatchObject({ answered_count: 0, expired_count: 0 })

      clocked.now = new Date(T0 + 7 * DAY + 1)
      const expired = await read(student.token, id)
      expect(expired.statusCode).toBe(200)
      expect(expired.json()).toMatchObject({ id, status: 'expired', respondedAt: null, scheduled: null, expiresAt: iso(T0 + 7 * DAY), host: { responseRate: 0, contact: null } })
      expect(await requestState(id)).toEqual({
        status: 'expired',
        decline_reason: null,
        responded_at: null,
        meeting: 'cancelled',
        starts_at: null,
        ends_at: null,
        thank_you_due_at: null,
        closed_reason: 'Expired: the host did not answer in time',
        closed_at: new Date(T0 + 7 * DAY + 1),
      })
      expect(await counts(host.id)).toMatchObject({ answered_count: 0, expired_count: 1 })
      const profile = await t.request({ method: 'GET', url: `/v1/hosts/${host.id}`, token: student.token })
      expect(profile.json()).toMatchObject({ responseRate: 0, contact: null })

      const before = await snapshot()
      expectProblem(await accept(host, id), 409, {
        ...CONFLICT,
        detail: 'This request is expired; only a pending request can be answered',
        instance: `/v1/host-requests/${id}/accept`,
        currentStatus: 'expired',
      })
      expectProblem(await answer(host.token, id, 'decline'), 409, {
        ...CONFLICT,
        detail: 'This request is expired; only a pending request can be answered',
        instance: `/v1/host-requests/${id}/decline`,
        currentStatus: 'expired',
      })
      expectProblem(await answer(student.token, id, 'withdraw'), 409, {
        ...CONFLICT,
        detail: 'This request is expired; only a pending request can be withdrawn',
        instance: `/v1/host-requests/${id}/withdraw`,
        currentStatus: 'expired',
      })
      // Reads and refused writes sweep again without counting the request twice.
      expect((await t.request({ method: 'GET', url: '/v1/host-requests', token: host.token })).statusCode).toBe(200)
      expect(await snapshot()).toEqual(before)
      expect(await counts(host.id)).toMatchObject({ answered_count: 0, expired_count: 1 })
    })

    it('an accept that comes too late is itself what expires the request (409 expired), counted once', async () => {
      const student = await newStudent()
      const host = await newHost()
      const group = await sent(student, [host.id], { proposedSlots: [slot('2030-03-20T17:00:00Z', 30)] })
      const id = group.items[0]!.id
      clocked.now = new Date(T0 + 7 * DAY + 1)
      expectProblem(await accept(host, id), 409, {
        ...CONFLICT,
        detail: 'This request is expired; only a pending request can be answered',
        instance: `/v1/host-requests/${id}/accept`,
        currentStatus: 'expired',
      })
      expect(await requestState(id)).toMatchObject({ status: 'expired', meeting: 'cancelled' })
      expect(await counts(host.id)).toMatchObject({ answered_count: 0, expired_count: 1 })
    })
  })

  describe('the host\'s ledger and calendar', () => {
    it('meetings per host-local month: a second accept in the same month is refused (409 capacity-exhausted), the next month is fine', async () => {
      const host = await newHost({ capacity: { maxMeetingsPerMonth: 1, maxShadowDaysPerTerm: 10, maxOpenRequests: 10 } })
      const [s1, s2, s3] = [await newStudent(), await newStudent(), await newStudent()]
      const first = await sent(s1, [host.id], { proposedSlots: [slot('2030-03-20T15:00:00Z', 30)] })
      expect((await accept(host, first.items[0]!.id)).statusCode).toBe(200)

      // 2030-04-01T03:00Z is still 31 March, 22:00, in Chicago: March is full.
      const second = await sent(s2, [host.id], { proposedSlots: [slot('2030-04-01T03:00:00Z', 30), slot('2030-04-01T15:00:00Z', 30)] })
      const id = second.items[0]!.id
      const before = await snapshot()
      expectProblem(await accept(host, id, 0), 409, {
        ...CAPACITY,
        detail: 'The host has no meetings left in March 2030 (at most 1 a month)',
        instance: `/v1/host-requests/${id}/accept`,
        limit: 'meetingsPerMonth',
      })
      expect(await snapshot()).toEqual(before)
      expect(await requestState(id)).toMatchObject({ status: 'pending', meeting: 'requested' })

      const april = await accept(host, id, 1)
      expect(april.statusCode, april.body).toBe(200)
      expect(april.json().scheduled).toEqual(slot('2030-04-01T15:00:00Z', 30))

      // A cancelled meeting gives its place back.
      const third = await sent(s3, [host.id], { proposedSlots: [slot('2030-03-27T15:00:00Z', 30)] })
      expectProblem(await accept(host, third.items[0]!.id), 409, {
        ...CAPACITY,
        detail: 'The host has no meetings left in March 2030 (at most 1 a month)',
        instance: `/v1/host-requests/${third.items[0]!.id}/accept`,
        limit: 'meetingsPerMonth',
      })
      const cancelled = await t.request({ method: 'POST', url: `/v1/meetings/${first.items[0]!.meetingId}/cancel`, token: s1.token, payload: {} })
      expect(cancelled.statusCode, cancelled.body).toBe(200)
      expect((await accept(host, third.items[0]!.id)).statusCode).toBe(200)
    })

    it('shadow days per term: a two-day shadow then a one-day shadow in the same term is refused (409 capacity-exhausted), the next term is fine', async () => {
      const host = await newHost({ capacity: { maxMeetingsPerMonth: 10, maxShadowDaysPerTerm: 2, maxOpenRequests: 10 } })
      const [s1, s2] = [await newStudent(), await newStudent()]
      // 12 March 09:00 to 13 March 17:00 in Chicago: two local dates.
      const twoDays = slot('2030-03-12T14:00:00Z', 32 * 60)
      expect(twoDays).toEqual({ startsAt: '2030-03-12T14:00:00.000Z', endsAt: '2030-03-13T22:00:00.000Z' })
      const first = await sent(s1, [host.id], { kind: 'job_shadow', proposedSlots: [twoDays] })
      const booked = await accept(host, first.items[0]!.id)
      expect(booked.statusCode, booked.body).toBe(200)

      const second = await sent(s2, [host.id], { kind: 'job_shadow', proposedSlots: [slot('2030-04-10T14:00:00Z', 8 * 60), slot('2030-06-12T14:00:00Z', 8 * 60)] })
      const id = second.items[0]!.id
      const before = await snapshot()
      expectProblem(await accept(host, id, 0), 409, {
        ...CAPACITY,
        detail: 'The host has 0 shadow day(s) left in Spring 2030; this shadow needs 1',
        instance: `/v1/host-requests/${id}/accept`,
        limit: 'shadowDaysPerTerm',
      })
      expect(await snapshot()).toEqual(before)
      const summer = await accept(host, id, 1)
      expect(summer.statusCode, summer.body).toBe(200)
      expect(summer.json().scheduled).toEqual(slot('2030-06-12T14:00:00Z', 8 * 60))
    })

    it('shadow days count against the school\'s configured terms', async () => {
      const termed = await t.school('hr-terms')
      const patched = await t.request({
        method: 'PATCH',
        url: `/v1/schools/${termed.id}`,
        token: await t.platformToken(),
        payload: { settings: { terms: [{ name: 'Winter quarter', startsOn: '2030-01-06', endsOn: '2030-03-20' }, { name: 'Spring quarter', startsOn: '2030-03-30', endsOn: '2030-06-10' }] } },
      })
      expect(patched.statusCode, patched.body).toBe(200)
      const host = await newHost({ capacity: { maxMeetingsPerMonth: 10, maxShadowDaysPerTerm: 2, maxOpenRequests: 10 } }, termed)
      const students = [await newStudent(termed), await newStudent(termed), await newStudent(termed), await newStudent(termed)]
      const shadow = async (student: Member, start: string, hours: number) =>
        (await sent(student, [host.id], { kind: 'job_shadow', proposedSlots: [slot(start, hours * 60)] })).items[0]!.id
      expect((await accept(host, await shadow(students[0]!, '2030-03-12T14:00:00Z', 32))).statusCode).toBe(200) // 12-13 March
      const winter = await shadow(students[1]!, '2030-03-18T14:00:00Z', 8)
      expectProblem(await accept(host, winter), 409, {
        ...CAPACITY,
        detail: 'The host has 0 shadow day(s) left in Winter quarter; this shadow needs 1',
        instance: `/v1/host-requests/${winter}/accept`,
        limit: 'shadowDaysPerTerm',
      })
      // Between terms (25 March) and the next term (10 April) have room.
      expect((await accept(host, await shadow(students[2]!, '2030-03-25T14:00:00Z', 8))).statusCode).toBe(200)
      expect((await accept(host, await shadow(students[3]!, '2030-04-10T14:00:00Z', 8))).statusCode).toBe(200)
    })

    it('refuses a slot on a blackout date of the host\'s own calendar (409)', async () => {
      const host = await newHost({ availability: { weeklyWindows: [], blackouts: [{ from: '2030-03-15', to: '2030-03-16' }] } })
      const student = await newStudent()
      // 2030-03-17T03:00Z is 16 March, 22:00, in Chicago; 2030-03-17T15:00Z is 17 March.
      const group = await sent(student, [host.id], { proposedSlots: [slot('2030-03-17T03:00:00Z', 30), slot('2030-03-17T15:00:00Z', 30)] })
      const id = group.items[0]!.id
      const before = await snapshot()
      expectProblem(await accept(host, id, 0), 409, {
        ...CONFLICT,
        detail: 'You marked 2030-03-16 as unavailable',
        instance: `/v1/host-requests/${id}/accept`,
        blackout: '2030-03-16',
      })
      expect(await snapshot()).toEqual(before)
      expect((await accept(host, id, 1)).statusCode).toBe(200)
    })

    it('refuses double-booking the host (409), but a touching slot is fine', async () => {
      const host = await newHost()
      const [s1, s2] = [await newStudent(), await newStudent()]
      const first = await sent(s1, [host.id], { proposedSlots: [slot('2030-03-19T15:00:00Z', 60)] })
      expect((await accept(host, first.items[0]!.id)).statusCode).toBe(200)
      const second = await sent(s2, [host.id], { proposedSlots: [slot('2030-03-19T15:30:00Z', 30), slot('2030-03-19T16:00:00Z', 30)] })
      const id = second.items[0]!.id
      const before = await snapshot()
      expectProblem(await accept(host, id, 0), 409, {
        ...CONFLICT,
        detail: 'You already have a meeting at that time',
        instance: `/v1/host-requests/${id}/accept`,
        overlappingMeetingId: first.items[0]!.meetingId,
      })
      expect(await snapshot()).toEqual(before)
      expect((await accept(host, id, 1)).statusCode).toBe(200)
    })
  })

  it('students see a host\'s response rate and last activity after answers (and after an expiry)', async () => {
    const host = await newHost()
    const [s1, s2, s3] = [await newStudent(), await newStudent(), await newStudent()]
    const r1 = await sent(s1, [host.id], { proposedSlots: [slot('2030-03-21T15:00:00Z', 30)] })
    const r2 = await sent(s2, [host.id], { proposedSlots: [slot('2030-03-21T16:00:00Z', 30)] })
    const r3 = await sent(s3, [host.id], { proposedSlots: [slot('2030-03-21T17:00:00Z', 30)] })
    const view = async () => (await t.request({ method: 'GET', url: `/v1/hosts/${host.id}`, token: s1.token })).json()
    expect(await view()).toMatchObject({ responseRate: null, lastActiveAt: iso(T0), contact: null })

    clocked.now = new Date(T0 + HOUR)
    expect((await accept(host, r1.items[0]!.id)).statusCode).toBe(200)
    clocked.now = new Date(T0 + 2 * HOUR)
    expect((await answer(host.token, r2.items[0]!.id, 'decline')).statusCode).toBe(200)
    expect(await view()).toMatchObject({ responseRate: 1, lastActiveAt: iso(T0 + 2 * HOUR), contact: null })

    clocked.now = new Date(T0 + 8 * DAY)
    expect((await read(s3.token, r3.items[0]!.id)).json()).toMatchObject({ status: 'expired', host: { responseRate: 0.667, lastActiveAt: iso(T0 + 2 * HOUR) } })
    expect(await view()).toMatchObject({ responseRate: 0.667, lastActiveAt: iso(T0 + 2 * HOUR), contact: null })
    expect(await counts(host.id)).toEqual({ answered_count: 2, expired_count: 1, last_active_at: new Date(T0 + 2 * HOUR) })
  })

  describe('the meetings endpoints on a meeting requested from a host', () => {
    it('refuses the student scheduling or declining it while pending (409); cancelling it withdraws the request', async () => {
      const student = await newStudent()
      const host = await newHost()
      const group = await sent(student, [host.id], { proposedSlots: [slot('2030-03-22T15:00:00Z', 30)] })
      const { id, meetingId } = group.items[0]!
      const before = await snapshot()
      const gate = (action: string) => ({
        ...CONFLICT,
        detail: 'This meeting was requested from an alumni host; it is scheduled or declined by the host\'s answer',
        instance: `/v1/meetings/${meetingId}/${action}`,
        hostRequestId: id,
      })
      const schedule = await t.request({ method: 'POST', url: `/v1/meetings/${meetingId}/schedule`, token: student.token, payload: slot('2030-03-22T15:00:00Z', 30) })
      expectProblem(schedule, 409, gate('schedule'))
      const decline = await t.request({ method: 'POST', url: `/v1/meetings/${meetingId}/decline`, token: student.token, payload: {} })
      expectProblem(decline, 409, gate('decline'))
      expect(await snapshot()).toEqual(before)

      clocked.now = new Date(T0 + HOUR)
      const cancel = await t.request({ method: 'POST', url: `/v1/meetings/${meetingId}/cancel`, token: student.token, payload: { reason: 'Found another host' } })
      expect(cancel.statusCode, cancel.body).toBe(200)
      expect(cancel.json()).toMatchObject({ id: meetingId, status: 'cancelled', closedReason: 'Found another host' })
      expect((await read(student.token, id)).json()).toMatchObject({ status: 'withdrawn' })
      expect(await requestState(id)).toMatchObject({ status: 'withdrawn', meeting: 'cancelled', closed_reason: 'Found another host' })
      expectProblem(await accept(host, id), 409, {
        ...CONFLICT,
        detail: 'This request is withdrawn; only a pending request can be answered',
        instance: `/v1/host-requests/${id}/accept`,
        currentStatus: 'withdrawn',
      })
      expect(await counts(host.id)).toMatchObject({ answered_count: 0, expired_count: 0 })
    })

    it('refuses the student moving an accepted host meeting past the host\'s ledger, blackouts or calendar (409, nothing changed)', async () => {
      const host = await newHost({
        capacity: { maxMeetingsPerMonth: 1, maxShadowDaysPerTerm: 10, maxOpenRequests: 10 },
        availability: { weeklyWindows: [], blackouts: [{ from: '2030-03-25', to: '2030-03-25' }] },
      })
      const [s1, s2] = [await newStudent(), await newStudent()]
      const march = await sent(s1, [host.id], { proposedSlots: [slot('2030-03-20T15:00:00Z', 30)] })
      const april = await sent(s2, [host.id], { proposedSlots: [slot('2030-04-02T15:00:00Z', 30)] })
      expect((await accept(host, march.items[0]!.id)).statusCode).toBe(200)
      expect((await accept(host, april.items[0]!.id)).statusCode).toBe(200)
      const { id, meetingId } = march.items[0]!
      const before = await snapshot()
      // The host accepted 20 March. The student may not move it into April (the host's one meeting that
      // month is booked), onto the host's blackout date, or onto the host's other meeting: the host
      // never agreed to those windows, and each would break what accepting checks.
      for (const [what, window] of [
        ['into a full month', slot('2030-04-03T15:00:00Z', 30)],
        ['onto a blackout date', slot('2030-03-25T15:00:00Z', 30)],
        ['onto the host\'s other meeting', slot('2030-04-02T15:00:00Z', 30)],
      ] as const) {
        const moved = await t.request({ method: 'POST', url: `/v1/meetings/${meetingId}/schedule`, token: s1.token, payload: window })
        expect(moved.statusCode, `${what}: ${moved.body}`).toBe(409)
        expect(['urn:vantage:problem:conflict', 'urn:vantage:problem:capacity-exhausted'], what).toContain(moved.json().type)
      }
      expect(await snapshot()).toEqual(before)
      // Cancelling stays the student's to do, and gives the host's place back.
      const cancelled = await t.request({ method: 'POST', url: `/v1/meetings/${meetingId}/cancel`, token: s1.token, payload: {} })
      expect(cancelled.statusCode, cancelled.body).toBe(200)
      expect(await requestState(id)).toMatchObject({ status: 'accepted', meeting: 'cancelled' })
    })
  })

  describe('races (forced interleavings: a transaction of the test holds meeting rows until both requests wait)', () => {
    let holder: pg.Client
    beforeAll(async () => {
      holder = await ownerConnection(t)
    })
    afterAll(async () => {
      await holder.query('ROLLBACK').catch(() => {})
      await holder.end()
    })

    async function waitForLockWaiters(count: number) {
      const deadline = Date.now() + 5_000
      for (;;) {
        const { rows } = await owner.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
        if (rows[0].n >= count) return
        if (Date.now() > deadline) throw new Error(`expected ${count} sessions waiting for a lock, saw ${rows[0].n}`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }

    it('two hosts of one group accepting at once: one is accepted, the other answered 409 withdrawn (no deadlock)', async () => {
      const student = await newStudent()
      const [a, b] = [await newHost(), await newHost()]
      const group = await sent(student, [a.id, b.id], { proposedSlots: [slot('2030-03-25T15:00:00Z', 30), slot('2030-03-26T15:00:00Z', 30)] })
      const [ra, rb] = group.items
      await holder.query('BEGIN')
      await holder.query(`SELECT 1 FROM meetings WHERE id = ANY($1::uuid[]) FOR UPDATE`, [[ra!.meetingId, rb!.meetingId]])
      const pa = accept(a, ra!.id, 0)
      const pb = accept(b, rb!.id, 1)
      try {
        await waitForLockWaiters(2)
      } finally {
        await holder.query('COMMIT')
      }
      const answers = await Promise.all([pa, pb])
      const statuses = answers.map((response) => response.statusCode)
      expect(statuses.sort(), answers.map((response) => response.body).join('\n')).toEqual([200, 409])
      const refused = answers.find((response) => response.statusCode === 409)!
      expect(refused.json()).toMatchObject({ ...CONFLICT, currentStatus: 'withdrawn' })
      const states = [await requestState(ra!.id), await requestState(rb!.id)].map((state) => [state.status, state.meeting]).sort()
      expect(states).toEqual([
        ['accepted', 'scheduled'],
        ['withdrawn', 'cancelled'],
      ])
    })

    it('a student cancelling the meeting while the host accepts: both answered without a server error, and the rows agree', async () => {
      const student = await newStudent()
      const host = await newHost()
      const group = await sent(student, [host.id], { proposedSlots: [slot('2030-03-27T15:00:00Z', 30)] })
      const { id, meetingId } = group.items[0]!
      await holder.query('BEGIN')
      await holder.query(`SELECT 1 FROM meetings WHERE id = $1::uuid FOR UPDATE`, [meetingId])
      let cancel: Promise<Response>
      let accepted: Promise<Response>
      try {
        cancel = t.request({ method: 'POST', url: `/v1/meetings/${meetingId}/cancel`, token: student.token, payload: {} })
        await waitForLockWaiters(1)
        accepted = accept(host, id)
        await waitForLockWaiters(2)
      } finally {
        await holder.query('COMMIT')
      }
      const [c, a] = await Promise.all([cancel!, accepted!])
      expect(c.statusCode, c.body).toBe(200)
      expect([200, 409], a.body).toContain(a.statusCode)
      const state = await requestState(id)
      if (a.statusCode === 409) {
        expect(a.json()).toMatchObject({ ...CONFLICT, currentStatus: 'withdrawn' })
        expect([state.status, state.meeting]).toEqual(['withdrawn', 'cancelled'])
      } else {
        // The host accepted first; the student then cancelled the scheduled meeting.
        expect([state.status, state.meeting]).toEqual(['accepted', 'cancelled'])
      }
    })
  })

  describe('capacity under concurrency', () => {
    it('50 simultaneous accepts over HTTP against a host with room for 3 a month: exactly 3 succeed, 47 are refused capacity-exhausted', async () => {
      const rush = await t.school('hr-rush')
      const host = await newHost({ capacity: { maxMeetingsPerMonth: 3, maxShadowDaysPerTerm: 10, maxOpenRequests: 50 } }, rush)

      // 50 students in one call, then one request each, each proposing its own half hour in March (Chicago).
      const externalIds = Array.from({ length: 50 }, (_, index) => `rush-s-${index}`)
      const bulk = await t.request({
        method: 'POST',
        url: '/v1/members:bulk',
        token: rush.members.school_admin!.token,
        payload: { members: externalIds.map((externalId, index) => ({ externalId, roles: ['student'], givenName: 'Rush', familyName: `Student${index}` })) },
      })
      expect(bulk.statusCode, bulk.body).toBe(200)
      expect(bulk.json().created).toBe(50)
      const slots = externalIds.map((_, index) => slot(iso(Date.parse('2030-03-18T13:00:00Z') + index * HOUR), 30))
      const requestIds: string[] = []
      for (const [index, externalId] of externalIds.entries()) {
        const token = await t.memberToken(rush.id, externalId)
        const response = await t.request({
          method: 'POST',
          url: '/v1/host-requests',
          token,
          payload: { hostIds: [host.id], kind: 'informational_interview', purpose: PURPOSE, mode: 'phone', proposedSlots: [slots[index]] },
        })
        expect(response.statusCode, response.body).toBe(201)
        requestIds.push(response.json().items[0].id)
      }

      await t.app.listen({ port: 0, host: '127.0.0.1' })
      const { port } = t.app.server.address() as AddressInfo
      const answers = await Promise.all(
        requestIds.map(async (id) => {
          const response = await fetch(`http://127.0.0.1:${port}/v1/host-requests/${id}/accept`, {
            method: 'POST',
            headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ slot: 0 }),
          })
          return { id, status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> }
        }),
      )

      const unexpected = answers.filter((answer) => answer.status !== 200 && answer.status !== 409)
      expect(unexpected, JSON.stringify(unexpected.slice(0, 3))).toEqual([])
      const won = answers.filter((answer) => answer.status === 200)
      const lost = answers.filter((answer) => answer.status === 409)
      expect(won).toHaveLength(3)
      expect(lost).toHaveLength(47)
      for (const answer of won) expect(answer.body).toMatchObject({ id: answer.id, status: 'accepted', scheduled: slots[requestIds.indexOf(answer.id)] })
      for (const answer of lost) {
        expect(answer.contentType).toBe('application/problem+json; charset=utf-8')
        expect(answer.body).toEqual({
          ...CAPACITY,
          detail: 'The host has no meetings left in March 2030 (at most 3 a month)',
          instance: `/v1/host-requests/${answer.id}/accept`,
          limit: 'meetingsPerMonth',
        })
      }

      const { rows } = await owner.query(
        `SELECT (SELECT count(*)::int FROM host_requests r JOIN meetings m ON m.school_id = r.school_id AND m.id = r.meeting_id
                  WHERE r.host_id = $1 AND m.status = 'scheduled') AS scheduled,
                (SELECT count(*)::int FROM host_requests WHERE host_id = $1 AND status = 'accepted') AS accepted,
                (SELECT count(*)::int FROM host_requests WHERE host_id = $1 AND status = 'pending') AS pending,
                (SELECT array_agg(id::text ORDER BY id) FROM host_requests WHERE host_id = $1 AND status = 'accepted') AS accepted_ids,
                (SELECT answered_count FROM host_profiles WHERE member_id = $1) AS answered`,
        [host.id],
      )
      expect(rows).toEqual([{ scheduled: 3, accepted: 3, pending: 47, accepted_ids: won.map((answer) => answer.id).sort(), answered: 3 }])
    })
  })
})
