// Reading the audit log: school admins query it (who, what, about whom, when), and every member reads
// their own disclosure log (FERPA §99.32): the reads of their data by others, a student who opted out
// of directory information among them unnamed.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Prisma } from '../../generated/prisma/client.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Int32, Nullable, PageQuery, responses, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'
import type { Tenant } from '../../infra/db/database.js'

const tags = ['audit']
const AuditEvent = Type.Object(
  {
    id: Uuid,
    at: Timestamp,
    kind: Type.Enum(['write', 'read'], { description: 'write: a change; read: an answer that carried other members\' personal data' }),
    actor: Type.Object({
      kind: Type.Enum(['member', 'client', 'platform', 'link']),
      id: Nullable(Text(200), {
        description:
          'The member id, the client id, the operator, or the confirmation link; in a member\'s own disclosure log, null for a student who opted out of directory information (FERPA §99.37) as they are now: the read is listed, not who made it',
      }),
      via: Nullable(Text(200), {
        description:
          'How the actor came: identity-provider:<id> (signed in through that identity provider of the school), service-token (a token this service signed), client-credentials (an integration client), platform, confirmation-link; null on events older than this field',
      }),
    }),
    action: Text(300, { description: 'Method and route, e.g. GET /v1/members/:memberId' }),
    status: Int32({ minimum: 100, maximum: 599 }),
    subjectIds: Type.Array(Uuid, { maxItems: 200_000, description: 'The members whose data the request read or changed (a CSV report: every student and host in it)' }),
    target: Type.Record(Text(50), Text(200), { description: 'The route\'s ids' }),
    requestId: Text(100),
  },
  { $id: 'AuditEvent', title: 'AuditEvent' },
)
const AuditQuery = Type.Object(
  {
    ...PageQuery,
    actorId: Type.Optional(Text(200, { pattern: '^[A-Za-z0-9._:@-]+$' })),
    subjectId: Type.Optional(Uuid),
    kind: Type.Optional(Type.Enum(['write', 'read'])),
    action: Type.Optional(Text(300, { pattern: '^(GET|POST|PUT|PATCH|DELETE) /', description: 'Exact method and route' })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
)

interface Row {
  id: string
  at: Date
  kind: string
  actorKind: string
  actorId: string
  actorVia: string | null
  action: string
  status: number
  subjectIds: string[]
  target: Record<string, string>
  requestId: string
}

async function page(tenant: Tenant, conditions: Prisma.Sql[], query: { limit: number; cursor?: string }) {
  const after = decodeCursor(query.cursor, ['created', 'id'] as const)
  if (after) conditions.push(Prisma.sql`(at, id) < (${new Date(after.created)}, ${after.id}::uuid)`)
  const rows = await tenant.sql<Row>(Prisma.sql`
    SELECT id::text, at, kind, actor_kind AS "actorKind", actor_id AS "actorId", actor_via AS "actorVia", action, status, subject_ids::text[] AS "subjectIds", target, request_id AS "requestId"
      FROM audit_events WHERE school_id = ${tenant.schoolId}::uuid AND ${Prisma.join(conditions, ' AND ')}
     ORDER BY at DESC, id DESC LIMIT ${query.limit + 1}`)
  const { items, nextCursor } = pageOf(rows, query.limit, (row) => ({ created: row.at.toISOString(), id: row.id }))
  return {
    items: items.map((row) => ({ id: row.id, at: row.at.toISOString(), kind: row.kind, actor: { kind: row.actorKind, id: row.actorId, via: row.actorVia }, action: row.action, status: row.status, subjectIds: row.subjectIds, target: row.target, requestId: row.requestId })),
    nextCursor,
  }
}

/**
 * Of a page's member actors, the students who opted out of directory information (FERPA §99.37),
 * read now: a later opt-out hides the reads made before it too. Staff are shown whatever their
 * opt-out, since they read as school officials.
 */
async function optedOutStudents({ db, schoolId }: Tenant, memberIds: string[]): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set()
  const rows = await db.member.findMany({
    where: { schoolId, id: { in: [...new Set(memberIds)] }, directoryOptOut: true, roles: { has: 'student' }, NOT: { roles: { hasSome: ['advisor', 'school_admin'] } } },
    select: { id: true },
  })
  return new Set(rows.map((row) => row.id))
}

type Disclosure = Awaited<ReturnType<typeof page>>['items'][number]

/** The event without who made it: no actor id, and none of the route's ids that is the actor (their own host suggestions, their export). */
function withoutActor(event: Disclosure) {
  const actorId = event.actor.id.toLowerCase()
  return { ...event, actor: { ...event.actor, id: null }, target: Object.fromEntries(Object.entries(event.target).filter(([, value]) => value.toLowerCase() !== actorId)) }
}

const Page = (description: string) => Type.Object({ items: Type.Array(Type.Ref('AuditEvent'), { maxItems: 100 }), nextCursor: Type.Union([Text(200), Type.Null()]) }, { description })

export default async function auditRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(AuditEvent)

  app.get('/v1/audit-events', {
    config: { access: { roles: ['school_admin'] as const } },
    schema: { operationId: 'listAuditEvents', tags, summary: 'The school\'s audit log, newest first, with filters', querystring: AuditQuery, response: responses({ 200: Page('A page of audit events') }) },
    handler: async (request) => {
      const q = request.query
      const conditions = [Prisma.sql`TRUE`]
      if (q.actorId) conditions.push(Prisma.sql`actor_id = ${q.actorId}`)
      if (q.subjectId) conditions.push(Prisma.sql`subject_ids @> ARRAY[${q.subjectId}::uuid]`)
      if (q.kind) conditions.push(Prisma.sql`kind = ${q.kind}`)
      if (q.action) conditions.push(Prisma.sql`action = ${q.action}`)
      if (q.from) conditions.push(Prisma.sql`at >= ${new Date(q.from)}`)
      if (q.to) conditions.push(Prisma.sql`at < ${new Date(q.to)}`)
      return page(request.tenant, conditions, q)
    },
  })

  app.get('/v1/me/disclosures', {
    config: { access: { roles: ['student', 'alumni', 'advisor', 'school_admin'] as const } },
    schema: {
      operationId: 'listMyDisclosures',
      tags,
      summary: 'Your disclosure log (FERPA §99.32): who read your personal data through Vantage, and when (each read naming you alone among its subjects; a student who opted out of directory information is not named)',
      querystring: Type.Object(PageQuery, { additionalProperties: false }),
      response: responses({ 200: Page('A page of the reads of your data by others') }),
    },
    handler: async (request) => {
      const me = request.principal!.memberId!
      const disclosures = await page(request.tenant, [Prisma.sql`kind = 'read'`, Prisma.sql`subject_ids @> ARRAY[${me}::uuid]`, Prisma.sql`NOT (actor_kind = 'member' AND actor_id = ${me})`], request.query)
      // The other members a read disclosed are theirs to know, not the caller's: an export naming two
      // students, or a student's requests to several hosts, would tell each who else is in it.
      // A student who opted out of directory information is not named to the member whose data they
      // read (a host they browsed or were suggested): the member is owed the fact of the read, and
      // naming the student would tell them who they are. The school's log (above) names them.
      const hidden = await optedOutStudents(request.tenant, disclosures.items.filter((event) => event.actor.kind === 'member').map((event) => event.actor.id))
      return {
        ...disclosures,
        items: disclosures.items.map((event) => {
          const own = { ...event, subjectIds: [me] }
          return hidden.has(event.actor.id) ? withoutActor(own) : own
        }),
      }
    },
  })
}
