// Meetings: requesting (purpose, contact, location, proposed slots), scheduling (window rules by kind
// and school settings, overlaps, a shadow's debrief and itinerary, the thank-you due time), lists and
// who may read or change what. The app runs on a clock of the test's own (`now`).
import pg from 'pg'
import { beforeAll, describe, expect, it } from 'vitest'
import type { TestApp, TestSchool } from './helpers/app.js'
import { clockedSchool } from './helpers/clocked.js'
import { addContact, addMember } from './factories/index.js'
import { MINUTE, HOUR, DAY, iso } from './helpers/time.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
/** A school's settings as read when none were given (as documented for the schools API). */
const DEFAULT_SETTINGS = {
  thankYouWindowHours: 24,
  interviewMinMinutes: 30,
  interviewMaxMinutes: 60,
  hostRequestFanout: 3,
  hostRequestExpiryDays: 7,
  terms: [],
  matchingWeights: { field: 0.35, organization: 0.2, background: 0.15, capacity: 0.1, responsiveness: 0.2 },
  scimRoleMapping: {},
}
const JSON_TYPE = 'application/json; charset=utf-8'
const MISSING_ID = '0190aaaa-0000-7000-8000-000000000000'
/** The app's "now" at the start of every test. */
const T0 = Date.parse('2030-03-04T09:00:00.000Z')

/** A window starting `startHours` after T0 and lasting `minutes`. */
const win = (startHours: number, minutes: number) => ({ startsAt: iso(T0 + startHours * HOUR), endsAt: iso(T0 + startHours * HOUR + minutes * MINUTE) })

interface Student {
  id: string
  token: string
  contactId: string
}

