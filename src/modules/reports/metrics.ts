// The dashboard metrics. Each is aggregated in SQL over a scope (school, range, filter); the code
// here only names and orders what the database counted, except referral depths and cycles, which
// walk each student's referral graph with the network's own definition (referrals/network.ts). The definitions are the schema's
// descriptions (src/graphql/schema.ts) and docs/reporting.md.
import { Prisma } from '../../generated/prisma/client.js'
import { CONTACT_REASONS, CONTACT_RELATIONSHIPS, CONTACT_SOURCES } from '../contacts/schemas.js'
import { MEETING_KINDS, MEETING_STATUSES } from '../meetings/schemas.js'
import { OUTREACH_CHANNELS } from '../outreach/schemas.js'
import { referralDepths } from '../referrals/network.js'
import { cells, forStudents, metPairs, type ReportScope, studentIds } from './scope.js'

/** Funnel steps in order, with the report cell that counts each. */
export const FUNNEL_STEPS = [
  ['contacts_added', 'contacts_added'],
  ['outreach_sent', 'outreach_sent'],
  ['replies', 'outreach_replied'],
  ['meetings_requested', 'meetings_requested'],
  ['scheduled', 'meetings_scheduled'],
  ['completed', 'meetings_completed'],
  ['thank_you_sent', 'thank_you_sent'],
] as const
const MEETING_STEPS = new Set(['meetings_requested', 'scheduled', 'completed', 'thank_you_sent'])

export interface FunnelStep {
  step: string
  count: number
  conversion: number | null
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null)

function steps(counts: Map<string, number>, names: readonly string[]): FunnelStep[] {
  return names.map((step, index) => {
    const count = counts.get(step) ?? 0
    return { step, count, conversion: index === 0 ? null : ratio(count, counts.get(names[index - 1]!) ?? 0) }
  })
}

export async function funnel(scope: ReportScope) {
  const metrics = [...FUNNEL_STEPS.map(([, metric]) => metric), 'thank_you_on_time']
  const rows = await scope.query<{ metric: string; kind: string; source: string; channel: string; count: number }>(Prisma.sql`
    SELECT metric, kind, source, channel, sum(count)::int AS count FROM ${cells(scope, metrics)} c
     GROUP BY 1, 2, 3, 4 HAVING sum(count) <> 0`)
  const stepOf = new Map<string, string>(FUNNEL_STEPS.map(([step, metric]) => [metric, step]))
  const total = new Map<string, number>()
  const byKind = new Map<string, Map<string, number>>(MEETING_KINDS.map((kind) => [kind, new Map()]))
  const bySource = new Map<string, Map<string, number>>(CONTACT_SOURCES.map((source) => [source, new Map()]))
  const byChannel = new Map<string, Map<string, number>>(OUTREACH_CHANNELS.map((channel) => [channel, new Map()]))
  const add = (map: Map<string, number> | undefined, step: string, count: number) => map?.set(step, (map.get(step) ?? 0) + count)
  for (const row of rows) {
    const step = row.metric === 'thank_you_on_time' ? 'thank_you_on_time' : stepOf.get(row.metric)!
    add(total, step, row.count)
    if (row.kind) add(byKind.get(row.kind), step, row.count)
    if (row.source) add(bySource.get(row.source), step, row.count)
    if (row.channel) add(byChannel.get(row.channel), step, row.count)
  }
  const allSteps = FUNNEL_STEPS.map(([step]) => step)
  const meetingSteps = allSteps.filter((step) => MEETING_STEPS.has(step))
  const thankYouSent = total.get('thank_you_sent') ?? 0
  return {
    steps: steps(total, allSteps),
    thankYouOnTime: total.get('thank_you_on_time') ?? 0,
    thankYouOnTimeShare: ratio(total.get('thank_you_on_time') ?? 0, thankYouSent),
    thankYouWindowHours: scope.thankYouWindowHours,
    byKind: [...byKind].map(([kind, counts]) => ({
      kind,
      steps: steps(counts, meetingSteps),
      thankYouOnTimeShare: ratio(counts.get('thank_you_on_time') ?? 0, counts.get('thank_you_sent') ?? 0),
    })),
    bySource: [...bySource].map(([source, counts]) => ({ source, steps: steps(counts, allSteps), replyRate: ratio(counts.get('replies') ?? 0, counts.get('outreach_sent') ?? 0) })),
    byChannel: [...byChannel].map(([channel, counts]) => ({
      channel,
      sent: counts.get('outreach_sent') ?? 0,
      replies: counts.get('replies') ?? 0,
      replyRate: ratio(counts.get('replies') ?? 0, counts.get('outreach_sent') ?? 0),
    })),
  }
}

