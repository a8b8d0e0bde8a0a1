// Authentication and authorization for every route. A route is either `config: { public: true }`
// or declares `config: { access }`; a route that declares neither cannot be registered (deny by
// default). The verified token alone decides the school: `request.tenant` is the data handle for
// that school and nothing else.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Database, Tenant } from '../db/database.js'
import { Problem, forbidden } from '../http/problem.js'
import type { Authenticator } from './authenticator.js'
import { policy, POLICY } from './policy.js'
import { type Access, type Principal, isAllowed } from './principal.js'

const ACTIONS = new Set<Access>(Object.values(POLICY))

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without authentication (health, docs, token endpoint, JWKS). */
    public?: boolean
    /** Roles and scopes that may call the route. */
    access?: Access
  }
  interface FastifyRequest {
    principal: Principal | null
    /** The caller's school's data handle; a platform caller has none. */
    readonly tenant: Tenant
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!match) throw new Problem('credentials-missing', 'The Authorization header must be "Bearer <token>"')
  return match[1]
}

/** A 401 must name the scheme to use (RFC 9110 §15.5.2); a rejected token also says so (RFC 6750 §3). */
function withChallenge(error: unknown): unknown {
  if (!(error instanceof Problem) || error.status !== 401) return error
  const challenge = error.code === 'credentials-missing' ? 'Bearer realm="vantage"' : 'Bearer realm="vantage", error="invalid_token"'
  return new Problem(error.code, error.message, {
    extensions: error.extensions,
    headers: { ...error.headers, 'www-authenticate': challenge },
    cause: error.cause,
  })
}

export default fp(
  async function authPlugin(app: FastifyInstance, options: { authenticator: Authenticator; database: Database }) {
    const { authenticator, database } = options

    app.decorateRequest('principal', null)
    app.decorateRequest('tenant', {
      getter(this: FastifyRequest) {
        const schoolId = this.principal?.schoolId
        if (!schoolId) throw forbidden('This operation belongs to a school; platform tokens carry none')
        return database.forSchool(schoolId)
      },
    })

    app.addHook('onRoute', (route) => {
      const config = (route.config ?? {}) as { public?: boolean; access?: Access }
      // Routes registered by plugins: the documentation and GraphiQL are static pages; /graphql
      // takes any authenticated caller and each field checks roles itself.
      // CORS preflight requests carry no credentials by design.
      if (route.url.startsWith('/docs') || route.url.startsWith('/graphiql') || route.method === 'OPTIONS') {
        route.config = { ...config, public: true }
      }
      else if (route.url === '/graphql') route.config = { ...config, access: policy('caller:read') }
      else if (!config.public && !config.access) {
        throw new Error(`route ${route.method} ${route.url} declares neither config.public nor config.access`)
      }
      // One vocabulary: a route's access is an action of policy.ts, not a list of its own.
      else if (config.access && !ACTIONS.has(config.access)) {
        throw new Error(`route ${route.method} ${route.url} declares an access that is not an action of policy.ts`)
      }
    })

    app.addHook('onRequest', async (request, reply) => {
      const config = request.routeOptions.config
      if (config.public || request.is404) return
      let principal: Principal
      let token: string | undefined
      try {
        token = bearerToken(request)
      } catch (error) {
        throw withChallenge(error)
      }
      // An address whose tokens were refused too often this minute is not heard until it cools
      // down (rate-limit.ts): checking a forged token can cost a lookup of its issuer.
      const failures = token ? app.authFailures : undefined
      const wait = failures ? failures.retryAfter(request) : 0
      if (wait > 0) {
        throw new Problem('rate-limited', `Too many refused tokens from this address; retry in ${wait} s`, { headers: { 'retry-after': String(wait) } })
      }
      try {
        if (!token) throw new Problem('credentials-missing', 'Send a bearer token in the Authorization header')
        principal = await authenticator.authenticate(token)
      } catch (error) {
        await failures?.record(request)
        throw withChallenge(error)
      }
      request.principal = principal
      // Every later log line of the request, including Fastify's "request completed", names the caller.
      request.log = request.log.child({ schoolId: principal.schoolId, memberId: principal.memberId, principal: principal.kind })
      reply.log = request.log
      if (config.access && !isAllowed(principal, config.access)) throw forbidden()
    })
  },
  { name: 'auth' },
)
