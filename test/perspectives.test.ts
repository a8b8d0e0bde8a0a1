// One view of many (GET /v1/members/{id}/perspectives): whom a student has heard from, by meeting kind
// and month, as meetings complete; the fields of interest with one view or none; the next people to
// reach, each with its reason (own contacts not met, alumni hosts in a wanted field; a host who opted
// out of directory information never, a host's name only when shared); the same numbers as the
// advisors' GraphQL report on the same data; and who may read it.
import { beforeAll, describe, expect, it } from 'vitest'
import type { TestApp, TestSchool } from './helpers/app.js'
import { clockedSchool } from './helpers/clocked.js'
import { DAY, HOUR, MINUTE, iso } from './helpers/time.js'
import { ABSENT_ID, expectProblem, notFoundBody } from './helpers/problems.js'

/** A Monday in the school's time zone (the test school's is UTC unless set). */
const T0 = Date.parse('2030-01-07T09:00:00.000Z')

describe('a student\'s view of many', () => {
  const clocked = clockedSchool('views-u', T0)
  let t: TestApp, school: TestSchool
  let sequence = 0

  beforeAll(() => {
    ;({ app: t, school } = clocked)
  })

  const admin = () => school.members.school_admin!.token
  async function call(token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: Record<string, unknown>, status = 200) {
    const response = await t.request({ method, url, token, ...(payload ? { payload } : {}) })
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status)
    return response.json()
  }

  async function member(roles: string[], payload: Record<string, unknown> = {}) {
    const externalId = `views-${++sequence}`
    const { id } = await call(admin(), 'PUT', `/v1/members/${externalId}`, { roles, givenName: 'Member', familyName: `N${sequence}`, ...payload }, 201)
    return { id: id as string, token: await t.memberToken(school.id, externalId, roles as never) }
  }

  async function host(industries: string[], organization: string, payload: Record<string, unknown> = {}) {
    const alumnus = await member(['alumni'], payload)
    await call(admin(), 'PUT', `/v1/hosts/${alumnus.id}`, {
      organization,
      industries,
      occupations: [],
      offers: ['informational_interview'],
      modes: ['video'],
      accepting: true,
      timeZone: 'UTC',
      capacity: { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: 5, maxOpenRequests: 6 },
      availability: { weeklyWindows: [{ weekday: 2, start: '09:00', end: '17:00' }], blackouts: [] },
    }, 201)
    return alumnus
  }

  const contact = (token: string, fullName: string, organization: string, industry: string, occupation: string) =>
    call(token, 'POST', '/v1/contacts', { fullName, organization, industry, occupation, source: 'personal' }, 201) as Promise<{ id: string }>

  /** A meeting with the contact held at `at` (a window of an hour ending then) and completed. */
  async function hold(token: string, contactId: string, kind: 'informational_interview' | 'job_shadow', at: number) {
    clocked.now = new Date(at - 3 * DAY)
    const window = { startsAt: iso(at - HOUR), endsAt: iso(at) }
    const meeting = await call(token, 'POST', '/v1/meetings', { contactId, kind, purpose: 'Learning about the field; not asking for a job', mode: 'phone', proposedSlots: [window] }, 201)
    await call(token, 'POST', `/v1/meetings/${meeting.id}/schedule`, window)
    clocked.now = new Date(at + 10 * MINUTE)
    await call(token, 'POST', `/v1/meetings/${meeting.id}/complete`, { rating: 4, askedForReferrals: false })
    return meeting.id as string
  }

  const view = (token: string, studentId: string, query = '') => call(token, 'GET', `/v1/members/${studentId}/perspectives${query}`)

  it('grows as meetings complete, counts by kind and month, names the fields with one view or none, and suggests whom to reach next', async () => {
    const student = await member(['student'], { fieldsOfInterest: ['Design', 'Healthcare', 'Law'] })
    const ana = await contact(student.token, 'Ana Ruiz', 'Civic Design Lab', 'Design', 'UX designer')
    const ben = await contact(student.token, 'Ben Okafor', 'Studio North', ' design ', 'Architect')
    const cleo = await contact(student.token, 'Cleo Park', 'Mercy Hospital', 'Healthcare', 'Nurse')
    await contact(student.token, 'Dev Shah', 'First Bank', 'Finance', 'Analyst')
    const eli = await contact(student.token, 'Eli Stone', 'Stone & Co', 'Law', 'Attorney')
    const lawHost = await host(['Law'], 'Justice Partners')
    const hiddenHost = await host(['Healthcare'], 'County Clinic')
    await call(hiddenHost.token, 'PATCH', `/v1/members/${hiddenHost.id}/sharing`, { name: false })
    await host(['Healthcare', 'Law'], 'Opted Out Health', { directoryOptOut: true })

    const before = await view(student.token, student.id)
    expect(before.totals).toEqual({ meetings: 0, people: 0, organizations: 0, industries: 0, occupations: 0 })
    expect(before.fieldsOfInterest.map((f: { perspectives: string }) => f.perspectives)).toEqual(['none', 'none', 'none'])

    await hold(student.token, ana.id, 'informational_interview', Date.parse('2030-01-15T16:00:00Z'))
    await hold(student.token, ben.id, 'job_shadow', Date.parse('2030-02-12T17:00:00Z'))
    await hold(student.token, cleo.id, 'informational_interview', Date.parse('2030-02-20T15:00:00Z'))
    clocked.now = new Date(Date.parse('2030-03-01T12:00:00Z'))

    const after = await view(student.token, student.id)
    expect(after).toMatchObject({
      studentId: student.id,
      from: null,
      to: '2030-03-01',
      totals: { meetings: 3, people: 3, organizations: 3, industries: 2, occupations: 3 },
      byKind: {
        informational_interview: { meetings: 2, people: 2, organizations: 2, industries: 2, occupations: 2 },
        job_shadow: { meetings: 1, people: 1, organizations: 1, industries: 1, occupations: 1 },
      },
      overTime: [
        { month: '2030-01', meetings: 1, newPeople: 1, people: 1 },
        { month: '2030-02', meetings: 2, newPeople: 2, people: 3 },
      ],
      heardFrom: {
        industries: [{ name: 'Design', people: 2 }, { name: 'Healthcare', people: 1 }],
        organizations: [{ name: 'Civic Design Lab', people: 1 }, { name: 'Mercy Hospital', people: 1 }, { name: 'Studio North', people: 1 }],
      },
      fieldsOfInterest: [
        { field: 'Design', people: 2, perspectives: 'several' },
        { field: 'Healthcare', people: 1, perspectives: 'one' },
        { field: 'Law', people: 0, perspectives: 'none' },
      ],
      singlePerspective: [{ industry: 'Healthcare', contactId: cleo.id }],
      advice: 'Remember that this is one view of many. Try conducting multiple interviews or shadows in order to gain a variety of perspectives.',
    })
    // Contacts first (Law, nobody heard; then Finance, an industry not heard), then hosts (Law, then a
    // second view of Healthcare, its host unnamed as they chose); the opted-out host never.
    expect(after.suggestions).toEqual([
      { kind: 'contact', contactId: eli.id, hostId: null, name: 'Eli Stone', organization: 'Stone & Co', field: 'Law', reason: 'Eli Stone works in Law, a field of interest you have not heard about from anyone yet.' },
      { kind: 'contact', contactId: expect.any(String), hostId: null, name: 'Dev Shah', organization: 'First Bank', field: 'Finance', reason: 'Dev Shah works in Finance, an industry you have not heard from yet.' },
      { kind: 'host', contactId: null, hostId: lawHost.id, name: expect.stringMatching(/^Member N\d+$/), organization: 'Justice Partners', field: 'Law', reason: expect.stringMatching(/^Member N\d+ at Justice Partners volunteers to talk about Law, a field of interest you have not heard about from anyone yet\.$/) },
      { kind: 'host', contactId: null, hostId: hiddenHost.id, name: null, organization: 'County Clinic', field: 'Healthcare', reason: 'An alumni host at County Clinic volunteers to talk about Healthcare, a second view: so far you have heard one person in it.' },
    ])

    // A range counts the meetings completed in it.
    const february = await view(student.token, student.id, '?from=2030-02-01&to=2030-02-28')
    expect(february.totals).toEqual({ meetings: 2, people: 2, organizations: 2, industries: 2, occupations: 2 })
    expect(february.singlePerspective.map((s: { industry: string }) => s.industry)).toEqual(['design', 'Healthcare'])
  })

  it('agrees with the advisors\' GraphQL report on the same data', async () => {
    const student = await member(['student'], { fieldsOfInterest: ['Design'] })
    const a = await contact(student.token, 'Ida Lund', 'Lund Studio', 'Design', 'Designer')
    const b = await contact(student.token, 'Jon Berg', 'Lund Studio', 'DESIGN', 'Design lead')
    const c = await contact(student.token, 'Kim Ito', 'City Hospital', 'Healthcare', 'Nurse')
    await hold(student.token, a.id, 'informational_interview', Date.parse('2030-04-08T15:00:00Z'))
    await hold(student.token, b.id, 'job_shadow', Date.parse('2030-04-16T16:00:00Z'))
    await hold(student.token, c.id, 'informational_interview', Date.parse('2030-05-06T15:00:00Z'))
    clocked.now = new Date(Date.parse('2030-05-10T12:00:00Z'))

    for (const [from, to] of [['2030-04-01', '2030-05-31'], ['2030-04-01', '2030-04-30'], ['2030-05-01', '2030-05-31']] as const) {
      const own = await view(student.token, student.id, `?from=${from}&to=${to}`)
      const report = await call(school.members.advisor!.token, 'POST', '/graphql', {
        query: `query($from: Date!, $to: Date!) { report(from: $from, to: $to) {
          students(first: 100) { nodes { id activity { peopleMet organizationsMet industriesMet meetingsCompleted } } }
          perspectives { singleViews(first: 100) { student { id } field contact { id } } } } }`,
        variables: { from, to },
      })
      const row = report.data.report.students.nodes.find((n: { id: string }) => n.id === student.id)
      expect(row.activity, `${from}..${to}`).toEqual({ peopleMet: own.totals.people, organizationsMet: own.totals.organizations, industriesMet: own.totals.industries, meetingsCompleted: expect.any(Number) })
      const singles = report.data.report.perspectives.singleViews.filter((v: { student: { id: string } }) => v.student.id === student.id)
      expect(singles.map((v: { field: string; contact: { id: string } }) => ({ industry: v.field, contactId: v.contact.id })), `${from}..${to}`).toEqual(own.singlePerspective)
    }
  })

  it('is the student\'s own; advisors read any student of the school; anyone else gets a 404', async () => {
    const student = await member(['student'])
    const other = await member(['student'])
    expect((await view(school.members.advisor!.token, student.id)).studentId).toBe(student.id)
    const url = `/v1/members/${student.id}/perspectives`
    expectProblem(await t.request({ method: 'GET', url, token: other.token }), 404, notFoundBody('member', url))
    const absent = `/v1/members/${ABSENT_ID}/perspectives`
    expectProblem(await t.request({ method: 'GET', url: absent, token: school.members.advisor!.token }), 404, notFoundBody('member', absent))
    const bad = await t.request({ method: 'GET', url: `${url}?from=2030-13-01`, token: student.token })
    expect(bad.statusCode).toBe(400)
  })
})
