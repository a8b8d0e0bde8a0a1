// OpenAPI 3.1 generated from the route schemas; the committed openapi.yaml is this output
// (npm run openapi) and a test fails when they differ. /docs serves it with Swagger UI.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'

type OpenApiDocument = {
  components?: { headers?: Record<string, unknown> }
  paths?: Record<string, Record<string, { parameters?: unknown[]; responses?: Record<string, { description?: string; headers?: Record<string, unknown>; content?: unknown }> }>>
}

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } })

/** Every school POST takes an Idempotency-Key (idempotency.ts); declared here rather than in each route. */
function withIdempotencyKey(document: OpenApiDocument) {
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    const operation = operations.post
    if (!operation || !path.startsWith('/v1/') || path.startsWith('/v1/oauth/') || path === '/v1/schools') continue
    operation.parameters = [
      ...(operation.parameters ?? []),
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Makes a retry safe: the same key and body within IDEMPOTENCY_KEY_TTL_HOURS (24) replay the first response ' +
          '(with Idempotent-Replayed: true) instead of acting again. A UUID is a good key; a Structured Fields string ("…") or the bare text.',
        schema: { type: 'string', minLength: 1, maxLength: 257, pattern: '^("[\\x20-\\x7E]{1,255}"|[\\x21-\\x7E][\\x20-\\x7E]{0,254})$' },
      },
    ]
    operation.responses = {
      ...operation.responses,
      '409': operation.responses?.['409'] ?? problem('Conflicts with the current state, or a request with this Idempotency-Key is still running (retry after Retry-After)'),
      '422': problem('This Idempotency-Key was used for a different request'),
    }
  }
  return document
}

/**
 * A query parameter with a default may be left out: the validator fills in the default, and the
 * document says so. The route schemas list such fields as required (so that handlers see them set),
 * which the generator would otherwise publish as `required: true`, and generated clients and
 * validating gateways would then refuse requests the service accepts.
 */
function withDefaultsOptional(document: OpenApiDocument) {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const parameter of (operation.parameters ?? []) as Array<{ in?: string; required?: boolean; schema?: { default?: unknown } }>) {
        if (parameter.in === 'query' && parameter.required && parameter.schema?.default !== undefined) delete parameter.required
      }
    }
  }
  return document
}

const ref = (name: string) => ({ $ref: `#/components/headers/${name}` })

/**
 * Headers that plugins add to responses across the whole API (rate-limit.ts, @fastify/cors, the
 * error handler), declared once here rather than in every route schema.
 */
function withCommonHeaders(document: OpenApiDocument) {
  const integer = (description: string) => ({ description, schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000 } })
  document.components = {
    ...document.components,
    headers: {
      'X-RateLimit-Limit': integer('Requests allowed in the current window'),
      'X-RateLimit-Remaining': integer('Requests left in the current window'),
      'X-RateLimit-Reset': integer('Seconds until the window resets'),
      'Retry-After': integer('Seconds to wait before retrying'),
      'Access-Control-Allow-Origin': {
        description: 'Present when the request\'s Origin is one of the configured CORS_ORIGINS',
        schema: { type: 'string', maxLength: 2000, format: 'uri' },
      },
    },
  }
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        response.headers = {
          ...response.headers,
          ...(/^[24]/.test(status)
            ? { 'X-RateLimit-Limit': ref('X-RateLimit-Limit'), 'X-RateLimit-Remaining': ref('X-RateLimit-Remaining'), 'X-RateLimit-Reset': ref('X-RateLimit-Reset') }
            : {}),
          ...(status === '429' || status === '503' || status === '409' ? { 'Retry-After': ref('Retry-After') } : {}),
          'Access-Control-Allow-Origin': ref('Access-Control-Allow-Origin'),
        }
      }
    }
  }
  return document
}

/** The names of the shared error responses, by status; a second variant of a status is named below. */
const ERROR_RESPONSE_NAMES: Record<string, string> = {
  '400': 'BadRequest', '401': 'Unauthorized', '403': 'Forbidden', '404': 'NotFound', '409': 'Conflict', '413': 'PayloadTooLarge',
  '422': 'IdempotencyKeyReused', '429': 'TooManyRequests', '500': 'InternalError', '503': 'ServiceUnavailable',
}

/**
 * Every problem+json response is defined once under components.responses and referred to: the same
 * 400, 401, 403, 429, 500 and 503 (with their headers) would otherwise be written out in each of a
 * hundred operations. Responses that differ (another description) get their own component.
 */
