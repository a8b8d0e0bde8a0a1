// The meeting lifecycle: every transition tried from every status; the time rules of completing and
// no-shows; completing with referrals; the thank-you on time or late; preparation; and transitions
// racing each other on one meeting or on one student's calendar.
import pg from 'pg'
import { beforeAll, describe, expect, it } from 'vitest'
import { allowedTransitions, TRANSITIONS } from '../src/modules/meetings/lifecycle.js'
import type { TestApp, TestSchool } from './helpers/app.js'
import { clockedSchool } from './helpers/clocked.js'
import { ownerConnection } from './helpers/owner.js'
import { MINUTE, HOUR, iso } from './helpers/time.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const MISSING_ID = '0190aaaa-0000-7000-8000-000000000000'
const T0 = Date.parse('2030-05-06T09:00:00.000Z')
const win = (startHours: number, minutes: number) => ({ startsAt: iso(T0 + startHours * HOUR), endsAt: iso(T0 + startHours * HOUR + minutes * MINUTE) })

const STATUSES = ['requested', 'scheduled', 'resume_sent', 'completed', 'thank_you_sent', 'declined', 'cancelled', 'no_show'] as const
type Status = (typeof STATUSES)[number]
const NAMES = ['schedule', 'resume-sent', 'complete', 'thank-you', 'decline', 'cancel', 'no-show'] as const
type Name = (typeof NAMES)[number]

/** The product's lifecycle, written out: from each status, where each transition leads (absent: not allowed). */
const LIFECYCLE: Record<Name, Partial<Record<Status, Status>>> = {
  schedule: { requested: 'scheduled', scheduled: 'scheduled', resume_sent: 'resume_sent' },
  'resume-sent': { scheduled: 'resume_sent' },
  complete: { scheduled: 'completed', resume_sent: 'completed' },
  'thank-you': { completed: 'thank_you_sent' },
  decline: { requested: 'declined' },
  cancel: { requested: 'cancelled', scheduled: 'cancelled', resume_sent: 'cancelled' },
  'no-show': { scheduled: 'no_show', resume_sent: 'no_show' },
}
const allowedFrom = (status: Status) => NAMES.filter((name) => LIFECYCLE[name][status] !== undefined)

/** A valid body for each transition, at the time the table tries them (T0 + 2h, after the meeting's start). */
const BODIES: Record<Name, Record<string, unknown>> = {
  schedule: win(50, 30),
  // Sent before the meeting's start (T0 + 1h), as the guide's order has it.
  'resume-sent': { sentAt: iso(T0 + 30 * MINUTE) },
  complete: { rating: 4, askedForReferrals: false },
  'thank-you': {},
  decline: { reason: 'Too busy this quarter' },
  cancel: {},
  'no-show': {},
}

type Response = Awaited<ReturnType<TestApp['request']>>

interface Student {
  id: string
  token: string
  contactId: string
}

