// Cross-tenant isolation: one table (CROSS_TENANT_MATRIX) with an entry for every non-public route
// of the app, each saying how a caller of school B aims the route at school A's data and exactly
// what B must get back. `runCrossTenantMatrix` plays the whole table against a real app;
// `assertCrossTenantCoverage` fails, naming the route, when the app registers a route that has no
// entry here, so a new route cannot ship without saying how it keeps schools apart.
//
// Adding a route: add one or more entries below (route = the method and the URL pattern exactly as
// registered, e.g. 'GET /v1/schools/:schoolId/widgets/:widgetId'), and if the route needs a new kind
// of A resource, create it in `createCrossTenantFixture` and list its identifiers in `secretsOf`.
//
// Routes are collected from a twin of the app built from the same dependencies, through Fastify's
// `fastify.initialization` diagnostics channel: an `onRoute` hook is attached to the instance as
// soon as it exists, before any plugin registers a route, so every route is seen (including those
// of third-party plugins such as @fastify/cors, mercurius and @fastify/swagger-ui).
import dc from 'node:diagnostics_channel'
import { isDeepStrictEqual } from 'node:util'
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse, RouteOptions } from 'fastify'
import pg from 'pg'
import { buildApp } from '../../src/app.js'
import type { TestApp, TestSchool } from './app.js'

// ---------------------------------------------------------------------------------------------
// Fixture: two schools, each with a member per role, an identity provider and an integration client
// ---------------------------------------------------------------------------------------------

export type MemberRoleName = 'student' | 'alumni' | 'advisor' | 'school_admin'
export type Caller = MemberRoleName | 'client'

export interface TenantFixture {
  school: TestSchool & { name: string }
  identityProvider: { id: string; issuer: string; audience: string }
  integrationClient: { id: string; clientId: string; clientSecret: string; token: string }
}

export interface CrossTenantFixture {
  /** The school whose data is aimed at. */
  a: TenantFixture
  /** The school of every caller in the matrix. */
  b: TenantFixture
}

async function expectCreated(response: LightMyRequestResponse, what: string): Promise<Record<string, unknown>> {
  if (response.statusCode !== 201) throw new Error(`creating ${what} answered ${response.statusCode}: ${response.body}`)
  return response.json() as Record<string, unknown>
}

async function tenantFixture(t: TestApp, slug: string): Promise<TenantFixture> {
  const school = await t.school(slug)
  const admin = school.members.school_admin!.token
  const provider = await expectCreated(
    await t.request({
      method: 'POST',
      url: `/v1/schools/${school.id}/identity-providers`,
      token: admin,
      payload: {
        name: `${slug} SSO`,
        issuer: `https://sso.${slug}.example`,
        audience: `${slug}-portal`,
        jwksUri: `https://sso.${slug}.example/jwks.json`,
        algorithms: ['RS256'],
      },
    }),
    `${slug}'s identity provider`,
  )
  const created = await expectCreated(
    await t.request({
      method: 'POST',
      url: `/v1/schools/${school.id}/integration-clients`,
      token: admin,
      payload: { name: `${slug} portal`, scopes: ['members:read', 'members:write', 'reports:read'] },
    }),
    `${slug}'s integration client`,
  )
  const client = created.client as { id: string; clientId: string }
  return {
    school: { ...school, name: `${slug} University` },
    identityProvider: { id: provider.id as string, issuer: provider.issuer as string, audience: provider.audience as string },
    integrationClient: {
      id: client.id,
      clientId: client.clientId,
      clientSecret: created.clientSecret as string,
      token: await t.clientToken(school.id, client.clientId, ['members:read', 'members:write', 'reports:read']),
    },
  }
}

/** Creates schools A and B through the API (as each school's admin) with one of every resource. */
export async function createCrossTenantFixture(t: TestApp, slugs: { a: string; b: string } = { a: 'xt-a', b: 'xt-b' }): Promise<CrossTenantFixture> {
  return { a: await tenantFixture(t, slugs.a), b: await tenantFixture(t, slugs.b) }
}

export function tokenOf(tenant: TenantFixture, caller: Caller): string {
  if (caller === 'client') return tenant.integrationClient.token
  const member = tenant.school.members[caller]
  if (!member) throw new Error(`school ${tenant.school.slug} has no ${caller}`)
  return member.token
}

