// Pure functions behind hosts and matching: a host's weekly windows and blackouts (merging, refusals,
// the windows they give in a range, across daylight-saving changes), the capacity ledger (terms,
// host-local months, shadow days, the refusal when a booking would break a limit) and the fit score.
// No app and no database are needed here; the expected values are worked out by hand in the comments.
import { describe, expect, it } from 'vitest'
import { Problem } from '../src/infra/http/problem.js'
import { availableWindows, blackoutDuring, describeWindow, localDates, normalizeAvailability, type Availability } from '../src/modules/hosts/availability.js'
import { type BookedMeeting, ledgerRefusal, monthOf, shadowDays, termOf, termWindow } from '../src/modules/hosts/ledger.js'
import { type HostFacts, type StudentFacts, hostFields, scoreFit, sharedFields } from '../src/modules/matching/scoring.js'
import { DEFAULT_MATCHING_WEIGHTS } from '../src/modules/schools/settings.js'

const NY = 'America/New_York'
const LA = 'America/Los_Angeles'
const at = (iso: string) => new Date(iso)
const win = (startsAt: string, endsAt: string) => ({ startsAt: at(startsAt), endsAt: at(endsAt) })
const isoWindows = (windows: Array<{ startsAt: Date; endsAt: Date }>) => windows.map((w) => ({ startsAt: w.startsAt.toISOString(), endsAt: w.endsAt.toISOString() }))

/** The problem a call throws, rendered as the API would render it. */
function thrownProblem(call: () => unknown) {
  try {
    call()
  } catch (error) {
    expect(error).toBeInstanceOf(Problem)
    return (error as Problem).toBody('/v1/hosts/x')
  }
  throw new Error('expected a Problem to be thrown')
}

const invalidBody = (field: string, message: string) => ({
  type: 'urn:vantage:problem:validation-failed',
  title: 'The request is not valid',
  status: 400,
  detail: `${field} ${message}`,
  instance: '/v1/hosts/x',
  errors: [{ field, message }],
})

describe('normalizeAvailability', () => {
  const merged = (windows: Array<[number, string, string]>) =>
    normalizeAvailability(
      windows.map(([weekday, start, end]) => ({ weekday, start, end })),
      [],
    ).weeklyWindows.map((w) => [w.weekday, w.start, w.end])

  it('merges overlapping windows on one weekday', () => {
    expect(merged([[1, '09:00', '12:00'], [1, '11:00', '14:00']])).toEqual([[1, '09:00', '14:00']])
  })

  it('merges touching windows (one ends when the next starts)', () => {
    expect(merged([[2, '09:00', '10:00'], [2, '10:00', '11:30']])).toEqual([[2, '09:00', '11:30']])
  })

  it('absorbs a window contained in another', () => {
    expect(merged([[3, '09:00', '17:00'], [3, '10:00', '11:00']])).toEqual([[3, '09:00', '17:00']])
    expect(merged([[3, '10:00', '11:00'], [3, '09:00', '17:00']])).toEqual([[3, '09:00', '17:00']])
  })

  it('merges a chain of windows given out of order into one', () => {
    expect(merged([[4, '13:00', '15:00'], [4, '09:00', '10:00'], [4, '09:30', '13:00']])).toEqual([[4, '09:00', '15:00']])
  })

  it('keeps windows one minute apart separate', () => {
    expect(merged([[1, '09:00', '10:00'], [1, '10:01', '11:00']])).toEqual([[1, '09:00', '10:00'], [1, '10:01', '11:00']])
  })

  it('keeps windows on different weekdays apart, even when one ends at 24:00 and the next day\'s starts at 00:00', () => {
    expect(merged([[2, '09:00', '12:00'], [1, '09:00', '12:00'], [1, '22:00', '24:00'], [2, '00:00', '01:00']])).toEqual([
      [1, '09:00', '12:00'],
      [1, '22:00', '24:00'],
      [2, '00:00', '01:00'],
      [2, '09:00', '12:00'],
    ])
  })

  it('sorts the result by weekday and start, and keeps "24:00" as the end of the day', () => {
    expect(merged([[7, '18:00', '24:00'], [5, '08:00', '09:00'], [5, '07:00', '07:30'], [1, '00:00', '24:00']])).toEqual([
      [1, '00:00', '24:00'],
      [5, '07:00', '07:30'],
      [5, '08:00', '09:00'],
      [7, '18:00', '24:00'],
    ])
  })

  it('leaves its input as it was', () => {
    const windows = [{ weekday: 1, start: '11:00', end: '14:00' }, { weekday: 1, start: '09:00', end: '12:00' }]
    const blackouts = [{ from: '2030-03-05', to: '2030-03-07' }, { from: '2030-03-01', to: '2030-03-05' }]
    const copy = structuredClone({ windows, blackouts })
    normalizeAvailability(windows, blackouts)
    expect({ windows, blackouts }).toEqual(copy)
  })

  it('merges overlapping, touching (next day) and contained blackouts; keeps ranges a day apart separate', () => {
    const { blackouts } = normalizeAvailability([], [
      { from: '2030-03-10', to: '2030-03-12' },
      { from: '2030-03-01', to: '2030-03-05' },
      { from: '2030-03-04', to: '2030-03-08' }, // overlaps 1-5
      { from: '2030-03-09', to: '2030-03-09' }, // touches 4-8 (the next day)
      { from: '2030-03-02', to: '2030-03-03' }, // inside 1-5
      { from: '2030-03-14', to: '2030-03-15' }, // 13 is free: apart
      { from: '2030-12-20', to: '2030-12-31' },
      { from: '2031-01-01', to: '2031-01-02' }, // touches across the year
      { from: '2030-02-20', to: '2030-02-28' }, // touches 03-01 (2030 is not a leap year)
    ])
    expect(blackouts).toEqual([
      { from: '2030-02-20', to: '2030-03-12' },
      { from: '2030-03-14', to: '2030-03-15' },
      { from: '2030-12-20', to: '2031-01-02' },
    ])
  })

  it('keeps a one-day blackout (from = to)', () => {
    expect(normalizeAvailability([], [{ from: '2030-03-06', to: '2030-03-06' }]).blackouts).toEqual([{ from: '2030-03-06', to: '2030-03-06' }])
  })

  it('refuses a window that ends when it starts, naming it by its index in the input', () => {
    expect(thrownProblem(() => normalizeAvailability([{ weekday: 1, start: '09:00', end: '10:00' }, { weekday: 2, start: '10:00', end: '10:00' }], []))).toEqual(
      invalidBody('body.availability.weeklyWindows.1', 'must end after it starts'),
    )
  })

  it('refuses a window that ends before it starts (also 22:00-00:00: midnight at the end is "24:00")', () => {
    expect(thrownProblem(() => normalizeAvailability([{ weekday: 3, start: '12:00', end: '09:00' }], []))).toEqual(
      invalidBody('body.availability.weeklyWindows.0', 'must end after it starts'),
    )
    expect(thrownProblem(() => normalizeAvailability([{ weekday: 3, start: '09:00', end: '10:00' }, { weekday: 4, start: '09:00', end: '10:00' }, { weekday: 5, start: '22:00', end: '00:00' }], []))).toEqual(
      invalidBody('body.availability.weeklyWindows.2', 'must end after it starts'),
    )
  })

  it('refuses a blackout whose end precedes its start, naming it by its index', () => {
    expect(thrownProblem(() => normalizeAvailability([], [{ from: '2030-03-01', to: '2030-03-02' }, { from: '2030-03-10', to: '2030-03-09' }]))).toEqual(
      invalidBody('body.availability.blackouts.1', 'must not end before it starts'),
    )
  })
})

