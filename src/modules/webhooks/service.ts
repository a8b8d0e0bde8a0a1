// A school's webhook subscriptions, their secrets and their delivery log.
import { Prisma, type WebhookSubscription } from '../../generated/prisma/client.js'
import type { Tenant } from '../../infra/db/database.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { notFound, Problem } from '../../infra/http/problem.js'
import type { Attempt } from './delivery.js'
import { queueDelivery } from './delivery.js'
import { checkDestination } from '../../infra/net/destination.js'
import type { CreateWebhookBody, DeliveryQueryInput, UpdateWebhookBody, WebhookBody } from './schemas.js'
import { generateWebhookSecret } from './signing.js'

const HOUR = 3_600_000

export function toWebhook(row: WebhookSubscription, now: Date): WebhookBody {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    status: row.status,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    previousSecretValidUntil: row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now ? row.previousSecretExpiresAt.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export async function createWebhook(tenant: Tenant, input: CreateWebhookBody, allowedHosts: string[], now: Date) {
  const url = await checkDestination(input.url, allowedHosts)
  const secret = generateWebhookSecret()
  const row = await tenant.db.webhookSubscription.create({
    data: { schoolId: tenant.schoolId, url, eventTypes: input.eventTypes, description: input.description ?? null, secret },
  })
  return { webhook: toWebhook(row, now), secret }
}

export async function listWebhooks({ db, schoolId }: Tenant, query: { limit: number; cursor?: string }, now: Date) {
  const after = decodeCursor(query.cursor, ['id'])
  const rows = await db.webhookSubscription.findMany({
    where: { schoolId, ...(after ? { id: { gt: after.id } } : {}) },
    orderBy: { id: 'asc' },
    take: query.limit + 1,
  })
  const page = pageOf(rows, query.limit)
  return { items: page.items.map((row) => toWebhook(row, now)), nextCursor: page.nextCursor }
}

async function find({ db, schoolId }: Tenant, id: string) {
  const row = await db.webhookSubscription.findUnique({ where: { schoolId_id: { schoolId, id } } })
  if (!row) throw notFound('webhook')
  return row
}

export async function getWebhook(tenant: Tenant, id: string, now: Date) {
  return toWebhook(await find(tenant, id), now)
}

export async function updateWebhook(tenant: Tenant, id: string, input: UpdateWebhookBody, allowedHosts: string[], now: Date) {
  const current = await find(tenant, id)
  const url = input.url === undefined ? undefined : await checkDestination(input.url, allowedHosts)
  const status = input.status === undefined || input.status === current.status ? {}
    : input.status === 'active' ? { status: 'active' as const, disabledReason: null, disabledAt: null }
    : { status: 'disabled' as const, disabledReason: 'Disabled by a school admin', disabledAt: now }
  const row = await tenant.db.webhookSubscription.update({
    where: { schoolId_id: { schoolId: tenant.schoolId, id } },
    data: { url, eventTypes: input.eventTypes, description: input.description, ...status },
  })
  return toWebhook(row, now)
}

export async function deleteWebhook(tenant: Tenant, id: string) {
  await find(tenant, id)
  // Its deliveries go with it (foreign key cascade); their queued jobs then find nothing to send.
  await tenant.db.webhookSubscription.delete({ where: { schoolId_id: { schoolId: tenant.schoolId, id } } })
}

/** A new secret; the replaced one keeps signing (as a second signature) for the hours given. */
export async function rotateWebhookSecret(tenant: Tenant, id: string, previousValidForHours: number, now: Date) {
  const current = await find(tenant, id)
  const secret = generateWebhookSecret()
  const row = await tenant.db.webhookSubscription.update({
    where: { schoolId_id: { schoolId: tenant.schoolId, id } },
    data: previousValidForHours > 0
      ? { secret, previousSecret: current.secret, previousSecretExpiresAt: new Date(now.getTime() + previousValidForHours * HOUR) }
      : { secret, previousSecret: null, previousSecretExpiresAt: null },
  })
  return { webhook: toWebhook(row, now), secret }
}

interface DeliveryRow {
  id: string
  webhookId: string
  eventId: string
  eventType: string
  occurredAt: Date
  status: 'pending' | 'succeeded' | 'failed'
  attempts: Attempt[]
  nextAttemptAt: Date | null
  deliveredAt: Date | null
  createdAt: Date
}

const DELIVERY_COLUMNS = Prisma.sql`d.id::text AS id, d.subscription_id::text AS "webhookId", d.event_id::text AS "eventId", e.type AS "eventType",
  e.occurred_at AS "occurredAt", d.status::text AS status, d.attempts, d.next_attempt_at AS "nextAttemptAt", d.delivered_at AS "deliveredAt", d.created_at AS "createdAt"`

function toDelivery(row: DeliveryRow) {
  return {
    ...row,
    occurredAt: row.occurredAt.toISOString(),
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  }
}

/** The subscription's delivery log, newest first. */
export async function listDeliveries(tenant: Tenant, webhookId: string, query: DeliveryQueryInput) {
  await find(tenant, webhookId)
  const after = decodeCursor(query.cursor, ['created', 'id'] as const)
  const rows = await tenant.db.$queryRaw<DeliveryRow[]>(Prisma.sql`
    SELECT ${DELIVERY_COLUMNS}
      FROM webhook_deliveries d JOIN webhook_events e ON e.school_id = d.school_id AND e.id = d.event_id
     WHERE d.school_id = ${tenant.schoolId}::uuid AND d.subscription_id = ${webhookId}::uuid
       ${query.status ? Prisma.sql`AND d.status = ${query.status}::webhook_delivery_status` : Prisma.empty}
       ${query.eventType ? Prisma.sql`AND e.type = ${query.eventType}` : Prisma.empty}
       ${after ? Prisma.sql`AND (d.created_at, d.id) < (${new Date(after.created)}, ${after.id}::uuid)` : Prisma.empty}
     ORDER BY d.created_at DESC, d.id DESC
     LIMIT ${query.limit + 1}`)
  const page = pageOf(rows, query.limit, (row) => ({ created: row.createdAt.toISOString(), id: row.id }))
  return { items: page.items.map(toDelivery), nextCursor: page.nextCursor }
}

/**
 * Sends a delivery again now, with the same webhook-id: one more attempt for a failed delivery, or
 * an earlier one for a delivery waiting for its retry. The subscription must be active.
 */
export async function redeliver(tenant: Tenant, webhookId: string, deliveryId: string) {
  const subscription = await find(tenant, webhookId)
  if (subscription.status !== 'active') throw new Problem('conflict', 'The webhook is disabled; enable it (PATCH status "active") before redelivering')
  const rows = await tenant.db.$queryRaw<DeliveryRow[]>(Prisma.sql`
    WITH updated AS (
      UPDATE webhook_deliveries SET status = 'pending', queued = true, next_attempt_at = now(), updated_at = now()
       WHERE school_id = ${tenant.schoolId}::uuid AND id = ${deliveryId}::uuid AND subscription_id = ${webhookId}::uuid AND status <> 'succeeded'
      RETURNING *
    ), queued AS (
      SELECT (${queueDelivery(tenant.schoolId, deliveryId)}).id FROM updated
    )
    SELECT ${DELIVERY_COLUMNS}, (SELECT count(*) FROM queued) AS queued
      FROM updated d JOIN webhook_events e ON e.school_id = d.school_id AND e.id = d.event_id`)
  if (rows[0]) return toDelivery(rows[0])
  const [existing] = await tenant.db.$queryRaw<Array<{ status: string }>>(Prisma.sql`
    SELECT status::text AS status FROM webhook_deliveries WHERE school_id = ${tenant.schoolId}::uuid AND id = ${deliveryId}::uuid AND subscription_id = ${webhookId}::uuid`)
  if (!existing) throw notFound('delivery')
  throw new Problem('conflict', 'The delivery has already succeeded')
}