/**
 * The guide's sources of contacts: the contacts the selected students added in the range, by how
 * they know the person and by why they chose them. Read from the contacts as they are now (a changed
 * relationship counts as changed; an erased student's contacts are gone), so on the day it agrees
 * with the funnel's contacts_added unless a student was erased since.
 */
export async function networkSources(scope: ReportScope) {
  const rows = await scope.query<{ relationship: string | null; reasons: string[]; count: number }>(Prisma.sql`
    SELECT relationship::text AS relationship, reasons::text[] AS reasons, count(*)::int AS count
      FROM contacts
     WHERE school_id = ${scope.schoolId}::uuid AND created_at >= ${scope.fromAt} AND created_at < ${scope.toAt}
       AND ${forStudents(scope, Prisma.sql`student_id`)}
     GROUP BY 1, 2`)
  const byRelationship = new Map<string | null, number>([...CONTACT_RELATIONSHIPS, null].map((relationship) => [relationship, 0]))
  const byReason = new Map<string, number>(CONTACT_REASONS.map((reason) => [reason, 0]))
  let contactsAdded = 0
  let withoutReason = 0
  for (const row of rows) {
    contactsAdded += row.count
    byRelationship.set(row.relationship, byRelationship.get(row.relationship)! + row.count)
    if (row.reasons.length === 0) withoutReason += row.count
    for (const reason of row.reasons) byReason.set(reason, byReason.get(reason)! + row.count)
  }
  return {
    contactsAdded,
    byRelationship: [...byRelationship].map(([relationship, contacts]) => ({ relationship, contacts, share: ratio(contacts, contactsAdded) })),
    byReason: [...byReason].map(([reason, contacts]) => ({ reason, contacts, share: ratio(contacts, contactsAdded) })),
    withoutReason,
  }
}

export type Bucket = 'week' | 'month'

/** Meetings per week (Monday first) or calendar month, by kind and status; every bucket of the range is listed. */
export async function meetingsOverTime(scope: ReportScope, bucket: Bucket) {
  // Every bucket of the range, with its counts per kind and status (none for an empty bucket), in one statement.
  const rows = await scope.query<{ start: string; end: string; kind: string | null; status: string | null; count: number | null }>(Prisma.sql`
    WITH counted AS (
      SELECT date_trunc(${bucket}, day) AS b, kind, status, sum(count)::int AS count
        FROM ${cells(scope, ['meetings_by_status'])} c
       GROUP BY 1, 2, 3 HAVING sum(count) <> 0
    )
    SELECT to_char(b, 'YYYY-MM-DD') AS start, to_char(b + ${`1 ${bucket}`}::interval - interval '1 day', 'YYYY-MM-DD') AS "end",
           counted.kind, counted.status, counted.count
      FROM generate_series(date_trunc(${bucket}, ${scope.from}::date), ${scope.to}::date, ${`1 ${bucket}`}::interval) b
      LEFT JOIN counted USING (b)
     ORDER BY b`)
  const starts = [...new Map(rows.map(({ start, end }) => [start, { start, end }])).values()]
  return starts.map(({ start, end }) => {
    const inBucket = rows.filter((row): row is { start: string; end: string; kind: string; status: string; count: number } => row.start === start && row.count !== null)
    const sum = (keep: (row: (typeof inBucket)[number]) => boolean) => inBucket.filter(keep).reduce((total, row) => total + row.count, 0)
    return {
      start,
      end,
      total: sum(() => true),
      byKind: MEETING_KINDS.map((kind) => ({ kind, count: sum((row) => row.kind === kind) })),
      byStatus: MEETING_STATUSES.map((status) => ({ status, count: sum((row) => row.status === status) })),
      counts: inBucket.map(({ kind, status, count }) => ({ kind, status, count })).sort((a, b) => a.kind.localeCompare(b.kind) || a.status.localeCompare(b.status)),
    }
  })
}

/** People, organizations and industries a student met in completed meetings, up to this many per histogram bar. */
export const HISTOGRAM_TOP = 10

