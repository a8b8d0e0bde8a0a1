// Every reporting metric equals an independent computation over seeded fixtures. The fixtures are
// written straight into the tables with every timestamp chosen (test/helpers/report-fixtures.ts);
// the expected numbers are computed there in plain TypeScript from the same rows, following the
// definitions in the schema's descriptions; the actual numbers come from POST /graphql as an
// advisor. The last part proves that the rollups (report_cells + report_cell_deltas) give the same
// numbers as the rows themselves, through changes, compactions and a change of time zone.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acquireForTenant } from '../src/infra/db/tenant-pool.js'
import { funnel, meetingsOverTime, networkGrowth, perspectives, singleViews } from '../src/modules/reports/metrics.js'
import { COMPACT_AFTER, reportScope } from '../src/modules/reports/scope.js'
import { effectiveSettings } from '../src/modules/schools/settings.js'
import { typeDefs } from '../src/graphql/schema.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import {
  addHostProfile, type ContactFixture, type ContactSource, DAY, expectedAlumniEngagement, expectedFunnel, expectedHosts, expectedMeetings, expectedMeetingsOverTime, expectedNetworkGrowth, expectedNetworkSources,
  expectedOverdueThankYous, expectedPerspectives, expectedSingleViews, expectedStudents, expectedWaitingRequests, type Filter, type Fixtures, type HostFixture,
  type HostRequestFixture, HOUR, insertRows,
  localDay, type MeetingFixture, type Range, referralPlaces, seedReportFixtures, view,
} from './helpers/report-fixtures.js'

const NOW = new Date('2026-08-20T16:00:00Z')
/** Every row of the fixtures (they run from 2025-11-15 to the day before NOW, bookings into September). */
const FULL: Range = { from: '2025-11-01', to: '2026-08-31' }
/** Rows on both sides fall outside. */
const MAIN: Range = { from: '2026-01-01', to: '2026-07-31' }
/** Starts and ends mid-month. */
const PARTIAL: Range = { from: '2026-01-15', to: '2026-06-10' }
const RANGES = [FULL, MAIN, PARTIAL]

// ---------------------------------------------------------------------------------------------
// GraphQL documents.

const BUCKET = 'start end total byKind { kind count } byStatus { status count } counts { kind status count }'
const METRICS = /* GraphQL */ `
  query Metrics($from: Date!, $to: Date!, $filter: ReportFilter) {
    report(from: $from, to: $to, filter: $filter) {
      from to timeZone studentCount
      funnel {
        steps { step count conversion }
        thankYouOnTime thankYouOnTimeShare thankYouWindowHours
        byKind { kind steps { step count conversion } thankYouOnTimeShare }
        bySource { source steps { step count conversion } replyRate }
        byChannel { channel sent replies replyRate }
      }
      week: meetingsOverTime(bucket: WEEK) { ${BUCKET} }
      month: meetingsOverTime(bucket: MONTH) { ${BUCKET} }
      perspectives {
        students studentsWithNone shareWithNone singleViewCount
        people { value orMore students }
        organizations { value orMore students }
        industries { value orMore students }
        singleViews(first: 100) { field student { id } contact { id } }
      }
      networkGrowth {
        referralsReceived referralsFromMeetings meetingsCompleted referralsPerCompletedMeeting
        referralsConverted conversionRate maxChainDepth chainDepths { depth referrals } referralsInCycles
      }
      networkSources { contactsAdded withoutReason byRelationship { relationship contacts share } byReason { reason contacts share } }
      alumniEngagement {
        volunteers accepting activeHosts requestsReceived accepted declined expired withdrawn pending
        acceptanceRate medianResponseHours booked capacity utilization loadGini
        mostAsked(first: 100) { requests accepted acceptanceShare host { id } }
      }
    }
  }`

const MEETING_NODE = 'id kind status requestedAt startsAt completedAt thankYouDueAt thankYouSentAt thankYouOnTime hoursOverdue student { id } contact { id }'
const STUDENT_NODE = `id externalId major graduationYear fieldsOfInterest
  activity { meetingsRequested meetingsCompleted thankYouSent thankYouOnTime peopleMet organizationsMet industriesMet referralsReceived lastCompletedAt }`
const HOST_NODE = `id organization accepting maxMeetingsPerMonth
  activity { requestsReceived accepted declined expired pending acceptanceRate medianResponseHours booked capacity utilization }`
const WAITING_NODE = 'id kind requestedAt expiresAt hoursWaiting student { id } host { id }'

// ---------------------------------------------------------------------------------------------
// Comparing: ratios and hours to 9 decimals (they are floats on both sides), everything else exactly.

const FLOAT_FIELDS = new Set([
  'conversion', 'thankYouOnTimeShare', 'replyRate', 'shareWithNone', 'referralsPerCompletedMeeting', 'conversionRate', 'acceptanceRate',
  'medianResponseHours', 'capacity', 'utilization', 'loadGini', 'acceptanceShare', 'hoursOverdue', 'hoursWaiting',
])

function approximately(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((entry) => approximately(entry))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, approximately(v, k)]))
  if (typeof value === 'number' && key && FLOAT_FIELDS.has(key)) return expect.closeTo(value, 9)
  return value
}

/** The kind-and-status counts of a bucket have no defined order: compare them sorted. */
function sortedCounts<T extends { counts: Array<{ kind: string; status: string }> }>(buckets: T[]): T[] {
  return buckets.map((bucket) => ({ ...bucket, counts: [...bucket.counts].sort((a, b) => `${a.kind} ${a.status}`.localeCompare(`${b.kind} ${b.status}`)) }))
}

function expectedMetrics(fx: Fixtures, range: Range, filter: Filter = {}) {
  const v = view(fx, range, filter)
  return {
    from: range.from,
    to: range.to,
    timeZone: fx.timeZone,
    studentCount: v.students.length,
    funnel: expectedFunnel(v),
    week: sortedCounts(expectedMeetingsOverTime(v, 'WEEK')),
    month: sortedCounts(expectedMeetingsOverTime(v, 'MONTH')),
    perspectives: { ...expectedPerspectives(v), singleViews: expectedSingleViews(v) },
    networkGrowth: expectedNetworkGrowth(v),
    networkSources: expectedNetworkSources(v),
    alumniEngagement: expectedAlumniEngagement(v),
  }
}

type Metrics = ReturnType<typeof expectedMetrics>

/** POST /graphql; fails the test on any GraphQL error. */
async function ask<T = any>(t: TestApp, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await t.request({ method: 'POST', url: '/graphql', token, payload: { query, variables } })
  const body = response.json()
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined()
  expect(response.statusCode).toBe(200)
  return body.data as T
}

// ---------------------------------------------------------------------------------------------

