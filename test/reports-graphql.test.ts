// Reporting over GraphQL as a caller meets it: who may read reports, the limits that stop a query
// before it runs (depth, cost of aliases and lists, batches, introspection in production), how bad
// input and unexpected failures answer, and that a drill-down page costs the same SQL statements
// whatever its length (relations go through loaders: no N+1). The app runs on a clock of the test's
// own; the school's rows are written directly, as the school (row-level security applies).
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { HOUR, DAY } from './helpers/time.js'
import { snapshotSchool } from './helpers/cross-tenant.js'

const JSON_TYPE = 'application/json; charset=utf-8'
/** The app's "now": Monday 4 March 2030, 09:00 in the school's zone (America/New_York). */
const T0 = Date.parse('2030-03-04T14:00:00.000Z')
/** The report range of most queries below: the first quarter of 2030, school-local dates. */
const RANGE = { from: '2030-01-01', to: '2030-03-31' }
/** Rows of each kind the school is seeded with: more than the longest page the N+1 test asks for. */
const SEEDED = 45
const DASHBOARD = readFileSync(new URL('../docs/dashboard.graphql', import.meta.url), 'utf8')
const REPORTS_FORBIDDEN = 'Reports are for advisors, school admins and clients with the reports:read scope'

interface GraphqlAnswer {
  data?: { report?: Record<string, unknown> } | null
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>
}

interface Seeded {
  students: string[]
  hosts: string[]
  /** Per student: the meeting held (thank-you overdue) and the one asked of a host. */
  heldMeetings: string[]
  requestedMeetings: string[]
  requests: string[]
}

/**
 * SEEDED students, each with a contact met in a meeting held in February whose thank-you note is
 * overdue, and a request (pending, sent on 3 March) to a host of their own among SEEDED alumni hosts.
 */
async function seedSchool(t: TestApp, school: TestSchool): Promise<Seeded> {
  const { db } = t.database.forSchool(school.id)
  const schoolId = school.id
  const indexes = Array.from({ length: SEEDED }, (_, index) => index)
  const pad = (index: number) => String(index).padStart(2, '0')
  const students = await db.member.createManyAndReturn({
    data: indexes.map((index) => ({
      schoolId,
      externalId: `student-${pad(index)}`,
      roles: ['student' as const],
      givenName: `Student ${pad(index)}`,
      familyName: 'Seeded',
      email: `student-${pad(index)}@${school.slug}.edu`,
      major: index % 2 === 0 ? 'Biology' : 'History',
      graduationYear: 2030 + (index % 3),
    })),
    select: { id: true },
  })
  const alumni = await db.member.createManyAndReturn({
    data: indexes.map((index) => ({ schoolId, externalId: `host-${pad(index)}`, roles: ['alumni' as const], givenName: `Host ${pad(index)}`, familyName: 'Seeded', email: `host-${pad(index)}@alumni.example` })),
    select: { id: true },
  })
  await db.hostProfile.createMany({
    data: alumni.map((host, index) => ({
      schoolId,
      memberId: host.id,
      organization: `Host organization ${pad(index)}`,
      title: 'Engineer',
      industries: ['Robotics'],
      offers: ['informational_interview' as const],
      modes: ['video' as const],
      timeZone: 'America/New_York',
      maxMeetingsPerMonth: 4,
      maxShadowDaysPerTerm: 2,
      maxOpenRequests: 5,
    })),
  })
  const contacts = await db.contact.createManyAndReturn({
    data: students.map((student, index) => ({
      schoolId,
      studentId: student.id,
      fullName: `Contact ${pad(index)}`,
      organization: `Organization ${index % 7}`,
      industry: `Industry ${index % 5}`,
      source: 'cold' as const,
      createdAt: new Date(T0 - 40 * DAY),
    })),
    select: { id: true },
  })
  const held = await db.meeting.createManyAndReturn({
    data: students.map((student, index) => {
      const start = T0 - 20 * DAY + index * HOUR
      return {
        schoolId,
        studentId: student.id,
        contactId: contacts[index]!.id,
        kind: 'informational_interview' as const,
        status: 'completed' as const,
        purpose: 'Learn about the work',
        mode: 'video' as const,
        proposedSlots: [],
        startsAt: new Date(start),
        endsAt: new Date(start + HOUR),
        completedAt: new Date(start + 2 * HOUR),
        thankYouDueAt: new Date(start + HOUR + DAY),
        createdAt: new Date(T0 - 30 * DAY),
      }
    }),
    select: { id: true },
  })
  const hostContacts = await db.contact.createManyAndReturn({
    data: students.map((student, index) => ({
      schoolId,
      studentId: student.id,
      fullName: `Host ${pad(index)} Seeded`,
      organization: `Host organization ${pad(index)}`,
      source: 'alumni_network' as const,
      alumniMemberId: alumni[index]!.id,
      createdAt: new Date(T0 - DAY),
    })),
    select: { id: true },
  })
  const asked = await db.meeting.createManyAndReturn({
    data: students.map((student, index) => ({
      schoolId,
      studentId: student.id,
      contactId: hostContacts[index]!.id,
      kind: 'informational_interview' as const,
      purpose: 'Ask a host',
      mode: 'video' as const,
      proposedSlots: [],
      createdAt: new Date(T0 - DAY),
    })),
    select: { id: true },
  })
  const requests = await db.hostRequest.createManyAndReturn({
    data: students.map((student, index) => ({
      schoolId,
      groupId: randomUUID(),
      studentId: student.id,
      hostId: alumni[index]!.id,
      meetingId: asked[index]!.id,
      expiresAt: new Date(T0 + 6 * DAY),
      createdAt: new Date(T0 - DAY + index * 60_000),
    })),
    select: { id: true },
  })
  return {
    students: students.map((row) => row.id),
    hosts: alumni.map((row) => row.id),
    heldMeetings: held.map((row) => row.id),
    requestedMeetings: asked.map((row) => row.id),
    requests: requests.map((row) => row.id),
  }
}

