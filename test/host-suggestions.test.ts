// GET /v1/members/:memberId/host-suggestions: which hosts a student is offered (kind, accepting,
// mode, capacity, an available window outside blackouts), their scores against the documented
// formula, the reasons, the ranking, the student's choice not to share background tags, the school's
// own weights, and who may ask. Each scenario has a school of its own, so the hosts of one never
// appear in another's suggestions. The app runs on a fixed clock (T0, a Monday).
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { DAY, iso } from './helpers/time.js'
import { ABSENT_ID, JSON_TYPE, expectProblem, forbiddenBody, notFoundBody } from './helpers/problems.js'

const NY = 'America/New_York'
const LA = 'America/Los_Angeles'
/** The app's "now": Monday 4 March 2030, 04:00 in New York. */
const T0 = Date.parse('2030-03-04T09:00:00.000Z')
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '10:00', end: '16:00' }))
/** The first window of an every-day 10:00-16:00 New York host after T0. */
const FIRST_EVERY_DAY = { startsAt: '2030-03-04T15:00:00.000Z', endsAt: '2030-03-04T21:00:00.000Z' }
const AVAILABLE_EVERY_DAY = { code: 'available', text: 'Available Mon 4 Mar, 10:00-16:00 (America/New_York)' }
const NEW_HOST = { code: 'responsive', text: 'New host: no requests answered or expired yet' }

/** The documented score: Σ w·c / Σ w over the components that apply, rounded to 3 decimals. */
function formula(components: Array<[weight: number, component: number]>): number {
  const weights = components.reduce((sum, [w]) => sum + w, 0)
  const total = components.reduce((sum, [w, c]) => sum + w * c, 0)
  return Math.round((total / weights) * 1000) / 1000
}
const W = { field: 0.35, organization: 0.2, background: 0.15, capacity: 0.1, responsiveness: 0.2 }

interface Person {
  id: string
  externalId: string
  token: string
}

type Item = {
  host: { memberId: string } & Record<string, unknown>
  score: number
  reasons: Array<{ code: string; text: string }>
  firstAvailable: { startsAt: string; endsAt: string }
  openRequests: number
  meetingsLeftThisMonth: number
}

