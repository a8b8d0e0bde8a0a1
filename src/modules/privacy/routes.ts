import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { discloseExactly } from '../../infra/http/audit.js'
import { notFound } from '../../infra/http/problem.js'
import { responses, Timestamp, Uuid } from '../../infra/http/schemas.js'
import { MEMBER_DATA } from './data-map.js'
import { EXPORT_FORMAT, eraseMember, exportMember } from './service.js'

const tags = ['privacy']
const MemberPath = Type.Object({ memberId: Uuid })

const MemberExport = Type.Object(
  {
    format: Type.Literal(EXPORT_FORMAT),
    exportedAt: Timestamp,
    schoolId: Uuid,
    memberId: Uuid,
    data: Type.Object(
      Object.fromEntries(MEMBER_DATA.map((entry) => [
        entry.section,
        entry.single
          ? Type.Union([Type.Null(), Type.Object({}, { additionalProperties: true })], { description: `The ${entry.table} row (columns as stored)` })
          : Type.Array(Type.Object({}, { additionalProperties: true }), {
              maxItems: 1_000_000,
              description: entry.description ?? (entry.match === 'meeting' ? `Rows of ${entry.table} of the member's meetings, as student or as host (columns as stored)` : `Rows of ${entry.table} whose ${entry.column} is the member (columns as stored${entry.omit ? `, without ${entry.omit.join(', ')}` : ''})`),
            }),
      ])),
      { additionalProperties: false },
    ),
  },
  {
    title: 'MemberExport',
    description: 'Everything Vantage holds about a member, by table (GDPR Art. 15 and 20). Of other people, only what is the member\'s: another student\'s contact record of them is only a date, and a student who opted out of directory information is not named',
  },
)

const Erasure = Type.Object(
  {
    memberId: Uuid,
    erasedAt: Timestamp,
    alreadyErased: Type.Boolean({ description: 'True when an earlier request had erased the member; nothing changed now' }),
  },
  { title: 'Erasure' },
)

export default async function privacyRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/v1/members/:memberId/export', {
    config: { access: policy('school:read') },
    schema: {
      operationId: 'exportMember',
      tags,
      summary: 'Everything Vantage holds about a member, as one JSON document: for the member themselves, and the same document for school admins',
      params: MemberPath,
      response: responses({ 200: MemberExport }, [404]),
    },
    handler: async (request) => {
      const principal = request.principal!
      // Only school admins and the member; anyone else gets the same 404 as for no such member. An
      // admin gets the member's own document (the answer to the member's request), nothing more.
      if (!(principal.roles as readonly string[]).includes('school_admin') && principal.memberId !== request.params.memberId) throw notFound('member')
      const { document, others } = await exportMember(request.tenant, request.params.memberId, app.clock())
      discloseExactly(request, others)
      return document
    },
  })

  app.post('/v1/members/:memberId/erase', {
    config: { access: policy('school:administer') },
    schema: {
      operationId: 'eraseMember',
      tags,
      summary: 'Erase a member\'s personal data everywhere, keeping anonymous counts for reports; announces member.erased',
      params: MemberPath,
      response: responses({ 200: Erasure }, [404]),
    },
    handler: async (request) => eraseMember(request.tenant, request.params.memberId, app.clock()),
  })
}
