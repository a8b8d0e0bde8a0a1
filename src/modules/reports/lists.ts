// Drill-down lists (students, meetings, hosts, overdue thank-you notes, requests waiting for a
// reply): keyset pages over a scope, and the batched look-ups their rows' relations resolve through
// (one query per relation per page, however long the page).
import { Prisma } from '../../generated/prisma/client.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { DAYS_PER_MONTH } from './metrics.js'
import { forStudents, type ReportScope, studentIds } from './scope.js'

export interface Page<T> {
  items: T[]
  nextCursor: string | null
  total: number
}

/** Rows are read one past the page to know whether another follows; the cursor is the last row's key. */
function paged<T extends object>(rows: T[], limit: number, key: (row: T) => Record<string, string>, total: number): Page<T> {
  return { ...pageOf(rows, limit, key), total }
}

/**
 * A page of rows and the whole list's length in one round trip (two scans, one statement): the
 * rows come back as JSON, so instants are revived here. `rows` must be ordered; the order is kept.
 */
async function pageAndTotal<T>(scope: ReportScope, rows: Prisma.Sql, count: Prisma.Sql): Promise<{ rows: T[]; total: number }> {
  const [result] = await scope.query<{ rows: Array<Record<string, unknown>> | null; total: number }>(Prisma.sql`
    SELECT (SELECT total FROM (${count}) c) AS total,
           (SELECT json_agg(p ORDER BY p.ordinal) FROM (SELECT r.*, row_number() OVER () AS ordinal FROM (${rows}) r) p) AS rows`)
  return { rows: (result!.rows ?? []).map((row) => reviveInstants(row) as T), total: result!.total }
}

const INSTANT_COLUMNS = ['createdAt', 'startsAt', 'endsAt', 'completedAt', 'thankYouDueAt', 'thankYouSentAt', 'expiresAt', 'lastCompletedAt']

function reviveInstants(row: Record<string, unknown>): Record<string, unknown> {
  const { ordinal: _ordinal, ...columns } = row
  for (const column of INSTANT_COLUMNS) {
    if (typeof columns[column] === 'string') columns[column] = new Date(columns[column] as string)
  }
  return columns
}

export interface ReportMember {
  id: string
  externalId: string
  givenName: string | null
  familyName: string | null
  email: string | null
  major: string | null
  graduationYear: number | null
  fieldsOfInterest: string[]
}

const MEMBER_COLUMNS = Prisma.sql`id::text AS id, external_id AS "externalId", given_name AS "givenName", family_name AS "familyName", email,
  major, graduation_year AS "graduationYear", fields_of_interest AS "fieldsOfInterest"`

export async function studentsPage(scope: ReportScope, limit: number, after?: string): Promise<Page<ReportMember>> {
  const key = decodeCursor(after, ['id'] as const)
  const { rows, total } = await pageAndTotal<ReportMember>(scope, Prisma.sql`
      SELECT ${MEMBER_COLUMNS} FROM members WHERE school_id = ${scope.schoolId}::uuid AND id IN (${studentIds(scope)})
         AND ${key ? Prisma.sql`id > ${key.id}::uuid` : Prisma.sql`TRUE`}
       ORDER BY id LIMIT ${limit + 1}`, Prisma.sql`SELECT count(*)::int AS total FROM (${studentIds(scope)}) s`)
  return paged(rows, limit, (row) => ({ id: row.id }), total)
}

export async function membersById(scope: ReportScope, ids: string[]): Promise<Map<string, ReportMember>> {
  if (!ids.length) return new Map()
  const rows = await scope.query<ReportMember>(Prisma.sql`
    SELECT ${MEMBER_COLUMNS} FROM members WHERE school_id = ${scope.schoolId}::uuid AND id = ANY(${ids}::uuid[])`)
  return new Map(rows.map((row) => [row.id, row]))
}

export interface StudentActivity {
  meetingsRequested: number
  meetingsCompleted: number
  thankYouSent: number
  thankYouOnTime: number
  peopleMet: number
  organizationsMet: number
  industriesMet: number
  referralsReceived: number
  lastCompletedAt: Date | null
}

