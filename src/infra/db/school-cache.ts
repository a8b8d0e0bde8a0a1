// Schools change rarely and are read on every request (is the token's school active? what are its
// settings?). This keeps each school's row per instance:
// - A change through this instance is seen at once (the route invalidates its entry).
// - A change through another instance, or by hand in the database, is announced by PostgreSQL
//   (the `schools_changed` trigger notifies `vantage_school_changed` on commit); every instance
//   listens on one connection of its own and drops that school's entry. While the notifications
//   flow, an entry is kept up to SCHOOL_CACHE_NOTIFIED_TTL_MS (5 minutes), a bound for the rare
//   lost one; while they do not (the listening connection is down, or not yet up), only
//   SCHOOL_CACHE_TTL_MS (5 s), and entries read before the listener (re)connected count as read
//   without it, since a change may have gone unannounced meanwhile.
// The long bound matters with thousands of schools: with 10,000 schools in rotation a school came
// back every 8 s or so, past a 5 s bound, so nearly every request read its school again
// (docs/BENCHMARKS.md, many schools).
// At most `maxEntries` schools are kept, the least recently used dropped one at a time: with more
// schools active than that, only the coldest go back to the database, never all at once.
import { LRUCache } from 'lru-cache'
import type pg from 'pg'
import type { PrismaClient } from '../../generated/prisma/client.js'

/** What the cache reads schools through: the platform handle's schools (database.ts). */
type SchoolReader = Pick<PrismaClient, 'school'>

export interface CachedSchool {
  id: string
  slug: string
  name: string
  timeZone: string
  status: 'active' | 'disabled'
  settings: unknown
}

export const SCHOOL_CHANGES_CHANNEL = 'vantage_school_changed'

export class SchoolCache {
  readonly #platform: SchoolReader
  readonly #ttlMs: number
  readonly #notifiedTtlMs: number
  readonly #entries: LRUCache<string, { readAt: number; school: Promise<CachedSchool | null> }>
  /** Since when change notifications have been flowing; null while they are not. */
  #notifiedSince: number | null = null

  constructor(platform: SchoolReader, ttlMs: number, options: { maxEntries?: number; notifiedTtlMs?: number } = {}) {
    this.#platform = platform
    this.#ttlMs = ttlMs
    this.#notifiedTtlMs = Math.max(ttlMs, options.notifiedTtlMs ?? ttlMs)
    this.#entries = new LRUCache({ max: options.maxEntries ?? 10_000 })
  }

  /** How many schools are kept (for tests and metrics). */
  get size(): number {
    return this.#entries.size
  }

  /** Whether entries may outlive SCHOOL_CACHE_TTL_MS, that is whether anything would listen for changes. */
  get wantsNotifications(): boolean {
    return this.#ttlMs > 0 && this.#notifiedTtlMs > this.#ttlMs
  }

  get(id: string): Promise<CachedSchool | null> {
    const now = Date.now()
    const entry = this.#entries.get(id)
    if (entry && now - entry.readAt < this.#lifetime(entry.readAt)) return entry.school
    const school = this.#platform.school.findUnique({
      where: { id },
      select: { id: true, slug: true, name: true, timeZone: true, status: true, settings: true },
    })
    if (this.#ttlMs > 0) {
      const entry = { readAt: now, school }
      this.#entries.set(id, entry)
      // A failed read is not kept (unless a newer read has taken its place meanwhile).
      school.catch(() => {
        if (this.#entries.peek(id) === entry) this.#entries.delete(id)
      })
    }
    return school
  }

  #lifetime(readAt: number): number {
    return this.#notifiedSince !== null && readAt >= this.#notifiedSince ? this.#notifiedTtlMs : this.#ttlMs
  }

  invalidate(id: string) {
    this.#entries.delete(id)
  }

  /** Change notifications flow from `since` on (null: they stopped). */
  notified(since: number | null) {
    this.#notifiedSince = since
  }
}

const RETRY_FIRST_MS = 1_000
const RETRY_MAX_MS = 30_000

/**
 * Listens for school changes on a connection of its own and tells the cache; when the connection
 * fails, the cache falls back to its short bound and the listener connects again (1 s, doubling up
 * to 30 s).
 */
export class SchoolChangeListener {
  /** Its own pool of one connection, which the database's owner closes after stop(). */
  readonly pool: pg.Pool
  readonly #cache: SchoolCache
  #client: pg.PoolClient | null = null
  #retry: NodeJS.Timeout | null = null
  #delayMs = RETRY_FIRST_MS
  #stopped = false

  constructor(pool: pg.Pool, cache: SchoolCache) {
    this.pool = pool
    this.#cache = cache
  }

  start() {
    void this.#connect()
  }

  async #connect() {
    if (this.#stopped) return
    let client: pg.PoolClient | null = null
    try {
      client = await this.pool.connect()
      client.on('notification', (message) => {
        if (message.channel === SCHOOL_CHANGES_CHANNEL && message.payload) this.#cache.invalidate(message.payload)
      })
      client.on('error', () => this.#lost(client!))
      client.on('end', () => this.#lost(client!))
      await client.query(`LISTEN ${SCHOOL_CHANGES_CHANNEL}`)
      if (this.#stopped) {
        client.release(true)
        return
      }
      this.#client = client
      this.#delayMs = RETRY_FIRST_MS
      this.#cache.notified(Date.now())
    } catch {
      client?.release(true)
      this.#again()
    }
  }

  #lost(client: pg.PoolClient) {
    if (this.#client !== client) return
    this.#client = null
    client.release(true)
    this.#again()
  }

  #again() {
    this.#cache.notified(null)
    if (this.#stopped || this.#retry) return
    this.#retry = setTimeout(() => {
      this.#retry = null
      void this.#connect()
    }, this.#delayMs)
    this.#delayMs = Math.min(this.#delayMs * 2, RETRY_MAX_MS)
  }

  async stop() {
    this.#stopped = true
    if (this.#retry) clearTimeout(this.#retry)
    this.#cache.notified(null)
    const client = this.#client
    this.#client = null
    client?.release(true)
  }
}
