// Reading the audit log: the school's log with its filters, and a member's disclosure log (FERPA
// §99.32), the reads of their data by others, a student who opted out of directory information
// among them unnamed.
import { Prisma } from '../../generated/prisma/client.js'
import type { Tenant } from '../../infra/db/database.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import type { AuditQueryBody } from './schemas.js'

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

/** The school's log, newest first, narrowed by the query's filters. */
export function auditEvents(tenant: Tenant, q: AuditQueryBody) {
  const conditions = [Prisma.sql`TRUE`]
  if (q.actorId) conditions.push(Prisma.sql`actor_id = ${q.actorId}`)
  if (q.subjectId) conditions.push(Prisma.sql`subject_ids @> ARRAY[${q.subjectId}::uuid]`)
  if (q.kind) conditions.push(Prisma.sql`kind = ${q.kind}`)
  if (q.action) conditions.push(Prisma.sql`action = ${q.action}`)
  if (q.from) conditions.push(Prisma.sql`at >= ${new Date(q.from)}`)
  if (q.to) conditions.push(Prisma.sql`at < ${new Date(q.to)}`)
  return page(tenant, conditions, q)
}

/** The member's disclosure log: reads of their data by others, each naming the member alone among its subjects. */
export async function disclosures(tenant: Tenant, me: string, query: { limit: number; cursor?: string }) {
  const found = await page(tenant, [Prisma.sql`kind = 'read'`, Prisma.sql`subject_ids @> ARRAY[${me}::uuid]`, Prisma.sql`NOT (actor_kind = 'member' AND actor_id = ${me})`], query)
  // The other members a read disclosed are theirs to know, not the caller's: an export naming two
  // students, or a student's requests to several hosts, would tell each who else is in it.
  // A student who opted out of directory information is not named to the member whose data they
  // read (a host they browsed or were suggested): the member is owed the fact of the read, and
  // naming the student would tell them who they are. The school's log (above) names them.
  const hidden = await optedOutStudents(tenant, found.items.filter((event) => event.actor.kind === 'member').map((event) => event.actor.id))
  return {
    ...found,
    items: found.items.map((event) => {
      const own = { ...event, subjectIds: [me] }
      return hidden.has(event.actor.id) ? withoutActor(own) : own
    }),
  }
}
