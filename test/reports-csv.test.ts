// CSV exports of the reporting drill-down lists (GET /v1/reports/<list>.csv), as an advisor pasting
// them into a spreadsheet meets them: the same rows as the GraphQL drill-down for the same range and
// filter, the filters and the meeting status and kind, text a spreadsheet would run as a formula
// made inert, UTF-8 with a byte-order mark and CRLF records, long lists complete and in order, the
// row limit, bad queries and who may export. The app runs on a clock of the test's own.
import { randomUUID } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { HOUR, DAY } from './helpers/time.js'
import { expectProblem, forbiddenBody, notFoundBody, PROBLEM_JSON } from './helpers/problems.js'

/** The app's "now": Monday 4 March 2030, 09:00 in the schools' zone (America/New_York). */
const T0 = Date.parse('2030-03-04T14:00:00.000Z')
/** The first quarter of 2030, school-local dates. */
const RANGE = { from: '2030-01-01', to: '2030-03-31' }
const at = (iso: string) => new Date(iso)
const LISTS = ['students', 'meetings', 'hosts', 'overdue-thank-yous', 'waiting-requests'] as const
type List = (typeof LISTS)[number]

const MEETING_HEADER = ['meeting id', 'kind', 'status', 'mode', 'requested at', 'starts at', 'ends at', 'completed at', 'thank-you due at', 'thank-you sent at',
  'thank-you on time', 'student id', 'student', 'student email', 'contact id', 'contact', 'organization', 'industry', 'contact source']
/** The columns of each export, as documented. */
const HEADERS: Record<List, string[]> = {
  students: ['student id', 'external id', 'given name', 'family name', 'email', 'major', 'graduation year', 'fields of interest', 'meetings requested',
    'meetings completed', 'thank-you notes sent', 'thank-you notes on time', 'people met', 'organizations met', 'industries met', 'referrals received',
    'last completed at'],
  meetings: MEETING_HEADER,
  hosts: ['host id', 'given name', 'family name', 'email', 'organization', 'title', 'industries', 'accepting', 'meetings per month', 'requests received',
    'accepted', 'declined', 'expired', 'withdrawn', 'pending', 'acceptance rate', 'median response hours', 'booked', 'capacity', 'utilization'],
  'overdue-thank-yous': [...MEETING_HEADER, 'hours overdue'],
  'waiting-requests': ['request id', 'kind', 'requested at', 'expires at', 'hours waiting', 'student id', 'student', 'student email', 'host id', 'host',
    'host organization'],
}

/**
 * The records of a CSV answer, parsed strictly as RFC 4180 with CRLF record ends: a field is bare or
 * wholly quoted ("" for a quote inside), and the document starts with a UTF-8 byte-order mark.
 */
