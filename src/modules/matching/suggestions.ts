// Host suggestions for one student and a goal. PostgreSQL reads the candidates (hosts of the school
// who accept now and offer the kind and mode), with their open requests and their booked meetings
// and shadow days in the month and term of the goal's start; this module drops those without
// capacity or an available window in the goal's range, scores the rest (scoring.ts) and ranks them:
// score first, then the less-loaded host, then the member id, so equal scores spread the asks.
import { DateTime } from 'luxon'
import type { Principal } from '../../infra/auth/principal.js'
import type { Tenant } from '../../infra/db/database.js'
import { Problem, notFound } from '../../infra/http/problem.js'
import { studentScope } from '../contacts/access.js'
import { availableWindows, describeWindow, type Blackout, type WeeklyWindow } from '../hosts/availability.js'
import { BOOKED_STATUSES, termOf, termWindow } from '../hosts/ledger.js'
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

/** The candidate hosts and their loads, in one statement. Exported for the benchmark's baseline. */
export function candidateHosts(
  tenant: Tenant,
  args: { studentId: string; kind: string; mode: string | null; from: Date; termStart: Date; termEnd: Date },
) {
  const { db, schoolId } = tenant
  return db.$queryRaw<CandidateRow[]>`
    SELECT hp.member_id::text AS "memberId", m.given_name AS "givenName", m.family_name AS "familyName", hp.organization, hp.title,
           hp.industries, hp.occupations, hp.background_tags AS "backgroundTags", hp.modes::text[] AS modes, hp.location,
           hp.time_zone AS "timeZone", hp.weekly_windows AS "weeklyWindows", hp.blackouts, hp.answered_count AS "answeredCount",
           hp.expired_count AS "expiredCount", hp.max_meetings_per_month AS "maxMeetingsPerMonth",
           hp.max_shadow_days_per_term AS "maxShadowDaysPerTerm", hp.max_open_requests AS "maxOpenRequests",
           hp.last_active_at AS "lastActiveAt", coalesce(o.open, 0) AS "openRequests", coalesce(b.booked, 0) AS "bookedInMonth",
           coalesce(b.shadow_days, 0) AS "shadowDaysInTerm"
      FROM host_profiles hp
      JOIN members m ON m.school_id = hp.school_id AND m.id = hp.member_id AND m.status = 'active'
      CROSS JOIN LATERAL (
        SELECT date_trunc('month', ${args.from}::timestamptz AT TIME ZONE hp.time_zone) AT TIME ZONE hp.time_zone AS month_start) ms
      LEFT JOIN LATERAL (
        SELECT count(*)::int AS open FROM host_requests r
         WHERE r.school_id = hp.school_id AND r.host_id = hp.member_id AND r.status = 'pending' AND r.expires_at > ${args.from}) o ON true
      LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE mt.starts_at >= ms.month_start AND mt.starts_at < ms.month_start + interval '1 month')::int AS booked,
               coalesce(sum(((mt.ends_at - interval '1 millisecond') AT TIME ZONE hp.time_zone)::date - (mt.starts_at AT TIME ZONE hp.time_zone)::date + 1)
                 FILTER (WHERE mt.kind = 'job_shadow' AND mt.starts_at >= ${args.termStart} AND mt.starts_at < ${args.termEnd}), 0)::int AS shadow_days
          FROM host_requests r
          JOIN meetings mt ON mt.school_id = r.school_id AND mt.id = r.meeting_id
         WHERE r.school_id = hp.school_id AND r.host_id = hp.member_id AND r.status = 'accepted'
           AND mt.status::text = ANY(${[...BOOKED_STATUSES]}::text[])
           AND mt.starts_at >= least(ms.month_start, ${args.termStart}) AND mt.starts_at < greatest(ms.month_start + interval '1 month', ${args.termEnd})) b ON true
     WHERE hp.school_id = ${schoolId}::uuid AND hp.accepting AND ${args.kind}::meeting_kind = ANY(hp.offers)
       AND (${args.mode}::meeting_mode IS NULL OR ${args.mode}::meeting_mode = ANY(hp.modes))
       AND hp.member_id <> ${args.studentId}::uuid`
}

export async function hostSuggestions(tenant: Tenant, principal: Principal, studentId: string, query: SuggestionQueryBody, now: Date, school: { timeZone: string; settings: unknown }): Promise<SuggestionsBody> {
  studentScope(principal, studentId)
  const { db, schoolId } = tenant
  const student = await db.member.findFirst({
    where: { schoolId, id: studentId, roles: { has: 'student' } },
    select: { fieldsOfInterest: true, backgroundTags: true, shareBackgroundTags: true },
  })
  if (!student) throw notFound('student')
  const settings = schoolSettings(school.settings)
  const from = query.from ? new Date(query.from) : now
  const to = query.to ? new Date(query.to) : new Date(from.getTime() + DEFAULT_RANGE_DAYS * DAY)
  if (to <= from) throw invalid('querystring.to', 'must be after from')
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY) throw invalid('querystring.to', `must be at most ${MAX_RANGE_DAYS} days after from`)
  const searchFrom = from < now ? now : from
  const term = termOf(DateTime.fromJSDate(searchFrom, { zone: school.timeZone }).toISODate()!, settings.terms)
  const termSpan = termWindow(term, school.timeZone)
  const rows = await candidateHosts(tenant, {
    studentId,
    kind: query.kind,
    mode: query.mode ?? null,
    from: searchFrom,
    termStart: termSpan.startsAt,
    termEnd: termSpan.endsAt,
  })
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