describe('availableWindows', () => {
  const weekly = (windows: Array<[number, string, string]>, blackouts: Array<[string, string]> = [], timeZone = NY): Availability => ({
    timeZone,
    weeklyWindows: windows.map(([weekday, start, end]) => ({ weekday, start, end })),
    blackouts: blackouts.map(([from, to]) => ({ from, to })),
  })

  it('keeps local wall-clock times across the start of daylight saving time (New York, 10 March 2030)', () => {
    // 09:00-12:00 local on Fri 8 Mar (EST, UTC-5), Sun 10 Mar (the change, EDT from 02:00) and Mon 11 Mar (EDT, UTC-4).
    const availability = weekly([[5, '09:00', '12:00'], [7, '09:00', '12:00'], [1, '09:00', '12:00']])
    const found = availableWindows(availability, at('2030-03-08T00:00:00Z'), at('2030-03-12T00:00:00Z'), 30, 10)
    expect(isoWindows(found)).toEqual([
      { startsAt: '2030-03-08T14:00:00.000Z', endsAt: '2030-03-08T17:00:00.000Z' },
      { startsAt: '2030-03-10T13:00:00.000Z', endsAt: '2030-03-10T16:00:00.000Z' },
      { startsAt: '2030-03-11T13:00:00.000Z', endsAt: '2030-03-11T16:00:00.000Z' },
    ])
  })

  it('gives the short (23 h) and the long (25 h) day of a whole-day window ending at "24:00"', () => {
    const availability = weekly([[7, '00:00', '24:00']])
    expect(isoWindows(availableWindows(availability, at('2030-03-09T12:00:00Z'), at('2030-03-12T00:00:00Z'), 30, 10))).toEqual([
      { startsAt: '2030-03-10T05:00:00.000Z', endsAt: '2030-03-11T04:00:00.000Z' },
    ])
    // Fall back: Sun 3 Nov 2030 runs from 04:00Z (EDT) to 05:00Z the next day (EST).
    expect(isoWindows(availableWindows(availability, at('2030-11-02T12:00:00Z'), at('2030-11-05T00:00:00Z'), 30, 10))).toEqual([
      { startsAt: '2030-11-03T04:00:00.000Z', endsAt: '2030-11-04T05:00:00.000Z' },
    ])
  })

  it('ends a "24:00" window at the next local midnight', () => {
    // Mon 4 Mar 2030 22:00-24:00 in New York (EST) is 03:00Z-05:00Z on Tue 5 Mar.
    expect(isoWindows(availableWindows(weekly([[1, '22:00', '24:00']]), at('2030-03-04T00:00:00Z'), at('2030-03-06T00:00:00Z'), 30, 10))).toEqual([
      { startsAt: '2030-03-05T03:00:00.000Z', endsAt: '2030-03-05T05:00:00.000Z' },
    ])
  })

  it('skips blackout dates (inclusive ranges)', () => {
    const availability = weekly([[5, '09:00', '12:00'], [7, '09:00', '12:00'], [1, '09:00', '12:00']], [['2030-03-08', '2030-03-10']])
    expect(isoWindows(availableWindows(availability, at('2030-03-08T00:00:00Z'), at('2030-03-19T00:00:00Z'), 30, 2))).toEqual([
      { startsAt: '2030-03-11T13:00:00.000Z', endsAt: '2030-03-11T16:00:00.000Z' },
      { startsAt: '2030-03-15T13:00:00.000Z', endsAt: '2030-03-15T16:00:00.000Z' },
    ])
  })

  it('reads blackouts as the host\'s local dates, not UTC dates', () => {
    // Mon 22:00-24:00 New York is Tue 03:00Z-05:00Z: a blackout on Tuesday leaves it, one on Monday removes it.
    const range: [Date, Date] = [at('2030-03-04T00:00:00Z'), at('2030-03-06T00:00:00Z')]
    expect(availableWindows(weekly([[1, '22:00', '24:00']], [['2030-03-05', '2030-03-05']]), ...range, 30, 10)).toHaveLength(1)
    expect(availableWindows(weekly([[1, '22:00', '24:00']], [['2030-03-04', '2030-03-04']]), ...range, 30, 10)).toEqual([])
  })

  it('uses the host\'s time zone for weekdays: Monday in Los Angeles', () => {
    // Mon 4 Mar 2030 18:00-20:00 PST is Tue 02:00Z-04:00Z.
    expect(isoWindows(availableWindows(weekly([[1, '18:00', '20:00']], [], LA), at('2030-03-04T00:00:00Z'), at('2030-03-06T00:00:00Z'), 30, 10))).toEqual([
      { startsAt: '2030-03-05T02:00:00.000Z', endsAt: '2030-03-05T04:00:00.000Z' },
    ])
  })

  it('clips the first and last windows to [from, to]', () => {
    // Mon 4 Mar 09:00-12:00 EST = 14:00Z-17:00Z; from 15:00Z cuts the start. Wed 6 Mar 14:00Z-17:00Z; to 16:00Z cuts the end.
    const availability = weekly([[1, '09:00', '12:00'], [3, '09:00', '12:00']])
    expect(isoWindows(availableWindows(availability, at('2030-03-04T15:00:00Z'), at('2030-03-06T16:00:00Z'), 30, 10))).toEqual([
      { startsAt: '2030-03-04T15:00:00.000Z', endsAt: '2030-03-04T17:00:00.000Z' },
      { startsAt: '2030-03-06T14:00:00.000Z', endsAt: '2030-03-06T16:00:00.000Z' },
    ])
  })

  it('leaves out windows that ended before from or start after to', () => {
    const availability = weekly([[1, '09:00', '12:00'], [1, '18:00', '19:00']])
    // From Mon 4 Mar 13:00 EST to Mon 11 Mar 10:00 EDT: only Mon 4 Mar 18:00-19:00 and Mon 11 Mar 09:00-10:00.
    expect(isoWindows(availableWindows(availability, at('2030-03-04T18:00:00Z'), at('2030-03-11T14:00:00Z'), 30, 10))).toEqual([
      { startsAt: '2030-03-04T23:00:00.000Z', endsAt: '2030-03-05T00:00:00.000Z' },
      { startsAt: '2030-03-11T13:00:00.000Z', endsAt: '2030-03-11T14:00:00.000Z' },
    ])
  })

  it('drops windows shorter than minMinutes (after clipping) and keeps those exactly that long', () => {
    const availability = weekly([[1, '09:00', '09:29'], [2, '09:00', '09:30'], [3, '09:00', '12:00']])
    // Wed 6 Mar 09:00-12:00 EST is 14:00Z-17:00Z; clipped to end 14:45Z it is 45 minutes.
    const found = availableWindows(availability, at('2030-03-04T00:00:00Z'), at('2030-03-06T14:45:00Z'), 30, 10)
    expect(isoWindows(found)).toEqual([
      { startsAt: '2030-03-05T14:00:00.000Z', endsAt: '2030-03-05T14:30:00.000Z' },
      { startsAt: '2030-03-06T14:00:00.000Z', endsAt: '2030-03-06T14:45:00.000Z' },
    ])
    expect(availableWindows(availability, at('2030-03-04T00:00:00Z'), at('2030-03-06T14:45:00Z'), 60, 10)).toEqual([])
  })

  it('returns at most limit windows, earliest first, several on one day in order', () => {
    const availability = weekly([[1, '09:00', '10:00'], [1, '13:00', '14:00'], [2, '09:00', '10:00']])
    const range: [Date, Date] = [at('2030-03-04T00:00:00Z'), at('2030-03-20T00:00:00Z')]
    expect(isoWindows(availableWindows(availability, ...range, 30, 3))).toEqual([
      { startsAt: '2030-03-04T14:00:00.000Z', endsAt: '2030-03-04T15:00:00.000Z' },
      { startsAt: '2030-03-04T18:00:00.000Z', endsAt: '2030-03-04T19:00:00.000Z' },
      { startsAt: '2030-03-05T14:00:00.000Z', endsAt: '2030-03-05T15:00:00.000Z' },
    ])
    expect(availableWindows(availability, ...range, 30, 1)).toHaveLength(1)
    // Mondays 4, 11, 18 (two each) and Tuesdays 5, 12, 19 (to is Tue 19 Mar 20:00 EDT).
    expect(availableWindows(availability, ...range, 30, 100)).toHaveLength(9)
  })

  it('finds nothing without weekly windows, or when to is not after from', () => {
    expect(availableWindows(weekly([]), at('2030-03-04T00:00:00Z'), at('2030-04-04T00:00:00Z'), 30, 10)).toEqual([])
    expect(availableWindows(weekly([[1, '09:00', '12:00']]), at('2030-03-04T15:00:00Z'), at('2030-03-04T15:00:00Z'), 0, 10)).toEqual([])
    expect(availableWindows(weekly([[1, '09:00', '12:00']]), at('2030-03-05T00:00:00Z'), at('2030-03-04T00:00:00Z'), 0, 10)).toEqual([])
  })
})