/** What each student did in the range, for a page of students: the same definitions as the funnel and perspectives. */
export async function studentActivity(scope: ReportScope, ids: string[]): Promise<Map<string, StudentActivity>> {
  if (!ids.length) return new Map()
  const { schoolId, fromAt, toAt } = scope
  const rows = await scope.query<StudentActivity & { id: string }>(Prisma.sql`
    WITH s AS (SELECT unnest(${ids}::uuid[]) AS id),
    requested AS (
      SELECT student_id, count(*)::int AS requested, count(completed_at)::int AS completed,
             count(thank_you_sent_at)::int AS thanked, count(*) FILTER (WHERE thank_you_on_time)::int AS on_time
        FROM meetings WHERE school_id = ${schoolId}::uuid AND student_id IN (SELECT id FROM s) AND created_at >= ${fromAt} AND created_at < ${toAt}
       GROUP BY student_id
    ), met AS (
      SELECT m.student_id, count(DISTINCT m.contact_id)::int AS people,
             count(DISTINCT nullif(report_key(c.organization), ''))::int AS organizations, count(DISTINCT nullif(report_key(c.industry), ''))::int AS industries,
             max(m.completed_at) AS last_completed
        FROM meetings m JOIN contacts c ON c.school_id = m.school_id AND c.id = m.contact_id
       WHERE m.school_id = ${schoolId}::uuid AND m.student_id IN (SELECT id FROM s) AND m.completed_at >= ${fromAt} AND m.completed_at < ${toAt}
       GROUP BY m.student_id
    ), referred AS (
      SELECT student_id, count(*)::int AS n FROM referrals
       WHERE school_id = ${schoolId}::uuid AND student_id IN (SELECT id FROM s) AND created_at >= ${fromAt} AND created_at < ${toAt}
       GROUP BY student_id
    )
    SELECT s.id::text AS id, coalesce(q.requested, 0) AS "meetingsRequested", coalesce(q.completed, 0) AS "meetingsCompleted",
           coalesce(q.thanked, 0) AS "thankYouSent", coalesce(q.on_time, 0) AS "thankYouOnTime",
           coalesce(met.people, 0) AS "peopleMet", coalesce(met.organizations, 0) AS "organizationsMet", coalesce(met.industries, 0) AS "industriesMet",
           coalesce(referred.n, 0) AS "referralsReceived", met.last_completed AS "lastCompletedAt"
      FROM s LEFT JOIN requested q ON q.student_id = s.id LEFT JOIN met ON met.student_id = s.id LEFT JOIN referred ON referred.student_id = s.id`)
  return new Map(rows.map(({ id, ...activity }) => [id, activity]))
}

export interface ReportMeeting {
  id: string
  studentId: string
  contactId: string
  kind: string
  status: string
  mode: string
  createdAt: Date
  startsAt: Date | null
  endsAt: Date | null
  completedAt: Date | null
  thankYouDueAt: Date | null
  thankYouSentAt: Date | null
  thankYouOnTime: boolean | null
}

const MEETING_COLUMNS = Prisma.sql`m.id::text AS id, m.student_id::text AS "studentId", m.contact_id::text AS "contactId", m.kind::text AS kind,
  m.status::text AS status, m.mode::text AS mode, m.created_at AS "createdAt", m.starts_at AS "startsAt", m.ends_at AS "endsAt",
  m.completed_at AS "completedAt", m.thank_you_due_at AS "thankYouDueAt", m.thank_you_sent_at AS "thankYouSentAt", m.thank_you_on_time AS "thankYouOnTime"`

/**
 * Meetings whose day is in the range (their start, or their request while they have none: the
 * day meetings over time counts them on), optionally of one status or kind.
 */
export async function meetingsPage(scope: ReportScope, limit: number, after: string | undefined, only: { status?: string | null; kind?: string | null }) {
  const key = decodeCursor(after, ['id'] as const)
  const where = Prisma.sql`m.school_id = ${scope.schoolId}::uuid AND coalesce(m.starts_at, m.created_at) >= ${scope.fromAt} AND coalesce(m.starts_at, m.created_at) < ${scope.toAt}
    AND ${forStudents(scope, Prisma.sql`m.student_id`)}
    AND ${only.status ? Prisma.sql`m.status = ${only.status}::meeting_status` : Prisma.sql`TRUE`}
    AND ${only.kind ? Prisma.sql`m.kind = ${only.kind}::meeting_kind` : Prisma.sql`TRUE`}`
  const { rows, total } = await pageAndTotal<ReportMeeting>(scope, Prisma.sql`
      SELECT ${MEETING_COLUMNS} FROM meetings m WHERE ${where} AND ${key ? Prisma.sql`m.id > ${key.id}::uuid` : Prisma.sql`TRUE`}
       ORDER BY m.id LIMIT ${limit + 1}`, Prisma.sql`SELECT count(*)::int AS total FROM meetings m WHERE ${where}`)
  return paged(rows, limit, (row) => ({ id: row.id }), total)
}

