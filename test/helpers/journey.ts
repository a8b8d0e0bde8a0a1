// The student's journey through the product, end to end through the API, on the test's own clock:
// a personal contact, outreach, an informational interview from request to thank-you with a referral
// to someone new (its seven steps followed on the checklist), then a job shadow with the referred
// person; the network and the view of many that result, growing as meetings complete; what the
// school's advisor sees, and what another school's advisor does not. Run as is (journey.test.ts) and
// through a validating proxy of the published OpenAPI document (contract.test.ts).
import type pg from 'pg'
import { expect } from 'vitest'
import type { TestApp, TestSchool } from './app.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const MINUTE = 60_000
const HOUR = 60 * MINUTE
/** The journey's start; the app under test must run on a clock the journey sets (`setNow`). */
export const JOURNEY_T0 = Date.parse('2030-09-14T13:00:00.000Z')
const T0 = JOURNEY_T0
const iso = (ms: number) => new Date(ms).toISOString()
const win = (startHours: number, minutes: number) => ({ startsAt: iso(T0 + startHours * HOUR), endsAt: iso(T0 + startHours * HOUR + minutes * MINUTE) })

export interface JourneyContext {
  /** How a request reaches the service: injected, or over HTTP through a proxy. */
  request: TestApp['request']
  setNow(now: Date): void
  school: TestSchool
  elsewhere: TestSchool
  owner: pg.Client
}

