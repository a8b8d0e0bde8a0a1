// Cohort programmes through the API: creating and changing a programme, its hosts and students,
// assignment runs (pairs with reasons, unmatched students with the constraint that blocked them,
// pins and forbidden pairs, determinism, optimality), publishing a run (one request per pair) and the
// load per host. The app runs on a clock of the test's own; the programme is the week after T0.
// Expected values are computed here independently: scores by the formula of docs/hosts-and-matching.md, the optimum by
// enumeration, Gini coefficients by the double-sum definition.
import pg from 'pg'
import { beforeAll, describe, expect, it } from 'vitest'
import type { TestApp, TestSchool } from './helpers/app.js'
import { clockedSchool } from './helpers/clocked.js'
import { MINUTE, HOUR, DAY, iso } from './helpers/time.js'
import { ABSENT_ID, JSON_TYPE, UUID, expectProblem, forbiddenBody, notFoundBody } from './helpers/problems.js'

/** The app's "now" at the start of every test: a Monday. */
const T0 = Date.parse('2030-03-04T09:00:00.000Z')
const STARTS_ON = '2030-03-11'
const ENDS_ON = '2030-03-15'
/** The programme's first instant and the instant after its last day, in the school's zone (New York, EDT from 10 March 2030). */
const PROGRAMME_START = '2030-03-11T04:00:00.000Z'
const PROGRAMME_END = '2030-03-16T04:00:00.000Z'
const WEEKDAYS_9_TO_5 = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }))
/** The first window of a Mon-Fri 09:00-17:00 New York host in the programme, as the reasons name it. */
const FIRST_WINDOW = 'Available Mon 11 Mar, 09:00-17:00 (America/New_York)'
const NEW_HOST = { code: 'responsive', text: 'New host: no requests answered or expired yet' }
const FULL_MONTH = { code: 'capacity_left', text: 'Has 10 of 10 meetings left that month' }
const AVAILABLE = { code: 'available', text: FIRST_WINDOW }
const CONFLICT_TITLE = 'The request conflicts with the current state'
const INVALID_TITLE = 'The request is not valid'
const PUBLISHED_DETAIL = 'This programme is published; its participants and dates are fixed'

const round3 = (value: number) => Math.round(value * 1000) / 1000

/** The Gini coefficient by its definition: Σ_i Σ_j |x_i − x_j| / (2·n²·mean), 0 when all are zero. */
function giniDirect(values: number[]): number {
  const n = values.length
  const mean = values.reduce((sum, value) => sum + value, 0) / n
  if (n === 0 || mean === 0) return 0
  let sum = 0
  for (const a of values) for (const b of values) sum += Math.abs(a - b)
  return sum / (2 * n * n * mean)
}


interface Person {
  id: string
  externalId: string
  token: string
  name: string
}

interface RunPair {
  studentId: string
  hostId: string
  score: number
  fit: number
  preferenceRank: number | null
  pinned: boolean
  reasons: Array<{ code: string; text: string }>
}

interface Run {
  id: string
  inputDigest: string
  objective: number
  pairs: RunPair[]
  unmatched: Array<{ studentId: string; placementsWanted: number; placementsMade: number; reason: string; detail: string }>
  stats: Record<string, number>
  pins: unknown[]
  forbidden: unknown[]
  publishedAt: string | null
  createdAt: string
  [key: string]: unknown
}

const invalidBody = (instance: string, field: string, message: string) => ({
  type: 'urn:vantage:problem:validation-failed',
  title: INVALID_TITLE,
  status: 400,
  detail: `${field} ${message}`,
  instance,
  errors: [{ field, message }],
})

const schemaInvalidBody = (instance: string, field: string, message: string) => ({
  type: 'urn:vantage:problem:validation-failed',
  title: INVALID_TITLE,
  status: 400,
  detail: '1 field is not valid',
  instance,
  errors: [{ field, message }],
})

const conflictBody = (instance: string, detail: string, extensions: Record<string, unknown>) => ({
  type: 'urn:vantage:problem:conflict',
  title: CONFLICT_TITLE,
  status: 409,
  detail,
  instance,
  ...extensions,
})

