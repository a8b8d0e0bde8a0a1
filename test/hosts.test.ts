// Host profiles (PUT/GET /v1/hosts): creating and replacing a profile, the merged form of weekly
// windows and blackouts, the refusals (each leaving the database as it was), who may keep a profile,
// who sees a host's private contact details, and the list's filters and pages. The app runs on a
// clock of the test's own (`now`).
import pg from 'pg'
import { beforeAll, describe, expect, it } from 'vitest'
import type { TestApp, TestSchool } from './helpers/app.js'
import { clockedSchool } from './helpers/clocked.js'
import { HOUR, iso } from './helpers/time.js'
import { ABSENT_ID, expectProblem, forbiddenBody, JSON_TYPE, notFoundBody } from './helpers/problems.js'

/** The app's "now" at the start of every test (a Monday). */
const T0 = Date.parse('2030-03-04T09:00:00.000Z')

interface Member {
  id: string
  externalId: string
  token: string
}

/** A complete host profile as sent; tests override parts of it. */
function hostInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    organization: 'Mercy Hospital',
    title: 'Nurse practitioner',
    industries: ['Healthcare'],
    occupations: ['Nursing'],
    offers: ['informational_interview', 'job_shadow'],
    modes: ['in_person', 'video'],
    location: 'Chicago',
    backgroundTags: ['first-generation'],
    bio: 'Twelve years in emergency care; happy to talk about nursing school.',
    accepting: true,
    timeZone: 'America/Chicago',
    contactEmail: 'omar.haddad@mercy.example',
    contactPhone: '+1 312 555 0100',
    capacity: { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: 5, maxOpenRequests: 6 },
    availability: {
      weeklyWindows: [
        { weekday: 2, start: '09:00', end: '12:00' },
        { weekday: 4, start: '13:00', end: '17:00' },
      ],
      blackouts: [{ from: '2030-12-21', to: '2031-01-03' }],
    },
    ...overrides,
  }
}