describe('host suggestions', () => {
  let t: TestApp
  let owner: pg.Client
  let operator: string
  let sequence = 0

  beforeAll(async () => {
    t = await build({}, { clock: () => new Date(T0) })
    owner = await ownerConnection(t)
    operator = await t.platformToken()
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  async function member(of: TestSchool, roles: string[], body: Record<string, unknown> = {}): Promise<Person> {
    const externalId = `${of.slug}-m-${++sequence}`
    const response = await t.request({ method: 'PUT', url: `/v1/members/${externalId}`, token: of.members.school_admin!.token, payload: { roles, ...body } })
    expect(response.statusCode, response.body).toBe(201)
    return { id: response.json().id, externalId, token: await t.memberToken(of.id, externalId) }
  }

  const student = (of: TestSchool, body: Record<string, unknown> = {}) => member(of, ['student'], { givenName: 'Stu', familyName: 'Dent', ...body })

  const profile = (overrides: Record<string, unknown> = {}) => ({
    organization: 'Mercy Hospital',
    industries: ['Healthcare'],
    occupations: ['Nursing'],
    offers: ['informational_interview', 'job_shadow'],
    modes: ['video', 'phone'],
    accepting: true,
    timeZone: NY,
    contactEmail: 'host@mercy.example',
    capacity: { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: 5, maxOpenRequests: 5 },
    availability: { weeklyWindows: EVERY_DAY, blackouts: [] },
    ...overrides,
  })

  async function host(of: TestSchool, givenName: string, overrides: Record<string, unknown> = {}): Promise<Person> {
    const alumnus = await member(of, ['alumni'], { givenName, familyName: 'Host' })
    const response = await t.request({ method: 'PUT', url: `/v1/hosts/${alumnus.id}`, token: alumnus.token, payload: profile(overrides) })
    expect(response.statusCode, response.body).toBe(201)
    return alumnus
  }

  /** A pending request from `from` to the host, for one slot. */
  async function ask(from: Person, hostId: string, slot: { startsAt: string; endsAt: string }, kind = 'informational_interview'): Promise<string> {
    const response = await t.request({
      method: 'POST',
      url: '/v1/host-requests',
      token: from.token,
      payload: { hostIds: [hostId], kind, purpose: 'Learn about the work', mode: 'video', location: 'https://meet.example/abc', proposedSlots: [slot] },
    })
    expect(response.statusCode, response.body).toBe(201)
    return response.json().items[0].id
  }

  /** A meeting booked with the host: asked by `from`, accepted by the host. */
  async function book(from: Person, hostPerson: Person, slot: { startsAt: string; endsAt: string }, kind = 'informational_interview') {
    const id = await ask(from, hostPerson.id, slot, kind)
    const response = await t.request({ method: 'POST', url: `/v1/host-requests/${id}/accept`, token: hostPerson.token, payload: { slot: 0 } })
    expect(response.statusCode, response.body).toBe(200)
  }

  async function setCounts(hostId: string, answered: number, expired: number) {
    const { rowCount } = await owner.query('UPDATE host_profiles SET answered_count = $1, expired_count = $2 WHERE member_id = $3', [answered, expired, hostId])
    expect(rowCount).toBe(1)
  }

  const url = (memberId: string, query: Record<string, string | number> = {}) => {
    const search = new URLSearchParams(Object.entries(query).map(([key, value]): [string, string] => [key, String(value)])).toString()
    return `/v1/members/${memberId}/host-suggestions${search ? `?${search}` : ''}`
  }

  const getSuggestions = (memberId: string, token: string, query: Record<string, string | number>) => t.request({ method: 'GET', url: url(memberId, query), token })

  async function suggestions(memberId: string, token: string, query: Record<string, string | number>) {
    const response = await getSuggestions(memberId, token, query)
    expect(response.statusCode, response.body).toBe(200)
    expect(response.headers['content-type']).toBe(JSON_TYPE)
    const body = response.json() as { goal: Record<string, unknown>; backgroundTagsUsed: boolean; items: Item[] }
    for (const item of body.items) {
      expect(item.score).toBeGreaterThanOrEqual(0)
      expect(item.score).toBeLessThanOrEqual(1)
    }
    return body
  }

  const ids = (items: Item[]) => items.map((item) => item.host.memberId)
  const byHost = (items: Item[], id: string) => items.find((item) => item.host.memberId === id)!

  describe('which hosts are offered', () => {
    let school: TestSchool
    let me: Person
    const hosts: Record<string, Person> = {}
    /** Wednesday 6 March 10:00-12:00 in New York (EST): 15:00Z-17:00Z. */
    const WEDNESDAY = [{ weekday: 3, start: '10:00', end: '12:00' }]
    const range = { from: '2030-03-05T00:00:00.000Z', to: '2030-03-08T00:00:00.000Z' }
    const wednesday = (overrides: Record<string, unknown> = {}) => ({ availability: { weeklyWindows: WEDNESDAY, blackouts: [] }, ...overrides })

    beforeAll(async () => {
      school = await t.school('sug-filter')
      me = await student(school, { fieldsOfInterest: ['Healthcare'] })
      const other = await student(school)
      hosts.pass = await host(school, 'Pass', wednesday())
      hosts.interviewOnly = await host(school, 'InterviewOnly', wednesday({ offers: ['informational_interview'] }))
      hosts.shadowOnly = await host(school, 'ShadowOnly', wednesday({ offers: ['job_shadow'] }))
      hosts.notAccepting = await host(school, 'NotAccepting', wednesday({ accepting: false }))
      hosts.phoneOnly = await host(school, 'PhoneOnly', wednesday({ modes: ['phone'] }))
      hosts.openFull = await host(school, 'OpenFull', wednesday({ capacity: { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: 5, maxOpenRequests: 1 } }))
      hosts.monthFull = await host(school, 'MonthFull', wednesday({ capacity: { maxMeetingsPerMonth: 1, maxShadowDaysPerTerm: 5, maxOpenRequests: 5 } }))
      hosts.shadowFull = await host(school, 'ShadowFull', wednesday({ capacity: { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: 1, maxOpenRequests: 5 } }))
      hosts.noShadowDays = await host(school, 'NoShadowDays', wednesday({ capacity: { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: 0, maxOpenRequests: 5 } }))
      hosts.noWindow = await host(school, 'Saturdays', { availability: { weeklyWindows: [{ weekday: 6, start: '10:00', end: '12:00' }], blackouts: [] } })
      hosts.noWindows = await host(school, 'NoWindows', { availability: { weeklyWindows: [], blackouts: [] } })
      hosts.tooShort = await host(school, 'TooShort', { availability: { weeklyWindows: [{ weekday: 3, start: '10:00', end: '10:20' }], blackouts: [] } })
      hosts.shortForShadow = await host(school, 'ShortForShadow', { availability: { weeklyWindows: [{ weekday: 3, start: '10:00', end: '10:45' }], blackouts: [] } })
      hosts.blackout = await host(school, 'Blackout', { availability: { weeklyWindows: WEDNESDAY, blackouts: [{ from: '2030-03-06', to: '2030-03-06' }] } })
      hosts.disabled = await host(school, 'Disabled', wednesday())
      const disabled = await t.request({
        method: 'PUT',
        url: `/v1/members/${hosts.disabled.externalId}`,
        token: school.members.school_admin!.token,
        payload: { roles: ['alumni'], givenName: 'Disabled', familyName: 'Host', status: 'disabled' },
      })
      expect(disabled.statusCode).toBe(200)
      // A student who is also an alumni host: offered to others, never to themselves.
      hosts.self = await member(school, ['student', 'alumni'], { givenName: 'Self', familyName: 'Host', fieldsOfInterest: ['Healthcare'] })
      const selfProfile = await t.request({ method: 'PUT', url: `/v1/hosts/${hosts.self.id}`, token: hosts.self.token, payload: profile(wednesday()) })
      expect(selfProfile.statusCode, selfProfile.body).toBe(201)

      // Loads: one request waiting for OpenFull (its only open place); one meeting booked with
      // MonthFull in March (its only one); one shadow day booked with ShadowFull in Spring 2030.
      await ask(other, hosts.openFull.id, { startsAt: '2030-03-20T15:00:00Z', endsAt: '2030-03-20T15:30:00Z' })
      await book(other, hosts.monthFull, { startsAt: '2030-03-21T15:00:00Z', endsAt: '2030-03-21T15:30:00Z' })
      await book(other, hosts.shadowFull, { startsAt: '2030-03-22T14:00:00Z', endsAt: '2030-03-22T20:00:00Z' }, 'job_shadow')
    })

    const names = (...keys: string[]) => keys.map((key) => hosts[key]!.id).sort()

    it('offers an interview by video only from hosts who offer interviews and video, accept, have capacity and a free window of 30 minutes', async () => {
      const body = await suggestions(me.id, me.token, { kind: 'informational_interview', mode: 'video', ...range })
      expect(ids(body.items).sort()).toEqual(names('pass', 'interviewOnly', 'shadowFull', 'noShadowDays', 'shortForShadow', 'self'))
      expect(body.goal).toEqual({ kind: 'informational_interview', field: null, organization: null, mode: 'video', ...range })
      expect(byHost(body.items, hosts.pass!.id).firstAvailable).toEqual({ startsAt: '2030-03-06T15:00:00.000Z', endsAt: '2030-03-06T17:00:00.000Z' })
      expect(byHost(body.items, hosts.shortForShadow!.id).firstAvailable).toEqual({ startsAt: '2030-03-06T15:00:00.000Z', endsAt: '2030-03-06T15:45:00.000Z' })
      expect(byHost(body.items, hosts.pass!.id).reasons).toContainEqual({ code: 'available', text: 'Available Wed 6 Mar, 10:00-12:00 (America/New_York)' })
      // ShadowFull's booked shadow counts against its month: 3 of 4 left.
      expect(byHost(body.items, hosts.shadowFull!.id).meetingsLeftThisMonth).toBe(3)
    })

    it('without a mode, also offers hosts who meet only by phone', async () => {
      const body = await suggestions(me.id, me.token, { kind: 'informational_interview', ...range })
      expect(ids(body.items).sort()).toEqual(names('pass', 'interviewOnly', 'phoneOnly', 'shadowFull', 'noShadowDays', 'shortForShadow', 'self'))
      expect(body.goal.mode).toBeNull()
    })

    it('offers a job shadow only from hosts with shadow days left in the term and a free window of an hour', async () => {
      const body = await suggestions(me.id, me.token, { kind: 'job_shadow', mode: 'video', ...range })
      expect(ids(body.items).sort()).toEqual(names('pass', 'shadowOnly', 'self'))
    })

    it('never offers a host to themselves', async () => {
      const body = await suggestions(hosts.self!.id, hosts.self!.token, { kind: 'informational_interview', mode: 'video', ...range })
      expect(ids(body.items).sort()).toEqual(names('pass', 'interviewOnly', 'shadowFull', 'noShadowDays', 'shortForShadow'))
    })

    it('counts the open requests and booked meetings it reports', async () => {
      const { items } = await suggestions(me.id, me.token, { kind: 'informational_interview', ...range })
      expect(items.map((item) => [item.host.memberId, item.openRequests, item.meetingsLeftThisMonth]).sort()).toEqual(
        [
          [hosts.pass!.id, 0, 4],
          [hosts.interviewOnly!.id, 0, 4],
          [hosts.phoneOnly!.id, 0, 4],
          [hosts.shadowFull!.id, 0, 3],
          [hosts.noShadowDays!.id, 0, 4],
          [hosts.shortForShadow!.id, 0, 4],
          [hosts.self!.id, 0, 4],
        ].sort(),
      )
    })

    it('offers the hosts on their next free window once the range reaches past the blackout or to a Saturday', async () => {
      // 5 to 14 March: the blackout host's Wednesday 13 March and the Saturday host's 9 March are in range.
      const body = await suggestions(me.id, me.token, { kind: 'informational_interview', mode: 'video', from: range.from, to: '2030-03-14T00:00:00.000Z' })
      expect(byHost(body.items, hosts.blackout!.id).firstAvailable).toEqual({ startsAt: '2030-03-13T14:00:00.000Z', endsAt: '2030-03-13T16:00:00.000Z' })
      expect(byHost(body.items, hosts.noWindow!.id).firstAvailable).toEqual({ startsAt: '2030-03-09T15:00:00.000Z', endsAt: '2030-03-09T17:00:00.000Z' })
      expect(ids(body.items)).not.toContain(hosts.noWindows!.id)
      expect(ids(body.items)).not.toContain(hosts.tooShort!.id)
    })

    it('answers an advisor and a school admin asking for the student as it answers the student', async () => {
      const query = { kind: 'informational_interview', mode: 'video', ...range }
      const own = await suggestions(me.id, me.token, query)
      expect(await suggestions(me.id, school.members.advisor!.token, query)).toEqual(own)
      expect(await suggestions(me.id, school.members.school_admin!.token, query)).toEqual(own)
    })

    it('counts shadow days in the school\'s configured term of the search start (this test changes the school\'s terms: it runs last)', async () => {
      const terms = [
        { name: 'Early spring', startsOn: '2030-01-01', endsOn: '2030-03-15' },
        { name: 'Late spring', startsOn: '2030-03-16', endsOn: '2030-06-30' },
      ]
      const patched = await t.request({ method: 'PATCH', url: `/v1/schools/${school.id}`, token: operator, payload: { settings: { terms } } })
      expect(patched.statusCode, patched.body).toBe(200)
      // From 5 March (Early spring) ShadowFull's shadow of 22 March is in another term: it has its day.
      const early = await suggestions(me.id, me.token, { kind: 'job_shadow', mode: 'video', ...range })
      expect(ids(early.items).sort()).toEqual(names('pass', 'shadowOnly', 'shadowFull', 'self'))
      // From 18 March (Late spring) the shadow is in the term: ShadowFull has none left.
      const late = await suggestions(me.id, me.token, { kind: 'job_shadow', mode: 'video', from: '2030-03-18T00:00:00.000Z', to: '2030-03-21T00:00:00.000Z' })
      expect(ids(late.items)).toContain(hosts.pass!.id)
      expect(ids(late.items)).not.toContain(hosts.shadowFull!.id)
    })
  })

  describe('the month of a host\'s booked meetings is the host\'s local calendar month', () => {
    let school: TestSchool
    let me: Person
    let other: Person
    const oneAMonth = { capacity: { maxMeetingsPerMonth: 1, maxShadowDaysPerTerm: 5, maxOpenRequests: 5 } }

    beforeAll(async () => {
      school = await t.school('sug-month')
      me = await student(school, { fieldsOfInterest: ['Healthcare'] })
      other = await student(school)
    })

    it('a meeting at 31 March 23:30 in Los Angeles uses the March place; one at 1 April 00:30 does not', async () => {
      const lastOfMarch = await host(school, 'LateMarch', { ...oneAMonth, timeZone: LA })
      const firstOfApril = await host(school, 'EarlyApril', { ...oneAMonth, timeZone: LA })
      await book(other, lastOfMarch, { startsAt: '2030-04-01T06:30:00Z', endsAt: '2030-04-01T07:00:00Z' })
      await book(other, firstOfApril, { startsAt: '2030-04-01T07:30:00Z', endsAt: '2030-04-01T08:00:00Z' })
      const { items } = await suggestions(me.id, me.token, { kind: 'informational_interview', from: '2030-03-05T00:00:00Z', to: '2030-03-20T00:00:00Z' })
      expect(ids(items)).not.toContain(lastOfMarch.id)
      expect(ids(items)).toContain(firstOfApril.id)
      expect(byHost(items, firstOfApril.id).meetingsLeftThisMonth).toBe(1)
    })

    it('a meeting at 1 April 00:15 in New York (after the change to daylight saving time) is an April meeting', async () => {
      const early = await host(school, 'AprilFool', oneAMonth)
      await book(other, early, { startsAt: '2030-04-01T04:15:00Z', endsAt: '2030-04-01T04:45:00Z' })
      const { items } = await suggestions(me.id, me.token, { kind: 'informational_interview', from: '2030-03-05T00:00:00Z', to: '2030-03-20T00:00:00Z' })
      expect(ids(items)).toContain(early.id)
      expect(byHost(items, early.id).meetingsLeftThisMonth).toBe(1)
    })

    it('a meeting at 30 November 23:30 in New York (after the change back) is a November meeting', async () => {
      const late = await host(school, 'LateNovember', oneAMonth)
      await book(other, late, { startsAt: '2030-12-01T04:30:00Z', endsAt: '2030-12-01T05:00:00Z' })
      const { items } = await suggestions(me.id, me.token, { kind: 'informational_interview', from: '2030-11-05T00:00:00Z', to: '2030-11-20T00:00:00Z' })
      expect(ids(items)).not.toContain(late.id)
    })
  })

  describe('scores and reasons', () => {
    let school: TestSchool
    let me: Person
    let avery: Person
    let blake: Person
    let casey: Person
    const interests = { fieldsOfInterest: ['Healthcare', 'Law'], backgroundTags: ['first-generation', 'veteran'] }

    beforeAll(async () => {
      school = await t.school('sug-score')
      me = await student(school, interests)
      const other = await student(school)
      avery = await host(school, 'Avery', { title: 'Nurse practitioner', backgroundTags: ['first-generation', 'veteran'] })
      blake = await host(school, 'Blake', {
        organization: 'City Law',
        industries: ['Law'],
        occupations: ['Paralegal'],
        backgroundTags: ['veteran'],
        capacity: { maxMeetingsPerMonth: 5, maxShadowDaysPerTerm: 5, maxOpenRequests: 5 },
      })
      casey = await host(school, 'Casey', {
        organization: 'Acme Bank',
        industries: ['Finance'],
        occupations: ['Analyst'],
        capacity: { maxMeetingsPerMonth: 2, maxShadowDaysPerTerm: 5, maxOpenRequests: 5 },
      })
      await book(other, blake, { startsAt: '2030-03-12T15:00:00Z', endsAt: '2030-03-12T15:30:00Z' })
      await setCounts(avery.id, 3, 1)
      await setCounts(blake.id, 1, 2)
    })

    // Avery: field 1 (Healthcare), organization 1, background 1 (two shared), capacity 4/4, responsiveness (3+1)/(4+2).
    const averyComponents = (background: boolean): Array<[number, number]> => [
      [W.field, 1],
      [W.organization, 1],
      ...(background ? [[W.background, 1] as [number, number]] : []),
      [W.capacity, 1],
      [W.responsiveness, 4 / 6],
    ]
    // Blake: field 1 (Law), organization 0, background 0.5 (veteran), capacity 4/5, responsiveness (1+1)/(3+2).
    const blakeComponents = (background: boolean): Array<[number, number]> => [
      [W.field, 1],
      [W.organization, 0],
      ...(background ? [[W.background, 0.5] as [number, number]] : []),
      [W.capacity, 0.8],
      [W.responsiveness, 0.4],
    ]
    // Casey: field 0, organization 0, background 0, capacity 2/2, responsiveness 1/2.
    const caseyComponents = (background: boolean): Array<[number, number]> => [
      [W.field, 0],
      [W.organization, 0],
      ...(background ? [[W.background, 0] as [number, number]] : []),
      [W.capacity, 1],
      [W.responsiveness, 0.5],
    ]

    it('scores each host by the formula, ranks by score, and gives every reason', async () => {
      const body = await suggestions(me.id, me.token, { kind: 'informational_interview', organization: 'mercy hospital' })
      expect(body.goal).toEqual({ kind: 'informational_interview', field: null, organization: 'mercy hospital', mode: null, from: iso(T0), to: iso(T0 + 30 * DAY) })
      expect(body.backgroundTagsUsed).toBe(true)
      expect(ids(body.items)).toEqual([avery.id, blake.id, casey.id])
      expect(body.items.map((item) => item.score)).toEqual([0.933, 0.585, 0.2])
      expect(body.items.map((item) => item.score)).toEqual([formula(averyComponents(true)), formula(blakeComponents(true)), formula(caseyComponents(true))])
      expect(body.items[0]).toEqual({
        host: {
          memberId: avery.id,
          name: 'Avery Host',
          organization: 'Mercy Hospital',
          title: 'Nurse practitioner',
          industries: ['Healthcare'],
          occupations: ['Nursing'],
          modes: ['video', 'phone'],
          location: null,
          backgroundTags: ['first-generation', 'veteran'],
          responseRate: 0.75,
          lastActiveAt: iso(T0),
        },
        score: 0.933,
        reasons: [
          { code: 'shared_field', text: 'Works in Healthcare, a field you are exploring' },
          { code: 'knows_organization', text: 'Works at Mercy Hospital' },
          { code: 'shared_background', text: 'Shares your background: first-generation, veteran' },
          AVAILABLE_EVERY_DAY,
          { code: 'capacity_left', text: 'Has 4 of 4 meetings left that month' },
          { code: 'responsive', text: 'Answered 3 of 4 requests' },
        ],
        firstAvailable: FIRST_EVERY_DAY,
        openRequests: 0,
        meetingsLeftThisMonth: 4,
      })
      expect(body.items[1]!.host.responseRate).toBe(0.333)
      expect(body.items[1]!.reasons).toEqual([
        { code: 'shared_field', text: 'Works in Law, a field you are exploring' },
        { code: 'shared_background', text: 'Shares your background: veteran' },
        AVAILABLE_EVERY_DAY,
        { code: 'capacity_left', text: 'Has 4 of 5 meetings left that month' },
        { code: 'responsive', text: 'Answered 1 of 3 requests' },
      ])
      expect(body.items[1]!.meetingsLeftThisMonth).toBe(4)
      expect(body.items[2]!.host.responseRate).toBeNull()
      expect(body.items[2]!.reasons).toEqual([AVAILABLE_EVERY_DAY, { code: 'capacity_left', text: 'Has 2 of 2 meetings left that month' }, NEW_HOST])
    })

    it('compares the goal\'s field alone when one is given (case-insensitively), which changes the ranking', async () => {
      const body = await suggestions(me.id, me.token, { kind: 'informational_interview', field: 'law' })
      // Without an organization that component does not apply; the field is Law only.
      const blakeScore = formula([[W.field, 1], [W.background, 0.5], [W.capacity, 0.8], [W.responsiveness, 0.4]])
      const averyScore = formula([[W.field, 0], [W.background, 1], [W.capacity, 1], [W.responsiveness, 4 / 6]])
      const caseyScore = formula([[W.field, 0], [W.background, 0], [W.capacity, 1], [W.responsiveness, 0.5]])
      expect([blakeScore, averyScore, caseyScore]).toEqual([0.731, 0.479, 0.25])
      expect(body.items.map((item) => [item.host.memberId, item.score])).toEqual([
        [blake.id, blakeScore],
        [avery.id, averyScore],
        [casey.id, caseyScore],
      ])
      expect(body.goal.field).toBe('law')
      expect(body.items[0]!.reasons[0]).toEqual({ code: 'shared_field', text: 'Works in Law, a field you are exploring' })
      expect(body.items[1]!.reasons.map((reason) => reason.code)).toEqual(['shared_background', 'available', 'capacity_left', 'responsive'])
    })

    it('returns at most limit hosts, best first', async () => {
      const body = await suggestions(me.id, me.token, { kind: 'informational_interview', organization: 'Mercy Hospital', limit: 1 })
      expect(ids(body.items)).toEqual([avery.id])
    })

    it('matches a student who stops sharing background tags without them', async () => {
      const optingOut = await student(school, interests)
      const before = await suggestions(optingOut.id, optingOut.token, { kind: 'informational_interview', organization: 'mercy hospital' })
      expect(before.backgroundTagsUsed).toBe(true)
      expect(before.items.map((item) => item.score)).toEqual([0.933, 0.585, 0.2])

      const put = await t.request({
        method: 'PUT',
        url: `/v1/members/${optingOut.externalId}`,
        token: school.members.school_admin!.token,
        payload: { roles: ['student'], givenName: 'Stu', familyName: 'Dent', ...interests, shareBackgroundTags: false },
      })
      expect(put.statusCode).toBe(200)
      expect(put.json()).toMatchObject({ shareBackgroundTags: false, backgroundTags: ['first-generation', 'veteran'] })

      const after = await suggestions(optingOut.id, optingOut.token, { kind: 'informational_interview', organization: 'mercy hospital' })
      expect(after.backgroundTagsUsed).toBe(false)
      expect(ids(after.items)).toEqual([avery.id, blake.id, casey.id])
      expect(after.items.map((item) => item.score)).toEqual([formula(averyComponents(false)), formula(blakeComponents(false)), formula(caseyComponents(false))])
      expect(after.items.map((item) => item.score)).toEqual([0.922, 0.6, 0.235])
      for (const item of after.items) expect(item.reasons.map((reason) => reason.code)).not.toContain('shared_background')
      expect(after.items[0]!.reasons.map((reason) => reason.code)).toEqual(['shared_field', 'knows_organization', 'available', 'capacity_left', 'responsive'])
    })
  })

  describe('ranking among equal scores', () => {
    let school: TestSchool
    let me: Person
    let other: Person
    let first: Person
    let second: Person
    let favourite: Person

    beforeAll(async () => {
      school = await t.school('sug-rank')
      me = await student(school, { fieldsOfInterest: ['Healthcare'], backgroundTags: ['veteran'] })
      other = await student(school)
      const twins = [await host(school, 'Twin'), await host(school, 'Twin')]
      twins.sort((a, b) => a.id.localeCompare(b.id))
      ;[first, second] = twins as [Person, Person]
      favourite = await host(school, 'Favourite', { backgroundTags: ['veteran'] })
    })

    it('orders equal scores by member id while the loads are equal, then puts the less-loaded host first', async () => {
      const before = await suggestions(me.id, me.token, { kind: 'informational_interview' })
      expect(ids(before.items)).toEqual([favourite.id, first.id, second.id])
      expect(before.items[1]!.score).toBe(before.items[2]!.score)
      expect(before.items[0]!.score).toBeGreaterThan(before.items[1]!.score)

      // Another student's request waits for the first twin (and one for the favourite, whose higher score still ranks it first).
      await ask(other, first.id, { startsAt: '2030-03-12T15:00:00Z', endsAt: '2030-03-12T15:30:00Z' })
      await ask(other, favourite.id, { startsAt: '2030-03-13T15:00:00Z', endsAt: '2030-03-13T15:30:00Z' })
      const after = await suggestions(me.id, me.token, { kind: 'informational_interview' })
      expect(ids(after.items)).toEqual([favourite.id, second.id, first.id])
      expect(after.items.map((item) => item.openRequests)).toEqual([1, 0, 1])
      expect(after.items[1]!.score).toBe(after.items[2]!.score)
      expect(after.items.map((item) => item.score)).toEqual(before.items.map((item) => item.score))
    })
  })

  describe('per-school weights', () => {
    let school: TestSchool
    let me: Person
    let mercy: Person
    const query = { kind: 'informational_interview', organization: 'Mercy Hospital' }
    // field 1, organization 1, background 0.5 (one of two tags), capacity 1, responsiveness 0.5.
    const components = (w: typeof W): Array<[number, number]> => [
      [w.field, 1],
      [w.organization, 1],
      [w.background, 0.5],
      [w.capacity, 1],
      [w.responsiveness, 0.5],
    ]
    const patch = (matchingWeights: Record<string, number>) =>
      t.request({ method: 'PATCH', url: `/v1/schools/${school.id}`, token: operator, payload: { settings: { matchingWeights } } })
    const storedSettings = async () => (await owner.query('SELECT settings FROM schools WHERE id = $1', [school.id])).rows[0].settings
    const score = async () => (await suggestions(me.id, me.token, query)).items[0]!.score

    beforeAll(async () => {
      school = await t.school('sug-weights')
      me = await student(school, { fieldsOfInterest: ['Healthcare'], backgroundTags: ['veteran', 'first-generation'] })
      mercy = await host(school, 'Mercy', { backgroundTags: ['veteran'] })
    })

    it('scores with the defaults, then with the school\'s weights, merged one PATCH after another', async () => {
      expect(await score()).toBe(formula(components(W)))
      expect(await score()).toBe(0.825)

      const custom = { field: 0.5, organization: 0.1, background: 0.3, capacity: 0, responsiveness: 0.4 }
      const patched = await patch(custom)
      expect(patched.statusCode, patched.body).toBe(200)
      expect(patched.json().settings.matchingWeights).toEqual(custom)
      expect(await score()).toBe(formula(components(custom)))
      expect(await score()).toBe(0.731) // 0.95 / 1.3

      const more = await patch({ capacity: 0.2 })
      expect(more.statusCode).toBe(200)
      expect(more.json().settings.matchingWeights).toEqual({ ...custom, capacity: 0.2 })
      expect(await score()).toBe(formula(components({ ...custom, capacity: 0.2 })))
      expect(await score()).toBe(0.767) // 1.15 / 1.5
      const { items } = await suggestions(me.id, me.token, query)
      expect(items.map((item) => item.host.memberId)).toEqual([mercy.id])
    })

    it('refuses a field weight below 0.1 with 400 and leaves the settings as they were; 0.1 itself is accepted', async () => {
      const settingsBefore = await storedSettings()
      const scoreBefore = await score()
      const refused = await patch({ field: 0.05, capacity: 0.9 })
      expectProblem(refused, 400, {
        type: 'urn:vantage:problem:validation-failed',
        title: 'The request is not valid',
        status: 400,
        detail: 'body.settings.matchingWeights.field must be at least 0.1: the shared field always counts',
        instance: `/v1/schools/${school.id}`,
        errors: [{ field: 'body.settings.matchingWeights.field', message: 'must be at least 0.1: the shared field always counts' }],
      })
      expect(await storedSettings()).toEqual(settingsBefore)
      expect(await score()).toBe(scoreBefore)

      const accepted = await patch({ field: 0.1 })
      expect(accepted.statusCode).toBe(200)
      const weights = accepted.json().settings.matchingWeights
      expect(weights.field).toBe(0.1)
      expect(await score()).toBe(formula(components(weights)))
    })
  })

  describe('who may ask, and the range', () => {
    let school: TestSchool
    let me: Person
    let classmate: Person
    const query = { kind: 'informational_interview' }

    beforeAll(async () => {
      school = await t.school('sug-access')
      me = await student(school, { fieldsOfInterest: ['Healthcare'] })
      classmate = await student(school)
      await host(school, 'Open')
    })

    it('answers 404 to a student asking for another student\'s suggestions', async () => {
      const response = await getSuggestions(classmate.id, me.token, query)
      expectProblem(response, 404, notFoundBody('student', `/v1/members/${classmate.id}/host-suggestions`))
    })

    it('lets an advisor and a school admin ask for any student', async () => {
      for (const token of [school.members.advisor!.token, school.members.school_admin!.token]) {
        for (const who of [me, classmate]) {
          const body = await suggestions(who.id, token, query)
          expect(body.items).toHaveLength(1)
        }
      }
    })

    it('answers 403 to an alumnus, even for themselves', async () => {
      const alumnus = school.members.alumni!
      for (const target of [me.id, alumnus.id]) {
        expectProblem(await getSuggestions(target, alumnus.token, query), 403, forbiddenBody(`/v1/members/${target}/host-suggestions`))
      }
    })

    it('answers 404 for a member that does not exist, one who is not a student, and another school\'s student', async () => {
      const advisor = school.members.advisor!.token
      const elsewhere = await t.school('sug-elsewhere')
      for (const id of [ABSENT_ID, school.members.alumni!.id, school.members.advisor!.id, elsewhere.members.student!.id]) {
        expectProblem(await getSuggestions(id, advisor, query), 404, notFoundBody('student', `/v1/members/${id}/host-suggestions`))
      }
      expectProblem(await getSuggestions(ABSENT_ID, me.token, query), 404, notFoundBody('student', `/v1/members/${ABSENT_ID}/host-suggestions`))
    })

    const invalidTo = (memberId: string, message: string) => ({
      type: 'urn:vantage:problem:validation-failed',
      title: 'The request is not valid',
      status: 400,
      detail: `querystring.to ${message}`,
      instance: `/v1/members/${memberId}/host-suggestions`,
      errors: [{ field: 'querystring.to', message }],
    })

    it('refuses a range whose end is not after its start (400)', async () => {
      const before = await getSuggestions(me.id, me.token, { ...query, from: '2030-03-10T00:00:00Z', to: '2030-03-09T00:00:00Z' })
      expectProblem(before, 400, invalidTo(me.id, 'must be after from'))
      const same = await getSuggestions(me.id, me.token, { ...query, from: '2030-03-10T00:00:00Z', to: '2030-03-10T00:00:00Z' })
      expectProblem(same, 400, invalidTo(me.id, 'must be after from'))
      // Without from, the range starts now.
      const beforeNow = await getSuggestions(me.id, me.token, { ...query, to: '2030-03-01T00:00:00Z' })
      expectProblem(beforeNow, 400, invalidTo(me.id, 'must be after from'))
    })

    it('refuses a range longer than 180 days (400) and accepts exactly 180', async () => {
      const from = Date.parse('2030-03-10T00:00:00Z')
      const tooLong = await getSuggestions(me.id, me.token, { ...query, from: iso(from), to: iso(from + 180 * DAY + 1000) })
      expectProblem(tooLong, 400, invalidTo(me.id, 'must be at most 180 days after from'))
      const longest = await suggestions(me.id, me.token, { ...query, from: iso(from), to: iso(from + 180 * DAY) })
      expect(longest.goal).toMatchObject({ from: iso(from), to: iso(from + 180 * DAY) })
      expect(longest.items).toHaveLength(1)
    })

    it('starts the search now when from lies in the past', async () => {
      const body = await suggestions(me.id, me.token, { ...query, from: '2030-03-01T00:00:00Z', to: '2030-03-10T00:00:00Z' })
      expect(body.goal).toMatchObject({ from: iso(T0), to: '2030-03-10T00:00:00.000Z' })
      expect(body.items[0]!.firstAvailable).toEqual(FIRST_EVERY_DAY)
    })
  })
})
