// Every numeric parameter of every list route takes a finite integer within its bounds, written in
// decimal digits, and nothing else. The routes are read from the app itself (every GET with an
// integer or number in its querystring schema), so a new list route is covered without a change here;
// a route whose path needs an id the fixture does not have fails, naming it.
import dc from 'node:diagnostics_channel'
import fc from 'fast-check'
import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp } from './helpers/app.js'
import { DAY } from './helpers/time.js'
import { type Caller, createCrossTenantFixture, type CrossTenantFixture, tokenOf, WEBHOOK_HOST } from './helpers/cross-tenant.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const VALIDATION_FAILED = 'urn:vantage:problem:validation-failed'

interface NumericParameter {
  name: string
  integer: boolean
  minimum?: number
  maximum?: number
}

interface ListRoute {
  url: string
  parameters: NumericParameter[]
  /** The route's other required query parameters, with a value each (a numeric one is sent alone). */
  required: Record<string, string>
}

type PropertySchema = { type?: string | string[]; minimum?: number; maximum?: number; anyOf?: PropertySchema[]; enum?: unknown[]; format?: string; default?: unknown }
type QuerySchema = { properties?: Record<string, PropertySchema>; required?: string[] }


/** A valid value for a required query parameter that is not numeric (an enum's first, a recent date). */
function requiredValue(url: string, name: string, schema: PropertySchema): string {
  if (schema.enum?.length) return String(schema.enum[0])
  // A date or an instant (range bounds): the first form.
  if (schema.anyOf?.length && schema.anyOf.every((option) => option.format)) return requiredValue(url, name, schema.anyOf[0]!)
  if (schema.format === 'date') return new Date(Date.now() - (name === 'from' ? 90 * DAY : 0)).toISOString().slice(0, 10)
  if (schema.format === 'date-time') return new Date(Date.now() - (name === 'from' ? 90 * DAY : 0)).toISOString()
  throw new Error(`${url}: no value for the required query parameter ${name}; teach requiredValue one`)
}

function numericParameters(querystring: QuerySchema | undefined): NumericParameter[] {
  return Object.entries(querystring?.properties ?? {}).flatMap(([name, schema]) => {
    const numeric = [schema, ...(schema.anyOf ?? [])].find((candidate) => candidate.type === 'integer' || candidate.type === 'number')
    return numeric ? [{ name, integer: numeric.type === 'integer', minimum: numeric.minimum, maximum: numeric.maximum }] : []
  })
}

/** Builds the test app while recording every route it registers (plugins' included), with its schema. */
async function buildRecordingRoutes(overrides: Record<string, string>): Promise<{ t: TestApp; routes: RouteOptions[] }> {
  const routes: RouteOptions[] = []
  const attach = (message: unknown) => {
    ;(message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route) => void routes.push(route))
  }
  dc.subscribe('fastify.initialization', attach)
  try {
    return { t: await build(overrides), routes }
  } finally {
    dc.unsubscribe('fastify.initialization', attach)
  }
}

/** Written as JavaScript's Number() or the validator's coercion would take them, but not decimal digits. */
const MALFORMED = ['Infinity', '-Infinity', '+Infinity', '1e400', '-1e400', '9'.repeat(400), 'NaN', '1.5', '0.5', '0x10', '0b1', '0o7', '1e1', '1e2', '1E1', ' 5', '5 ', '+5', '05', '5.', '.5', '1_0', 'true', 'null', '', 'five', '５']