describe('host profiles', () => {
  const clocked = clockedSchool('hosts-u', T0)
  let t: TestApp, school: TestSchool, owner: pg.Client
  let admin: string
  let sequence = 0

  beforeAll(() => {
    ;({ app: t, school, owner } = clocked)
    admin = school.members.school_admin!.token
  })

  /** A new member of the school, provisioned by its admin. */
  async function newMember(roles: string[], givenName: string, familyName: string, of: TestSchool = school): Promise<Member> {
    const externalId = `${of.slug}-m-${++sequence}`
    const response = await t.request({
      method: 'PUT',
      url: `/v1/members/${externalId}`,
      token: of === school ? admin : of.members.school_admin!.token,
      payload: { roles, givenName, familyName },
    })
    expect(response.statusCode, response.body).toBe(201)
    return { id: response.json().id, externalId, token: await t.memberToken(of.id, externalId) }
  }

  const put = (memberId: string, token: string, payload: Record<string, unknown>) =>
    t.request({ method: 'PUT', url: `/v1/hosts/${memberId}`, token, payload })

  /** Every host profile row of the database, in full: what a refused request must leave untouched. */
  async function allProfiles() {
    const { rows } = await owner.query(`SELECT member_id::text, to_jsonb(h) AS row FROM host_profiles h ORDER BY school_id, member_id`)
    return rows as Array<{ member_id: string; row: Record<string, unknown> }>
  }

  async function profileRow(memberId: string) {
    const { rows } = await owner.query(
      `SELECT school_id::text, organization, title, industries, occupations, offers::text[] AS offers, modes::text[] AS modes, location,
              background_tags, bio, accepting, time_zone, contact_email, contact_phone, max_meetings_per_month,
              max_shadow_days_per_term, max_open_requests, weekly_windows, blackouts, answered_count, expired_count, last_active_at
         FROM host_profiles WHERE member_id = $1`,
      [memberId],
    )
    return rows
  }

  describe('PUT /v1/hosts/:memberId', () => {
    it('creates a profile (201) and answers the stored profile exactly, with the contact details for the host', async () => {
      const alumnus = await newMember(['alumni'], 'Omar', 'Haddad')
      const response = await put(alumnus.id, alumnus.token, hostInput())
      expect(response.statusCode, response.body).toBe(201)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      const host = response.json()
      expect(host).toEqual({
        memberId: alumnus.id,
        name: 'Omar Haddad',
        organization: 'Mercy Hospital',
        title: 'Nurse practitioner',
        industries: ['Healthcare'],
        occupations: ['Nursing'],
        offers: ['informational_interview', 'job_shadow'],
        modes: ['in_person', 'video'],
        location: 'Chicago',
        backgroundTags: ['first-generation'],
        bio: 'Twelve years in emergency care; happy to talk about nursing school.',
        accepting: true,
        timeZone: 'America/Chicago',
        capacity: { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: 5, maxOpenRequests: 6 },
        availability: {
          weeklyWindows: [
            { weekday: 2, start: '09:00', end: '12:00' },
            { weekday: 4, start: '13:00', end: '17:00' },
          ],
          blackouts: [{ from: '2030-12-21', to: '2031-01-03' }],
        },
        responseRate: null,
        lastActiveAt: iso(T0),
        contact: { email: 'omar.haddad@mercy.example', phone: '+1 312 555 0100' },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      })
      expect(await profileRow(alumnus.id)).toEqual([
        {
          school_id: school.id,
          organization: 'Mercy Hospital',
          title: 'Nurse practitioner',
          industries: ['Healthcare'],
          occupations: ['Nursing'],
          offers: ['informational_interview', 'job_shadow'],
          modes: ['in_person', 'video'],
          location: 'Chicago',
          background_tags: ['first-generation'],
          bio: 'Twelve years in emergency care; happy to talk about nursing school.',
          accepting: true,
          time_zone: 'America/Chicago',
          contact_email: 'omar.haddad@mercy.example',
          contact_phone: '+1 312 555 0100',
          max_meetings_per_month: 4,
          max_shadow_days_per_term: 5,
          max_open_requests: 6,
          weekly_windows: [
            { weekday: 2, start: '09:00', end: '12:00' },
            { weekday: 4, start: '13:00', end: '17:00' },
          ],
          blackouts: [{ from: '2030-12-21', to: '2031-01-03' }],
          answered_count: 0,
          expired_count: 0,
          last_active_at: new Date(T0),
        },
      ])
      // Reading it back gives the same body.
      const read = await t.request({ method: 'GET', url: `/v1/hosts/${alumnus.id}`, token: alumnus.token })
      expect(read.statusCode).toBe(200)
      expect(read.json()).toEqual(host)
    })

    it('replaces a profile (200): fields left out are cleared, the time zone is stored in its canonical name', async () => {
      const alumnus = await newMember(['alumni'], 'Lena', 'Park')
      const created = await put(alumnus.id, alumnus.token, hostInput())
      expect(created.statusCode).toBe(201)
      clocked.now = new Date(T0 + 2 * HOUR)
      const replaced = await put(alumnus.id, alumnus.token, {
        organization: '  First Bank  ',
        industries: ['Finance'],
        occupations: [],
        offers: ['informational_interview'],
        modes: ['phone'],
        accepting: false,
        timeZone: 'europe/berlin',
        capacity: { maxMeetingsPerMonth: 0, maxShadowDaysPerTerm: 0, maxOpenRequests: 0 },
        availability: { weeklyWindows: [], blackouts: [] },
      })
      expect(replaced.statusCode, replaced.body).toBe(200)
      expect(replaced.json()).toEqual({
        memberId: alumnus.id,
        name: 'Lena Park',
        organization: 'First Bank',
        title: null,
        industries: ['Finance'],
        occupations: [],
        offers: ['informational_interview'],
        modes: ['phone'],
        location: null,
        backgroundTags: [],
        bio: null,
        accepting: false,
        timeZone: 'Europe/Berlin',
        capacity: { maxMeetingsPerMonth: 0, maxShadowDaysPerTerm: 0, maxOpenRequests: 0 },
        availability: { weeklyWindows: [], blackouts: [] },
        responseRate: null,
        lastActiveAt: iso(T0 + 2 * HOUR),
        contact: { email: null, phone: null },
        createdAt: created.json().createdAt,
        updatedAt: expect.any(String),
      })
      const { rows } = await owner.query(`SELECT count(*)::int AS n, min(time_zone) AS zone, min(organization) AS org FROM host_profiles WHERE member_id = $1`, [alumnus.id])
      expect(rows).toEqual([{ n: 1, zone: 'Europe/Berlin', org: 'First Bank' }])
    })

    it('merges overlapping and touching weekly windows and blackouts, and stores the merged form', async () => {
      const alumnus = await newMember(['alumni'], 'Mara', 'Quinn')
      const response = await put(
        alumnus.id,
        alumnus.token,
        hostInput({
          availability: {
            weeklyWindows: [
              { weekday: 1, start: '11:00', end: '14:00' },
              { weekday: 3, start: '10:00', end: '11:00' },
              { weekday: 1, start: '09:00', end: '12:00' }, // overlaps Monday 11-14
              { weekday: 1, start: '14:00', end: '15:00' }, // touches it
              { weekday: 1, start: '16:00', end: '17:00' }, // apart: kept
              { weekday: 7, start: '22:00', end: '24:00' },
              { weekday: 3, start: '08:00', end: '09:30' }, // Wednesday, apart from 10-11
              { weekday: 5, start: '09:00', end: '17:00' },
              { weekday: 5, start: '10:00', end: '11:00' }, // inside Friday 9-17
              { weekday: 2, start: '09:00', end: '10:00' },
              { weekday: 2, start: '09:00', end: '10:00' }, // the same twice
            ],
            blackouts: [
              { from: '2030-07-06', to: '2030-07-10' },
              { from: '2030-07-01', to: '2030-07-05' }, // touches 07-06
              { from: '2030-07-08', to: '2030-07-20' }, // overlaps
              { from: '2030-07-22', to: '2030-07-23' }, // a day apart (07-21): kept
              { from: '2030-06-01', to: '2030-06-01' }, // one day
              { from: '2030-09-01', to: '2030-09-30' },
              { from: '2030-09-10', to: '2030-09-12' }, // inside
              { from: '2030-12-31', to: '2031-01-02' },
              { from: '2031-01-03', to: '2031-01-04' }, // touches across the year
            ],
          },
        }),
      )
      expect(response.statusCode, response.body).toBe(201)
      const merged = {
        weeklyWindows: [
          { weekday: 1, start: '09:00', end: '15:00' },
          { weekday: 1, start: '16:00', end: '17:00' },
          { weekday: 2, start: '09:00', end: '10:00' },
          { weekday: 3, start: '08:00', end: '09:30' },
          { weekday: 3, start: '10:00', end: '11:00' },
          { weekday: 5, start: '09:00', end: '17:00' },
          { weekday: 7, start: '22:00', end: '24:00' },
        ],
        blackouts: [
          { from: '2030-06-01', to: '2030-06-01' },
          { from: '2030-07-01', to: '2030-07-20' },
          { from: '2030-07-22', to: '2030-07-23' },
          { from: '2030-09-01', to: '2030-09-30' },
          { from: '2030-12-31', to: '2031-01-04' },
        ],
      }
      expect(response.json().availability).toEqual(merged)
      const [row] = await profileRow(alumnus.id)
      expect({ weeklyWindows: row.weekly_windows, blackouts: row.blackouts }).toEqual(merged)
      const read = await t.request({ method: 'GET', url: `/v1/hosts/${alumnus.id}`, token: school.members.student!.token })
      expect(read.json().availability).toEqual(merged)
    })

    describe('refusals leave the database as it was', () => {
      /** An alumnus with a stored profile, and the profiles table before the refused request. */
      async function hostWithProfile(): Promise<Member> {
        const alumnus = await newMember(['alumni'], 'Refused', 'Host')
        expect((await put(alumnus.id, alumnus.token, hostInput())).statusCode).toBe(201)
        return alumnus
      }

      it('refuses a weekly window that ends before (or when) it starts (400, naming the window as sent)', async () => {
        const alumnus = await hostWithProfile()
        const before = await allProfiles()
        clocked.now = new Date(T0 + HOUR)
        const availability = (window: Record<string, unknown>) => ({
          weeklyWindows: [{ weekday: 2, start: '09:00', end: '12:00' }, window],
          blackouts: [],
        })
        const url = `/v1/hosts/${alumnus.id}`
        const backwards = await put(alumnus.id, alumnus.token, hostInput({ availability: availability({ weekday: 4, start: '13:00', end: '12:00' }) }))
        expectProblem(backwards, 400, {
          type: 'urn:vantage:problem:validation-failed',
          title: 'The request is not valid',
          status: 400,
          detail: 'body.availability.weeklyWindows.1 must end after it starts',
          instance: url,
          errors: [{ field: 'body.availability.weeklyWindows.1', message: 'must end after it starts' }],
        })
        const empty = await put(alumnus.id, alumnus.token, hostInput({ availability: availability({ weekday: 4, start: '13:00', end: '13:00' }) }))
        expectProblem(empty, 400, {
          type: 'urn:vantage:problem:validation-failed',
          title: 'The request is not valid',
          status: 400,
          detail: 'body.availability.weeklyWindows.1 must end after it starts',
          instance: url,
          errors: [{ field: 'body.availability.weeklyWindows.1', message: 'must end after it starts' }],
        })
        // A new profile is not created either.
        const fresh = await newMember(['alumni'], 'Fresh', 'Host')
        const refused = await put(fresh.id, fresh.token, hostInput({ availability: availability({ weekday: 4, start: '13:00', end: '12:00' }) }))
        expect(refused.statusCode).toBe(400)
        expect(await allProfiles()).toEqual(before)
      })

      it('refuses a blackout that ends before it starts (400)', async () => {
        const alumnus = await hostWithProfile()
        const before = await allProfiles()
        const response = await put(
          alumnus.id,
          alumnus.token,
          hostInput({
            availability: {
              weeklyWindows: [],
              blackouts: [
                { from: '2030-05-01', to: '2030-05-01' },
                { from: '2030-06-10', to: '2030-06-09' },
              ],
            },
          }),
        )
        expectProblem(response, 400, {
          type: 'urn:vantage:problem:validation-failed',
          title: 'The request is not valid',
          status: 400,
          detail: 'body.availability.blackouts.1 must not end before it starts',
          instance: `/v1/hosts/${alumnus.id}`,
          errors: [{ field: 'body.availability.blackouts.1', message: 'must not end before it starts' }],
        })
        expect(await allProfiles()).toEqual(before)
      })

      it.each([
        ['maxMeetingsPerMonth', { maxMeetingsPerMonth: -1, maxShadowDaysPerTerm: 5, maxOpenRequests: 6 }],
        ['maxShadowDaysPerTerm', { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: -1, maxOpenRequests: 6 }],
        ['maxOpenRequests', { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: 5, maxOpenRequests: -3 }],
      ])('refuses a negative capacity (%s) by the schema (400)', async (field, capacity) => {
        const alumnus = await hostWithProfile()
        const before = await allProfiles()
        const response = await put(alumnus.id, alumnus.token, hostInput({ capacity }))
        expectProblem(response, 400, {
          type: 'urn:vantage:problem:validation-failed',
          title: 'The request is not valid',
          status: 400,
          detail: '1 field is not valid',
          instance: `/v1/hosts/${alumnus.id}`,
          errors: [{ field: `body.capacity.${field}`, message: 'must be >= 0' }],
        })
        expect(await allProfiles()).toEqual(before)
      })

      it.each(['Mars/Olympus', 'Not a zone', '+05:00'])('refuses a time zone that is not an IANA zone (%s → 400)', async (timeZone) => {
        const alumnus = await hostWithProfile()
        const before = await allProfiles()
        const response = await put(alumnus.id, alumnus.token, hostInput({ timeZone }))
        expectProblem(response, 400, {
          type: 'urn:vantage:problem:validation-failed',
          title: 'The request is not valid',
          status: 400,
          detail: `"${timeZone}" is not an IANA time zone`,
          instance: `/v1/hosts/${alumnus.id}`,
          errors: [{ field: 'body.timeZone', message: 'is not an IANA time zone' }],
        })
        expect(await allProfiles()).toEqual(before)
      })

      it.each([
        ['no location', { location: undefined }],
        ['a null location', { location: null }],
        ['a blank location', { location: '   ' }],
      ])('refuses in-person meetings with %s (400)', async (_case, overrides) => {
        const alumnus = await hostWithProfile()
        const before = await allProfiles()
        const response = await put(alumnus.id, alumnus.token, hostInput({ modes: ['video', 'in_person'], ...overrides }))
        expectProblem(response, 400, {
          type: 'urn:vantage:problem:validation-failed',
          title: 'The request is not valid',
          status: 400,
          detail: 'body.location is required when the host offers in-person meetings',
          instance: `/v1/hosts/${alumnus.id}`,
          errors: [{ field: 'body.location', message: 'is required when modes include in_person' }],
        })
        expect(await allProfiles()).toEqual(before)
        // Without in-person meetings no location is needed.
        const remote = await put(alumnus.id, alumnus.token, hostInput({ modes: ['video'], location: undefined }))
        expect(remote.statusCode, remote.body).toBe(200)
        expect(remote.json().location).toBeNull()
      })

      it('refuses a member without the alumni role (409), even for a school admin', async () => {
        const before = await allProfiles()
        const student = school.members.student!
        const response = await put(student.id, admin, hostInput())
        expectProblem(response, 409, {
          type: 'urn:vantage:problem:conflict',
          title: 'The request conflicts with the current state',
          status: 409,
          detail: 'Only alumni volunteer as hosts; this member has no alumni role',
          instance: `/v1/hosts/${student.id}`,
          roles: ['student'],
        })
        const advisor = school.members.advisor!
        const staff = await put(advisor.id, admin, hostInput())
        expectProblem(staff, 409, {
          type: 'urn:vantage:problem:conflict',
          title: 'The request conflicts with the current state',
          status: 409,
          detail: 'Only alumni volunteer as hosts; this member has no alumni role',
          instance: `/v1/hosts/${advisor.id}`,
          roles: ['advisor'],
        })
        expect(await allProfiles()).toEqual(before)
      })

      it('answers 404 to a school admin for a member that does not exist', async () => {
        const before = await allProfiles()
        const response = await put(ABSENT_ID, admin, hostInput())
        expectProblem(response, 404, notFoundBody('member', `/v1/hosts/${ABSENT_ID}`))
        expect(await allProfiles()).toEqual(before)
      })

      it('refuses another alumnus changing (or creating) someone else\'s profile (403)', async () => {
        const alumnus = await hostWithProfile()
        const other = await newMember(['alumni'], 'Other', 'Alum')
        const before = await allProfiles()
        const body = {
          type: 'urn:vantage:problem:forbidden',
          title: 'The caller may not do this',
          status: 403,
          detail: 'Only the alumnus themselves or a school admin may change a host profile',
        }
        const change = await put(alumnus.id, other.token, hostInput({ organization: 'Hijacked' }))
        expectProblem(change, 403, { ...body, instance: `/v1/hosts/${alumnus.id}` })
        const fresh = await newMember(['alumni'], 'No', 'Profile')
        const create = await put(fresh.id, other.token, hostInput())
        expectProblem(create, 403, { ...body, instance: `/v1/hosts/${fresh.id}` })
        expect(await allProfiles()).toEqual(before)
      })

      it('refuses students and advisors (403 by role), for any member', async () => {
        const alumnus = await hostWithProfile()
        const before = await allProfiles()
        const student = school.members.student!
        for (const [memberId, token] of [
          [alumnus.id, student.token],
          [student.id, student.token],
          [alumnus.id, school.members.advisor!.token],
        ] as const) {
          const response = await put(memberId, token, hostInput({ organization: 'Hijacked' }))
          expectProblem(response, 403, forbiddenBody(`/v1/hosts/${memberId}`))
        }
        expect(await allProfiles()).toEqual(before)
      })
    })

    it('lets a school admin create and keep an alumnus\'s profile', async () => {
      const alumnus = await newMember(['alumni'], 'Kept', 'ByAdmin')
      const created = await put(alumnus.id, admin, hostInput({ organization: 'City Library' }))
      expect(created.statusCode, created.body).toBe(201)
      expect(created.json()).toMatchObject({
        memberId: alumnus.id,
        name: 'Kept ByAdmin',
        organization: 'City Library',
        contact: { email: 'omar.haddad@mercy.example', phone: '+1 312 555 0100' },
      })
      const replaced = await put(alumnus.id, admin, hostInput({ organization: 'City Archive', accepting: false }))
      expect(replaced.statusCode).toBe(200)
      expect(replaced.json()).toMatchObject({ organization: 'City Archive', accepting: false })
      // The alumnus reads what the admin stored, and may change it themselves.
      const read = await t.request({ method: 'GET', url: `/v1/hosts/${alumnus.id}`, token: alumnus.token })
      expect(read.json()).toEqual(replaced.json())
      const own = await put(alumnus.id, alumnus.token, hostInput({ organization: 'City Archive', accepting: true }))
      expect(own.statusCode).toBe(200)
      expect(own.json()).toMatchObject({ organization: 'City Archive', accepting: true })
      const { rows } = await owner.query(`SELECT organization, accepting FROM host_profiles WHERE member_id = $1`, [alumnus.id])
      expect(rows).toEqual([{ organization: 'City Archive', accepting: true }])
    })

    it('refuses a body with unknown properties or a bad weekday/time by the schema (400), writing nothing', async () => {
      const alumnus = await newMember(['alumni'], 'Schema', 'Check')
      const before = await allProfiles()
      const unknown = await put(alumnus.id, alumnus.token, hostInput({ answeredCount: 99 }))
      expect(unknown.statusCode).toBe(400)
      expect(unknown.json().errors).toEqual([{ field: 'body.answeredCount', message: 'is not a known property' }])
      const weekday = await put(alumnus.id, alumnus.token, hostInput({ availability: { weeklyWindows: [{ weekday: 8, start: '09:00', end: '10:00' }], blackouts: [] } }))
      expect(weekday.statusCode).toBe(400)
      expect(weekday.json().errors).toEqual([{ field: 'body.availability.weeklyWindows.0.weekday', message: 'must be <= 7' }])
      const time = await put(alumnus.id, alumnus.token, hostInput({ availability: { weeklyWindows: [{ weekday: 1, start: '09:00', end: '24:30' }], blackouts: [] } }))
      expect(time.statusCode).toBe(400)
      expect(time.json().errors.map((error: { field: string }) => error.field)).toEqual(['body.availability.weeklyWindows.0.end'])
      expect(await allProfiles()).toEqual(before)
    })
  })

  describe('who sees a host\'s contact details', () => {
    let host: Member
    let otherHost: Member
    let stored: Record<string, unknown>

    beforeAll(async () => {
      host = await newMember(['alumni'], 'Vis', 'Host')
      otherHost = await newMember(['alumni'], 'Vis', 'Other')
      const response = await put(host.id, host.token, hostInput({ organization: 'Visibility Inc' }))
      expect(response.statusCode).toBe(201)
      stored = response.json()
      expect((await put(otherHost.id, otherHost.token, hostInput({ organization: 'Other Visibility Inc', contactEmail: 'other@vis.example' }))).statusCode).toBe(201)
    })

    it('GET /v1/hosts/:memberId: null for students and other alumni; shown to the host, advisors and admins', async () => {
      const hidden = { ...stored, contact: null }
      const cases: Array<[string, string, unknown]> = [
        ['student', school.members.student!.token, hidden],
        ['another alumnus', otherHost.token, hidden],
        ['an alumnus without a profile', school.members.alumni!.token, hidden],
        ['the host', host.token, stored],
        ['an advisor', school.members.advisor!.token, stored],
        ['a school admin', admin, stored],
      ]
      for (const [who, token, expected] of cases) {
        const response = await t.request({ method: 'GET', url: `/v1/hosts/${host.id}`, token })
        expect(response.statusCode, who).toBe(200)
        expect(response.json(), who).toEqual(expected)
      }
    })

    it('GET /v1/hosts: the same rule per item', async () => {
      const contactsSeenBy = async (token: string) => {
        const response = await t.request({ method: 'GET', url: '/v1/hosts?limit=100', token })
        expect(response.statusCode).toBe(200)
        const items = response.json().items as Array<{ memberId: string; contact: unknown }>
        return Object.fromEntries(items.filter((item) => item.memberId === host.id || item.memberId === otherHost.id).map((item) => [item.memberId, item.contact]))
      }
      const hostContact = { email: 'omar.haddad@mercy.example', phone: '+1 312 555 0100' }
      const otherContact = { email: 'other@vis.example', phone: '+1 312 555 0100' }
      expect(await contactsSeenBy(school.members.student!.token)).toEqual({ [host.id]: null, [otherHost.id]: null })
      expect(await contactsSeenBy(host.token)).toEqual({ [host.id]: hostContact, [otherHost.id]: null })
      expect(await contactsSeenBy(otherHost.token)).toEqual({ [host.id]: null, [otherHost.id]: otherContact })
      expect(await contactsSeenBy(school.members.advisor!.token)).toEqual({ [host.id]: hostContact, [otherHost.id]: otherContact })
      expect(await contactsSeenBy(admin)).toEqual({ [host.id]: hostContact, [otherHost.id]: otherContact })
      // A student's list shows no contact at all.
      const list = await t.request({ method: 'GET', url: '/v1/hosts?limit=100', token: school.members.student!.token })
      expect((list.json().items as Array<{ contact: unknown }>).every((item) => item.contact === null)).toBe(true)
    })

    it('answers 404 for a member without a profile and for an unknown id', async () => {
      const student = school.members.student!.token
      for (const id of [ABSENT_ID, school.members.alumni!.id, school.members.student!.id]) {
        const response = await t.request({ method: 'GET', url: `/v1/hosts/${id}`, token: student })
        expectProblem(response, 404, notFoundBody('host', `/v1/hosts/${id}`))
      }
      const malformed = await t.request({ method: 'GET', url: '/v1/hosts/not-a-uuid', token: student })
      expect(malformed.statusCode).toBe(400)
      expect(malformed.json().errors.map((error: { field: string }) => error.field)).toEqual(['params.memberId'])
    })

    it('refuses callers without a token (401)', async () => {
      const response = await t.request({ method: 'GET', url: `/v1/hosts/${host.id}` })
      expect(response.statusCode).toBe(401)
    })
  })

  describe('GET /v1/hosts: filters and pages', () => {
    let listSchool: TestSchool
    const hosts: Record<string, string> = {}
    let ids: string[]

    beforeAll(async () => {
      listSchool = await t.school('hosts-list')
      const profiles: Record<string, Record<string, unknown>> = {
        mercy: { organization: 'Mercy Hospital', industries: ['Healthcare'], offers: ['informational_interview'], accepting: true },
        bank: { organization: 'First Bank', industries: ['Finance'], offers: ['job_shadow'], accepting: false },
        mercyToo: { organization: 'MERCY HOSPITAL', industries: ['Research', 'Healthcare'], offers: ['informational_interview', 'job_shadow'], accepting: true },
        lab: { organization: 'Mercy Hospital Lab', industries: ['Research'], offers: ['job_shadow'], accepting: true },
        studio: { organization: 'Studio Nine', industries: ['Design'], offers: ['informational_interview'], accepting: false },
      }
      for (const [name, profile] of Object.entries(profiles)) {
        const alumnus = await newMember(['alumni'], name, 'Lister', listSchool)
        const response = await put(alumnus.id, alumnus.token, hostInput(profile))
        expect(response.statusCode, response.body).toBe(201)
        hosts[name] = alumnus.id
      }
      ids = Object.values(hosts).sort()
    })

    const list = async (query: string) => {
      const response = await t.request({ method: 'GET', url: `/v1/hosts${query}`, token: listSchool.members.student!.token })
      expect(response.statusCode, response.body).toBe(200)
      return response.json() as { items: Array<{ memberId: string }>; nextCursor: string | null }
    }
    const memberIds = async (query: string) => (await list(query)).items.map((item) => item.memberId)
    const sorted = (...names: string[]) => names.map((name) => hosts[name]!).sort()

    it('lists every host of the school (not alumni without a profile, not other schools\' hosts), by member id', async () => {
      const page = await list('')
      expect(page.items.map((item) => item.memberId)).toEqual(ids)
      expect(page.nextCursor).toBeNull()
      expect(page.items.map((item) => item.memberId)).not.toContain(listSchool.members.alumni!.id)
    })

    it.each([
      ['?accepting=true', ['mercy', 'mercyToo', 'lab']],
      ['?accepting=false', ['bank', 'studio']],
      ['?offers=job_shadow', ['bank', 'mercyToo', 'lab']],
      ['?offers=informational_interview', ['mercy', 'mercyToo', 'studio']],
      ['?industry=Healthcare', ['mercy', 'mercyToo']],
      ['?industry=Research', ['mercyToo', 'lab']],
      ['?industry=Law', []],
      ['?organization=mercy%20hospital', ['mercy', 'mercyToo']],
      ['?organization=First%20Bank', ['bank']],
      // Literally: "%" and "_" are characters, not wildcards.
      ['?organization=%25', []],
      ['?organization=First_Bank', []],
      ['?organization=mercy%25', []],
      ['?accepting=true&offers=job_shadow', ['mercyToo', 'lab']],
      ['?accepting=true&industry=Healthcare&offers=job_shadow', ['mercyToo']],
    ])('filters %s', async (query, names) => {
      expect(await memberIds(query)).toEqual(sorted(...names))
    })

    it('pages with limit and cursor, each host once, in member-id order', async () => {
      const first = await list('?limit=2')
      expect(first.items.map((item) => item.memberId)).toEqual(ids.slice(0, 2))
      expect(first.nextCursor).toEqual(expect.any(String))
      const second = await list(`?limit=2&cursor=${first.nextCursor}`)
      expect(second.items.map((item) => item.memberId)).toEqual(ids.slice(2, 4))
      expect(second.nextCursor).toEqual(expect.any(String))
      const third = await list(`?limit=2&cursor=${second.nextCursor}`)
      expect(third.items.map((item) => item.memberId)).toEqual(ids.slice(4))
      expect(third.nextCursor).toBeNull()
      // A filtered list pages too.
      const filtered = await list('?accepting=true&limit=2')
      expect(filtered.items.map((item) => item.memberId)).toEqual(sorted('mercy', 'mercyToo', 'lab').slice(0, 2))
      const rest = await list(`?accepting=true&limit=2&cursor=${filtered.nextCursor}`)
      expect(rest.items.map((item) => item.memberId)).toEqual(sorted('mercy', 'mercyToo', 'lab').slice(2))
      expect(rest.nextCursor).toBeNull()
    })

    it('refuses a bad filter or page size (400)', async () => {
      for (const query of ['?offers=coffee', '?limit=0', '?limit=101', '?accepting=maybe', '?colour=blue']) {
        const response = await t.request({ method: 'GET', url: `/v1/hosts${query}`, token: listSchool.members.student!.token })
        expect(response.statusCode, query).toBe(400)
        expect(response.json().type).toBe('urn:vantage:problem:validation-failed')
      }
    })
  })
})