describe('programmes', () => {
  const clocked = clockedSchool('prog-u', T0)
  let t: TestApp, school: TestSchool, owner: pg.Client
  let advisor: string
  let sequence = 0

  beforeAll(() => {
    ;({ app: t, school, owner } = clocked)
    advisor = school.members.advisor!.token
  })

  // ---- fixtures through the API ------------------------------------------------------------------

  async function member(of: TestSchool, roles: string[], body: Record<string, unknown> = {}): Promise<Person> {
    const externalId = `${of.slug}-m-${++sequence}`
    const name = `${roles[0]} ${sequence}`
    const response = await t.request({ method: 'PUT', url: `/v1/members/${externalId}`, token: of.members.school_admin!.token, payload: { roles, givenName: name, ...body } })
    expect(response.statusCode, response.body).toBe(201)
    return { id: response.json().id, externalId, token: await t.memberToken(of.id, externalId), name }
  }

  async function newHost(profile: Record<string, unknown> = {}, of: TestSchool = school): Promise<Person> {
    const person = await member(of, ['alumni'])
    const response = await t.request({
      method: 'PUT',
      url: `/v1/hosts/${person.id}`,
      token: of.members.school_admin!.token,
      payload: {
        organization: 'Acme',
        industries: ['Design'],
        occupations: [],
        offers: ['informational_interview', 'job_shadow'],
        modes: ['video'],
        accepting: true,
        timeZone: 'America/New_York',
        contactEmail: `${person.externalId}@hosts.example`,
        capacity: { maxMeetingsPerMonth: 10, maxShadowDaysPerTerm: 10, maxOpenRequests: 10 },
        availability: { weeklyWindows: WEEKDAYS_9_TO_5, blackouts: [] },
        ...profile,
      },
    })
    expect(response.statusCode, response.body).toBe(201)
    return person
  }

  const newStudent = (fieldsOfInterest: string[] = ['Design'], extra: Record<string, unknown> = {}, of: TestSchool = school) =>
    member(of, ['student'], { fieldsOfInterest, ...extra })

  async function createProgram(overrides: Record<string, unknown> = {}, token = advisor) {
    const response = await t.request({
      method: 'POST',
      url: '/v1/programs',
      token,
      payload: { name: `Programme ${++sequence}`, kind: 'informational_interview', modes: ['video'], startsOn: STARTS_ON, endsOn: ENDS_ON, ...overrides },
    })
    expect(response.statusCode, response.body).toBe(201)
    return response.json() as { id: string } & Record<string, unknown>
  }

  const putHosts = (programId: string, hosts: Array<[Person | string, number]>, token = advisor) =>
    t.request({
      method: 'PUT',
      url: `/v1/programs/${programId}/hosts`,
      token,
      payload: { hosts: hosts.map(([host, capacity]) => ({ hostId: typeof host === 'string' ? host : host.id, capacity })) },
    })

  const putStudents = (programId: string, students: Array<Record<string, unknown>>, token = advisor) =>
    t.request({ method: 'PUT', url: `/v1/programs/${programId}/students`, token, payload: { students } })

  async function setHosts(programId: string, hosts: Array<[Person | string, number]>, token = advisor) {
    const response = await putHosts(programId, hosts, token)
    expect(response.statusCode, response.body).toBe(200)
    return response.json()
  }

  async function setStudents(programId: string, students: Array<Record<string, unknown>>, token = advisor) {
    const response = await putStudents(programId, students, token)
    expect(response.statusCode, response.body).toBe(200)
    return response.json()
  }

  const runRequest = (programId: string, payload: Record<string, unknown> = {}, token = advisor) =>
    t.request({ method: 'POST', url: `/v1/programs/${programId}/assignment-runs`, token, payload })

  async function run(programId: string, payload: Record<string, unknown> = {}, token = advisor): Promise<Run> {
    const response = await runRequest(programId, payload, token)
    expect(response.statusCode, response.body).toBe(201)
    expect(response.headers['content-type']).toBe(JSON_TYPE)
    return withoutNames(response.json())
  }

  /**
   * The run without its display names, which every pair and unmatched student carries (checked
   * here, and exactly in "names the members of each pair"), so that the tests of the assignment
   * compare what the solver decided.
   */
  function withoutNames(body: { pairs: Array<Record<string, unknown>>; unmatched: Array<Record<string, unknown>> }): Run {
    for (const pair of body.pairs) expect([typeof pair.studentName, typeof pair.hostName]).toEqual(['string', 'string'])
    for (const student of body.unmatched) expect(typeof student.studentName).toBe('string')
    return {
      ...body,
      pairs: body.pairs.map(({ studentName: _student, hostName: _host, ...pair }) => pair),
      unmatched: body.unmatched.map(({ studentName: _student, ...student }) => student),
    } as unknown as Run
  }

  const publish = (programId: string, runId: string, token = advisor) =>
    t.request({ method: 'POST', url: `/v1/programs/${programId}/assignment-runs/${runId}/publish`, token })

  /** Everything a programme owns in the database, to show a refused request changed nothing. */
  async function programState(programId: string) {
    const rows = async (sql: string) => (await owner.query(sql, [programId])).rows
    return {
      program: await rows(
        `SELECT name, description, kind::text, modes::text[] AS modes, starts_on::text, ends_on::text, published_run_id::text, published_at, updated_at FROM programs WHERE id = $1`,
      ),
      hosts: await rows(`SELECT host_id::text, capacity FROM program_hosts WHERE program_id = $1 ORDER BY host_id`),
      students: await rows(
        `SELECT student_id::text, placements, preferences::text[] AS preferences, modes::text[] AS modes, location FROM program_students WHERE program_id = $1 ORDER BY student_id`,
      ),
      runs: await rows(`SELECT id::text, published_at FROM assignment_runs WHERE program_id = $1 ORDER BY id`),
      requests: await rows(`SELECT id::text, status::text FROM host_requests WHERE program_id = $1 ORDER BY id`),
    }
  }

  const sortPairs = <T extends { studentId: string; hostId: string }>(pairs: T[]) =>
    [...pairs].sort((a, b) => a.studentId.localeCompare(b.studentId) || a.hostId.localeCompare(b.hostId))
  const keys = (pairs: Array<{ studentId: string; hostId: string }>) => pairs.map((pair) => `${pair.studentId}|${pair.hostId}`)

  // ---- the programme itself ----------------------------------------------------------------------

  describe('creating, listing, reading and changing a programme', () => {
    it('creates a draft programme as given (name trimmed), lists it, reads it with no participants and changes it', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/v1/programs',
        token: advisor,
        payload: { name: '  Spring interview week ', description: 'Talk to alumni in your field.', kind: 'informational_interview', modes: ['video', 'phone'], startsOn: STARTS_ON, endsOn: ENDS_ON },
      })
      expect(created.statusCode, created.body).toBe(201)
      expect(created.headers['content-type']).toBe(JSON_TYPE)
      const program = created.json()
      expect(program).toEqual({
        id: expect.stringMatching(UUID),
        name: 'Spring interview week',
        description: 'Talk to alumni in your field.',
        kind: 'informational_interview',
        modes: ['video', 'phone'],
        startsOn: STARTS_ON,
        endsOn: ENDS_ON,
        status: 'draft',
        publishedRunId: null,
        publishedAt: null,
        hostCount: 0,
        studentCount: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      })
      const { rows } = await owner.query(
        `SELECT school_id::text, name, description, kind::text, modes::text[] AS modes, starts_on::text, ends_on::text, published_run_id, published_at FROM programs WHERE id = $1`,
        [program.id],
      )
      expect(rows).toEqual([
        {
          school_id: school.id,
          name: 'Spring interview week',
          description: 'Talk to alumni in your field.',
          kind: 'informational_interview',
          modes: ['video', 'phone'],
          starts_on: STARTS_ON,
          ends_on: ENDS_ON,
          published_run_id: null,
          published_at: null,
        },
      ])

      // School admins organise programmes too.
      const list = await t.request({ method: 'GET', url: '/v1/programs?limit=100', token: school.members.school_admin!.token })
      expect(list.statusCode).toBe(200)
      expect(list.json().items.filter((item: { id: string }) => item.id === program.id)).toEqual([program])

      const detail = await t.request({ method: 'GET', url: `/v1/programs/${program.id}`, token: advisor })
      expect(detail.statusCode).toBe(200)
      expect(detail.json()).toEqual({ program, hosts: [], students: [] })

      const patched = await t.request({ method: 'PATCH', url: `/v1/programs/${program.id}`, token: advisor, payload: { name: ' Interview week ', description: null, endsOn: '2030-03-18' } })
      expect(patched.statusCode, patched.body).toBe(200)
      expect(patched.json()).toEqual({ ...program, name: 'Interview week', description: null, endsOn: '2030-03-18', updatedAt: expect.any(String) })
      const after = await owner.query(`SELECT name, description, starts_on::text, ends_on::text, kind::text FROM programs WHERE id = $1`, [program.id])
      expect(after.rows).toEqual([{ name: 'Interview week', description: null, starts_on: STARTS_ON, ends_on: '2030-03-18', kind: 'informational_interview' }])
      const reread = await t.request({ method: 'GET', url: `/v1/programs/${program.id}`, token: advisor })
      expect(reread.json().program).toEqual(patched.json())
    })

    it('answers 404 for a programme that does not exist', async () => {
      for (const [method, url] of [
        ['GET', `/v1/programs/${ABSENT_ID}`],
        ['PATCH', `/v1/programs/${ABSENT_ID}`],
        ['PUT', `/v1/programs/${ABSENT_ID}/hosts`],
        ['PUT', `/v1/programs/${ABSENT_ID}/students`],
        ['POST', `/v1/programs/${ABSENT_ID}/assignment-runs`],
        ['GET', `/v1/programs/${ABSENT_ID}/assignment-runs`],
        ['GET', `/v1/programs/${ABSENT_ID}/load`],
      ] as const) {
        const payload = method === 'PATCH' ? { name: 'x' } : method === 'PUT' ? (url.endsWith('hosts') ? { hosts: [] } : { students: [] }) : method === 'POST' ? {} : undefined
        expectProblem(await t.request({ method, url, token: advisor, payload }), 404, notFoundBody('programme', url))
      }
    })

    it.each([
      ['ends the day before it starts', { startsOn: STARTS_ON, endsOn: '2030-03-10' }, 'must not be before startsOn'],
      ['ends a year before it starts', { startsOn: STARTS_ON, endsOn: '2029-03-11' }, 'must not be before startsOn'],
      ['lasts longer than 90 days', { startsOn: STARTS_ON, endsOn: '2030-06-10' }, 'must be at most 90 days after startsOn'],
    ])('refuses a programme that %s (400) and writes nothing', async (_case, dates, message) => {
      const count = async () => (await owner.query(`SELECT count(*)::int AS n FROM programs WHERE school_id = $1`, [school.id])).rows[0].n
      const before = await count()
      const response = await t.request({ method: 'POST', url: '/v1/programs', token: advisor, payload: { name: 'Bad dates', kind: 'job_shadow', modes: ['in_person'], ...dates } })
      expectProblem(response, 400, invalidBody('/v1/programs', 'body.endsOn', message))
      expect(await count()).toBe(before)
    })

    it('accepts a one-day programme and one of exactly 90 days', async () => {
      expect((await createProgram({ startsOn: STARTS_ON, endsOn: STARTS_ON })).endsOn).toBe(STARTS_ON)
      expect((await createProgram({ startsOn: STARTS_ON, endsOn: '2030-06-09' })).endsOn).toBe('2030-06-09')
    })

    it('refuses a change that makes the programme end before it starts, against the stored dates, leaving it as it was', async () => {
      const program = await createProgram()
      const instance = `/v1/programs/${program.id}`
      const before = await programState(program.id)
      expectProblem(await t.request({ method: 'PATCH', url: instance, token: advisor, payload: { endsOn: '2030-03-10' } }), 400, invalidBody(instance, 'body.endsOn', 'must not be before startsOn'))
      expectProblem(await t.request({ method: 'PATCH', url: instance, token: advisor, payload: { startsOn: '2030-03-16' } }), 400, invalidBody(instance, 'body.endsOn', 'must not be before startsOn'))
      expectProblem(
        await t.request({ method: 'PATCH', url: instance, token: advisor, payload: { name: 'Still valid name', startsOn: '2030-03-20', endsOn: '2030-03-19' } }),
        400,
        invalidBody(instance, 'body.endsOn', 'must not be before startsOn'),
      )
      expect(await programState(program.id)).toEqual(before)
    })

    it('refuses a name of only spaces (400) and writes nothing', async () => {
      const count = async () => (await owner.query(`SELECT count(*)::int AS n FROM programs WHERE school_id = $1`, [school.id])).rows[0].n
      const before = await count()
      const response = await t.request({ method: 'POST', url: '/v1/programs', token: advisor, payload: { name: '   ', kind: 'job_shadow', modes: ['in_person'], startsOn: STARTS_ON, endsOn: ENDS_ON } })
      expectProblem(response, 400, invalidBody('/v1/programs', 'body.name', 'must not be blank'))
      expect(await count()).toBe(before)
    })

    it('refuses changing the kind to one a participating host does not offer, leaving the programme as it was', async () => {
      const interviewsOnly = await newHost({ offers: ['informational_interview'] })
      const program = await createProgram({ kind: 'informational_interview' })
      await setHosts(program.id, [[interviewsOnly, 1]])
      const before = await programState(program.id)
      const response = await t.request({ method: 'PATCH', url: `/v1/programs/${program.id}`, token: advisor, payload: { kind: 'job_shadow' } })
      expect(response.statusCode, response.body).toBe(400)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:validation-failed', status: 400, errors: [{ field: 'body.kind', message: expect.any(String) }] })
      expect(await programState(program.id)).toEqual(before)
    })
  })

  // ---- participants ------------------------------------------------------------------------------

  describe('PUT /v1/programs/:id/hosts', () => {
    it('sets the hosts with their capacity; refuses an unknown host (404), a host not offering the kind (400), a negative capacity and a repeated host (400), leaving the list as it was', async () => {
      const shadowHost = await newHost({ modes: ['in_person'], location: 'Chicago', organization: 'Mercy Hospital' })
      const interviewOnly = await newHost({ offers: ['informational_interview'] })
      const notAHost = await newStudent()
      const program = await createProgram({ kind: 'job_shadow', modes: ['in_person'] })
      const url = `/v1/programs/${program.id}/hosts`

      const set = await putHosts(program.id, [[shadowHost, 2]])
      expect(set.statusCode, set.body).toBe(200)
      expect(set.json()).toEqual({
        program: { ...program, hostCount: 1, updatedAt: expect.any(String) },
        hosts: [{ hostId: shadowHost.id, name: shadowHost.name, organization: 'Mercy Hospital', capacity: 2 }],
        students: [],
      })
      const before = await programState(program.id)
      expect(before.hosts).toEqual([{ host_id: shadowHost.id, capacity: 2 }])

      expectProblem(await putHosts(program.id, [[shadowHost, 1], [ABSENT_ID, 1]]), 404, notFoundBody('host (hosts.1)', url))
      expectProblem(await putHosts(program.id, [[shadowHost, 1], [notAHost, 1]]), 404, notFoundBody('host (hosts.1)', url))
      expectProblem(await putHosts(program.id, [[shadowHost, 1], [interviewOnly, 1]]), 400, invalidBody(url, 'body.hosts.1.hostId', 'is a host who does not offer job shadows'))
      expectProblem(await putHosts(program.id, [[shadowHost, -1]]), 400, schemaInvalidBody(url, 'body.hosts.0.capacity', 'must be >= 0'))
      expectProblem(await putHosts(program.id, [[shadowHost, 1], [shadowHost, 2]]), 400, invalidBody(url, 'body.hosts.1.hostId', 'repeats an earlier host'))
      expect(await programState(program.id)).toEqual(before)

      // Replacing the list: the new one only.
      const replaced = await setHosts(program.id, [])
      expect(replaced.hosts).toEqual([])
      expect(replaced.program.hostCount).toBe(0)
    })

    it('drops the students\' preferences for hosts taken out of the programme, keeping the order of the rest', async () => {
      const [a, b, c] = [await newHost(), await newHost(), await newHost()]
      const s = await newStudent()
      const program = await createProgram()
      await setHosts(program.id, [[a, 1], [b, 1], [c, 1]])
      await setStudents(program.id, [{ studentId: s.id, preferences: [c.id, a.id, b.id] }])
      const detail = await setHosts(program.id, [[b, 1], [c, 1]])
      expect(detail.students).toEqual([{ studentId: s.id, name: s.name, placements: 1, preferences: [c.id, b.id], modes: [], location: null }])
      expect((await programState(program.id)).students).toEqual([{ student_id: s.id, placements: 1, preferences: [c.id, b.id], modes: [], location: null }])
    })
  })

  describe('PUT /v1/programs/:id/students', () => {
    it('sets the students; refuses a non-student (404) and preferences naming a host outside the programme (400), leaving the list as it was', async () => {
      const inside = await newHost({ modes: ['video', 'in_person'], location: 'Chicago' })
      const outside = await newHost()
      const [s1, s2] = [await newStudent(), await newStudent()]
      const alum = await member(school, ['alumni'])
      const program = await createProgram({ modes: ['video', 'in_person'] })
      const url = `/v1/programs/${program.id}/students`
      await setHosts(program.id, [[inside, 2]])

      const set = await putStudents(program.id, [{ studentId: s2.id }, { studentId: s1.id, placements: 2, preferences: [inside.id], modes: ['in_person'], location: 'Chicago' }])
      expect(set.statusCode, set.body).toBe(200)
      expect(set.json()).toEqual({
        program: { ...program, hostCount: 1, studentCount: 2, updatedAt: expect.any(String) },
        hosts: [{ hostId: inside.id, name: inside.name, organization: 'Acme', capacity: 2 }],
        students: [
          { studentId: s1.id, name: s1.name, placements: 2, preferences: [inside.id], modes: ['in_person'], location: 'Chicago' },
          { studentId: s2.id, name: s2.name, placements: 1, preferences: [], modes: [], location: null },
        ],
      })
      const before = await programState(program.id)

      expectProblem(await putStudents(program.id, [{ studentId: s1.id }, { studentId: alum.id }]), 404, notFoundBody('student (students.1)', url))
      expectProblem(await putStudents(program.id, [{ studentId: school.members.advisor!.id }]), 404, notFoundBody('student (students.0)', url))
      expectProblem(await putStudents(program.id, [{ studentId: ABSENT_ID }]), 404, notFoundBody('student (students.0)', url))
      expectProblem(
        await putStudents(program.id, [{ studentId: s1.id, preferences: [inside.id, outside.id] }]),
        400,
        invalidBody(url, 'body.students.0.preferences.1', 'names a host who is not in the programme'),
      )
      expectProblem(
        await putStudents(program.id, [{ studentId: s2.id }, { studentId: s1.id, modes: ['phone'] }]),
        400,
        invalidBody(url, 'body.students.1.modes', 'must include one of the programme\'s modes (video, in_person)'),
      )
      expectProblem(await putStudents(program.id, [{ studentId: s1.id }, { studentId: s1.id }]), 400, invalidBody(url, 'body.students.1.studentId', 'repeats an earlier student'))
      expectProblem(await putStudents(program.id, [{ studentId: s1.id, placements: 6 }]), 400, schemaInvalidBody(url, 'body.students.0.placements', 'must be <= 5'))
      expect(await programState(program.id)).toEqual(before)
    })
  })

  // ---- runs --------------------------------------------------------------------------------------

  describe('assignment runs', () => {
    it('refuses a run of a programme without hosts or without students (409), writing no run', async () => {
      const h = await newHost()
      const s = await newStudent()
      const noHosts = await createProgram()
      await setStudents(noHosts.id, [{ studentId: s.id }])
      const noStudents = await createProgram()
      await setHosts(noStudents.id, [[h, 1]])
      const detail = 'A programme needs at least one host and one student before it can be assigned'
      expectProblem(await runRequest(noHosts.id), 409, conflictBody(`/v1/programs/${noHosts.id}/assignment-runs`, detail, { hostCount: 0, studentCount: 1 }))
      expectProblem(await runRequest(noStudents.id), 409, conflictBody(`/v1/programs/${noStudents.id}/assignment-runs`, detail, { hostCount: 1, studentCount: 0 }))
      expect((await programState(noHosts.id)).runs).toEqual([])
      expect((await programState(noStudents.id)).runs).toEqual([])
    })

    it('explains every pair and names, for each student left out, the constraint that blocked them: all five reasons', async () => {
      const nurse = await newHost({ industries: ['Healthcare'], occupations: ['Nursing'] })
      const law = await newHost({ industries: ['Legal'], occupations: ['Law'] })
      const forestWeekend = await newHost({ industries: ['Forestry'], availability: { weeklyWindows: [{ weekday: 6, start: '09:00', end: '17:00' }], blackouts: [] } })
      const forestAway = await newHost({ industries: ['Forestry'], availability: { weeklyWindows: WEEKDAYS_9_TO_5, blackouts: [{ from: '2030-03-09', to: '2030-03-17' }] } })
      const retail = await newHost({ industries: ['Retail'], modes: ['in_person'], location: 'Chicago' })
      const sMode = await newStudent(['Retail'])
      const sField = await newStudent(['Astronomy'])
      const sAvail = await newStudent(['Forestry'])
      const sForbid = await newStudent(['Law'])
      const sFullA = await newStudent(['Nursing'])
      const sFullB = await newStudent(['nursing'])
      const sRetail = await newStudent(['Retail'])
      const program = await createProgram({ modes: ['video', 'in_person'] })
      await setHosts(program.id, [[nurse, 1], [law, 1], [forestWeekend, 2], [forestAway, 2], [retail, 1]])
      await setStudents(program.id, [
        { studentId: sMode.id, modes: ['in_person'], location: 'Boston' },
        { studentId: sField.id },
        { studentId: sAvail.id },
        { studentId: sForbid.id },
        { studentId: sFullA.id, preferences: [nurse.id] },
        { studentId: sFullB.id },
        { studentId: sRetail.id, modes: ['in_person'], location: 'chicago' },
      ])
      const forbidden = [{ studentId: sForbid.id, hostId: law.id }]
      const result = await run(program.id, { forbidden })

      const expectedPairs: RunPair[] = sortPairs([
        {
          studentId: sFullA.id,
          hostId: nurse.id,
          score: 0.846,
          fit: 1.146,
          preferenceRank: 1,
          pinned: false,
          reasons: [{ code: 'preference', text: 'The student\'s choice #1' }, { code: 'shared_field', text: 'Works in Nursing, a field you are exploring' }, FULL_MONTH, NEW_HOST, AVAILABLE],
        },
        {
          studentId: sRetail.id,
          hostId: retail.id,
          score: 0.846,
          fit: 0.846,
          preferenceRank: null,
          pinned: false,
          reasons: [{ code: 'shared_field', text: 'Works in Retail, a field you are exploring' }, FULL_MONTH, NEW_HOST, AVAILABLE],
        },
      ])
      const short = (studentId: string, reason: string, detail: string) => ({ studentId, placementsWanted: 1, placementsMade: 0, reason, detail })
      const expectedUnmatched = [
        short(sMode.id, 'no_compatible_mode', 'No host in the programme meets in a mode (and place) the student can do'),
        short(sField.id, 'no_host_in_field', 'None of the 5 hosts with a workable mode works in the student\'s fields'),
        short(sAvail.id, 'no_host_available', 'None of the 2 hosts in the student\'s field is available with capacity during the programme'),
        short(sForbid.id, 'all_pairs_forbidden', 'Every one of the 1 fitting hosts is forbidden for this student'),
        short(sFullB.id, 'all_fitting_hosts_full', 'All 1 fitting hosts are full with students who fit them better'),
      ].sort((a, b) => a.studentId.localeCompare(b.studentId))

      expect(result).toEqual({
        id: expect.stringMatching(UUID),
        programId: program.id,
        createdBy: school.members.advisor!.id,
        inputDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
        pins: [],
        forbidden,
        objective: 1.992,
        pairs: expectedPairs,
        unmatched: expectedUnmatched,
        stats: {
          students: 7,
          hosts: 5,
          placementsWanted: 7,
          placementsMade: 2,
          candidatePairs: 3,
          solveMs: expect.any(Number),
          placementGini: round3(giniDirect([1, 1, 0, 0, 0])),
        },
        publishedAt: null,
        createdAt: expect.any(String),
      })
      // The run is kept as answered.
      const read = await t.request({ method: 'GET', url: `/v1/programs/${program.id}/assignment-runs/${result.id}`, token: advisor })
      expect(read.statusCode).toBe(200)
      const named = read.json()
      expect(withoutNames(named)).toEqual(result)
      // Every pair and unmatched student names its members as the members API shows them.
      const nameOf = async (id: string) => {
        const member = (await t.request({ method: 'GET', url: `/v1/members/${id}`, token: advisor })).json()
        return [member.givenName, member.familyName].filter(Boolean).join(' ')
      }
      for (const pair of named.pairs) expect([pair.studentName, pair.hostName]).toEqual([await nameOf(pair.studentId), await nameOf(pair.hostId)])
      for (const student of named.unmatched) expect(student.studentName).toBe(await nameOf(student.studentId))
      expect(named.unmatched.length).toBeGreaterThan(0)
      expectProblem(
        await t.request({ method: 'GET', url: `/v1/programs/${program.id}/assignment-runs/${ABSENT_ID}`, token: advisor }),
        404,
        notFoundBody('assignment run', `/v1/programs/${program.id}/assignment-runs/${ABSENT_ID}`),
      )
      const { rows } = await owner.query(`SELECT program_id::text, input_digest, objective, created_by::text, published_at FROM assignment_runs WHERE id = $1`, [result.id])
      expect(rows).toEqual([{ program_id: program.id, input_digest: result.inputDigest, objective: 1.992, created_by: school.members.advisor!.id, published_at: null }])
    })

    it('raises the fit of ranked hosts by their bonus (rank 1: 0.30, rank 2: 0.24), which decides between hosts of equal score', async () => {
      const [p, q] = [await newHost(), await newHost()]
      const z = await newStudent()
      const program = await createProgram()
      await setHosts(program.id, [[p, 1], [q, 1]])
      await setStudents(program.id, [{ studentId: z.id }])
      const plain = await run(program.id)
      expect(plain.pairs).toHaveLength(1)
      const first = plain.pairs[0]!
      expect(first).toEqual({ studentId: z.id, hostId: expect.any(String), score: 0.846, fit: 0.846, preferenceRank: null, pinned: false, reasons: [{ code: 'shared_field', text: 'Works in Design, a field you are exploring' }, FULL_MONTH, NEW_HOST, AVAILABLE] })
      const other = first.hostId === p.id ? q.id : p.id

      await setStudents(program.id, [{ studentId: z.id, preferences: [other] }])
      const preferring = await run(program.id)
      expect(preferring.pairs).toEqual([{ ...first, hostId: other, fit: 1.146, preferenceRank: 1, reasons: [{ code: 'preference', text: 'The student\'s choice #1' }, ...first.reasons] }])
      expect(preferring.objective).toBe(1.146)

      await setStudents(program.id, [{ studentId: z.id, placements: 2, preferences: [other, first.hostId] }])
      const both = await run(program.id)
      expect(both.pairs).toEqual(
        sortPairs([
          { ...first, hostId: other, fit: 1.146, preferenceRank: 1, reasons: [{ code: 'preference', text: 'The student\'s choice #1' }, ...first.reasons] },
          { ...first, hostId: first.hostId, fit: 1.086, preferenceRank: 2, reasons: [{ code: 'preference', text: 'The student\'s choice #2' }, ...first.reasons] },
        ]),
      )
      expect(both.objective).toBe(2.232)
    })

    it('keeps pins (marked, against capacity) and never uses forbidden pairs; refuses over-capacity pins (409), a pinned and forbidden pair and pins of non-participants (400)', async () => {
      const [a, b, outsideHost] = [await newHost(), await newHost(), await newHost()]
      const [x, y, outsider] = [await newStudent(), await newStudent(), await newStudent()]
      const program = await createProgram()
      const url = `/v1/programs/${program.id}/assignment-runs`
      await setHosts(program.id, [[a, 1], [b, 1]])
      await setStudents(program.id, [{ studentId: x.id, preferences: [a.id] }, { studentId: y.id, preferences: [b.id] }])
      const plainReasons = [{ code: 'shared_field', text: 'Works in Design, a field you are exploring' }, FULL_MONTH, NEW_HOST, AVAILABLE]
      const choice1 = { code: 'preference', text: 'The student\'s choice #1' }

      const free = await run(program.id)
      expect(keys(free.pairs)).toEqual(keys(sortPairs([{ studentId: x.id, hostId: a.id }, { studentId: y.id, hostId: b.id }])))

      const pins = [{ studentId: x.id, hostId: b.id }]
      const pinned = await run(program.id, { pins })
      expect(pinned.pins).toEqual(pins)
      expect(pinned.pairs).toEqual(
        sortPairs([
          { studentId: x.id, hostId: b.id, score: 0.846, fit: 0.846, preferenceRank: null, pinned: true, reasons: [{ code: 'pinned', text: 'Pinned by an advisor' }, ...plainReasons] },
          { studentId: y.id, hostId: a.id, score: 0.846, fit: 0.846, preferenceRank: null, pinned: false, reasons: plainReasons },
        ]),
      )
      expect(pinned.objective).toBe(1.692)
      expect(pinned.unmatched).toEqual([])

      const forbidden = [{ studentId: x.id, hostId: a.id }]
      const avoiding = await run(program.id, { forbidden })
      expect(keys(avoiding.pairs)).not.toContain(`${x.id}|${a.id}`)
      expect(avoiding.pairs).toEqual(
        sortPairs([
          { studentId: x.id, hostId: b.id, score: 0.846, fit: 0.846, preferenceRank: null, pinned: false, reasons: plainReasons },
          { studentId: y.id, hostId: a.id, score: 0.846, fit: 0.846, preferenceRank: null, pinned: false, reasons: plainReasons },
        ]),
      )
      // Forbidding every host of one student leaves them out, and the other keeps their choice.
      const excluded = await run(program.id, { forbidden: [{ studentId: x.id, hostId: a.id }, { studentId: x.id, hostId: b.id }] })
      expect(excluded.pairs).toEqual([{ studentId: y.id, hostId: b.id, score: 0.846, fit: 1.146, preferenceRank: 1, pinned: false, reasons: [choice1, ...plainReasons] }])
      expect(excluded.unmatched).toEqual([{ studentId: x.id, placementsWanted: 1, placementsMade: 0, reason: 'all_pairs_forbidden', detail: 'Every one of the 2 fitting hosts is forbidden for this student' }])

      const before = await programState(program.id)
      expectProblem(await runRequest(program.id, { pins: [{ studentId: x.id, hostId: a.id }, { studentId: y.id, hostId: a.id }] }), 409, {
        type: 'urn:vantage:problem:capacity-exhausted',
        title: 'The host has no capacity left for this',
        status: 409,
        detail: '2 students are pinned to a host with room for 1 in this programme',
        instance: url,
        hostId: a.id,
      })
      expectProblem(await runRequest(program.id, { pins: [{ studentId: x.id, hostId: a.id }], forbidden: [{ studentId: y.id, hostId: b.id }, { studentId: x.id, hostId: a.id }] }), 400, invalidBody(url, 'body.forbidden.1', 'is also pinned'))
      expectProblem(await runRequest(program.id, { pins: [{ studentId: outsider.id, hostId: a.id }] }), 400, invalidBody(url, 'body.pins.0.studentId', 'is not a student in the programme'))
      expectProblem(await runRequest(program.id, { pins: [{ studentId: x.id, hostId: a.id }, { studentId: y.id, hostId: outsideHost.id }] }), 400, invalidBody(url, 'body.pins.1.hostId', 'is not a host in the programme'))
      expectProblem(await runRequest(program.id, { forbidden: [{ studentId: x.id, hostId: outsideHost.id }] }), 400, invalidBody(url, 'body.forbidden.0.hostId', 'is not a host in the programme'))
      expectProblem(await runRequest(program.id, { forbidden: [{ studentId: outsider.id, hostId: a.id }] }), 400, invalidBody(url, 'body.forbidden.0.studentId', 'is not a student in the programme'))
      expectProblem(await runRequest(program.id, { pins: [{ studentId: x.id, hostId: a.id }, { studentId: x.id, hostId: a.id }] }), 400, invalidBody(url, 'body.pins.1', 'repeats an earlier pin'))
      expectProblem(await runRequest(program.id, { pins: [{ studentId: x.id, hostId: a.id }, { studentId: x.id, hostId: b.id }] }), 400, invalidBody(url, 'body.pins', 'pins 2 hosts to a student who wants 1 placement(s)'))
      expect(await programState(program.id)).toEqual(before)
    })

    it('refuses to pin a student to a host with no window in the programme, whose request could never be accepted (409), writing no run', async () => {
      const away = await newHost({ availability: { weeklyWindows: [{ weekday: 6, start: '09:00', end: '17:00' }], blackouts: [] } })
      const s = await newStudent()
      const program = await createProgram()
      await setHosts(program.id, [[away, 1]])
      await setStudents(program.id, [{ studentId: s.id }])
      const before = await programState(program.id)
      // Were the pin kept, publishing would send a request with no proposed slot, which the host cannot accept.
      const response = await runRequest(program.id, { pins: [{ studentId: s.id, hostId: away.id }] })
      expect(response.statusCode, response.body).toBe(409)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:conflict', status: 409, hostId: away.id })
      expect(await programState(program.id)).toEqual(before)
    })

    it('is deterministic: two runs on the same input have the same digest and the same pairs; runs are kept and listed oldest first', async () => {
      const hosts = [await newHost(), await newHost(), await newHost({ industries: ['Design', 'Law'] })]
      const students = [await newStudent(), await newStudent(['Law']), await newStudent(), await newStudent(['Design', 'Law']), await newStudent()]
      const program = await createProgram()
      await setHosts(program.id, [[hosts[0]!, 1], [hosts[1]!, 1], [hosts[2]!, 2]])
      await setStudents(program.id, students.map((s, index) => ({ studentId: s.id, placements: index === 3 ? 2 : 1 })))
      const first = await run(program.id)
      const second = await run(program.id)
      expect(second.id).not.toBe(first.id)
      expect(second.inputDigest).toBe(first.inputDigest)
      const comparable = ({ id: _id, createdAt: _created, stats: { solveMs: _ms, ...stats }, ...rest }: Run) => ({ ...rest, stats })
      expect(comparable(second)).toEqual(comparable(first))
      expect(first.pairs.length).toBe(4)
      expect(first.unmatched.length).toBeGreaterThan(0)

      const list = await t.request({ method: 'GET', url: `/v1/programs/${program.id}/assignment-runs`, token: advisor })
      expect(list.statusCode).toBe(200)
      const summary = (r: Run) => ({ id: r.id, inputDigest: r.inputDigest, objective: r.objective, placementsMade: r.pairs.length, unmatchedStudents: r.unmatched.length, publishedAt: null, createdAt: r.createdAt })
      expect(list.json()).toEqual({ items: [summary(first), summary(second)], nextCursor: null })
      const page1 = await t.request({ method: 'GET', url: `/v1/programs/${program.id}/assignment-runs?limit=1`, token: advisor })
      expect(page1.json().items).toEqual([summary(first)])
      const page2 = await t.request({ method: 'GET', url: `/v1/programs/${program.id}/assignment-runs?limit=1&cursor=${page1.json().nextCursor}`, token: advisor })
      expect(page2.json()).toEqual({ items: [summary(second)], nextCursor: null })

      // A different input, a different digest: a capacity, a pin, a forbidden pair.
      const pinned = await run(program.id, { pins: [{ studentId: students[0]!.id, hostId: hosts[2]!.id }] })
      expect(pinned.inputDigest).not.toBe(first.inputDigest)
      const forbidding = await run(program.id, { forbidden: [{ studentId: students[0]!.id, hostId: hosts[2]!.id }] })
      expect(new Set([first.inputDigest, pinned.inputDigest, forbidding.inputDigest]).size).toBe(3)
      await setHosts(program.id, [[hosts[0]!, 1], [hosts[1]!, 1], [hosts[2]!, 1]])
      const smaller = await run(program.id)
      expect(new Set([first.inputDigest, pinned.inputDigest, forbidding.inputDigest, smaller.inputDigest]).size).toBe(4)
      const all = await t.request({ method: 'GET', url: `/v1/programs/${program.id}/assignment-runs`, token: advisor })
      expect(all.json().items.map((item: { id: string }) => item.id)).toEqual([first.id, second.id, pinned.id, forbidding.id, smaller.id])
    })

    it('reaches the maximum total fit, equal to a brute-force search over fits computed independently, within capacities and placements', async () => {
      // Fresh hosts: capacity component 1 (10 of 10 meetings left), responsiveness 0.5. Tags are
      // chosen so that no candidate's exact score lies halfway between two thousandths (asserted
      // below), so this test is about the optimum, not about rounding.
      const hostFacts = [
        { fields: ['Biology'], tags: ['first-gen'], capacity: 1 },
        { fields: ['Biology', 'Law'], tags: ['rural', 'veteran'], capacity: 2 },
        { fields: ['Law'], tags: ['first-gen', 'rural'], capacity: 1 },
        { fields: ['Law'], tags: ['veteran'], capacity: 1 },
      ]
      const hosts: Array<(typeof hostFacts)[number] & { person: Person }> = []
      for (const facts of hostFacts) hosts.push({ ...facts, person: await newHost({ industries: facts.fields, backgroundTags: facts.tags }) })
      const studentFacts = [
        { fields: ['Biology'], tags: ['first-gen', 'rural'], share: true, placements: 2, prefs: [3] },
        { fields: ['Biology', 'Law'], tags: ['veteran'], share: false, placements: 1, prefs: [0, 1] },
        { fields: ['Law'], tags: [] as string[], share: true, placements: 1, prefs: [] as number[] },
        { fields: ['Biology'], tags: ['rural'], share: false, placements: 1, prefs: [0] },
        { fields: ['Law'], tags: ['rural', 'veteran'], share: true, placements: 2, prefs: [3, 2] },
        { fields: ['Law'], tags: ['veteran', 'rural'], share: true, placements: 1, prefs: [1] },
      ]
      const students: Array<(typeof studentFacts)[number] & { person: Person }> = []
      for (const facts of studentFacts) students.push({ ...facts, person: await newStudent(facts.fields, { backgroundTags: facts.tags, shareBackgroundTags: facts.share }) })
      const program = await createProgram()
      await setHosts(program.id, hosts.map((h) => [h.person, h.capacity] as [Person, number]))
      await setStudents(program.id, students.map((s) => ({ studentId: s.person.id, placements: s.placements, preferences: s.prefs.map((index) => hosts[index]!.person.id) })))
      const result = await run(program.id)

      // Independent fit, in thousandths, of each candidate pair (null: not a candidate), in integer
      // arithmetic: weights in thousandths (field 350, background 150, capacity 100, responsiveness
      // 200), background 0, ½ or 1 for 0, 1 or 2+ shared tags, rounded half up.
      let halfway = 0
      const fitUnits = students.map((s) =>
        hosts.map((h, hIndex) => {
          const inField = s.fields.some((field) => h.fields.includes(field))
          const rank = s.prefs.indexOf(hIndex)
          if (!inField && rank < 0) return null
          // Numerator and denominator doubled, so the background's halves stay integers.
          let numerator = 2 * (350 * (inField ? 1 : 0) + 100 * 1) + 200 * 1
          let denominator = 2 * (350 + 100 + 200)
          if (s.share && s.tags.length > 0) {
            numerator += 150 * Math.min(s.tags.filter((tag) => h.tags.includes(tag)).length, 2)
            denominator += 2 * 150
          }
          if ((2000 * numerator) % (2 * denominator) === denominator) halfway += 1
          const scoreUnits = Math.floor((2000 * numerator + denominator) / (2 * denominator))
          return scoreUnits + (rank >= 0 ? [300, 240, 180, 120, 60][rank]! : 0)
        }),
      )
      expect(halfway).toBe(0)
      // Enumerate every assignment: each student takes a subset of their candidates of at most their placements.
      let best = 0
      let assignments = 0
      const used = hosts.map(() => 0)
      const walk = (sIndex: number, total: number) => {
        if (sIndex === students.length) {
          assignments += 1
          best = Math.max(best, total)
          return
        }
        const candidates = fitUnits[sIndex]!.flatMap((units, hIndex) => (units === null ? [] : [hIndex]))
        for (let mask = 0; mask < 1 << candidates.length; mask++) {
          const chosen = candidates.filter((_, bit) => mask & (1 << bit))
          if (chosen.length > students[sIndex]!.placements || chosen.some((hIndex) => used[hIndex]! + 1 > hosts[hIndex]!.capacity)) continue
          for (const hIndex of chosen) used[hIndex]! += 1
          walk(sIndex + 1, total + chosen.reduce((sum, hIndex) => sum + fitUnits[sIndex]![hIndex]!, 0))
          for (const hIndex of chosen) used[hIndex]! -= 1
        }
      }
      walk(0, 0)
      expect(assignments).toBeGreaterThan(100)

      // The run's pairs: candidates with the fit computed here, within capacities and placements.
      const hostIndex = new Map(hosts.map((h, index) => [h.person.id, index]))
      const studentIndex = new Map(students.map((s, index) => [s.person.id, index]))
      let sum = 0
      for (const pair of result.pairs) {
        const units = fitUnits[studentIndex.get(pair.studentId)!]![hostIndex.get(pair.hostId)!]
        expect(units, `${pair.studentId}|${pair.hostId}`).not.toBeNull()
        expect(pair.fit).toBe(units! / 1000)
        expect(pair.reasons.length).toBeGreaterThan(0)
        sum += units!
      }
      expect(new Set(keys(result.pairs)).size).toBe(result.pairs.length)
      hosts.forEach((h) => expect(result.pairs.filter((pair) => pair.hostId === h.person.id).length).toBeLessThanOrEqual(h.capacity))
      students.forEach((s) => expect(result.pairs.filter((pair) => pair.studentId === s.person.id).length).toBeLessThanOrEqual(s.placements))
      expect(result.stats).toMatchObject({ students: 6, hosts: 4, placementsWanted: 8, placementsMade: result.pairs.length })
      expect(result.stats.candidatePairs).toBe(fitUnits.flat().filter((units) => units !== null).length)
      // The optimum: the pairs' total is the brute-force maximum, and the objective says so.
      expect(sum).toBe(best)
      expect(result.objective).toBe(best / 1000)
    })

    it('moves a student to their second choice when that lets another student in and gives more in total', async () => {
      // Created in this order, so the ids (and the order the solver takes them in) are A < B < C and H0 < H1 < H2.
      const h0 = await newHost({ industries: ['Biology'] })
      const h1 = await newHost({ industries: ['Law'] })
      const h2 = await newHost({ industries: ['Physics'] })
      const a = await newStudent(['Biology'])
      const b = await newStudent(['Biology'])
      const c = await newStudent(['Chemistry'])
      const program = await createProgram()
      // H2 takes nobody; C ranks it first and H0 second.
      await setHosts(program.id, [[h0, 1], [h1, 1], [h2, 0]])
      await setStudents(program.id, [{ studentId: a.id }, { studentId: b.id, preferences: [h0.id, h1.id] }, { studentId: c.id, preferences: [h2.id, h0.id] }])
      const result = await run(program.id)
      // Fits: A–H0 0.846; B–H0 0.846 + 0.30 = 1.146; B–H1 (out of field) (0.1 + 0.1) / 0.65 = 0.308, + 0.24 = 0.548;
      // C–H0 (out of field) 0.308 + 0.24 = 0.548. Best: A–H0 and B–H1, 1.394 (B–H0 alone 1.146; C–H0 and B–H1 1.096).
      expect(result.pairs.map((pair) => [pair.studentId, pair.hostId, pair.fit])).toEqual([
        [a.id, h0.id, 0.846],
        [b.id, h1.id, 0.548],
      ])
      expect(result.objective).toBe(1.394)
      expect(result.unmatched).toEqual([{ studentId: c.id, placementsWanted: 1, placementsMade: 0, reason: 'all_fitting_hosts_full', detail: 'All 1 fitting hosts are full with students who fit them better' }])
    })

    it('respects the capacity each host has left: a host\'s programme capacity is capped by the meetings left in its month', async () => {
      const busy = await newHost({ capacity: { maxMeetingsPerMonth: 1, maxShadowDaysPerTerm: 10, maxOpenRequests: 10 } })
      const students = [await newStudent(), await newStudent(), await newStudent()]
      const program = await createProgram()
      await setHosts(program.id, [[busy, 3]])
      await setStudents(program.id, students.map((s) => ({ studentId: s.id })))
      const result = await run(program.id)
      expect(result.pairs).toHaveLength(1)
      expect(result.pairs[0]!.hostId).toBe(busy.id)
      expect(result.unmatched.map((entry) => entry.reason)).toEqual(['all_fitting_hosts_full', 'all_fitting_hosts_full'])
    })
  })

  // ---- publishing --------------------------------------------------------------------------------

  describe('publishing a run', () => {
    it('creates one pending request per pair, addressed to the host, with slots inside the programme; the programme is published and fixed', async () => {
      const [p1, p2] = [await newHost(), await newHost()]
      const [a, b, c] = [await newStudent(), await newStudent(), await newStudent()]
      const program = await createProgram({ name: 'Publish week' })
      await setHosts(program.id, [[p1, 2], [p2, 1]])
      await setStudents(program.id, [{ studentId: a.id, preferences: [p2.id] }, { studentId: b.id }, { studentId: c.id }])
      const result = await run(program.id)
      expect(result.pairs).toHaveLength(3)
      expect(keys(result.pairs)).toContain(`${a.id}|${p2.id}`)

      const published = await publish(program.id, result.id)
      expect(published.statusCode, published.body).toBe(200)
      const { run: publishedRun, ...counts } = published.json()
      expect({ run: withoutNames(publishedRun), ...counts }).toEqual({ run: { ...result, publishedAt: iso(T0) }, requestsCreated: 3, skipped: [] })

      const detail = await t.request({ method: 'GET', url: `/v1/programs/${program.id}`, token: advisor })
      expect(detail.json().program).toMatchObject({ status: 'published', publishedRunId: result.id, publishedAt: iso(T0) })

      // Exactly one request per pair in the database, pending, tied to the run, with a meeting requested.
      const { rows } = await owner.query(
        `SELECT r.student_id::text, r.host_id::text, r.status::text, r.run_id::text, r.expires_at, r.created_at, m.status::text AS meeting_status, m.kind::text AS kind
           FROM host_requests r JOIN meetings m ON m.school_id = r.school_id AND m.id = r.meeting_id
          WHERE r.program_id = $1 ORDER BY r.student_id, r.host_id`,
        [program.id],
      )
      expect(rows).toEqual(
        sortPairs(result.pairs).map((pair) => ({
          student_id: pair.studentId,
          host_id: pair.hostId,
          status: 'pending',
          run_id: result.id,
          expires_at: new Date(T0 + 7 * DAY),
          created_at: new Date(T0),
          meeting_status: 'requested',
          kind: 'informational_interview',
        })),
      )

      // Each host sees the requests addressed to them, with the programme's first three windows (an hour each).
      const slots = ['2030-03-11', '2030-03-12', '2030-03-13'].map((day) => ({ startsAt: `${day}T13:00:00.000Z`, endsAt: `${day}T14:00:00.000Z` }))
      for (const host of [p1, p2]) {
        const mine = await t.request({ method: 'GET', url: `/v1/host-requests?programId=${program.id}`, token: host.token })
        expect(mine.statusCode).toBe(200)
        const items = mine.json().items as Array<Record<string, any>>
        const pairs = result.pairs.filter((pair) => pair.hostId === host.id)
        expect(items.map((item) => `${item.student.id}|${item.host.memberId}`).sort()).toEqual(keys(pairs).sort())
        for (const item of items) {
          const pair = pairs.find((candidate) => candidate.studentId === item.student.id)!
          expect(item).toMatchObject({
            status: 'pending',
            programId: program.id,
            kind: 'informational_interview',
            purpose: 'Publish week: an informational interview arranged by the career office, to learn about your work (not a job request).',
            mode: 'video',
            location: null,
            proposedSlots: slots,
            scheduled: null,
            score: pair.score,
            reasons: pair.reasons,
            expiresAt: iso(T0 + 7 * DAY),
          })
          for (const slot of item.proposedSlots) {
            expect(slot.startsAt >= PROGRAMME_START && slot.endsAt <= PROGRAMME_END).toBe(true)
          }
        }
      }

      // Publishing again: refused, nothing more written.
      const before = await programState(program.id)
      expect(before.requests).toHaveLength(3)
      const instance = `/v1/programs/${program.id}/assignment-runs/${result.id}/publish`
      expectProblem(await publish(program.id, result.id), 409, conflictBody(instance, 'This run is already published', { publishedRunId: result.id }))

      // The programme is fixed: participants, dates and runs.
      const fixed = conflictBody('', PUBLISHED_DETAIL, { publishedRunId: result.id })
      const other = await newHost()
      expectProblem(await putHosts(program.id, [[p1, 2], [p2, 1], [other, 1]]), 409, { ...fixed, instance: `/v1/programs/${program.id}/hosts` })
      expectProblem(await putStudents(program.id, [{ studentId: a.id }]), 409, { ...fixed, instance: `/v1/programs/${program.id}/students` })
      expectProblem(await t.request({ method: 'PATCH', url: `/v1/programs/${program.id}`, token: advisor, payload: { endsOn: '2030-03-20' } }), 409, { ...fixed, instance: `/v1/programs/${program.id}` })
      expectProblem(await runRequest(program.id), 409, { ...fixed, instance: `/v1/programs/${program.id}/assignment-runs` })
      expect(await programState(program.id)).toEqual(before)
    })

    it('skips a pair whose student already waits for that host, and says so', async () => {
      const host = await newHost()
      const [a, b] = [await newStudent(), await newStudent()]
      const direct = await t.request({
        method: 'POST',
        url: '/v1/host-requests',
        token: a.token,
        payload: { hostIds: [host.id], kind: 'informational_interview', purpose: 'Learning about design', mode: 'video', location: 'https://meet.example/a', proposedSlots: [{ startsAt: '2030-03-12T14:00:00Z', endsAt: '2030-03-12T14:30:00Z' }] },
      })
      expect(direct.statusCode, direct.body).toBe(201)
      const existingRequestId = direct.json().items[0].id as string
      const program = await createProgram()
      await setHosts(program.id, [[host, 2]])
      await setStudents(program.id, [{ studentId: a.id }, { studentId: b.id }])
      const result = await run(program.id)
      expect(keys(result.pairs).sort()).toEqual([`${a.id}|${host.id}`, `${b.id}|${host.id}`].sort())
      const published = await publish(program.id, result.id)
      expect(published.statusCode, published.body).toBe(200)
      expect(published.json()).toMatchObject({ requestsCreated: 1, skipped: [{ studentId: a.id, hostId: host.id, existingRequestId }] })
      const { rows } = await owner.query(
        `SELECT student_id::text, program_id::text FROM host_requests WHERE host_id = $1 AND status = 'pending' ORDER BY student_id`,
        [host.id],
      )
      expect(rows).toEqual(
        [
          { student_id: a.id, program_id: null },
          { student_id: b.id, program_id: program.id },
        ].sort((x, y) => x.student_id.localeCompare(y.student_id)),
      )
    })

    it('refuses to publish an older run when a newer one exists, and any run once another is published', async () => {
      const h = await newHost()
      const s = await newStudent()
      const program = await createProgram()
      await setHosts(program.id, [[h, 1]])
      await setStudents(program.id, [{ studentId: s.id }])
      const older = await run(program.id)
      const newer = await run(program.id)
      expect(newer.inputDigest).toBe(older.inputDigest)
      const before = await programState(program.id)
      expectProblem(
        await publish(program.id, older.id),
        409,
        conflictBody(`/v1/programs/${program.id}/assignment-runs/${older.id}/publish`, 'A newer run of this programme exists; publish the run you reviewed last', { newerRunId: newer.id }),
      )
      expect(await programState(program.id)).toEqual(before)

      expect((await publish(program.id, newer.id)).statusCode).toBe(200)
      const after = await programState(program.id)
      expectProblem(
        await publish(program.id, older.id),
        409,
        conflictBody(`/v1/programs/${program.id}/assignment-runs/${older.id}/publish`, 'Another run of this programme is already published', { publishedRunId: newer.id }),
      )
      expect(await programState(program.id)).toEqual(after)
      expectProblem(
        await publish(program.id, ABSENT_ID),
        404,
        notFoundBody('assignment run', `/v1/programs/${program.id}/assignment-runs/${ABSENT_ID}/publish`),
      )
      // The body is `{}` as the document declares (or none at all, as above); anything in it is refused.
      const url = `/v1/programs/${program.id}/assignment-runs/${newer.id}/publish`
      // `{}` passes validation and reaches the service, which says the run is published already.
      expect((await t.request({ method: 'POST', url, token: advisor, payload: {} })).json()).toMatchObject({ status: 409, detail: 'This run is already published' })
      const extra = await t.request({ method: 'POST', url, token: advisor, payload: { notify: false } })
      expect(extra.statusCode).toBe(400)
      expect(extra.json().errors).toEqual([{ field: 'body.notify', message: expect.any(String) }])
    })

    it.each([
      ['a host\'s capacity changed', async (ctx: PublishContext) => void (await setHosts(ctx.programId, [[ctx.host, 2]]))],
      ['a host joined', async (ctx: PublishContext) => void (await setHosts(ctx.programId, [[ctx.host, 1], [await newHost(), 1]]))],
      ['a student\'s placements changed', async (ctx: PublishContext) => void (await setStudents(ctx.programId, [{ studentId: ctx.student.id, placements: 2 }]))],
      ['the dates changed', async (ctx: PublishContext) => void expect((await t.request({ method: 'PATCH', url: `/v1/programs/${ctx.programId}`, token: advisor, payload: { endsOn: '2030-03-14' } })).statusCode).toBe(200)],
      [
        'the host\'s availability changed',
        async (ctx: PublishContext) =>
          void expect(
            (
              await t.request({
                method: 'PUT',
                url: `/v1/hosts/${ctx.host.id}`,
                token: ctx.host.token,
                payload: {
                  organization: 'Acme',
                  industries: ['Design'],
                  occupations: [],
                  offers: ['informational_interview'],
                  modes: ['video'],
                  accepting: true,
                  timeZone: 'America/New_York',
                  capacity: { maxMeetingsPerMonth: 10, maxShadowDaysPerTerm: 10, maxOpenRequests: 10 },
                  availability: { weeklyWindows: [{ weekday: 2, start: '10:00', end: '12:00' }], blackouts: [] },
                },
              })
            ).statusCode,
          ).toBe(200),
      ],
    ])('refuses to publish a run after its input changed (%s), writing nothing; a new run publishes', async (_case, change) => {
      const host = await newHost()
      const student = await newStudent()
      const program = await createProgram()
      await setHosts(program.id, [[host, 1]])
      await setStudents(program.id, [{ studentId: student.id }])
      const stale = await run(program.id)
      await change({ programId: program.id, host, student })
      const before = await programState(program.id)
      expectProblem(
        await publish(program.id, stale.id),
        409,
        conflictBody(
          `/v1/programs/${program.id}/assignment-runs/${stale.id}/publish`,
          'The programme\'s participants, dates or host availability changed since this run; compute a new run and publish that',
          { inputDigest: stale.inputDigest },
        ),
      )
      expect(await programState(program.id)).toEqual(before)
      const fresh = await run(program.id)
      expect(fresh.inputDigest).not.toBe(stale.inputDigest)
      const published = await publish(program.id, fresh.id)
      expect(published.statusCode, published.body).toBe(200)
      expect(published.json().requestsCreated).toBe(fresh.pairs.length)
    })

    it('publishes an older run when the participants were set again unchanged', async () => {
      const host = await newHost()
      const student = await newStudent()
      const program = await createProgram()
      await setHosts(program.id, [[host, 1]])
      await setStudents(program.id, [{ studentId: student.id }])
      const result = await run(program.id)
      await setHosts(program.id, [[host, 1]])
      await setStudents(program.id, [{ studentId: student.id }])
      const published = await publish(program.id, result.id)
      expect(published.statusCode, published.body).toBe(200)
      expect(published.json().requestsCreated).toBe(1)
    })
  })

  // ---- who may ------------------------------------------------------------------------------------

  describe('access', () => {
    it('answers 403 to students and alumni on every programme route, and to the school-wide host load', async () => {
      const h = await newHost()
      const s = await newStudent()
      const program = await createProgram()
      await setHosts(program.id, [[h, 1]])
      await setStudents(program.id, [{ studentId: s.id }])
      const result = await run(program.id)
      const before = await programState(program.id)
      const routes: Array<[string, string, unknown]> = [
        ['POST', '/v1/programs', { name: 'Mine', kind: 'job_shadow', modes: ['in_person'], startsOn: STARTS_ON, endsOn: ENDS_ON }],
        ['GET', '/v1/programs', undefined],
        ['GET', `/v1/programs/${program.id}`, undefined],
        ['PATCH', `/v1/programs/${program.id}`, { name: 'Mine' }],
        ['PUT', `/v1/programs/${program.id}/hosts`, { hosts: [] }],
        ['PUT', `/v1/programs/${program.id}/students`, { students: [] }],
        ['POST', `/v1/programs/${program.id}/assignment-runs`, {}],
        ['GET', `/v1/programs/${program.id}/assignment-runs`, undefined],
        ['GET', `/v1/programs/${program.id}/assignment-runs/${result.id}`, undefined],
        ['POST', `/v1/programs/${program.id}/assignment-runs/${result.id}/publish`, undefined],
        ['GET', `/v1/programs/${program.id}/load`, undefined],
        ['GET', '/v1/host-load', undefined],
      ]
      for (const token of [school.members.student!.token, school.members.alumni!.token, s.token, h.token]) {
        for (const [method, url, payload] of routes) {
          const response = await t.request({ method: method as 'GET', url, token, payload: payload as Record<string, unknown> | undefined })
          expectProblem(response, 403, forbiddenBody(url))
        }
      }
      expect(await programState(program.id)).toEqual(before)
    })
  })

  // ---- load ---------------------------------------------------------------------------------------

  describe('load per host', () => {
    it('reports requests and placements per host with Gini coefficients equal to the double-sum definition, for a programme and for the school', async () => {
      // A school of its own: the school-wide load counts every host of the school.
      const loadSchool = await t.school('load-u')
      const loadAdvisor = loadSchool.members.advisor!.token
      const [l1, l2, l3, l4] = [await newHost({}, loadSchool), await newHost({}, loadSchool), await newHost({}, loadSchool), await newHost({}, loadSchool)]
      const [s1, s2, s3, s4] = [await newStudent(['Design'], {}, loadSchool), await newStudent(['Design'], {}, loadSchool), await newStudent(['Design'], {}, loadSchool), await newStudent(['Design'], {}, loadSchool)]
      const program = await createProgram({}, loadAdvisor)
      await setHosts(program.id, [[l1, 2], [l2, 1], [l3, 1]], loadAdvisor)
      await setStudents(program.id, [{ studentId: s1.id, preferences: [l1.id] }, { studentId: s2.id, preferences: [l1.id] }, { studentId: s3.id, preferences: [l2.id] }], loadAdvisor)
      const result = await run(program.id, {}, loadAdvisor)
      expect(keys(result.pairs).sort()).toEqual([`${s1.id}|${l1.id}`, `${s2.id}|${l1.id}`, `${s3.id}|${l2.id}`].sort())
      const published = await publish(program.id, result.id, loadAdvisor)
      expect(published.statusCode, published.body).toBe(200)

      // l1 accepts s1's request: one placement.
      const addressed = await t.request({ method: 'GET', url: `/v1/host-requests?programId=${program.id}&studentId=${s1.id}`, token: l1.token })
      const [request] = addressed.json().items
      const accepted = await t.request({ method: 'POST', url: `/v1/host-requests/${request.id}/accept`, token: l1.token, payload: { slot: 0, location: 'https://meet.example/l1' } })
      expect(accepted.statusCode, accepted.body).toBe(200)
      // s4 asks l1 and l4 directly, outside the programme.
      const direct = await t.request({
        method: 'POST',
        url: '/v1/host-requests',
        token: s4.token,
        payload: { hostIds: [l1.id, l4.id], kind: 'informational_interview', purpose: 'Learn about design work', mode: 'video', location: 'https://meet.example/s4', proposedSlots: [{ startsAt: '2030-03-05T15:00:00Z', endsAt: '2030-03-05T15:30:00Z' }] },
      })
      expect(direct.statusCode, direct.body).toBe(201)

      clocked.now = new Date(T0 + HOUR)
      const programLoad = await t.request({ method: 'GET', url: `/v1/programs/${program.id}/load`, token: loadAdvisor })
      expect(programLoad.statusCode, programLoad.body).toBe(200)
      expect(programLoad.json()).toEqual({
        hosts: [
          { hostId: l1.id, name: l1.name, requests: 2, placements: 1, capacity: 2 },
          { hostId: l2.id, name: l2.name, requests: 1, placements: 0, capacity: 1 },
          { hostId: l3.id, name: l3.name, requests: 0, placements: 0, capacity: 1 },
        ],
        requestGini: round3(giniDirect([2, 1, 0])),
        placementGini: round3(giniDirect([1, 0, 0])),
      })
      expect(programLoad.json().requestGini).toBe(0.444)
      expect(programLoad.json().placementGini).toBe(0.667)

      const schoolLoad = await t.request({ method: 'GET', url: '/v1/host-load', token: loadSchool.members.school_admin!.token })
      expect(schoolLoad.statusCode, schoolLoad.body).toBe(200)
      const [first, second] = [l2, l4].sort((x, y) => x.id.localeCompare(y.id))
      expect(schoolLoad.json()).toEqual({
        hosts: [
          { hostId: l1.id, name: l1.name, requests: 3, placements: 1, capacity: null },
          { hostId: first!.id, name: first!.name, requests: 1, placements: 0, capacity: null },
          { hostId: second!.id, name: second!.name, requests: 1, placements: 0, capacity: null },
          { hostId: l3.id, name: l3.name, requests: 0, placements: 0, capacity: null },
        ],
        requestGini: round3(giniDirect([3, 1, 1, 0])),
        placementGini: round3(giniDirect([1, 0, 0, 0])),
      })

      // A window with no requests: every host at zero, both coefficients 0.
      const empty = await t.request({ method: 'GET', url: `/v1/host-load?from=${iso(T0 + MINUTE)}&to=${iso(T0 + HOUR)}`, token: loadAdvisor })
      expect(empty.statusCode).toBe(200)
      expect(empty.json().hosts.map((row: { requests: number; placements: number }) => [row.requests, row.placements])).toEqual([[0, 0], [0, 0], [0, 0], [0, 0]])
      expect(empty.json()).toMatchObject({ requestGini: 0, placementGini: 0 })
      // A window around T0: the same as the default.
      const around = await t.request({ method: 'GET', url: `/v1/host-load?from=${iso(T0 - DAY)}&to=${iso(T0 + MINUTE)}`, token: loadAdvisor })
      expect(around.json()).toEqual(schoolLoad.json())
      // Plain dates, as reports take them, in the school's time zone: the day of T0 whole, and the day before.
      const day = await t.request({ method: 'GET', url: `/v1/host-load?from=${iso(T0).slice(0, 10)}&to=${iso(T0).slice(0, 10)}`, token: loadAdvisor })
      expect(day.statusCode, day.body).toBe(200)
      expect(day.json()).toEqual(schoolLoad.json())
      const dayBefore = iso(T0 - DAY).slice(0, 10)
      const before = await t.request({ method: 'GET', url: `/v1/host-load?from=${dayBefore}&to=${dayBefore}`, token: loadAdvisor })
      expect(before.json().hosts.map((row: { requests: number }) => row.requests)).toEqual([0, 0, 0, 0])
      // The main school's load does not show this school's hosts.
      const elsewhere = await t.request({ method: 'GET', url: '/v1/host-load', token: advisor })
      expect(elsewhere.json().hosts.map((row: { hostId: string }) => row.hostId)).not.toContain(l1.id)
    })
  })

  // ---- what a run depends on -----------------------------------------------------------------------

  describe('the input a run depends on', () => {
    it('a run sees the requests that expired before it, so publishing it right away is not refused as changed', async () => {
      const sweepSchool = await t.school('sweep-u')
      const patched = await t.request({ method: 'PATCH', url: `/v1/schools/${sweepSchool.id}`, token: await t.platformToken(), payload: { settings: { hostRequestExpiryDays: 1 } } })
      expect(patched.statusCode, patched.body).toBe(200)
      const host = await newHost({}, sweepSchool)
      const [asker, participant] = [await newStudent(['Design'], {}, sweepSchool), await newStudent(['Design'], {}, sweepSchool)]
      // A direct request to the host at T0, which nobody answers: it expires at T0 + 1 day.
      const direct = await t.request({
        method: 'POST',
        url: '/v1/host-requests',
        token: asker.token,
        payload: { hostIds: [host.id], kind: 'informational_interview', purpose: 'Learn about design work', mode: 'video', location: 'https://meet.example/a', proposedSlots: [{ startsAt: '2030-03-05T15:00:00Z', endsAt: '2030-03-05T15:30:00Z' }] },
      })
      expect(direct.statusCode, direct.body).toBe(201)

      clocked.now = new Date(T0 + 2 * DAY)
      const sweepAdvisor = sweepSchool.members.advisor!.token
      const program = await createProgram({}, sweepAdvisor)
      await setHosts(program.id, [[host, 1]], sweepAdvisor)
      await setStudents(program.id, [{ studentId: participant.id }], sweepAdvisor)
      const result = await run(program.id, {}, sweepAdvisor)
      // The host let one request expire: that is part of what the run explains.
      expect(result.pairs[0]!.reasons).toContainEqual({ code: 'responsive', text: 'Answered 0 of 1 requests' })
      const published = await publish(program.id, result.id, sweepAdvisor)
      expect(published.statusCode, published.body).toBe(200)
    })

    it('two runs with the same input digest give the same result, even when the school\'s matching weights changed between them', async () => {
      const weightsSchool = await t.school('weights-u')
      const weightsAdvisor = weightsSchool.members.advisor!.token
      const host = await newHost({}, weightsSchool)
      const student = await newStudent(['Design'], {}, weightsSchool)
      const program = await createProgram({}, weightsAdvisor)
      await setHosts(program.id, [[host, 1]], weightsAdvisor)
      await setStudents(program.id, [{ studentId: student.id }], weightsAdvisor)
      const before = await run(program.id, {}, weightsAdvisor)
      expect(before.pairs[0]!.score).toBe(0.846)
      const patched = await t.request({ method: 'PATCH', url: `/v1/schools/${weightsSchool.id}`, token: await t.platformToken(), payload: { settings: { matchingWeights: { field: 0.9 } } } })
      expect(patched.statusCode, patched.body).toBe(200)
      const after = await run(program.id, {}, weightsAdvisor)
      // (0.9 + 0.1 + 0.1) / 1.2
      expect(after.pairs[0]!.score).toBe(0.917)
      // Equal digests must mean equal results; these results differ, so the digests must too.
      expect(after.inputDigest).not.toBe(before.inputDigest)
    })
  })
})

interface PublishContext {
  programId: string
  host: Person
  student: Person
}