/** Students per bar 0..HISTOGRAM_TOP (the last: that many or more), from per-student counts `n`. */
function histogramBars(perStudent: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT array_agg(coalesce(n, 0)::int ORDER BY b) FROM generate_series(0, ${HISTOGRAM_TOP}) b
    LEFT JOIN (SELECT least(n, ${HISTOGRAM_TOP}) AS b, count(*) AS n FROM ${perStudent} GROUP BY 1) h USING (b))`
}

export async function perspectives(scope: ReportScope) {
  // A pair is one person met (a contact has one organization and industry at a time). Only students
  // who met someone have pairs; each histogram's 0 bar adds the selected students who have none.
  const [row] = await scope.query<{ met: number; people: number[]; organizations: number[]; industries: number[]; singleViews: number }>(Prisma.sql`
    WITH selected AS MATERIALIZED (${studentIds(scope)}),
    -- Read apart, then joined: both materialized, PostgreSQL hashes the students instead of probing
    -- report_met once per student (measured on the largest bench school: 1.0 ms instead of 2.0).
    met AS MATERIALIZED (SELECT p.student_id, p.organization, p.industry FROM ${metPairs(scope)} p),
    pairs AS MATERIALIZED (SELECT m.student_id, m.organization, m.industry FROM met m JOIN selected s ON s.id = m.student_id),
    people AS (SELECT student_id, count(*) AS n FROM pairs GROUP BY 1),
    organizations AS (SELECT student_id, count(*) AS n FROM (SELECT student_id, organization FROM pairs WHERE organization <> '' GROUP BY 1, 2) o GROUP BY 1),
    industries AS (SELECT student_id, industry, count(*) AS n FROM pairs WHERE industry <> '' GROUP BY 1, 2)
    SELECT (SELECT count(*)::int FROM people) AS met,
           ${histogramBars(Prisma.sql`people`)} AS people,
           ${histogramBars(Prisma.sql`organizations`)} AS organizations,
           ${histogramBars(Prisma.sql`(SELECT student_id, count(*) AS n FROM industries GROUP BY 1) i`)} AS industries,
           (SELECT count(*)::int FROM industries WHERE n = 1) AS "singleViews"`)
  const r = { ...row!, students: scope.studentCount }
  const withNone = r.students - r.met
  // Bar 0: the students with nobody met, plus (organizations, industries) those whose people had none given.
  const histogram = (counts: number[]) => {
    const withSome = counts.slice(1).reduce((sum, n) => sum + n, 0)
    return counts.map((students, value) => ({ value, orMore: value === HISTOGRAM_TOP, students: value === 0 ? r.students - withSome : students }))
  }
  return {
    students: r.students,
    studentsWithNone: withNone,
    shareWithNone: ratio(withNone, r.students),
    people: histogram(r.people),
    organizations: histogram(r.organizations),
    industries: histogram(r.industries),
    singleViewCount: r.singleViews,
  }
}

/** Students who met exactly one person in a field (a contact's industry), by student then field. */
export async function singleViews(scope: ReportScope, limit: number) {
  return scope.query<{ studentId: string; field: string; contactId: string }>(Prisma.sql`
    WITH single AS (
      SELECT p.student_id, p.industry, min(p.contact_id::text)::uuid AS contact_id FROM ${metPairs(scope)} p
       WHERE p.industry <> '' AND p.student_id IN (${studentIds(scope)}) GROUP BY 1, 2 HAVING count(*) = 1
    )
    SELECT s.student_id::text AS "studentId", btrim(c.industry) AS field, s.contact_id::text AS "contactId"
      FROM single s JOIN contacts c ON c.school_id = ${scope.schoolId}::uuid AND c.id = s.contact_id
     ORDER BY s.student_id, s.industry LIMIT ${limit}`)
}

export async function networkGrowth(scope: ReportScope) {
  const { schoolId, fromAt, toAt } = scope
  // The referral graph as it stood at the range's end, and the referrals received in the range.
  // Depths and cycles come from the same definition as a student's network (referralDepths), so a
  // report and GET /v1/members/{id}/network never disagree; the graphs are small (a student's own
  // referrals), so they are read whole and walked here.
  const [[row], edges] = await Promise.all([
    scope.query<{ completed: number }>(Prisma.sql`SELECT coalesce(sum(count), 0)::int AS completed FROM ${cells(scope, ['completed_on'])} c`),
    // Each referral recorded by the range's end, once: the graph, and for those received in the range,
    // whether they came from a meeting and whether the person referred has a scheduled meeting.
    scope.query<{
      id: string; studentId: string; referrerContactId: string | null; referrerSource: string | null; referredContactId: string; referredSource: string
      inRange: boolean; fromMeeting: boolean; converted: boolean
    }>(Prisma.sql`
      SELECT r.id::text, r.student_id::text AS "studentId",
             r.referrer_contact_id::text AS "referrerContactId", referrer.source::text AS "referrerSource",
             r.referred_contact_id::text AS "referredContactId", referred.source::text AS "referredSource",
             r.created_at >= ${fromAt} AS "inRange",
             r.meeting_id IS NOT NULL AS "fromMeeting",
             r.created_at >= ${fromAt} AND EXISTS (
               SELECT 1 FROM meetings m WHERE m.school_id = r.school_id AND m.contact_id = r.referred_contact_id AND m.starts_at IS NOT NULL) AS converted
        FROM referrals r
        JOIN contacts referred ON referred.school_id = r.school_id AND referred.id = r.referred_contact_id
        LEFT JOIN contacts referrer ON referrer.school_id = r.school_id AND referrer.id = r.referrer_contact_id
       WHERE r.school_id = ${schoolId}::uuid AND r.created_at < ${toAt} AND ${forStudents(scope, Prisma.sql`r.student_id`)}`),
  ])
  const received = edges.filter((edge) => edge.inRange)
  const fromMeetings = received.filter((edge) => edge.fromMeeting).length
  const converted = received.filter((edge) => edge.converted).length
  const perDepth = new Map<number, number>()
  let inCycles = 0
  for (const studentEdges of Map.groupBy(edges, (edge) => edge.studentId).values()) {
    const contacts = new Map<string, { id: string; source: string }>()
    for (const edge of studentEdges) {
      contacts.set(edge.referredContactId, { id: edge.referredContactId, source: edge.referredSource })
      if (edge.referrerContactId && edge.referrerSource) contacts.set(edge.referrerContactId, { id: edge.referrerContactId, source: edge.referrerSource })
    }
    const placed = referralDepths([...contacts.values()], studentEdges)
    for (const edge of studentEdges) {
      if (!edge.inRange) continue
      const place = placed.get(edge.id)!
      if ('closesCycle' in place) inCycles += 1
      else perDepth.set(place.depth, (perDepth.get(place.depth) ?? 0) + 1)
    }
  }
  const depths = [...perDepth].sort(([a], [b]) => a - b).map(([depth, referrals]) => ({ depth, referrals }))
  return {
    referralsReceived: received.length,
    referralsFromMeetings: fromMeetings,
    meetingsCompleted: row!.completed,
    referralsPerCompletedMeeting: ratio(fromMeetings, row!.completed),
    referralsConverted: converted,
    conversionRate: ratio(converted, received.length),
    maxChainDepth: depths.reduce((max, entry) => Math.max(max, entry.depth), 0),
    chainDepths: depths,
    referralsInCycles: inCycles,
  }
}

/** Average days in a month, for capacity stated per month over a range of days. */
export const DAYS_PER_MONTH = 365.2425 / 12

/** How many most-asked hosts the engagement query returns (the GraphQL field's `first` is at most this). */
export const MOST_ASKED_MAX = 100

export async function alumniEngagement(scope: ReportScope) {
  const { schoolId, fromAt, toAt } = scope
  // The Gini coefficient over all volunteers is the mean absolute difference of their request counts
  // over twice the mean: sum |x_i - x_j| over all ordered pairs / (2 * volunteers * requests). The
  // asked hosts enter grouped by their count (few distinct counts), the volunteers never asked as
  // zeros: each pairs with every asked host twice, adding 2 * (volunteers - asked) * requests.
  const inRange = Prisma.sql`created_at >= ${fromAt} AND created_at < ${toAt}`
  const [row] = await scope.query<{
    volunteers: number; accepting: number; active: number; received: number; accepted: number; declined: number; expired: number; withdrawn: number; pending: number
    medianResponseHours: number | null; booked: number; capacity: number; gini: number | null
    top: Array<{ hostId: string; requests: number; accepted: number }> | null
  }>(Prisma.sql`
    WITH per_host AS MATERIALIZED (
      -- One pass over the school's requests, per host: those sent in the range by outcome (a
      -- request still pending past its expiry has expired unanswered, swept or not), whether the
      -- host answered one in the range, and the meetings booked with the host starting in it.
      SELECT host_id,
             count(*) FILTER (WHERE sent) AS n,
             count(*) FILTER (WHERE sent AND status = 'accepted') AS accepted,
             count(*) FILTER (WHERE sent AND status = 'declined') AS declined,
             count(*) FILTER (WHERE sent AND (status = 'expired' OR (status = 'pending' AND expires_at <= ${scope.now}))) AS expired,
             count(*) FILTER (WHERE sent AND status = 'withdrawn') AS withdrawn,
             count(*) FILTER (WHERE sent AND status = 'pending' AND expires_at > ${scope.now}) AS pending,
             bool_or(status IN ('accepted', 'declined') AND responded_at >= ${fromAt} AND responded_at < ${toAt}) AS active,
             count(*) FILTER (WHERE status = 'accepted' AND starts_at >= ${fromAt} AND starts_at < ${toAt}) AS booked
        FROM (SELECT host_id, status, expires_at, responded_at, starts_at, ${inRange} AS sent FROM host_requests
               WHERE school_id = ${schoolId}::uuid AND ${forStudents(scope, Prisma.sql`student_id`)}) r
       GROUP BY host_id
    ), profiles AS (
      SELECT count(*)::int AS volunteers, count(*) FILTER (WHERE accepting)::int AS accepting,
             coalesce(sum(max_meetings_per_month), 0)::float8 AS monthly
        FROM host_profiles WHERE school_id = ${schoolId}::uuid
    ), outcomes AS (
      -- Requests go only to hosts with a profile, and profiles are never deleted: the asked are volunteers.
      SELECT coalesce(sum(n), 0)::int AS received, coalesce(sum(accepted), 0)::int AS accepted, coalesce(sum(declined), 0)::int AS declined,
             coalesce(sum(expired), 0)::int AS expired, coalesce(sum(withdrawn), 0)::int AS withdrawn, coalesce(sum(pending), 0)::int AS pending,
             count(*) FILTER (WHERE active)::int AS active, coalesce(sum(booked), 0)::int AS booked, count(*) FILTER (WHERE n > 0)::int AS asked
        FROM per_host
    ), counts AS (
      SELECT n::float8 AS n, count(*)::float8 AS hosts FROM per_host WHERE n > 0 GROUP BY n
    )
    SELECT p.volunteers, p.accepting, o.active,
           o.received, o.accepted, o.declined, o.expired, o.withdrawn, o.pending,
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM responded_at - created_at) / 3600) FROM host_requests
             WHERE school_id = ${schoolId}::uuid AND ${inRange} AND status IN ('accepted', 'declined')
               AND responded_at IS NOT NULL AND ${forStudents(scope, Prisma.sql`student_id`)}) AS "medianResponseHours",
           o.booked,
           p.monthly * ${scope.days} / ${DAYS_PER_MONTH} AS capacity,
           CASE WHEN o.received > 0 THEN
             ((SELECT sum(a.hosts * b.hosts * abs(a.n - b.n)) FROM counts a, counts b) + 2 * (p.volunteers - o.asked)::float8 * o.received) / (2 * p.volunteers::float8 * o.received)
           END AS gini,
           (SELECT json_agg(json_build_object('hostId', host_id, 'requests', n::int, 'accepted', accepted::int) ORDER BY n DESC, host_id)
              FROM (SELECT host_id, n, accepted FROM per_host WHERE n > 0 ORDER BY n DESC, host_id LIMIT ${MOST_ASKED_MAX}) t) AS top
      FROM profiles p, outcomes o`)
  const r = row!
  return {
    volunteers: r.volunteers,
    accepting: r.accepting,
    activeHosts: r.active,
    requestsReceived: r.received,
    accepted: r.accepted,
    declined: r.declined,
    expired: r.expired,
    withdrawn: r.withdrawn,
    pending: r.pending,
    acceptanceRate: ratio(r.accepted, r.accepted + r.declined + r.expired),
    medianResponseHours: r.medianResponseHours,
    booked: r.booked,
    capacity: r.capacity,
    utilization: r.capacity > 0 ? r.booked / r.capacity : null,
    loadGini: r.gini,
    /** The most-asked hosts, most first (ties by id), at most MOST_ASKED_MAX. */
    mostAsked: (r.top ?? []).map((host) => ({ ...host, acceptanceShare: ratio(host.accepted, host.requests) })),
  }
}

