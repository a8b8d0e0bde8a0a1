// SCIM 2.0 (RFC 7643, RFC 7644) at /scim/v2, for a school's identity provider: the discovery
// endpoints, and Users as the school's members. Callers are the school's integration clients with the
// `scim` scope (a bearer token from POST /oauth/token), under the same tenant isolation as /v1.
// Requests and answers are application/scim+json (plain JSON is accepted too); every error is a SCIM
// error body (RFC 7644 §3.12) with the status as a string and, where it applies, a scimType.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { policy } from '../../infra/auth/policy.js'
import { Int32 } from '../../infra/http/schemas.js'
import { logProblem, toProblem } from '../../infra/http/errors.js'
import { schoolOf } from '../schools/settings.js'
import { discovery, SCHEMA_IDS } from './discovery.js'
import { ERROR_SCHEMA, ScimError } from './mapping.js'
import { createUser, DEFAULT_COUNT, deleteUser, getUser, listUsers, MAX_COUNT, patchUser, replaceUser, type ScimContext } from './service.js'

const SCIM_JSON = 'application/scim+json'
const tags = ['scim']
const access = { access: policy('members:scim') }

const ScimErrorBody = Type.Object(
  {
    schemas: Type.Array(Type.Literal(ERROR_SCHEMA), { maxItems: 1 }),
    status: Type.String({ pattern: '^[1-5][0-9]{2}$', maxLength: 3 }),
    scimType: Type.Optional(Type.String({ maxLength: 40 })),
    detail: Type.String({ maxLength: 2000 }),
  },
  { $id: 'ScimError', title: 'ScimError', description: 'RFC 7644 §3.12' },
)
const Resource = Type.Object({}, { additionalProperties: true, description: 'A SCIM resource (RFC 7643)' })
const scim = (schema: object, description: string) => ({ description, content: { [SCIM_JSON]: { schema } } })

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request (scimType: invalidFilter, invalidSyntax, invalidValue, mutability)',
  401: 'No valid token',
  403: 'The client lacks the scim scope, or the User is a school admin the school has not put under SCIM (scimRoleMapping)',
  404: 'No such resource in this school',
  409: 'userName already taken (scimType: uniqueness)',
  412: 'If-Match names an older version',
  429: 'Too many requests',
  500: 'Server error',
  503: 'Temporarily unavailable',
}
function answers(success: Record<number, object>, errors: number[]) {
  const all = [400, 401, 403, 429, 500, 503, ...errors]
  return { ...success, ...Object.fromEntries(all.map((status) => [status, scim(Type.Ref('ScimError'), ERROR_DESCRIPTIONS[status]!)])) }
}

const IdPath = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9-]+$' }) })
const ListQuery = Type.Object(
  {
    filter: Type.Optional(Type.String({ maxLength: 1000, description: 'RFC 7644 §3.4.2.2, on userName, externalId, emails, name.givenName, name.familyName, active, id (eq, ne, co, sw, ew, pr, and, or, not)' })),
    startIndex: Type.Optional(Int32({ minimum: 1, maximum: 2147483647, description: '1-based index of the first result (default 1)' })),
    count: Type.Optional(Int32({ minimum: 0, maximum: 2147483647, description: `Results per page (default ${DEFAULT_COUNT}, at most ${MAX_COUNT})` })),
  },
  { additionalProperties: true },
)
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200, description: 'A version (meta.version, the ETag) the change applies to; 412 when the User changed since' })) })

