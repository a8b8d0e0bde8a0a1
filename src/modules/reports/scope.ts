// What one report is about: a school, a range of school-local dates and the students a filter
// selects. Every metric query takes a scope, so none can forget the school, the range or the filter.
import { Prisma } from '../../generated/prisma/client.js'
import type { Tenant } from '../../infra/db/database.js'
import { boundDate } from '../../infra/http/range.js'
import { invalidField, notFound } from '../../infra/http/problem.js'
import type { School } from '../schools/settings.js'

export interface ReportFilter {
  major?: string | null
  graduationYear?: number | null
  backgroundTag?: string | null
  field?: string | null
  programId?: string | null
}

export interface ReportScope {
  tenant: Tenant
  /** Runs a report query on the school's connections (through pg where the handle offers it). */
  query: <T>(sql: Prisma.Sql) => Promise<T[]>
  schoolId: string
  timeZone: string
  thankYouWindowHours: number
  /** First and last school-local date of the range, inclusive (YYYY-MM-DD). */
  from: string
  to: string
  /** The range as instants: local midnight of `from`, local midnight after `to`. */
  fromAt: Date
  toAt: Date
  days: number
  filter: ReportFilter
  /** Whether the filter selects students (else every student of the school counts). */
  filtered: boolean
  /** How many students the filter selects. */
  studentCount: number
  /** Reads the rollups when unfiltered; `raw` forces the rows themselves (tests prove both agree). */
  source: 'rollup' | 'raw'
  now: Date
}

/** Pending rollup deltas of a school at which a report compacts them first. */
export const COMPACT_AFTER = 500

/** Longest range one report may cover: five years is more than any term or academic-year report. */
export const MAX_RANGE_DAYS = 366 * 5
const DATE = /^\d{4}-\d{2}-\d{2}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function parseDate(value: string, field: string): number {
  const ms = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) throw invalidField(field, 'must be a date, YYYY-MM-DD, or an instant (RFC 3339)')
  return ms
}

export interface ScopeInput {
  from: string
  to: string
  filter?: ReportFilter | null
  source?: 'rollup' | 'raw'
}

export async function reportScope(
  tenant: Tenant,
  school: Pick<School, 'timeZone' | 'settings'>,
  input: ScopeInput,
  now: Date,
  fieldPrefix = '',
): Promise<ReportScope> {
  // A report counts whole days of the school: an instant stands for the local date it falls on.
  input = { ...input, from: boundDate(input.from, school.timeZone), to: boundDate(input.to, school.timeZone) }
  const from = parseDate(input.from, `${fieldPrefix}from`)
  const to = parseDate(input.to, `${fieldPrefix}to`)
  if (to < from) throw invalidField(`${fieldPrefix}to`, 'must not be before from')
  const days = Math.round((to - from) / 86_400_000) + 1
  if (days > MAX_RANGE_DAYS) throw invalidField(`${fieldPrefix}to`, `a report covers at most ${MAX_RANGE_DAYS} days`)
  const filter = Object.fromEntries(Object.entries(input.filter ?? {}).filter(([, value]) => value !== null && value !== undefined)) as ReportFilter
  if (filter.programId !== undefined && !UUID.test(filter.programId!)) throw notFound('programme')
  if (filter.programId) {
    const program = await tenant.db.program.findUnique({ where: { schoolId_id: { schoolId: tenant.schoolId, id: filter.programId } }, select: { id: true } })
    if (!program) throw notFound('programme')
  }
  const query = tenant.sql
  const filtered = Object.keys(filter).length > 0
  const selection = { schoolId: tenant.schoolId, filter, filtered }
  // One round trip before any metric: local midnights as instants (PostgreSQL's zone rules), the
  // selected students' count, and, for a school with many pending rollup deltas, their compaction
  // (reads are exact either way, summing cells and deltas; compaction keeps the deltas few).
  const [bounds] = await query<{ fromAt: Date; toAt: Date; students: number }>(Prisma.sql`
    SELECT (${input.from}::date::timestamp AT TIME ZONE ${school.timeZone}) AS "fromAt",
           ((${input.to}::date + 1)::timestamp AT TIME ZONE ${school.timeZone}) AS "toAt",
           (SELECT count(*)::int FROM (${studentIds(selection)}) s) AS students,
           CASE WHEN (SELECT count(*) FROM (SELECT 1 FROM report_cell_deltas WHERE school_id = ${tenant.schoolId}::uuid LIMIT ${COMPACT_AFTER}) d) >= ${COMPACT_AFTER}
                THEN report_compact(${tenant.schoolId}::uuid) END AS compacted`)
  return {
    tenant,
    query,
    schoolId: tenant.schoolId,
    timeZone: school.timeZone,
    thankYouWindowHours: school.settings.thankYouWindowHours,
    from: input.from,
    to: input.to,
    fromAt: bounds!.fromAt,
    toAt: bounds!.toAt,
    days,
    filter,
    filtered,
    studentCount: bounds!.students,
    source: input.source ?? 'rollup',
    now,
  }
}

