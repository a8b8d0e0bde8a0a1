// Time in the tests: the units, and instants as ISO 8601.
export const SECOND = 1_000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** ISO 8601 of an instant given in milliseconds. */
export const iso = (ms: number) => new Date(ms).toISOString()

