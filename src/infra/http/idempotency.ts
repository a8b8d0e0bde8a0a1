// Idempotency-Key on POST (the IETF httpapi draft "The Idempotency-Key HTTP Header Field", and
// Stripe's practice). A caller that retries a POST with the same key and the same body gets the
// first response again (with `Idempotent-Replayed: true`) instead of a second creation. The same key
// with another body answers 422; a retry while the first is still running answers 409 with
// Retry-After. Keys belong to a school and a caller (a member or an integration client) and are kept
// IDEMPOTENCY_KEY_TTL_HOURS (24 by default) from first use. Only requests that reached their handler
// are recorded: one refused by validation, authentication, access or the rate limit can be retried
// with the same key. A 5xx answer is not kept either (the failure may be transient), so a retry runs
// again. Written here because it is a few statements over our own tenant tables and no maintained
// Fastify plugin stores responses in PostgreSQL under row-level security.
//
// The claim is one statement (idempotency_claim, which sets the school for its own transaction, so
// row-level security checks the row without a round trip to set it first). The response is kept in
// memory once answered and written with every other request's within STORE_FLUSH_MS, in one call
// (idempotency_store): a retry to this instance replays it at once, a retry to another instance in
// that moment gets the 409 with Retry-After and replays on its next try.
//
// What it cannot promise: the response is recorded after the handler's own transaction, so if the
// process dies in between (or within STORE_FLUSH_MS after the answer), the claim lapses after
// IDEMPOTENCY_LEASE_SECONDS and a retry runs the request again.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Prisma } from '../../generated/prisma/client.js'
import { BatchWriter } from '../db/batch-writer.js'
import type { Tenant } from '../db/database.js'
import { Problem } from './problem.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request holds the claim on its Idempotency-Key. */
    idempotency?: { tenant: Tenant; caller: string; key: string; lockedUntil: Date }
  }
}

/** How long a running request's claim holds before another attempt may take it over. */
export const IDEMPOTENCY_LEASE_SECONDS = 60
const HEADER = 'idempotency-key'
/**
 * The claim and the stored response commit without waiting for the flush to disk
 * (synchronous_commit off for their own one-statement transactions only; the request's own writes
 * are flushed as always). They are a retry's safety net, not the record: a database crash may lose
 * the last fraction of a second of them, which is the same as the process dying before storing the
 * response (see above). Measured: the two extra flushes per request cost more than the request's own.
 */
const ASYNC_COMMIT = Prisma.sql`(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`
/** Stored responses gathered for at most this long, then written in one call. */
export const STORE_FLUSH_MS = 20
const STORE_FLUSH_MAX = 200
/** Response headers kept and replayed besides the status and the body. */
const KEPT_HEADERS = ['content-type', 'location']

