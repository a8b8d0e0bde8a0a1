// Time windows, as meetings, hosts' availability and ledgers and host requests share them, and the
// rules on a meeting's time: an informational interview lasts 30-60 minutes (a school may widen
// this to 15-120), a job shadow from one hour to seven days; windows end after they start and, when
// being agreed, lie in the future. A shadow's debrief and itinerary sit inside its window.
import { invalidField } from '../../infra/http/problem.js'
import type { SchoolSettings } from '../schools/settings.js'

const MINUTE = 60_000
const SHADOW_MIN_MINUTES = 60
const SHADOW_MAX_MINUTES = 7 * 24 * 60

export interface TimeWindow {
  startsAt: Date
  endsAt: Date
}

/** A window as JSON columns keep it (a meeting's proposed slots, an itinerary's segments). */
export interface StoredWindow {
  startsAt: string
  endsAt: string
}


export function parseWindow(window: { startsAt: string; endsAt: string }): TimeWindow {
  return { startsAt: new Date(window.startsAt), endsAt: new Date(window.endsAt) }
}

export function checkWindow(
  window: TimeWindow,
  kind: 'informational_interview' | 'job_shadow',
  settings: SchoolSettings,
  now: Date,
  field: string,
) {
  const minutes = (window.endsAt.getTime() - window.startsAt.getTime()) / MINUTE
  if (minutes <= 0) throw invalidField(field, 'must end after it starts')
  if (window.startsAt <= now) throw invalidField(field, 'must start in the future')
  const [min, max] = kind === 'informational_interview' ? [settings.interviewMinMinutes, settings.interviewMaxMinutes] : [SHADOW_MIN_MINUTES, SHADOW_MAX_MINUTES]
  const what = kind === 'informational_interview' ? 'An informational interview' : 'A job shadow'
  if (minutes < min) throw invalidField(field, `is too short: ${what} lasts at least ${min} minutes`)
  if (minutes > max) throw invalidField(field, `is too long: ${what} lasts at most ${max} minutes`)
}

export function checkInside(inner: TimeWindow, outer: TimeWindow, field: string) {
  if (inner.endsAt <= inner.startsAt) throw invalidField(field, 'must end after it starts')
  if (inner.startsAt < outer.startsAt || inner.endsAt > outer.endsAt) throw invalidField(field, 'must lie inside the meeting\'s window')
}
