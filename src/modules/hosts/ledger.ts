// One capacity ledger per host, across interviews and shadows:
// - meetings per month: the host's booked meetings (scheduled, résumé sent, completed, thank-you
//   sent) that start in a calendar month of the host's time zone;
// - shadow days per term: the local dates the host's booked job shadows cover, per school term;
// - open requests: requests to the host still waiting for an answer.
// A cancelled, declined or no-show meeting gives its place back. The booked window and shadow days
// are kept on the accepted request (host_requests.starts_at, ends_at, shadow_days) and follow the
// meeting through every transition (syncHostBooking), so the ledger reads one indexed table.
import { DateTime } from 'luxon'
import type { Transaction, Db } from '../../infra/db/database.js'
import type { Term } from '../schools/settings.js'
import type { TimeWindow } from '../scheduling/windows.js'
import { localDates } from './availability.js'


/** Without configured terms a year has three: January-May, June-August, September-December. */
function defaultTerm(date: string): Term {
  const year = date.slice(0, 4)
  const month = Number(date.slice(5, 7))
  if (month <= 5) return { name: `Spring ${year}`, startsOn: `${year}-01-01`, endsOn: `${year}-05-31` }
  if (month <= 8) return { name: `Summer ${year}`, startsOn: `${year}-06-01`, endsOn: `${year}-08-31` }
  return { name: `Fall ${year}`, startsOn: `${year}-09-01`, endsOn: `${year}-12-31` }
}

/** The school term a local date (school's time zone) falls in; a date between configured terms is its own one-day term. */
export function termOf(date: string, terms: Term[]): Term {
  if (terms.length === 0) return defaultTerm(date)
  return terms.find((term) => term.startsOn <= date && date <= term.endsOn) ?? { name: `outside any term (${date})`, startsOn: date, endsOn: date }
}

/** [start, end) of the host-local calendar month holding `instant`. */
export function monthOf(instant: Date, timeZone: string): TimeWindow {
  const start = DateTime.fromJSDate(instant, { zone: timeZone }).startOf('month')
  return { startsAt: start.toJSDate(), endsAt: start.plus({ months: 1 }).toJSDate() }
}

/** [start, end) of a term's dates in the school's time zone. */
export function termWindow(term: Term, schoolTimeZone: string): TimeWindow {
  return {
    startsAt: DateTime.fromISO(term.startsOn, { zone: schoolTimeZone }).toJSDate(),
    endsAt: DateTime.fromISO(term.endsOn, { zone: schoolTimeZone }).plus({ days: 1 }).toJSDate(),
  }
}

/** Days a shadow takes from the host's ledger: the local dates it covers. */
export function shadowDays(window: TimeWindow, timeZone: string): number {
  return localDates(window, timeZone).length
}

export interface BookedMeeting {
  meetingId: string
  startsAt: Date
  endsAt: Date
  /** Host-local dates of a job shadow; 0 for an interview. */
  shadowDays: number
}

/** The host's booked meetings that touch [from, to), as kept on their accepted requests. */
export async function bookedMeetings(db: Db | Transaction, schoolId: string, hostId: string, from: Date, to: Date): Promise<BookedMeeting[]> {
  return db.$queryRaw<BookedMeeting[]>`
    SELECT meeting_id::text AS "meetingId", starts_at AS "startsAt", ends_at AS "endsAt", shadow_days AS "shadowDays"
      FROM host_requests
     WHERE school_id = ${schoolId}::uuid AND host_id = ${hostId}::uuid AND status = 'accepted'
       AND starts_at < ${to} AND ends_at > ${from}`
}

export interface LedgerLimits {
  maxMeetingsPerMonth: number
  maxShadowDaysPerTerm: number
  timeZone: string
}

/**
 * Why booking `window` would break the host's ledger, or null when it fits. `booked` must cover the
 * slot's month and term.
 */
export function ledgerRefusal(
  limits: LedgerLimits,
  booked: BookedMeeting[],
  window: TimeWindow,
  kind: 'informational_interview' | 'job_shadow',
  term: { term: Term; window: TimeWindow },
): { reason: string; limit: string } | null {
  const month = monthOf(window.startsAt, limits.timeZone)
  const inMonth = booked.filter((meeting) => meeting.startsAt >= month.startsAt && meeting.startsAt < month.endsAt).length
  if (inMonth + 1 > limits.maxMeetingsPerMonth) {
    const name = DateTime.fromJSDate(window.startsAt, { zone: limits.timeZone }).toFormat('LLLL yyyy')
    return { reason: `The host has no meetings left in ${name} (at most ${limits.maxMeetingsPerMonth} a month)`, limit: 'meetingsPerMonth' }
  }
  if (kind === 'job_shadow') {
    const days = booked
      .filter((meeting) => meeting.startsAt >= term.window.startsAt && meeting.startsAt < term.window.endsAt)
      .reduce((sum, meeting) => sum + meeting.shadowDays, 0)
    const needed = shadowDays(window, limits.timeZone)
    if (days + needed > limits.maxShadowDaysPerTerm) {
      return {
        reason: `The host has ${Math.max(0, limits.maxShadowDaysPerTerm - days)} shadow day(s) left in ${term.term.name}; this shadow needs ${needed}`,
        limit: 'shadowDaysPerTerm',
      }
    }
  }
  return null
}
