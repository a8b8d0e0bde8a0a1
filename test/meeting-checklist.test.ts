// The guide's seven steps per meeting (GET /v1/meetings/{id}/checklist): each step's state derived
// from what the student records, through a meeting's whole life on the test's clock; a shadow planned
// as observation only; steps missed (no résumé before the start, a meeting that ran over, a late
// thank-you); a meeting that did not take place; and who may read it.
import { beforeAll, describe, expect, it } from 'vitest'
import type { TestApp, TestSchool } from './helpers/app.js'
import { clockedSchool } from './helpers/clocked.js'
import { MINUTE, HOUR, iso } from './helpers/time.js'
import { ABSENT_ID, expectProblem, notFoundBody } from './helpers/problems.js'

const T0 = Date.parse('2030-09-02T09:00:00.000Z')
/** The agreed window: T0 + 26h, 45 minutes. */
const START = T0 + 26 * HOUR
const END = START + 45 * MINUTE
const WINDOW = { startsAt: iso(START), endsAt: iso(END) }
/** A shadow's window: four hours from the same start. */
const SHADOW = { startsAt: iso(START), endsAt: iso(START + 4 * HOUR) }
const NAMES = ['arrange', 'resume', 'homework', 'questions', 'listen', 'time', 'follow-up']

type States = Record<string, string>

