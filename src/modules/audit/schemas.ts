// The audit log's wire format: an event, the school admins' query, and a page of events.
import { Type, type Static } from 'typebox'
import { Int32, Nullable, PageQuery, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'

export const AuditEvent = Type.Object(
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
export const AuditQuery = Type.Object(
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

export const AuditPage = (description: string) => Type.Object({ items: Type.Array(Type.Ref('AuditEvent'), { maxItems: 100 }), nextCursor: Type.Union([Text(200), Type.Null()]) }, { description })

export type AuditQueryBody = Static<typeof AuditQuery>
