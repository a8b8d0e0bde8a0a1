// GET /v1/me: who the token says the caller is, as the service resolved it.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { responses } from '../../infra/http/schemas.js'
import { Me } from './schemas.js'
import { describeCaller } from './service.js'

export default async function meRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(Me)
  app.get('/v1/me', {
    config: { access: policy('caller:read') },
    schema: { operationId: 'getMe', tags: ['auth'], summary: 'The caller: school, member, roles and scopes', response: responses({ 200: Type.Ref('Me') }) },
    handler: async (request) => describeCaller(app.database, request.principal!),
  })
}
