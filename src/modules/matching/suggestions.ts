// Host suggestions for one student and a goal. PostgreSQL reads the candidates (hosts of the school
// who accept now, offer the kind and mode and have capacity in the month and term of the goal's
// start); this module scores them (scoring.ts), ranks them (score, then the less-loaded host, then
// the member id, so equal scores spread the asks) and keeps those with an available window in the
// goal's range, in rank order, until the page is full.
import { LRUCache } from 'lru-cache'
import { can } from '../../infra/auth/policy.js'
import { DateTime } from 'luxon'
import type { Principal } from '../../infra/auth/principal.js'
import type { Tenant } from '../../infra/db/database.js'
import { invalidField, notFound } from '../../infra/http/problem.js'
import { boundAt } from '../../infra/http/range.js'
import { Prisma } from '../../generated/prisma/client.js'
import { studentScope } from '../contacts/access.js'
import { availableWindows, describeWindow, type Blackout, type WeeklyWindow } from '../hosts/availability.js'
import type { TimeWindow } from '../scheduling/windows.js'
import { termOf, termWindow } from '../hosts/ledger.js'
import { responseRate } from '../hosts/service.js'
import { displayName } from '../members/display.js'
import type { School } from '../schools/settings.js'
import { type HostFacts, scoreFit, type Reason } from './scoring.js'
import type { SuggestionQueryBody, SuggestionsBody } from './schemas.js'

const DAY = 86_400_000
const DEFAULT_RANGE_DAYS = 30
const MAX_RANGE_DAYS = 180
const SHADOW_MIN_MINUTES = 60

/** What the candidate query reads of each host: enough to score it and to show it. */
/** A candidate host as read for suggestions: what scoring reads (HostFacts) and what the answer shows. */
export interface CandidateRow extends HostFacts {
  memberId: string
  givenName: string | null
  familyName: string | null
  title: string | null
  modes: Array<'in_person' | 'video' | 'phone'>
  location: string | null
  timeZone: string
  weeklyWindows: WeeklyWindow[]
  blackouts: Blackout[]
  lastActiveAt: Date
  openRequests: number
  bookedInMonth: number
}


export interface CandidateArgs {
  kind: string
  mode: string | null
  from: Date
  termStart: Date
  termEnd: Date
}

/**
 * The hosts who offer the kind (and mode), accept now and have capacity (open requests, meetings in
 * their month, shadow days in the term), with what scoring needs, in one statement. The loads come
 * from one pass over the school's open and booked requests (an index range on (school_id, status,
 * starts_at)); each host's month is its own time zone's, computed once per zone and added in local
 * time so daylight saving changes do not move its end. Exported for the benchmark's baseline.
 */
export function candidateHostsSql(schoolId: string, args: CandidateArgs): Prisma.Sql {
  return Prisma.sql`
    WITH zones AS (
      SELECT z.tz,
             date_trunc('month', ${args.from}::timestamptz AT TIME ZONE z.tz) AT TIME ZONE z.tz AS month_start,
             (date_trunc('month', ${args.from}::timestamptz AT TIME ZONE z.tz) + interval '1 month') AT TIME ZONE z.tz AS month_end
        FROM (SELECT DISTINCT time_zone AS tz FROM host_profiles WHERE school_id = ${schoolId}::uuid) z
    ), loads AS (
      SELECT r.host_id,
             count(*) FILTER (WHERE r.status = 'pending' AND r.expires_at > ${args.from})::int AS open,
             count(*) FILTER (WHERE r.status = 'accepted' AND r.starts_at >= z.month_start AND r.starts_at < z.month_end)::int AS booked,
             coalesce(sum(r.shadow_days) FILTER (WHERE r.status = 'accepted' AND r.starts_at >= ${args.termStart} AND r.starts_at < ${args.termEnd}), 0)::int AS shadow_days
        FROM host_requests r
        JOIN host_profiles lp ON lp.school_id = r.school_id AND lp.member_id = r.host_id
        JOIN zones z ON z.tz = lp.time_zone
       WHERE r.school_id = ${schoolId}::uuid
         AND (r.status = 'pending'
              OR (r.status = 'accepted' AND r.starts_at >= least(${args.from}::timestamptz - interval '32 days', ${args.termStart})
                                        AND r.starts_at < greatest(${args.from}::timestamptz + interval '32 days', ${args.termEnd})))
       GROUP BY r.host_id
    )
    SELECT hp.member_id::text AS "memberId", m.given_name AS "givenName", m.family_name AS "familyName", hp.title,
           hp.modes::text[] AS modes, hp.location, hp.time_zone AS "timeZone", hp.weekly_windows AS "weeklyWindows", hp.blackouts,
           hp.last_active_at AS "lastActiveAt", hp.organization, hp.industries, hp.occupations, hp.background_tags AS "backgroundTags",
           hp.answered_count AS "answeredCount", hp.expired_count AS "expiredCount", hp.max_meetings_per_month AS "maxMeetingsPerMonth",
           coalesce(l.open, 0) AS "openRequests", coalesce(l.booked, 0) AS "bookedInMonth"
      FROM host_profiles hp
      JOIN members m ON m.school_id = hp.school_id AND m.id = hp.member_id AND m.status = 'active'
      LEFT JOIN loads l ON l.host_id = hp.member_id
     WHERE hp.school_id = ${schoolId}::uuid AND hp.accepting AND ${args.kind}::meeting_kind = ANY(hp.offers)
       AND (${args.mode}::meeting_mode IS NULL OR ${args.mode}::meeting_mode = ANY(hp.modes))
       AND coalesce(l.open, 0) < hp.max_open_requests
       AND coalesce(l.booked, 0) < hp.max_meetings_per_month
       AND (${args.kind}::meeting_kind <> 'job_shadow' OR coalesce(l.shadow_days, 0) < hp.max_shadow_days_per_term)`
}