describe('localDates and blackoutDuring', () => {
  it('gives the one local date of a window inside a day', () => {
    expect(localDates(win('2030-03-04T14:00:00Z', '2030-03-04T15:00:00Z'), NY)).toEqual(['2030-03-04'])
  })

  it('uses the host\'s local dates: 22:00-23:00 Monday in New York is Tuesday in UTC', () => {
    expect(localDates(win('2030-03-05T03:00:00Z', '2030-03-05T04:00:00Z'), NY)).toEqual(['2030-03-04'])
    expect(localDates(win('2030-03-05T03:00:00Z', '2030-03-05T04:00:00Z'), 'UTC')).toEqual(['2030-03-05'])
  })

  it('excludes the end: a window ending at local midnight does not touch the next date', () => {
    expect(localDates(win('2030-03-05T03:00:00Z', '2030-03-05T05:00:00Z'), NY)).toEqual(['2030-03-04'])
    expect(localDates(win('2030-03-05T03:00:00Z', '2030-03-05T05:00:01Z'), NY)).toEqual(['2030-03-04', '2030-03-05'])
  })

  it('lists every date of a multi-day window, across the daylight-saving change', () => {
    // Sat 9 Mar 09:00 EST to Mon 11 Mar 17:00 EDT.
    expect(localDates(win('2030-03-09T14:00:00Z', '2030-03-11T21:00:00Z'), NY)).toEqual(['2030-03-09', '2030-03-10', '2030-03-11'])
  })

  it('names the first blackout date a window falls on, or nothing', () => {
    const availability: Availability = { timeZone: NY, weeklyWindows: [], blackouts: [{ from: '2030-03-10', to: '2030-03-12' }] }
    expect(blackoutDuring(availability, win('2030-03-09T14:00:00Z', '2030-03-11T21:00:00Z'))).toBe('2030-03-10')
    expect(blackoutDuring(availability, win('2030-03-09T14:00:00Z', '2030-03-09T22:00:00Z'))).toBeUndefined()
    // Wed 13 Mar 00:30Z is Tue 12 Mar 20:30 EDT: on the blackout.
    expect(blackoutDuring(availability, win('2030-03-13T00:30:00Z', '2030-03-13T01:00:00Z'))).toBe('2030-03-12')
    // Wed 13 Mar 04:30Z is Wed 00:30 EDT: after it.
    expect(blackoutDuring(availability, win('2030-03-13T04:30:00Z', '2030-03-13T05:00:00Z'))).toBeUndefined()
  })

  it('describes a window in the host\'s words', () => {
    expect(describeWindow(win('2030-03-04T15:00:00Z', '2030-03-04T17:00:00Z'), NY)).toBe('Mon 4 Mar, 10:00-12:00 (America/New_York)')
  })
})

