// Schools change rarely and are read on every request (is the token's school active? what are its
// settings?). This keeps each school's row for a short time per instance. A change made through
// this instance is seen at once; another instance sees it within the time to live
// (SCHOOL_CACHE_TTL_MS), which is what disabling a school or changing a setting may take to apply
// everywhere. At most `maxEntries` schools are kept, the least recently used dropped one at a time:
// with more schools active than that, only the coldest go back to the database, never all at once.
import { LRUCache } from 'lru-cache'
import type { Db } from './database.js'

export interface CachedSchool {
  id: string
  slug: string
  name: string
  timeZone: string
  status: 'active' | 'disabled'
  settings: unknown
}

export class SchoolCache {
  readonly #platform: Db
  readonly #ttlMs: number
  readonly #entries: LRUCache<string, { until: number; school: Promise<CachedSchool | null> }>

  constructor(platform: Db, ttlMs: number, maxEntries = 10_000) {
    this.#platform = platform
    this.#ttlMs = ttlMs
    this.#entries = new LRUCache({ max: maxEntries })
  }

  /** How many schools are kept (for tests and metrics). */
  get size(): number {
    return this.#entries.size
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
      const entry = { until: now + this.#ttlMs, school }
      this.#entries.set(id, entry)
      // A failed read is not kept (unless a newer read has taken its place meanwhile).
      school.catch(() => {
        if (this.#entries.peek(id) === entry) this.#entries.delete(id)
      })
    }
    return school
  }

  invalidate(id: string) {
    this.#entries.delete(id)
  }
}