/** Strings identifying A's data that must never appear in an answer to B (A's external ids are not
 *  among them: B may use the same external ids for its own members). */
export function secretsOf(tenant: TenantFixture): string[] {
  return [
    tenant.school.id,
    tenant.school.name,
    ...Object.values(tenant.school.members).flatMap((member) => [member.id, `${member.externalId}@`]),
    tenant.identityProvider.id,
    tenant.identityProvider.issuer,
    tenant.identityProvider.audience,
    tenant.integrationClient.id,
    tenant.integrationClient.clientId,
    tenant.integrationClient.clientSecret,
  ]
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

export interface CaseContext {
  t: TestApp
  f: CrossTenantFixture
  /** Owner connection: reads rows as they are, past row-level security. */
  owner: pg.Client
}

export interface CrossTenantRequest {
  url: string
  payload?: unknown
  headers?: Record<string, string>
}

export interface Expectation<P = unknown> {
  /** What the answer must be, for failure messages. */
  describe: string
  /** Reads state before the request (e.g. whether B already has a row), handed to `check`. */
  prepare?(ctx: CaseContext): Promise<P>
  check(response: LightMyRequestResponse, ctx: CaseContext, prepared: P): void | Promise<void>
}

export interface CrossTenantCase {
  /** The route exactly as registered: method, a space, the URL pattern. */
  route: string
  /** Which of B's callers sends the request. */
  as: Caller
  /** What the case aims at, for failure messages. */
  name: string
  request(f: CrossTenantFixture): CrossTenantRequest
  // biome-ignore lint/suspicious/noExplicitAny: each case pairs its own prepare/check types
  expect: Expectation<any>
}

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'

function fail(message: string): never {
  throw new Error(message)
}

function equal(actual: unknown, expected: unknown, what: string) {
  if (!isDeepStrictEqual(actual, expected)) fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

function problem(code: string, status: number, title: string): Expectation {
  return {
    describe: `${status} ${PROBLEM_JSON} urn:vantage:problem:${code}`,
    check(response) {
      equal(response.statusCode, status, 'status')
      equal(response.headers['content-type'], PROBLEM_JSON, 'content-type')
      const body = response.json() as Record<string, unknown>
      equal(body.type, `urn:vantage:problem:${code}`, 'problem type')
      equal(body.title, title, 'problem title')
      equal(body.status, status, 'problem status')
    },
  }
}

/** A resource of A is addressed: B learns nothing, not even that it exists. */
export const notFound = (): Expectation => problem('not-found', 404, 'No such resource')
/** The route is closed to B's caller whatever it names (the same for A's ids as for any other). */
export const forbidden = (): Expectation => problem('forbidden', 403, 'The caller may not do this')

type Table = 'members' | 'identity_providers' | 'integration_clients'

/** B's write clashes with something of another school it may not learn more about. */
export const conflict = (): Expectation => problem('conflict', 409, 'The request conflicts with the current state')

/** A list: B's caller gets exactly B's rows of `table`, all of them, and none of A's. */
export function onlyOwnRows(table: Table): Expectation {
  return {
    describe: `200 with exactly B's ${table}`,
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { items: Array<{ id: string; schoolId?: string }>; nextCursor: string | null }
      const { rows } = await owner.query<{ id: string }>(`SELECT id::text FROM ${table} WHERE school_id = $1 ORDER BY id`, [f.b.school.id])
      if (rows.length === 0) fail(`the fixture gives B no ${table}; the list would prove nothing`)
      equal(body.items.map((item) => item.id).sort(), rows.map((row) => row.id).sort(), `ids listed (B's ${table})`)
      equal(body.nextCursor, null, 'nextCursor')
    },
  }
}

/** /v1/me: B's caller is told it is B's caller. */
export function ownCaller(caller: Caller): Expectation {
  return {
    describe: `200 naming B's school and B's ${caller}`,
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      const body = response.json() as { school: { id: string; slug: string } | null; member: { id: string } | null; kind: string }
      equal(body.school, { id: f.b.school.id, slug: f.b.school.slug, name: f.b.school.name, timeZone: 'America/New_York' }, 'school')
      equal(body.member?.id ?? null, caller === 'client' ? null : f.b.school.members[caller]!.id, 'member id')
    },
  }
}

