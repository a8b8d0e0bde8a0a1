// OAuth 2.0 client credentials (RFC 6749 §4.4) for schools' integration clients, and the public
// keys that verify the tokens this service signs.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Int32, responses, Text } from '../../infra/http/schemas.js'
import { issueClientToken } from './service.js'

const TokenRequest = Type.Object(
  {
    grant_type: Text(100, { description: 'Must be client_credentials' }),
    scope: Type.Optional(Type.String({ maxLength: 500, description: 'Space-separated scopes; defaults to all the client holds' })),
    client_id: Type.Optional(Type.String({ maxLength: 200 })),
    client_secret: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false, description: 'Client credentials: HTTP Basic (client_secret_basic) or in the body (client_secret_post)' },
)

const TokenResponse = Type.Object({
  access_token: Text(4096),
  token_type: Type.Literal('Bearer'),
  expires_in: Int32({ minimum: 1, maximum: 86400 }),
  scope: Text(500),
})

const Jwks = Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 20 }) })

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
  if (!match) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) }
  } catch {
    // Not form-encoded as RFC 6749 §2.3.1 asks (a bare "%"): no usable credentials, so 401 invalid_client, not a 500.
    return undefined
  }
}

export default async function oauthRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()

  app.post('/v1/oauth/token', {
    config: { public: true },
    schema: {
      operationId: 'createToken',
      tags: ['auth'],
      summary: 'Exchange client credentials for an access token',
      security: [],
      body: TokenRequest,
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      response: responses({ 200: TokenResponse }),
    },
    handler: async (request, reply) => {
      const basic = basicCredentials(request.headers.authorization)
      const token = await issueClientToken(app, {
        grantType: request.body.grant_type,
        clientId: basic?.id ?? request.body.client_id,
        clientSecret: basic?.secret ?? request.body.client_secret,
        scope: request.body.scope,
      })
      return reply.header('cache-control', 'no-store').send(token)
    },
  })

  app.get('/.well-known/jwks.json', {
    config: { public: true },
    schema: { operationId: 'getJwks', tags: ['auth'], summary: 'Public keys of the tokens this service signs', security: [], response: responses({ 200: Jwks }) },
    handler: async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(app.keys.publicJwks),
  })
}

