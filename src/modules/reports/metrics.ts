// The dashboard metrics. Each is aggregated in SQL over a scope (school, range, filter); the code
// here only names and orders what the database counted. The definitions are the schema's
// descriptions (src/graphql/schema.ts) and the README's "Reporting" section.
import { Prisma } from '../../generated/prisma/client.js'
import { cells, forStudents, type ReportScope, studentIds } from './scope.js'

export const MEETING_KINDS = ['informational_interview', 'job_shadow'] as const
export const MEETING_STATUSES = ['requested', 'scheduled', 'resume_sent', 'completed', 'thank_you_sent', 'declined', 'cancelled', 'no_show'] as const
export const CONTACT_SOURCES = ['personal', 'referral', 'organization', 'alumni_network', 'cold'] as const
export const OUTREACH_CHANNELS = ['email', 'linkedin', 'phone', 'introduction', 'organization'] as const

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
  const rows = await scope.tenant.db.$queryRaw<Array<{ metric: string; kind: string; source: string; channel: string; count: number }>>`
    SELECT metric, kind, source, channel, sum(count)::int AS count FROM ${cells(scope, metrics)} c
     GROUP BY 1, 2, 3, 4 HAVING sum(count) <> 0`
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

export type Bucket = 'week' | 'month'

/** Meetings per week (Monday first) or calendar month, by kind and status; every bucket of the range is listed. */
export async function meetingsOverTime(scope: ReportScope, bucket: Bucket) {
  const rows = await scope.tenant.db.$queryRaw<Array<{ start: string; kind: string; status: string; count: number }>>`
    SELECT to_char(date_trunc(${bucket}, day), 'YYYY-MM-DD') AS start, kind, status, sum(count)::int AS count
      FROM ${cells(scope, ['meetings_by_status'])} c
     GROUP BY 1, 2, 3 HAVING sum(count) <> 0`
  const starts = await scope.tenant.db.$queryRaw<Array<{ start: string; end: string }>>`
    SELECT to_char(b, 'YYYY-MM-DD') AS start, to_char(b + ${`1 ${bucket}`}::interval - interval '1 day', 'YYYY-MM-DD') AS "end"
      FROM generate_series(date_trunc(${bucket}, ${scope.from}::date), ${scope.to}::date, ${`1 ${bucket}`}::interval) b`
  return starts.map(({ start, end }) => {
    const inBucket = rows.filter((row) => row.start === start)
    const sum = (keep: (row: (typeof rows)[number]) => boolean) => inBucket.filter(keep).reduce((total, row) => total + row.count, 0)
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

export async function perspectives(scope: ReportScope) {
  const [row] = await scope.tenant.db.$queryRaw<Array<{ students: number; people: number[]; organizations: number[]; industries: number[]; singleViews: number }>>`
    WITH pairs AS (
      SELECT student_id, contact_id FROM ${cells(scope, ['met'])} c GROUP BY 1, 2 HAVING sum(count) > 0
    ), per_student AS (
      SELECT s.id, count(c.id)::int AS people,
             count(DISTINCT lower(btrim(c.organization)))::int AS organizations,
             count(DISTINCT lower(btrim(c.industry)))::int AS industries
        FROM (${studentIds(scope)}) s
        LEFT JOIN pairs p ON p.student_id = s.id
        LEFT JOIN contacts c ON c.school_id = ${scope.schoolId}::uuid AND c.id = p.contact_id
       GROUP BY s.id
    ), single AS (
      SELECT p.student_id FROM pairs p JOIN contacts c ON c.school_id = ${scope.schoolId}::uuid AND c.id = p.contact_id
       WHERE nullif(btrim(c.industry), '') IS NOT NULL
       GROUP BY p.student_id, lower(btrim(c.industry)) HAVING count(*) = 1
    )
    SELECT (SELECT count(*)::int FROM per_student) AS students,
           (SELECT array_agg(coalesce(n, 0) ORDER BY b) FROM generate_series(0, ${HISTOGRAM_TOP}) b
              LEFT JOIN (SELECT least(people, ${HISTOGRAM_TOP}) AS b, count(*)::int AS n FROM per_student GROUP BY 1) h USING (b)) AS people,
           (SELECT array_agg(coalesce(n, 0) ORDER BY b) FROM generate_series(0, ${HISTOGRAM_TOP}) b
              LEFT JOIN (SELECT least(organizations, ${HISTOGRAM_TOP}) AS b, count(*)::int AS n FROM per_student GROUP BY 1) h USING (b)) AS organizations,
           (SELECT array_agg(coalesce(n, 0) ORDER BY b) FROM generate_series(0, ${HISTOGRAM_TOP}) b
              LEFT JOIN (SELECT least(industries, ${HISTOGRAM_TOP}) AS b, count(*)::int AS n FROM per_student GROUP BY 1) h USING (b)) AS industries,
           (SELECT count(*)::int FROM single) AS "singleViews"`
  const histogram = (counts: number[]) => counts.map((students, value) => ({ value, orMore: value === HISTOGRAM_TOP, students }))
  const withNone = row!.people[0] ?? 0
  return {
    students: row!.students,
    studentsWithNone: withNone,
    shareWithNone: ratio(withNone, row!.students),
    people: histogram(row!.people),
    organizations: histogram(row!.organizations),
    industries: histogram(row!.industries),
    singleViewCount: row!.singleViews,
  }
}

/** Students who met exactly one person in a field (a contact's industry), by student then field. */
export async function singleViews(scope: ReportScope, limit: number) {
  return scope.tenant.db.$queryRaw<Array<{ studentId: string; field: string; contactId: string }>>`
    WITH pairs AS (
      SELECT student_id, contact_id FROM ${cells(scope, ['met'])} c GROUP BY 1, 2 HAVING sum(count) > 0
    )
    SELECT p.student_id::text AS "studentId", min(btrim(c.industry)) AS field, (array_agg(c.id::text))[1] AS "contactId"
      FROM pairs p JOIN contacts c ON c.school_id = ${scope.schoolId}::uuid AND c.id = p.contact_id
     WHERE nullif(btrim(c.industry), '') IS NOT NULL
     GROUP BY p.student_id, lower(btrim(c.industry)) HAVING count(*) = 1
     ORDER BY p.student_id, lower(btrim(c.industry)) LIMIT ${limit}`
}

export async function networkGrowth(scope: ReportScope) {
  const { schoolId, fromAt, toAt } = scope
  const [row] = await scope.tenant.db.$queryRaw<Array<{ received: number; fromMeetings: number; converted: number; completed: number; depths: Array<{ depth: number; referrals: number }> | null; unrooted: number }>>`
    WITH RECURSIVE r AS (
      SELECT id, referrer_contact_id, referred_contact_id, meeting_id, created_at FROM referrals
       WHERE school_id = ${schoolId}::uuid AND created_at < ${toAt} AND ${forStudents(scope, Prisma.sql`student_id`)}
    ), chain (contact_id, depth) AS (
      -- Depth 1: referred by someone the student did not themselves reach through a referral.
      SELECT r.referred_contact_id, 1 FROM r
       WHERE r.referrer_contact_id IS NULL OR NOT EXISTS (SELECT 1 FROM r r2 WHERE r2.referred_contact_id = r.referrer_contact_id)
      UNION
      SELECT r.referred_contact_id, chain.depth + 1 FROM chain JOIN r ON r.referrer_contact_id = chain.contact_id WHERE chain.depth < 100
    ), depth AS (
      SELECT contact_id, min(depth) AS depth FROM chain GROUP BY contact_id
    ), received AS (
      SELECT r.*, d.depth FROM r LEFT JOIN depth d ON d.contact_id = r.referred_contact_id WHERE r.created_at >= ${fromAt}
    )
    SELECT (SELECT count(*)::int FROM received) AS received,
           (SELECT count(*)::int FROM received WHERE meeting_id IS NOT NULL) AS "fromMeetings",
           (SELECT count(*)::int FROM received x WHERE EXISTS (
              SELECT 1 FROM meetings m WHERE m.school_id = ${schoolId}::uuid AND m.contact_id = x.referred_contact_id AND m.starts_at IS NOT NULL)) AS converted,
           (SELECT coalesce(sum(count), 0)::int FROM ${cells(scope, ['completed_on'])} c) AS completed,
           (SELECT json_agg(json_build_object('depth', depth, 'referrals', n) ORDER BY depth)
              FROM (SELECT depth, count(*)::int AS n FROM received WHERE depth IS NOT NULL GROUP BY depth) d) AS depths,
           (SELECT count(*)::int FROM received WHERE depth IS NULL) AS unrooted`
  const depths = row!.depths ?? []
  return {
    referralsReceived: row!.received,
    referralsFromMeetings: row!.fromMeetings,
    meetingsCompleted: row!.completed,
    referralsPerCompletedMeeting: ratio(row!.fromMeetings, row!.completed),
    referralsConverted: row!.converted,
    conversionRate: ratio(row!.converted, row!.received),
    maxChainDepth: depths.reduce((max, entry) => Math.max(max, entry.depth), 0),
    chainDepths: depths,
    referralsInCycles: row!.unrooted,
  }
}

/** Average days in a month, for capacity stated per month over a range of days. */
export const DAYS_PER_MONTH = 365.2425 / 12

export async function alumniEngagement(scope: ReportScope) {
  const { schoolId, fromAt, toAt } = scope
  const [row] = await scope.tenant.db.$queryRaw<Array<{
    volunteers: number; accepting: number; active: number; received: number; accepted: number; declined: number; expired: number; withdrawn: number; pending: number
    medianResponseHours: number | null; booked: number; capacity: number; gini: number | null
  }>>`
    WITH requests AS (
      SELECT host_id, status, created_at, responded_at FROM host_requests
       WHERE school_id = ${schoolId}::uuid AND created_at >= ${fromAt} AND created_at < ${toAt} AND ${forStudents(scope, Prisma.sql`student_id`)}
    ), hosts AS (
      SELECT member_id, accepting, max_meetings_per_month FROM host_profiles WHERE school_id = ${schoolId}::uuid
    ), load AS (
      SELECT h.member_id, count(r.host_id)::float8 AS n FROM hosts h LEFT JOIN requests r ON r.host_id = h.member_id GROUP BY h.member_id
    ), ranked AS (
      SELECT n, row_number() OVER (ORDER BY n) AS i, count(*) OVER () AS total, sum(n) OVER () AS sum FROM load
    )
    SELECT (SELECT count(*)::int FROM hosts) AS volunteers,
           (SELECT count(*)::int FROM hosts WHERE accepting) AS accepting,
           (SELECT count(DISTINCT host_id)::int FROM host_requests
             WHERE school_id = ${schoolId}::uuid AND responded_at >= ${fromAt} AND responded_at < ${toAt} AND ${forStudents(scope, Prisma.sql`student_id`)}) AS active,
           (SELECT count(*)::int FROM requests) AS received,
           (SELECT count(*)::int FROM requests WHERE status = 'accepted') AS accepted,
           (SELECT count(*)::int FROM requests WHERE status = 'declined') AS declined,
           (SELECT count(*)::int FROM requests WHERE status = 'expired') AS expired,
           (SELECT count(*)::int FROM requests WHERE status = 'withdrawn') AS withdrawn,
           (SELECT count(*)::int FROM requests WHERE status = 'pending') AS pending,
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM responded_at - created_at) / 3600)
              FROM requests WHERE status IN ('accepted', 'declined') AND responded_at IS NOT NULL) AS "medianResponseHours",
           (SELECT count(*)::int FROM host_requests
             WHERE school_id = ${schoolId}::uuid AND status = 'accepted' AND starts_at >= ${fromAt} AND starts_at < ${toAt}
               AND ${forStudents(scope, Prisma.sql`student_id`)}) AS booked,
           (SELECT coalesce(sum(max_meetings_per_month), 0)::float8 * ${scope.days} / ${DAYS_PER_MONTH} FROM hosts) AS capacity,
           (SELECT CASE WHEN max(sum) > 0 THEN sum((2 * i - total - 1) * n) / (max(total) * max(sum)) END FROM ranked) AS gini`
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
  }
}

/** The hosts who received the most requests in the range, most first (ties by id). */
export async function mostAskedHosts(scope: ReportScope, limit: number) {
  const { schoolId, fromAt, toAt } = scope
  const top = await scope.tenant.db.$queryRaw<Array<{ hostId: string; requests: number; accepted: number }>>`
    SELECT host_id::text AS "hostId", count(*)::int AS requests, count(*) FILTER (WHERE status = 'accepted')::int AS accepted
      FROM host_requests
     WHERE school_id = ${schoolId}::uuid AND created_at >= ${fromAt} AND created_at < ${toAt} AND ${forStudents(scope, Prisma.sql`student_id`)}
     GROUP BY host_id ORDER BY count(*) DESC, host_id LIMIT ${limit}`
  return top.map((host) => ({ ...host, acceptanceShare: ratio(host.accepted, host.requests) }))
}