export const ME_QUERY = '{ me { kind subject school { id slug name } member { id externalId } roles scopes } }'

/** GraphQL `me`: B's own school and member only. */
export function graphqlOwnCaller(caller: Caller): Expectation {
  return {
    describe: `200 GraphQL data.me with B's school and B's ${caller}`,
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      const body = response.json() as { data?: { me: { school: unknown; member: { id: string } | null } }; errors?: unknown }
      equal(body.errors, undefined, 'errors')
      equal(body.data?.me.school, { id: f.b.school.id, slug: f.b.school.slug, name: f.b.school.name }, 'data.me.school')
      equal(body.data?.me.member?.id ?? null, caller === 'client' ? null : f.b.school.members[caller]!.id, 'data.me.member.id')
    },
  }
}

async function memberIdsByExternalId(owner: pg.Client, schoolId: string, externalIds: string[]): Promise<Map<string, string>> {
  const { rows } = await owner.query<{ external_id: string; id: string }>(
    'SELECT external_id, id::text FROM members WHERE school_id = $1 AND external_id = ANY($2)',
    [schoolId, externalIds],
  )
  return new Map(rows.map((row) => [row.external_id, row.id]))
}

/**
 * PUT /v1/members/{externalId} with an external id that A uses: the token alone picks the school, so
 * B's caller creates (201) or replaces (200) B's own member, never touches A's.
 */
export function provisionsOwnMember(externalId: (f: CrossTenantFixture) => string): Expectation<Map<string, string>> {
  return {
    describe: "201 (or 200 when B already has it) with B's own member, A's untouched",
    prepare: ({ f, owner }) => memberIdsByExternalId(owner, f.b.school.id, [externalId(f)]),
    async check(response, { f, owner }, before) {
      const id = externalId(f)
      equal(response.statusCode, before.has(id) ? 200 : 201, 'status')
      const body = response.json() as { id: string; externalId: string }
      equal(body.externalId, id, 'externalId')
      if (before.has(id)) equal(body.id, before.get(id), 'id of the existing member of B')
      const after = await memberIdsByExternalId(owner, f.b.school.id, [id])
      equal(after.get(id), body.id, "the answered id is B's row")
    },
  }
}

/** POST /v1/members:bulk with A's external ids: every row written is B's. */
export function bulkProvisionsOwnMembers(externalIds: (f: CrossTenantFixture) => string[]): Expectation<Map<string, string>> {
  return {
    describe: "200 with B's own members only",
    prepare: ({ f, owner }) => memberIdsByExternalId(owner, f.b.school.id, externalIds(f)),
    async check(response, { f, owner }, before) {
      equal(response.statusCode, 200, 'status')
      const ids = externalIds(f)
      const body = response.json() as { created: number; updated: number; members: Array<{ externalId: string; id: string; outcome: string }> }
      const after = await memberIdsByExternalId(owner, f.b.school.id, ids)
      equal(
        body.members,
        ids.map((externalId) => ({ externalId, id: after.get(externalId), outcome: before.has(externalId) ? 'updated' : 'created' })),
        'members',
      )
      equal(body.created, ids.filter((externalId) => !before.has(externalId)).length, 'created')
    },
  }
}

const SCHOOLS = '/v1/schools'
const IDPS = '/v1/schools/:schoolId/identity-providers'
const CLIENTS = '/v1/schools/:schoolId/integration-clients'

const validProvider = (f: CrossTenantFixture) => ({
  name: 'B takes over',
  issuer: f.a.identityProvider.issuer,
  audience: f.a.identityProvider.audience,
  jwksUri: 'https://attacker.example/jwks.json',
  algorithms: ['RS256'],
})
const providerPatch = { name: 'renamed by B', enabled: false, jwksUri: 'https://attacker.example/jwks.json' }
const clientBody = { name: 'B in A', scopes: ['members:read', 'members:write'] }
const clientPatch = { name: 'renamed by B', enabled: false, scopes: ['reports:read'] }
const memberBody = { roles: ['school_admin'], givenName: 'Mallory', email: 'mallory@b.example' }

