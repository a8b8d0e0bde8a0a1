// Liveness says the process runs; readiness says it can serve: the database answers and the
// service is not shutting down (load balancers stop sending traffic before in-flight work ends).
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Problem } from '../../infra/http/problem.js'
import { responses } from '../../infra/http/schemas.js'

const Health = Type.Object({ status: Type.Literal('ok') })

export default async function healthRoutes(app: FastifyInstance) {
  app.get('/health/live', {
    config: { public: true },
    schema: { operationId: 'getLiveness', tags: ['operations'], summary: 'Liveness', security: [], response: responses({ 200: Health }) },
    handler: async () => ({ status: 'ok' as const }),
  })

  app.get('/health/ready', {
    config: { public: true },
    schema: { operationId: 'getReadiness', tags: ['operations'], summary: 'Readiness: the database answers and the service is not shutting down', security: [], response: responses({ 200: Health }) },
    handler: async () => {
      if (app.lifecycle.shuttingDown) throw new Problem('service-unavailable', 'The service is shutting down')
      await app.database.ping()
      return { status: 'ok' as const }
    },
  })
}