/**
 * The ids of the students the filter selects. A background tag counts only for students who share
 * their tags: a student who chose not to is never placed in a tag's group.
 */
export function studentIds(scope: Pick<ReportScope, 'schoolId' | 'filter'>): Prisma.Sql {
  const { filter } = scope
  const conditions = [Prisma.sql`s.school_id = ${scope.schoolId}::uuid`, Prisma.sql`'student' = ANY(s.roles)`]
  if (filter.major !== undefined) conditions.push(Prisma.sql`s.major = ${filter.major}`)
  if (filter.graduationYear !== undefined) conditions.push(Prisma.sql`s.graduation_year = ${filter.graduationYear}`)
  if (filter.backgroundTag !== undefined) conditions.push(Prisma.sql`s.share_background_tags AND ${filter.backgroundTag} = ANY(s.background_tags)`)
  if (filter.field !== undefined) conditions.push(Prisma.sql`${filter.field} = ANY(s.fields_of_interest)`)
  if (filter.programId !== undefined) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM program_students ps WHERE ps.school_id = s.school_id AND ps.program_id = ${filter.programId}::uuid AND ps.student_id = s.id)`)
  }
  return Prisma.sql`SELECT s.id FROM members s WHERE ${Prisma.join(conditions, ' AND ')}`
}

/** A condition on a column holding a student id: true for every student when unfiltered. */
export function forStudents(scope: ReportScope, column: Prisma.Sql): Prisma.Sql {
  return scope.filtered ? Prisma.sql`${column} IN (${studentIds(scope)})` : Prisma.sql`TRUE`
}

/**
 * The report cells of some metrics in the range: from the rollups (report_cells plus the deltas not
 * yet compacted) when the report is unfiltered, else from report_cells_raw for the selected
 * students. Same columns either way, so each metric is one query over either source. (Who met whom
 * is not a cell: see metPairs.)
 */
export function cells(scope: ReportScope, metrics: string[]): Prisma.Sql {
  const where = Prisma.sql`school_id = ${scope.schoolId}::uuid AND metric = ANY(${metrics}::text[]) AND day BETWEEN ${scope.from}::date AND ${scope.to}::date`
  const columns = Prisma.sql`metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, count`
  if (scope.source === 'rollup' && !scope.filtered) {
    return Prisma.sql`(SELECT ${columns} FROM report_cells WHERE ${where} UNION ALL SELECT ${columns} FROM report_cell_deltas WHERE ${where})`
  }
  return Prisma.sql`(SELECT ${columns} FROM report_cells_raw WHERE ${where} AND ${forStudents(scope, Prisma.sql`owner_student_id`)})`
}

/**
 * The people each student met in completed meetings in the range, one row per student and person
 * (student_id, contact_id, organization, industry; organization and industry as report_key compares
 * them, '' when none): from report_met when the report is unfiltered, a row per pair with the
 * school-local days of its meetings; else from the meetings of the selected students themselves,
 * by the same school-local day (not by instants: a midnight that clocks skip or repeat would count
 * a meeting on another side of the range than report_met does).
 */
export function metPairs(scope: ReportScope): Prisma.Sql {
  const { schoolId, from, to } = scope
  if (scope.source === 'rollup' && !scope.filtered) {
    // A pair whose first or last day lies in the range was met in it; one that spans the range
    // either side was met in it when one of its days falls inside.
    return Prisma.sql`(SELECT p.student_id, p.contact_id, p.organization, p.industry FROM report_met p
       WHERE p.school_id = ${schoolId}::uuid AND p.last_day >= ${from}::date AND p.first_day <= ${to}::date
         AND (p.first_day >= ${from}::date OR p.last_day <= ${to}::date OR EXISTS (SELECT 1 FROM unnest(p.days) d WHERE d BETWEEN ${from}::date AND ${to}::date)))`
  }
  return Prisma.sql`(SELECT m.student_id, m.contact_id, report_key(c.organization) AS organization, report_key(c.industry) AS industry
       FROM meetings m JOIN contacts c ON c.school_id = m.school_id AND c.id = m.contact_id
      WHERE m.school_id = ${schoolId}::uuid AND m.completed_at IS NOT NULL AND (m.completed_at AT TIME ZONE ${scope.timeZone})::date BETWEEN ${from}::date AND ${to}::date
        AND ${forStudents(scope, Prisma.sql`m.student_id`)}
      GROUP BY 1, 2, 3, 4)`
}