/** Both ways to name A's identity provider: in A's path, and in B's own path. */
function idpPaths(f: CrossTenantFixture) {
  return [
    { name: "A's provider in A's path", url: `${SCHOOLS}/${f.a.school.id}/identity-providers/${f.a.identityProvider.id}` },
    { name: "A's provider in B's path", url: `${SCHOOLS}/${f.b.school.id}/identity-providers/${f.a.identityProvider.id}` },
  ]
}
function clientPaths(f: CrossTenantFixture) {
  return [
    { name: "A's client in A's path", url: `${SCHOOLS}/${f.a.school.id}/integration-clients/${f.a.integrationClient.id}` },
    { name: "A's client in B's path", url: `${SCHOOLS}/${f.b.school.id}/integration-clients/${f.a.integrationClient.id}` },
  ]
}

/** Entries for a route that names A's resource two ways (A's path, B's path). */
function bothPaths(
  route: string,
  paths: (f: CrossTenantFixture) => Array<{ name: string; url: string }>,
  suffix = '',
  payload?: (f: CrossTenantFixture) => unknown,
): CrossTenantCase[] {
  return [0, 1].map((index) => ({
    route,
    as: 'school_admin' as const,
    name: index === 0 ? 'A\'s resource in A\'s path' : 'A\'s resource in B\'s path',
    request: (f: CrossTenantFixture) => ({ url: `${paths(f)[index]!.url}${suffix}`, ...(payload ? { payload: payload(f) } : {}) }),
    expect: notFound(),
  }))
}

const MEMBER_READERS: Caller[] = ['school_admin', 'advisor', 'student', 'alumni', 'client']