describe('meetings', () => {
  const clocked = clockedSchool('meet-u', T0)
  let t: TestApp, school: TestSchool, owner: pg.Client
  let sequence = 0

  beforeAll(() => {
    ;({ app: t, school, owner } = clocked)
  })

  /** A new student of the school (each test its own, so windows of one test never meet another's) with one contact. */
  async function newStudent(of: TestSchool = school): Promise<Student> {
    const externalId = `${of.slug}-s-${++sequence}`
    const { id, token } = await addMember(t, of, externalId, { givenName: 'Stu' })
    return { id, token, contactId: await newContact(token, `Person ${sequence}`) }
  }

  const newContact = async (token: string, fullName: string) => (await addContact(t, token, { fullName, organization: 'Acme' })).id

  const request = (student: Pick<Student, 'token' | 'contactId'>, overrides: Record<string, unknown> = {}) =>
    t.request({
      method: 'POST',
      url: '/v1/meetings',
      token: student.token,
      payload: {
        contactId: student.contactId,
        kind: 'informational_interview',
        purpose: 'Learn how product managers spend their week',
        mode: 'phone',
        proposedSlots: [win(24, 30)],
        ...overrides,
      },
    })

  async function requested(student: Pick<Student, 'token' | 'contactId'>, overrides: Record<string, unknown> = {}) {
    const response = await request(student, overrides)
    expect(response.statusCode).toBe(201)
    return response.json() as { id: string } & Record<string, unknown>
  }

  const act = (token: string, id: string, name: string, payload: Record<string, unknown> = {}) =>
    t.request({ method: 'POST', url: `/v1/meetings/${id}/${name}`, token, payload })

  async function scheduled(student: Student, window: { startsAt: string; endsAt: string }, overrides: Record<string, unknown> = {}) {
    const meeting = await requested(student, overrides)
    const response = await act(student.token, meeting.id, 'schedule', window)
    expect(response.statusCode).toBe(200)
    return response.json() as { id: string } & Record<string, unknown>
  }

  async function meetingRows(studentId: string) {
    const { rows } = await owner.query(
      `SELECT id::text, status::text, starts_at, ends_at, thank_you_due_at FROM meetings WHERE student_id = $1 ORDER BY id`,
      [studentId],
    )
    return rows as Array<{ id: string; status: string; starts_at: Date | null; ends_at: Date | null; thank_you_due_at: Date | null }>
  }

  function expectProblem(response: Awaited<ReturnType<TestApp['request']>>, status: number, type: string) {
    expect(response.statusCode).toBe(status)
    expect(response.headers['content-type']).toBe(PROBLEM_JSON)
    expect(response.json()).toMatchObject({ type: `urn:vantage:problem:${type}`, status })
  }

  function expectInvalid(response: Awaited<ReturnType<TestApp['request']>>, field: string) {
    expectProblem(response, 400, 'validation-failed')
    expect(response.json().errors).toEqual([{ field, message: expect.any(String) }])
  }

  describe('POST /v1/meetings (request)', () => {
    it('records the request with status "requested", as given, and nothing else set', async () => {
      const student = await newStudent()
      const slots = [win(24, 45), { startsAt: '2030-03-06T10:00:00+02:00', endsAt: '2030-03-06T11:00:00+02:00' }]
      const response = await request(student, { purpose: '  Learn about hospital pharmacy  ', mode: 'in_person', location: 'Main St 1', proposedSlots: slots })
      expect(response.statusCode).toBe(201)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      const meeting = response.json()
      expect(meeting).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        studentId: student.id,
        contactId: student.contactId,
        kind: 'informational_interview',
        status: 'requested',
        purpose: 'Learn about hospital pharmacy',
        mode: 'in_person',
        location: 'Main St 1',
        proposedSlots: [slots[0], { startsAt: '2030-03-06T08:00:00.000Z', endsAt: '2030-03-06T09:00:00.000Z' }],
        startsAt: null,
        endsAt: null,
        debrief: null,
        itinerary: [],
        resumeSentAt: null,
        resumeNote: null,
        homework: null,
        questions: [],
        preparation: { homeworkDone: false, questionCount: 0, topicsCovered: [], topicsMissing: ['path', 'typical_day', 'likes_dislikes', 'future', 'advancement', 'advice'], repeats: [], closedQuestions: [], publicSourceQuestions: [] },
        notes: null,
        reflections: null,
        rating: null,
        askedForReferrals: null,
        completedAt: null,
        endedAt: null,
        overrunMinutes: null,
        thankYouDueAt: null,
        thankYouSentAt: null,
        thankYouOnTime: null,
        closedReason: null,
        closedAt: null,
        allowedTransitions: ['schedule', 'decline', 'cancel'],
        warnings: [],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      })
      const { rows } = await owner.query(
        `SELECT school_id::text, student_id::text, contact_id::text, kind::text, status::text, purpose, mode::text, location, proposed_slots, starts_at, thank_you_due_at
           FROM meetings WHERE id = $1`,
        [meeting.id],
      )
      expect(rows).toEqual([
        {
          school_id: school.id,
          student_id: student.id,
          contact_id: student.contactId,
          kind: 'informational_interview',
          status: 'requested',
          purpose: 'Learn about hospital pharmacy',
          mode: 'in_person',
          location: 'Main St 1',
          proposed_slots: meeting.proposedSlots,
          starts_at: null,
          thank_you_due_at: null,
        },
      ])
      const read = await t.request({ method: 'GET', url: `/v1/meetings/${meeting.id}`, token: student.token })
      expect(read.statusCode).toBe(200)
      expect(read.json()).toEqual(meeting)
    })

    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['only spaces', '   '],
    ])('requires a purpose (%s → 400) and writes nothing', async (_case, purpose) => {
      const student = await newStudent()
      const response = await request(student, { purpose })
      expectInvalid(response, 'body.purpose')
      expect(await meetingRows(student.id)).toEqual([])
    })

    it('answers 404 for another student\'s contact and for a contact that does not exist, writing nothing', async () => {
      const student = await newStudent()
      const other = await newStudent()
      const foreign = await request(student, { contactId: other.contactId })
      expectProblem(foreign, 404, 'not-found')
      const missing = await request(student, { contactId: MISSING_ID })
      expectProblem(missing, 404, 'not-found')
      expect(foreign.json().detail).toBe(missing.json().detail)
      expect(await meetingRows(student.id)).toEqual([])
      expect(await meetingRows(other.id)).toEqual([])
    })

    it('accepts a purpose that asks for a job, with the guide\'s warning, which advisors see too', async () => {
      const student = await newStudent()
      const plain = await requested(student)
      expect(plain.warnings).toEqual([])
      const negated = await requested(student, { purpose: 'Learning about nursing; not looking for a job' })
      expect(negated.warnings).toEqual([])
      const asking = await requested(student, { purpose: 'I would like to ask if you could hire me after I graduate' })
      expect(asking.warnings).toEqual([{ code: 'job-ask', field: 'purpose', message: expect.stringContaining('seeking information only, not a job') }])
      const advisor = await t.request({ method: 'GET', url: `/v1/meetings/${asking.id}`, token: school.members.advisor!.token })
      expect(advisor.json().warnings).toEqual(asking.warnings)
    })

    it('lets a request leave the place to the professional, and refuses a blank one', async () => {
      const student = await newStudent()
      expectInvalid(await request(student, { mode: 'video', location: '' }), 'body.location')
      expectInvalid(await request(student, { mode: 'in_person', location: '   ' }), 'body.location')
      expect(await meetingRows(student.id)).toEqual([])
      for (const mode of ['in_person', 'video']) {
        const open = await request(student, { mode })
        expect(open.statusCode, open.body).toBe(201)
        expect(open.json()).toMatchObject({ mode, location: null, status: 'requested' })
      }

      const phone = await request(student, { mode: 'phone' })
      expect(phone.statusCode).toBe(201)
      expect(phone.json()).toMatchObject({ mode: 'phone', location: null })
      const video = await request(student, { mode: 'video', location: 'https://meet.example.com/abc' })
      expect(video.statusCode).toBe(201)
      expect(video.json()).toMatchObject({ mode: 'video', location: 'https://meet.example.com/abc' })
      expect((await meetingRows(student.id)).length).toBe(4)
    })

    it('takes one to ten proposed slots', async () => {
      const student = await newStudent()
      expectInvalid(await request(student, { proposedSlots: [] }), 'body.proposedSlots')
      expectInvalid(await request(student, { proposedSlots: Array.from({ length: 11 }, (_, index) => win(24 + index, 30)) }), 'body.proposedSlots')
      expectInvalid(await request(student, { proposedSlots: undefined }), 'body.proposedSlots')
      expect(await meetingRows(student.id)).toEqual([])

      const ten = await request(student, { proposedSlots: Array.from({ length: 10 }, (_, index) => win(24 + index, 30)) })
      expect(ten.statusCode).toBe(201)
      expect(ten.json().proposedSlots).toHaveLength(10)
    })

    it.each([
      ['in the past', 'informational_interview', { startsAt: iso(T0 - HOUR), endsAt: iso(T0 - 30 * MINUTE) }, 'must start in the future'],
      ['starting right now', 'informational_interview', { startsAt: iso(T0), endsAt: iso(T0 + 30 * MINUTE) }, 'must start in the future'],
      ['reversed', 'informational_interview', { startsAt: iso(T0 + 25 * HOUR), endsAt: iso(T0 + 24 * HOUR) }, 'must end after it starts'],
      ['empty', 'informational_interview', { startsAt: iso(T0 + 24 * HOUR), endsAt: iso(T0 + 24 * HOUR) }, 'must end after it starts'],
      ['an interview of 29 minutes', 'informational_interview', win(24, 29), 'is too short: An informational interview lasts at least 30 minutes'],
      ['an interview of 61 minutes', 'informational_interview', win(24, 61), 'is too long: An informational interview lasts at most 60 minutes'],
      ['a shadow of 59 minutes', 'job_shadow', win(24, 59), 'is too short: A job shadow lasts at least 60 minutes'],
      ['a shadow of seven days and a minute', 'job_shadow', win(24, 7 * 24 * 60 + 1), 'is too long: A job shadow lasts at most 10080 minutes'],
    ])('refuses a slot %s (400 naming body.proposedSlots.N)', async (_case, kind, bad, message) => {
      const student = await newStudent()
      const good = kind === 'job_shadow' ? win(48, 120) : win(48, 30)
      const response = await request(student, { kind, proposedSlots: [good, good, bad, good] })
      expectProblem(response, 400, 'validation-failed')
      expect(response.json()).toMatchObject({ detail: `body.proposedSlots.2 ${message}` })
      expect(response.json().errors).toEqual([{ field: 'body.proposedSlots.2', message }])
      expect(await meetingRows(student.id)).toEqual([])
    })

    it.each([
      ['an interview of 30 minutes', 'informational_interview', 30],
      ['an interview of 60 minutes', 'informational_interview', 60],
      ['a shadow of one hour', 'job_shadow', 60],
      ['a shadow of seven days', 'job_shadow', 7 * 24 * 60],
    ])('accepts %s (the bounds are inclusive)', async (_case, kind, minutes) => {
      const student = await newStudent()
      const response = await request(student, { kind, proposedSlots: [win(24, minutes)] })
      expect(response.statusCode).toBe(201)
      expect(response.json()).toMatchObject({ kind, proposedSlots: [win(24, minutes)] })
    })

    it.each([
      ['status', 'scheduled'],
      ['studentId', MISSING_ID],
      ['thankYouDueAt', iso(T0 + 3 * DAY)],
      ['startsAt', iso(T0 + DAY)],
    ])('refuses %s in the body as an unknown property and writes nothing', async (field, value) => {
      const student = await newStudent()
      const response = await request(student, { [field]: value })
      expectProblem(response, 400, 'validation-failed')
      expect(response.json().errors).toEqual([{ field: `body.${field}`, message: 'is not a known property' }])
      expect(await meetingRows(student.id)).toEqual([])
    })
  })

  describe('a school that widens the interview length (15-120 minutes)', () => {
    let wide: TestSchool

    beforeAll(async () => {
      wide = await t.school('wide-u', ['student', 'school_admin'])
      const patched = await t.request({
        method: 'PATCH',
        url: `/v1/schools/${wide.id}`,
        token: await t.platformToken(),
        payload: { settings: { interviewMinMinutes: 15, interviewMaxMinutes: 120, thankYouWindowHours: 48 } },
      })
      expect(patched.statusCode).toBe(200)
      expect(patched.json().settings).toEqual({ ...DEFAULT_SETTINGS, thankYouWindowHours: 48, interviewMinMinutes: 15, interviewMaxMinutes: 120 })
    })

    it('accepts 15- and 120-minute interviews and refuses 14 and 121, when requesting and scheduling', async () => {
      const student = await newStudent(wide)
      const meeting = await requested(student, { proposedSlots: [win(24, 15), win(26, 120)] })
      expect(meeting.proposedSlots).toEqual([win(24, 15), win(26, 120)])
      expectInvalid(await request(student, { proposedSlots: [win(24, 14)] }), 'body.proposedSlots.0')
      expectInvalid(await request(student, { proposedSlots: [win(24, 30), win(26, 121)] }), 'body.proposedSlots.1')

      expectInvalid(await act(student.token, meeting.id, 'schedule', win(24, 14)), 'body')
      expectInvalid(await act(student.token, meeting.id, 'schedule', win(24, 121)), 'body')
      const short = await act(student.token, meeting.id, 'schedule', win(24, 15))
      expect(short.statusCode).toBe(200)
      const long = await act(student.token, meeting.id, 'schedule', win(26, 120))
      expect(long.statusCode).toBe(200)
      expect(long.json()).toMatchObject({ status: 'scheduled', ...win(26, 120) })
    })

    it('makes the thank-you due the school\'s window (48 hours) after the meeting ends', async () => {
      const student = await newStudent(wide)
      const meeting = await scheduled(student, win(24, 60))
      expect(meeting.thankYouDueAt).toBe(iso(T0 + 25 * HOUR + 48 * HOUR))
      const [row] = await meetingRows(student.id)
      expect(row!.thank_you_due_at).toEqual(new Date(T0 + 73 * HOUR))
    })

    it('applies a changed window to meetings scheduled (or moved) after the change, not to those already scheduled', async () => {
      const student = await newStudent(wide)
      const before = await scheduled(student, win(24, 60))
      expect(before.thankYouDueAt).toBe(iso(T0 + 73 * HOUR))
      const operator = await t.platformToken()
      const patch = (hours: number) =>
        t.request({ method: 'PATCH', url: `/v1/schools/${wide.id}`, token: operator, payload: { settings: { thankYouWindowHours: hours } } })
      expect((await patch(72)).statusCode).toBe(200)
      try {
        expect((await meetingRows(student.id))[0]!.thank_you_due_at).toEqual(new Date(T0 + 73 * HOUR))
        const after = await scheduled(student, win(48, 60))
        expect(after.thankYouDueAt).toBe(iso(T0 + 49 * HOUR + 72 * HOUR))
        const moved = await act(student.token, before.id, 'schedule', win(26, 60))
        expect(moved.json()).toMatchObject({ ...win(26, 60), thankYouDueAt: iso(T0 + 27 * HOUR + 72 * HOUR) })
      } finally {
        expect((await patch(48)).statusCode).toBe(200)
      }
    })

    it('leaves the other school at the defaults', async () => {
      const student = await newStudent()
      expectInvalid(await request(student, { proposedSlots: [win(24, 15)] }), 'body.proposedSlots.0')
      expectInvalid(await request(student, { proposedSlots: [win(24, 120)] }), 'body.proposedSlots.0')
    })
  })

  describe('POST /v1/meetings/{id}/schedule', () => {
    it('agrees the window: scheduled, the thank-you due 24 hours after the end', async () => {
      const student = await newStudent()
      const meeting = await requested(student, { proposedSlots: [win(24, 45), win(30, 45)] })
      const response = await act(student.token, meeting.id, 'schedule', win(30, 45))
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      expect(response.json()).toEqual({
        ...meeting,
        status: 'scheduled',
        ...win(30, 45),
        thankYouDueAt: iso(T0 + 30 * HOUR + 45 * MINUTE + 24 * HOUR),
        allowedTransitions: ['schedule', 'resume-sent', 'complete', 'cancel', 'no-show'],
        updatedAt: expect.any(String),
      })
      expect(await meetingRows(student.id)).toEqual([
        {
          id: meeting.id,
          status: 'scheduled',
          starts_at: new Date(T0 + 30 * HOUR),
          ends_at: new Date(T0 + 30 * HOUR + 45 * MINUTE),
          thank_you_due_at: new Date(T0 + 54 * HOUR + 45 * MINUTE),
        },
      ])
    })

    it.each([
      ['in the past', 'informational_interview', { startsAt: iso(T0 - HOUR), endsAt: iso(T0 - 30 * MINUTE) }],
      ['reversed', 'informational_interview', { startsAt: iso(T0 + 25 * HOUR), endsAt: iso(T0 + 24 * HOUR) }],
      ['an interview of 29 minutes', 'informational_interview', win(24, 29)],
      ['an interview of 61 minutes', 'informational_interview', win(24, 61)],
      ['a shadow of 59 minutes', 'job_shadow', win(24, 59)],
      ['a shadow longer than seven days', 'job_shadow', win(24, 7 * 24 * 60 + 1)],
    ])('refuses a window %s (400) and leaves the meeting requested', async (_case, kind, window) => {
      const student = await newStudent()
      const meeting = await requested(student, { kind, proposedSlots: [kind === 'job_shadow' ? win(24, 120) : win(24, 30)] })
      expectInvalid(await act(student.token, meeting.id, 'schedule', window), 'body')
      expect(await meetingRows(student.id)).toEqual([{ id: meeting.id, status: 'requested', starts_at: null, ends_at: null, thank_you_due_at: null }])
    })

    it('requires a location when the mode changes to one that needs it', async () => {
      const student = await newStudent()
      const meeting = await requested(student)
      expectInvalid(await act(student.token, meeting.id, 'schedule', { ...win(24, 30), mode: 'video' }), 'body.location')
      const response = await act(student.token, meeting.id, 'schedule', { ...win(24, 30), mode: 'video', location: 'https://meet.example.com/x' })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({ mode: 'video', location: 'https://meet.example.com/x' })
      // A request that left the place open: scheduling it names the place.
      const open = await requested(student, { mode: 'in_person' })
      expect(open.location).toBeNull()
      expectInvalid(await act(student.token, open.id, 'schedule', win(48, 30)), 'body.location')
      const placed = await act(student.token, open.id, 'schedule', { ...win(48, 30), location: 'Mercy Hospital, lobby' })
      expect(placed.json()).toMatchObject({ status: 'scheduled', mode: 'in_person', location: 'Mercy Hospital, lobby' })
    })

    it('answers 404 for another student\'s meeting and for one that does not exist', async () => {
      const student = await newStudent()
      const other = await newStudent()
      const theirs = await requested(other)
      expectProblem(await act(student.token, theirs.id, 'schedule', win(24, 30)), 404, 'not-found')
      expectProblem(await act(student.token, MISSING_ID, 'schedule', win(24, 30)), 404, 'not-found')
      expect((await meetingRows(other.id))[0]!.status).toBe('requested')
    })

    describe('overlaps', () => {
      it('refuses a window overlapping the student\'s other scheduled meeting (409), at either end or inside', async () => {
        const student = await newStudent()
        const booked = await scheduled(student, win(24, 60))
        const meeting = await requested(student)
        for (const window of [win(23.5, 45), win(24.5, 45), win(24.25, 30), win(23.75, 60)]) {
          const response = await act(student.token, meeting.id, 'schedule', window)
          expectProblem(response, 409, 'conflict')
          expect(response.json()).toMatchObject({ detail: 'The window overlaps another of your scheduled meetings', overlappingMeetingId: booked.id })
        }
        expect((await meetingRows(student.id)).find((row) => row.id === meeting.id)!.status).toBe('requested')
      })

      it('refuses a window overlapping a meeting whose résumé was sent', async () => {
        const student = await newStudent()
        const booked = await scheduled(student, win(24, 60))
        expect((await act(student.token, booked.id, 'resume-sent')).statusCode).toBe(200)
        const meeting = await requested(student)
        const response = await act(student.token, meeting.id, 'schedule', win(24.5, 60))
        expectProblem(response, 409, 'conflict')
        expect(response.json().overlappingMeetingId).toBe(booked.id)
      })

      it('accepts windows that only touch (one ends when the other starts)', async () => {
        const student = await newStudent()
        await scheduled(student, win(24, 60))
        const before = await requested(student)
        const after = await requested(student)
        expect((await act(student.token, before.id, 'schedule', win(23.5, 30))).statusCode).toBe(200)
        expect((await act(student.token, after.id, 'schedule', win(25, 30))).statusCode).toBe(200)
        expect((await meetingRows(student.id)).map((row) => row.status)).toEqual(['scheduled', 'scheduled', 'scheduled'])
      })

      it('does not count cancelled, requested or other students\' meetings', async () => {
        const student = await newStudent()
        const cancelled = await scheduled(student, win(24, 60))
        expect((await act(student.token, cancelled.id, 'cancel', { reason: 'Clash with an exam' })).statusCode).toBe(200)
        await requested(student, { proposedSlots: [win(24, 60)] })
        const other = await newStudent()
        await scheduled(other, win(24, 60))

        const meeting = await requested(student)
        const response = await act(student.token, meeting.id, 'schedule', win(24, 60))
        expect(response.statusCode).toBe(200)
        expect(response.json().status).toBe('scheduled')
      })

      it('lets a meeting be moved over its own window', async () => {
        const student = await newStudent()
        const meeting = await scheduled(student, win(24, 60))
        const moved = await act(student.token, meeting.id, 'schedule', win(24.5, 60))
        expect(moved.statusCode).toBe(200)
        expect(moved.json()).toMatchObject({ status: 'scheduled', ...win(24.5, 60) })
      })
    })

    describe('rescheduling', () => {
      it('moves the window and the thank-you due time, keeping the status (scheduled or résumé sent)', async () => {
        const student = await newStudent()
        const meeting = await scheduled(student, win(24, 30))
        expect(meeting.thankYouDueAt).toBe(iso(T0 + 48.5 * HOUR))
        const moved = await act(student.token, meeting.id, 'schedule', win(72, 60))
        expect(moved.statusCode).toBe(200)
        expect(moved.json()).toMatchObject({ status: 'scheduled', ...win(72, 60), thankYouDueAt: iso(T0 + 97 * HOUR) })

        expect((await act(student.token, meeting.id, 'resume-sent')).statusCode).toBe(200)
        const again = await act(student.token, meeting.id, 'schedule', win(96, 45))
        expect(again.statusCode).toBe(200)
        expect(again.json()).toMatchObject({ status: 'resume_sent', ...win(96, 45), thankYouDueAt: iso(T0 + 120.75 * HOUR) })
        expect(await meetingRows(student.id)).toEqual([
          {
            id: meeting.id,
            status: 'resume_sent',
            starts_at: new Date(T0 + 96 * HOUR),
            ends_at: new Date(T0 + 96.75 * HOUR),
            thank_you_due_at: new Date(T0 + 120.75 * HOUR),
          },
        ])
      })
    })

    describe('a job shadow\'s debrief and itinerary', () => {
      const shadow = { kind: 'job_shadow', mode: 'in_person', location: 'City Hospital, 2nd floor', proposedSlots: [win(24, 8 * 60)] }

      it('keeps a debrief and an itinerary that lie inside the window', async () => {
        const student = await newStudent()
        const meeting = await requested(student, shadow)
        const itinerary = [
          { kind: 'observe', title: 'Morning rounds', ...win(24, 120) },
          { kind: 'conversation', title: 'Lunch with residents', ...win(26, 60) },
          { kind: 'debrief', title: 'Wrap-up', ...win(31, 60) },
        ]
        const response = await act(student.token, meeting.id, 'schedule', { ...win(24, 8 * 60), debrief: win(31, 60), itinerary })
        expect(response.statusCode).toBe(200)
        expect(response.json()).toMatchObject({ status: 'scheduled', ...win(24, 8 * 60), debrief: win(31, 60), itinerary })
        const { rows } = await owner.query('SELECT debrief_starts_at, debrief_ends_at, itinerary FROM meetings WHERE id = $1', [meeting.id])
        expect(rows).toEqual([{ debrief_starts_at: new Date(T0 + 31 * HOUR), debrief_ends_at: new Date(T0 + 32 * HOUR), itinerary }])
      })

      it.each([
        ['a debrief starting before the window', { debrief: win(23.5, 60) }, 'body.debrief'],
        ['a debrief ending after the window', { debrief: win(31.5, 60) }, 'body.debrief'],
        ['a reversed debrief', { debrief: { startsAt: iso(T0 + 26 * HOUR), endsAt: iso(T0 + 25 * HOUR) } }, 'body.debrief'],
        [
          'an itinerary segment outside the window',
          { itinerary: [{ kind: 'observe', title: 'Rounds', ...win(24, 60) }, { kind: 'other', title: 'Late', ...win(31.5, 60) }] },
          'body.itinerary.1',
        ],
      ])('refuses %s (400)', async (_case, extra, field) => {
        const student = await newStudent()
        const meeting = await requested(student, shadow)
        expectInvalid(await act(student.token, meeting.id, 'schedule', { ...win(24, 8 * 60), ...extra }), field)
        expect((await meetingRows(student.id))[0]!.status).toBe('requested')
      })

      it('refuses a debrief or an itinerary for an informational interview (400)', async () => {
        const student = await newStudent()
        const meeting = await requested(student)
        expectInvalid(await act(student.token, meeting.id, 'schedule', { ...win(24, 60), debrief: win(24.5, 15) }), 'body.debrief')
        expectInvalid(
          await act(student.token, meeting.id, 'schedule', { ...win(24, 60), itinerary: [{ kind: 'observe', title: 'Desk', ...win(24, 30) }] }),
          'body.itinerary',
        )
        expect((await meetingRows(student.id))[0]!.status).toBe('requested')
      })
    })
  })

  describe('GET /v1/meetings (lists)', () => {
    let student: Student
    let otherContact: string
    const ids: Record<string, string> = {}

    const list = async (query: string, token = student.token) => {
      const response = await t.request({ method: 'GET', url: `/v1/meetings${query}`, token })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      return response.json() as { items: Array<{ id: string }>; nextCursor: string | null }
    }
    const idsOf = async (query: string) => (await list(query)).items.map((item) => item.id)

    beforeAll(async () => {
      student = await newStudent()
      otherContact = await newContact(student.token, 'Second Person')
      // requested interview (contact 1); scheduled interview (day 2); scheduled shadow with contact 2
      // (day 5); cancelled interview; two completed interviews, one thanked.
      ids.requested = (await requested(student)).id
      ids.interview = (await scheduled(student, win(48, 60))).id
      ids.shadow = (await scheduled({ ...student, contactId: otherContact }, win(120, 8 * 60), { kind: 'job_shadow', proposedSlots: [win(120, 8 * 60)] })).id
      ids.cancelled = (await scheduled(student, win(72, 60))).id
      expect((await act(student.token, ids.cancelled, 'cancel')).statusCode).toBe(200)
      ids.done = (await scheduled(student, win(1, 60))).id
      ids.thanked = (await scheduled(student, win(3, 60))).id
      clocked.now = new Date(T0 + 5 * HOUR)
      for (const id of [ids.done, ids.thanked]) {
        expect((await act(student.token, id, 'complete', { rating: 4, askedForReferrals: false })).statusCode).toBe(200)
      }
      expect((await act(student.token, ids.thanked, 'thank-you')).statusCode).toBe(200)
      clocked.now = new Date(T0)
    })

    const sorted = (...names: string[]) => names.map((name) => ids[name]!).sort()

    it('lists the student\'s meetings, oldest request first', async () => {
      expect(await idsOf('')).toEqual(sorted('requested', 'interview', 'shadow', 'cancelled', 'done', 'thanked'))
    })

    it('filters by status, kind and contact', async () => {
      expect(await idsOf('?status=scheduled')).toEqual(sorted('interview', 'shadow'))
      expect(await idsOf('?status=completed')).toEqual(sorted('done'))
      expect(await idsOf('?status=thank_you_sent')).toEqual(sorted('thanked'))
      expect(await idsOf('?status=declined')).toEqual([])
      expect(await idsOf('?kind=job_shadow')).toEqual(sorted('shadow'))
      expect(await idsOf('?kind=informational_interview&status=scheduled')).toEqual(sorted('interview'))
      expect(await idsOf(`?contactId=${otherContact}`)).toEqual(sorted('shadow'))
      expect(await idsOf(`?contactId=${student.contactId}&status=cancelled`)).toEqual(sorted('cancelled'))
    })

    it('filters by time: from (ends after) and to (starts before); unscheduled meetings have no window', async () => {
      expect(await idsOf(`?from=${iso(T0 + 24 * HOUR)}`)).toEqual(sorted('interview', 'shadow', 'cancelled'))
      expect(await idsOf(`?to=${iso(T0 + 49 * HOUR)}`)).toEqual(sorted('interview', 'done', 'thanked'))
      expect(await idsOf(`?from=${iso(T0 + 24 * HOUR)}&to=${iso(T0 + 100 * HOUR)}`)).toEqual(sorted('interview', 'cancelled'))
      // The bounds are strict: a window ending at `from` or starting at `to` is outside.
      expect(await idsOf(`?from=${iso(T0 + 49 * HOUR)}&to=${iso(T0 + 72 * HOUR)}`)).toEqual([])
    })

    it('finds completed meetings whose thank-you is overdue, by the clock', async () => {
      expect(await idsOf('?overdueThankYou=true')).toEqual([])
      clocked.now = new Date(T0 + 26 * HOUR) // exactly when the first completed meeting's thank-you falls due: not overdue yet
      expect(await idsOf('?overdueThankYou=true')).toEqual([])
      clocked.now = new Date(T0 + 26 * HOUR + MINUTE)
      expect(await idsOf('?overdueThankYou=true')).toEqual(sorted('done'))
      expect(await idsOf('?overdueThankYou=true&status=completed')).toEqual(sorted('done'))
      expect(await idsOf('?overdueThankYou=true&status=scheduled')).toEqual([])
      expect(await idsOf('?overdueThankYou=true&kind=job_shadow')).toEqual([])
    })

    it('walks every page with the cursor', async () => {
      const seen: string[] = []
      const pages: number[] = []
      let cursor: string | null = null
      do {
        const page: { items: Array<{ id: string }>; nextCursor: string | null } = await list(`?limit=4${cursor ? `&cursor=${cursor}` : ''}`)
        pages.push(page.items.length)
        seen.push(...page.items.map((item) => item.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(pages).toEqual([4, 2])
      expect(seen).toEqual(sorted('requested', 'interview', 'shadow', 'cancelled', 'done', 'thanked'))

      const two: string[] = []
      let next: string | null = null
      do {
        const page: { items: Array<{ id: string }>; nextCursor: string | null } = await list(`?limit=2&status=scheduled${next ? `&cursor=${next}` : ''}`)
        two.push(...page.items.map((item) => item.id))
        next = page.nextCursor
        expect(page.items.length).toBeLessThanOrEqual(2)
      } while (next)
      expect(two).toEqual(sorted('interview', 'shadow'))
    })

    it('refuses a cursor it did not issue, and an unknown filter', async () => {
      expectInvalid(await t.request({ method: 'GET', url: '/v1/meetings?cursor=bm90LWpzb24', token: student.token }), 'querystring.cursor')
      expectInvalid(await t.request({ method: 'GET', url: '/v1/meetings?status=lost', token: student.token }), 'querystring.status')
      expectInvalid(await t.request({ method: 'GET', url: '/v1/meetings?mine=true', token: student.token }), 'querystring.mine')
    })
  })

  describe('who reads and who changes', () => {
    let visible: TestSchool
    let first: Student
    let second: Student
    let firstMeeting: { id: string } & Record<string, unknown>
    let secondMeeting: { id: string } & Record<string, unknown>

    beforeAll(async () => {
      visible = await t.school('visible-u')
      first = { ...(visible.members.student! as { id: string; token: string }), contactId: '' }
      first.contactId = await newContact(first.token, 'First\'s contact')
      second = await newStudent(visible)
      firstMeeting = await scheduled(first, win(24, 30))
      secondMeeting = await requested(second)
    })

    const get = (token: string, url: string) => t.request({ method: 'GET', url, token })

    it('shows a student only their own meetings; another student\'s is 404', async () => {
      const mine = await get(first.token, '/v1/meetings')
      expect(mine.json()).toEqual({ items: [firstMeeting], nextCursor: null })
      expect((await get(first.token, `/v1/meetings/${firstMeeting.id}`)).json()).toEqual(firstMeeting)
      expectProblem(await get(first.token, `/v1/meetings/${secondMeeting.id}`), 404, 'not-found')
      expectProblem(await get(first.token, `/v1/meetings/${MISSING_ID}`), 404, 'not-found')
      expectProblem(await get(first.token, `/v1/meetings?studentId=${second.id}`), 404, 'not-found')
      expect((await get(first.token, `/v1/meetings?studentId=${first.id}`)).json().items).toEqual([firstMeeting])
      for (const name of ['cancel', 'decline']) {
        expectProblem(await act(first.token, secondMeeting.id, name), 404, 'not-found')
      }
      expect((await meetingRows(second.id))[0]!.status).toBe('requested')
    })

    it('lets advisors and school admins read every meeting of the school, and filter by student', async () => {
      for (const role of ['advisor', 'school_admin'] as const) {
        const token = visible.members[role]!.token
        const all = await get(token, '/v1/meetings')
        expect(all.statusCode, role).toBe(200)
        expect(all.json().items.map((item: { id: string }) => item.id)).toEqual([firstMeeting.id, secondMeeting.id].sort())
        expect((await get(token, `/v1/meetings?studentId=${second.id}`)).json()).toEqual({ items: [secondMeeting], nextCursor: null })
        expect((await get(token, `/v1/meetings?studentId=${first.id}&status=scheduled`)).json().items).toEqual([firstMeeting])
        expect((await get(token, `/v1/meetings/${firstMeeting.id}`)).json()).toEqual(firstMeeting)
      }
    })

    it('does not let advisors or school admins request or change meetings (403), and changes nothing', async () => {
      for (const role of ['advisor', 'school_admin'] as const) {
        const token = visible.members[role]!.token
        expectProblem(
          await t.request({
            method: 'POST',
            url: '/v1/meetings',
            token,
            payload: { contactId: first.contactId, kind: 'informational_interview', purpose: 'x', mode: 'phone', proposedSlots: [win(24, 30)] },
          }),
          403,
          'forbidden',
        )
        expectProblem(await act(token, secondMeeting.id, 'schedule', win(30, 30)), 403, 'forbidden')
        for (const name of ['resume-sent', 'cancel', 'no-show']) expectProblem(await act(token, firstMeeting.id, name), 403, 'forbidden')
        expectProblem(await act(token, firstMeeting.id, 'complete', { rating: 3, askedForReferrals: false }), 403, 'forbidden')
        expectProblem(await act(token, secondMeeting.id, 'decline'), 403, 'forbidden')
        expectProblem(
          await t.request({ method: 'PUT', url: `/v1/meetings/${firstMeeting.id}/preparation`, token, payload: { homework: 'Read up' } }),
          403,
          'forbidden',
        )
      }
      expect((await get(first.token, `/v1/meetings/${firstMeeting.id}`)).json()).toEqual(firstMeeting)
      expect((await get(second.token, `/v1/meetings/${secondMeeting.id}`)).json()).toEqual(secondMeeting)
    })

    it('turns alumni away (403)', async () => {
      const alumni = visible.members.alumni!.token
      expectProblem(await get(alumni, '/v1/meetings'), 403, 'forbidden')
      expectProblem(await get(alumni, `/v1/meetings/${firstMeeting.id}`), 403, 'forbidden')
      expectProblem(await act(alumni, firstMeeting.id, 'cancel'), 403, 'forbidden')
      expectProblem(
        await t.request({
          method: 'POST',
          url: '/v1/meetings',
          token: alumni,
          payload: { contactId: first.contactId, kind: 'informational_interview', purpose: 'x', mode: 'phone', proposedSlots: [win(24, 30)] },
        }),
        403,
        'forbidden',
      )
    })

    it('shows another school nothing', async () => {
      const advisor = school.members.advisor!.token
      expectProblem(await get(advisor, `/v1/meetings/${firstMeeting.id}`), 404, 'not-found')
      expectProblem(await get(advisor, `/v1/meetings?studentId=${first.id}`), 404, 'not-found')
    })
  })
})