export async function studentJourney({ request, setNow, school, elsewhere, owner }: JourneyContext) {
  const student = school.members.student!
  async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: Record<string, unknown>, expected = 200, token = student.token) {
    const response = await request({ method, url, token, ...(payload ? { payload } : {}) })
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(expected)
    return response.json()
  }

  // 1. A person the student knows, and an email that gets a yes.
  const priya = await call(
    'POST',
    '/v1/contacts',
    { fullName: 'Priya Shah', title: 'Product Manager', organization: 'Globex', industry: 'Software', email: 'priya@globex.example', source: 'personal' },
    201,
  )
  const email = await call('POST', `/v1/contacts/${priya.id}/outreach`, { channel: 'email', message: 'Could I ask you about product management?' }, 201)
  expect(email).toMatchObject({ contactId: priya.id, outcome: 'no_reply', outcomeAt: null })
  expect(await call('PATCH', `/v1/contacts/${priya.id}/outreach/${email.id}`, { outcome: 'agreed' })).toMatchObject({ outcome: 'agreed' })

  // 2. The interview: requested, scheduled, résumé sent, prepared.
  const interview = await call(
    'POST',
    '/v1/meetings',
    {
      contactId: priya.id,
      kind: 'informational_interview',
      purpose: 'Learn what a product manager does, not to ask for a job',
      mode: 'video',
      location: 'https://meet.example.com/priya',
      proposedSlots: [win(48, 45), win(72, 45)],
    },
    201,
  )
  expect(interview).toMatchObject({ status: 'requested', allowedTransitions: ['schedule', 'decline', 'cancel'] })
  const scheduled = await call('POST', `/v1/meetings/${interview.id}/schedule`, win(48, 45))
  expect(scheduled).toMatchObject({ status: 'scheduled', ...win(48, 45), thankYouDueAt: iso(T0 + 72.75 * HOUR) })
  setNow(new Date(T0 + 24 * HOUR))
  const resume = await call('POST', `/v1/meetings/${interview.id}/resume-sent`, {})
  expect(resume).toMatchObject({
    status: 'resume_sent',
    resumeSentAt: iso(T0 + 24 * HOUR),
    resumeNote: 'Résumé sent for information only, ahead of our conversation on 2030-09-16 13:00 UTC: thank you for your time.',
  })
  const prepared = await call('PUT', `/v1/meetings/${interview.id}/preparation`, {
    homework: 'Read the Globex product blog',
    customQuestions: ['How did you get started in product management?', 'What does a typical week look like?'],
  })
  expect(prepared).toMatchObject({
    status: 'resume_sent',
    homework: 'Read the Globex product blog',
    questions: [
      { text: 'How did you get started in product management?', source: 'custom', questionId: null },
      { text: 'What does a typical week look like?', source: 'custom', questionId: null },
    ],
  })

  // The checklist before the meeting: arranged, résumé sent, homework and open questions prepared.
  const before = await call('GET', `/v1/meetings/${interview.id}/checklist`)
  expect(Object.fromEntries(before.steps.map((s: { step: string; state: string }) => [s.step, s.state]))).toEqual({
    arrange: 'done', resume: 'done', homework: 'done', questions: 'done', listen: 'upcoming', time: 'upcoming', 'follow-up': 'upcoming',
  })
  expect(prepared.preparation).toMatchObject({ homeworkDone: true, topicsCovered: ['path', 'typical_day'], closedQuestions: [], publicSourceQuestions: [] })
  const none = await call('GET', `/v1/members/${student.id}/perspectives`)
  expect(none.totals).toEqual({ meetings: 0, people: 0, organizations: 0, industries: 0, occupations: 0 })

  // 3. Too early to say how it went; after the start, completed with a referral to someone new.
  const early = await request({ method: 'POST', url: `/v1/meetings/${interview.id}/complete`, token: student.token, payload: { rating: 5, askedForReferrals: true } })
  expect(early.statusCode).toBe(409)
  setNow(new Date(T0 + 48 * HOUR + 50 * MINUTE))
  const completed = await call('POST', `/v1/meetings/${interview.id}/complete`, {
    notes: 'Roadmaps, customer calls, a lot of writing',
    reflections: 'I want to try UX research first',
    rating: 5,
    askedForReferrals: true,
    referrals: [
      {
        referred: { contact: { fullName: 'Omar Haddad', title: 'Design Lead', organization: 'Initech', email: 'omar@initech.example' } },
        note: 'Talk to Omar about UX research',
      },
    ],
  })
  expect(completed).toMatchObject({ status: 'completed', completedAt: iso(T0 + 48 * HOUR + 50 * MINUTE), rating: 5, askedForReferrals: true })
  const referrals = await call('GET', '/v1/referrals')
  expect(referrals.items).toEqual([
    {
      id: expect.any(String),
      studentId: student.id,
      referrerContactId: priya.id,
      referrerName: null,
      referredContactId: expect.any(String),
      meetingId: interview.id,
      status: 'suggested',
      note: 'Talk to Omar about UX research',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    },
  ])
  const omarId: string = referrals.items[0].referredContactId
  expect(await call('GET', `/v1/contacts/${omarId}`)).toMatchObject({ fullName: 'Omar Haddad', organization: 'Initech', source: 'referral' })

  // 4. The thank-you, the next morning: on time (due 24 hours after the end).
  setNow(new Date(T0 + 66 * HOUR))
  const thanked = await call('POST', `/v1/meetings/${interview.id}/thank-you`, {})
  expect(thanked).toMatchObject({ status: 'thank_you_sent', thankYouSentAt: iso(T0 + 66 * HOUR), thankYouOnTime: true, allowedTransitions: [] })
  // Every step of the guide done, the further contact included (the referral names this meeting).
  expect((await call('GET', `/v1/meetings/${interview.id}/checklist`)).counts).toEqual({ done: 7, due: 0, upcoming: 0, missed: 0, not_applicable: 0 })
  const one = await call('GET', `/v1/members/${student.id}/perspectives`)
  expect(one).toMatchObject({ totals: { meetings: 1, people: 1, organizations: 1, industries: 1, occupations: 0 }, singlePerspective: [{ industry: 'Software', contactId: priya.id }] })
  // Omar, referred and not met yet, is the next person to reach.
  expect(one.suggestions[0]).toMatchObject({ kind: 'contact', name: 'Omar Haddad', organization: 'Initech' })

  // 5. Reaching the referred person names who referred the student.
  const bare = await request({ method: 'POST', url: `/v1/contacts/${omarId}/outreach`, token: student.token, payload: { channel: 'email' } })
  expect(bare.statusCode).toBe(400)
  expect(bare.headers['content-type']).toBe(PROBLEM_JSON)
  expect(bare.json().errors).toEqual([{ field: 'body.mutualContact', message: expect.any(String) }])
  const reached = await call('POST', `/v1/contacts/${omarId}/outreach`, { channel: 'email', mutualContact: 'Priya Shah', outcome: 'agreed' }, 201)
  // The mutual contact named is the referral recorded after the interview.
  expect(reached).toMatchObject({ mutualContact: 'Priya Shah', referralId: referrals.items[0].id })

  // 6. A half-day job shadow with Omar, with its plan; the referral is met once it has happened.
  const shadow = await call(
    'POST',
    '/v1/meetings',
    { contactId: omarId, kind: 'job_shadow', purpose: 'See a design team at work', mode: 'in_person', location: 'Initech, 5th floor', proposedSlots: [win(120, 240)] },
    201,
  )
  const itinerary = [
    { kind: 'observe', title: 'Design critique', ...win(120, 90) },
    { kind: 'conversation', title: 'Coffee with a researcher', ...win(121.5, 60) },
  ]
  const plan = await call('POST', `/v1/meetings/${shadow.id}/schedule`, { ...win(120, 240), debrief: win(123.5, 30), itinerary })
  expect(plan).toMatchObject({ status: 'scheduled', debrief: win(123.5, 30), itinerary, thankYouDueAt: iso(T0 + 148 * HOUR) })
  setNow(new Date(T0 + 124 * HOUR))
  await call('POST', `/v1/meetings/${shadow.id}/complete`, { rating: 4, askedForReferrals: false, reflections: 'Research suits me' })
  expect((await call('GET', `/v1/referrals/${referrals.items[0].id}`)).status).toBe('met')
  // This thank-you is late.
  setNow(new Date(T0 + 150 * HOUR))
  expect(await call('POST', `/v1/meetings/${shadow.id}/thank-you`, {})).toMatchObject({ status: 'thank_you_sent', thankYouOnTime: false })
  const shadowSteps = await call('GET', `/v1/meetings/${shadow.id}/checklist`)
  expect(shadowSteps.steps.map((s: { state: string }) => s.state)).toEqual(['done', 'missed', 'missed', 'missed', 'done', 'done', 'missed'])
  // Two people now, one met in a shadow, over two organizations.
  const two = await call('GET', `/v1/members/${student.id}/perspectives`)
  expect(two).toMatchObject({
    totals: { meetings: 2, people: 2, organizations: 2, industries: 1, occupations: 0 },
    byKind: { informational_interview: { people: 1 }, job_shadow: { people: 1 } },
    overTime: [{ month: '2030-09', meetings: 2, newPeople: 2, people: 2 }],
  })

  // 7. The network: Priya known directly, Omar one step further.
  const network = await call('GET', `/v1/members/${student.id}/network`)
  expect(network).toEqual({
    studentId: student.id,
    nodes: [
      { contactId: priya.id, fullName: 'Priya Shah', organization: 'Globex', source: 'personal', degree: 1 },
      { contactId: omarId, fullName: 'Omar Haddad', organization: 'Initech', source: 'referral', degree: 2 },
    ],
    edges: [{ referralId: referrals.items[0].id, fromContactId: priya.id, fromName: null, toContactId: omarId, status: 'met' }],
    maxDegree: 2,
  })

  // What the database holds.
  const { rows: meetings } = await owner.query(
    'SELECT id::text, contact_id::text, kind::text, status::text, thank_you_on_time FROM meetings WHERE student_id = $1 ORDER BY id',
    [student.id],
  )
  expect(meetings).toEqual([
    { id: interview.id, contact_id: priya.id, kind: 'informational_interview', status: 'thank_you_sent', thank_you_on_time: true },
    { id: shadow.id, contact_id: omarId, kind: 'job_shadow', status: 'thank_you_sent', thank_you_on_time: false },
  ])
  const { rows: referralRows } = await owner.query('SELECT meeting_id::text, status::text FROM referrals WHERE student_id = $1', [student.id])
  expect(referralRows).toEqual([{ meeting_id: interview.id, status: 'met' }])

  // 8. The school's advisor follows along; another school's advisor sees none of it.
  const advisor = school.members.advisor!.token
  const followed = await call('GET', `/v1/meetings?studentId=${student.id}`, undefined, 200, advisor)
  expect(followed).toEqual({ items: [await call('GET', `/v1/meetings/${interview.id}`), await call('GET', `/v1/meetings/${shadow.id}`)], nextCursor: null })
  expect(await call('GET', `/v1/members/${student.id}/network`, undefined, 200, advisor)).toEqual(network)
  expect((await call('GET', `/v1/meetings?studentId=${student.id}&overdueThankYou=true`, undefined, 200, advisor)).items).toEqual([])
  const cannot = await request({ method: 'POST', url: `/v1/meetings/${shadow.id}/cancel`, token: advisor, payload: {} })
  expect(cannot.statusCode).toBe(403)

  const stranger = elsewhere.members.advisor!.token
  expect(await call('GET', '/v1/meetings', undefined, 200, stranger)).toEqual({ items: [], nextCursor: null })
  // Naming a student of another school is answered as for a student who does not exist.
  expect((await call('GET', `/v1/meetings?studentId=${student.id}`, undefined, 404, stranger)).type).toBe('urn:vantage:problem:not-found')
  expect(await call('GET', '/v1/referrals', undefined, 200, stranger)).toEqual({ items: [], nextCursor: null })
  for (const url of [
    `/v1/meetings/${interview.id}`,
    `/v1/meetings/${shadow.id}`,
    `/v1/contacts/${priya.id}`,
    `/v1/contacts/${omarId}`,
    `/v1/referrals/${referrals.items[0].id}`,
    `/v1/members/${student.id}/network`,
    `/v1/meetings/${interview.id}/checklist`,
    `/v1/members/${student.id}/perspectives`,
  ]) {
    const response = await request({ method: 'GET', url, token: stranger })
    expect(response.statusCode, url).toBe(404)
    expect(response.headers['content-type']).toBe(PROBLEM_JSON)
    expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:not-found', status: 404 })
  }
  const strangerStudent = elsewhere.members.student!.token
  const foreign = await request({ method: 'POST', url: `/v1/meetings/${interview.id}/cancel`, token: strangerStudent, payload: {} })
  expect(foreign.statusCode).toBe(404)
  expect((await call('GET', `/v1/meetings/${interview.id}`)).status).toBe('thank_you_sent')
}