/** Every non-public route of the app, aimed by B at A. Later features add their routes here. */
export const CROSS_TENANT_MATRIX: CrossTenantCase[] = [
  // --- the caller ------------------------------------------------------------------------------
  ...(['school_admin', 'student', 'client'] as const).map((as) => ({
    route: 'GET /v1/me',
    as,
    name: "B's caller asks who it is",
    request: () => ({ url: '/v1/me' }),
    expect: ownCaller(as),
  })),
  ...(['school_admin', 'client'] as const).map((as) => ({
    route: 'POST /graphql',
    as,
    name: 'GraphQL me',
    request: () => ({ url: '/graphql', payload: { query: ME_QUERY } }),
    expect: graphqlOwnCaller(as),
  })),
  {
    route: 'GET /graphql',
    as: 'student',
    name: 'GraphQL me over GET',
    request: () => ({ url: `/graphql?query=${encodeURIComponent(ME_QUERY)}` }),
    expect: graphqlOwnCaller('student'),
  },

  // --- schools (platform operators only) --------------------------------------------------------
  { route: `POST ${SCHOOLS}`, as: 'school_admin', name: 'create a school', request: () => ({ url: SCHOOLS, payload: { slug: 'xt-evil', name: 'Evil', timeZone: 'UTC' } }), expect: forbidden() },
  { route: `GET ${SCHOOLS}`, as: 'school_admin', name: 'list schools', request: () => ({ url: SCHOOLS }), expect: forbidden() },
  { route: `GET ${SCHOOLS}/:schoolId`, as: 'school_admin', name: "read A's school", request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}` }), expect: forbidden() },
  {
    route: `PATCH ${SCHOOLS}/:schoolId`,
    as: 'school_admin',
    name: "disable A's school",
    request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}`, payload: { status: 'disabled', name: 'Taken' } }),
    expect: forbidden(),
  },

  // --- identity providers ------------------------------------------------------------------------
  { route: `POST ${IDPS}`, as: 'school_admin', name: "add a provider to A", request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}/identity-providers`, payload: validProvider(f) }), expect: notFound() },
  {
    // The issuer and audience decide a token's school: B may not claim A's pair, nor learn whose it is.
    route: `POST ${IDPS}`,
    as: 'school_admin',
    name: "claim A's issuer and audience in B's path",
    request: (f) => ({ url: `${SCHOOLS}/${f.b.school.id}/identity-providers`, payload: validProvider(f) }),
    expect: conflict(),
  },
  {
    route: `PATCH ${IDPS}/:providerId`,
    as: 'school_admin',
    name: "move B's own provider onto A's issuer and audience",
    request: (f) => ({
      url: `${SCHOOLS}/${f.b.school.id}/identity-providers/${f.b.identityProvider.id}`,
      payload: { issuer: f.a.identityProvider.issuer, audience: f.a.identityProvider.audience },
    }),
    expect: conflict(),
  },
  { route: `GET ${IDPS}`, as: 'school_admin', name: "list A's providers", request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}/identity-providers?limit=100` }), expect: notFound() },
  { route: `GET ${IDPS}`, as: 'school_admin', name: "list B's own providers", request: (f) => ({ url: `${SCHOOLS}/${f.b.school.id}/identity-providers?limit=100` }), expect: onlyOwnRows('identity_providers') },
  ...bothPaths(`GET ${IDPS}/:providerId`, idpPaths),
  ...bothPaths(`PATCH ${IDPS}/:providerId`, idpPaths, '', () => providerPatch),
  ...bothPaths(`DELETE ${IDPS}/:providerId`, idpPaths),

  // --- integration clients -----------------------------------------------------------------------
  { route: `POST ${CLIENTS}`, as: 'school_admin', name: 'add a client to A', request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}/integration-clients`, payload: clientBody }), expect: notFound() },
  { route: `GET ${CLIENTS}`, as: 'school_admin', name: "list A's clients", request: (f) => ({ url: `${SCHOOLS}/${f.a.school.id}/integration-clients?limit=100` }), expect: notFound() },
  { route: `GET ${CLIENTS}`, as: 'school_admin', name: "list B's own clients", request: (f) => ({ url: `${SCHOOLS}/${f.b.school.id}/integration-clients?limit=100` }), expect: onlyOwnRows('integration_clients') },
  ...bothPaths(`GET ${CLIENTS}/:clientId`, clientPaths),
  ...bothPaths(`PATCH ${CLIENTS}/:clientId`, clientPaths, '', () => clientPatch),
  ...bothPaths(`POST ${CLIENTS}/:clientId/secret`, clientPaths, '/secret'),
  ...bothPaths(`DELETE ${CLIENTS}/:clientId`, clientPaths),

  // --- members (the school comes from the token alone) -------------------------------------------
  ...MEMBER_READERS.map((as) => ({
    route: 'GET /v1/members/:memberId',
    as,
    name: "read A's member by id",
    request: (f: CrossTenantFixture) => ({ url: `/v1/members/${f.a.school.members.advisor!.id}` }),
    expect: notFound(),
  })),
  ...(['school_admin', 'advisor', 'client'] as const).map((as) => ({
    route: 'GET /v1/members',
    as,
    name: 'list members',
    request: () => ({ url: '/v1/members?limit=100' }),
    expect: onlyOwnRows('members'),
  })),
  {
    route: 'PUT /v1/members/:externalId',
    as: 'school_admin',
    name: "provision A's student's external id",
    request: (f) => ({ url: `/v1/members/${f.a.school.members.student!.externalId}`, payload: memberBody }),
    expect: provisionsOwnMember((f) => f.a.school.members.student!.externalId),
  },
  {
    route: 'PUT /v1/members/:externalId',
    as: 'client',
    name: "provision A's admin's external id",
    request: (f) => ({ url: `/v1/members/${f.a.school.members.school_admin!.externalId}`, payload: memberBody }),
    expect: provisionsOwnMember((f) => f.a.school.members.school_admin!.externalId),
  },
  {
    route: 'POST /v1/members::bulk',
    as: 'client',
    name: "bulk-provision A's external ids",
    request: (f) => ({
      url: '/v1/members:bulk',
      payload: { members: [f.a.school.members.alumni!.externalId, f.a.school.members.advisor!.externalId].map((externalId) => ({ externalId, ...memberBody })) },
    }),
    expect: bulkProvisionsOwnMembers((f) => [f.a.school.members.alumni!.externalId, f.a.school.members.advisor!.externalId]),
  },
]

// ---------------------------------------------------------------------------------------------
// Running the matrix
// ---------------------------------------------------------------------------------------------

function methodOf(route: string): HTTPMethods {
  return route.slice(0, route.indexOf(' ')) as HTTPMethods
}

/**
 * Every string of A's that appears in an answer to B. The request's own path is taken out first:
 * echoing what B sent (in `instance`, or a "No route" detail) tells B nothing it did not know.
 */
function leaks(response: LightMyRequestResponse, url: string, secrets: string[]): string[] {
  const path = url.split('?')[0]!
  if (response.headers['content-type']?.toString().startsWith('application/problem+json')) {
    const { instance } = response.json() as Record<string, unknown>
    if (instance !== path) fail(`problem instance ${JSON.stringify(instance)} is not the request path`)
  }
  const text = response.body.replaceAll(path, '<request path>')
  return secrets.filter((secret) => text.includes(secret))
}

/** Every `schoolId` property anywhere in a JSON answer. */
function schoolIdsIn(value: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const item of value) schoolIdsIn(item, found)
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'schoolId') found.push(child)
      schoolIdsIn(child, found)
    }
  }
  return found
}

/** All of a school's rows in every tenant table (any table with a school_id column), and its schools row. */
export async function snapshotSchool(owner: pg.Client, schoolId: string): Promise<Record<string, unknown[]>> {
  const { rows: tables } = await owner.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'school_id' ORDER BY table_name`,
  )
  const snapshot: Record<string, unknown[]> = {}
  for (const { table_name } of tables) {
    const { rows } = await owner.query(`SELECT to_jsonb(t) AS row FROM "${table_name}" t WHERE school_id = $1 ORDER BY to_jsonb(t)::text`, [schoolId])
    snapshot[table_name] = rows.map((row) => row.row)
  }
  snapshot.schools = (await owner.query('SELECT to_jsonb(s) AS row FROM schools s WHERE id = $1', [schoolId])).rows.map((row) => row.row)
  return snapshot
}

