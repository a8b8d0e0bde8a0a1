// A school's integration clients: its portal's backend, authenticating with OAuth 2.0 client
// credentials. The client_id starts with the school's slug, so the token endpoint knows the school
// before it reads the client, and every lookup stays within one school.
import { randomBytes } from 'node:crypto'
import type { Tenant } from '../../infra/db/database.js'
import { generateSecret, hashSecret } from '../../infra/auth/secrets.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { notFound } from '../../infra/http/problem.js'
import type { IntegrationClient as IntegrationClientRow } from '../../generated/prisma/client.js'
import type { CreateIntegrationClientBody, IntegrationClientBody, UpdateIntegrationClientBody } from './schemas.js'

export function toIntegrationClient(row: IntegrationClientRow): IntegrationClientBody {
  return {
    id: row.id,
    schoolId: row.schoolId,
    clientId: row.clientId,
    name: row.name,
    scopes: row.scopes,
    enabled: row.enabled,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export async function createIntegrationClient(tenant: Tenant, schoolSlug: string, input: CreateIntegrationClientBody) {
  const clientSecret = generateSecret()
  const row = await tenant.db.integrationClient.create({
    data: {
      schoolId: tenant.schoolId,
      clientId: `${schoolSlug}.${randomBytes(12).toString('hex')}`,
      name: input.name,
      scopes: input.scopes,
      secretHash: await hashSecret(clientSecret),
    },
  })
  return { client: toIntegrationClient(row), clientSecret }
}

export async function listIntegrationClients({ db, schoolId }: Tenant, query: { limit: number; cursor?: string }) {
  const after = decodeCursor(query.cursor, ['id'])
  const rows = await db.integrationClient.findMany({
    where: { schoolId, ...(after ? { id: { gt: after.id } } : {}) },
    orderBy: { id: 'asc' },
    take: query.limit + 1,
  })
  const page = pageOf(rows, query.limit)
  return { items: page.items.map(toIntegrationClient), nextCursor: page.nextCursor }
}

async function find({ db, schoolId }: Tenant, id: string) {
  const row = await db.integrationClient.findUnique({ where: { schoolId_id: { schoolId, id } } })
  if (!row) throw notFound('integration client')
  return row
}

export async function getIntegrationClient(tenant: Tenant, id: string) {
  return toIntegrationClient(await find(tenant, id))
}

export async function updateIntegrationClient(tenant: Tenant, id: string, input: UpdateIntegrationClientBody) {
  await find(tenant, id)
  const row = await tenant.db.integrationClient.update({ where: { schoolId_id: { schoolId: tenant.schoolId, id } }, data: input })
  return toIntegrationClient(row)
}

/** Replaces the secret; the old one stops working at once (tokens already issued run out within their lifetime). */
export async function rotateIntegrationClientSecret(tenant: Tenant, id: string) {
  await find(tenant, id)
  const clientSecret = generateSecret()
  const row = await tenant.db.integrationClient.update({
    where: { schoolId_id: { schoolId: tenant.schoolId, id } },
    data: { secretHash: await hashSecret(clientSecret) },
  })
  return { client: toIntegrationClient(row), clientSecret }
}

export async function deleteIntegrationClient(tenant: Tenant, id: string) {
  await find(tenant, id)
  await tenant.db.integrationClient.delete({ where: { schoolId_id: { schoolId: tenant.schoolId, id } } })
}
