// A host's availability: weekly recurring windows in the host's own time zone (Monday = 1 … Sunday =
// 7, "HH:MM" to "HH:MM", "24:00" for midnight) and blackout date ranges (inclusive, local dates).
// Overlapping or touching definitions are merged, not refused: a host who pastes "Mon 9-12" and
// "Mon 11-14" means "Mon 9-14", and the stored profile shows the merged form. A window that ends
// before it starts, or a blackout whose end precedes its start, is refused.
import { DateTime } from 'luxon'
import { invalidField } from '../../infra/http/problem.js'
import type { TimeWindow } from '../scheduling/windows.js'

export interface WeeklyWindow {
  weekday: number
  start: string
  end: string
}

export interface Blackout {
  from: string
  to: string
}

export interface Availability {
  timeZone: string
  weeklyWindows: WeeklyWindow[]
  blackouts: Blackout[]
}

const MINUTE = 60_000
/** How far ahead availability is searched: a year of dates. */
const MAX_SEARCH_DAYS = 366


function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number)
  return hours! * 60 + minutes!
}

function timeOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

/** The instant of a local time on a local day (wall-clock, so it holds across daylight saving changes). */
function at(day: DateTime, minutes: number): Date {
  if (minutes >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toJSDate()
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toJSDate()
}

function nextDate(date: string): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!
}

/** Checks and merges a host's windows and blackouts; the result is sorted and free of overlaps. */
export function normalizeAvailability(windows: WeeklyWindow[], blackouts: Blackout[]): Pick<Availability, 'weeklyWindows' | 'blackouts'> {
  const spans = windows.map((window, index) => {
    const start = minutesOf(window.start)
    const end = minutesOf(window.end)
    if (end <= start) throw invalidField(`body.availability.weeklyWindows.${index}`, 'must end after it starts')
    return { weekday: window.weekday, start, end }
  })
  spans.sort((a, b) => a.weekday - b.weekday || a.start - b.start || a.end - b.end)
  const merged: typeof spans = []
  for (const span of spans) {
    const last = merged.at(-1)
    if (last && last.weekday === span.weekday && span.start <= last.end) last.end = Math.max(last.end, span.end)
    else merged.push({ ...span })
  }
  blackouts.forEach((blackout, index) => {
    if (blackout.to < blackout.from) throw invalidField(`body.availability.blackouts.${index}`, 'must not end before it starts')
  })
  const ranges = [...blackouts].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
  const mergedBlackouts: Blackout[] = []
  for (const range of ranges) {
    const last = mergedBlackouts.at(-1)
    if (last && range.from <= nextDate(last.to)) {
      if (range.to > last.to) last.to = range.to
    } else mergedBlackouts.push({ ...range })
  }
  return {
    weeklyWindows: merged.map((span) => ({ weekday: span.weekday, start: timeOf(span.start), end: timeOf(span.end) })),
    blackouts: mergedBlackouts,
  }
}

function blackedOut(blackouts: Blackout[], date: string): boolean {
  return blackouts.some((range) => range.from <= date && date <= range.to)
}

/** The local calendar dates (host's time zone) a window touches, its end excluded. */
export function localDates(window: TimeWindow, timeZone: string): string[] {
  const dates: string[] = []
  let day = DateTime.fromJSDate(window.startsAt, { zone: timeZone }).startOf('day')
  const last = DateTime.fromJSDate(new Date(window.endsAt.getTime() - 1), { zone: timeZone }).toISODate()!
  for (let guard = 0; guard <= MAX_SEARCH_DAYS; guard += 1) {
    const date = day.toISODate()!
    dates.push(date)
    if (date >= last) break
    day = day.plus({ days: 1 })
  }
  return dates
}

/** The blackout date a window falls on, if any. */
export function blackoutDuring(availability: Availability, window: TimeWindow): string | undefined {
  return localDates(window, availability.timeZone).find((date) => blackedOut(availability.blackouts, date))
}

/**
 * The host's available windows between `from` and `to`, earliest first, each clipped to the range and
 * at least `minMinutes` long, skipping blackout dates; at most `limit` of them.
 */
export function availableWindows(availability: Availability, from: Date, to: Date, minMinutes: number, limit: number): TimeWindow[] {
  const found: TimeWindow[] = []
  if (availability.weeklyWindows.length === 0 || to <= from) return found
  const zone = availability.timeZone
  let day = DateTime.fromJSDate(from, { zone }).startOf('day')
  const lastDate = DateTime.fromJSDate(to, { zone }).toISODate()!
  for (let guard = 0; guard < MAX_SEARCH_DAYS && found.length < limit; guard += 1) {
    const date = day.toISODate()!
    if (date > lastDate) break
    if (!blackedOut(availability.blackouts, date)) {
      for (const window of availability.weeklyWindows) {
        if (window.weekday !== day.weekday) continue
        const startsAt = at(day, minutesOf(window.start))
        const endsAt = at(day, minutesOf(window.end))
        const clipped = { startsAt: startsAt < from ? from : startsAt, endsAt: endsAt > to ? to : endsAt }
        if (clipped.endsAt.getTime() - clipped.startsAt.getTime() >= minMinutes * MINUTE) {
          found.push(clipped)
          if (found.length >= limit) break
        }
      }
    }
    day = day.plus({ days: 1 })
  }
  return found
}

/** "Tue 2 Dec, 10:00-12:00 (America/Chicago)": a window as the host reads it. */
export function describeWindow(window: TimeWindow, timeZone: string): string {
  const start = DateTime.fromJSDate(window.startsAt, { zone: timeZone })
  const end = DateTime.fromJSDate(window.endsAt, { zone: timeZone })
  const sameDay = start.toISODate() === end.toISODate()
  return `${start.toFormat('ccc d LLL, HH:mm')}-${sameDay ? end.toFormat('HH:mm') : end.toFormat('ccc d LLL, HH:mm')} (${timeZone})`
}