describe('ledger', () => {
  it('has three default terms a year: January-May, June-August, September-December', () => {
    const spring = { name: 'Spring 2030', startsOn: '2030-01-01', endsOn: '2030-05-31' }
    const summer = { name: 'Summer 2030', startsOn: '2030-06-01', endsOn: '2030-08-31' }
    const fall = { name: 'Fall 2030', startsOn: '2030-09-01', endsOn: '2030-12-31' }
    expect(termOf('2030-01-01', [])).toEqual(spring)
    expect(termOf('2030-03-04', [])).toEqual(spring)
    expect(termOf('2030-05-31', [])).toEqual(spring)
    expect(termOf('2030-06-01', [])).toEqual(summer)
    expect(termOf('2030-08-31', [])).toEqual(summer)
    expect(termOf('2030-09-01', [])).toEqual(fall)
    expect(termOf('2030-12-31', [])).toEqual(fall)
    expect(termOf('2031-01-01', [])).toEqual({ name: 'Spring 2031', startsOn: '2031-01-01', endsOn: '2031-05-31' })
  })

  it('uses configured terms (inclusive), and makes a date between them its own one-day term', () => {
    const terms = [
      { name: 'Winter quarter', startsOn: '2030-01-06', endsOn: '2030-03-20' },
      { name: 'Spring quarter', startsOn: '2030-03-30', endsOn: '2030-06-10' },
    ]
    expect(termOf('2030-01-06', terms)).toEqual(terms[0])
    expect(termOf('2030-03-20', terms)).toEqual(terms[0])
    expect(termOf('2030-03-30', terms)).toEqual(terms[1])
    expect(termOf('2030-03-25', terms)).toEqual({ name: 'outside any term (2030-03-25)', startsOn: '2030-03-25', endsOn: '2030-03-25' })
    expect(termOf('2030-01-01', terms)).toEqual({ name: 'outside any term (2030-01-01)', startsOn: '2030-01-01', endsOn: '2030-01-01' })
  })

  it('spans a term from local midnight of its first date to local midnight after its last', () => {
    expect(termWindow({ name: 'Spring 2030', startsOn: '2030-01-01', endsOn: '2030-05-31' }, NY)).toEqual(win('2030-01-01T05:00:00Z', '2030-06-01T04:00:00Z'))
  })

  it('puts a meeting in the calendar month of the host\'s time zone: 31 March 23:30 in Los Angeles is March', () => {
    const instant = at('2030-04-01T06:30:00Z') // 2030-03-31T23:30-07:00
    expect(monthOf(instant, LA)).toEqual(win('2030-03-01T08:00:00Z', '2030-04-01T07:00:00Z'))
    expect(monthOf(instant, NY)).toEqual(win('2030-04-01T04:00:00Z', '2030-05-01T04:00:00Z'))
    expect(monthOf(instant, 'UTC')).toEqual(win('2030-04-01T00:00:00Z', '2030-05-01T00:00:00Z'))
  })

  it('counts a shadow\'s days as the local dates it covers', () => {
    expect(shadowDays(win('2030-03-05T14:00:00Z', '2030-03-05T22:00:00Z'), NY)).toBe(1)
    expect(shadowDays(win('2030-03-04T14:00:00Z', '2030-03-06T22:00:00Z'), NY)).toBe(3)
    // Mon 22:00 to Tue 01:00 in New York: two local dates, one UTC date.
    expect(shadowDays(win('2030-03-05T03:00:00Z', '2030-03-05T06:00:00Z'), NY)).toBe(2)
    expect(shadowDays(win('2030-03-05T03:00:00Z', '2030-03-05T06:00:00Z'), 'UTC')).toBe(1)
    // Ending at local midnight does not take the next day.
    expect(shadowDays(win('2030-03-04T14:00:00Z', '2030-03-05T05:00:00Z'), NY)).toBe(1)
  })

  describe('ledgerRefusal', () => {
    const spring = { term: { name: 'Spring 2030', startsOn: '2030-01-01', endsOn: '2030-05-31' }, window: termWindow({ name: 'Spring 2030', startsOn: '2030-01-01', endsOn: '2030-05-31' }, NY) }
    let sequence = 0
    /** A booked meeting as its accepted request keeps it: a shadow's days counted in New York (the hosts below). */
    const booked = (kind: 'informational_interview' | 'job_shadow', startsAt: string, endsAt: string): BookedMeeting => ({
      meetingId: `m-${++sequence}`,
      startsAt: at(startsAt),
      endsAt: at(endsAt),
      shadowDays: kind === 'job_shadow' ? shadowDays(win(startsAt, endsAt), NY) : 0,
    })

    it('refuses a meeting past the host\'s meetings per month, counted in the host\'s month', () => {
      const limits = { maxMeetingsPerMonth: 2, maxShadowDaysPerTerm: 10, timeZone: LA }
      const march = [
        booked('informational_interview', '2030-03-05T17:00:00Z', '2030-03-05T17:30:00Z'),
        booked('informational_interview', '2030-04-01T06:30:00Z', '2030-04-01T07:00:00Z'), // 31 March 23:30 local
      ]
      const slot = win('2030-03-20T17:00:00Z', '2030-03-20T17:30:00Z')
      expect(ledgerRefusal(limits, march, slot, 'informational_interview', spring)).toEqual({
        reason: 'The host has no meetings left in March 2030 (at most 2 a month)',
        limit: 'meetingsPerMonth',
      })
      // One of the two in April (1 April 00:30 local) leaves March one place.
      const oneInApril = [march[0]!, booked('informational_interview', '2030-04-01T07:30:00Z', '2030-04-01T08:00:00Z')]
      expect(ledgerRefusal(limits, oneInApril, slot, 'informational_interview', spring)).toBeNull()
      // A slot on 31 March 23:00 local is a March slot even though it is April in UTC.
      expect(ledgerRefusal(limits, march, win('2030-04-01T06:00:00Z', '2030-04-01T06:30:00Z'), 'informational_interview', spring)?.limit).toBe('meetingsPerMonth')
      // The same bookings for a host in New York: the 06:30Z one is April there.
      expect(ledgerRefusal({ ...limits, timeZone: NY }, march, slot, 'informational_interview', spring)).toBeNull()
    })

    it('refuses any meeting when the host takes none a month', () => {
      expect(ledgerRefusal({ maxMeetingsPerMonth: 0, maxShadowDaysPerTerm: 10, timeZone: NY }, [], win('2030-03-20T17:00:00Z', '2030-03-20T17:30:00Z'), 'job_shadow', spring)).toEqual({
        reason: 'The host has no meetings left in March 2030 (at most 0 a month)',
        limit: 'meetingsPerMonth',
      })
    })

    it('refuses a shadow past the host\'s shadow days per term; interviews and shadows outside the term do not count', () => {
      const limits = { maxMeetingsPerMonth: 10, maxShadowDaysPerTerm: 3, timeZone: NY }
      const history = [
        booked('job_shadow', '2030-02-04T14:00:00Z', '2030-02-05T22:00:00Z'), // 2 days in Spring 2030
        booked('informational_interview', '2030-03-05T15:00:00Z', '2030-03-05T16:00:00Z'),
        booked('job_shadow', '2029-12-10T14:00:00Z', '2029-12-12T22:00:00Z'), // Fall 2029: another term
      ]
      const twoDays = win('2030-03-12T13:00:00Z', '2030-03-13T21:00:00Z')
      expect(ledgerRefusal(limits, history, twoDays, 'job_shadow', spring)).toEqual({
        reason: 'The host has 1 shadow day(s) left in Spring 2030; this shadow needs 2',
        limit: 'shadowDaysPerTerm',
      })
      expect(ledgerRefusal(limits, history, win('2030-03-12T13:00:00Z', '2030-03-12T21:00:00Z'), 'job_shadow', spring)).toBeNull()
      // An interview does not use shadow days.
      expect(ledgerRefusal({ ...limits, maxShadowDaysPerTerm: 0 }, history, win('2030-03-12T13:00:00Z', '2030-03-12T13:30:00Z'), 'informational_interview', spring)).toBeNull()
    })

    it('says 0 days left (never negative) when the term is already over its limit', () => {
      const limits = { maxMeetingsPerMonth: 10, maxShadowDaysPerTerm: 1, timeZone: NY }
      const history = [booked('job_shadow', '2030-02-04T14:00:00Z', '2030-02-06T22:00:00Z')]
      expect(ledgerRefusal(limits, history, win('2030-03-12T13:00:00Z', '2030-03-12T21:00:00Z'), 'job_shadow', spring)).toEqual({
        reason: 'The host has 0 shadow day(s) left in Spring 2030; this shadow needs 1',
        limit: 'shadowDaysPerTerm',
      })
    })

    it('counts each booked shadow\'s own dates: two shadows on one date take two days', () => {
      const limits = { maxMeetingsPerMonth: 10, maxShadowDaysPerTerm: 2, timeZone: NY }
      const history = [
        booked('job_shadow', '2030-02-04T14:00:00Z', '2030-02-04T16:00:00Z'),
        booked('job_shadow', '2030-02-04T18:00:00Z', '2030-02-04T21:00:00Z'),
      ]
      expect(ledgerRefusal(limits, history, win('2030-03-12T13:00:00Z', '2030-03-12T21:00:00Z'), 'job_shadow', spring)).toEqual({
        reason: 'The host has 0 shadow day(s) left in Spring 2030; this shadow needs 1',
        limit: 'shadowDaysPerTerm',
      })
    })

    it('names the monthly limit first when both are full', () => {
      const limits = { maxMeetingsPerMonth: 1, maxShadowDaysPerTerm: 1, timeZone: NY }
      const history = [booked('job_shadow', '2030-03-05T14:00:00Z', '2030-03-05T22:00:00Z')]
      expect(ledgerRefusal(limits, history, win('2030-03-12T13:00:00Z', '2030-03-12T21:00:00Z'), 'job_shadow', spring)?.limit).toBe('meetingsPerMonth')
    })
  })
})