describe('numeric query parameters', () => {
  let t: TestApp
  let f: CrossTenantFixture
  let platform: string
  const lists: ListRoute[] = []
  /** Per route: the caller that may list it, and its URL with the fixture's ids. */
  const reach = new Map<string, { token: string; path: string }>()

  beforeAll(async () => {
    const recorded = await buildRecordingRoutes({ RATE_LIMIT_PER_MINUTE: '1000000', WEBHOOK_ALLOWED_HOSTS: WEBHOOK_HOST })
    t = recorded.t
    for (const route of recorded.routes) {
      const methods = [route.method].flat()
      const querystring = (route.schema as { querystring?: QuerySchema } | undefined)?.querystring
      const parameters = numericParameters(querystring)
      if (!methods.includes('GET') || !parameters.length) continue
      const required = Object.fromEntries(
        (querystring?.required ?? [])
          .filter((name) => !parameters.some((parameter) => parameter.name === name) && querystring?.properties?.[name]?.default === undefined)
          .map((name) => [name, requiredValue(route.url, name, querystring!.properties![name]!)]),
      )
      lists.push({ url: route.url, parameters, required })
    }
    f = await createCrossTenantFixture(t)
    platform = await t.platformToken()
    const a = f.a
    const ids: Record<string, string> = {
      schoolId: a.school.id,
      memberId: a.school.members.student!.id,
      programId: a.hosting.program.id,
      webhookId: a.webhooks.webhook.id,
    }
    const callers: Caller[] = ['school_admin', 'advisor', 'student', 'alumni', 'client', 'webhook_client']
    for (const route of lists) {
      const path = route.url.replace(/:(\w+)/g, (_, name: string) => {
        if (!ids[name]) throw new Error(`${route.url}: no fixture id for :${name}; add one to this test`)
        return ids[name]
      }) + `?${new URLSearchParams(route.required)}`
      for (const token of [...callers.map((caller) => tokenOf(a, caller)), platform]) {
        if ((await t.request({ method: 'GET', url: path, token })).statusCode === 200) {
          reach.set(route.url, { token, path })
          break
        }
      }
      if (!reach.has(route.url)) throw new Error(`${route.url}: no caller of the fixture gets a 200`)
    }
  })
  afterAll(() => t.close())

  const ask = (route: ListRoute, name: string, value: string | string[]): Promise<LightMyRequestResponse> => {
    const { token, path } = reach.get(route.url)!
    const query = [value].flat().map((item) => `&${name}=${encodeURIComponent(item)}`).join('')
    return t.request({ method: 'GET', url: `${path}${query}`, token })
  }

  async function expectRefused(route: ListRoute, parameter: NumericParameter, value: string | string[]) {
    const answer = await ask(route, parameter.name, value)
    const what = `GET ${route.url}?${parameter.name}=${JSON.stringify(value)}`
    expect(answer.statusCode, `${what}: ${answer.body}`).toBe(400)
    if (route.url.startsWith('/scim/')) {
      // SCIM answers its own error body (RFC 7644 §3.12), naming the parameter.
      expect(answer.headers['content-type'], what).toBe('application/scim+json; charset=utf-8')
      expect(answer.json(), what).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidValue', detail: expect.stringContaining(`querystring.${parameter.name}`) })
      return
    }
    expect(answer.headers['content-type'], what).toBe(PROBLEM_JSON)
    const problem = answer.json() as { type: string; status: number; errors?: Array<{ field: string }> }
    expect(problem.type, what).toBe(VALIDATION_FAILED)
    expect(problem.status, what).toBe(400)
    expect(problem.errors?.map((error) => error.field), what).toContain(`querystring.${parameter.name}`)
  }

  it('are found on every list route of the app', () => {
    // The routes the probe found; the enumeration must see at least these (and sees any added later).
    expect(lists.map((route) => route.url)).toEqual(
      expect.arrayContaining(['/v1/contacts', '/v1/members', '/v1/webhooks/:webhookId/deliveries', '/v1/reports/students.csv', '/v1/members/:memberId/host-suggestions', '/v1/schools']),
    )
    for (const route of lists) expect(reach.get(route.url), route.url).toBeDefined()
  })

  it('refuse non-finite, non-decimal, fractional and out-of-range values with 400 problem+json', async () => {
    for (const route of lists) {
      for (const parameter of route.parameters) {
        const outOfRange = [
          ...(parameter.maximum !== undefined ? [String(parameter.maximum + 1), String(parameter.maximum * 10), '2147483648'] : []),
          ...(parameter.minimum !== undefined ? [String(parameter.minimum - 1), '-2147483649'] : []),
        ]
        const fractional = parameter.integer ? [`${parameter.minimum ?? 1}.0`, `${parameter.maximum ?? 1}.5`] : []
        for (const value of [...MALFORMED, ...outOfRange, ...fractional, ['5', '6']]) await expectRefused(route, parameter, value)
      }
    }
  })

  it('refuse any value that is not a decimal integer within the bounds (property)', async () => {
    for (const route of lists) {
      for (const parameter of route.parameters) {
        const { minimum = -(2 ** 31), maximum = 2 ** 31 - 1 } = parameter
        const inBounds = (text: string) => /^-?(0|[1-9][0-9]*)$/.test(text) && Number(text) >= minimum && Number(text) <= maximum
        const invalid = fc.oneof(
          fc.integer({ min: maximum + 1, max: Number.MAX_SAFE_INTEGER }).map(String),
          fc.integer({ min: Number.MIN_SAFE_INTEGER, max: minimum - 1 }).map(String),
          fc.double({ noDefaultInfinity: false }).filter((value) => !Number.isInteger(value) || value < minimum || value > maximum).map(String),
          fc.integer({ min: minimum, max: maximum }).chain((value) =>
            fc.constantFrom(`0x${value.toString(16)}`, `${value}e0`, ` ${value}`, `${value} `, `+${value}`, `${value}.0`, `0${value}`, `${value}.`),
          ),
          fc.string({ maxLength: 12 }).filter((text) => !inBounds(text)),
        )
        await fc.assert(
          fc.asyncProperty(invalid, async (value) => {
            await expectRefused(route, parameter, value)
          }),
          { numRuns: 40 },
        )
      }
    }
  })

  it('take every decimal integer within the bounds', async () => {
    for (const route of lists) {
      for (const parameter of route.parameters) {
        const { minimum = -(2 ** 31), maximum = 2 ** 31 - 1 } = parameter
        const edges = [minimum, maximum, Math.max(minimum, Math.min(maximum, 20))]
        await fc.assert(
          fc.asyncProperty(fc.oneof(fc.constantFrom(...edges), fc.integer({ min: minimum, max: maximum })), async (value) => {
            const answer = await ask(route, parameter.name, String(value))
            expect(answer.statusCode, `GET ${route.url}?${parameter.name}=${value}: ${answer.body}`).toBe(200)
          }),
          { numRuns: 15 },
        )
      }
    }
  })

  it('a page never holds more rows than the limit asks for', async () => {
    const contacts = lists.find((route) => route.url === '/v1/contacts')!
    const page = await ask(contacts, 'limit', '1')
    expect(page.json().items).toHaveLength(1)
    await expectRefused(contacts, { name: 'limit', integer: true }, 'Infinity')
  })
})

