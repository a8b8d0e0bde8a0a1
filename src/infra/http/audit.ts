// The audit log: every write through the API (POST, PUT, PATCH, DELETE answered 2xx), and every read
// that answered another member's personal data, with who (a member, an integration client, the
// platform operator, or the holder of a confirmation link), what (method and route), when, the
// route's ids, and the members whose data it carried (its subjects). The subjects of an answer are
// found in it: the member ids it names (`memberId`, `studentId`, `hostId`, the `id` of a `student`
// or `member` object, and `id` on the members routes), or named by the route itself with `disclose` when its answer is not
// JSON that names them so (the CSV reports, GraphQL's report students and hosts), or with
// `discloseExactly` when its answer's ids are not all members (a member's export). A read whose only
// subject is the caller is not a disclosure and is not logged.
//
// A subject is a member whose data the answer carries, not one a record merely points at: a contact's
// `alumniMemberId` says which alumnus the student's own record is about (its name, notes and details
// are the student's), so it names no subject. Logged, it would show in the alumnus's disclosure log who
// keeps them in a network, even a student who opted out of directory information: what their export
// hides (src/modules/privacy/data-map.ts). An answer that does carry a member's own data names them
// as its owner (`memberId`, `hostId`, a `member` object: a host request's host summary).
//
// Events are gathered after the answer is sent and written at most FLUSH_MS later, every school's in
// one statement (audit_append, which sets each school for its rows so row-level security checks
// them) that commits without waiting for the disk flush: the request pays neither the wait nor a
// statement of its own (measured: an insert per request cost 16 % of a list's throughput, an insert
// per school per 50 ms 34 %). A crash of the process or the database in that moment can lose them.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { BatchWriter } from '../db/batch-writer.js'

declare module 'fastify' {
  interface FastifyRequest {
    auditSubjects?: string[]
    /** Whether the answer's subjects are known: read before serialization, or named by `discloseExactly`. */
    auditRead?: boolean
    /** The school of a confirmation link's answer (a caller with no token). */
    confirmationSchoolId?: string
  }
}

/** Keys whose value is the member an object's data belongs to (not a reference such as `alumniMemberId`). */
const SUBJECT_KEYS = new Set(['memberId', 'studentId', 'hostId'])
/** Objects that are a member, named by their `id` (a host request's `student`). */
const MEMBER_OBJECTS = new Set(['student', 'member'])
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** GET routes that answer no other member's personal data (the school's own settings and the caller's own). */
const NOT_PERSONAL = [/^\/v1\/me(\/|$)/, /^\/v1\/questions/, /^\/v1\/webhooks/, /^\/v1\/schools/, /^\/v1\/programs/, /^\/v1\/audit-events/, /^\/v1\/confirmations/]
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const SCIM_USERS = '/scim/v2/Users'

/**
 * Names members whose personal data the request's answer carries, for answers the log cannot read
 * ids from (CSV, GraphQL). Call it before the answer is complete (a streamed answer: as it is written).
 */
export function disclose(request: FastifyRequest, memberIds: Iterable<string>) {
  request.auditSubjects ??= []
  for (const id of memberIds) request.auditSubjects.push(id)
}

/**
 * Names the members whose personal data the answer carries, for an answer whose ids the log would
 * misread (a member's export: rows of contacts, requests and meetings, keyed by their own ids, which
 * name other members in columns as stored); the answer is then not read for subjects.
 */
export function discloseExactly(request: FastifyRequest, memberIds: Iterable<string>) {
  disclose(request, memberIds)
  request.auditRead = true
}

/** The member ids an answer names. */
export function subjectsOf(body: unknown, membersRoute: boolean, into = new Set<string>()): Set<string> {
  if (Array.isArray(body)) {
    for (const item of body) subjectsOf(item, membersRoute, into)
  } else if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === 'string' && (SUBJECT_KEYS.has(key) || (membersRoute && key === 'id')) && UUID.test(value)) into.add(value.toLowerCase())
      else if (value && typeof value === 'object') subjectsOf(value, (membersRoute && key !== 'contacts') || MEMBER_OBJECTS.has(key), into)
    }
  }
  return into
}

/** Who acted, and how they came (the "through which client" of the log). */
function actorOf(request: FastifyRequest): { kind: string; id: string; via: string } | null {
  const principal = request.principal
  if (!principal) return request.url.startsWith('/v1/confirmations') ? { kind: 'link', id: 'confirmation-link', via: 'confirmation-link' } : null
  if (principal.kind === 'member') {
    const via = principal.via === 'identity-provider' ? `identity-provider:${principal.providerId ?? 'unknown'}` : 'service-token'
    return { kind: 'member', id: principal.memberId, via }
  }
  if (principal.kind === 'client') return { kind: 'client', id: principal.subject, via: 'client-credentials' }
  return { kind: principal.kind, id: principal.subject, via: principal.via === 'platform' ? 'platform' : 'service-token' }
}

