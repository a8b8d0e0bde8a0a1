import { schoolOf } from '../schools/settings.js'
import { policy } from '../../infra/auth/policy.js'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { responses, Uuid } from '../../infra/http/schemas.js'
import { SuggestionQuery, Suggestions } from './schemas.js'
import { hostSuggestions } from './suggestions.js'

export default async function matchingRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/v1/members/:memberId/host-suggestions', {
    config: { access: policy('suggestions:read') },
    schema: {
      operationId: 'getHostSuggestions',
      tags: ['hosts'],
      summary: 'Hosts for a student\'s goal, ranked, each with a score in [0, 1] and the reasons (students: their own; advisors, admins: any student)',
      params: Type.Object({ memberId: Uuid }),
      querystring: SuggestionQuery,
      response: responses({ 200: Suggestions }, [404]),
    },
    handler: async (request) => {
      const school = await schoolOf(app.database, request.tenant.schoolId)
      return hostSuggestions(request.tenant, request.principal!, request.params.memberId, request.query, app.clock(), school, app.suggestionCandidates)
    },
  })
}
