import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { schoolOf } from '../schools/settings.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Page, responses, Uuid } from '../../infra/http/schemas.js'
import { AcceptHostRequest, CreateHostRequests, DeclineHostRequest, HostRequest, HostRequestGroup, HostRequestListQuery } from './schemas.js'
import { acceptHostRequest, createHostRequests, declineHostRequest, getHostRequest, listHostRequests, withdrawHostRequest } from './service.js'

const tags = ['host-requests']
const RequestPath = Type.Object({ requestId: Uuid })
const participants = { access: policy('school:read') }

export default async function hostRequestRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(HostRequest)
  const HostRequestRef = Type.Ref('HostRequest')
  const now = () => app.clock()

  app.post('/v1/host-requests', {
    config: { access: policy('host-requests:send') },
    schema: {
      operationId: 'createHostRequests',
      tags,
      summary: 'Ask one or more alumni hosts (up to the school\'s limit) for an interview or a shadow; the first to accept wins',
      body: CreateHostRequests,
      response: responses({ 201: HostRequestGroup }, [404, 409]),
    },
    handler: async (request, reply) => {
      const { settings } = await schoolOf(app.database, request.tenant.schoolId)
      return reply.code(201).send(await createHostRequests(request.tenant, request.principal!, request.body, now(), settings))
    },
  })

  app.get('/v1/host-requests', {
    config: participants,
    schema: {
      operationId: 'listHostRequests',
      tags,
      summary: 'Requests you sent (students), requests addressed to you (hosts), or the school\'s (advisors, admins)',
      querystring: HostRequestListQuery,
      response: responses({ 200: Page(HostRequestRef, 'A page of host requests, oldest first') }),
    },
    handler: async (request) => listHostRequests(request.tenant, request.principal!, request.query, now()),
  })

  app.get('/v1/host-requests/:requestId', {
    config: participants,
    schema: { operationId: 'getHostRequest', tags, summary: 'Read a host request', params: RequestPath, response: responses({ 200: HostRequestRef }, [404]) },
    handler: async (request) => getHostRequest(request.tenant, request.principal!, request.params.requestId, now()),
  })

  app.post('/v1/host-requests/:requestId/accept', {
    config: { access: policy('host-requests:answer') },
    schema: {
      operationId: 'acceptHostRequest',
      tags,
      summary: 'Accept a request addressed to you: pick one of the proposed slots; the meeting is scheduled and your capacity booked',
      description: 'Refused with 409 capacity-exhausted when the slot would exceed your meetings per month or shadow days per term, and with 409 when the request is no longer pending, the slot clashes with another of your meetings or falls on a blackout date.',
      params: RequestPath,
      body: AcceptHostRequest,
      response: responses({ 200: HostRequestRef }, [404, 409]),
    },
    handler: async (request) =>
      acceptHostRequest(request.tenant, request.principal!, request.params.requestId, request.body, now(), await schoolOf(app.database, request.tenant.schoolId)),
  })

  app.post('/v1/host-requests/:requestId/decline', {
    config: { access: policy('host-requests:answer') },
    schema: {
      operationId: 'declineHostRequest',
      tags,
      summary: 'Decline a request addressed to you, with an optional reason for the student',
      params: RequestPath,
      body: DeclineHostRequest,
      response: responses({ 200: HostRequestRef }, [404, 409]),
    },
    handler: async (request) => declineHostRequest(request.tenant, request.principal!, request.params.requestId, request.body, now()),
  })

  app.post('/v1/host-requests/:requestId/withdraw', {
    config: { access: policy('host-requests:send') },
    schema: {
      operationId: 'withdrawHostRequest',
      tags,
      summary: 'Withdraw a request you sent that is still pending (its meeting is cancelled)',
      params: RequestPath,
      response: responses({ 200: HostRequestRef }, [404, 409]),
    },
    handler: async (request) => withdrawHostRequest(request.tenant, request.principal!, request.params.requestId, now()),
  })
}
