// Opaque cursors for keyset pagination. A cursor is the last row's sort key, base64url-encoded JSON;
// Prisma does the keyset query itself (where id > key). The encoding is ours because it is a few
// lines and must reject tampered input with a 400 rather than a 500.
import { Problem } from './problem.js'

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** An instant as Date#toISOString writes it: the report lists' keys `due` and `created`. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const INSTANT_FIELDS = new Set(['due', 'created'])

/** Whether a decoded key field could have been issued: an `id` is always a row's UUID (see pageOf), `due` and `created` instants. */
function plausible(field: string, value: unknown): boolean {
  // Checked here because a malformed uuid or instant would otherwise reach PostgreSQL and fail there as a 500.
  if (typeof value !== 'string') return false
  if (field === 'id') return UUID.test(value)
  if (INSTANT_FIELDS.has(field)) return INSTANT.test(value) && !Number.isNaN(Date.parse(value))
  return true
}

export function decodeCursor<K extends string>(cursor: string | undefined, fields: readonly K[]): Record<K, string> | undefined {
  if (cursor === undefined) return undefined
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>
    if (key && typeof key === 'object' && fields.every((field) => plausible(field, key[field]))) return key as Record<K, string>
  } catch {
    // fall through to the problem below
  }
  throw new Problem('validation-failed', 'The cursor is not one this service issued', {
    extensions: { errors: [{ field: 'querystring.cursor', message: 'is not a valid cursor' }] },
  })
}

/**
 * Slices one extra row off a page query's result to know whether a next page exists; the cursor is
 * the last row's sort key (its id unless `key` says otherwise).
 */
export function pageOf<T extends object>(
  rows: T[],
  limit: number,
  key: (row: T) => Record<string, string | number> = (row) => ({ id: (row as unknown as { id: string }).id }),
) {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null }
}