function withSharedResponses(document: OpenApiDocument & { components?: { responses?: Record<string, unknown> } }) {
  const responses: Record<string, unknown> = {}
  const names = new Map<string, string>()
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const content = response.content as Record<string, unknown> | undefined
        if (!content || Object.keys(content).join() !== 'application/problem+json') continue
        const key = JSON.stringify(response)
        let name = names.get(key)
        if (!name) {
          const base = ERROR_RESPONSE_NAMES[status] ?? `Status${status}`
          name = base
          for (let variant = 2; name in responses; variant++) name = `${base}${variant}`
          names.set(key, name)
          responses[name] = response
        }
        operation.responses![status] = { $ref: `#/components/responses/${name}` } as never
      }
    }
  }
  document.components = { ...document.components, responses: { ...document.components?.responses, ...responses } }
  return document
}

export default fp(
  async function openapiPlugin(app: FastifyInstance, options: { config: Config; webhooks: () => Record<string, unknown> }) {
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
        servers: [{ url: '/', description: 'This deployment (production, staging or local)', 'x-internal': false } as never],
        tags: [
          { name: 'operations', description: 'Health and discovery' },
          { name: 'auth', description: 'Tokens and the caller' },
          { name: 'schools', description: 'Schools (platform operators)' },
          { name: 'identity-providers', description: 'A school\'s single sign-on (school admins)' },
          { name: 'integration-clients', description: 'A school\'s OAuth clients (school admins)' },
          { name: 'members', description: 'Members of a school, provisioned by its portal' },
          { name: 'scim', description: 'SCIM 2.0 (RFC 7643/7644) provisioning of members by the school\'s identity provider, with an integration client\'s scim scope' },
          { name: 'contacts', description: 'A student\'s network of professionals' },
          { name: 'outreach', description: 'Attempts to reach contacts, and reply rates' },
          { name: 'referrals', description: '"X suggested I talk to Y", and the network they form' },
          { name: 'meetings', description: 'Informational interviews and job shadows, from request to thank-you, with the guide\'s seven steps per meeting' },
          { name: 'perspectives', description: 'One view of many: whom a student has heard from, and whom to reach next' },
          { name: 'questions', description: 'The school\'s question bank and the question checker (closed, answerable from public sources, topics)' },
          { name: 'calendar', description: 'Meetings as iCalendar, and revocable calendar feeds' },
          { name: 'hosts', description: 'Alumni who volunteer as hosts: profiles, availability, capacity, suggestions and load' },
          { name: 'host-requests', description: 'Requests to alumni hosts: sent to several at once, accepted, declined, withdrawn or expired' },
          { name: 'programs', description: 'Cohort programmes such as a shadow week, and their optimal assignment runs' },
          { name: 'audit', description: 'The audit log of writes and of reads of members\' personal data, and each member\'s disclosure log' },
          { name: 'privacy', description: 'A member\'s data: export (GDPR Art. 20) and erasure (Art. 17)' },
          { name: 'webhooks', description: 'Signed event deliveries (Standard Webhooks) to a school\'s endpoints, with a delivery log' },
        ],
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description:
                'A JWT from the school\'s identity provider, or one this service issued. Tokens are verified as RFC8725 ' +
                '(JWT best current practices) asks: asymmetric algorithms only, never "none" or HMAC, issuer and audience checked.',
            },

            confirmationLink: {
              type: 'apiKey',
              in: 'query',
              name: 'link',
              description: 'A meeting confirmation link\'s signed part (GET /v1/meetings/{id}/confirmation-links): it names one meeting and one party, and expires 14 days after the meeting',
            },
            clientCredentials: {
              type: 'oauth2',
              description: 'Short-lived JWTs (RFC8725) from the client credentials grant; a client asks the token URL again for a new one.',
              flows: { clientCredentials: { tokenUrl: '/v1/oauth/token', refreshUrl: '/v1/oauth/token', scopes: { 'members:read': 'Read members', 'members:write': 'Provision members', 'reports:read': 'Read reports', 'webhooks:manage': 'Manage webhook subscriptions and redeliver' } } },
            },
          },
        },
        security: [{ bearer: [] }, { clientCredentials: [] }],
      },
      // GraphQL (and GraphiQL, served outside production) is described by its own schema, not by OpenAPI.
      transform: ({ schema, url, ...rest }) => ({ schema: url.startsWith('/graphql') || url.startsWith('/graphiql') ? { ...schema, hide: true } : schema, url, ...rest }),
      transformObject: (documentObject) =>
        ({
          ...withSharedResponses(withCommonHeaders(withIdempotencyKey(withDefaultsOptional(('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject) as OpenApiDocument)))),
          // The events the service sends (OpenAPI 3.1 `webhooks`), described by the module that sends them.
          webhooks: options.webhooks(),
        }),
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => String(json.$id ?? `def-${index}`) },
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
  },
  { name: 'openapi' },
)