/** The range a goal searches (from now at the earliest) and the school term of its start. */
export function suggestionRange(query: Pick<SuggestionQueryBody, 'from' | 'to'>, now: Date, school: Pick<School, 'timeZone' | 'settings'>) {
  const { settings } = school
  const from = query.from ? boundAt(query.from, school.timeZone, 'from') : now
  const to = query.to ? boundAt(query.to, school.timeZone, 'to') : new Date(from.getTime() + DEFAULT_RANGE_DAYS * DAY)
  if (to <= from) throw invalidField('querystring.to', 'must be after from')
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY) throw invalidField('querystring.to', `must be at most ${MAX_RANGE_DAYS} days after from`)
  const searchFrom = from < now ? now : from
  const term = termOf(DateTime.fromJSDate(searchFrom, { zone: school.timeZone }).toISODate()!, settings.terms)
  const termSpan = termWindow(term, school.timeZone)
  return { settings, from: searchFrom, to, termStart: termSpan.startsAt, termEnd: termSpan.endsAt }
}

/**
 * The candidate hosts of a school for a kind, mode and month, kept briefly per instance
 * (SUGGESTION_CACHE_TTL_MS) because every suggestion in a school reads the same ones. A host's
 * capacity shown by a suggestion may therefore be that many seconds old; sending a request and
 * accepting it check the ledger exactly, under the host's row lock. Writes through this instance
 * that change hosts or requests drop the school's entries at once. At most `maxSchools` schools
 * (least recently used dropped one at a time, never a wholesale clear) and `keysPerSchool` queries
 * each; invalidating a school drops its entries at once, whatever the number of schools kept.
 */
export class CandidateCache {
  readonly #ttlMs: number
  readonly #keysPerSchool: number
  readonly #schools: LRUCache<string, Map<string, { until: number; rows: Promise<CandidateRow[]> }>>

  constructor(ttlMs: number, options: { maxSchools?: number; keysPerSchool?: number } = {}) {
    this.#ttlMs = ttlMs
    this.#keysPerSchool = options.keysPerSchool ?? 32
    this.#schools = new LRUCache({ max: options.maxSchools ?? 2000 })
  }

  /** How many schools have entries (for tests and metrics). */
  get schools(): number {
    return this.#schools.size
  }