interface PendingEvent {
  at: string
  kind: string
  actor_kind: string
  actor_id: string
  actor_via: string
  action: string
  status: number
  subject_ids: string[]
  target: Record<string, string>
  request_id: string
}

/** Events gathered for at most FLUSH_MS (or FLUSH_EVENTS), then written in one statement. */
export const FLUSH_MS = 50
const FLUSH_EVENTS = 500

export default fp(
  async function audit(app: FastifyInstance, options: { enabled: boolean }) {
    if (!options.enabled) return
    // Every school's events in one call: audit_append sets each school for its rows.
    const buffer = new BatchWriter<PendingEvent & { school_id: string }>({
      flushMs: FLUSH_MS,
      maxItems: FLUSH_EVENTS,
      write: async (events) => {
        await app.database.platformPool.query('SELECT audit_append($1::jsonb)', [JSON.stringify(events)])
      },
      failed: (error, events) => app.log.error({ err: error, events: events.length }, 'audit events not written'),
    })
    // What a route's requests are for the log, decided once per method and route.
    const kinds = new Map<string, 'write' | 'read' | null>()
    const kindOf = (method: string, route: string) => {
      // GraphQL here only reads (it has no mutations): a query is a read, whatever the method.
      if (route === '/graphql') return 'read' as const
      // SCIM Users are members: provisioning writes them, and reading them discloses them.
      if (route.startsWith(SCIM_USERS)) return WRITES.has(method) ? ('write' as const) : method === 'GET' ? ('read' as const) : null
      if (!route.startsWith('/v1/') || route.startsWith('/v1/oauth/')) return null
      if (WRITES.has(method)) return 'write' as const
      if (method === 'GET' && !NOT_PERSONAL.some((pattern) => pattern.test(route))) return 'read' as const
      return null
    }
    const audited = (request: FastifyRequest) => {
      const key = `${request.method} ${request.routeOptions.url ?? ''}`
      let kind = kinds.get(key)
      if (kind === undefined) kinds.set(key, (kind = kindOf(request.method, request.routeOptions.url ?? '')))
      return kind
    }

    // The subjects are read from the answer as the handler returned it, before it is serialized (no
    // second parse of the JSON); an answer sent as a string or a stream names its subjects with `disclose`.
    const readSubjects = (request: FastifyRequest, body: unknown) => {
      const route = request.routeOptions.url ?? ''
      request.auditSubjects = [...subjectsOf(body, route.startsWith('/v1/members') || route.startsWith(SCIM_USERS), new Set(request.auditSubjects))]
      request.auditRead = true
    }
    app.addHook('preSerialization', async (request, reply, payload: unknown) => {
      if (!request.auditRead && audited(request) && reply.statusCode < 400) readSubjects(request, payload)
      return payload
    })
    // An answer that was already JSON text (a replayed Idempotency-Key response) is read here instead.
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.auditRead || typeof payload !== 'string' || !audited(request) || reply.statusCode >= 400) return payload
      if (!String(reply.getHeader('content-type') ?? '').startsWith('application/json')) return payload
      try {
        readSubjects(request, JSON.parse(payload))
      } catch {
        // Not JSON after all: no subjects in it.
      }
      return payload
    })

    app.addHook('onResponse', async (request, reply) => {
      const kind = audited(request)
      if (!kind || reply.statusCode >= 400) return
      const actor = actorOf(request)
      const params = (request.params ?? {}) as Record<string, string>
      const schoolId = request.principal?.schoolId ?? (params.schoolId && UUID.test(params.schoolId) ? params.schoolId : null) ?? request.confirmationSchoolId ?? null
      if (!actor || !schoolId) return
      const subjects = new Set((request.auditSubjects ?? []).map((id) => id.toLowerCase()))
      if (params.memberId && UUID.test(params.memberId)) subjects.add(params.memberId.toLowerCase())
      if (params.id && UUID.test(params.id) && (request.routeOptions.url ?? '').startsWith(SCIM_USERS)) subjects.add(params.id.toLowerCase())
      if (kind === 'read') {
        if (actor.kind === 'member') subjects.delete(actor.id)
        if (subjects.size === 0) return
      }
      const target = Object.fromEntries(Object.entries(params).filter(([, value]) => UUID.test(value) || /^[A-Za-z0-9._:@-]{1,200}$/.test(value)))
      buffer.add({
        school_id: schoolId,
        at: new Date().toISOString(),
        kind,
        actor_kind: actor.kind,
        actor_id: actor.id,
        actor_via: actor.via,
        action: `${request.method} ${request.routeOptions.url}`,
        status: reply.statusCode,
        subject_ids: [...subjects],
        target,
        request_id: String(request.id),
      })
    })
    app.addHook('onClose', async () => buffer.flush())
  },
  { name: 'audit', dependencies: ['auth'] },
)
