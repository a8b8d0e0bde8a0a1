// OpenAPI 3.1 generated from the route schemas; the committed openapi.yaml is this output
// (npm run openapi) and a test fails when they differ. /docs serves it with Swagger UI.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'

export default fp(
  async function openapiPlugin(app: FastifyInstance, options: { config: Config }) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Vantage API',
          version: '1.0.0',
          description:
            'Multi-tenant backend for students\' career exploration. Every request acts within the school ' +
            'named by its verified token; errors are application/problem+json (RFC 9457).',
          license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
          contact: { name: 'Vantage' },
        },
        servers: [{ url: '/', description: 'This deployment' }],
        tags: [
          { name: 'operations', description: 'Health and discovery' },
          { name: 'auth', description: 'Tokens and the caller' },
          { name: 'schools', description: 'Schools (platform operators)' },
          { name: 'identity-providers', description: 'A school\'s single sign-on (school admins)' },
          { name: 'integration-clients', description: 'A school\'s OAuth clients (school admins)' },
          { name: 'members', description: 'Members of a school, provisioned by its portal' },
        ],
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description: 'A token from the school\'s identity provider, or one this service issued',
            },
            clientCredentials: {
              type: 'oauth2',
              flows: { clientCredentials: { tokenUrl: '/v1/oauth/token', scopes: { 'members:read': 'Read members', 'members:write': 'Provision members', 'reports:read': 'Read reports' } } },
            },
          },
        },
        security: [{ bearer: [] }, { clientCredentials: [] }],
      },
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => String(json.$id ?? `def-${index}`) },
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
  },
  { name: 'openapi' },
)
