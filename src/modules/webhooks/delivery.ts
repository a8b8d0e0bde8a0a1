// Delivering one event to one subscription (the queue's task `webhook_deliver`). Standard Webhooks
// headers; the webhook-id is the event's id, the same on every attempt and on manual redelivery, so
// a receiver that saw it already can drop the copy. Outcomes: 2xx delivered; 410 Gone disables the
// subscription; anything else (another status, a refused or failed connection, no answer within
// WEBHOOK_TIMEOUT_MS) is retried on WEBHOOK_RETRY_SCHEDULE with ±20 % jitter, then the delivery is
// failed (a school admin may redeliver it). Each attempt is appended to the delivery: its log.
// Order: deliveries run concurrently and a retried one arrives after later events, so a receiver
// orders by the payload's `timestamp` (when the change happened), not by arrival.
import http from 'node:http'
import https from 'node:https'
import ipaddr from 'ipaddr.js'
import { Prisma } from '../../generated/prisma/client.js'
import type { Database, Tenant } from '../../infra/db/database.js'
import { addressAllowed, checkedLookup } from '../../infra/net/destination.js'
import { signatureHeader } from './signing.js'

export interface DeliveryContext {
  database: Database
  timeoutMs: number
  retrySchedule: number[]
  allowedHosts: string[]
  now: () => Date
  /** Told each attempt's outcome (the /metrics counter). */
  onAttempt?: (outcome: 'succeeded' | 'retrying' | 'failed' | 'gone') => void
}

export interface Attempt {
  at: string
  durationMs: number
  statusCode: number | null
  error: string | null
}

interface Outcome {
  statusCode: number | null
  error: string | null
}

/** Longest response body read (and discarded): the status is all that counts. */
const MAX_RESPONSE_BYTES = 64 * 1024

/** POSTs the body; resolves with the status, or with why there is none. Never follows redirects. */
export function post(target: string, headers: Record<string, string>, body: string, context: Pick<DeliveryContext, 'timeoutMs' | 'allowedHosts'>): Promise<Outcome> {
  return new Promise((resolve) => {
    let url: URL
    try {
      url = new URL(target)
    } catch {
      resolve({ statusCode: null, error: 'the URL is not valid' })
      return
    }
    const literal = url.hostname.replace(/^\[|\]$/g, '')
    if (ipaddr.isValid(literal) && !addressAllowed(literal, context.allowedHosts)) {
      resolve({ statusCode: null, error: `refused: ${literal} is a loopback, private, link-local or reserved address` })
      return
    }
    const client = url.protocol === 'https:' ? https : http
    let settled = false
    const finish = (outcome: Outcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(outcome)
    }
    const request = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      lookup: checkedLookup(context.allowedHosts),
      agent: false,
    })
    const timer = setTimeout(() => {
      request.destroy()
      finish({ statusCode: null, error: `no answer within ${context.timeoutMs} ms` })
    }, context.timeoutMs)
    request.on('response', (response) => {
      let read = 0
      response.on('data', (chunk: Buffer) => {
        read += chunk.length
        if (read > MAX_RESPONSE_BYTES) response.destroy()
      })
      response.on('end', () => finish({ statusCode: response.statusCode ?? null, error: null }))
      response.on('close', () => finish({ statusCode: response.statusCode ?? null, error: null }))
      response.on('error', () => finish({ statusCode: response.statusCode ?? null, error: null }))
    })
    request.on('error', (error) => finish({ statusCode: null, error: error.message.startsWith('resolves to') ? `refused: ${url.hostname} ${error.message}` : error.message }))
    request.end(body)
  })
}

interface DeliveryRow {
  status: string
  attempts: Attempt[]
  eventId: string
  type: string
  data: Record<string, unknown>
  occurredAt: Date
  subscriptionId: string
  url: string
  subscriptionStatus: string
  secret: string
  previousSecret: string | null
  previousSecretExpiresAt: Date | null
}

/** The body receivers get: the Standard Webhooks shape, thin. */
export function payload(row: Pick<DeliveryRow, 'type' | 'occurredAt' | 'data'>): string {
  return JSON.stringify({ type: row.type, timestamp: row.occurredAt.toISOString(), data: row.data })
}

const jitter = (seconds: number) => seconds * (0.8 + Math.random() * 0.4)

/** Deliveries a dispatch queues at most; a school with more queues the rest in its next dispatch. */
export const DISPATCH_BATCH = 200

/**
 * The queue's task `webhook_dispatch` for a school: queues a `webhook_deliver` job for each of its
 * deliveries that has none yet (oldest first, at most DISPATCH_BATCH, all in one add_jobs call), and
 * arms the next dispatch when more remain. Returns how many were queued.
 */
export async function dispatch(database: Database, schoolId: string): Promise<number> {
  const tenant = database.forSchool(schoolId)
  const [row] = await tenant.sql<{ queued: number }>(Prisma.sql`
    WITH picked AS (
      SELECT id FROM webhook_deliveries
       WHERE school_id = ${schoolId}::uuid AND status = 'pending' AND NOT queued
       ORDER BY created_at, id LIMIT ${DISPATCH_BATCH} FOR UPDATE SKIP LOCKED
    ), marked AS (
      UPDATE webhook_deliveries d SET queued = true, updated_at = now()
        FROM picked WHERE d.school_id = ${schoolId}::uuid AND d.id = picked.id
      RETURNING d.id
    )
    SELECT (SELECT count(*)::int FROM marked) AS queued,
           (SELECT CASE WHEN count(*) > 0 THEN (
              SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
                SELECT ('webhook_deliver', json_build_object('schoolId', ${schoolId}::uuid, 'deliveryId', m.id), NULL, NULL, NULL,
                        'webhook-delivery:' || m.id, NULL, NULL)::graphile_worker.job_spec FROM marked m)))
            END FROM marked) AS jobs`)
  const queued = row?.queued ?? 0
  if (queued === DISPATCH_BATCH) await tenant.sql(Prisma.sql`SELECT count(webhook_arm_dispatch(${schoolId}::uuid))::int AS n`)
  return queued
}