/** The key: a Structured Fields string ("…", as the draft defines it) or, as Stripe accepts, the bare text. */
export function parseIdempotencyKey(raw: string | string[]): string {
  const invalid = (message: string) =>
    new Problem('validation-failed', `headers.${HEADER} ${message}`, { extensions: { errors: [{ field: `headers.${HEADER}`, message }] } })
  if (Array.isArray(raw)) throw invalid('must be sent once')
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(raw)
  if (!quoted && raw.startsWith('"')) throw invalid('starts a quoted string that does not end')
  const key = quoted ? quoted[1]!.replace(/\\(["\\])/g, '$1') : raw
  if (!/^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/.test(key) || key.length > 255) {
    throw invalid('must be 1-255 visible ASCII characters (for example a UUID), optionally in double quotes')
  }
  return key
}

function fingerprint(request: FastifyRequest): string {
  return createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('base64url')
}

/** A response answered and not yet written: what idempotency_store takes, and what a replay sends. */
interface PendingResponse {
  school_id: string
  caller: string
  key: string
  /** The claim's lease end: it tells this claim from one that took the key over after the lease. */
  locked_until: string
  status: number
  headers: Record<string, string>
  body: string
}

interface Stored {
  fingerprint: string
  status: string
  responseStatus: number | null
  responseHeaders: Record<string, string> | null
  responseBody: string | null
}

export default fp(
  async function idempotency(app: FastifyInstance, options: { ttlHours: number }) {
    // Answered responses not yet written, by school, caller and key: this instance replays them from here.
    const unwritten = new Map<string, PendingResponse>()
    const keyOf = (school: string, caller: string, key: string) => `${school} ${caller} ${key}`
    const forget = (responses: PendingResponse[]) => {
      for (const response of responses) {
        const id = keyOf(response.school_id, response.caller, response.key)
        if (unwritten.get(id) === response) unwritten.delete(id)
      }
    }
    const stores = new BatchWriter<PendingResponse>({
      flushMs: STORE_FLUSH_MS,
      maxItems: STORE_FLUSH_MAX,
      write: async (responses) => {
        try {
          await app.database.pool.query('SELECT idempotency_store($1::jsonb)', [JSON.stringify(responses)])
        } finally {
          forget(responses)
        }
      },
      // The claims stay running and lapse after the lease: a retry then runs the request again.
      failed: (error, responses) => app.log.error({ err: error, responses: responses.length }, 'idempotent responses not stored'),
    })
    const replay = (reply: FastifyReply, status: number, headers: Record<string, string> | null, body: string | null) => {
      reply.code(status).headers({ ...headers, 'idempotent-replayed': 'true' })
      return reply.send(body)
    }

    app.addHook('preHandler', async (request, reply) => {
      const raw = request.headers[HEADER]
      if (request.method !== 'POST' || raw === undefined || !request.url.startsWith('/v1/') || request.url.startsWith('/v1/oauth/')) return
      const key = parseIdempotencyKey(raw)
      const principal = request.principal
      if (!principal?.schoolId) {
        throw new Problem('validation-failed', `headers.${HEADER} is accepted on a school's requests only`, {
          extensions: { errors: [{ field: `headers.${HEADER}`, message: 'is accepted on a school\'s requests only' }] },
        })
      }
      const tenant = app.database.forSchool(principal.schoolId)
      const caller = principal.kind === 'client' ? `client:${principal.subject}` : `member:${principal.memberId}`
      const print = fingerprint(request)
      const now = app.clock()
      const lockedUntil = new Date(now.getTime() + IDEMPOTENCY_LEASE_SECONDS * 1000)
      const expiresAt = new Date(now.getTime() + options.ttlHours * 3_600_000)
      const { rows: [claim] } = await app.database.pool.query<{ claimed: boolean }>(
        'SELECT idempotency_claim($1::uuid, $2, $3, $4, $5, $6, $7) AS claimed',
        [principal.schoolId, caller, key, print, lockedUntil, expiresAt, now],
      )
      if (claim?.claimed) {
        request.idempotency = { tenant, caller, key, lockedUntil }
        return
      }
      // The answer kept in memory is read before the row: its write may commit, and drop it from
      // memory, while the row is read; one of the two then has it.
      const answered = unwritten.get(keyOf(principal.schoolId, caller, key))
      const [stored] = await tenant.sql<Stored>(Prisma.sql`
        SELECT fingerprint, status, response_status AS "responseStatus", response_headers AS "responseHeaders", response_body AS "responseBody"
          FROM idempotency_keys WHERE school_id = ${principal.schoolId}::uuid AND caller = ${caller} AND key = ${key}`)
      if (stored && stored.fingerprint !== print) {
        throw new Problem('idempotency-key-reused', 'This Idempotency-Key was sent before with another method, path or body; use a new key for a new request')
      }
      if (stored?.status === 'done') return replay(reply, stored.responseStatus!, stored.responseHeaders, stored.responseBody)
      if (stored && answered) return replay(reply, answered.status, answered.headers, answered.body)
      throw new Problem('idempotency-key-in-use', 'The first request with this Idempotency-Key is still being processed; retry shortly', { headers: { 'retry-after': '1' } })
    })

    app.addHook('onSend', async (request, reply, payload) => {
      const claim = request.idempotency
      if (!claim) return payload
      request.idempotency = undefined
      const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null
      if (reply.statusCode >= 500 || body === null) {
        // Only this claim: not one that took the key over after the lease.
        const where = Prisma.sql`school_id = ${claim.tenant.schoolId}::uuid AND caller = ${claim.caller} AND key = ${claim.key}
          AND status = 'running' AND locked_until = ${claim.lockedUntil}`
        await claim.tenant.sql(Prisma.sql`DELETE FROM idempotency_keys USING ${ASYNC_COMMIT} WHERE ${where}`)
        return payload
      }
      const headers = Object.fromEntries(KEPT_HEADERS.flatMap((name) => {
        const value = reply.getHeader(name)
        return value === undefined ? [] : [[name, String(value)]]
      }))
      const response: PendingResponse = {
        school_id: claim.tenant.schoolId,
        caller: claim.caller,
        key: claim.key,
        locked_until: claim.lockedUntil.toISOString(),
        status: reply.statusCode,
        headers,
        body,
      }
      unwritten.set(keyOf(response.school_id, response.caller, response.key), response)
      stores.add(response)
      return payload
    })
    app.addHook('onClose', async () => stores.flush())
  },
  { name: 'idempotency', dependencies: ['auth'] },
)
