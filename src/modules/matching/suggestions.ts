// Host suggestions for one student and a goal. PostgreSQL reads the candidates (hosts of the school
// who accept now and offer the kind and mode), with their open requests and their booked meetings
// and shadow days in the month and term of the goal's start; this module drops those without
// capacity or an available window in the goal's range, scores the rest (scoring.ts) and ranks them:
// score first, then the less-loaded host, then the member id, so equal scores spread the asks.
import { DateTime } from 'luxon'
import type { Principal } from '../../infra/auth/principal.js'
import type { Tenant } from '../../infra/db/database.js'
import { Problem, notFound } from '../../infra/http/problem.js'
import { Prisma } from '../../generated/prisma/client.js'
import { studentScope } from '../contacts/access.js'
import { availableWindows, describeWindow, type Blackout, type WeeklyWindow } from '../hosts/availability.js'
import { termOf, termWindow } from '../hosts/ledger.js'
import { displayName, responseRate } from '../hosts/service.js'
import { schoolSettings } from '../schools/service.js'
import { scoreFit, type Reason } from './scoring.js'
import type { SuggestionQueryBody, SuggestionsBody } from './schemas.js'

const DAY = 86_400_000
const DEFAULT_RANGE_DAYS = 30
const MAX_RANGE_DAYS = 180
const SHADOW_MIN_MINUTES = 60

export interface CandidateRow {
  memberId: string
  givenName: string | null
  familyName: string | null
  organization: string
  title: string | null
  industries: string[]
  occupations: string[]
  backgroundTags: string[]
  modes: Array<'in_person' | 'video' | 'phone'>
  location: string | null
  timeZone: string
  weeklyWindows: WeeklyWindow[]
  blackouts: Blackout[]
  answeredCount: number
  expiredCount: number
  maxMeetingsPerMonth: number
  maxShadowDaysPerTerm: number
  maxOpenRequests: number
  lastActiveAt: Date
  openRequests: number
  bookedInMonth: number
  shadowDaysInTerm: number
}

function invalid(field: string, message: string) {
  return new Problem('validation-failed', `${field} ${message}`, { extensions: { errors: [{ field, message }] } })
}

export interface CandidateArgs {
  studentId: string
  kind: string
  mode: string | null
  from: Date
  termStart: Date
  termEnd: Date
}

/** The candidate hosts and their loads, in one statement. Exported for the benchmark's baseline. */
export function candidateHostsSql(schoolId: string, args: CandidateArgs): Prisma.Sql {
  // The loads of all the school's hosts in one pass over their open and booked requests (an index
  // range on (school_id, status, starts_at)), rather than a lookup per host; each host's month is
  // its own time zone's, added in local time so daylight saving changes do not move its end.
  return Prisma.sql`
    WITH loads AS (
      SELECT r.host_id,
             count(*) FILTER (WHERE r.status = 'pending' AND r.expires_at > ${args.from})::int AS open,
             count(*) FILTER (WHERE r.status = 'accepted' AND r.starts_at >= ms.month_start AND r.starts_at < ms.month_end)::int AS booked,
             coalesce(sum(r.shadow_days) FILTER (WHERE r.status = 'accepted' AND r.starts_at >= ${args.termStart} AND r.starts_at < ${args.termEnd}), 0)::int AS shadow_days
        FROM host_requests r
        JOIN host_profiles lp ON lp.school_id = r.school_id AND lp.member_id = r.host_id
        CROSS JOIN LATERAL (
          SELECT date_trunc('month', ${args.from}::timestamptz AT TIME ZONE lp.time_zone) AT TIME ZONE lp.time_zone AS month_start,
                 (date_trunc('month', ${args.from}::timestamptz AT TIME ZONE lp.time_zone) + interval '1 month') AT TIME ZONE lp.time_zone AS month_end) ms
       WHERE r.school_id = ${schoolId}::uuid
         AND (r.status = 'pending'
              OR (r.status = 'accepted' AND r.starts_at >= least(${args.from}::timestamptz - interval '32 days', ${args.termStart})
                                        AND r.starts_at < greatest(${args.from}::timestamptz + interval '32 days', ${args.termEnd})))
       GROUP BY r.host_id
    )
    SELECT hp.member_id::text AS "memberId", m.given_name AS "givenName", m.family_name AS "familyName", hp.organization, hp.title,
           hp.industries, hp.occupations, hp.background_tags AS "backgroundTags", hp.modes::text[] AS modes, hp.location,
           hp.time_zone AS "timeZone", hp.weekly_windows AS "weeklyWindows", hp.blackouts, hp.answered_count AS "answeredCount",
           hp.expired_count AS "expiredCount", hp.max_meetings_per_month AS "maxMeetingsPerMonth",
           hp.max_shadow_days_per_term AS "maxShadowDaysPerTerm", hp.max_open_requests AS "maxOpenRequests",
           hp.last_active_at AS "lastActiveAt", coalesce(l.open, 0) AS "openRequests", coalesce(l.booked, 0) AS "bookedInMonth",
           coalesce(l.shadow_days, 0) AS "shadowDaysInTerm"
      FROM host_profiles hp
      JOIN members m ON m.school_id = hp.school_id AND m.id = hp.member_id AND m.status = 'active'
      LEFT JOIN loads l ON l.host_id = hp.member_id
     WHERE hp.school_id = ${schoolId}::uuid AND hp.accepting AND ${args.kind}::meeting_kind = ANY(hp.offers)
       AND (${args.mode}::meeting_mode IS NULL OR ${args.mode}::meeting_mode = ANY(hp.modes))
       AND hp.member_id <> ${args.studentId}::uuid`
}