/** Meetings completed without a thank-you whose deadline passed, deadline in the range, oldest deadline first. */
export async function overdueThankYousPage(scope: ReportScope, limit: number, after?: string) {
  const key = decodeCursor(after, ['due', 'id'] as const)
  const where = Prisma.sql`m.school_id = ${scope.schoolId}::uuid AND m.status = 'completed' AND m.thank_you_due_at < ${scope.now}
    AND m.thank_you_due_at >= ${scope.fromAt} AND m.thank_you_due_at < ${scope.toAt} AND ${forStudents(scope, Prisma.sql`m.student_id`)}`
  const { rows, total } = await pageAndTotal<ReportMeeting>(scope, Prisma.sql`
      SELECT ${MEETING_COLUMNS} FROM meetings m WHERE ${where}
         AND ${key ? Prisma.sql`(m.thank_you_due_at, m.id) > (${new Date(key.due)}, ${key.id}::uuid)` : Prisma.sql`TRUE`}
       ORDER BY m.thank_you_due_at, m.id LIMIT ${limit + 1}`, Prisma.sql`SELECT count(*)::int AS total FROM meetings m WHERE ${where}`)
  return paged(rows, limit, (row) => ({ due: row.thankYouDueAt!.toISOString(), id: row.id }), total)
}

export interface ReportContact {
  id: string
  fullName: string
  title: string | null
  organization: string | null
  industry: string | null
  source: string
}

export async function contactsById(scope: ReportScope, ids: string[]): Promise<Map<string, ReportContact>> {
  if (!ids.length) return new Map()
  const rows = await scope.query<ReportContact>(Prisma.sql`
    SELECT id::text AS id, full_name AS "fullName", title, organization, industry, source::text AS source
      FROM contacts WHERE school_id = ${scope.schoolId}::uuid AND id = ANY(${ids}::uuid[])`)
  return new Map(rows.map((row) => [row.id, row]))
}

export interface WaitingRequest {
  id: string
  studentId: string
  hostId: string
  meetingId: string
  kind: string
  createdAt: Date
  expiresAt: Date
}

/** Host requests still waiting for the host's answer (pending, not yet expired), sent in the range, oldest first. */
export async function waitingRequestsPage(scope: ReportScope, limit: number, after?: string) {
  const key = decodeCursor(after, ['created', 'id'] as const)
  const where = Prisma.sql`r.school_id = ${scope.schoolId}::uuid AND r.status = 'pending' AND r.expires_at > ${scope.now}
    AND r.created_at >= ${scope.fromAt} AND r.created_at < ${scope.toAt} AND ${forStudents(scope, Prisma.sql`r.student_id`)}`
  const { rows, total } = await pageAndTotal<WaitingRequest>(scope, Prisma.sql`
      SELECT r.id::text AS id, r.student_id::text AS "studentId", r.host_id::text AS "hostId", r.meeting_id::text AS "meetingId",
             m.kind::text AS kind, r.created_at AS "createdAt", r.expires_at AS "expiresAt"
        FROM host_requests r JOIN meetings m ON m.school_id = r.school_id AND m.id = r.meeting_id
       WHERE ${where} AND ${key ? Prisma.sql`(r.created_at, r.id) > (${new Date(key.created)}, ${key.id}::uuid)` : Prisma.sql`TRUE`}
       ORDER BY r.created_at, r.id LIMIT ${limit + 1}`, Prisma.sql`SELECT count(*)::int AS total FROM host_requests r WHERE ${where}`)
  return paged(rows, limit, (row) => ({ created: row.createdAt.toISOString(), id: row.id }), total)
}

export interface ReportHost {
  id: string
  givenName: string | null
  familyName: string | null
  email: string | null
  organization: string
  title: string | null
  industries: string[]
  accepting: boolean
  maxMeetingsPerMonth: number
}

const HOST_COLUMNS = Prisma.sql`h.member_id::text AS id, m.given_name AS "givenName", m.family_name AS "familyName", m.email,
  h.organization, h.title, h.industries, h.accepting, h.max_meetings_per_month AS "maxMeetingsPerMonth"`