describe('the seven steps per meeting', () => {
  const clocked = clockedSchool('steps-u', T0)
  let t: TestApp, school: TestSchool
  let sequence = 0

  beforeAll(() => {
    ;({ app: t, school } = clocked)
  })

  async function student() {
    const externalId = `steps-s-${++sequence}`
    const admin = school.members.school_admin!.token
    expect((await t.request({ method: 'PUT', url: `/v1/members/${externalId}`, token: admin, payload: { roles: ['student'], givenName: 'Ada', familyName: `S${sequence}` } })).statusCode).toBe(201)
    const token = await t.memberToken(school.id, externalId)
    const contact = await t.request({ method: 'POST', url: '/v1/contacts', token, payload: { fullName: `Noor ${sequence}`, source: 'personal', organization: 'Civic Design Lab', industry: 'Design' } })
    return { token, contactId: contact.json().id as string }
  }

  async function meeting(token: string, contactId: string, kind = 'informational_interview') {
    const response = await t.request({
      method: 'POST',
      url: '/v1/meetings',
      token,
      payload: { contactId, kind, purpose: 'I am exploring design and would value your view; I am not asking about jobs.', mode: 'phone', proposedSlots: [kind === 'job_shadow' ? SHADOW : WINDOW] },
    })
    expect(response.statusCode, response.body).toBe(201)
    return response.json().id as string
  }

  const call = async (token: string, method: 'POST' | 'PUT', url: string, payload: Record<string, unknown> = {}) => {
    const response = await t.request({ method, url, token, payload })
    expect(response.statusCode, response.body).toBe(200)
    return response.json()
  }

  async function checklist(token: string, id: string) {
    const response = await t.request({ method: 'GET', url: `/v1/meetings/${id}/checklist`, token })
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json()
    expect(body.steps.map((s: { step: string; number: number }) => [s.number, s.step])).toEqual(NAMES.map((name, i) => [i + 1, name]))
    return body as { next: string | null; counts: Record<string, number>; steps: Array<{ step: string; state: string; dueAt: string | null; detail: string }> }
  }
  const states = (list: Awaited<ReturnType<typeof checklist>>): States => Object.fromEntries(list.steps.map((s) => [s.step, s.state]))

  it('follows a meeting from request to thank-you, each step done as the student records it', async () => {
    const { token, contactId } = await student()
    const id = await meeting(token, contactId)

    let list = await checklist(token, id)
    expect(states(list)).toEqual({ arrange: 'due', resume: 'due', homework: 'due', questions: 'due', listen: 'upcoming', time: 'upcoming', 'follow-up': 'upcoming' })
    expect(list.steps[0]).toMatchObject({ dueAt: WINDOW.startsAt, detail: expect.stringMatching(/^Agree a time with the professional/) })
    // Before a time is agreed, the preparation has no deadline yet.
    expect(list.steps[1]!.dueAt).toBeNull()
    expect(list.next).toBe('arrange')

    await call(token, 'POST', `/v1/meetings/${id}/schedule`, WINDOW)
    list = await checklist(token, id)
    expect(states(list)).toMatchObject({ arrange: 'done', resume: 'due', homework: 'due', questions: 'due' })
    expect(list.steps.slice(1, 4).map((s) => s.dueAt)).toEqual([WINDOW.startsAt, WINDOW.startsAt, WINDOW.startsAt])
    expect(list.next).toBe('resume')

    // Questions with a closed one and one a website answers: still due, saying what to rephrase.
    await call(token, 'PUT', `/v1/meetings/${id}/preparation`, { homework: 'Read the lab\'s last three case studies', customQuestions: ['Do you like your job?', 'How many employees does the lab have?', 'How did you get into design?'] })
    list = await checklist(token, id)
    expect(states(list)).toMatchObject({ homework: 'done', questions: 'due' })
    expect(list.steps[3]!.detail).toMatch(/^Rephrase 1 closed \(yes\/no\) and 1 answerable from a website/)
    await call(token, 'PUT', `/v1/meetings/${id}/preparation`, { customQuestions: ['What do you enjoy most about your work?', 'How did you get into design?', 'Where is design heading in the next ten years?'] })
    await call(token, 'POST', `/v1/meetings/${id}/resume-sent`)
    list = await checklist(token, id)
    expect(states(list)).toEqual({ arrange: 'done', resume: 'done', homework: 'done', questions: 'done', listen: 'upcoming', time: 'upcoming', 'follow-up': 'upcoming' })
    expect(list.steps[3]!.detail).toBe('3 open questions prepared. Topics not yet covered: typical_day, advancement, advice.')
    expect(list.next).toBeNull()

    // Held, on time, with notes and one person suggested: follow-up waits for the thank-you.
    clocked.now = new Date(END + 10 * MINUTE)
    await call(token, 'POST', `/v1/meetings/${id}/complete`, {
      rating: 5,
      notes: 'Research first, then sketches',
      askedForReferrals: true,
      referrals: [{ referred: { contact: { fullName: 'Rui Costa', organization: 'City Planning' } } }],
    })
    list = await checklist(token, id)
    expect(states(list)).toMatchObject({ listen: 'done', time: 'done', 'follow-up': 'due' })
    expect(list.steps[6]).toMatchObject({ dueAt: iso(END + 24 * HOUR), detail: `Send your thank-you by ${iso(END + 24 * HOUR)}. 1 referral from this meeting recorded.` })

    await call(token, 'POST', `/v1/meetings/${id}/thank-you`)
    list = await checklist(token, id)
    expect(list.counts).toEqual({ done: 7, due: 0, upcoming: 0, missed: 0, not_applicable: 0 })
  })

  it('marks what was not done in time as missed: no résumé or questions before the start, a meeting that ran over, a late thank-you', async () => {
    const { token, contactId } = await student()
    const id = await meeting(token, contactId)
    await call(token, 'POST', `/v1/meetings/${id}/schedule`, WINDOW)
    clocked.now = new Date(END + 20 * MINUTE)
    await call(token, 'POST', `/v1/meetings/${id}/complete`, { rating: 3, askedForReferrals: false, endedAt: iso(END + 15 * MINUTE) })
    let list = await checklist(token, id)
    expect(states(list)).toEqual({ arrange: 'done', resume: 'missed', homework: 'missed', questions: 'missed', listen: 'due', time: 'missed', 'follow-up': 'due' })
    expect(list.steps[5]!.detail).toBe('Ran 15 minutes past the agreed end.')
    expect(list.steps[6]!.detail).toMatch(/No referral from this meeting yet/)

    clocked.now = new Date(END + 15 * MINUTE + 25 * HOUR)
    list = await checklist(token, id)
    expect(list.steps[6]).toMatchObject({ state: 'missed', dueAt: null })
    await call(token, 'POST', `/v1/meetings/${id}/thank-you`)
    expect((await checklist(token, id)).steps[6]!.state).toBe('missed')
  })

  it('leaves the questions step out of a shadow planned as observation only, and every open step out of a cancelled meeting', async () => {
    const { token, contactId } = await student()
    const shadow = await meeting(token, contactId, 'job_shadow')
    await call(token, 'POST', `/v1/meetings/${shadow}/schedule`, {
      ...SHADOW,
      mode: 'in_person',
      location: 'Civic Design Lab, 2nd floor',
      itinerary: [{ kind: 'observe', title: 'Studio critique', startsAt: SHADOW.startsAt, endsAt: SHADOW.endsAt }],
    })
    let list = await checklist(token, shadow)
    expect(list.steps[3]).toMatchObject({ state: 'not_applicable', dueAt: null })
    expect(list.steps[4]!.detail).toMatch(/^Observe, listen/)

    const other = await meeting(token, contactId)
    await call(token, 'POST', `/v1/meetings/${other}/cancel`)
    list = await checklist(token, other)
    expect(states(list)).toEqual(Object.fromEntries(NAMES.map((n) => [n, 'not_applicable'])))
    expect(list.steps[0]!.detail).toBe('The meeting is cancelled.')
  })

  it('is the student\'s own, readable by the school\'s advisors, and a 404 for anyone else', async () => {
    const a = await student()
    const b = await student()
    const id = await meeting(a.token, a.contactId)
    expect((await t.request({ method: 'GET', url: `/v1/meetings/${id}/checklist`, token: school.members.advisor!.token })).statusCode).toBe(200)
    expectProblem(await t.request({ method: 'GET', url: `/v1/meetings/${id}/checklist`, token: b.token }), 404, notFoundBody('meeting', `/v1/meetings/${id}/checklist`))
    expectProblem(await t.request({ method: 'GET', url: `/v1/meetings/${ABSENT_ID}/checklist`, token: a.token }), 404, notFoundBody('meeting', `/v1/meetings/${ABSENT_ID}/checklist`))
  })
})
