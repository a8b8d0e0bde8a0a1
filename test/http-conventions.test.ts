import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import errors, { toProblem } from '../src/infra/http/errors.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('HTTP conventions', () => {
  let t: TestApp
  let school: TestSchool
  let admin: string

  beforeAll(async () => {
    t = await build()
    school = await t.school('http-u', ['school_admin', 'student'])
    admin = school.members.school_admin!.token
  })
  afterAll(() => t.close())

  describe('validation errors', () => {
    it('are 400 problem+json listing every failing field, unknown properties included', async () => {
      const response = await t.request({
        method: 'PUT',
        url: '/v1/members/S-1',
        token: admin,
        payload: { roles: ['dean'], email: 'not-an-email', graduationYear: 'soon', familyName: 'x'.repeat(101), nickname: 'Ace' },
      })
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      const problem = response.json()
      expect(problem).toEqual({
        type: 'urn:vantage:problem:validation-failed',
        title: 'The request is not valid',
        status: 400,
        detail: '5 fields are not valid',
        instance: '/v1/members/S-1',
        errors: expect.any(Array),
      })
      expect(problem.errors).toHaveLength(5)
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { field: 'body.roles.0', message: expect.stringContaining('must be equal to one of the allowed values') },
          { field: 'body.email', message: 'must match format "email"' },
          { field: 'body.graduationYear', message: 'must be integer' },
          { field: 'body.familyName', message: 'must NOT have more than 100 characters' },
          { field: 'body.nickname', message: 'is not a known property' },
        ]),
      )
    })

    it('name a missing required field by its path', async () => {
      const response = await t.request({ method: 'PUT', url: '/v1/members/S-1', token: admin, payload: {} })
      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({ detail: '1 field is not valid', errors: [{ field: 'body.roles', message: "must have required property 'roles'" }] })
    })

    it('cover the querystring and path parameters too', async () => {
      const query = await t.request({ method: 'GET', url: '/v1/members?limit=500&sort=name', token: admin })
      expect(query.statusCode).toBe(400)
      expect(query.json().errors.map((error: { field: string }) => error.field).sort()).toEqual(['querystring.limit', 'querystring.sort'])
      const params = await t.request({ method: 'GET', url: '/v1/members/not-a-uuid', token: admin })
      expect(params.statusCode).toBe(400)
      expect(params.json().errors).toEqual([{ field: 'params.memberId', message: 'must match format "uuid"' }])
    })
  })

  describe('request bodies', () => {
    it('malformed JSON is a 400 problem+json', async () => {
      const response = await t.request({
        method: 'PUT',
        url: '/v1/members/S-1',
        token: admin,
        payload: '{"roles": ["student"',
        headers: { 'content-type': 'application/json' },
      })
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:validation-failed', status: 400, instance: '/v1/members/S-1' })
    })

    it('an empty JSON body is a 400 problem+json', async () => {
      const response = await t.request({ method: 'PUT', url: '/v1/members/S-1', token: admin, payload: '', headers: { 'content-type': 'application/json' } })
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:validation-failed', status: 400 })
    })

    it('a media type the route does not take is a 415 problem+json', async () => {
      for (const contentType of ['text/plain', 'application/xml']) {
        const response = await t.request({
          method: 'PUT',
          url: '/v1/members/S-1',
          token: admin,
          payload: 'roles=student',
          headers: { 'content-type': contentType },
        })
        expect(response.statusCode, contentType).toBe(415)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json()).toMatchObject({
          type: 'urn:vantage:problem:unsupported-media-type',
          title: 'The request body has an unsupported media type',
          status: 415,
          detail: `Content-Type ${contentType} is not accepted here; send application/json`,
        })
      }
    })
  })

  describe('body limit', () => {
    let small: TestApp
    beforeAll(async () => {
      small = await build({ BODY_LIMIT_BYTES: '2048' })
    })
    afterAll(() => small.close())

    it('a body over BODY_LIMIT_BYTES is a 413 problem+json, and nothing is written', async () => {
      const tiny = await small.school('tiny-u', ['school_admin'])
      const payload = { roles: ['student'], givenName: 'x'.repeat(100), fieldsOfInterest: Array.from({ length: 20 }, (_, index) => `${'y'.repeat(100)}${index}`) }
      expect(JSON.stringify(payload).length).toBeGreaterThan(2048)
      const response = await small.request({ method: 'PUT', url: '/v1/members/BIG', token: tiny.members.school_admin!.token, payload })
      expect(response.statusCode).toBe(413)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json()).toEqual({
        type: 'urn:vantage:problem:payload-too-large',
        title: 'The request body is too large',
        status: 413,
        detail: 'The request body is too large',
        instance: '/v1/members/BIG',
      })
      const read = await small.request({ method: 'GET', url: '/v1/members?limit=100', token: tiny.members.school_admin!.token })
      expect(read.json().items.map((item: { externalId: string }) => item.externalId)).not.toContain('BIG')

      const fits = await small.request({ method: 'PUT', url: '/v1/members/SMALL', token: tiny.members.school_admin!.token, payload: { roles: ['student'] } })
      expect(fits.statusCode).toBe(201)
    })

    it('applies to the public token endpoint too', async () => {
      const response = await small.request({
        method: 'POST',
        url: '/v1/oauth/token',
        payload: { grant_type: 'client_credentials', client_id: 'x'.repeat(3000) },
      })
      expect(response.statusCode).toBe(413)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json().type).toBe('urn:vantage:problem:payload-too-large')
    })
  })

  describe('routing', () => {
    it('an unknown route is a 404 problem+json, with or without a token', async () => {
      for (const token of [undefined, admin]) {
        const response = await t.request({ method: 'GET', url: '/v1/nothing-here?x=1', token })
        expect(response.statusCode).toBe(404)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json()).toEqual({
          type: 'urn:vantage:problem:not-found',
          title: 'No such resource',
          status: 404,
          detail: 'No route GET /v1/nothing-here',
          instance: '/v1/nothing-here',
        })
      }
    })

    it('a method a known path does not take is answered with problem+json', async () => {
      for (const [method, url] of [
        ['DELETE', '/v1/me'],
        ['PUT', '/v1/schools'],
        ['PATCH', '/v1/members'],
        ['GET', '/v1/oauth/token'],
      ] as const) {
        const response = await t.request({ method, url, token: admin })
        expect([404, 405], `${method} ${url}`).toContain(response.statusCode)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json()).toMatchObject({ status: response.statusCode, type: expect.stringMatching(/^urn:vantage:problem:(not-found|method-not-allowed)$/) })
      }
    })

    it('ignores a trailing slash', async () => {
      const response = await t.request({ method: 'GET', url: '/v1/me/', token: admin })
      expect(response.statusCode).toBe(200)
    })
  })

  describe('authentication errors', () => {
    it('a missing token, a non-Bearer scheme and a token that is not a JWT are 401 problem+json, each with its own type', async () => {
      const cases = [
        [undefined, 'urn:vantage:problem:credentials-missing'],
        ['Basic dXNlcjpwYXNz', 'urn:vantage:problem:credentials-missing'],
        ['Bearer not-a-jwt', 'urn:vantage:problem:token-malformed'],
      ] as const
      for (const [authorization, type] of cases) {
        const response = await t.request({ method: 'GET', url: '/v1/me', headers: authorization ? { authorization } : {} })
        expect(response.statusCode, authorization).toBe(401)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json()).toMatchObject({ type, status: 401 })
      }
    })
  })

  describe('server errors', () => {
    // build() is ready before a test sees it, so a throwing route goes on a bare Fastify with the
    // same errors plugin the service registers.
    let bare: FastifyInstance
    const logged: unknown[] = []
    const sqlError = Object.assign(
      new Error('Invalid `prisma.member.findMany()` invocation: SELECT "public"."members"."id" FROM "public"."members" WHERE school_id = $1; relation "members" violates row-level security'),
      { code: 'P2010', meta: { query: 'SELECT * FROM members', message: 'permission denied for table members' } },
    )

    beforeAll(async () => {
      bare = Fastify({
        logger: { level: 'error', stream: { write: (line: string) => void logged.push(JSON.parse(line)) } },
        genReqId: () => crypto.randomUUID(),
      })
      await bare.register(errors)
      bare.addHook('onSend', async (request, reply) => {
        reply.header('x-request-id', request.id)
      })
      bare.get('/sql', async () => {
        throw sqlError
      })
      bare.get('/type-error', async () => {
        return (undefined as unknown as { boom: () => void }).boom()
      })
      await bare.ready()
    })
    afterAll(() => bare.close())

    it('a 500 carries no stack, no SQL and no message of the underlying error', async () => {
      for (const url of ['/sql', '/type-error']) {
        const response = await bare.inject({ method: 'GET', url })
        expect(response.statusCode).toBe(500)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json()).toEqual({
          type: 'urn:vantage:problem:internal',
          title: 'Something went wrong on our side',
          status: 500,
          detail: 'An unexpected error occurred; it has been logged',
          instance: url,
        })
        expect(response.body).not.toMatch(/SELECT|members|prisma|stack|at .*\.ts|undefined/i)
      }
    })

    it('logs the full error on the server side instead', () => {
      expect(logged).toContainEqual(expect.objectContaining({ msg: 'request failed', err: expect.objectContaining({ message: sqlError.message }) }))
    })

    it('toProblem turns a database error into an internal problem without its details', () => {
      const problem = toProblem(sqlError)
      expect(problem.status).toBe(500)
      const body = problem.toBody('/v1/members')
      expect(JSON.stringify(body)).not.toMatch(/SELECT|prisma|row-level|permission/i)
      expect(body).not.toHaveProperty('stack')
      expect(body).not.toHaveProperty('meta')
    })

    it('toProblem maps a unique violation to 409 and a missing row to 404, without the query', () => {
      const conflict = toProblem(Object.assign(new Error('Unique constraint failed on the fields: (`slug`) SELECT ...'), { code: 'P2002' }))
      expect(conflict.toBody()).toEqual({
        type: 'urn:vantage:problem:conflict',
        title: 'The request conflicts with the current state',
        status: 409,
        detail: 'A resource with the same unique key already exists',
      })
      expect(toProblem(Object.assign(new Error('No record was found for an update.'), { code: 'P2025' })).status).toBe(404)
    })

    it('toProblem answers 503 with Retry-After when the database cannot be reached', () => {
      const problem = toProblem(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))
      expect(problem.status).toBe(503)
      expect(problem.headers).toEqual({ 'retry-after': '5' })
      expect(JSON.stringify(problem.toBody())).not.toContain('5432')
    })
  })

  describe('a statement that runs past the time limit', () => {
    it('answers 503 with Retry-After, as PostgreSQL cancels it (57014), raw and as the driver adapter wraps it', async () => {
      const client = new pg.Client({ connectionString: t.db.appUrl })
      await client.connect()
      let cancelled: unknown
      try {
        await client.query('SET statement_timeout = 50')
        await client.query('SELECT pg_sleep(2)')
      } catch (error) {
        cancelled = error
      } finally {
        await client.end()
      }
      expect((cancelled as { code?: string }).code).toBe('57014')
      for (const error of [cancelled as Error, Object.assign(new Error('DriverAdapterError'), { name: 'DriverAdapterError', cause: { originalCode: '57014', originalMessage: 'canceling statement due to statement timeout' } })]) {
        const problem = toProblem(error)
        expect(problem.toBody()).toEqual({
          type: 'urn:vantage:problem:service-unavailable',
          title: 'The service is temporarily unavailable',
          status: 503,
          detail: 'The request took longer than the service allows; try again shortly, or ask for less',
        })
        expect(problem.headers).toEqual({ 'retry-after': '5' })
      }
    })
  })

  describe('request ids', () => {
    it('every response carries x-request-id, successes and problems alike', async () => {
      const small = await t.request({ method: 'GET', url: '/health/live' })
      const responses = [
        small,
        await t.request({ method: 'GET', url: '/v1/me', token: admin }),
        await t.request({ method: 'GET', url: '/v1/me' }),
        await t.request({ method: 'GET', url: '/v1/schools', token: admin }),
        await t.request({ method: 'GET', url: '/v1/nowhere' }),
        await t.request({ method: 'PUT', url: '/v1/members/S-1', token: admin, payload: {} }),
        await t.request({ method: 'PUT', url: '/v1/members/S-1', token: admin, payload: 'x', headers: { 'content-type': 'text/plain' } }),
        await t.request({ method: 'POST', url: '/v1/oauth/token', payload: { grant_type: 'client_credentials' } }),
        await t.request({ method: 'GET', url: '/.well-known/jwks.json' }),
        await t.request({ method: 'POST', url: '/graphql', token: admin, payload: { query: '{ me { kind } }' } }),
        await t.request({ method: 'POST', url: '/graphql', payload: { query: '{ me { kind } }' } }),
      ]
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 401, 403, 404, 400, 415, 401, 200, 200, 401])
      for (const response of responses) expect(response.headers['x-request-id']).toMatch(REQUEST_ID)
      expect(new Set(responses.map((response) => response.headers['x-request-id'])).size).toBe(responses.length)
    })

    it('echoes the caller\'s x-request-id', async () => {
      const response = await t.request({ method: 'GET', url: '/v1/nowhere', headers: { 'x-request-id': 'trace-42' } })
      expect(response.headers['x-request-id']).toBe('trace-42')
    })
  })

  describe('GraphQL', () => {
    const query = '{ me { kind school { slug } } }'

    it('answers the caller with a token', async () => {
      const response = await t.request({ method: 'POST', url: '/graphql', token: school.members.student!.token, payload: { query } })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      expect(response.json()).toEqual({ data: { me: { kind: 'member', school: { slug: 'http-u' } } } })
    })

    it('answers a platform operator with no school', async () => {
      const response = await t.request({ method: 'POST', url: '/graphql', token: await t.platformToken(), payload: { query } })
      expect(response.json()).toEqual({ data: { me: { kind: 'platform', school: null } } })
    })

    it('is 401 without a token, and runs nothing', async () => {
      for (const request of [
        { method: 'POST' as const, url: '/graphql', payload: { query } },
        { method: 'GET' as const, url: `/graphql?query=${encodeURIComponent(query)}` },
      ]) {
        const response = await t.request(request)
        expect(response.statusCode, request.method).toBe(401)
        expect(response.json()).toEqual({
          data: null,
          errors: [{ message: 'Send a bearer token in the Authorization header', extensions: { code: 'credentials-missing' } }],
        })
      }
      const forged = await t.request({ method: 'POST', url: '/graphql', token: 'not-a-jwt', payload: { query } })
      expect(forged.statusCode).toBe(401)
      expect(forged.json().data).toBeNull()
    })

    it('rejects a query deeper than the limit without running it', async () => {
      // Introspection is open outside production and nests as deep as one likes.
      const deep = '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }'
      const response = await t.request({ method: 'POST', url: '/graphql', token: admin, payload: { query: deep } })
      expect(response.statusCode).toBe(400)
      const body = response.json()
      expect(body.data).toBeNull()
      expect(body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/depth/i) })])

      const shallow = '{ __schema { types { fields { type { name } } } } }'
      const allowed = await t.request({ method: 'POST', url: '/graphql', token: admin, payload: { query: shallow } })
      expect(allowed.statusCode).toBe(200)
      expect(allowed.json().data.__schema.types.length).toBeGreaterThan(0)
    })

    it('rejects a query naming an unknown field', async () => {
      const response = await t.request({ method: 'POST', url: '/graphql', token: admin, payload: { query: '{ me { password } }' } })
      expect(response.statusCode).toBe(400)
      expect(response.json().errors[0].message).toMatch(/Cannot query field "password"/)
    })
  })
})