describe('meeting lifecycle', () => {
  const clocked = clockedSchool('cycle-u', T0, { roles: ['student', 'school_admin'] })
  let t: TestApp, school: TestSchool, owner: pg.Client
  let sequence = 0

  beforeAll(() => {
    ;({ app: t, school, owner } = clocked)
  })

  async function newStudent(): Promise<Student> {
    const externalId = `cycle-s-${++sequence}`
    const member = await t.request({ method: 'PUT', url: `/v1/members/${externalId}`, token: school.members.school_admin!.token, payload: { roles: ['student'] } })
    expect(member.statusCode).toBe(201)
    const token = await t.memberToken(school.id, externalId)
    return { id: member.json().id, token, contactId: await newContact(token, { fullName: `Mentor ${sequence}`, source: 'personal' }) }
  }

  async function newContact(token: string, payload: Record<string, unknown>): Promise<string> {
    const response = await t.request({ method: 'POST', url: '/v1/contacts', token, payload })
    expect(response.statusCode).toBe(201)
    return response.json().id
  }

  const act = (token: string, id: string, name: string, payload: Record<string, unknown> = {}) =>
    t.request({ method: 'POST', url: `/v1/meetings/${id}/${name}`, token, payload })

  async function ok(response: Response, status: Status) {
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().status).toBe(status)
    return response.json()
  }

  async function requested(student: Student, contactId = student.contactId, proposed = win(1, 60)) {
    const response = await t.request({
      method: 'POST',
      url: '/v1/meetings',
      token: student.token,
      payload: { contactId, kind: 'informational_interview', purpose: 'Learn what an auditor does all day', mode: 'phone', proposedSlots: [proposed] },
    })
    expect(response.statusCode).toBe(201)
    return response.json() as { id: string } & Record<string, unknown>
  }

  /**
   * A meeting of the student in the given status, its window [T0+1h, T0+2h) agreed at T0 where it
   * was scheduled. Leaves the clock at T0 + 2h: the meeting has started (and ended).
   */
  async function meetingIn(student: Student, status: Status, contactId = student.contactId): Promise<string> {
    clocked.now = new Date(T0)
    const { id } = await requested(student, contactId)
    const at = (hours: number) => void (clocked.now = new Date(T0 + hours * HOUR))
    if (status === 'declined') await ok(await act(student.token, id, 'decline'), 'declined')
    if (status === 'cancelled') await ok(await act(student.token, id, 'cancel'), 'cancelled')
    if (!['requested', 'declined', 'cancelled'].includes(status)) {
      await ok(await act(student.token, id, 'schedule', win(1, 60)), 'scheduled')
      if (status === 'resume_sent') await ok(await act(student.token, id, 'resume-sent'), 'resume_sent')
      at(2)
      if (status === 'no_show') await ok(await act(student.token, id, 'no-show'), 'no_show')
      if (status === 'completed' || status === 'thank_you_sent') await ok(await act(student.token, id, 'complete', { rating: 5, askedForReferrals: false }), 'completed')
      if (status === 'thank_you_sent') await ok(await act(student.token, id, 'thank-you'), 'thank_you_sent')
    }
    at(2)
    return id
  }

  async function row(id: string) {
    const { rows } = await owner.query('SELECT * FROM meetings WHERE id = $1', [id])
    expect(rows).toHaveLength(1)
    return rows[0] as Record<string, unknown>
  }

  function expectProblem(response: Response, status: number, type: string) {
    expect(response.statusCode, response.body).toBe(status)
    expect(response.headers['content-type']).toBe(PROBLEM_JSON)
    expect(response.json()).toMatchObject({ type: `urn:vantage:problem:${type}`, status })
  }

  function expectInvalid(response: Response, field: string) {
    expectProblem(response, 400, 'validation-failed')
    expect(response.json().errors).toEqual([{ field, message: expect.any(String) }])
  }

  describe('every transition from every status', () => {
    it('is the table of lifecycle.ts', () => {
      expect(TRANSITIONS).toEqual(LIFECYCLE)
      for (const status of STATUSES) expect(allowedTransitions(status), status).toEqual(allowedFrom(status))
    })

    const cells = STATUSES.flatMap((status) => NAMES.map((name) => [status, name, LIFECYCLE[name][status] ?? null] as const))

    it.each(cells)('from %s, %s → %s', async (status, name, next) => {
      const student = await newStudent()
      const id = await meetingIn(student, status)
      const before = await row(id)
      expect(before.status).toBe(status)

      const response = await act(student.token, id, name, BODIES[name])
      if (next) {
        expect(response.statusCode, response.body).toBe(200)
        const meeting = response.json()
        expect(meeting).toMatchObject({ id, status: next, allowedTransitions: allowedFrom(next) })
        expect((await row(id)).status).toBe(next)
        if (name === 'schedule') expect(meeting).toMatchObject({ ...win(50, 30), thankYouDueAt: iso(T0 + 74.5 * HOUR) })
        if (name === 'resume-sent') expect(meeting).toMatchObject({ resumeSentAt: iso(T0 + 30 * MINUTE), resumeNote: expect.stringContaining('2030-05-06 10:00 UTC') })
        if (name === 'complete') expect(meeting).toMatchObject({ completedAt: iso(T0 + 2 * HOUR), endedAt: iso(T0 + 2 * HOUR), overrunMinutes: 0, rating: 4, askedForReferrals: false })
        if (name === 'thank-you') expect(meeting).toMatchObject({ thankYouSentAt: iso(T0 + 2 * HOUR), thankYouOnTime: true })
        if (name === 'decline') expect(meeting).toMatchObject({ closedAt: iso(T0 + 2 * HOUR), closedReason: 'Too busy this quarter' })
        if (name === 'cancel' || name === 'no-show') expect(meeting).toMatchObject({ closedAt: iso(T0 + 2 * HOUR), closedReason: null })
      } else {
        expectProblem(response, 409, 'conflict')
        expect(response.json()).toEqual({
          type: 'urn:vantage:problem:conflict',
          title: 'The request conflicts with the current state',
          status: 409,
          detail: expect.stringContaining(`A meeting that is ${status} cannot ${name}`),
          instance: `/v1/meetings/${id}/${name}`,
          currentStatus: status,
          allowedTransitions: allowedFrom(status),
        })
        expect(await row(id)).toEqual(before)
      }
    })
  })

  describe('time rules', () => {
    it('takes a résumé sent before the start only: after it, 409 without a sentAt and 400 with a sentAt from the start on', async () => {
      const student = await newStudent()
      const id = await meetingIn(student, 'scheduled')
      clocked.now = new Date(T0 + HOUR + MINUTE)
      const before = await row(id)
      const late = await act(student.token, id, 'resume-sent')
      expectProblem(late, 409, 'conflict')
      expect(late.json()).toMatchObject({ detail: expect.stringContaining('sent ahead of the meeting'), startsAt: iso(T0 + HOUR) })
      for (const sentAt of [iso(T0 + HOUR), iso(T0 + HOUR + MINUTE)]) {
        const response = await act(student.token, id, 'resume-sent', { sentAt })
        expectInvalid(response, 'body.sentAt')
        expect(response.json().errors[0].message).toBe('must be before the meeting starts: a résumé is sent ahead of the meeting')
      }
      expect(await row(id)).toEqual(before)
      // Sent the evening before and recorded late: taken as given.
      const meeting = await ok(await act(student.token, id, 'resume-sent', { sentAt: iso(T0 + HOUR - MINUTE) }), 'resume_sent')
      expect(meeting.resumeSentAt).toBe(iso(T0 + HOUR - MINUTE))
    })

    it('completes once the agreed end has passed, recording it as the actual end; before it, only with the actual end given', async () => {
      const student = await newStudent()
      const id = await meetingIn(student, 'scheduled')
      clocked.now = new Date(T0 + HOUR + 40 * MINUTE) // started at T0 + 1h, agreed to end at T0 + 2h
      const before = await row(id)
      const early = await act(student.token, id, 'complete', BODIES.complete)
      expectProblem(early, 409, 'conflict')
      expect(early.json()).toMatchObject({ detail: expect.stringContaining('give endedAt'), startsAt: iso(T0 + HOUR), endsAt: iso(T0 + 2 * HOUR) })
      for (const endedAt of [iso(T0 + HOUR), iso(T0 + 30 * MINUTE), iso(T0 + 3 * HOUR)]) {
        expectInvalid(await act(student.token, id, 'complete', { ...BODIES.complete, endedAt }), 'body.endedAt')
      }
      expect(await row(id)).toEqual(before)
      // It ended early, after 35 minutes: the thank-you falls due 24 hours after that.
      const meeting = await ok(await act(student.token, id, 'complete', { ...BODIES.complete, endedAt: iso(T0 + HOUR + 35 * MINUTE) }), 'completed')
      expect(meeting).toMatchObject({
        completedAt: iso(T0 + HOUR + 40 * MINUTE),
        endedAt: iso(T0 + HOUR + 35 * MINUTE),
        overrunMinutes: 0,
        thankYouDueAt: iso(T0 + 25 * HOUR + 35 * MINUTE),
        warnings: [],
      })
      expect(await row(id)).toMatchObject({ ended_at: new Date(T0 + HOUR + 35 * MINUTE), thank_you_due_at: new Date(T0 + 25 * HOUR + 35 * MINUTE) })

      const onTime = await meetingIn(student, 'resume_sent') // leaves the clock at T0 + 2h: the agreed end
      const held = await ok(await act(student.token, onTime, 'complete', BODIES.complete), 'completed')
      expect(held).toMatchObject({ endedAt: iso(T0 + 2 * HOUR), overrunMinutes: 0, thankYouDueAt: iso(T0 + 26 * HOUR), warnings: [] })
    })

    it('flags a meeting that ran past the agreed time, with the guide\'s advice, and moves the thank-you\'s due time with the end', async () => {
      const student = await newStudent()
      const id = await meetingIn(student, 'scheduled')
      clocked.now = new Date(T0 + 3 * HOUR)
      const meeting = await ok(await act(student.token, id, 'complete', { ...BODIES.complete, endedAt: iso(T0 + 2 * HOUR + 25 * MINUTE + 10_000) }), 'completed')
      expect(meeting).toMatchObject({ endedAt: iso(T0 + 2 * HOUR + 25 * MINUTE + 10_000), overrunMinutes: 26, thankYouDueAt: iso(T0 + 26 * HOUR + 25 * MINUTE + 10_000) })
      expect(meeting.warnings).toEqual([{ code: 'ran-over', field: 'endedAt', message: expect.stringMatching(/^This meeting ran 26 minutes past its agreed end\. The guide asks you to respect the time agreed/) }])
      // The flag stays with the meeting as the student and advisors read it later.
      const read = await t.request({ method: 'GET', url: `/v1/meetings/${id}`, token: student.token })
      expect(read.json()).toMatchObject({ overrunMinutes: 26, warnings: [expect.objectContaining({ code: 'ran-over' })] })
      // More than a day past the agreed end is taken for a mistake.
      const other = await meetingIn(student, 'scheduled', await newContact(student.token, { fullName: 'Second mentor', source: 'personal' }))
      clocked.now = new Date(T0 + 30 * HOUR)
      expectInvalid(await act(student.token, other, 'complete', { ...BODIES.complete, endedAt: iso(T0 + 26 * HOUR + MINUTE) }), 'body.endedAt')
      await ok(await act(student.token, other, 'complete', { ...BODIES.complete, endedAt: iso(T0 + 26 * HOUR) }), 'completed')
      // A thank-you during the overrun is before the meeting ended.
      expectInvalid(await act(student.token, id, 'thank-you', { sentAt: iso(T0 + 2 * HOUR + 10 * MINUTE) }), 'body.sentAt')
      await ok(await act(student.token, id, 'thank-you', { sentAt: iso(T0 + 2 * HOUR + 30 * MINUTE) }), 'thank_you_sent')
    })

    it('reads a meeting completed before the actual end was recorded as ending at the agreed end, or at its completion when that came first', async () => {
      const student = await newStudent()
      const first = await meetingIn(student, 'completed')
      const second = await meetingIn(student, 'completed', await newContact(student.token, { fullName: 'Older record', source: 'personal' }))
      await owner.query('UPDATE meetings SET ended_at = NULL, completed_at = $2 WHERE id = $1', [first, new Date(T0 + 5 * HOUR)])
      await owner.query('UPDATE meetings SET ended_at = NULL, completed_at = $2 WHERE id = $1', [second, new Date(T0 + 90 * MINUTE)])
      const read = async (id: string) => (await t.request({ method: 'GET', url: `/v1/meetings/${id}`, token: student.token })).json()
      expect(await read(first)).toMatchObject({ endedAt: iso(T0 + 2 * HOUR), overrunMinutes: 0 })
      expect(await read(second)).toMatchObject({ endedAt: iso(T0 + 90 * MINUTE), overrunMinutes: 0 })
    })

    it.each(['scheduled', 'resume_sent'] as const)('refuses to complete or record a no-show before the start (409), from %s', async (status) => {
      const student = await newStudent()
      const id = await meetingIn(student, status)
      clocked.now = new Date(T0 + HOUR - MINUTE)
      const before = await row(id)
      for (const [name, body] of [['complete', BODIES.complete], ['no-show', {}]] as const) {
        const response = await act(student.token, id, name, body)
        expectProblem(response, 409, 'conflict')
        expect(response.json()).toMatchObject({ startsAt: iso(T0 + HOUR) })
      }
      expect(await row(id)).toEqual(before)
      clocked.now = new Date(T0 + 2 * HOUR)
      await ok(await act(student.token, id, 'complete', BODIES.complete), 'completed')
    })

    it('records a no-show from the start on', async () => {
      const student = await newStudent()
      const id = await meetingIn(student, 'scheduled')
      clocked.now = new Date(T0 + HOUR)
      const meeting = await ok(await act(student.token, id, 'no-show', { reason: 'They did not call' }), 'no_show')
      expect(meeting).toMatchObject({ closedReason: 'They did not call', closedAt: iso(T0 + HOUR), allowedTransitions: [] })
    })

    it('validates the completion body', async () => {
      const student = await newStudent()
      const id = await meetingIn(student, 'scheduled')
      expectInvalid(await act(student.token, id, 'complete', { rating: 6, askedForReferrals: true }), 'body.rating')
      expectInvalid(await act(student.token, id, 'complete', { rating: 3 }), 'body.askedForReferrals')
      expect((await row(id)).status).toBe('scheduled')
    })
  })

  describe('completing with referrals', () => {
    async function referralRows(studentId: string) {
      const { rows } = await owner.query(
        `SELECT referrer_contact_id::text, referrer_name, referred_contact_id::text, meeting_id::text, status::text, note
           FROM referrals WHERE student_id = $1 ORDER BY id`,
        [studentId],
      )
      return rows
    }
    async function contactRows(studentId: string) {
      const { rows } = await owner.query('SELECT id::text, full_name, email, organization, source::text FROM contacts WHERE student_id = $1 ORDER BY id', [studentId])
      return rows
    }

    it('creates a referral from the meeting\'s contact for an existing contact and for a new one (source "referral")', async () => {
      const student = await newStudent()
      const known = await newContact(student.token, { fullName: 'Bea Known', source: 'organization' })
      const id = await meetingIn(student, 'resume_sent')
      const response = await act(student.token, id, 'complete', {
        notes: 'Audits are seasonal',
        reflections: 'I liked the travel',
        rating: 5,
        askedForReferrals: true,
        referrals: [
          { referred: { contactId: known }, note: 'Ask Bea about the tax side' },
          { referred: { contact: { fullName: 'Dana New', email: 'Dana@Example.com', organization: 'Globex', title: 'Analyst' } } },
        ],
      })
      const meeting = await ok(response, 'completed')
      expect(meeting).toMatchObject({
        notes: 'Audits are seasonal',
        reflections: 'I liked the travel',
        rating: 5,
        askedForReferrals: true,
        completedAt: iso(T0 + 2 * HOUR),
        allowedTransitions: ['thank-you'],
      })

      const contacts = await contactRows(student.id)
      const dana = contacts.find((contact) => contact.full_name === 'Dana New')
      expect(dana).toEqual({ id: expect.any(String), full_name: 'Dana New', email: 'dana@example.com', organization: 'Globex', source: 'referral' })
      expect(contacts).toHaveLength(3)
      expect(await referralRows(student.id)).toEqual([
        { referrer_contact_id: student.contactId, referrer_name: null, referred_contact_id: known, meeting_id: id, status: 'suggested', note: 'Ask Bea about the tax side' },
        { referrer_contact_id: student.contactId, referrer_name: null, referred_contact_id: dana!.id, meeting_id: id, status: 'suggested', note: null },
      ])
      const listed = await t.request({ method: 'GET', url: '/v1/referrals', token: student.token })
      expect(listed.json().items.map((item: { referrerContactId: string; referredContactId: string }) => [item.referrerContactId, item.referredContactId])).toEqual([
        [student.contactId, known],
        [student.contactId, dana!.id],
      ])
    })

    it.each([
      ['names the meeting\'s own contact', (student: Student) => ({ referred: { contactId: student.contactId } }), 400, 'body.referrals.1.referred'],
      ['names a contact that does not exist', () => ({ referred: { contactId: MISSING_ID } }), 404, null],
      ['names another student\'s contact', (_student: Student, other: Student) => ({ referred: { contactId: other.contactId } }), 404, null],
      ['gives a new contact with an email the student already has', () => ({ referred: { contact: { fullName: 'Twin', email: 'taken@example.com' } } }), 409, null],
    ] as const)('writes nothing when a referral %s', async (_case, referral, status, field) => {
      const student = await newStudent()
      const other = await newStudent()
      await newContact(student.token, { fullName: 'Has the email', email: 'taken@example.com', source: 'cold' })
      const id = await meetingIn(student, 'scheduled')
      const contactsBefore = await contactRows(student.id)
      const before = await row(id)
      const response = await act(student.token, id, 'complete', {
        rating: 4,
        askedForReferrals: true,
        referrals: [{ referred: { contact: { fullName: 'Eve Earlier' } } }, referral(student, other)],
      })
      if (field) expectInvalid(response, field)
      else expectProblem(response, status, status === 404 ? 'not-found' : 'conflict')
      expect(await row(id)).toEqual(before)
      expect(await contactRows(student.id)).toEqual(contactsBefore)
      expect(await referralRows(student.id)).toEqual([])
    })

    it('marks the referrals that led to this contact "met" (suggested or contacted; a declined one stays)', async () => {
      const student = await newStudent()
      const suggested = await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token: student.token,
        payload: { referrer: { contactId: student.contactId }, referred: { contact: { fullName: 'Carol Referred', organization: 'Initech' } } },
      })
      expect(suggested.statusCode).toBe(201)
      const carol = suggested.json().referredContactId as string
      const byName = await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token: student.token,
        payload: { referrer: { name: 'Uncle Bob' }, referred: { contactId: carol }, status: 'contacted' },
      })
      const declined = await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token: student.token,
        payload: { referrer: { name: 'Aunt May' }, referred: { contactId: carol }, status: 'declined' },
      })
      const elsewhere = await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token: student.token,
        payload: { referrer: { contactId: student.contactId }, referred: { contact: { fullName: 'Not Met Yet' } } },
      })
      const status = async (referral: Response) => (await t.request({ method: 'GET', url: `/v1/referrals/${referral.json().id}`, token: student.token })).json().status

      const id = await meetingIn(student, 'scheduled', carol)
      expect(await status(suggested)).toBe('suggested')
      await ok(await act(student.token, id, 'complete', { rating: 4, askedForReferrals: false }), 'completed')
      expect(await status(suggested)).toBe('met')
      expect(await status(byName)).toBe('met')
      expect(await status(declined)).toBe('declined')
      expect(await status(elsewhere)).toBe('suggested')
    })

    it('does not mark a referral "met" when the meeting does not take place', async () => {
      const student = await newStudent()
      const created = await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token: student.token,
        payload: { referrer: { contactId: student.contactId }, referred: { contact: { fullName: 'Gone Quiet' } } },
      })
      const id = await meetingIn(student, 'scheduled', created.json().referredContactId)
      await ok(await act(student.token, id, 'no-show'), 'no_show')
      const { rows } = await owner.query('SELECT status::text FROM referrals WHERE id = $1', [created.json().id])
      expect(rows).toEqual([{ status: 'suggested' }])
    })
  })

  describe('the thank-you', () => {
    // The meeting ends at T0 + 2h; the thank-you is due 24 hours later, at T0 + 26h.
    it.each([
      ['well before it is due', 3, undefined, true],
      ['exactly when it is due', 26, undefined, true],
      ['a minute late', 26 + 1 / 60, undefined, false],
      ['days late', 100, undefined, false],
      ['recorded late but sent on time', 100, 20, true],
      ['recorded later, sent late', 100, 27, false],
    ])('sent %s', async (_case, atHours, sentHours, onTime) => {
      const student = await newStudent()
      const id = await meetingIn(student, 'completed')
      expect((await row(id)).thank_you_due_at).toEqual(new Date(T0 + 26 * HOUR))
      clocked.now = new Date(T0 + atHours * HOUR)
      const sentAt = iso(T0 + (sentHours ?? atHours) * HOUR)
      const meeting = await ok(await act(student.token, id, 'thank-you', sentHours === undefined ? {} : { sentAt }), 'thank_you_sent')
      expect(meeting).toMatchObject({ thankYouSentAt: sentAt, thankYouOnTime: onTime, thankYouDueAt: iso(T0 + 26 * HOUR), allowedTransitions: [] })
      expect(await row(id)).toMatchObject({ status: 'thank_you_sent', thank_you_sent_at: new Date(sentAt), thank_you_on_time: onTime })
    })

    it('refuses a sentAt before the meeting ended or in the future (400)', async () => {
      const student = await newStudent()
      const id = await meetingIn(student, 'completed')
      expectInvalid(await act(student.token, id, 'thank-you', { sentAt: iso(T0 + 30 * MINUTE) }), 'body.sentAt')
      // During the meeting (it ran from T0 + 1h to T0 + 2h).
      const during = await act(student.token, id, 'thank-you', { sentAt: iso(T0 + 90 * MINUTE) })
      expectInvalid(during, 'body.sentAt')
      expect(during.json().errors[0].message).toBe('must not be before the meeting ended')
      expectInvalid(await act(student.token, id, 'thank-you', { sentAt: iso(T0 + 3 * HOUR) }), 'body.sentAt')
      expect((await row(id)).status).toBe('completed')
      await ok(await act(student.token, id, 'thank-you', { sentAt: iso(T0 + 2 * HOUR) }), 'thank_you_sent')
    })
  })

  describe('preparation', () => {
    const prepare = (student: Student, id: string, payload: Record<string, unknown>) =>
      t.request({ method: 'PUT', url: `/v1/meetings/${id}/preparation`, token: student.token, payload })

    it('keeps homework and copies of the student\'s own questions from request to résumé sent', async () => {
      const student = await newStudent()
      const { id } = await requested(student)
      const first = await prepare(student, id, { homework: 'Read the annual report', customQuestions: ['  What does a typical day look like?  ', 'How did you start?'] })
      expect(first.statusCode).toBe(200)
      expect(first.json()).toMatchObject({
        status: 'requested',
        homework: 'Read the annual report',
        questions: [
          { text: 'What does a typical day look like?', source: 'custom', questionId: null },
          { text: 'How did you start?', source: 'custom', questionId: null },
        ],
      })

      // Homework alone leaves the questions; questions alone replace the custom ones and leave the homework.
      const homework = await prepare(student, id, { homework: 'Read the 10-K' })
      expect(homework.json()).toMatchObject({ homework: 'Read the 10-K', questions: first.json().questions })
      await ok(await act(student.token, id, 'schedule', win(1, 60)), 'scheduled')
      const questions = await prepare(student, id, { customQuestions: ['What would you do differently?'] })
      expect(questions.statusCode).toBe(200)
      expect(questions.json()).toMatchObject({ status: 'scheduled', homework: 'Read the 10-K', questions: [{ text: 'What would you do differently?', source: 'custom', questionId: null }] })
      await ok(await act(student.token, id, 'resume-sent'), 'resume_sent')
      const cleared = await prepare(student, id, { homework: null })
      expect(cleared.statusCode).toBe(200)
      expect(cleared.json()).toMatchObject({ status: 'resume_sent', homework: null, questions: [{ text: 'What would you do differently?', source: 'custom', questionId: null }] })
      expect(await row(id)).toMatchObject({ homework: null, questions: [{ text: 'What would you do differently?', source: 'custom', questionId: null }] })
      const blank = await prepare(student, id, { homework: '  ' })
      expect(blank.json()).toMatchObject({ homework: null })
    })

    it('validates the body', async () => {
      const student = await newStudent()
      const { id } = await requested(student)
      expectInvalid(await prepare(student, id, {}), 'body')
      expectInvalid(await prepare(student, id, { customQuestions: ['Hi'] }), 'body.customQuestions.0')
      expectInvalid(await prepare(student, id, { notes: 'x' }), 'body.notes')
      expect(await row(id)).toMatchObject({ homework: null, questions: [] })
    })

    it.each(['completed', 'thank_you_sent', 'declined', 'cancelled', 'no_show'] as const)('is closed once the meeting is %s (409)', async (status) => {
      const student = await newStudent()
      const id = await meetingIn(student, status)
      const before = await row(id)
      const response = await prepare(student, id, { homework: 'Too late', customQuestions: ['Anything else?'] })
      expectProblem(response, 409, 'conflict')
      expect(response.json()).toMatchObject({ currentStatus: status, allowedTransitions: allowedFrom(status) })
      expect(await row(id)).toEqual(before)
    })

    it('answers 404 for another student\'s meeting', async () => {
      const student = await newStudent()
      const other = await newStudent()
      const { id } = await requested(other)
      expectProblem(await prepare(student, id, { homework: 'Mine now' }), 404, 'not-found')
      expect((await row(id)).homework).toBeNull()
    })
  })

  describe('concurrency', () => {
    it('lets exactly one of ten concurrent cancels through; the others answer 409', async () => {
      const student = await newStudent()
      const id = await meetingIn(student, 'scheduled')
      const responses = await Promise.all(Array.from({ length: 10 }, (_, index) => act(student.token, id, 'cancel', { reason: `Reason ${index}` })))
      expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409])
      const winner = responses.find((response) => response.statusCode === 200)!.json()
      for (const loser of responses.filter((response) => response.statusCode === 409)) {
        expect(loser.json()).toMatchObject({ type: 'urn:vantage:problem:conflict', currentStatus: 'cancelled', allowedTransitions: [] })
      }
      expect(await row(id)).toMatchObject({ status: 'cancelled', closed_reason: winner.closedReason })
    })

    async function bookedIn(studentId: string, window: { startsAt: string; endsAt: string }) {
      const { rows } = await owner.query(
        `SELECT id::text FROM meetings WHERE student_id = $1 AND status IN ('scheduled', 'resume_sent') AND starts_at < $3 AND ends_at > $2`,
        [studentId, window.startsAt, window.endsAt],
      )
      return rows.map((found) => found.id as string)
    }

    it.each([1, 2, 3, 4, 5])('books one of two meetings scheduled concurrently into overlapping windows (round %i)', async () => {
      const student = await newStudent()
      const first = await requested(student)
      const second = await requested(student)
      const responses = await Promise.all([act(student.token, first.id, 'schedule', win(24, 60)), act(student.token, second.id, 'schedule', win(24.5, 60))])
      expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 409])
      const loser = responses.find((response) => response.statusCode === 409)!
      expectProblem(loser, 409, 'conflict')
      expect(loser.json().detail).toBe('The window overlaps another of your scheduled meetings')
      const winnerId = responses[0]!.statusCode === 200 ? first.id : second.id
      expect(await bookedIn(student.id, { startsAt: win(24, 0).startsAt, endsAt: win(25.5, 0).startsAt })).toEqual([winnerId])
      const loserRow = await row(winnerId === first.id ? second.id : first.id)
      expect(loserRow).toMatchObject({ status: 'requested', starts_at: null, thank_you_due_at: null })
    })

    it('answers 409 when the database\'s exclusion constraint catches a booking the check before it could not see', async () => {
      // A booking committed while the app's transaction runs: the app's own overlap check sees the
      // meeting as requested, so only the constraint stops the second booking.
      const student = await newStudent()
      const first = await requested(student)
      const second = await requested(student)
      const other = await ownerConnection(t)
      try {
        await other.query('BEGIN')
        await other.query(`SELECT set_config('app.school_id', $1, true)`, [school.id])
        await other.query(`UPDATE meetings SET status = 'scheduled', starts_at = $2, ends_at = $3 WHERE id = $1`, [first.id, win(24, 0).startsAt, win(25, 0).startsAt])
        const pending = act(student.token, second.id, 'schedule', win(24.5, 60))
        // Wait until the app's update waits on the uncommitted booking, then commit it.
        let waiting = false
        for (const deadline = Date.now() + 2_000; !waiting && Date.now() < deadline; ) {
          const { rows } = await owner.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'UPDATE%meetings%'`,
          )
          waiting = rows[0].n > 0
          if (!waiting) await new Promise((resolve) => setTimeout(resolve, 20))
        }
        expect(waiting).toBe(true)
        await other.query('COMMIT')
        const response = await pending
        expectProblem(response, 409, 'conflict')
        expect(response.json().detail).toBe('The window overlaps another of your scheduled meetings')
      } finally {
        await other.end()
      }
      expect(await bookedIn(student.id, { startsAt: win(24, 0).startsAt, endsAt: win(25.5, 0).startsAt })).toEqual([first.id])
      expect((await row(second.id)).status).toBe('requested')
    })
  })
})