/** The text of a call to pg's Client#query (a string, or a config object with `text`). */
function statementText(config: unknown): string {
  return typeof config === 'string' ? config : String((config as { text?: unknown } | undefined)?.text ?? '')
}

/**
 * The SQL statements the database receives while `run` runs, in order: every Client#query of any
 * pool. A connection's `set_config('app.school_id', …)` is left out: it is sent when a connection
 * changes school (tenant-pool.ts), at most once per connection, and says nothing about a query.
 */
async function statementsDuring<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const spy = vi.spyOn(pg.Client.prototype, 'query')
  try {
    const result = await run()
    const statements = spy.mock.calls.map(([config]) => statementText(config)).filter((text) => !text.includes("set_config('app.school_id'") && !text.includes('audit_append('))
    return { result, statements }
  } finally {
    spy.mockRestore()
  }
}

describe('reporting over GraphQL', () => {
  let t: TestApp
  let school: TestSchool
  let seeded: Seeded
  let owner: pg.Client

  beforeAll(async () => {
    // The parse bounds are raised so that the floods below reach the cost check they are about; the
    // bounds themselves (GRAPHQL_BODY_LIMIT_BYTES, GRAPHQL_MAX_TOKENS) have their own test (graphql-limits.test.ts).
    t = await build({ GRAPHQL_BODY_LIMIT_BYTES: '1048576', GRAPHQL_MAX_TOKENS: '100000' }, { clock: () => new Date(T0) })
    school = await t.school('reports-gql')
    seeded = await seedSchool(t, school)
    owner = await ownerConnection(t)
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  const token = (role: 'student' | 'alumni' | 'advisor' | 'school_admin') => school.members[role]!.token
  const graphql = (query: string, options: { token?: string; variables?: Record<string, unknown> } = {}) =>
    t.request({ method: 'POST', url: '/graphql', token: options.token ?? token('advisor'), payload: { query, variables: { ...RANGE, ...options.variables } } })
  /** A query over `report(from: $from, to: $to, filter: $filter)` selecting `selection`. */
  const report = (selection: string) => `query Report($from: Date!, $to: Date!, $filter: ReportFilter) { report(from: $from, to: $to, filter: $filter) { ${selection} } }`

  /** An integration client of the school with these scopes, and a token for it. */
  async function client(scopes: string[]): Promise<string> {
    const created = await t.request({
      method: 'POST',
      url: `/v1/schools/${school.id}/integration-clients`,
      token: token('school_admin'),
      payload: { name: `portal ${scopes.join(' ')}`, scopes },
    })
    expect(created.statusCode, created.body).toBe(201)
    return t.clientToken(school.id, (created.json() as { client: { clientId: string } }).client.clientId, scopes as never)
  }

  /** Statements of a request that authenticates and does nothing else (`__typename` reads no data). */
  async function authenticationStatements(callerToken = token('advisor')): Promise<string[]> {
    const { result, statements } = await statementsDuring(() => graphql('{ __typename }', { token: callerToken }))
    expect(result.json()).toEqual({ data: { __typename: 'Query' } })
    return statements
  }

  describe('access', () => {
    it('advisors, school admins and clients with reports:read read the school\'s report', async () => {
      const readers = [token('advisor'), token('school_admin'), await client(['reports:read']), await client(['members:read', 'reports:read'])]
      for (const reader of readers) {
        const answer = await graphql(report('from to timeZone studentCount'), { token: reader })
        expect(answer.statusCode, answer.body).toBe(200)
        expect(answer.headers['content-type']).toBe(JSON_TYPE)
        // The seeded students and the one t.school made.
        expect(answer.json()).toEqual({ data: { report: { ...RANGE, timeZone: 'America/New_York', studentCount: SEEDED + 1 } } })
      }
    })

    it('students, alumni and clients without reports:read get a forbidden error that says who may, and no data', async () => {
      const refused = [token('student'), token('alumni'), await client(['members:read']), await client(['members:read', 'members:write'])]
      for (const caller of refused) {
        const answer = await graphql(report('studentCount students(first: 5) { nodes { id email } }'), { token: caller })
        expect(answer.statusCode).toBe(403)
        expect(answer.headers['content-type']).toBe(JSON_TYPE)
        expect(answer.json()).toEqual({
          data: null,
          errors: [{ message: REPORTS_FORBIDDEN, locations: [{ line: 1, column: 65 }], path: ['report'], extensions: { code: 'forbidden' } }],
        })
      }
    })

    it('a caller without a token is asked for one', async () => {
      const answer = await t.request({ method: 'POST', url: '/graphql', payload: { query: report('studentCount'), variables: RANGE } })
      expect(answer.statusCode).toBe(401)
      expect(answer.json()).toEqual({ data: null, errors: [{ message: 'Send a bearer token in the Authorization header', extensions: { code: 'credentials-missing' } }] })
    })
  })

  describe('the compiled executor (graphql-jit, the default: GRAPHQL_JIT=1)', () => {
    it('answers the dashboard and a refused caller exactly as graphql-js does, run after run', async () => {
      // A second app on the same database with graphql-js alone (GRAPHQL_JIT=0) gives the reference.
      // The service's first run of a query goes through graphql-js, later runs through the compiled
      // query; every run must answer as graphql-js does, errors included.
      const plain = await build({ GRAPHQL_JIT: '0' }, { clock: () => new Date(T0), databaseUrl: t.db.appUrl })
      try {
        expect(t.config.graphqlJit).toBe(1)
        for (const role of ['advisor', 'student'] as const) {
          const plainToken = await plain.memberToken(school.id, school.members[role]!.externalId)
          const expected = (await plain.request({ method: 'POST', url: '/graphql', token: plainToken, payload: { query: DASHBOARD, variables: RANGE } })).json()
          for (let run = 0; run < 3; run++) {
            expect((await graphql(DASHBOARD, { token: token(role) })).json(), `${role}, run ${run + 1}`).toEqual(expected)
          }
        }
      } finally {
        await plain.close()
      }
    })
  })

  describe('limits checked before a query runs', () => {
    const funnel = 'funnel { steps { step count conversion } thankYouOnTime thankYouOnTimeShare byKind { kind steps { step count } } byChannel { channel sent replies } }'
    const aliased = (count: number, selection: string) =>
      `query Flood($from: Date!, $to: Date!) { ${Array.from({ length: count }, (_, index) => `r${index}: report(from: $from, to: $to) { ${selection} }`).join(' ')} }`

    /** The answer refuses the query as too costly, and the database saw only what authentication reads. */
    async function expectTooCostly(query: string) {
      const baseline = await authenticationStatements()
      expect(baseline.length).toBeGreaterThan(0)
      const { result: answer, statements } = await statementsDuring(() => graphql(query))
      expect(answer.statusCode).toBe(400)
      const body = answer.json() as GraphqlAnswer
      expect(body.data ?? null).toBeNull()
      expect(body.errors).toHaveLength(1)
      expect(body.errors![0]!.message).toMatch(/^The query's estimated cost \d+ exceeds the limit of 5000; ask for fewer fields, rows or aliases$/)
      expect(body.errors![0]!.extensions).toEqual({ code: 'query-too-costly', cost: expect.any(Number), limit: 5000 })
      expect(statements).toEqual(baseline)
    }

    it('the documented dashboard is accepted and answers the seeded school', async () => {
      const answer = await graphql(DASHBOARD)
      expect(answer.statusCode, answer.body).toBe(200)
      const body = answer.json() as { data: { report: { studentCount: number; overdueThankYous: { totalCount: number }; waitingRequests: { totalCount: number }; alumniEngagement: { volunteers: number; pending: number } } }; errors?: unknown }
      expect(body.errors).toBeUndefined()
      expect(body.data.report.studentCount).toBe(SEEDED + 1)
      expect([body.data.report.overdueThankYous.totalCount, body.data.report.waitingRequests.totalCount]).toEqual([SEEDED, SEEDED])
      expect([body.data.report.alumniEngagement.volunteers, body.data.report.alumniEngagement.pending]).toEqual([SEEDED, SEEDED])
    })

    it('an alias flood (200 aliased reports of the funnel) is refused before any of it runs', async () => {
      await expectTooCostly(aliased(200, funnel))
      // One of them alone runs.
      const one = await graphql(aliased(1, funnel))
      expect(one.statusCode, one.body).toBe(200)
      expect((one.json() as GraphqlAnswer).errors).toBeUndefined()
    })

    // Fails until src/graphql/cost.ts weighs a `report` by the SQL it runs of its own (see the report):
    // today each of these costs 40 (report 5, funnel 35), so 60 cost 2,400 < 5,000 and run: 123 SQL
    // statements, 60 of them funnel aggregates run side by side, where the whole dashboard (estimated
    // at 599) runs 21.
    it('an alias flood of 60 aliased funnels is refused before any of it runs', async () => {
      await expectTooCostly(aliased(60, funnel))
    })

    it('a list flood (aliased pages of 100 students with their activity) is refused before any of it runs', async () => {
      const page = (alias: string) => `${alias}: students(first: 100) { nodes { id activity { meetingsRequested meetingsCompleted peopleMet organizationsMet referralsReceived } } }`
      await expectTooCostly(report(Array.from({ length: 12 }, (_, index) => page(`s${index}`)).join(' ')))
      // A field asking for a negative number of rows does not cancel its siblings' cost.
      await expectTooCostly(report([...Array.from({ length: 12 }, (_, index) => page(`s${index}`)), 'neg: meetings(first: -2147483648) { totalCount }'].join(' ')))
      // The same rows asked through a variable count the same.
      const byVariable = `query Flood($from: Date!, $to: Date!, $n: Int) { report(from: $from, to: $to) { ${Array.from({ length: 12 }, (_, index) => `s${index}: students(first: $n) { nodes { id activity { meetingsRequested peopleMet } } }`).join(' ')} } }`
      const baseline = await authenticationStatements()
      const { result: answer, statements } = await statementsDuring(() => graphql(byVariable, { variables: { n: 100 } }))
      expect((answer.json() as GraphqlAnswer).errors?.map((error) => error.extensions?.code)).toEqual(['query-too-costly'])
      expect(statements).toEqual(baseline)
      // One page of 100 runs.
      const one = await graphql(report(page('s0')))
      expect(one.statusCode, one.body).toBe(200)
      expect(((one.json() as { data: { report: { s0: { nodes: unknown[] } } } }).data.report.s0.nodes)).toHaveLength(SEEDED + 1)
    })

    it('batched queries (an array of operations) are refused', async () => {
      const baseline = await authenticationStatements()
      const batch = [{ query: report('studentCount'), variables: RANGE }, { query: report('studentCount'), variables: RANGE }]
      const { result: answer, statements } = await statementsDuring(() => t.request({ method: 'POST', url: '/graphql', token: token('advisor'), payload: batch as never }))
      expect(answer.statusCode).toBe(400)
      expect(answer.json()).toEqual({ data: null, errors: [{ message: 'body must be object', extensions: { code: 'validation-failed' } }] })
      expect(statements).toEqual(baseline)
    })

    it('a query deeper than GRAPHQL_MAX_DEPTH is refused before it runs', async () => {
      // The schema has no cycles: its deepest query (report > meetings > nodes > student > activity >
      // a count) has depth 6, within the default of 8. A limit of 5 shows the check.
      const shallow = await build({ GRAPHQL_MAX_DEPTH: '5' }, { clock: () => new Date(T0) })
      try {
        const other = await shallow.school('reports-depth', ['advisor'])
        const ask = (selection: string) =>
          shallow.request({ method: 'POST', url: '/graphql', token: other.members.advisor!.token, payload: { query: report(selection), variables: RANGE } })
        const fits = await ask('meetings(first: 5) { nodes { student { id } } }')
        expect(fits.json()).toEqual({ data: { report: { meetings: { nodes: [] } } } })
        const { statements: baseline } = await statementsDuring(() => shallow.request({ method: 'POST', url: '/graphql', token: other.members.advisor!.token, payload: { query: '{ __typename }' } }))
        const { result: tooDeep, statements } = await statementsDuring(() => ask('meetings(first: 5) { nodes { student { activity { meetingsRequested } } } }'))
        expect(tooDeep.statusCode).toBe(400)
        const body = tooDeep.json() as GraphqlAnswer
        expect(body.data ?? null).toBeNull()
        expect(body.errors?.map((error) => error.extensions)).toEqual([{ code: 'validation-failed' }])
        // Authentication only: no report SQL.
        expect(statements).toEqual(baseline)
      } finally {
        await shallow.close()
      }
    })
  })

  describe('introspection', () => {
    const introspection = '{ __schema { queryType { name } } __type(name: "Report") { fields { name } } }'

    it('answers outside production', async () => {
      const answer = await graphql(introspection)
      expect(answer.statusCode).toBe(200)
      const data = (answer.json() as { data: { __schema: { queryType: { name: string } }; __type: { fields: Array<{ name: string }> } } }).data
      expect(data.__schema.queryType.name).toBe('Query')
      expect(data.__type.fields.map((field) => field.name)).toEqual(
        expect.arrayContaining(['studentCount', 'funnel', 'meetingsOverTime', 'perspectives', 'networkGrowth', 'alumniEngagement', 'overdueThankYous', 'waitingRequests', 'students', 'meetings', 'hosts']),
      )
    })

    // Fails under vitest until src/graphql/index.ts takes the rule from mercurius' graphql (see the
    // report): vitest loads graphql's ESM build for src beside the CommonJS one mercurius requires,
    // and the rule from the other copy throws on `__schema` (answered as `internal`).
    it('is refused in production, where reports still answer and GraphiQL is not served', async () => {
      // Production requires SIGNING_KEYS in the configuration (src/config.ts); the test app signs with
      // keys of its own, so any value satisfies the check.
      const production = await build({ NODE_ENV: 'production', SIGNING_KEYS: '[]' }, { clock: () => new Date(T0) })
      try {
        expect(production.config.production).toBe(true)
        const other = await production.school('reports-prod', ['advisor'])
        const ask = (query: string) => production.request({ method: 'POST', url: '/graphql', token: other.members.advisor!.token, payload: { query, variables: RANGE } })
        // One introspection field: one error, 400.
        for (const [query, field] of [['{ __schema { __typename } }', '__schema'], ['{ __type(name: "Report") { __typename } }', '__type']]) {
          const answer = await ask(query!)
          expect(answer.statusCode, query).toBe(400)
          expect(answer.json()).toEqual({
            data: null,
            errors: [{ message: `GraphQL introspection has been disabled, but the requested query contained the field "${field}".`, locations: [{ line: 1, column: 3 }], extensions: { code: 'validation-failed' } }],
          })
        }
        // A whole introspection query: an error for every introspection field, and no data. (With
        // several errors mercurius answers 200, as GraphQL over HTTP allows; the codes say why.)
        const full = await ask(introspection)
        const body = full.json() as GraphqlAnswer
        expect(body.data ?? null).toBeNull()
        expect(body.errors!.length).toBeGreaterThan(1)
        for (const error of body.errors!) {
          expect(error.message).toMatch(/^GraphQL introspection has been disabled, but the requested query contained the field "\w+"\.$/)
          expect(error.extensions).toEqual({ code: 'validation-failed' })
        }
        expect(body.errors!.map((error) => /"(\w+)"/.exec(error.message)![1])).toEqual(expect.arrayContaining(['__schema', '__type']))
        const reportAnswer = await ask(report('studentCount'))
        expect(reportAnswer.json()).toEqual({ data: { report: { studentCount: 0 } } })
        expect((await production.request({ method: 'GET', url: '/graphiql' })).statusCode).toBe(404)
      } finally {
        await production.close()
      }
    })
  })

  describe('errors', () => {
    it('an unexpected failure answers code internal, with no SQL, table or driver text', async () => {
      // Reports read the rollups' deltas: with the table gone, the school's report fails in PostgreSQL.
      await owner.query('ALTER TABLE report_cell_deltas RENAME TO report_cell_deltas_away')
      let answer
      try {
        answer = await graphql(report('studentCount funnel { steps { step count } }'))
      } finally {
        await owner.query('ALTER TABLE report_cell_deltas_away RENAME TO report_cell_deltas')
      }
      expect(answer.json()).toEqual({
        data: null,
        errors: [{ message: 'An unexpected error occurred; it has been logged', locations: [expect.any(Object)], path: expect.arrayContaining(['report']), extensions: { code: 'internal' } }],
      })
      // Mercurius answers execution errors with 200 (GraphQL over HTTP with application/json).
      expect(answer.statusCode).toBe(200)
      for (const internal of ['report_cell', 'SELECT', 'relation', '42P01', 'Raw query', 'prisma', 'does not exist']) expect(answer.body).not.toContain(internal)
      // The same query answers once the table is back.
      const again = await graphql(report('studentCount funnel { steps { step count } }'))
      expect((again.json() as GraphqlAnswer).errors).toBeUndefined()
    })

    it('bad input answers validation-failed naming what is wrong, with no data and nothing written', async () => {
      const tampered = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url')
      // A good report first: a read may compact the rollups' deltas (scope.ts), which is no change of data.
      const valid = (await graphql(report('meetings(first: 1) { pageInfo { endCursor } }'))).json() as { data: { report: { meetings: { pageInfo: { endCursor: string } } } } }
      const before = await snapshotSchool(owner, school.id)
      const cases: Array<{ name: string; query: string; variables?: Record<string, unknown>; message: string | RegExp }> = [
        { name: 'from after to', query: report('studentCount'), variables: { from: '2030-04-01', to: '2030-03-31' }, message: 'to must not be before from' },
        { name: 'a day that does not exist', query: report('studentCount'), variables: { from: '2030-02-30' }, message: 'from must be a date, YYYY-MM-DD, or an instant (RFC 3339)' },
        { name: 'a date that is not YYYY-MM-DD', query: report('studentCount'), variables: { to: '31/03/2030' }, message: /^Variable "\$to" got invalid value "31\/03\/2030"; Expected type "Date"\. a Date is YYYY-MM-DD$/ },
        { name: 'a date literal that is not YYYY-MM-DD', query: '{ report(from: "2030-1-1", to: "2030-03-31") { studentCount } }', message: /^Expected value of type "Date!", found "2030-1-1"; a Date is YYYY-MM-DD$/ },
        { name: 'a range longer than five years', query: report('studentCount'), variables: { from: '2025-01-01', to: '2030-01-05' }, message: 'to a report covers at most 1830 days' },
        { name: 'first: 0', query: report('students(first: 0) { totalCount }'), message: 'first must be between 1 and 100' },
        { name: 'first: 101', query: report('meetings(first: 101) { totalCount }'), message: 'first must be between 1 and 100' },
        { name: 'first: -1 on single views', query: report('perspectives { singleViews(first: -1) { field } }'), message: 'first must be between 1 and 100' },
        { name: 'a cursor that is not base64 JSON', query: report('students(after: "not-a-cursor") { totalCount }'), message: 'The cursor is not one this service issued' },
        { name: 'a cursor whose id is not a uuid', query: report(`meetings(after: "${tampered({ id: "1' OR 1=1 --" })}") { totalCount }`), message: 'The cursor is not one this service issued' },
        { name: "another list's cursor", query: report(`overdueThankYous(after: "${valid.data.report.meetings.pageInfo.endCursor}") { totalCount }`), message: 'The cursor is not one this service issued' },
        // Fails until the cursor's instants are checked (see the report): today these reach PostgreSQL and answer `internal`.
        { name: 'an overdue cursor whose deadline is not an instant', query: report(`overdueThankYous(after: "${tampered({ due: 'yesterday', id: randomUUID() })}") { totalCount }`), message: 'The cursor is not one this service issued' },
        { name: 'a waiting cursor whose time is not an instant', query: report(`waitingRequests(after: "${tampered({ created: 'soon', id: randomUUID() })}") { totalCount }`), message: 'The cursor is not one this service issued' },
      ]
      const failures: string[] = []
      for (const { name, query, variables, message } of cases) {
        const answer = await graphql(query, { variables })
        const body = answer.json() as GraphqlAnswer
        const error = body.errors?.[0]
        const ok = answer.statusCode === 400 && (body.data ?? null) === null && body.errors?.length === 1 && error?.extensions?.code === 'validation-failed' &&
          (typeof message === 'string' ? error.message === message : message.test(error.message))
        if (!ok) failures.push(`${name}: ${answer.statusCode} ${answer.body}`)
      }
      expect(failures).toEqual([])
      expect(await snapshotSchool(owner, school.id)).toEqual(before)
    })
  })

  describe('drill-down pages', () => {
    it('walk a list to its end with endCursor, each row once, in id order', async () => {
      const ids: string[] = []
      let after: string | null = null
      let pages = 0
      do {
        // The first page omits `after` (see the next test for an explicit null).
        const answer = await graphql('query Page($from: Date!, $to: Date!, $after: String) { report(from: $from, to: $to) { meetings(first: 40, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } }', { variables: after ? { after } : {} })
        const page = (answer.json() as { data: { report: { meetings: { totalCount: number; nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } }).data.report.meetings
        expect(page.totalCount).toBe(2 * SEEDED)
        ids.push(...page.nodes.map((node) => node.id))
        expect(page.pageInfo.hasNextPage).toBe(page.pageInfo.endCursor !== null)
        after = page.pageInfo.endCursor
        pages++
      } while (after)
      expect(pages).toBe(3)
      const { rows } = await owner.query<{ id: string }>('SELECT id::text FROM meetings WHERE school_id = $1 ORDER BY id', [school.id])
      expect(ids).toEqual(rows.map((row) => row.id))
      expect(new Set(ids)).toEqual(new Set([...seeded.heldMeetings, ...seeded.requestedMeetings]))
    })

    // A client's pager often sends `after: null` for the first page.
    it('read the first page for an explicit `after: null`, as when it is omitted', async () => {
      const page = 'query Page($from: Date!, $to: Date!, $after: String) { report(from: $from, to: $to) { students(first: 3, after: $after) { nodes { id } } waitingRequests(first: 3, after: $after) { nodes { id } } } }'
      const omitted = await graphql(page)
      expect((omitted.json() as GraphqlAnswer).errors).toBeUndefined()
      const explicit = await graphql(page, { variables: { after: null } })
      expect(explicit.json()).toEqual(omitted.json())
      const literal = await graphql(report('students(first: 3, after: null) { nodes { id } } waitingRequests(first: 3, after: null) { nodes { id } }'))
      expect(literal.json()).toEqual(omitted.json())
    })

    // The SQL statements of one page, for 5 rows and for 40: equal, since every relation of a row
    // (student, contact, host, activity) is loaded for the whole page at once.
    const pages: Array<{ name: string; field: string; selection: string }> = [
      { name: 'meetings with their student (and the student\'s activity) and contact', field: 'meetings', selection: 'id status student { id email activity { meetingsRequested peopleMet lastCompletedAt } } contact { id fullName organization }' },
      { name: 'students with their activity', field: 'students', selection: 'id email activity { meetingsRequested meetingsCompleted thankYouSent peopleMet organizationsMet industriesMet referralsReceived }' },
      { name: 'hosts with their activity', field: 'hosts', selection: 'id organization activity { requestsReceived pending acceptanceRate booked capacity utilization }' },
      { name: 'waiting requests with their student and host (and the host\'s activity)', field: 'waitingRequests', selection: 'id hoursWaiting student { id email } host { id organization activity { pending } }' },
      { name: 'overdue thank-you notes with their student and contact', field: 'overdueThankYous', selection: 'id hoursOverdue student { id activity { meetingsCompleted } } contact { id fullName }' },
    ]
    for (const { name, field, selection } of pages) {
      it(`cost the same SQL statements for 5 rows as for 40: ${name}`, async () => {
        const run = async (first: number) => {
          const { result, statements } = await statementsDuring(() => graphql(`query Page($from: Date!, $to: Date!, $first: Int) { report(from: $from, to: $to) { ${field}(first: $first) { nodes { ${selection} } } } }`, { variables: { first } }))
          const body = result.json() as { data: { report: Record<string, { nodes: unknown[] }> }; errors?: unknown }
          expect(body.errors, result.body).toBeUndefined()
          expect(body.data.report[field]!.nodes).toHaveLength(first)
          return statements
        }
        const baseline = await authenticationStatements()
        const five = await run(5)
        const forty = await run(40)
        // The count sees the page's own SQL (the list, its total and each relation), not only authentication.
        expect(five.length).toBeGreaterThanOrEqual(baseline.length + 4)
        expect(forty.length).toBe(five.length)
        expect([...forty].sort()).toEqual([...five].sort())
      })
    }

    it('cost the same SQL statements for 5 rows as for 40: single views and most-asked hosts with their relations', async () => {
      const run = async (first: number) => {
        const query = `query Views($from: Date!, $to: Date!, $first: Int) { report(from: $from, to: $to) {
          perspectives { singleViews(first: $first) { field student { id activity { peopleMet } } contact { id fullName } } }
          alumniEngagement { mostAsked(first: $first) { requests host { id organization activity { requestsReceived } } } } } }`
        const { result, statements } = await statementsDuring(() => graphql(query, { variables: { first } }))
        const body = result.json() as { data: { report: { perspectives: { singleViews: unknown[] }; alumniEngagement: { mostAsked: unknown[] } } }; errors?: unknown }
        expect(body.errors, result.body).toBeUndefined()
        expect([body.data.report.perspectives.singleViews.length, body.data.report.alumniEngagement.mostAsked.length]).toEqual([first, first])
        return statements
      }
      const five = await run(5)
      const forty = await run(40)
      expect(forty.length).toBe(five.length)
      expect([...forty].sort()).toEqual([...five].sort())
    })
  })
})