describe('scoreFit', () => {
  const W = DEFAULT_MATCHING_WEIGHTS
  const student = (overrides: Partial<StudentFacts> = {}): StudentFacts => ({ fieldsOfInterest: [], backgroundTags: [], shareBackgroundTags: true, ...overrides })
  const host = (overrides: Partial<HostFacts> = {}): HostFacts => ({
    organization: 'Mercy Hospital',
    industries: ['Healthcare'],
    occupations: ['Nursing'],
    backgroundTags: [],
    answeredCount: 0,
    expiredCount: 0,
    meetingsLeft: 4,
    maxMeetingsPerMonth: 4,
    ...overrides,
  })
  /** Σ w·c / Σ w over the components given, rounded to 3 decimals. */
  const formula = (components: Array<[number, number]>) => {
    const weight = components.reduce((sum, [w]) => sum + w, 0)
    return Math.round((components.reduce((sum, [w, c]) => sum + w * c, 0) / weight) * 1000) / 1000
  }
  const codes = (reasons: Array<{ code: string }>) => reasons.map((reason) => reason.code)

  it('checks its own defaults: field 0.35, organization 0.2, background 0.15, capacity 0.1, responsiveness 0.2', () => {
    expect(W).toEqual({ field: 0.35, organization: 0.2, background: 0.15, capacity: 0.1, responsiveness: 0.2 })
  })

  it('leaves the field out when there is no field to compare (no goal field, no fields of interest)', () => {
    const fit = scoreFit(student(), {}, host(), W)
    // capacity 1, responsiveness 0.5: (0.1 + 0.1) / 0.3
    expect(fit.score).toBe(0.667)
    expect(fit.score).toBe(formula([[W.capacity, 1], [W.responsiveness, 0.5]]))
    expect(fit.reasons).toEqual([
      { code: 'capacity_left', text: 'Has 4 of 4 meetings left that month' },
      { code: 'responsive', text: 'New host: no requests answered or expired yet' },
    ])
  })

  it('counts the field as 0 when the student has fields the host does not work in', () => {
    const fit = scoreFit(student({ fieldsOfInterest: ['Law'] }), {}, host(), W)
    // (0.35·0 + 0.1 + 0.1) / 0.65
    expect(fit.score).toBe(0.308)
    expect(codes(fit.reasons)).toEqual(['capacity_left', 'responsive'])
  })

  it('matches fields case-insensitively in industries and occupations, naming them as the host does', () => {
    const fit = scoreFit(student({ fieldsOfInterest: ['healthcare', 'NURSING', 'Law'] }), {}, host(), W)
    expect(fit.score).toBe(formula([[W.field, 1], [W.capacity, 1], [W.responsiveness, 0.5]]))
    expect(fit.score).toBe(0.846) // 0.55 / 0.65
    expect(fit.reasons[0]).toEqual({ code: 'shared_field', text: 'Works in Healthcare, Nursing, fields you are exploring' })
    expect(sharedFields(student({ fieldsOfInterest: ['healthcare', 'NURSING', 'Law'] }), {}, host())).toEqual(['Healthcare', 'Nursing'])
    expect([...hostFields(host()).entries()]).toEqual([['healthcare', 'Healthcare'], ['nursing', 'Nursing']])
  })

  it('compares the goal\'s field alone when the goal names one', () => {
    const fit = scoreFit(student({ fieldsOfInterest: ['Healthcare'] }), { field: 'Law' }, host(), W)
    expect(fit.score).toBe(0.308)
    const named = scoreFit(student({ fieldsOfInterest: ['Law'] }), { field: ' nursing ' }, host(), W)
    expect(named.reasons[0]).toEqual({ code: 'shared_field', text: 'Works in Nursing, a field you are exploring' })
    expect(named.score).toBe(0.846)
  })

  it('matches the organization case-insensitively and ignoring surrounding spaces; counts 0 for another', () => {
    const knows = scoreFit(student(), { organization: '  mercy HOSPITAL ' }, host(), W)
    // (0.2 + 0.1 + 0.1) / 0.5
    expect(knows.score).toBe(0.8)
    expect(knows.reasons[0]).toEqual({ code: 'knows_organization', text: 'Works at Mercy Hospital' })
    const other = scoreFit(student(), { organization: 'Mercy Clinic' }, host(), W)
    expect(other.score).toBe(0.4) // 0.2 / 0.5
    expect(codes(other.reasons)).toEqual(['capacity_left', 'responsive'])
  })

  it('scores one shared background tag 0.5 and two or more 1', () => {
    const tags = { backgroundTags: ['first-generation', 'veteran', 'transfer'] }
    const none = scoreFit(student(tags), {}, host(), W)
    const one = scoreFit(student(tags), {}, host({ backgroundTags: ['veteran', 'rural'] }), W)
    const two = scoreFit(student(tags), {}, host({ backgroundTags: ['veteran', 'first-generation'] }), W)
    const three = scoreFit(student(tags), {}, host({ backgroundTags: ['transfer', 'veteran', 'first-generation'] }), W)
    expect(none.score).toBe(formula([[W.background, 0], [W.capacity, 1], [W.responsiveness, 0.5]]))
    expect(none.score).toBe(0.444) // 0.2 / 0.45
    expect(one.score).toBe(formula([[W.background, 0.5], [W.capacity, 1], [W.responsiveness, 0.5]]))
    expect(one.score).toBe(0.611) // 0.275 / 0.45
    expect(two.score).toBe(formula([[W.background, 1], [W.capacity, 1], [W.responsiveness, 0.5]]))
    expect(two.score).toBe(0.778) // 0.35 / 0.45
    expect(three.score).toBe(two.score)
    expect(codes(none.reasons)).toEqual(['capacity_left', 'responsive'])
    expect(one.reasons[0]).toEqual({ code: 'shared_background', text: 'Shares your background: veteran' })
    expect(two.reasons[0]).toEqual({ code: 'shared_background', text: 'Shares your background: first-generation, veteran' })
  })

  it('leaves background out for a student who does not share their tags, or has none', () => {
    const both = host({ backgroundTags: ['veteran', 'first-generation'] })
    const optedOut = scoreFit(student({ backgroundTags: ['first-generation', 'veteran'], shareBackgroundTags: false }), {}, both, W)
    const noTags = scoreFit(student(), {}, both, W)
    expect(optedOut).toEqual(noTags)
    expect(optedOut.score).toBe(0.667)
    expect(codes(optedOut.reasons)).toEqual(['capacity_left', 'responsive'])
  })

  it('scores capacity as the share of the month\'s meetings still free, never below 0', () => {
    expect(scoreFit(student(), {}, host({ meetingsLeft: 1, maxMeetingsPerMonth: 4 }), W).score).toBe(formula([[W.capacity, 0.25], [W.responsiveness, 0.5]])) // 0.125/0.3 = 0.417
    expect(scoreFit(student(), {}, host({ meetingsLeft: 1, maxMeetingsPerMonth: 4 }), W).score).toBe(0.417)
    const full = scoreFit(student(), {}, host({ meetingsLeft: 0, maxMeetingsPerMonth: 4 }), W)
    expect(full.score).toBe(0.333)
    expect(codes(full.reasons)).toEqual(['responsive'])
    expect(scoreFit(student(), {}, host({ meetingsLeft: -2, maxMeetingsPerMonth: 4 }), W).score).toBe(0.333)
    expect(scoreFit(student(), {}, host({ meetingsLeft: 0, maxMeetingsPerMonth: 0 }), W).score).toBe(0.333)
    expect(scoreFit(student(), {}, host({ meetingsLeft: 1, maxMeetingsPerMonth: 4 }), W).reasons[0]).toEqual({ code: 'capacity_left', text: 'Has 1 of 4 meetings left that month' })
  })

  it('scores responsiveness with the prior (answered + 1) / (answered + expired + 2)', () => {
    // No field, organization or background applies; capacity weighs nothing: the score is the responsiveness.
    const only = { field: 0.35, organization: 0.2, background: 0.15, capacity: 0, responsiveness: 1 }
    expect(scoreFit(student(), {}, host({ answeredCount: 0, expiredCount: 0 }), only).score).toBe(0.5)
    expect(scoreFit(student(), {}, host({ answeredCount: 3, expiredCount: 1 }), only).score).toBe(0.667) // 4/6
    expect(scoreFit(student(), {}, host({ answeredCount: 0, expiredCount: 4 }), only).score).toBe(0.167) // 1/6
    expect(scoreFit(student(), {}, host({ answeredCount: 8, expiredCount: 0 }), only).score).toBe(0.9) // 9/10
    expect(scoreFit(student(), {}, host({ answeredCount: 3, expiredCount: 1 }), W).reasons.at(-1)).toEqual({ code: 'responsive', text: 'Answered 3 of 4 requests' })
    expect(scoreFit(student(), {}, host({ answeredCount: 0, expiredCount: 2 }), W).reasons.at(-1)).toEqual({ code: 'responsive', text: 'Answered 0 of 2 requests' })
  })

  it('combines every component with the documented weights, in reason order field, organization, background, capacity, responsiveness', () => {
    const fit = scoreFit(
      student({ fieldsOfInterest: ['Healthcare'], backgroundTags: ['first-generation', 'veteran'] }),
      { organization: 'Mercy Hospital' },
      host({ backgroundTags: ['veteran'], meetingsLeft: 3, maxMeetingsPerMonth: 4, answeredCount: 3, expiredCount: 1 }),
      W,
    )
    // (0.35·1 + 0.2·1 + 0.15·0.5 + 0.1·0.75 + 0.2·4/6) / 1 = 0.35 + 0.2 + 0.075 + 0.075 + 0.13333 = 0.83333
    expect(fit.score).toBe(0.833)
    expect(fit.score).toBe(formula([[W.field, 1], [W.organization, 1], [W.background, 0.5], [W.capacity, 0.75], [W.responsiveness, 4 / 6]]))
    expect(fit.reasons).toEqual([
      { code: 'shared_field', text: 'Works in Healthcare, a field you are exploring' },
      { code: 'knows_organization', text: 'Works at Mercy Hospital' },
      { code: 'shared_background', text: 'Shares your background: veteran' },
      { code: 'capacity_left', text: 'Has 3 of 4 meetings left that month' },
      { code: 'responsive', text: 'Answered 3 of 4 requests' },
    ])
  })

  it('follows other weights, and scores 0 when no component that applies has weight', () => {
    const weights = { field: 0.5, organization: 0, background: 0.3, capacity: 0, responsiveness: 0.2 }
    const fit = scoreFit(student({ fieldsOfInterest: ['Law'], backgroundTags: ['veteran'] }), { organization: 'Mercy Hospital' }, host({ backgroundTags: ['veteran'] }), weights)
    // (0.5·0 + 0·1 + 0.3·0.5 + 0·1 + 0.2·0.5) / 1.0
    expect(fit.score).toBe(0.25)
    expect(scoreFit(student(), {}, host(), { ...weights, capacity: 0, responsiveness: 0 }).score).toBe(0)
  })

  it('stays in [0, 1] at the extremes', () => {
    const best = scoreFit(
      student({ fieldsOfInterest: ['Healthcare'], backgroundTags: ['a', 'b'] }),
      { organization: 'Mercy Hospital' },
      host({ backgroundTags: ['a', 'b'], answeredCount: 1_000_000, expiredCount: 0 }),
      W,
    )
    expect(best.score).toBe(1)
    const worst = scoreFit(student({ fieldsOfInterest: ['Law'], backgroundTags: ['a'] }), { organization: 'X' }, host({ meetingsLeft: 0, answeredCount: 0, expiredCount: 1_000_000 }), W)
    expect(worst.score).toBe(0)
  })
})