export interface CaseOutcome {
  case: string
  error?: string
}

/**
 * Plays every case of the matrix as B's caller against A's data. Besides each case's own
 * expectation it checks that no answer carries any of A's identifiers, that every `schoolId` in an
 * answer is B's, that HEAD on a GET case answers the same status with no body, and that none of A's
 * rows (in any tenant table, and its schools row) changed. Throws one error listing every failure.
 */
export async function runCrossTenantMatrix(t: TestApp, f: CrossTenantFixture, matrix: CrossTenantCase[] = CROSS_TENANT_MATRIX): Promise<CaseOutcome[]> {
  const owner = new pg.Client({ connectionString: t.db.ownerUrl })
  await owner.connect()
  const outcomes: CaseOutcome[] = []
  try {
    const ctx: CaseContext = { t, f, owner }
    const secrets = secretsOf(f.a)
    const before = await snapshotSchool(owner, f.a.school.id)
    for (const entry of matrix) {
      const label = `${entry.route} as B's ${entry.as}: ${entry.name} (expected ${entry.expect.describe})`
      try {
        const method = methodOf(entry.route)
        const { url, payload, headers } = entry.request(f)
        const token = tokenOf(f.b, entry.as)
        const prepared = entry.expect.prepare ? await entry.expect.prepare(ctx) : undefined
        const response = await t.request({ method, url, token, headers, ...(payload !== undefined ? { payload: payload as object } : {}) })
        try {
          await entry.expect.check(response, ctx, prepared)
          const leaked = leaks(response, url, secrets)
          if (leaked.length) fail(`the answer carries A's ${leaked.join(', ')}`)
          if (response.headers['content-type']?.toString().startsWith('application/json')) {
            const foreign = schoolIdsIn(response.json()).filter((id) => id !== f.b.school.id)
            if (foreign.length) fail(`the answer names schools other than B: ${JSON.stringify(foreign)}`)
          }
        } catch (error) {
          throw new Error(`${(error as Error).message}\n    answer: ${response.statusCode} ${response.body.slice(0, 400)}`)
        }
        if (method === 'GET') {
          const head = await t.request({ method: 'HEAD', url, token, headers })
          equal(head.statusCode, response.statusCode, 'HEAD status')
          equal(head.body, '', 'HEAD body')
        }
        outcomes.push({ case: label })
      } catch (error) {
        outcomes.push({ case: label, error: (error as Error).message })
      }
    }
    const after = await snapshotSchool(owner, f.a.school.id)
    for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[table]) !== JSON.stringify(after[table])) {
        outcomes.push({ case: `A's ${table} rows after the matrix`, error: `changed:\n    before ${JSON.stringify(before[table])}\n    after  ${JSON.stringify(after[table])}` })
      }
    }
  } finally {
    await owner.end()
  }
  const failed = outcomes.filter((outcome) => outcome.error)
  if (failed.length) {
    throw new Error(`${failed.length} of ${outcomes.length} cross-tenant checks failed:\n${failed.map((outcome) => `- ${outcome.case}\n    ${outcome.error}`).join('\n')}`)
  }
  return outcomes
}