export async function hostsPage(scope: ReportScope, limit: number, after?: string): Promise<Page<ReportHost>> {
  const key = decodeCursor(after, ['id'] as const)
  const { rows, total } = await pageAndTotal<ReportHost>(scope, Prisma.sql`
      SELECT ${HOST_COLUMNS} FROM host_profiles h JOIN members m ON m.school_id = h.school_id AND m.id = h.member_id
       WHERE h.school_id = ${scope.schoolId}::uuid AND ${key ? Prisma.sql`h.member_id > ${key.id}::uuid` : Prisma.sql`TRUE`}
       ORDER BY h.member_id LIMIT ${limit + 1}`, Prisma.sql`SELECT count(*)::int AS total FROM host_profiles WHERE school_id = ${scope.schoolId}::uuid`)
  return paged(rows, limit, (row) => ({ id: row.id }), total)
}

export async function hostsById(scope: ReportScope, ids: string[]): Promise<Map<string, ReportHost>> {
  if (!ids.length) return new Map()
  const rows = await scope.query<ReportHost>(Prisma.sql`
    SELECT ${HOST_COLUMNS} FROM host_profiles h JOIN members m ON m.school_id = h.school_id AND m.id = h.member_id
     WHERE h.school_id = ${scope.schoolId}::uuid AND h.member_id = ANY(${ids}::uuid[])`)
  return new Map(rows.map((row) => [row.id, row]))
}

export interface HostActivity {
  requestsReceived: number
  accepted: number
  declined: number
  expired: number
  /** Withdrawn by the student (another host of the same group accepted, or the student changed plans). */
  withdrawn: number
  pending: number
  acceptanceRate: number | null
  medianResponseHours: number | null
  booked: number
  capacity: number
  utilization: number | null
}

/** Each host's requests from the range's (filtered) students and meetings booked in the range, against capacity. */
export async function hostActivity(scope: ReportScope, ids: string[]): Promise<Map<string, HostActivity>> {
  if (!ids.length) return new Map()
  const { schoolId, fromAt, toAt } = scope
  const rows = await scope.query<Omit<HostActivity, 'acceptanceRate' | 'utilization'> & { id: string }>(Prisma.sql`
    SELECT h.member_id::text AS id,
           count(r.id) FILTER (WHERE r.created_at >= ${fromAt} AND r.created_at < ${toAt})::int AS "requestsReceived",
           count(r.id) FILTER (WHERE r.created_at >= ${fromAt} AND r.created_at < ${toAt} AND r.status = 'accepted')::int AS accepted,
           count(r.id) FILTER (WHERE r.created_at >= ${fromAt} AND r.created_at < ${toAt} AND r.status = 'declined')::int AS declined,
           count(r.id) FILTER (WHERE r.created_at >= ${fromAt} AND r.created_at < ${toAt} AND (r.status = 'expired' OR (r.status = 'pending' AND r.expires_at <= ${scope.now})))::int AS expired,
           count(r.id) FILTER (WHERE r.created_at >= ${fromAt} AND r.created_at < ${toAt} AND r.status = 'withdrawn')::int AS withdrawn,
           count(r.id) FILTER (WHERE r.created_at >= ${fromAt} AND r.created_at < ${toAt} AND r.status = 'pending' AND r.expires_at > ${scope.now})::int AS pending,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.responded_at - r.created_at) / 3600)
             FILTER (WHERE r.created_at >= ${fromAt} AND r.created_at < ${toAt} AND r.status IN ('accepted', 'declined') AND r.responded_at IS NOT NULL) AS "medianResponseHours",
           count(r.id) FILTER (WHERE r.status = 'accepted' AND r.starts_at >= ${fromAt} AND r.starts_at < ${toAt})::int AS booked,
           h.max_meetings_per_month::float8 * ${scope.days} / ${DAYS_PER_MONTH} AS capacity
      FROM host_profiles h
      LEFT JOIN host_requests r ON r.school_id = h.school_id AND r.host_id = h.member_id AND ${forStudents(scope, Prisma.sql`r.student_id`)}
     WHERE h.school_id = ${schoolId}::uuid AND h.member_id = ANY(${ids}::uuid[])
     GROUP BY h.member_id, h.max_meetings_per_month`)
  return new Map(rows.map(({ id, ...row }) => [id, {
    ...row,
    acceptanceRate: row.accepted + row.declined + row.expired > 0 ? row.accepted / (row.accepted + row.declined + row.expired) : null,
    utilization: row.capacity > 0 ? row.booked / row.capacity : null,
  }]))
}