function csvRecords(response: LightMyRequestResponse): string[][] {
  expect([...response.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  const text = response.rawPayload.subarray(3).toString('utf8')
  const records: string[][] = []
  let record: string[] = []
  let index = 0
  for (;;) {
    let field = ''
    if (text[index] === '"') {
      index++
      for (;;) {
        const quote = text.indexOf('"', index)
        if (quote < 0) throw new Error(`unterminated quoted field at ${index}`)
        field += text.slice(index, quote)
        index = quote + 1
        if (text[index] !== '"') break
        field += '"'
        index++
      }
    } else {
      while (index < text.length && text[index] !== ',' && text[index] !== '\r' && text[index] !== '\n' && text[index] !== '"') field += text[index++]
    }
    record.push(field)
    if (text[index] === ',') {
      index++
      continue
    }
    if (text.startsWith('\r\n', index)) {
      records.push(record)
      record = []
      index += 2
      if (index === text.length) return records
      continue
    }
    throw new Error(`expected a comma or CRLF at ${index}, found ${JSON.stringify(text.slice(index, index + 10))}`)
  }
}

/** A value as an export writes it: text a spreadsheet would run as a formula behind a quote, instants ISO, null empty. */
function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return String(value)
}
const personName = (person: { givenName: string | null; familyName: string | null }) => [person.givenName, person.familyName].filter(Boolean).join(' ')
const tenths = (hours: number) => Math.round(hours * 10) / 10

// What the GraphQL drill-down gives for each list, and the CSV row each node must be.
type Row = Record<string, unknown>
type Person = { id: string; givenName: string | null; familyName: string | null; email: string | null }
const MEETING_NODE = `id kind status mode requestedAt startsAt endsAt completedAt thankYouDueAt thankYouSentAt thankYouOnTime hoursOverdue
  student { id givenName familyName email } contact { id fullName organization industry source }`
const meetingRow = (node: Row) => {
  const student = node.student as Person
  const contact = node.contact as { id: string; fullName: string; organization: string | null; industry: string | null; source: string }
  return [node.id, node.kind, node.status, node.mode, node.requestedAt, node.startsAt, node.endsAt, node.completedAt, node.thankYouDueAt, node.thankYouSentAt,
    node.thankYouOnTime, student.id, personName(student), student.email, contact.id, contact.fullName, contact.organization, contact.industry, contact.source]
}
const GRAPHQL_LISTS: Record<List, { field: string; node: string; row: (node: Row) => unknown[] }> = {
  students: {
    field: 'students',
    node: `id externalId givenName familyName email major graduationYear fieldsOfInterest
      activity { meetingsRequested meetingsCompleted thankYouSent thankYouOnTime peopleMet organizationsMet industriesMet referralsReceived lastCompletedAt }`,
    row: (node) => {
      const a = node.activity as Row
      return [node.id, node.externalId, node.givenName, node.familyName, node.email, node.major, node.graduationYear, (node.fieldsOfInterest as string[]).join('; '),
        a.meetingsRequested, a.meetingsCompleted, a.thankYouSent, a.thankYouOnTime, a.peopleMet, a.organizationsMet, a.industriesMet, a.referralsReceived, a.lastCompletedAt]
    },
  },
  meetings: { field: 'meetings', node: MEETING_NODE, row: meetingRow },
  hosts: {
    field: 'hosts',
    node: `id givenName familyName email organization title industries accepting maxMeetingsPerMonth
      activity { requestsReceived accepted declined expired withdrawn pending acceptanceRate medianResponseHours booked capacity utilization }`,
    row: (node) => {
      const a = node.activity as Row
      return [node.id, node.givenName, node.familyName, node.email, node.organization, node.title, (node.industries as string[]).join('; '), node.accepting,
        node.maxMeetingsPerMonth, a.requestsReceived, a.accepted, a.declined, a.expired, a.withdrawn, a.pending, a.acceptanceRate, a.medianResponseHours, a.booked, a.capacity,
        a.utilization]
    },
  },
  'overdue-thank-yous': { field: 'overdueThankYous', node: MEETING_NODE, row: (node) => [...meetingRow(node), tenths(node.hoursOverdue as number)] },
  'waiting-requests': {
    field: 'waitingRequests',
    node: 'id kind requestedAt expiresAt hoursWaiting student { id givenName familyName email } host { id givenName familyName organization }',
    row: (node) => {
      const student = node.student as Person
      const host = node.host as Person & { organization: string }
      return [node.id, node.kind, node.requestedAt, node.expiresAt, tenths(node.hoursWaiting as number), student.id, personName(student), student.email, host.id,
        personName(host), host.organization]
    },
  },
}

interface Filter {
  major?: string
  graduationYear?: number
  backgroundTag?: string
  field?: string
  programId?: string
}

/** One seeded student: what the filters look at. */
interface SeedStudent {
  id: string
  givenName: string
  major: string | null
  graduationYear: number | null
  backgroundTags: string[]
  shareBackgroundTags: boolean
  fieldsOfInterest: string[]
  inProgram: boolean
}

/** One seeded meeting: whose, its status and kind, and whether its day (start, or request while unscheduled) is in RANGE. */
interface SeedMeeting {
  id: string
  student: number
  status: string
  kind: string
  inRange: boolean
}

interface SmallSchool {
  school: TestSchool
  students: SeedStudent[]
  meetings: SeedMeeting[]
  hosts: string[]
  programId: string
  /** Meetings held, thank-you overdue, deadline in RANGE. */
  overdue: string[]
  /** Requests pending, not expired, sent in RANGE. */
  waiting: string[]
}

const EXPORT_LIMIT = 2000

describe('CSV exports of the report lists', () => {
  let t: TestApp
  let small: SmallSchool

  beforeAll(async () => {
    // A deployment's export limit of 2,000 rows (REPORT_EXPORT_MAX_ROWS; 100,000 by default): the
    // limit is tested past its edge without writing 100,001 members in the middle of the suite.
    t = await build({ REPORT_EXPORT_MAX_ROWS: String(EXPORT_LIMIT) }, { clock: () => new Date(T0) })
    small = await seedSmallSchool(t)
  })
  afterAll(() => t.close())

  /**
   * Six students who differ in every way a filter looks (one named like a formula), their contacts
   * (names and organizations a spreadsheet would run as formulas among them), meetings in every status
   * and both kinds, some outside the range, three hosts with requests in every state, and a programme.
   */
  async function seedSmallSchool(app: TestApp): Promise<SmallSchool> {
    const school = await app.school('csv-small')
    const { db } = app.database.forSchool(school.id)
    const schoolId = school.id
    const specs = [
      { givenName: 'Ada', major: 'Biology', graduationYear: 2030, backgroundTags: ['first-gen'], shareBackgroundTags: true, fieldsOfInterest: ['Robotics'], inProgram: true },
      { givenName: '=HYPERLINK("http://evil.example","click")', major: 'History', graduationYear: 2031, backgroundTags: ['first-gen'], shareBackgroundTags: false, fieldsOfInterest: ['Finance'], inProgram: false },
      { givenName: 'Grace', major: 'Biology', graduationYear: 2031, backgroundTags: ['veteran'], shareBackgroundTags: true, fieldsOfInterest: ['Robotics', 'Finance'], inProgram: true },
      { givenName: 'Alan', major: 'History', graduationYear: 2030, backgroundTags: [], shareBackgroundTags: true, fieldsOfInterest: [], inProgram: false },
      { givenName: '@Linus', major: 'Biology', graduationYear: 2030, backgroundTags: ['first-gen'], shareBackgroundTags: true, fieldsOfInterest: ['Finance'], inProgram: false },
      { givenName: 'Katherine', major: null, graduationYear: null, backgroundTags: [], shareBackgroundTags: true, fieldsOfInterest: ['Robotics'], inProgram: false },
    ]
    const students: SeedStudent[] = []
    for (const [index, spec] of specs.entries()) {
      const { inProgram, ...member } = spec
      const row = await db.member.create({ data: { schoolId, externalId: `csv-student-${index}`, roles: ['student'], familyName: 'Seeded', email: `s${index}@csv.example`, ...member } })
      students.push({ id: row.id, ...spec })
    }
    const contacts: string[] = []
    const contactSpecs = [
      { fullName: 'Grace Hopper', organization: 'Navy Lab', industry: 'Robotics' },
      { fullName: '+44 20 7946 0000', organization: '-Dash Corp', industry: 'Finance' },
      { fullName: 'Margaret Hamilton', organization: '\tIndented Ltd', industry: 'Robotics' },
      { fullName: 'Radia Perlman', organization: '=1+2', industry: null },
      { fullName: 'Barbara Liskov', organization: 'MIT', industry: 'Robotics' },
      { fullName: 'Frances Allen', organization: 'IBM', industry: 'Finance' },
    ]
    for (const [index, spec] of contactSpecs.entries()) {
      const row = await db.contact.create({ data: { schoolId, studentId: students[index]!.id, source: index % 2 ? 'personal' : 'cold', createdAt: at('2030-01-10T15:00:00Z'), ...spec } })
      contacts.push(row.id)
    }
    const meetings: SeedMeeting[] = []
    const meeting = async (student: number, spec: { status: string; kind?: string; startsAt?: string; createdAt: string; thankYouSentAt?: string; onTime?: boolean }, inRange: boolean) => {
      const kind = spec.kind ?? 'informational_interview'
      const start = spec.startsAt ? Date.parse(spec.startsAt) : null
      const held = ['completed', 'thank_you_sent'].includes(spec.status) && start !== null
      const row = await db.meeting.create({
        data: {
          schoolId,
          studentId: students[student]!.id,
          contactId: contacts[student]!,
          kind: kind as 'informational_interview',
          status: spec.status as 'completed',
          purpose: 'Learn about the work',
          mode: 'video',
          proposedSlots: [],
          startsAt: start === null ? null : new Date(start),
          endsAt: start === null ? null : new Date(start + HOUR),
          completedAt: held ? new Date(start! + 2 * HOUR) : null,
          thankYouDueAt: held ? new Date(start! + HOUR + DAY) : null,
          thankYouSentAt: spec.thankYouSentAt ? at(spec.thankYouSentAt) : null,
          thankYouOnTime: spec.onTime ?? null,
          createdAt: at(spec.createdAt),
        },
      })
      meetings.push({ id: row.id, student, status: spec.status, kind, inRange })
      return row.id
    }
    const overdue = [
      await meeting(0, { status: 'completed', startsAt: '2030-02-10T15:00:00Z', createdAt: '2030-02-01T15:00:00Z' }, true),
      await meeting(4, { status: 'completed', startsAt: '2030-02-27T15:00:00Z', createdAt: '2030-02-20T15:00:00Z' }, true),
    ]
    await meeting(0, { status: 'thank_you_sent', kind: 'job_shadow', startsAt: '2030-02-12T14:00:00Z', createdAt: '2030-02-02T15:00:00Z', thankYouSentAt: '2030-02-12T20:00:00Z', onTime: true }, true)
    await meeting(1, { status: 'scheduled', startsAt: '2030-03-10T15:00:00Z', createdAt: '2030-02-25T15:00:00Z' }, true)
    await meeting(2, { status: 'requested', createdAt: '2030-03-01T15:00:00Z' }, true)
    await meeting(2, { status: 'cancelled', kind: 'job_shadow', startsAt: '2030-02-20T14:00:00Z', createdAt: '2030-02-05T15:00:00Z' }, true)
    await meeting(3, { status: 'no_show', startsAt: '2030-01-15T15:00:00Z', createdAt: '2030-01-05T15:00:00Z' }, true)
    await meeting(5, { status: 'completed', kind: 'job_shadow', startsAt: '2030-01-20T14:00:00Z', createdAt: '2030-01-06T15:00:00Z' }, true)
    // Outside the range: requested (and still unscheduled) in December, held in December, scheduled for April.
    await meeting(1, { status: 'declined', createdAt: '2029-12-20T15:00:00Z' }, false)
    await meeting(3, { status: 'completed', startsAt: '2029-12-28T15:00:00Z', createdAt: '2029-12-01T15:00:00Z' }, false)
    await meeting(5, { status: 'scheduled', startsAt: '2030-04-10T14:00:00Z', createdAt: '2030-03-02T15:00:00Z' }, false)
    // The held shadow of student 5 (January) is overdue too.
    overdue.unshift(meetings.find((m) => m.student === 5 && m.status === 'completed')!.id)

    const hosts: string[] = []
    const hostSpecs = [
      { givenName: 'Hedy', organization: '=2+3', title: 'Inventor', industries: ['Robotics', 'Film'] },
      { givenName: 'Mary', organization: 'Keller Labs', title: '@lead', industries: ['Finance'] },
      { givenName: 'Annie', organization: 'Easley Systems', title: null, industries: [] },
    ]
    for (const [index, spec] of hostSpecs.entries()) {
      const { givenName, ...profile } = spec
      const member = await db.member.create({ data: { schoolId, externalId: `csv-host-${index}`, roles: ['alumni'], givenName, familyName: 'Host', email: `h${index}@alumni.example` } })
      await db.hostProfile.create({
        data: { schoolId, memberId: member.id, ...profile, offers: ['informational_interview'], modes: ['video'], timeZone: 'America/New_York', maxMeetingsPerMonth: 2 + index, maxShadowDaysPerTerm: 1, maxOpenRequests: 5, accepting: index !== 2 },
      })
      hosts.push(member.id)
    }
    const waiting: string[] = []
    const request = async (student: number, host: number, spec: { status: string; createdAt: string; expiresAt: string; respondedAt?: string; startsAt?: string }) => {
      const contact = await db.contact.create({ data: { schoolId, studentId: students[student]!.id, fullName: `${hostSpecs[host]!.givenName} Host`, source: 'alumni_network', alumniMemberId: hosts[host]!, createdAt: at(spec.createdAt) } })
      const start = spec.startsAt ? Date.parse(spec.startsAt) : null
      const asked = await db.meeting.create({
        data: {
          schoolId, studentId: students[student]!.id, contactId: contact.id, kind: 'informational_interview', status: spec.status === 'accepted' ? 'scheduled' : spec.status === 'declined' ? 'declined' : 'requested',
          purpose: 'Ask a host', mode: 'video', proposedSlots: [], startsAt: start === null ? null : new Date(start), endsAt: start === null ? null : new Date(start + HOUR), createdAt: at(spec.createdAt),
        },
      })
      meetings.push({ id: asked.id, student, status: asked.status, kind: 'informational_interview', inRange: Date.parse(spec.startsAt ?? spec.createdAt) >= Date.parse('2030-01-01T05:00:00Z') })
      const row = await db.hostRequest.create({
        data: {
          schoolId, groupId: randomUUID(), studentId: students[student]!.id, hostId: hosts[host]!, meetingId: asked.id, status: spec.status as 'pending',
          createdAt: at(spec.createdAt), expiresAt: at(spec.expiresAt), respondedAt: spec.respondedAt ? at(spec.respondedAt) : null,
          startsAt: start === null ? null : new Date(start), endsAt: start === null ? null : new Date(start + HOUR),
        },
      })
      return row.id
    }
    waiting.push(await request(0, 0, { status: 'pending', createdAt: '2030-03-01T15:00:00Z', expiresAt: '2030-03-08T15:00:00Z' }))
    waiting.push(await request(2, 1, { status: 'pending', createdAt: '2030-03-02T15:00:00Z', expiresAt: '2030-03-09T15:00:00Z' }))
    waiting.push(await request(1, 0, { status: 'pending', createdAt: '2030-03-03T15:00:00Z', expiresAt: '2030-03-10T15:00:00Z' }))
    // Not waiting: past its expiry though not yet swept, answered, or sent before the range.
    await request(3, 0, { status: 'pending', createdAt: '2030-02-01T15:00:00Z', expiresAt: '2030-02-08T15:00:00Z' })
    await request(4, 1, { status: 'accepted', createdAt: '2030-02-05T15:00:00Z', expiresAt: '2030-02-12T15:00:00Z', respondedAt: '2030-02-06T03:00:00Z', startsAt: '2030-02-20T15:00:00Z' })
    await request(1, 2, { status: 'declined', createdAt: '2030-02-03T15:00:00Z', expiresAt: '2030-02-10T15:00:00Z', respondedAt: '2030-02-04T15:00:00Z' })
    await request(2, 0, { status: 'withdrawn', createdAt: '2030-02-07T15:00:00Z', expiresAt: '2030-02-14T15:00:00Z' })
    await request(5, 2, { status: 'pending', createdAt: '2029-12-30T15:00:00Z', expiresAt: '2030-03-30T15:00:00Z' })

    const program = await db.program.create({ data: { schoolId, name: 'Spring interviews', kind: 'informational_interview', modes: ['video'], startsOn: at('2030-02-01'), endsOn: at('2030-04-30') } })
    await db.programStudent.createMany({ data: students.filter((student) => student.inProgram).map((student) => ({ schoolId, programId: program.id, studentId: student.id })) })
    return { school, students, meetings, hosts, programId: program.id, overdue, waiting }
  }

  const advisor = () => small.school.members.advisor!.token
  const query = (params: Record<string, string | number | undefined>) =>
    new URLSearchParams(Object.entries(params).filter(([, value]) => value !== undefined).map(([key, value]): [string, string] => [key, String(value)])).toString()
  const exportCsv = (list: List, params: Record<string, string | number | undefined> = {}, token = advisor()) =>
    t.request({ method: 'GET', url: `/v1/reports/${list}.csv?${query({ ...RANGE, ...params })}`, token })

  /** Every node of a GraphQL drill-down list for the range and filter, page by page (100 a page). */
  async function graphqlList(list: List, filter: Filter = {}, only: { status?: string; kind?: string } = {}): Promise<{ totalCount: number; nodes: Row[] }> {
    const { field, node } = GRAPHQL_LISTS[list]
    const args = ['first: 100', 'after: $after', ...(only.status ? [`status: ${only.status}`] : []), ...(only.kind ? [`kind: ${only.kind}`] : [])].join(', ')
    const text = `query List($from: Date!, $to: Date!, $filter: ReportFilter, $after: String) { report(from: $from, to: $to, filter: $filter) {
      ${field}(${args}) { totalCount nodes { ${node} } pageInfo { hasNextPage endCursor } } } }`
    const nodes: Row[] = []
    let after: string | undefined
    let totalCount = -1
    do {
      const answer = await t.request({ method: 'POST', url: '/graphql', token: advisor(), payload: { query: text, variables: { ...RANGE, filter, ...(after ? { after } : {}) } } })
      const body = answer.json() as { data: { report: Record<string, { totalCount: number; nodes: Row[]; pageInfo: { endCursor: string | null } }> }; errors?: unknown }
      expect(body.errors, answer.body).toBeUndefined()
      const connection = body.data.report[field]!
      totalCount = connection.totalCount
      nodes.push(...connection.nodes)
      after = connection.pageInfo.endCursor ?? undefined
    } while (after)
    return { totalCount, nodes }
  }

  /** The export's records after the header, checked to be the documented header and an attachment of CSV. */
  async function exported(list: List, params: Record<string, string | number | undefined> = {}): Promise<string[][]> {
    const answer = await exportCsv(list, params)
    expect(answer.statusCode, answer.body).toBe(200)
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8')
    const [header, ...records] = csvRecords(answer)
    expect(header).toEqual(HEADERS[list])
    for (const record of records) expect(record).toHaveLength(HEADERS[list].length)
    return records
  }

  /** The students a filter selects, worked out from the seeded students (the school's own fixture student has no attributes). */
  function selected(filter: Filter): SeedStudent[] {
    return small.students.filter(
      (student) =>
        (filter.major === undefined || student.major === filter.major) &&
        (filter.graduationYear === undefined || student.graduationYear === filter.graduationYear) &&
        (filter.backgroundTag === undefined || (student.shareBackgroundTags && student.backgroundTags.includes(filter.backgroundTag))) &&
        (filter.field === undefined || student.fieldsOfInterest.includes(filter.field)) &&
        (filter.programId === undefined || student.inProgram),
    )
  }
  const sortIds = (ids: string[]) => [...ids].sort()

  describe('match the GraphQL drill-down', () => {
    const filters: Array<[string, (school: SmallSchool) => Filter]> = [
      ['no filter', () => ({})],
      ['a major', () => ({ major: 'Biology' })],
      ['a programme', (school) => ({ programId: school.programId })],
      ['a background tag, a field and a graduation year', () => ({ backgroundTag: 'first-gen', field: 'Finance', graduationYear: 2030 })],
    ]
    for (const list of LISTS) {
      for (const [name, filter] of filters) {
        it(`${list}, ${name}: the same rows, in the same order, with the same values`, async () => {
          const given = filter(small)
          const graphql = await graphqlList(list, given)
          const records = await exported(list, given as Record<string, string | number>)
          expect(records).toEqual(graphql.nodes.map((node) => GRAPHQL_LISTS[list].row(node).map((value) => cell(value as string))))
          expect(records).toHaveLength(graphql.totalCount)
        })
      }
    }

    it('the lists hold what the seeded school holds: no list is empty, and each count is worked out from the fixture', async () => {
      const ids = async (list: List, params: Record<string, string | number> = {}) => (await exported(list, params)).map((record) => record[0]!)
      // Every student (the six seeded and the school's own), every host.
      expect(sortIds(await ids('students'))).toEqual(sortIds([...small.students.map((student) => student.id), small.school.members.student!.id]))
      expect(sortIds(await ids('hosts'))).toEqual(sortIds(small.hosts))
      expect(sortIds(await ids('meetings'))).toEqual(sortIds(small.meetings.filter((meeting) => meeting.inRange).map((meeting) => meeting.id)))
      // Oldest deadline first; oldest request first.
      expect(await ids('overdue-thank-yous')).toEqual(small.overdue)
      expect(await ids('waiting-requests')).toEqual(small.waiting)
    })
  })

  describe('filters', () => {
    const cases: Array<[string, (school: SmallSchool) => Filter]> = [
      ['major', () => ({ major: 'History' })],
      ['graduation year', () => ({ graduationYear: 2031 })],
      // Student 1 has the tag but does not share it: never counted under it.
      ['background tag', () => ({ backgroundTag: 'first-gen' })],
      ['field', () => ({ field: 'Robotics' })],
      ['programme', (school) => ({ programId: school.programId })],
      ['major and graduation year together', () => ({ major: 'Biology', graduationYear: 2030 })],
    ]
    for (const [name, make] of cases) {
      it(`by ${name}: the students it selects, and their meetings, overdue notes and waiting requests`, async () => {
        const filter = make(small)
        const chosen = selected(filter)
        expect(chosen.length).toBeGreaterThan(0)
        expect(chosen.length).toBeLessThan(small.students.length)
        const params = filter as Record<string, string | number>
        const column = async (list: List, index: number) => (await exported(list, params)).map((record) => record[index]!)
        expect(sortIds(await column('students', 0))).toEqual(sortIds(chosen.map((student) => student.id)))
        const chosenIds = new Set(chosen.map((student) => student.id))
        const ofChosen = small.meetings.filter((meeting) => meeting.inRange && chosenIds.has(small.students[meeting.student]!.id)).map((meeting) => meeting.id)
        expect(sortIds(await column('meetings', 0))).toEqual(sortIds(ofChosen))
        for (const studentId of await column('overdue-thank-yous', 11)) expect(chosenIds).toContain(studentId)
        for (const studentId of await column('waiting-requests', 5)) expect(chosenIds).toContain(studentId)
        // Hosts are every host, whoever asks them; what they count is the selected students' requests.
        expect(sortIds(await column('hosts', 0))).toEqual(sortIds(small.hosts))
      })
    }

    it('a programme of no one, or a filter no student matches, gives a 404 and an empty list respectively', async () => {
      const missing = await exportCsv('students', { programId: randomUUID() })
      expectProblem(missing, 404, notFoundBody('programme', '/v1/reports/students.csv'))
      expect(await exported('students', { major: 'Astronomy' })).toEqual([])
      expect(await exported('meetings', { major: 'Astronomy' })).toEqual([])
    })

    it('meetings by status, by kind, and by both', async () => {
      const inRange = small.meetings.filter((meeting) => meeting.inRange)
      const ids = async (params: Record<string, string>) => sortIds((await exported('meetings', params)).map((record) => record[0]!))
      for (const status of ['requested', 'scheduled', 'completed', 'thank_you_sent', 'declined', 'cancelled', 'no_show', 'resume_sent']) {
        expect(await ids({ status }), status).toEqual(sortIds(inRange.filter((meeting) => meeting.status === status).map((meeting) => meeting.id)))
        const graphql = await graphqlList('meetings', {}, { status })
        expect(sortIds(graphql.nodes.map((node) => node.id as string)), status).toEqual(await ids({ status }))
      }
      const shadows = inRange.filter((meeting) => meeting.kind === 'job_shadow').map((meeting) => meeting.id)
      expect(shadows).toHaveLength(3)
      expect(await ids({ kind: 'job_shadow' })).toEqual(sortIds(shadows))
      expect(await ids({ kind: 'job_shadow', status: 'completed' })).toEqual(sortIds(inRange.filter((meeting) => meeting.kind === 'job_shadow' && meeting.status === 'completed').map((meeting) => meeting.id)))
      expect(await ids({ kind: 'job_shadow', status: 'completed', major: 'Biology' })).toEqual([])
    })
  })

  describe('the document', () => {
    it('is an attachment of text/csv, UTF-8 with a byte-order mark, CRLF records, named after the list and range', async () => {
      for (const list of LISTS) {
        const answer = await exportCsv(list)
        expect(answer.statusCode).toBe(200)
        expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8')
        expect(answer.headers['content-disposition']).toBe(`attachment; filename="${list}-${RANGE.from}-${RANGE.to}.csv"`)
        expect([...answer.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
        const text = answer.rawPayload.subarray(3).toString('utf8')
        expect(text.endsWith('\r\n')).toBe(true)
        // Every line break is a CRLF (no field of the seeded school holds a line break).
        expect(text.replaceAll('\r\n', '').includes('\n')).toBe(false)
        expect(text.split('\r\n')[0]).toBe(HEADERS[list].join(','))
      }
    })

    it('writes text a spreadsheet would run as a formula (= + - @ tab) behind a quote, and numbers as they are', async () => {
      const students = await exported('students')
      const formula = small.students[1]!
      const row = students.find((record) => record[0] === formula.id)!
      expect(row[2]).toBe(`'=HYPERLINK("http://evil.example","click")`)
      expect(students.find((record) => record[0] === small.students[4]!.id)![2]).toBe("'@Linus")
      // As written in the document: quoted, since it holds quotes and commas.
      const raw = (await exportCsv('students')).body
      expect(raw).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`)

      const meetings = await exported('meetings')
      const byContact = (name: string) => meetings.filter((record) => record[15] === name)
      expect(byContact("'+44 20 7946 0000").length).toBeGreaterThan(0)
      expect(new Set(byContact("'+44 20 7946 0000").map((record) => record[16]))).toEqual(new Set(["'-Dash Corp"]))
      expect(new Set(byContact('Margaret Hamilton').map((record) => record[16]))).toEqual(new Set(["'\tIndented Ltd"]))
      expect(new Set(byContact('Radia Perlman').map((record) => record[16]))).toEqual(new Set(["'=1+2"]))
      // The student column of a formula-named student's meeting.
      expect(new Set(meetings.filter((record) => record[11] === formula.id && record[15] !== 'Hedy Host' && record[15] !== 'Annie Host').map((record) => record[12]))).toEqual(
        new Set([`'=HYPERLINK("http://evil.example","click") Seeded`]),
      )

      const hosts = await exported('hosts')
      expect(hosts.find((record) => record[0] === small.hosts[0])!.slice(4, 7)).toEqual(["'=2+3", 'Inventor', 'Robotics; Film'])
      expect(hosts.find((record) => record[0] === small.hosts[1])![5]).toBe("'@lead")
      const waiting = await exported('waiting-requests')
      expect(waiting.find((record) => record[8] === small.hosts[0])![10]).toBe("'=2+3")
      // Numbers are not text: a negative number would stay a number (none here), decimals as JavaScript writes them.
      for (const record of hosts) expect(record[18]).toMatch(/^\d+(\.\d+)?$/)
      // Every host's outcomes add up to the requests received: accepted, declined, expired, withdrawn, pending.
      const outcomes = (record: string[]) => record.slice(10, 15).reduce((sum, cell) => sum + Number(cell), 0)
      for (const record of hosts) expect(outcomes(record), record.join(',')).toBe(Number(record[9]))
      // Hedy: two waiting, one expired unswept and one withdrawn, in the range.
      expect(hosts.find((record) => record[0] === small.hosts[0])!.slice(9, 15)).toEqual(['4', '0', '0', '1', '1', '2'])
    })
  })

  describe('long lists', () => {
    it('arrive complete and in order across export pages (1,050 meetings, 520 students)', async () => {
      const school = await t.school('csv-large', ['advisor'])
      const { db } = t.database.forSchool(school.id)
      const students = await db.member.createManyAndReturn({
        data: Array.from({ length: 520 }, (_, index) => ({ schoolId: school.id, externalId: `bulk-${index}`, roles: ['student' as const], givenName: `Student ${index}`, email: `bulk-${index}@csv.example` })),
        select: { id: true },
      })
      const contacts = await db.contact.createManyAndReturn({
        data: students.slice(0, 30).map((student, index) => ({ schoolId: school.id, studentId: student.id, fullName: `Contact ${index}`, source: 'cold' as const, createdAt: at('2030-01-02T15:00:00Z') })),
        select: { id: true, studentId: true },
      })
      await db.meeting.createMany({
        data: Array.from({ length: 1050 }, (_, index) => {
          const contact = contacts[index % 30]!
          const start = Date.parse('2030-01-05T15:00:00Z') + index * HOUR
          return {
            schoolId: school.id, studentId: contact.studentId, contactId: contact.id, kind: 'informational_interview' as const, status: 'completed' as const, purpose: 'Learn',
            mode: 'phone' as const, proposedSlots: [], startsAt: new Date(start), endsAt: new Date(start + HOUR), completedAt: new Date(start + HOUR), createdAt: at('2030-01-03T15:00:00Z'),
          }
        }),
      })
      const token = school.members.advisor!.token
      const owner = await import('pg').then(({ default: pg }) => new pg.Client({ connectionString: t.db.ownerUrl }))
      await owner.connect()
      try {
        const answer = await exportCsv('meetings', {}, token)
        expect(answer.statusCode).toBe(200)
        const [, ...records] = csvRecords(answer)
        const { rows } = await owner.query<{ id: string; student_id: string; contact_id: string }>(
          'SELECT id::text, student_id::text, contact_id::text FROM meetings WHERE school_id = $1 ORDER BY id',
          [school.id],
        )
        expect(rows).toHaveLength(1050)
        expect(records.map((record) => [record[0], record[11], record[14]])).toEqual(rows.map((row) => [row.id, row.student_id, row.contact_id]))
        expect(new Set(records.map((record) => record[15])).size).toBe(30)

        const studentAnswer = await exportCsv('students', {}, token)
        const [, ...studentRecords] = csvRecords(studentAnswer)
        const { rows: studentRows } = await owner.query<{ id: string }>(`SELECT id::text FROM members WHERE school_id = $1 AND 'student' = ANY(roles) ORDER BY id`, [school.id])
        expect(studentRows).toHaveLength(520)
        expect(studentRecords.map((record) => record[0])).toEqual(studentRows.map((row) => row.id))
        // Activity is counted on every export page, not only the first: 35 held meetings for each of the first 30 students.
        const held = new Map(studentRecords.map((record) => [record[0], record[9]]))
        for (const contact of contacts) expect(held.get(contact.studentId)).toBe('35')
      } finally {
        await owner.end()
      }
    })

    it('longer than the export limit is refused with 400 before anything is sent; narrowed, it exports', async () => {
      const school = await t.school('csv-huge', ['advisor'])
      // Written as the owner, in one statement.
      const owner = await import('pg').then(({ default: pg }) => new pg.Client({ connectionString: t.db.ownerUrl }))
      await owner.connect()
      try {
        await owner.query(
          `INSERT INTO members (school_id, id, external_id, roles, graduation_year, updated_at)
           SELECT $1::uuid, gen_random_uuid(), 'huge-' || n, ARRAY['student']::member_role[], CASE WHEN n <= 3 THEN 2040 ELSE 2030 END, now()
             FROM generate_series(1, $2::int) n`, [school.id, EXPORT_LIMIT + 1])
      } finally {
        await owner.end()
      }
      const refused = await exportCsv('students', {}, school.members.advisor!.token)
      expect(refused.statusCode).toBe(400)
      expect(refused.headers['content-type']).toBe(PROBLEM_JSON)
      expect(refused.headers['content-disposition']).toBeUndefined()
      expect(refused.json()).toEqual({
        type: 'urn:vantage:problem:validation-failed',
        title: 'The request is not valid',
        status: 400,
        detail: `This export would hold ${EXPORT_LIMIT + 1} rows, more than ${EXPORT_LIMIT}; narrow the range or the filter`,
        instance: '/v1/reports/students.csv',
        rows: EXPORT_LIMIT + 1,
        limit: EXPORT_LIMIT,
      })
      const narrowed = await exportCsv('students', { graduationYear: 2040 }, school.members.advisor!.token)
      expect(narrowed.statusCode).toBe(200)
      expect(csvRecords(narrowed)).toHaveLength(1 + 3)
    })
  })

  describe('bad queries and callers', () => {
    const path = (list: List) => `/v1/reports/${list}.csv`
    const invalid = (detail: string, field: string, instance: string) => ({
      type: 'urn:vantage:problem:validation-failed',
      title: 'The request is not valid',
      status: 400,
      detail,
      instance,
      errors: [expect.objectContaining({ field })],
    })

    it('answer 400 problem+json naming the parameter: a missing from or to, to before from, a bad date, an unknown parameter, a bad value', async () => {
      const token = advisor()
      const cases: Array<[List, string, string]> = [
        ['students', 'to=2030-03-31', 'querystring.from'],
        ['meetings', 'from=2030-01-01', 'querystring.to'],
        ['hosts', 'from=2030-04-01&to=2030-03-31', 'querystring.to'],
        ['overdue-thank-yous', 'from=2030-02-30&to=2030-03-31', 'querystring.from'],
        ['waiting-requests', 'from=2030-01-01&to=31.03.2030', 'querystring.to'],
        ['students', 'from=2025-01-01&to=2030-01-05', 'querystring.to'],
        ['students', `${query(RANGE)}&sort=name`, 'querystring.sort'],
        ['hosts', `${query(RANGE)}&status=completed`, 'querystring.status'],
        ['meetings', `${query(RANGE)}&status=done`, 'querystring.status'],
        ['meetings', `${query(RANGE)}&kind=coffee`, 'querystring.kind'],
        ['students', `${query(RANGE)}&graduationYear=soon`, 'querystring.graduationYear'],
        ['students', `${query(RANGE)}&programId=not-a-uuid`, 'querystring.programId'],
      ]
      const failures: string[] = []
      for (const [list, search, field] of cases) {
        const answer = await t.request({ method: 'GET', url: `${path(list)}?${search}`, token })
        const body = answer.json() as { type: string; status: number; instance: string; errors?: Array<{ field: string }> }
        const ok = answer.statusCode === 400 && answer.headers['content-type'] === PROBLEM_JSON && body.type === 'urn:vantage:problem:validation-failed' &&
          body.instance === path(list) && body.errors?.some((error) => error.field === field) === true && answer.headers['content-disposition'] === undefined
        if (!ok) failures.push(`${list}?${search}: ${answer.statusCode} ${answer.body}`)
      }
      expect(failures).toEqual([])
      // Two of them in full.
      expectProblem(await t.request({ method: 'GET', url: `${path('hosts')}?from=2030-04-01&to=2030-03-31`, token }), 400,
        invalid('querystring.to must not be before from', 'querystring.to', path('hosts')))
      const missing = await t.request({ method: 'GET', url: `${path('students')}?to=2030-03-31`, token })
      expect(missing.statusCode).toBe(400)
      expect(missing.json()).toMatchObject({ type: 'urn:vantage:problem:validation-failed', errors: [expect.objectContaining({ field: 'querystring.from' })] })
    })

    it('students, alumni and clients without reports:read get 403; a client with reports:read exports', async () => {
      const { school } = small
      for (const role of ['student', 'alumni'] as const) {
        expectProblem(await exportCsv('students', {}, school.members[role]!.token), 403, forbiddenBody(path('students')))
        expectProblem(await exportCsv('meetings', { status: 'completed' }, school.members[role]!.token), 403, forbiddenBody(path('meetings')))
      }
      const client = async (scopes: string[]) => {
        const created = await t.request({ method: 'POST', url: `/v1/schools/${school.id}/integration-clients`, token: school.members.school_admin!.token, payload: { name: scopes.join(' '), scopes } })
        expect(created.statusCode, created.body).toBe(201)
        return t.clientToken(school.id, (created.json() as { client: { clientId: string } }).client.clientId, scopes as never)
      }
      expectProblem(await exportCsv('waiting-requests', {}, await client(['members:read'])), 403, forbiddenBody(path('waiting-requests')))
      const reader = await exportCsv('waiting-requests', {}, await client(['reports:read']))
      expect(reader.statusCode).toBe(200)
      expect(csvRecords(reader).slice(1).map((record) => record[0])).toEqual(small.waiting)
      const schoolAdmin = await exportCsv('overdue-thank-yous', {}, school.members.school_admin!.token)
      expect(csvRecords(schoolAdmin).slice(1).map((record) => record[0])).toEqual(small.overdue)
      const anonymous = await t.request({ method: 'GET', url: `${path('students')}?${query(RANGE)}` })
      expect(anonymous.statusCode).toBe(401)
    })
  })
})
