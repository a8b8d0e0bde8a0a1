// Schools change rarely and are read on every request (is the token's school active? what are its
// settings?). This keeps each school's row for a short time per instance. A change made through
// this instance is seen at once; another instance sees it within the time to live
// (SCHOOL_CACHE_TTL_MS), which is what disabling a school or changing a setting may take to apply
// everywhere.
import type { Db } from './database.js'

export interface CachedSchool {
  id: string
  slug: string
  name: string
  timeZone: string
  status: 'active' | 'disabled'
  settings: unknown
}

const MAX_ENTRIES = 10_000

export class SchoolCache {
  readonly #platform: Db
  readonly #ttlMs: number
  readonly #entries = new Map<string, { until: number; school: Promise<CachedSchool | null> }>()

  constructor(platform: Db, ttlMs: number) {
    this.#platform = platform
    this.#ttlMs = ttlMs
  }

  get(id: string): Promise<CachedSchool | null> {
    const now = Date.now()
    const entry = this.#entries.get(id)
    if (entry && entry.until > now) return entry.school
    const school = this.#platform.school.findUnique({
      where: { id },
      select: { id: true, slug: true, name: true, timeZone: true, status: true, settings: true },
    })
    if (this.#ttlMs > 0) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear()
      this.#entries.set(id, { until: now + this.#ttlMs, school })
      // A failed read is not kept.
      school.catch(() => this.#entries.delete(id))
    }
    return school
  }

  invalidate(id: string) {
    this.#entries.delete(id)
  }
}