/** The range a goal searches (from now at the earliest) and the school term of its start. */
export function suggestionRange(query: Pick<SuggestionQueryBody, 'from' | 'to'>, now: Date, school: { timeZone: string; settings: unknown }) {
  const settings = schoolSettings(school.settings)
  const from = query.from ? new Date(query.from) : now
  const to = query.to ? new Date(query.to) : new Date(from.getTime() + DEFAULT_RANGE_DAYS * DAY)
  if (to <= from) throw invalid('querystring.to', 'must be after from')
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY) throw invalid('querystring.to', `must be at most ${MAX_RANGE_DAYS} days after from`)
  const searchFrom = from < now ? now : from
  const term = termOf(DateTime.fromJSDate(searchFrom, { zone: school.timeZone }).toISODate()!, settings.terms)
  const termSpan = termWindow(term, school.timeZone)
  return { settings, from: searchFrom, to, termStart: termSpan.startsAt, termEnd: termSpan.endsAt }
}

export async function hostSuggestions(
  tenant: Tenant,
  principal: Principal,
  studentId: string,
  query: SuggestionQueryBody,
  now: Date,
  school: { timeZone: string; settings: unknown },
): Promise<SuggestionsBody> {
  studentScope(principal, studentId)
  const { db, schoolId } = tenant
  const student = await db.member.findFirst({
    where: { schoolId, id: studentId, roles: { has: 'student' } },
    select: { fieldsOfInterest: true, backgroundTags: true, shareBackgroundTags: true },
  })
  if (!student) throw notFound('student')
  const range = suggestionRange(query, now, school)
  const { settings, from: searchFrom, to } = range
  const rows = await db.$queryRaw<CandidateRow[]>(
    candidateHostsSql(schoolId, { studentId, kind: query.kind, mode: query.mode ?? null, from: searchFrom, termStart: range.termStart, termEnd: range.termEnd }),
  )
  const minMinutes = query.kind === 'job_shadow' ? SHADOW_MIN_MINUTES : settings.interviewMinMinutes
  const goal = { field: query.field, organization: query.organization }
  const ranked: Array<SuggestionsBody['items'][number] & { load: number }> = []
  for (const row of rows) {
    if (row.openRequests >= row.maxOpenRequests) continue
    if (row.bookedInMonth >= row.maxMeetingsPerMonth) continue
    if (query.kind === 'job_shadow' && row.shadowDaysInTerm >= row.maxShadowDaysPerTerm) continue
    const [window] = availableWindows({ timeZone: row.timeZone, weeklyWindows: row.weeklyWindows, blackouts: row.blackouts }, searchFrom, to, minMinutes, 1)
    if (!window) continue
    const meetingsLeft = row.maxMeetingsPerMonth - row.bookedInMonth
    const fit = scoreFit(student, goal, { ...row, meetingsLeft }, settings.matchingWeights)
    const reasons: Reason[] = [...fit.reasons, { code: 'available', text: `Available ${describeWindow(window, row.timeZone)}` }]
    ranked.push({
      host: {
        memberId: row.memberId,
        name: displayName(row),
        organization: row.organization,
        title: row.title,
        industries: row.industries,
        occupations: row.occupations,
        modes: row.modes,
        location: row.location,
        backgroundTags: row.backgroundTags,
        responseRate: responseRate(row),
        lastActiveAt: row.lastActiveAt.toISOString(),
      },
      score: fit.score,
      reasons: reasons.sort((a, b) => REASON_ORDER.indexOf(a.code) - REASON_ORDER.indexOf(b.code)),
      firstAvailable: { startsAt: window.startsAt.toISOString(), endsAt: window.endsAt.toISOString() },
      openRequests: row.openRequests,
      meetingsLeftThisMonth: meetingsLeft,
      load: row.openRequests + row.bookedInMonth,
    })
  }
  ranked.sort((a, b) => b.score - a.score || a.load - b.load || a.host.memberId.localeCompare(b.host.memberId))
  return {
    goal: { kind: query.kind, field: query.field ?? null, organization: query.organization ?? null, mode: query.mode ?? null, from: searchFrom.toISOString(), to: to.toISOString() },
    backgroundTagsUsed: student.shareBackgroundTags,
    items: ranked.slice(0, query.limit).map(({ load: _load, ...item }) => item),
  }
}

const REASON_ORDER: Reason['code'][] = ['shared_field', 'knows_organization', 'shared_background', 'available', 'capacity_left', 'responsive']
