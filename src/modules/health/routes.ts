// Liveness says the process runs; readiness says it can serve: the database answers and the
// service is not shutting down (load balancers stop sending traffic before in-flight work ends).
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Problem } from '../../infra/http/problem.js'
import { responses } from '../../infra/http/schemas.js'

const Health = Type.Object({ status: Type.Literal('ok') })

const Link = Type.String({ maxLength: 100 })
const Index = Type.Object(
  {
    name: Type.Literal('Vantage API'),
    links: Type.Object(
      {
        openapi: Link,
        docs: Link,
        graphql: Link,
        graphiql: Type.Optional(Link),
        me: Link,
        health: Link,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: 'Where to go from the API\'s address: its documents and entry points' },
)

export default async function healthRoutes(app: FastifyInstance) {
  // The address the start-up banner prints as the API's: a small index rather than a 404.
  app.get('/v1', {
    config: { public: true },
    schema: { operationId: 'getApiIndex', tags: ['operations'], summary: 'The API\'s index: links to its documents (OpenAPI, GraphQL) and first entry points', security: [], response: responses({ 200: Index }) },
    handler: async () => ({
      name: 'Vantage API' as const,
      links: {
        openapi: '/docs/json',
        docs: '/docs',
        graphql: '/graphql',
        ...(app.config.graphiqlEnabled ? { graphiql: '/graphiql' } : {}),
        me: '/v1/me',
        health: '/health/ready',
      },
    }),
  })

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