describe('report metrics equal an independent computation over the fixtures', () => {
  let t: TestApp
  let school: TestSchool
  let fx: Fixtures
  let advisor: string

  beforeAll(async () => {
    t = await build({ GRAPHQL_MAX_COST: '100000' }, { clock: () => NOW })
    school = await t.school('metrics')
    advisor = school.members.advisor!.token
    fx = await seedReportFixtures(t, school, { seed: 20261126, now: NOW })
  }, 120_000)
  afterAll(() => t.close())

  const graphql = <T = any>(query: string, variables: Record<string, unknown>) => ask<T>(t, advisor, query, variables)

  const reports = new Map<string, Promise<Metrics>>()
  /** The metrics over GraphQL, asked once per range and filter. */
  function report(range: Range, filter: Filter = {}): Promise<Metrics> {
    const key = JSON.stringify([range, filter])
    if (!reports.has(key)) {
      reports.set(key, graphql<{ report: Metrics }>(METRICS, { ...range, filter }).then(({ report }) => ({ ...report, week: sortedCounts(report.week), month: sortedCounts(report.month) })))
    }
    return reports.get(key)!
  }

  /** Every page of a drill-down list, following endCursor; checks each page's size, count and cursor. */
  async function allPages<N>(field: string, selection: string, range: Range, filter: Filter, first: number, args = '') {
    const query = /* GraphQL */ `
      query Page($from: Date!, $to: Date!, $filter: ReportFilter, $first: Int, $after: String) {
        report(from: $from, to: $to, filter: $filter) {
          list: ${field}(first: $first, after: $after${args}) { totalCount pageInfo { hasNextPage endCursor } nodes { ${selection} } }
        }
      }`
    const nodes: N[] = []
    const totals = new Set<number>()
    let after: string | null = null
    let pages = 0
    do {
      type Connection = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: N[] }
      const { report: { list } }: { report: { list: Connection } } = await graphql(query, { ...range, filter, first, ...(after === null ? {} : { after }) })
      pages++
      totals.add(list.totalCount)
      expect(list.nodes.length).toBeLessThanOrEqual(first)
      if (list.pageInfo.hasNextPage) {
        expect(list.nodes).toHaveLength(first)
        expect(list.pageInfo.endCursor).toEqual(expect.any(String))
      } else {
        expect(list.pageInfo.endCursor).toBeNull()
      }
      nodes.push(...list.nodes)
      after = list.pageInfo.endCursor
    } while (after !== null && pages < 100)
    expect(totals.size, 'every page tells the same total').toBe(1)
    return { nodes, totalCount: [...totals][0]!, pages }
  }

  /** The whole report for a range and filter: metrics and every drill-down list. */
  async function expectWholeReport(range: Range, filter: Filter = {}) {
    const v = view(fx, range, filter)
    expect(await report(range, filter)).toEqual(approximately(expectedMetrics(fx, range, filter)))
    const lists = [
      ['students', STUDENT_NODE, expectedStudents(v)],
      ['meetings', MEETING_NODE, expectedMeetings(v)],
      ['overdueThankYous', MEETING_NODE, expectedOverdueThankYous(v)],
      ['waitingRequests', WAITING_NODE, expectedWaitingRequests(v)],
      ['hosts', HOST_NODE, expectedHosts(v)],
    ] as const
    for (const [field, selection, expected] of lists) {
      const { nodes, totalCount } = await allPages(field, selection, range, filter, 100)
      expect(totalCount, field).toBe(expected.length)
      expect(nodes, field).toEqual(approximately(expected))
    }
  }

  const meetingStartingAt = (iso: string) => fx.meetings.find((m) => m.startsAt?.toISOString() === iso)!
  const meetingRequestedAt = (iso: string) => fx.meetings.find((m) => m.createdAt.toISOString() === iso && m.startsAt === null)!

  describe('the documented dashboard query', () => {
    it('answers the computed numbers (docs/dashboard.graphql)', async () => {
      const { report: dashboard } = await graphql(readFileSync(new URL('../docs/dashboard.graphql', import.meta.url), 'utf8'), { ...FULL })
      const v = view(fx, FULL)
      const e = expectedMetrics(fx, FULL)
      expect({ from: dashboard.from, to: dashboard.to, timeZone: dashboard.timeZone, studentCount: dashboard.studentCount })
        .toEqual({ from: FULL.from, to: FULL.to, timeZone: 'America/New_York', studentCount: fx.students.length })
      const bySource = e.funnel.bySource.map(({ source, replyRate, steps }) => ({ source, replyRate, steps: steps.map(({ step, count }) => ({ step, count })) }))
      expect(dashboard.funnel).toEqual(approximately({ ...e.funnel, bySource }))
      expect(dashboard.meetingsOverTime).toEqual(e.week.map(({ counts: _counts, ...bucket }) => bucket))
      const { singleViews: _views, ...perspectives } = e.perspectives
      expect(dashboard.perspectives).toEqual(approximately(perspectives))
      expect(dashboard.networkGrowth).toEqual(approximately(e.networkGrowth))
      const { mostAsked, ...engagement } = dashboard.alumniEngagement
      const { mostAsked: expectedMostAsked, ...expectedEngagement } = e.alumniEngagement
      expect(engagement).toEqual(approximately(expectedEngagement))
      expect(mostAsked.map(({ host, ...load }: { host: { id: string; organization: string } }) => ({ ...load, host: { id: host.id }, organization: host.organization })))
        .toEqual(approximately(expectedMostAsked.slice(0, 5).map((load) => ({ ...load, organization: fx.hosts.find((h) => h.id === load.host.id)!.organization }))))
      const overdue = expectedOverdueThankYous(v)
      expect(dashboard.overdueThankYous.totalCount).toBe(overdue.length)
      expect(dashboard.overdueThankYous.pageInfo.hasNextPage).toBe(overdue.length > 10)
      expect(dashboard.overdueThankYous.nodes.map((m: { id: string; kind: string; thankYouDueAt: string; hoursOverdue: number; student: { id: string }; contact: { organization: string | null } }) => ({
        id: m.id, kind: m.kind, thankYouDueAt: m.thankYouDueAt, hoursOverdue: m.hoursOverdue, student: { id: m.student.id }, organization: m.contact.organization,
      }))).toEqual(approximately(overdue.slice(0, 10).map((m) => ({
        id: m.id, kind: m.kind, thankYouDueAt: m.thankYouDueAt, hoursOverdue: m.hoursOverdue, student: m.student, organization: v.contact(m.contact.id).organization,
      }))))
      const waiting = expectedWaitingRequests(v)
      expect(dashboard.waitingRequests.totalCount).toBe(waiting.length)
      expect(dashboard.waitingRequests.nodes.map(({ id, kind, requestedAt, expiresAt, hoursWaiting }: Record<string, unknown>) => ({ id, kind, requestedAt, expiresAt, hoursWaiting })))
        .toEqual(approximately(waiting.map(({ id, kind, requestedAt, expiresAt, hoursWaiting }) => ({ id, kind, requestedAt, expiresAt, hoursWaiting }))))
    })
  })

  describe('fixtures', () => {
    it('hold a few hundred rows, meetings in every status and host requests in every status', () => {
      expect(fx.contacts.length + fx.outreach.length + fx.meetings.length + fx.referrals.length + fx.hostRequests.length).toBeGreaterThan(400)
      const statuses = new Set(fx.meetings.map((m) => m.status))
      expect([...statuses].sort()).toEqual(['cancelled', 'completed', 'declined', 'no_show', 'requested', 'resume_sent', 'scheduled', 'thank_you_sent'])
      expect(fx.meetings.some((m) => m.status === 'cancelled' && m.startsAt)).toBe(true)
      expect(fx.meetings.some((m) => m.status === 'cancelled' && !m.startsAt)).toBe(true)
      expect(fx.meetings.some((m) => m.thankYouOnTime === false)).toBe(true)
      expect(new Set(fx.hostRequests.map((r) => r.status))).toEqual(new Set(['pending', 'accepted', 'declined', 'withdrawn', 'expired']))
    })
  })

  describe('funnel', () => {
    it.each(RANGES)('counts each step over the range\'s days ($from to $to)', async (range) => {
      const expected = expectedFunnel(view(fx, range))
      expect(expected.steps.every((step) => step.count > 0)).toBe(true)
      expect((await report(range)).funnel.steps.map(({ step, count }) => ({ step, count }))).toEqual(expected.steps.map(({ step, count }) => ({ step, count })))
    })

    it.each(RANGES)('converts each step from the one before, null for the first ($from to $to)', async (range) => {
      const expected = expectedFunnel(view(fx, range))
      expect(expected.steps[0]!.conversion).toBeNull()
      const conversions = (await report(range)).funnel.steps.map(({ step, conversion }) => ({ step, conversion }))
      expect(conversions).toEqual(approximately(expected.steps.map(({ step, conversion }) => ({ step, conversion }))))
    })

    it.each(RANGES)('shares the thank-you notes sent within the school\'s window after the meeting ended ($from to $to)', async (range) => {
      const expected = expectedFunnel(view(fx, range))
      const sent = expected.steps.find((step) => step.step === 'thank_you_sent')!.count
      expect(expected.thankYouOnTime).toBeGreaterThan(0)
      expect(expected.thankYouOnTime).toBeLessThan(sent)
      const { thankYouOnTime, thankYouOnTimeShare, thankYouWindowHours } = (await report(range)).funnel
      expect({ thankYouOnTime, thankYouOnTimeShare, thankYouWindowHours }).toEqual(approximately({
        thankYouOnTime: expected.thankYouOnTime, thankYouOnTimeShare: expected.thankYouOnTimeShare, thankYouWindowHours: 24,
      }))
    })

    it.each(RANGES)('breaks the meeting steps down by kind ($from to $to)', async (range) => {
      expect((await report(range)).funnel.byKind).toEqual(approximately(expectedFunnel(view(fx, range)).byKind))
    })

    it.each(RANGES)('breaks every step down by the contact\'s source ($from to $to)', async (range) => {
      expect((await report(range)).funnel.bySource).toEqual(approximately(expectedFunnel(view(fx, range)).bySource))
    })

    it.each(RANGES)('counts outreach and replies per channel ($from to $to)', async (range) => {
      expect((await report(range)).funnel.byChannel).toEqual(approximately(expectedFunnel(view(fx, range)).byChannel))
    })

    it.each(RANGES)('counts the contacts added by relationship and by reason, in step with contacts_added ($from to $to)', async (range) => {
      const expected = expectedNetworkSources(view(fx, range))
      // The fixtures hold every relationship, contacts without one, and contacts with and without reasons.
      expect(expected.byRelationship.every((entry) => entry.contacts > 0)).toBe(true)
      expect(expected.withoutReason).toBeGreaterThan(0)
      const actual = await report(range)
      expect(actual.networkSources).toEqual(approximately(expected))
      expect(actual.networkSources.contactsAdded).toBe(actual.funnel.steps[0]!.count)
      expect(actual.networkSources.byRelationship.reduce((sum, entry) => sum + entry.contacts, 0)).toBe(actual.networkSources.contactsAdded)
    })

    it('counts the guide\'s sources of the students a filter selects only', async () => {
      const filter = { major: 'Biology' }
      const filtered = (await report(MAIN, filter)).networkSources
      expect(filtered).toEqual(approximately(expectedNetworkSources(view(fx, MAIN, filter))))
      expect(filtered.contactsAdded).toBeGreaterThan(0)
      expect(filtered.contactsAdded).toBeLessThan((await report(MAIN)).networkSources.contactsAdded)
    })

    it('counts cancelled and missed meetings as scheduled when they had a window, never as completed', async () => {
      const v = view(fx, MAIN)
      const cohort = v.meetings.filter((m) => v.within(m.createdAt))
      const calledOffAfterScheduling = cohort.filter((m) => (m.status === 'cancelled' || m.status === 'no_show') && m.startsAt)
      const calledOffBefore = cohort.filter((m) => m.status === 'cancelled' && !m.startsAt)
      expect(calledOffAfterScheduling.length).toBeGreaterThan(0)
      expect(calledOffBefore.length).toBeGreaterThan(0)
      const steps = Object.fromEntries((await report(MAIN)).funnel.steps.map((step) => [step.step, step.count]))
      expect(steps.meetings_requested).toBe(cohort.length)
      expect(steps.scheduled).toBe(cohort.filter((m) => m.startsAt).length)
      expect(steps.completed).toBe(cohort.filter((m) => m.status === 'completed' || m.status === 'thank_you_sent').length)
    })
  })

  describe('meetings over time', () => {
    it.each(RANGES)('counts meetings per school-local week, Monday first, by kind and status ($from to $to)', async (range) => {
      const expected = sortedCounts(expectedMeetingsOverTime(view(fx, range), 'WEEK'))
      expect(expected.every((bucket) => bucket.start <= range.to && bucket.end >= range.from)).toBe(true)
      expect((await report(range)).week).toEqual(expected)
    })

    it.each(RANGES)('counts meetings per calendar month ($from to $to)', async (range) => {
      expect((await report(range)).month).toEqual(sortedCounts(expectedMeetingsOverTime(view(fx, range), 'MONTH')))
    })

    it('counts cancelled and no-show meetings under their own status on their own day', async () => {
      const byStatus = (await report(MAIN)).month.flatMap((bucket) => bucket.byStatus)
      const total = (status: string) => byStatus.filter((entry) => entry.status === status).reduce((sum, entry) => sum + entry.count, 0)
      const v = view(fx, MAIN)
      const inRange = v.meetings.filter((m) => v.within(m.startsAt ?? m.createdAt))
      expect(total('cancelled')).toBe(inRange.filter((m) => m.status === 'cancelled').length)
      expect(total('no_show')).toBe(inRange.filter((m) => m.status === 'no_show').length)
      expect(total('cancelled')).toBeGreaterThan(0)
      expect(total('no_show')).toBeGreaterThan(0)
    })

    it('puts a meeting at 2026-03-01T04:30Z in February: it is still Feb 28 in New York', async () => {
      const lateFebruary = meetingStartingAt('2026-03-01T04:30:00.000Z')
      const firstOfMarch = meetingStartingAt('2026-03-01T05:00:00.000Z')
      expect(localDay(lateFebruary.startsAt!, 'America/New_York')).toBe('2026-02-28')
      const query = `query ($from: Date!, $to: Date!) { report(from: $from, to: $to) {
        meetingsOverTime(bucket: MONTH) { start end total } meetings(first: 100) { nodes { id } } } }`
      const february = (await graphql(query, { from: '2026-02-28', to: '2026-02-28' })).report
      const march = (await graphql(query, { from: '2026-03-01', to: '2026-03-01' })).report
      expect(february.meetings.nodes.map((m: { id: string }) => m.id)).toContain(lateFebruary.id)
      expect(february.meetings.nodes.map((m: { id: string }) => m.id)).not.toContain(firstOfMarch.id)
      expect(march.meetings.nodes.map((m: { id: string }) => m.id)).toContain(firstOfMarch.id)
      const oneDay = (date: string) => expectedMeetingsOverTime(view(fx, { from: date, to: date }), 'MONTH').map(({ start, end, total }) => ({ start, end, total }))
      expect(february.meetingsOverTime).toEqual(oneDay('2026-02-28'))
      expect(march.meetingsOverTime).toEqual(oneDay('2026-03-01'))
      expect(february.meetingsOverTime).toEqual([{ start: '2026-02-01', end: '2026-02-28', total: expect.any(Number) }])
    })

    it('splits the week clocks went forward in by school-local days (Sunday 23:30 EDT and Monday 00:30 EDT)', async () => {
      const sundayNight = meetingStartingAt('2026-03-09T03:30:00.000Z')
      const mondayMorning = meetingStartingAt('2026-03-09T04:30:00.000Z')
      const range = { from: '2026-03-02', to: '2026-03-15' }
      const v = view(fx, range)
      const expected = sortedCounts(expectedMeetingsOverTime(v, 'WEEK'))
      expect(expected.map((bucket) => bucket.start)).toEqual(['2026-03-02', '2026-03-09'])
      expect(newYorkDay(sundayNight)).toBe('2026-03-08')
      expect(newYorkDay(mondayMorning)).toBe('2026-03-09')
      expect((await report(range)).week).toEqual(expected)
      const ids = async (date: string) => (await allPages<{ id: string }>('meetings', 'id', { from: date, to: date }, {}, 100)).nodes.map((m) => m.id)
      expect(await ids('2026-03-08')).toContain(sundayNight.id)
      expect(await ids('2026-03-09')).toContain(mondayMorning.id)
      expect(await ids('2026-03-09')).not.toContain(sundayNight.id)
    })

    it('splits the week clocks went back in by school-local days (Sunday 23:30 EST and Monday 00:00 EST)', async () => {
      const sundayNight = meetingRequestedAt('2025-11-03T04:30:00.000Z')
      const mondayMidnight = meetingRequestedAt('2025-11-03T05:00:00.000Z')
      const range = { from: '2025-10-27', to: '2025-11-09' }
      const expected = sortedCounts(expectedMeetingsOverTime(view(fx, range), 'WEEK'))
      expect(expected.map((bucket) => [bucket.start, bucket.total])).toEqual([['2025-10-27', 1], ['2025-11-03', 1]])
      expect((await report(range)).week).toEqual(expected)
      const ids = async (date: string) => (await allPages<{ id: string }>('meetings', 'id', { from: date, to: date }, {}, 100)).nodes.map((m) => m.id)
      expect(await ids('2025-11-02')).toEqual([sundayNight.id])
      expect(await ids('2025-11-03')).toEqual([mondayMidnight.id])
    })

    function newYorkDay(m: MeetingFixture) {
      return localDay(m.startsAt ?? m.createdAt, 'America/New_York')
    }
  })

  describe('perspectives', () => {
    it.each(RANGES)('draws histograms of different people, organizations and industries met ($from to $to)', async (range) => {
      const expected = expectedPerspectives(view(fx, range))
      expect(expected.people.filter((bar) => bar.students > 0).length).toBeGreaterThan(2)
      expect(expected.people.at(-1)!.students).toBeGreaterThan(0)
      const { people, organizations, industries } = (await report(range)).perspectives
      expect({ people, organizations, industries }).toEqual({ people: expected.people, organizations: expected.organizations, industries: expected.industries })
    })

    it.each(RANGES)('counts the students with none and their share, students with no activity included ($from to $to)', async (range) => {
      const expected = expectedPerspectives(view(fx, range))
      const idle = fx.students.filter((s) => !fx.meetings.some((m) => m.studentId === s.id))
      expect(idle.length).toBeGreaterThanOrEqual(3)
      expect(expected.studentsWithNone).toBeGreaterThanOrEqual(idle.length)
      const { students, studentsWithNone, shareWithNone } = (await report(range)).perspectives
      expect({ students, studentsWithNone, shareWithNone }).toEqual(approximately({
        students: fx.students.length, studentsWithNone: expected.studentsWithNone, shareWithNone: expected.shareWithNone,
      }))
    })

    it.each(RANGES)('lists the single views: a student and a field in which they met exactly one person ($from to $to)', async (range) => {
      const expected = expectedSingleViews(view(fx, range))
      expect(expected.length).toBeGreaterThan(5)
      const { singleViewCount, singleViews: views } = (await report(range)).perspectives
      expect(singleViewCount).toBe(expected.length)
      expect(views).toEqual(expected.slice(0, 100))
    })
  })

  describe('network growth', () => {
    it.each(RANGES)('measures referral chains by their shortest path from someone known directly ($from to $to)', async (range) => {
      const expected = expectedNetworkGrowth(view(fx, range))
      expect(expected.chainDepths.map((entry) => entry.depth)).toEqual(expect.arrayContaining([1, 2, 3]))
      expect(expected.referralsInCycles).toBe(2)
      const { maxChainDepth, chainDepths, referralsInCycles, referralsReceived } = (await report(range)).networkGrowth
      expect({ maxChainDepth, chainDepths, referralsInCycles, referralsReceived }).toEqual({
        maxChainDepth: expected.maxChainDepth, chainDepths: expected.chainDepths, referralsInCycles: expected.referralsInCycles, referralsReceived: expected.referralsReceived,
      })
    })

    it('measures depth with the referrals recorded by the end of the range', async () => {
      // A July step whose referrer (a referred contact) was only referred in August, by another
      // referred contact: depth 2 as of July (its referrer came through someone known), 3 once August is in.
      const late = fx.referrals.find((r) => r.createdAt.toISOString() === '2026-07-15T15:00:00.000Z')!
      const recordedBy = (date: string) => fx.referrals.filter((r) => localDay(r.createdAt, fx.timeZone) <= date)
      const contactOf = (id: string) => fx.contacts.find((contact) => contact.id === id)!
      expect(referralPlaces(recordedBy('2026-07-31'), contactOf).get(late.id)).toBe(2)
      expect(referralPlaces(recordedBy('2026-08-31'), contactOf).get(late.id)).toBe(3)
      for (const range of [{ from: '2026-07-01', to: '2026-07-31' }, { from: '2026-07-01', to: '2026-08-31' }]) {
        expect((await report(range)).networkGrowth).toEqual(approximately(expectedNetworkGrowth(view(fx, range))))
      }
    })

    it.each(RANGES)('counts referrals converted into scheduled meetings and referrals per completed meeting ($from to $to)', async (range) => {
      const expected = expectedNetworkGrowth(view(fx, range))
      expect(expected.referralsFromMeetings).toBeGreaterThan(0)
      expect(expected.referralsConverted).toBeGreaterThan(0)
      expect((await report(range)).networkGrowth).toEqual(approximately(expected))
    })
  })

  describe('alumni engagement', () => {
    it.each(RANGES)('counts requests by outcome, the acceptance rate and the median hours to answer ($from to $to)', async (range) => {
      const expected = expectedAlumniEngagement(view(fx, range))
      expect(expected.withdrawn).toBeGreaterThan(0)
      const actual = (await report(range)).alumniEngagement
      const pick = (e: typeof expected) => ({
        volunteers: e.volunteers, accepting: e.accepting, activeHosts: e.activeHosts, requestsReceived: e.requestsReceived, accepted: e.accepted,
        declined: e.declined, expired: e.expired, withdrawn: e.withdrawn, pending: e.pending, acceptanceRate: e.acceptanceRate, medianResponseHours: e.medianResponseHours,
      })
      expect(pick(actual as typeof expected)).toEqual(approximately(pick(expected)))
    })

    it.each(RANGES)('sets bookings against the hosts\' capacity over the range ($from to $to)', async (range) => {
      const expected = expectedAlumniEngagement(view(fx, range))
      expect(expected.booked).toBeGreaterThan(0)
      const { booked, capacity, utilization } = (await report(range)).alumniEngagement
      expect({ booked, capacity, utilization }).toEqual(approximately({ booked: expected.booked, capacity: expected.capacity, utilization: expected.utilization }))
    })

    it.each(RANGES)('measures the load\'s inequality over every volunteer, idle ones included ($from to $to)', async (range) => {
      const expected = expectedAlumniEngagement(view(fx, range))
      expect(expected.mostAsked.length).toBeLessThan(fx.hosts.length)
      expect((await report(range)).alumniEngagement.loadGini).toBeCloseTo(expected.loadGini!, 9)
    })

    it.each(RANGES)('orders the most-asked hosts by requests, most first ($from to $to)', async (range) => {
      expect((await report(range)).alumniEngagement.mostAsked).toEqual(approximately(expectedAlumniEngagement(view(fx, range)).mostAsked))
      const top2 = await graphql(`query ($from: Date!, $to: Date!) { report(from: $from, to: $to) { alumniEngagement { mostAsked(first: 2) { requests host { id } } } } }`, { ...range })
      expect(top2.report.alumniEngagement.mostAsked).toEqual(expectedAlumniEngagement(view(fx, range)).mostAsked.slice(0, 2).map(({ requests, host }) => ({ requests, host })))
    })
  })

  describe('lists an advisor acts on', () => {
    it.each(RANGES)('lists overdue thank-you notes, oldest deadline first, through every page ($from to $to)', async (range) => {
      const expected = expectedOverdueThankYous(view(fx, range))
      expect(expected.length).toBeGreaterThan(7)
      const { nodes, totalCount, pages } = await allPages('overdueThankYous', MEETING_NODE, range, {}, 7)
      expect(totalCount).toBe(expected.length)
      expect(pages).toBe(Math.ceil(expected.length / 7))
      expect(nodes).toEqual(approximately(expected))
    })

    it('lists requests still waiting for an answer, oldest first, through every page', async () => {
      const expected = expectedWaitingRequests(view(fx, FULL))
      expect(expected.length).toBe(7)
      const { nodes, totalCount, pages } = await allPages('waitingRequests', WAITING_NODE, FULL, {}, 3)
      expect({ totalCount, pages }).toEqual({ totalCount: 7, pages: 3 })
      expect(nodes).toEqual(approximately(expected))
      // Sent after MAIN ends: none waits in it.
      expect(expectedWaitingRequests(view(fx, MAIN))).toEqual([])
      expect((await allPages('waitingRequests', WAITING_NODE, MAIN, {}, 3)).totalCount).toBe(0)
    })
  })

  describe('drill-down connections', () => {
    it.each(RANGES)('pages through the students in id order with what each did in the range ($from to $to)', async (range) => {
      const expected = expectedStudents(view(fx, range))
      expect(expected.filter((s) => s.activity.meetingsRequested === 0 && s.activity.peopleMet === 0).length).toBeGreaterThanOrEqual(3)
      const { nodes, totalCount, pages } = await allPages('students', STUDENT_NODE, range, {}, 4)
      expect({ totalCount, pages }).toEqual({ totalCount: fx.students.length, pages: Math.ceil(fx.students.length / 4) })
      expect(nodes).toEqual(expected)
    })

    it.each(RANGES)('pages through the meetings of days in the range in id order ($from to $to)', async (range) => {
      const expected = expectedMeetings(view(fx, range))
      const { nodes, totalCount, pages } = await allPages('meetings', MEETING_NODE, range, {}, 50)
      expect({ totalCount, pages }).toEqual({ totalCount: expected.length, pages: Math.ceil(expected.length / 50) })
      expect(nodes).toEqual(approximately(expected))
    })

    it('narrows the meetings to one status or one kind', async () => {
      for (const only of [{ status: 'no_show' }, { status: 'cancelled' }, { kind: 'job_shadow' }, { status: 'thank_you_sent', kind: 'informational_interview' }] as const) {
        const args = Object.entries(only).map(([name, value]) => `, ${name}: ${value}`).join('')
        const expected = expectedMeetings(view(fx, MAIN), only)
        expect(expected.length).toBeGreaterThan(0)
        const { nodes, totalCount } = await allPages('meetings', MEETING_NODE, MAIN, {}, 10, args)
        expect(totalCount).toBe(expected.length)
        expect(nodes).toEqual(approximately(expected))
      }
    })

    it.each(RANGES)('pages through the hosts in id order with their requests and bookings ($from to $to)', async (range) => {
      const expected = expectedHosts(view(fx, range))
      const { nodes, totalCount, pages } = await allPages('hosts', HOST_NODE, range, {}, 4)
      expect({ totalCount, pages }).toEqual({ totalCount: fx.hosts.length, pages: 2 })
      expect(nodes).toEqual(approximately(expected))
    })
  })

  describe('filters', () => {
    const filters: Array<[string, (fx: Fixtures) => Filter]> = [
      ['major', () => ({ major: 'Biology' })],
      ['graduation year', () => ({ graduationYear: 2026 })],
      ['background tag', () => ({ backgroundTag: 'first-generation' })],
      ['field of interest', () => ({ field: 'Health' })],
      ['programme', (fixtures) => ({ programId: fixtures.programId })],
      ['major and graduation year together', () => ({ major: 'Economics', graduationYear: 2027 })],
      ['a major nobody has', () => ({ major: 'Astronomy' })],
    ]

    it.each(filters)('restricts every metric and list to the students a %s selects', async (_name, filterOf) => {
      const filter = filterOf(fx)
      const selected = view(fx, MAIN, filter).students
      expect(selected.length).toBeLessThan(fx.students.length)
      await expectWholeReport(MAIN, filter)
    })

    it('never counts a student who chose not to share background tags under a tag', async () => {
      const hidden = fx.students.filter((s) => !s.shareBackgroundTags && s.backgroundTags.includes('first-generation'))
      expect(hidden.length).toBeGreaterThan(0)
      const { nodes } = await allPages<{ id: string }>('students', 'id', MAIN, { backgroundTag: 'first-generation' }, 100)
      const ids = nodes.map((node) => node.id)
      for (const student of hidden) expect(ids).not.toContain(student.id)
      expect(ids).toEqual(fx.students.filter((s) => s.shareBackgroundTags && s.backgroundTags.includes('first-generation')).map((s) => s.id).sort())
      // The hidden students added contacts in the range: counting them would change the numbers.
      const v = view(fx, MAIN)
      expect(fx.contacts.filter((c) => hidden.some((s) => s.id === c.studentId) && v.within(c.createdAt)).length).toBeGreaterThan(0)
      const expected = expectedFunnel(view(fx, MAIN, { backgroundTag: 'first-generation' })).steps[0]!.count
      expect((await report(MAIN, { backgroundTag: 'first-generation' })).funnel.steps[0]!.count).toBe(expected)
    })
  })

  describe('ranges', () => {
    it('answers zeros and null ratios for dates with no data', async () => {
      const empty = { from: '2030-01-01', to: '2030-03-31' }
      await expectWholeReport(empty)
      const actual = await report(empty)
      expect(actual.funnel.steps.map((step) => [step.count, step.conversion])).toEqual(Array(7).fill([0, null]))
      expect(actual.funnel.thankYouOnTimeShare).toBeNull()
      expect(actual.week.every((bucket) => bucket.total === 0)).toBe(true)
      expect(actual.perspectives).toMatchObject({ studentsWithNone: fx.students.length, shareWithNone: 1, singleViewCount: 0, singleViews: [] })
      expect(actual.networkGrowth).toEqual({
        referralsReceived: 0, referralsFromMeetings: 0, meetingsCompleted: 0, referralsPerCompletedMeeting: null, referralsConverted: 0,
        conversionRate: null, maxChainDepth: 0, chainDepths: [], referralsInCycles: 0,
      })
      expect(actual.alumniEngagement).toMatchObject({ requestsReceived: 0, acceptanceRate: null, medianResponseHours: null, booked: 0, utilization: 0, loadGini: null, mostAsked: [] })
    })

    it('counts a range\'s first and last local days and not the days either side', async () => {
      // Rows at 2026-02-02 00:00 and 2026-02-28 23:59 New York time are in; 23:59 the day before and 00:00 the day after are out.
      const february = { from: '2026-02-02', to: '2026-02-28' }
      const wider = { from: '2026-02-01', to: '2026-03-01' }
      await expectWholeReport(february)
      await expectWholeReport(wider)
      const contactsOn = (range: Range) => (expectedMetrics(fx, range).funnel.steps[0]!.count)
      const edgeContacts = fx.contacts.filter((c) => c.organization === 'Edge Works' && c.source === 'cold')
      expect(edgeContacts.map((c) => localDay(c.createdAt, fx.timeZone))).toEqual(['2026-02-01', '2026-02-02', '2026-02-28', '2026-03-01'])
      expect(contactsOn(wider) - contactsOn(february)).toBeGreaterThanOrEqual(2)
      expect((await report(february)).funnel.steps[0]!.count).toBe(contactsOn(february))
      const inFebruary = (await allPages<{ id: string }>('meetings', 'id', february, {}, 100)).nodes.map((m) => m.id)
      expect(inFebruary).toContain(meetingRequestedAt('2026-02-02T05:00:00.000Z').id)
      expect(inFebruary).toContain(meetingStartingAt('2026-03-01T04:30:00.000Z').id)
      expect(inFebruary).not.toContain(meetingRequestedAt('2026-02-02T04:59:00.000Z').id)
      expect(inFebruary).not.toContain(meetingRequestedAt('2026-03-01T05:00:00.000Z').id)
    })

    it('answers the whole report for the main range as computed', async () => {
      await expectWholeReport(MAIN)
    })
  })
})

