// The bounds of a date range, as every route that takes one accepts them: a calendar date
// (YYYY-MM-DD), read in the school's time zone, or an instant (RFC 3339 date-time). Routes that count
// whole days (reports, CSV exports) use the local date an instant falls on; routes that work in
// instants (host load, host suggestions) use a date's local midnight, and for the end of a range the
// next midnight, so that the end date counts whole.
import { DateTime } from 'luxon'
import { Type } from 'typebox'

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** A range bound's schema: a date or an instant. */
export const DateOrInstant = (description: string) =>
  Type.Union([Type.String({ format: 'date', maxLength: 10 }), Type.String({ format: 'date-time', maxLength: 35 })], {
    description: `${description}: a date (YYYY-MM-DD, in the school's time zone) or an instant (RFC 3339)`,
  })

/** A bound as an instant: a date's local midnight in `timeZone`, the next one for the end of a range. */
export function boundAt(value: string, timeZone: string, side: 'from' | 'to'): Date {
  if (!DATE.test(value)) return new Date(value)
  const midnight = DateTime.fromISO(value, { zone: timeZone })
  return (side === 'to' ? midnight.plus({ days: 1 }) : midnight).toJSDate()
}

/** A bound as a local date in `timeZone`: a date as given, an instant as the date it falls on there. */
export function boundDate(value: string, timeZone: string): string {
  if (DATE.test(value)) return value
  const instant = DateTime.fromISO(value, { setZone: true })
  return instant.isValid ? instant.setZone(timeZone).toISODate()! : value
}