// ---------------------------------------------------------------------------------------------
// Coverage: every route the app registers has an entry
// ---------------------------------------------------------------------------------------------

export interface AppRoute {
  method: string
  url: string
  /** config.public, or the documentation and GraphiQL pages. */
  public: boolean
  /** `${method} ${url}`, as matrix entries name routes. */
  key: string
}

/**
 * Every route of the app, as registered: a twin app is built from the test app's own dependencies
 * with an `onRoute` hook attached the moment the Fastify instance is created.
 */
export async function registeredRoutes(t: TestApp): Promise<AppRoute[]> {
  const seen: RouteOptions[] = []
  const attach = (message: unknown) => {
    ;(message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route) => {
      seen.push(route)
    })
  }
  dc.subscribe('fastify.initialization', attach)
  let twin: FastifyInstance
  try {
    twin = await buildApp({ config: t.config, database: t.database, keys: t.keys, logger: false })
    await twin.ready()
  } finally {
    dc.unsubscribe('fastify.initialization', attach)
  }
  await twin.close()
  if (seen.length === 0) throw new Error('no route was seen: Fastify no longer publishes fastify.initialization?')
  // Read the config only now: plugins' onRoute hooks (auth) may replace it after ours ran.
  const routes = seen.flatMap((route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const config = (route.config ?? {}) as { public?: boolean }
    const isPublic = config.public === true || route.url.startsWith('/docs') || route.url.startsWith('/graphiql')
    return methods.map((method) => ({ method, url: route.url, public: isPublic, key: `${method} ${route.url}` }))
  })
  // The router files a bare '*' (as @fastify/cors registers it) under '/*'.
  const absent = routes.filter((route) => !t.app.hasRoute({ method: route.method as HTTPMethods, url: route.url === '*' ? '/*' : route.url }))
  if (absent.length) throw new Error(`the twin app has routes the test app lacks: ${absent.map((route) => route.key).join(', ')}`)
  return routes
}

/**
 * Non-public routes without an entry (a HEAD route is covered by the entries of its GET, which the
 * runner replays as HEAD), and entries naming a route that is not registered or is public.
 */
export function matrixCoverage(routes: AppRoute[], matrix: CrossTenantCase[] = CROSS_TENANT_MATRIX): { missing: string[]; stale: string[] } {
  const covered = new Set(matrix.map((entry) => entry.route))
  const guarded = routes.filter((route) => !route.public)
  const missing = guarded
    .filter((route) => !covered.has(route.key) && !(route.method === 'HEAD' && covered.has(`GET ${route.url}`)))
    .map((route) => route.key)
  const guardedKeys = new Set(guarded.map((route) => route.key))
  const stale = [...covered].filter((key) => !guardedKeys.has(key))
  return { missing: [...new Set(missing)], stale }
}

/** Fails naming every non-public route without a cross-tenant entry, and every stale entry. */
export function assertMatrixCovers(routes: AppRoute[], matrix: CrossTenantCase[] = CROSS_TENANT_MATRIX): void {
  const { missing, stale } = matrixCoverage(routes, matrix)
  const problems = [
    ...missing.map((key) => `route ${key} has no entry in CROSS_TENANT_MATRIX (test/helpers/cross-tenant.ts)`),
    ...stale.map((key) => `CROSS_TENANT_MATRIX names ${key}, which the app does not register as a non-public route`),
  ]
  if (problems.length) throw new Error(problems.join('\n'))
}

/** registeredRoutes + assertMatrixCovers. */
export async function assertCrossTenantCoverage(t: TestApp, matrix: CrossTenantCase[] = CROSS_TENANT_MATRIX): Promise<AppRoute[]> {
  const routes = await registeredRoutes(t)
  assertMatrixCovers(routes, matrix)
  return routes
}
