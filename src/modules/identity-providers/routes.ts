import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Page, PageQuery, responses, Uuid } from '../../infra/http/schemas.js'
import { tenantOfPath } from '../schools/service.js'
import { CreateIdentityProvider, IdentityProvider, UpdateIdentityProvider } from './schemas.js'
import {
  createIdentityProvider,
  deleteIdentityProvider,
  getIdentityProvider,
  listIdentityProviders,
  updateIdentityProvider,
} from './service.js'

const admins = { access: policy('school:configure') }
const SchoolPath = Type.Object({ schoolId: Uuid })
const ProviderPath = Type.Object({ schoolId: Uuid, providerId: Uuid })
const tags = ['identity-providers']

export default async function identityProviderRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(IdentityProvider)
  const ProviderRef = Type.Ref('IdentityProvider')
  // Where a JWKS may be fetched from: the outbound policy webhooks follow too (infra/net/destination.ts).
  const jwksPolicy = { allowHttp: app.config.auth.allowHttpJwks, allowedHosts: app.config.auth.jwksAllowedHosts }
  // Issuers no school's provider may take: the service's own (and its address) and the platform operator's.
  const { auth, publicUrl } = app.config
  const reservedIssuers = [auth.issuer, publicUrl, ...(auth.platform ? [auth.platform.issuer] : [])]
  const base = '/v1/schools/:schoolId/identity-providers'

  app.post(base, {
    config: admins,
    schema: { operationId: 'createIdentityProvider', tags, summary: 'Trust an identity provider', params: SchoolPath, body: CreateIdentityProvider, response: responses({ 201: ProviderRef }, [404, 409]) },
    handler: async (request, reply) =>
      reply.code(201).send(
        await createIdentityProvider(await tenantOfPath(request, request.params.schoolId), request.body, jwksPolicy, request.principal!.kind === 'platform', reservedIssuers),
      ),
  })

  app.get(base, {
    config: admins,
    schema: {
      operationId: 'listIdentityProviders',
      tags,
      summary: 'List the school\'s identity providers',
      params: SchoolPath,
      querystring: Type.Object(PageQuery, { additionalProperties: false }),
      response: responses({ 200: Page(ProviderRef, 'A page of identity providers') }, [404]),
    },
    handler: async (request) => listIdentityProviders(await tenantOfPath(request, request.params.schoolId), request.query),
  })

  app.get(`${base}/:providerId`, {
    config: admins,
    schema: { operationId: 'getIdentityProvider', tags, summary: 'Read an identity provider', params: ProviderPath, response: responses({ 200: ProviderRef }, [404]) },
    handler: async (request) => getIdentityProvider(await tenantOfPath(request, request.params.schoolId), request.params.providerId),
  })

  app.patch(`${base}/:providerId`, {
    config: admins,
    schema: { operationId: 'updateIdentityProvider', tags, summary: 'Change an identity provider', params: ProviderPath, body: UpdateIdentityProvider, response: responses({ 200: ProviderRef }, [404, 409]) },
    handler: async (request) =>
      updateIdentityProvider(
        await tenantOfPath(request, request.params.schoolId),
        request.params.providerId,
        request.body,
        jwksPolicy,
        request.principal!.kind === 'platform',
        reservedIssuers,
      ),
  })

  app.delete(`${base}/:providerId`, {
    config: admins,
    schema: { operationId: 'deleteIdentityProvider', tags, summary: 'Stop trusting an identity provider', params: ProviderPath, response: responses({ 204: Type.Null({ description: 'Deleted' }) }, [404]) },
    handler: async (request, reply) => {
      await deleteIdentityProvider(await tenantOfPath(request, request.params.schoolId), request.params.providerId)
      return reply.code(204).send(null)
    },
  })
}
