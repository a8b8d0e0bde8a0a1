import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Page, responses, Uuid } from '../../infra/http/schemas.js'
import { Host, HostInput, HostListQuery } from './schemas.js'
import { expireOverdueRequests } from '../host-requests/booking.js'
import { getHost, listHosts, upsertHost } from './service.js'

const tags = ['hosts']
const HostPath = Type.Object({ memberId: Uuid })
const schoolMembers = { access: policy('school:read') }
const keepers = { access: policy('hosts:keep') }

export default async function hostRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(Host)
  const HostRef = Type.Ref('Host')

  app.put('/v1/hosts/:memberId', {
    config: keepers,
    schema: {
      operationId: 'putHost',
      tags,
      summary: 'Volunteer as a host, or replace your host profile (an alumnus for themselves; a school admin for any alumnus)',
      description:
        'Overlapping or touching weekly windows and blackout ranges are merged (the response shows the stored form); a window or blackout that ends before it starts is refused.',
      params: HostPath,
      body: HostInput,
      response: responses({ 200: HostRef, 201: HostRef }, [404, 409]),
    },
    handler: async (request, reply) => {
      const { host, created } = await upsertHost(request.tenant, request.principal!, request.params.memberId, request.body, app.clock())
      return reply.code(created ? 201 : 200).send(host)
    },
  })

  app.get('/v1/hosts', {
    config: schoolMembers,
    schema: {
      operationId: 'listHosts',
      tags,
      summary: 'List the school\'s hosts (private contact details only for the host, advisors and admins)',
      querystring: HostListQuery,
      response: responses({ 200: Page(HostRef, 'A page of hosts') }),
    },
    handler: async (request) => {
      // Response rates count requests that expired unanswered: sweep them first.
      await expireOverdueRequests(request.tenant.db, request.tenant.schoolId, app.clock())
      return listHosts(request.tenant, request.principal!, request.query)
    },
  })

  app.get('/v1/hosts/:memberId', {
    config: schoolMembers,
    schema: { operationId: 'getHost', tags, summary: 'Read a host profile', params: HostPath, response: responses({ 200: HostRef }, [404]) },
    handler: async (request) => {
      await expireOverdueRequests(request.tenant.db, request.tenant.schoolId, app.clock())
      return getHost(request.tenant, request.principal!, request.params.memberId)
    },
  })
}