export default async function scimRoutes(instance: FastifyInstance) {
  await instance.register(async (scoped) => {
    const app = scoped.withTypeProvider<TypeBoxTypeProvider>()
    app.addSchema(ScimErrorBody)
    // Fastify's own JSON parsing (secure-json-parse), which refuses __proto__ and constructor.prototype
    // keys, as it does for application/json.
    const json = app.getDefaultJsonParser('error', 'error')
    app.addContentTypeParser(SCIM_JSON, { parseAs: 'string', bodyLimit: 256 * 1024 }, (request, body, done) => {
      json(request, body as string, (error, value) => {
        if (!error) return done(null, value)
        done(new ScimError(400, 'invalidSyntax', /prototype/i.test(error.message) ? 'The body names __proto__ or constructor.prototype, which no User has' : 'The body is not JSON'), undefined)
      })
    })
    app.setErrorHandler((error, request, reply) => {
      if (error instanceof ScimError) return sendError(reply, error.status, error.scimType, error.message)
      const problem = toProblem(error as Error, request)
      logProblem(request, problem, error)
      reply.headers(problem.headers)
      const scimType = problem.status === 400 ? (problem.code === 'validation-failed' ? 'invalidValue' : 'invalidSyntax') : null
      // A SCIM error has no place for the fields of a problem: they are named in its detail.
      const errors = (problem.extensions.errors ?? []) as Array<{ field: string; message: string }>
      const detail = errors.length ? `${problem.message}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}` : problem.message
      return sendError(reply, problem.status, scimType, detail.slice(0, 2000))
    })
    app.addHook('onSend', async (_request, reply, payload) => {
      if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) reply.header('content-type', `${SCIM_JSON}; charset=utf-8`)
      return payload
    })

    const context = async (request: FastifyRequest): Promise<ScimContext> => ({
      tenant: request.tenant,
      base: `${app.config.publicUrl}/scim/v2`,
      roleMapping: (await schoolOf(app.database, request.tenant.schoolId)).settings.scimRoleMapping,
    })

    for (const [path, operationId, summary, body] of [
      ['/scim/v2/ServiceProviderConfig', 'getScimServiceProviderConfig', 'What this SCIM service supports (RFC 7643 §5)', () => discovery(app.config.publicUrl).serviceProviderConfig],
      ['/scim/v2/ResourceTypes', 'listScimResourceTypes', 'The resource types (User)', () => discovery(app.config.publicUrl).resourceTypes],
      ['/scim/v2/Schemas', 'listScimSchemas', 'The schemas of User and of the Vantage extension', () => discovery(app.config.publicUrl).schemas],
    ] as const) {
      app.get(path, { config: access, schema: { operationId, tags, summary, response: answers({ 200: scim(Resource, 'The answer') }, []) }, handler: async () => body() })
    }
    app.get('/scim/v2/ResourceTypes/:id', {
      config: access,
      schema: { operationId: 'getScimResourceType', tags, summary: 'One resource type', params: IdPath, response: answers({ 200: scim(Resource, 'The resource type') }, [404]) },
      handler: async (request) => {
        const found = discovery(app.config.publicUrl).resourceTypes.Resources.find((r) => r.id === request.params.id)
        if (!found) throw new ScimError(404, null, `No resource type ${request.params.id}`)
        return found
      },
    })
    app.get('/scim/v2/Schemas/:id', {
      config: access,
      schema: { operationId: 'getScimSchema', tags, summary: `One schema (${SCHEMA_IDS.join(', ')})`, params: Type.Object({ id: Type.String({ maxLength: 200, pattern: '^urn:[A-Za-z0-9:._-]+$' }) }), response: answers({ 200: scim(Resource, 'The schema') }, [404]) },
      handler: async (request) => {
        const found = discovery(app.config.publicUrl).schemas.Resources.find((r) => r.id === request.params.id)
        if (!found) throw new ScimError(404, null, 'No such schema')
        return found
      },
    })

    app.get('/scim/v2/Users', {
      config: access,
      schema: { operationId: 'listScimUsers', tags, summary: 'The school\'s members as SCIM Users, filtered and paged', querystring: ListQuery, response: answers({ 200: scim(Resource, 'A ListResponse') }, []) },
      handler: async (request) => listUsers(await context(request), request.query),
    })
    app.post('/scim/v2/Users', {
      config: access,
      schema: { operationId: 'createScimUser', tags, summary: 'Provision a member (a new one, or one deleted through SCIM, brought back)', body: Resource, response: answers({ 201: scim(Resource, 'The User created') }, [409]) },
      handler: async (request, reply) => {
        const user = await createUser(await context(request), request.body as Record<string, unknown>)
        return reply.code(201).header('location', user.meta.location).header('etag', user.meta.version).send(user)
      },
    })
    app.get('/scim/v2/Users/:id', {
      config: access,
      schema: { operationId: 'getScimUser', tags, summary: 'One User', params: IdPath, response: answers({ 200: scim(Resource, 'The User') }, [404]) },
      handler: async (request, reply) => withVersion(reply, await getUser(await context(request), request.params.id)),
    })
    app.put('/scim/v2/Users/:id', {
      config: access,
      schema: { operationId: 'replaceScimUser', tags, summary: 'Replace a User', params: IdPath, headers: IfMatch, body: Resource, response: answers({ 200: scim(Resource, 'The User') }, [404, 409, 412]) },
      handler: async (request, reply) => withVersion(reply, await replaceUser(await context(request), request.params.id, request.body as Record<string, unknown>, request.headers['if-match'])),
    })
    app.patch('/scim/v2/Users/:id', {
      config: access,
      schema: { operationId: 'patchScimUser', tags, summary: 'Change a User: add, replace and remove, with or without paths (RFC 7644 §3.5.2); active=false deactivates and keeps the history', params: IdPath, headers: IfMatch, body: Resource, response: answers({ 200: scim(Resource, 'The User') }, [404, 409, 412]) },
      handler: async (request, reply) => withVersion(reply, await patchUser(await context(request), request.params.id, request.body as Record<string, unknown>, request.headers['if-match'])),
    })
    app.delete('/scim/v2/Users/:id', {
      config: access,
      schema: { operationId: 'deleteScimUser', tags, summary: 'Deprovision: the member is disabled and hidden from SCIM; their contacts, meetings and history stay', params: IdPath, headers: IfMatch, response: answers({ 204: Type.Null({ description: 'Deleted' }) }, [404, 412]) },
      handler: async (request, reply) => {
        await deleteUser(await context(request), request.params.id, request.headers['if-match'])
        return reply.code(204).send()
      },
    })
  })
}

function withVersion(reply: FastifyReply, user: { meta: { version: string } }) {
  return reply.header('etag', user.meta.version).send(user)
}

function sendError(reply: FastifyReply, status: number, scimType: string | null, detail: string) {
  return reply
    .code(status)
    .type(`${SCIM_JSON}; charset=utf-8`)
    .send({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail })
}