// ---------------------------------------------------------------------------------------------

describe('edge cases the definitions settle', () => {
  let t: TestApp
  let school: TestSchool
  let fx: Fixtures
  let advisor: string
  const MAY: Range = { from: '2026-05-01', to: '2026-05-31' }
  const graphql = <T = any>(query: string, variables: Record<string, unknown>) => ask<T>(t, advisor, query, variables)

  beforeAll(async () => {
    t = await build({}, { clock: () => NOW })
    school = await t.school('edges')
    advisor = school.members.advisor!.token
    const tenant = t.database.forSchool(school.id)
    const student = school.members.student!
    const host: HostFixture = { id: school.members.alumni!.id, organization: 'Acme Bank', industries: ['Finance'], accepting: true, maxMeetingsPerMonth: 3 }
    await addHostProfile(tenant, school.id, host)
    // The contacts API takes an organization and an industry of spaces only.
    const created = await t.request({
      method: 'POST', url: '/v1/contacts', token: student.token, payload: { fullName: 'Blank Org', organization: '   ', industry: ' ', source: 'cold' },
    })
    expect(created.statusCode, created.body).toBe(201)
    const contact = (id: string, fields: Partial<ContactFixture>): ContactFixture => ({
      id, studentId: student.id, fullName: 'Someone', organization: null, industry: null, source: 'personal', relationship: null, reasons: [], alumniMemberId: null, createdAt: new Date('2026-04-01T15:00:00Z'), ...fields,
    })
    const blank = contact(created.json().id, { fullName: 'Blank Org', organization: '   ', industry: ' ', source: 'cold', createdAt: new Date(created.json().createdAt) })
    const named = contact('00000000-0000-4000-8000-000000000001', { organization: 'Acme Bank', industry: 'Finance' })
    const alumnus = contact('00000000-0000-4000-8000-000000000002', { organization: 'Acme Bank', industry: 'Finance', source: 'alumni_network', alumniMemberId: host.id })
    const meeting = (id: string, contactId: string, fields: Partial<MeetingFixture>): MeetingFixture => ({
      id, studentId: student.id, contactId, kind: 'informational_interview', status: 'requested', createdAt: new Date('2026-05-01T15:00:00Z'),
      startsAt: null, endsAt: null, completedAt: null, thankYouDueAt: null, thankYouSentAt: null, thankYouOnTime: null, ...fields,
    })
    const held = (startsAt: string) => ({
      status: 'completed' as const, startsAt: new Date(startsAt), endsAt: new Date(Date.parse(startsAt) + HOUR / 2),
      completedAt: new Date(Date.parse(startsAt) + HOUR), thankYouDueAt: new Date(Date.parse(startsAt) + HOUR / 2 + 24 * HOUR),
    })
    const meetings = [
      meeting('00000000-0000-4000-8000-000000000011', blank.id, held('2026-05-10T15:00:00Z')),
      meeting('00000000-0000-4000-8000-000000000012', named.id, held('2026-05-11T15:00:00Z')),
      meeting('00000000-0000-4000-8000-000000000013', alumnus.id, {}),
      meeting('00000000-0000-4000-8000-000000000014', alumnus.id, {
        status: 'scheduled', createdAt: new Date('2026-05-02T15:00:00Z'), startsAt: new Date('2026-05-20T15:00:00Z'), endsAt: new Date('2026-05-20T16:00:00Z'),
        thankYouDueAt: new Date('2026-05-21T16:00:00Z'),
      }),
    ]
    const request = (id: string, meetingId: string, fields: Partial<HostRequestFixture>): HostRequestFixture => ({
      id, groupId: id, studentId: student.id, hostId: host.id, meetingId, status: 'pending', createdAt: new Date('2026-05-01T15:00:00Z'),
      respondedAt: null, startsAt: null, endsAt: null, expiresAt: new Date('2026-05-08T15:00:00Z'), ...fields,
    })
    const hostRequests = [
      // Its week to answer ran out on May 8; no sweep has marked it expired yet.
      request('00000000-0000-4000-8000-000000000021', meetings[2]!.id, {}),
      request('00000000-0000-4000-8000-000000000022', meetings[3]!.id, {
        status: 'accepted', createdAt: new Date('2026-05-02T15:00:00Z'), respondedAt: new Date('2026-05-03T15:00:00Z'),
        startsAt: meetings[3]!.startsAt, endsAt: meetings[3]!.endsAt, expiresAt: new Date('2026-05-09T15:00:00Z'),
      }),
    ]
    await insertRows(tenant, school.id, { contacts: [named, alumnus], outreach: [], meetings, referrals: [], hostRequests })
    fx = {
      schoolId: school.id, timeZone: 'America/New_York', thankYouWindowHours: 24, now: NOW, programId: '',
      students: [{ id: student.id, externalId: student.externalId, major: null, graduationYear: null, fieldsOfInterest: [], backgroundTags: [], shareBackgroundTags: true, programIds: [] }],
      hosts: [host], contacts: [blank, named, alumnus], outreach: [], meetings, referrals: [], hostRequests,
    }
  })
  afterAll(() => t.close())

  it('counts a request left pending past its expiry as expired, not as waiting, before any sweep marks it', async () => {
    const v = view(fx, MAY)
    const expected = expectedAlumniEngagement(v)
    expect(expected).toMatchObject({ requestsReceived: 2, accepted: 1, expired: 1, pending: 0, acceptanceRate: 0.5 })
    const { report } = await graphql(`query ($from: Date!, $to: Date!) { report(from: $from, to: $to) {
      alumniEngagement { requestsReceived accepted declined expired withdrawn pending acceptanceRate }
      waitingRequests { totalCount }
      hosts { nodes { id activity { requestsReceived accepted declined expired pending acceptanceRate } } } } }`, { ...MAY })
    expect(report.waitingRequests.totalCount).toBe(expectedWaitingRequests(v).length)
    const { requestsReceived, accepted, declined, expired, withdrawn, pending, acceptanceRate } = expected
    expect(report.alumniEngagement).toEqual(approximately({ requestsReceived, accepted, declined, expired, withdrawn, pending, acceptanceRate }))
    const [hostRow] = expectedHosts(v)
    const { booked: _b, capacity: _c, utilization: _u, medianResponseHours: _m, ...activity } = hostRow!.activity
    expect(report.hosts.nodes).toEqual([{ id: hostRow!.id, activity: approximately(activity) }])
  })

  it('adds no organization or industry for a contact whose organization and industry are blank', async () => {
    const v = view(fx, MAY)
    const expected = expectedPerspectives(v)
    expect(expected.organizations.find((bar) => bar.value === 1)!.students).toBe(1)
    const { report } = await graphql(`query ($from: Date!, $to: Date!) { report(from: $from, to: $to) {
      perspectives { people { value students } organizations { value students } industries { value students } singleViewCount }
      students { nodes { id activity { peopleMet organizationsMet industriesMet } } } } }`, { ...MAY })
    const bars = (histogram: Array<{ value: number; students: number }>) => histogram.map(({ value, students }) => ({ value, students }))
    expect(report.perspectives).toEqual({
      people: bars(expected.people), organizations: bars(expected.organizations), industries: bars(expected.industries), singleViewCount: expected.singleViewCount,
    })
    const [student] = expectedStudents(v)
    const { peopleMet, organizationsMet, industriesMet } = student!.activity
    expect(report.students.nodes).toEqual([{ id: student!.id, activity: { peopleMet, organizationsMet, industriesMet } }])
  })

  it('starts a list at its beginning when after is null, as clients send for a first page', async () => {
    const query = `query ($from: Date!, $to: Date!, $after: String) { report(from: $from, to: $to) {
      meetings(first: 2, after: $after) { totalCount nodes { id } pageInfo { hasNextPage } } } }`
    const omitted = await graphql(query, { ...MAY })
    expect(omitted.report.meetings).toEqual({
      totalCount: 4, nodes: fx.meetings.slice(0, 2).map(({ id }) => ({ id })), pageInfo: { hasNextPage: true },
    })
    expect(await graphql(query, { ...MAY, after: null })).toEqual(omitted)
  })

  it('spreads hosts\' capacity over months of the length the schema states', async () => {
    const stated = /divided by ([\d.]+)/.exec(typeDefs.match(/"The hosts' capacity over the range[^"]*"/)![0])![1]!
    const capacity = (3 * 31) / Number(stated)
    const { report } = await graphql(`query ($from: Date!, $to: Date!) { report(from: $from, to: $to) {
      alumniEngagement { capacity } hosts { nodes { activity { capacity } } } } }`, { ...MAY })
    expect(report.alumniEngagement.capacity).toBeCloseTo(capacity, 9)
    expect(report.hosts.nodes[0].activity.capacity).toBeCloseTo(capacity, 9)
  })
})

// ---------------------------------------------------------------------------------------------

describe('rollups equal the rows they summarize', () => {
  let t: TestApp
  let school: TestSchool
  let fx: Fixtures
  const rangesToCheck: Range[] = [FULL, MAIN, PARTIAL, { from: '2026-02-02', to: '2026-02-28' }]

  beforeAll(async () => {
    t = await build({}, { clock: () => NOW })
    school = await t.school('rollups')
    fx = await seedReportFixtures(t, school, { seed: 7, now: NOW })
  }, 120_000)
  afterAll(() => t.close())

  const tenant = () => t.database.forSchool(school.id)

  /** The metrics the rollups serve, from one source, called as the resolvers call them. */
  async function metrics(source: 'rollup' | 'raw', range: Range) {
    const row = await t.database.platform.school.findUniqueOrThrow({ where: { id: school.id } })
    const scope = await reportScope(tenant(), { timeZone: row.timeZone, settings: effectiveSettings(row.settings) }, { ...range, source }, NOW)
    return {
      timeZone: scope.timeZone,
      funnel: await funnel(scope),
      week: sortedCounts(await meetingsOverTime(scope, 'week')),
      month: sortedCounts(await meetingsOverTime(scope, 'month')),
      perspectives: await perspectives(scope),
      singleViews: await singleViews(scope, 100),
      networkGrowth: await networkGrowth(scope),
    }
  }

  function independently(range: Range) {
    const v = view(fx, range)
    return {
      timeZone: fx.timeZone,
      funnel: expectedFunnel(v),
      week: sortedCounts(expectedMeetingsOverTime(v, 'WEEK')),
      month: sortedCounts(expectedMeetingsOverTime(v, 'MONTH')),
      perspectives: expectedPerspectives(v),
      singleViews: expectedSingleViews(v).map((single) => ({ studentId: single.student.id, field: single.field, contactId: single.contact.id })),
      networkGrowth: expectedNetworkGrowth(v),
    }
  }

  /** report_met (kept by the triggers) and its definition (computed from the meetings), row for row. */
  const metRows = async (source: 'report_met' | 'report_met_of_school($1::uuid)') =>
    tenant().db.$queryRawUnsafe<unknown[]>(
      `SELECT student_id::text, contact_id::text, organization, industry, days::text[] AS days, first_day::text, last_day::text
         FROM ${source} WHERE school_id = $1::uuid ORDER BY 1, 2`,
      school.id,
    )

  type Client = Awaited<ReturnType<typeof acquireForTenant>>
  /**
   * Runs `first` in one open transaction, then `second` in another, which must wait (still running
   * 200 ms later) until the first commits; then commits the second.
   */
  async function inTurns(first: (client: Client) => Promise<unknown>, second: (client: Client) => Promise<unknown>, label: string) {
    const [a, b] = [await acquireForTenant(t.database.pool, school.id), await acquireForTenant(t.database.pool, school.id)]
    try {
      await a.query('BEGIN')
      await b.query('BEGIN')
      await first(a)
      let secondDone = false
      const running = second(b).then(() => { secondDone = true })
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(secondDone, label).toBe(false)
      await a.query('COMMIT')
      await running
      await b.query('COMMIT')
    } finally {
      a.release()
      b.release()
    }
  }

  async function expectRollupsRight() {
    const met = await metRows('report_met')
    expect(met.length).toBeGreaterThan(0)
    expect(met).toEqual(await metRows('report_met_of_school($1::uuid)'))
    for (const range of rangesToCheck) {
      const rollup = await metrics('rollup', range)
      expect(rollup, `${range.from}..${range.to}`).toEqual(await metrics('raw', range))
      expect(rollup, `${range.from}..${range.to}`).toEqual(approximately(independently(range)))
    }
  }

  const pendingDeltas = async () =>
    (await tenant().db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM report_cell_deltas WHERE school_id = ${school.id}::uuid`)[0]!.n
  const compact = () => tenant().db.$queryRaw`SELECT report_compact(${school.id}::uuid)`

  const meeting = (keep: (m: MeetingFixture) => boolean) => {
    const free = (m: MeetingFixture) => !fx.referrals.some((r) => r.meetingId === m.id) && !fx.hostRequests.some((r) => r.meetingId === m.id)
    const found = fx.meetings.find((m) => free(m) && keep(m))
    expect(found).toBeDefined()
    return found!
  }

  it('after the fixtures are written', async () => {
    expect(await pendingDeltas()).toBeGreaterThan(0)
    await expectRollupsRight()
  })

  it('after compaction', async () => {
    await compact()
    expect(await pendingDeltas()).toBe(0)
    await expectRollupsRight()
  })

  it('after status changes, a source change and deletions made in SQL, then after compaction', async () => {
    const db = tenant().db
    const s = school.id
    // Requested -> scheduled (at 02:00Z, a time the generator never books).
    const requested = meeting((m) => m.status === 'requested' && m.createdAt < new Date('2026-07-01'))
    const startsAt = new Date(requested.createdAt.getTime() + 3 * DAY - (requested.createdAt.getTime() % DAY) + 2 * HOUR)
    const endsAt = new Date(startsAt.getTime() + HOUR / 2)
    await db.$executeRaw`UPDATE meetings SET status = 'scheduled', starts_at = ${startsAt}, ends_at = ${endsAt}, thank_you_due_at = ${new Date(endsAt.getTime() + 24 * HOUR)}
      WHERE school_id = ${s}::uuid AND id = ${requested.id}::uuid`
    Object.assign(requested, { status: 'scheduled', startsAt, endsAt, thankYouDueAt: new Date(endsAt.getTime() + 24 * HOUR) })
    // Scheduled -> completed.
    const scheduled = meeting((m) => m.status === 'scheduled' && m.endsAt! < new Date('2026-08-01') && m.id !== requested.id)
    const completedAt = new Date(scheduled.endsAt!.getTime() + HOUR)
    await db.$executeRaw`UPDATE meetings SET status = 'completed', completed_at = ${completedAt} WHERE school_id = ${s}::uuid AND id = ${scheduled.id}::uuid`
    Object.assign(scheduled, { status: 'completed', completedAt })
    // Completed -> thank-you sent, late.
    const held = meeting((m) => m.status === 'completed' && m.id !== scheduled.id)
    const sentAt = new Date(held.thankYouDueAt!.getTime() + 2 * HOUR)
    await db.$executeRaw`UPDATE meetings SET status = 'thank_you_sent', thank_you_sent_at = ${sentAt}, thank_you_on_time = false WHERE school_id = ${s}::uuid AND id = ${held.id}::uuid`
    Object.assign(held, { status: 'thank_you_sent', thankYouSentAt: sentAt, thankYouOnTime: false })
    // Scheduled -> cancelled (keeps its window).
    const calledOff = meeting((m) => (m.status === 'scheduled' || m.status === 'resume_sent') && m.id !== scheduled.id && m.id !== requested.id)
    await db.$executeRaw`UPDATE meetings SET status = 'cancelled' WHERE school_id = ${s}::uuid AND id = ${calledOff.id}::uuid`
    calledOff.status = 'cancelled'
    // Three interviews become shadows in one statement.
    const interviews = fx.meetings.filter((m) => m.kind === 'informational_interview' && m.createdAt > new Date('2026-02-01')).slice(0, 3)
    await db.$executeRaw`UPDATE meetings SET kind = 'job_shadow' WHERE school_id = ${s}::uuid AND id = ANY(${interviews.map((m) => m.id)}::uuid[])`
    for (const m of interviews) m.kind = 'job_shadow'
    // Three unanswered outreach attempts get replies.
    const unanswered = fx.outreach.filter((o) => o.outcome === 'no_reply').slice(0, 3)
    await db.$executeRaw`UPDATE outreach SET outcome = 'replied' WHERE school_id = ${s}::uuid AND id = ANY(${unanswered.map((o) => o.id)}::uuid[])`
    for (const o of unanswered) o.outcome = 'replied'
    // A contact with outreach and meetings changes source; another is added a month later than it was.
    const switched = fx.contacts.find((c) => c.source !== 'cold' && fx.outreach.some((o) => o.contactId === c.id) && fx.meetings.some((m) => m.contactId === c.id))!
    await db.$executeRaw`UPDATE contacts SET source = 'cold' WHERE school_id = ${s}::uuid AND id = ${switched.id}::uuid`
    switched.source = 'cold' as ContactSource
    // A contact who changed jobs: another organization and industry, after the student met them.
    const changedJobs = fx.contacts.find((c) => c.id !== switched.id && fx.meetings.some((m) => m.contactId === c.id && m.completedAt && m.completedAt > new Date('2026-02-01')))!
    await db.$executeRaw`UPDATE contacts SET organization = 'Initech', industry = ' law ' WHERE school_id = ${s}::uuid AND id = ${changedJobs.id}::uuid`
    Object.assign(changedJobs, { organization: 'Initech', industry: ' law ' })
    const moved = fx.contacts.find((c) => c.createdAt > new Date('2026-03-01') && c.createdAt < new Date('2026-06-01'))!
    const movedTo = new Date(moved.createdAt.getTime() + 30 * DAY)
    await db.$executeRaw`UPDATE contacts SET created_at = ${movedTo} WHERE school_id = ${s}::uuid AND id = ${moved.id}::uuid`
    moved.createdAt = movedTo
    // A contact with outreach (and nothing else pointing at it) is deleted, its outreach with it.
    const dropped = fx.contacts.find((c) => fx.outreach.filter((o) => o.contactId === c.id).length >= 1 && !fx.meetings.some((m) => m.contactId === c.id)
      && !fx.referrals.some((r) => r.referredContactId === c.id || r.referrerContactId === c.id) && c.id !== moved.id && c.id !== switched.id)!
    await db.$executeRaw`DELETE FROM contacts WHERE school_id = ${s}::uuid AND id = ${dropped.id}::uuid`
    fx.contacts = fx.contacts.filter((c) => c.id !== dropped.id)
    fx.outreach = fx.outreach.filter((o) => o.contactId !== dropped.id)
    // A meeting is deleted.
    const deleted = meeting((m) => m.status === 'thank_you_sent' && ![requested, scheduled, held, calledOff, ...interviews].includes(m))
    await db.$executeRaw`DELETE FROM meetings WHERE school_id = ${s}::uuid AND id = ${deleted.id}::uuid`
    fx.meetings = fx.meetings.filter((m) => m.id !== deleted.id)

    // Few enough deltas that reads leave them pending: the rollup sums cells and deltas.
    const pending = await pendingDeltas()
    expect(pending).toBeGreaterThan(0)
    expect(pending).toBeLessThan(COMPACT_AFTER)
    await expectRollupsRight()
    expect(await pendingDeltas()).toBe(pending)
    await compact()
    expect(await pendingDeltas()).toBe(0)
    await expectRollupsRight()
  })

  it('after the school changes time zone, and after changes and a compaction in the new zone', async () => {
    await t.database.platform.$executeRaw`UPDATE schools SET time_zone = 'America/Los_Angeles' WHERE id = ${school.id}::uuid`
    fx.timeZone = 'America/Los_Angeles'
    // 2026-03-01T04:30Z was Feb 28 in New York and is still Feb 28 in Los Angeles; 05:00Z moved to Feb 28 too.
    expect(localDay(new Date('2026-03-01T05:00:00Z'), fx.timeZone)).toBe('2026-02-28')
    await expectRollupsRight()

    const db = tenant().db
    const switched = fx.contacts.find((c) => c.source === 'personal' && fx.meetings.some((m) => m.contactId === c.id && m.completedAt))!
    await db.$executeRaw`UPDATE contacts SET source = 'organization' WHERE school_id = ${school.id}::uuid AND id = ${switched.id}::uuid`
    switched.source = 'organization'
    const noShow = meeting((m) => m.status === 'scheduled' && m.endsAt! < NOW)
    await db.$executeRaw`UPDATE meetings SET status = 'no_show' WHERE school_id = ${school.id}::uuid AND id = ${noShow.id}::uuid`
    noShow.status = 'no_show'
    expect(await pendingDeltas()).toBeGreaterThan(0)
    await expectRollupsRight()
    await compact()
    await expectRollupsRight()
  })

  it('keeps who met whom right when two transactions complete meetings with the same person at once', async () => {
    // Two new requested meetings of one student with one contact, completed on two connections; the
    // second transaction's refresh waits for the first's lock and then sees its completion.
    const pair = fx.meetings.find((m) => m.completedAt)!
    const [first, second] = [crypto.randomUUID(), crypto.randomUUID()]
    const db = tenant().db
    for (const id of [first, second]) {
      await db.$executeRaw`INSERT INTO meetings (school_id, id, student_id, contact_id, kind, status, purpose, mode, location, proposed_slots, updated_at)
        VALUES (${school.id}::uuid, ${id}::uuid, ${pair.studentId}::uuid, ${pair.contactId}::uuid, 'informational_interview', 'requested', 'To learn', 'video', 'x', '[]'::jsonb, now())`
    }
    const complete = (id: string, at: string) => (client: Client) =>
      client.query(`UPDATE meetings SET status = 'completed', completed_at = $2 WHERE school_id = $1 AND id = $3`, [school.id, at, id])
    await inTurns(complete(first, '2026-08-10T15:00:00Z'), complete(second, '2026-08-12T15:00:00Z'), 'the second completion')
    const [row] = await db.$queryRaw<Array<{ days: string[] }>>`SELECT days::text[] AS days FROM report_met
      WHERE school_id = ${school.id}::uuid AND student_id = ${pair.studentId}::uuid AND contact_id = ${pair.contactId}::uuid`
    expect(row!.days).toEqual(expect.arrayContaining(['2026-08-10', '2026-08-12']))
    expect(await metRows('report_met')).toEqual(await metRows('report_met_of_school($1::uuid)'))
  })

  it('keeps a person\'s organization right when it changes while another transaction completes a first meeting with them', async () => {
    const db = tenant().db
    const student = fx.meetings[0]!.studentId
    // In each order: the first transaction to reach the contact's lock holds it to its commit.
    for (const [order, organization] of [['completion first', 'Umbrella Labs'], ['change first', 'Stark Industries']] as const) {
      const contactId = crypto.randomUUID()
      const meetingId = crypto.randomUUID()
      await db.$executeRaw`INSERT INTO contacts (school_id, id, student_id, full_name, organization, industry, source, updated_at)
        VALUES (${school.id}::uuid, ${contactId}::uuid, ${student}::uuid, 'Race Contact', 'Before Corp', 'Energy', 'personal', now())`
      await db.$executeRaw`INSERT INTO meetings (school_id, id, student_id, contact_id, kind, status, purpose, mode, location, proposed_slots, updated_at)
        VALUES (${school.id}::uuid, ${meetingId}::uuid, ${student}::uuid, ${contactId}::uuid, 'informational_interview', 'requested', 'To learn', 'video', 'x', '[]'::jsonb, now())`
      const complete = (client: Client) =>
        client.query(`UPDATE meetings SET status = 'completed', completed_at = '2026-08-11T15:00:00Z' WHERE school_id = $1 AND id = $2`, [school.id, meetingId])
      const change = (client: Client) => client.query('UPDATE contacts SET organization = $3 WHERE school_id = $1 AND id = $2', [school.id, contactId, organization])
      if (order === 'completion first') await inTurns(complete, change, order)
      else await inTurns(change, complete, order)
      const [row] = await db.$queryRaw<Array<{ organization: string }>>`SELECT organization FROM report_met
        WHERE school_id = ${school.id}::uuid AND student_id = ${student}::uuid AND contact_id = ${contactId}::uuid`
      expect(row, order).toEqual({ organization: organization.toLowerCase() })
    }
    expect(await metRows('report_met')).toEqual(await metRows('report_met_of_school($1::uuid)'))
  })

  it('recomputes a statement that touches many people under one school lock instead of a lock per person', async () => {
    const client = await acquireForTenant(t.database.pool, school.id)
    try {
      await client.query('BEGIN')
      const { rowCount } = await client.query(`UPDATE meetings SET completed_at = completed_at + interval '1 minute' WHERE school_id = $1 AND completed_at IS NOT NULL`, [school.id])
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`)
      expect(rowCount).toBeGreaterThan(64)
      expect(rows[0]!.n).toBe(1)
      await client.query('COMMIT')
    } finally {
      client.release()
    }
    expect(await metRows('report_met')).toEqual(await metRows('report_met_of_school($1::uuid)'))
  })
})
