// Range bounds as every route takes them: a date in the school's time zone, or an instant.
import { describe, expect, it } from 'vitest'
import { boundAt, boundDate } from '../src/infra/http/range.js'

describe('range bounds', () => {
  it('reads a date as the local midnight that starts it, or for an end, the one that ends it', () => {
    expect(boundAt('2030-03-04', 'America/New_York', 'from').toISOString()).toBe('2030-03-04T05:00:00.000Z')
    expect(boundAt('2030-03-04', 'America/New_York', 'to').toISOString()).toBe('2030-03-05T05:00:00.000Z')
    // The day daylight saving time starts has 23 hours.
    expect(boundAt('2030-03-10', 'America/New_York', 'to').toISOString()).toBe('2030-03-11T04:00:00.000Z')
    expect(boundAt('2030-03-04', 'Asia/Tokyo', 'from').toISOString()).toBe('2030-03-03T15:00:00.000Z')
  })

  it('takes an instant as given', () => {
    expect(boundAt('2030-03-04T09:30:00Z', 'America/New_York', 'to').toISOString()).toBe('2030-03-04T09:30:00.000Z')
    expect(boundAt('2030-03-04T09:30:00+09:00', 'UTC', 'from').toISOString()).toBe('2030-03-04T00:30:00.000Z')
  })

  it('gives the local date an instant falls on, for routes that count whole days', () => {
    expect(boundDate('2030-03-04', 'America/New_York')).toBe('2030-03-04')
    expect(boundDate('2030-03-04T03:00:00Z', 'America/New_York')).toBe('2030-03-03')
    expect(boundDate('2030-03-04T20:00:00Z', 'Asia/Tokyo')).toBe('2030-03-05')
    // Not a valid instant: left as given, for the caller's own check to refuse.
    expect(boundDate('2030-02-30T00:00:00Z', 'UTC')).toBe('2030-02-30T00:00:00Z')
  })
})
