// A school as the service uses it: its row from the per-instance cache (infra/db/school-cache.ts)
// with its settings parsed once, the defaults filled in. This is the one way modules read a school's
// settings: routes get the school with `schoolOf` and hand it (or its settings) to services.
import type { Static } from 'typebox'
import type { CachedSchool } from '../../infra/db/school-cache.js'
import type { Database } from '../../infra/db/database.js'
import { notFound } from '../../infra/http/problem.js'
import type { SchoolSettings as SettingsSchema } from './schemas.js'

/** The settings as stored: only what the school set (a PATCH naming one setting keeps the others). */
type StoredSettings = Static<typeof SettingsSchema>
export type MatchingWeights = Required<NonNullable<StoredSettings['matchingWeights']>>
export type Term = NonNullable<StoredSettings['terms']>[number]
/** The settings in effect: every one set, the school's or the default. */
export type SchoolSettings = Required<Omit<StoredSettings, 'matchingWeights'>> & { matchingWeights: MatchingWeights }

export const DEFAULT_MATCHING_WEIGHTS: MatchingWeights = { field: 0.35, organization: 0.2, background: 0.15, capacity: 0.1, responsiveness: 0.2 }

export const DEFAULT_SETTINGS: SchoolSettings = {
  thankYouWindowHours: 24,
  interviewMinMinutes: 30,
  interviewMaxMinutes: 60,
  hostRequestFanout: 3,
  hostRequestExpiryDays: 7,
  terms: [],
  matchingWeights: DEFAULT_MATCHING_WEIGHTS,
  scimRoleMapping: {},
}

/** A school's settings with the defaults filled in (the stored JSON was validated when written). */
export function effectiveSettings(stored: unknown): SchoolSettings {
  const given = (stored && typeof stored === 'object' ? stored : {}) as StoredSettings
  return { ...DEFAULT_SETTINGS, ...given, matchingWeights: { ...DEFAULT_MATCHING_WEIGHTS, ...given.matchingWeights } } as SchoolSettings
}

export interface School extends Omit<CachedSchool, 'settings'> {
  settings: SchoolSettings
}

/** Parsed once per cached row: the cache hands out the same row until it is read again. */
const parsed = new WeakMap<CachedSchool, School>()

/** The school, from the instance's cache; 404 when it does not exist. */
export async function schoolOf(database: Pick<Database, 'schools'>, schoolId: string): Promise<School> {
  const row = await database.schools.get(schoolId)
  if (!row) throw notFound('school')
  let school = parsed.get(row)
  if (!school) {
    school = { ...row, settings: effectiveSettings(row.settings) }
    parsed.set(row, school)
  }
  return school
}