/** Queues (or moves forward) the delivery's job; one job per delivery at a time (job_key). */
export function queueDelivery(schoolId: string, deliveryId: string, runAt: Prisma.Sql = Prisma.sql`now()`): Prisma.Sql {
  return Prisma.sql`graphile_worker.add_job('webhook_deliver', json_build_object('schoolId', ${schoolId}::uuid, 'deliveryId', ${deliveryId}::uuid),
    run_at => ${runAt}, job_key => ${`webhook-delivery:${deliveryId}`})`
}

export async function deliver(context: DeliveryContext, job: { schoolId: string; deliveryId: string }): Promise<void> {
  const { schoolId, deliveryId } = job
  const tenant: Tenant = context.database.forSchool(schoolId)
  const [row] = await tenant.sql<DeliveryRow>(Prisma.sql`
    SELECT d.status::text AS status, d.attempts, e.id::text AS "eventId", e.type, e.data, e.occurred_at AS "occurredAt",
           s.id::text AS "subscriptionId", s.url, s.status::text AS "subscriptionStatus", s.secret,
           s.previous_secret AS "previousSecret", s.previous_secret_expires_at AS "previousSecretExpiresAt"
      FROM webhook_deliveries d
      JOIN webhook_events e ON e.school_id = d.school_id AND e.id = d.event_id
      JOIN webhook_subscriptions s ON s.school_id = d.school_id AND s.id = d.subscription_id
     WHERE d.school_id = ${schoolId}::uuid AND d.id = ${deliveryId}::uuid`)
  // Gone (its subscription was deleted) or already settled (a redelivery raced a retry).
  if (!row || row.status !== 'pending') return
  const started = context.now()
  if (row.subscriptionStatus !== 'active') {
    await record(tenant, deliveryId, { at: started.toISOString(), durationMs: 0, statusCode: null, error: 'not sent: the subscription is disabled' }, 'failed')
    return
  }
  const body = payload(row)
  const timestamp = Math.floor(started.getTime() / 1000)
  const secrets = [row.secret, ...(row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > started ? [row.previousSecret] : [])]
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Vantage-Webhooks/1',
    'webhook-id': row.eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(secrets, row.eventId, timestamp, body),
  }
  const clock = performance.now()
  const outcome = await post(row.url, headers, body, context)
  const attempt: Attempt = { at: started.toISOString(), durationMs: Math.round(performance.now() - clock), ...outcome }
  const code = outcome.statusCode
  if (code !== null && code >= 200 && code < 300) {
    await record(tenant, deliveryId, attempt, 'succeeded')
    context.onAttempt?.('succeeded')
  } else if (code === 410) {
    context.onAttempt?.('gone')
    await record(tenant, deliveryId, attempt, 'failed', Prisma.sql`, disabled AS (
      UPDATE webhook_subscriptions SET status = 'disabled', disabled_reason = 'The endpoint answered 410 Gone', disabled_at = ${started}, updated_at = now()
       WHERE school_id = ${schoolId}::uuid AND id = ${row.subscriptionId}::uuid AND status = 'active' RETURNING id)`)
  } else {
    // The first attempt is number 1; retry n waits retrySchedule[n - 1].
    const wait = context.retrySchedule[row.attempts.length]
    if (wait === undefined) {
      await record(tenant, deliveryId, attempt, 'failed')
      context.onAttempt?.('failed')
    } else {
      context.onAttempt?.('retrying')
      const next = new Date(started.getTime() + jitter(wait) * 1000)
      await record(tenant, deliveryId, attempt, 'pending', Prisma.empty, Prisma.sql`, (SELECT (${queueDelivery(schoolId, deliveryId, Prisma.sql`${next}::timestamptz`)}).id FROM updated) AS queued`, next)
    }
  }
}

/**
 * Appends the attempt and settles the delivery (if still pending), in one statement with what goes
 * with it: `ctes`, data-modifying, run regardless; `columns` run only for the delivery updated.
 */
async function record(tenant: Tenant, deliveryId: string, attempt: Attempt, status: 'pending' | 'succeeded' | 'failed', ctes = Prisma.empty, columns = Prisma.empty, nextAttemptAt: Date | null = null) {
  await tenant.sql(Prisma.sql`
    WITH updated AS (
      UPDATE webhook_deliveries
         SET status = ${status}::webhook_delivery_status, attempts = attempts || ${JSON.stringify([attempt])}::jsonb,
             next_attempt_at = ${nextAttemptAt}, delivered_at = ${status === 'succeeded' ? new Date(attempt.at) : null}, updated_at = now()
       WHERE school_id = ${tenant.schoolId}::uuid AND id = ${deliveryId}::uuid AND status = 'pending'
      RETURNING id
    )${ctes}
    SELECT (SELECT count(*)::int FROM updated) AS n${columns}`)
}