  get(schoolId: string, key: string, load: () => Promise<CandidateRow[]>): Promise<CandidateRow[]> {
    if (this.#ttlMs <= 0) return load()
    const now = Date.now()
    let entries = this.#schools.get(schoolId)
    const entry = entries?.get(key)
    if (entry && entry.until > now) return entry.rows
    if (!entries) {
      entries = new Map()
      this.#schools.set(schoolId, entries)
    }
    entries.delete(key)
    // A Map iterates in insertion order: the first key is the oldest.
    if (entries.size >= this.#keysPerSchool) entries.delete(entries.keys().next().value!)
    const rows = load()
    const kept = { until: now + this.#ttlMs, rows }
    entries.set(key, kept)
    const school = entries
    rows.catch(() => {
      if (school.get(key) === kept) school.delete(key)
    })
    return rows
  }

  invalidate(schoolId: string) {
    this.#schools.delete(schoolId)
  }
}

const MINUTE = 60_000

export async function hostSuggestions(
  tenant: Tenant,
  principal: Principal,
  studentId: string,
  query: SuggestionQueryBody,
  now: Date,
  school: Pick<School, 'timeZone' | 'settings'>,
  cache: CandidateCache = new CandidateCache(0),
): Promise<SuggestionsBody> {
  studentScope(principal, studentId)
  const { db, schoolId } = tenant
  // A student asking for themselves: their member row was read with their token.
  const student =
    principal.kind === 'member' && principal.memberId === studentId && can(principal, 'conversations:write')
      ? principal.matching
      : await db.member.findFirst({
          where: { schoolId, id: studentId, roles: { has: 'student' } },
          select: { fieldsOfInterest: true, backgroundTags: true, shareBackgroundTags: true },
        })
  if (!student) throw notFound('student')
  const range = suggestionRange(query, now, school)
  const { settings, from: searchFrom, to } = range
  const args = { kind: query.kind, mode: query.mode ?? null, from: searchFrom, termStart: range.termStart, termEnd: range.termEnd }
  // One entry per kind, mode, minute of the search's start and term.
  const key = `${args.kind}|${args.mode}|${Math.floor(searchFrom.getTime() / MINUTE)}|${args.termStart.getTime()}`
  const rows = await cache.get(schoolId, key, async () => {
    const read = await db.$queryRaw<CandidateRow[]>(candidateHostsSql(schoolId, args))
    for (const row of read) row.meetingsLeft = row.maxMeetingsPerMonth - row.bookedInMonth
    return read
  })
  const minMinutes = query.kind === 'job_shadow' ? SHADOW_MIN_MINUTES : settings.interviewMinMinutes
  const goal = { field: query.field, organization: query.organization }
  // Score every candidate (cheap), then take them best first (a heap: only as many as needed are
  // ordered) and check availability (time-zone arithmetic, the costly part) until the page is full:
  // the result is the same as filtering first and sorting all.
  const candidates = rows.filter((row) => row.memberId !== studentId)
  const scores = candidates.map((row) => scoreFit(student, goal, row, settings.matchingWeights, false).score)
  const before = (a: number, b: number) => {
    const x = candidates[a]!
    const y = candidates[b]!
    return scores[a]! - scores[b]! || y.openRequests + y.bookedInMonth - (x.openRequests + x.bookedInMonth) || (x.memberId < y.memberId ? 1 : -1)
  }
  const ranked = new RankHeap(candidates.length, (a, b) => before(a, b) > 0)
  const items: SuggestionsBody['items'] = []
  for (let next = ranked.pop(); next !== undefined; next = ranked.pop()) {
    const row = candidates[next]!
    const window = firstWindow(row, searchFrom, to, minMinutes)
    if (!window) continue
    const fit = scoreFit(student, goal, row, settings.matchingWeights)
    const reasons: Reason[] = [...fit.reasons, { code: 'available', text: `Available ${describeWindow(window, row.timeZone)}` }]
    items.push({
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
        lastActiveAt: new Date(row.lastActiveAt).toISOString(),
      },
      score: fit.score,
      reasons: reasons.sort((a, b) => REASON_ORDER.indexOf(a.code) - REASON_ORDER.indexOf(b.code)),
      firstAvailable: { startsAt: window.startsAt.toISOString(), endsAt: window.endsAt.toISOString() },
      openRequests: row.openRequests,
      meetingsLeftThisMonth: row.meetingsLeft,
    })
    if (items.length >= query.limit) break
  }
  return {
    goal: { kind: query.kind, field: query.field ?? null, organization: query.organization ?? null, mode: query.mode ?? null, from: searchFrom.toISOString(), to: to.toISOString() },
    backgroundTagsUsed: student.shareBackgroundTags,
    items,
  }
}

/** A cached row's first available window per search, so students of one school share the arithmetic. */
const firstWindows = new WeakMap<CandidateRow, Map<string, TimeWindow | null>>()

/** Searched in whole minutes (from the next one after `from` to the last before `to`), so that it can be shared. */
function firstWindow(row: CandidateRow, exactFrom: Date, exactTo: Date, minMinutes: number): TimeWindow | null {
  const from = new Date(Math.ceil(exactFrom.getTime() / MINUTE) * MINUTE)
  const to = new Date(Math.floor(exactTo.getTime() / MINUTE) * MINUTE)
  const key = `${from.getTime()}|${to.getTime()}|${minMinutes}`
  let known = firstWindows.get(row)
  if (!known) {
    known = new Map()
    firstWindows.set(row, known)
  }
  let window = known.get(key)
  if (window === undefined) {
    window = availableWindows(row, from, to, minMinutes, 1)[0] ?? null
    if (known.size > 50) known.clear()
    known.set(key, window)
  }
  return window
}

/** A binary max-heap of the indices 0..n-1 under `better`; built in linear time, popped best first. */
class RankHeap {
  readonly #items: Int32Array
  #size: number
  readonly #better: (a: number, b: number) => boolean

  constructor(n: number, better: (a: number, b: number) => boolean) {
    this.#items = Int32Array.from({ length: n }, (_, index) => index)
    this.#size = n
    this.#better = better
    for (let index = (n >> 1) - 1; index >= 0; index -= 1) this.#down(index)
  }

  pop(): number | undefined {
    if (this.#size === 0) return undefined
    const top = this.#items[0]!
    this.#size -= 1
    this.#items[0] = this.#items[this.#size]!
    this.#down(0)
    return top
  }

  #down(start: number) {
    const items = this.#items
    let index = start
    for (;;) {
      const left = 2 * index + 1
      const right = left + 1
      let best = index
      if (left < this.#size && this.#better(items[left]!, items[best]!)) best = left
      if (right < this.#size && this.#better(items[right]!, items[best]!)) best = right
      if (best === index) return
      const swap = items[index]!
      items[index] = items[best]!
      items[best] = swap
      index = best
    }
  }
}

const REASON_ORDER: Reason['code'][] = ['shared_field', 'knows_organization', 'shared_background', 'available', 'capacity_left', 'responsive']