describe('numeric body fields', () => {
  let t: TestApp
  let admin: string
  beforeAll(async () => {
    t = await build()
    admin = (await t.school('num-body', ['school_admin'])).members.school_admin!.token
  })
  afterAll(() => t.close())

  it('take a JSON number (or null where allowed), or decimal digits in a string, and refuse what coercion would turn into one', async () => {
    for (const graduationYear of [2027, '2027', null]) {
      const answer = await t.request({ method: 'PUT', url: '/v1/members/N-1', token: admin, payload: { roles: ['student'], graduationYear } })
      expect(answer.statusCode, `${JSON.stringify(graduationYear)}: ${answer.body}`).toBeLessThan(300)
    }
    for (const graduationYear of ['Infinity', '1e400', '0x7eb', ' 2027', '2027.5', '', true, false, [2027, 2028]]) {
      const answer = await t.request({ method: 'PUT', url: '/v1/members/N-2', token: admin, payload: { roles: ['student'], graduationYear } })
      expect(answer.statusCode, `${JSON.stringify(graduationYear)}: ${answer.body}`).toBe(400)
      expect(answer.headers['content-type']).toBe(PROBLEM_JSON)
      expect(answer.json().errors).toEqual([{ field: 'body.graduationYear', message: expect.any(String) }])
    }
    // Listed with the other failing fields, as validation lists them.
    const several = await t.request({ method: 'PUT', url: '/v1/members/N-4', token: admin, payload: { roles: ['dean'], graduationYear: 'Infinity' } })
    expect(several.statusCode).toBe(400)
    expect(several.json().errors).toEqual([
      { field: 'body.roles.0', message: expect.stringContaining('must be equal to one of the allowed values') },
      { field: 'body.graduationYear', message: 'must be an integer written in decimal digits' },
    ])
    // JSON itself overflows 1e400 to Infinity.
    const overflow = await t.request({ method: 'PUT', url: '/v1/members/N-3', token: admin, payload: '{"roles":["student"],"graduationYear":1e400}', headers: { 'content-type': 'application/json' } })
    expect(overflow.statusCode).toBe(400)
    const members = await t.request({ method: 'GET', url: '/v1/members?limit=100', token: admin })
    expect(members.json().items.map((member: { externalId: string }) => member.externalId).sort()).toEqual(['N-1', 'num-body-school_admin-0'])
  })
})
