import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { policy } from '../../infra/auth/policy.js'
import { responses, Uuid } from '../../infra/http/schemas.js'
import { Perspectives, PerspectivesQuery } from './schemas.js'
import { studentPerspectives } from './service.js'

export default async function perspectiveRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(Perspectives)

  const summary =
    'One view of many: who a student has heard from (people, organizations, industries, occupations, by meeting kind and month), ' +
    'their fields of interest with one view or none, and whom to reach next (students: their own)'
  const params = Type.Object({ memberId: Uuid })
  app.get('/v1/members/:memberId/perspectives', {
    config: { access: policy('conversations:read') },
    schema: { operationId: 'getStudentPerspectives', tags: ['perspectives'], summary, params, querystring: PerspectivesQuery, response: responses({ 200: Type.Ref('Perspectives') }, [404]) },
    handler: async (request) => studentPerspectives(app.database, request.tenant, request.principal!, request.params.memberId, request.query, app.clock()),
  })
}
