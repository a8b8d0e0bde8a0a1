import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Page, PageQuery, responses, Uuid } from '../../infra/http/schemas.js'
import { tenantOfPath } from '../schools/service.js'
import { CreateIntegrationClient, IntegrationClient, IntegrationClientWithSecret, UpdateIntegrationClient } from './schemas.js'
import {
  createIntegrationClient,
  deleteIntegrationClient,
  getIntegrationClient,
  listIntegrationClients,
  rotateIntegrationClientSecret,
  updateIntegrationClient,
} from './service.js'

const admins = { access: policy('school:configure') }
const SchoolPath = Type.Object({ schoolId: Uuid })
const ClientPath = Type.Object({ schoolId: Uuid, clientId: Uuid })
const tags = ['integration-clients']

export default async function integrationClientRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(IntegrationClient)
  const ClientRef = Type.Ref('IntegrationClient')
  const base = '/v1/schools/:schoolId/integration-clients'

  app.post(base, {
    config: admins,
    schema: { operationId: 'createIntegrationClient', tags, summary: 'Create an integration client (the secret is shown once)', params: SchoolPath, body: CreateIntegrationClient, response: responses({ 201: IntegrationClientWithSecret }, [404]) },
    handler: async (request, reply) => {
      const tenant = await tenantOfPath(request, request.params.schoolId)
      const school = await app.database.platform.school.findUniqueOrThrow({ where: { id: tenant.schoolId }, select: { slug: true } })
      return reply.code(201).send(await createIntegrationClient(tenant, school.slug, request.body))
    },
  })

  app.get(base, {
    config: admins,
    schema: {
      operationId: 'listIntegrationClients',
      tags,
      summary: 'List the school\'s integration clients',
      params: SchoolPath,
      querystring: Type.Object(PageQuery, { additionalProperties: false }),
      response: responses({ 200: Page(ClientRef, 'A page of integration clients') }, [404]),
    },
    handler: async (request) => listIntegrationClients(await tenantOfPath(request, request.params.schoolId), request.query),
  })

  app.get(`${base}/:clientId`, {
    config: admins,
    schema: { operationId: 'getIntegrationClient', tags, summary: 'Read an integration client', params: ClientPath, response: responses({ 200: ClientRef }, [404]) },
    handler: async (request) => getIntegrationClient(await tenantOfPath(request, request.params.schoolId), request.params.clientId),
  })

  app.patch(`${base}/:clientId`, {
    config: admins,
    schema: { operationId: 'updateIntegrationClient', tags, summary: 'Rename, rescope, enable or disable an integration client', params: ClientPath, body: UpdateIntegrationClient, response: responses({ 200: ClientRef }, [404]) },
    handler: async (request) => updateIntegrationClient(await tenantOfPath(request, request.params.schoolId), request.params.clientId, request.body),
  })

  app.post(`${base}/:clientId/secret`, {
    config: admins,
    schema: { operationId: 'rotateIntegrationClientSecret', tags, summary: 'Replace the client\'s secret', params: ClientPath, response: responses({ 200: IntegrationClientWithSecret }, [404]) },
    handler: async (request) => rotateIntegrationClientSecret(await tenantOfPath(request, request.params.schoolId), request.params.clientId),
  })

  app.delete(`${base}/:clientId`, {
    config: admins,
    schema: { operationId: 'deleteIntegrationClient', tags, summary: 'Delete an integration client', params: ClientPath, response: responses({ 204: Type.Null({ description: 'Deleted' }) }, [404]) },
    handler: async (request, reply) => {
      await deleteIntegrationClient(await tenantOfPath(request, request.params.schoolId), request.params.clientId)
      return reply.code(204).send(null)
    },
  })
}
