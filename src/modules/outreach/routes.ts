import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { responses, Uuid } from '../../infra/http/schemas.js'
import { CreateOutreach, Outreach, OutreachStats, OutreachStatsQuery, UpdateOutreach } from './schemas.js'
import { listOutreach, logOutreach, outreachStats, recordOutcome } from './service.js'

const tags = ['outreach']
const ContactPath = Type.Object({ contactId: Uuid })

export default async function outreachRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(Outreach)
  const OutreachRef = Type.Ref('Outreach')

  app.post('/v1/contacts/:contactId/outreach', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'logOutreach',
      tags,
      summary: 'Log an attempt to reach one of your contacts',
      params: ContactPath,
      body: CreateOutreach,
      response: responses({ 201: OutreachRef }, [404]),
    },
    handler: async (request, reply) =>
      reply.code(201).send(await logOutreach(request.tenant, request.principal!, request.params.contactId, request.body, app.clock())),
  })

  app.get('/v1/contacts/:contactId/outreach', {
    config: { access: policy('conversations:read') },
    schema: {
      operationId: 'listOutreach',
      tags,
      summary: 'The attempts to reach a contact, oldest first',
      params: ContactPath,
      response: responses({ 200: Type.Object({ items: Type.Array(OutreachRef, { maxItems: 500 }) }) }, [404]),
    },
    handler: async (request) => listOutreach(request.tenant, request.principal!, request.params.contactId),
  })

  app.patch('/v1/contacts/:contactId/outreach/:outreachId', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'recordOutreachOutcome',
      tags,
      summary: 'Record how an attempt turned out',
      params: Type.Object({ contactId: Uuid, outreachId: Uuid }),
      body: UpdateOutreach,
      response: responses({ 200: OutreachRef }, [404]),
    },
    handler: async (request) =>
      recordOutcome(request.tenant, request.principal!, request.params.contactId, request.params.outreachId, request.body, app.clock()),
  })

  app.get('/v1/outreach/stats', {
    config: { access: policy('conversations:read') },
    schema: {
      operationId: 'getOutreachStats',
      tags,
      summary: 'Reply rates by contact source and by channel: yours, or (advisors, admins) a student\'s or the school\'s',
      querystring: OutreachStatsQuery,
      response: responses({ 200: OutreachStats }, [404]),
    },
    handler: async (request) => outreachStats(request.tenant, request.principal!, request.query.studentId),
  })
}
