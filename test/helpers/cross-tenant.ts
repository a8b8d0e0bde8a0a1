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
import { randomUUID } from 'node:crypto'
import dc from 'node:diagnostics_channel'
import { isDeepStrictEqual } from 'node:util'
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse, RouteOptions } from 'fastify'
import pg from 'pg'
import { buildApp } from '../../src/app.js'
import { CONTACT_SOURCES } from '../../src/modules/contacts/schemas.js'
import { OUTREACH_CHANNELS } from '../../src/modules/outreach/schemas.js'
import type { TestApp, TestSchool } from './app.js'

// ---------------------------------------------------------------------------------------------
// Fixture: two schools, each with a member per role, an identity provider, an integration client,
// and its student's conversations (a contact, outreach to it, a referral that added a second contact)
// ---------------------------------------------------------------------------------------------

export type MemberRoleName = 'student' | 'alumni' | 'advisor' | 'school_admin'
export type Caller = MemberRoleName | 'client'

/** A student's records, created through the API as the school's student. */
export interface Conversations {
  /** The student who owns them (the school's `student` member). */
  studentId: string
  contact: { id: string; fullName: string; email: string; organization: string; notes: string }
  /** An attempt to reach `contact`. */
  outreach: { id: string; message: string }
  /** "`contact` suggested I talk to `referredContact`", which created `referredContact`. */
  referral: { id: string; note: string }
  referredContact: { id: string; fullName: string; email: string }
}

export interface TenantFixture {
  school: TestSchool & { name: string }
  identityProvider: { id: string; issuer: string; audience: string }
  integrationClient: { id: string; clientId: string; clientSecret: string; token: string }
  conversations: Conversations
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

/**
 * How a school's outreach turned out. A's and B's differ in every respect the stats group by, so an
 * answer to B that counted any of A's outreach would show it.
 */
interface ConversationShape {
  source: 'cold' | 'personal'
  channel: 'linkedin' | 'email'
  outcome: 'agreed' | 'replied'
}

async function conversationsFixture(t: TestApp, school: TestSchool, slug: string, shape: ConversationShape): Promise<Conversations> {
  const student = school.members.student!
  const contactBody = {
    fullName: `Grace Hopper of ${slug}`,
    email: `grace.hopper@${slug}-robotics.example`,
    organization: `${slug} Robotics Lab`,
    title: 'Director of engineering',
    industry: 'robotics',
    source: shape.source,
    backgroundTags: ['first-gen'],
    notes: `Met ${slug}'s Grace at the career fair`,
  }
  const contact = await expectCreated(await t.request({ method: 'POST', url: '/v1/contacts', token: student.token, payload: contactBody }), `${slug}'s contact`)
  const message = `Hello from ${slug}'s student`
  const outreach = await expectCreated(
    await t.request({
      method: 'POST',
      url: `/v1/contacts/${contact.id}/outreach`,
      token: student.token,
      payload: { channel: shape.channel, sentAt: new Date(Date.now() - 3_600_000).toISOString(), message, outcome: shape.outcome },
    }),
    `${slug}'s outreach`,
  )
  const referred = { fullName: `Alan Turing of ${slug}`, email: `alan.turing@${slug}-compute.example`, organization: `${slug} Compute` }
  const note = `Grace of ${slug} says Alan is hiring`
  const referral = await expectCreated(
    await t.request({
      method: 'POST',
      url: '/v1/referrals',
      token: student.token,
      payload: { referrer: { contactId: contact.id }, referred: { contact: referred }, note },
    }),
    `${slug}'s referral`,
  )
  return {
    studentId: student.id,
    contact: { id: contact.id as string, fullName: contactBody.fullName, email: contactBody.email, organization: contactBody.organization, notes: contactBody.notes },
    outreach: { id: outreach.id as string, message },
    referral: { id: referral.id as string, note },
    referredContact: { id: referral.referredContactId as string, fullName: referred.fullName, email: referred.email },
  }
}

async function tenantFixture(t: TestApp, slug: string, shape: ConversationShape): Promise<TenantFixture> {
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
    conversations: await conversationsFixture(t, school, slug, shape),
  }
}

/** Creates schools A and B through the API (as each school's admin) with one of every resource. */
export async function createCrossTenantFixture(t: TestApp, slugs: { a: string; b: string } = { a: 'xt-a', b: 'xt-b' }): Promise<CrossTenantFixture> {
  return {
    a: await tenantFixture(t, slugs.a, { source: 'cold', channel: 'linkedin', outcome: 'agreed' }),
    b: await tenantFixture(t, slugs.b, { source: 'personal', channel: 'email', outcome: 'replied' }),
  }
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
    ...conversationSecrets(tenant.conversations),
  ]
}

function conversationSecrets({ contact, outreach, referral, referredContact }: Conversations): string[] {
  return [
    contact.id,
    contact.fullName,
    contact.email,
    contact.organization,
    contact.notes,
    outreach.id,
    outreach.message,
    referral.id,
    referral.note,
    referredContact.id,
    referredContact.fullName,
    referredContact.email,
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

type Table = 'members' | 'identity_providers' | 'integration_clients' | 'contacts' | 'referrals'

/** B's write clashes with something of another school it may not learn more about. */
export const conflict = (): Expectation => problem('conflict', 409, 'The request conflicts with the current state')

/**
 * A list: B's caller gets exactly B's rows of `table`, all of them, and none of A's. With `ofStudent`,
 * only the rows of B's student (a student lists their own records).
 */
export function onlyOwnRows(table: Table, options: { ofStudent?: boolean } = {}): Expectation {
  return {
    describe: `200 with exactly B's ${table}${options.ofStudent ? " of B's student" : ''}`,
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { items: Array<{ id: string; schoolId?: string }>; nextCursor: string | null }
      const { rows } = options.ofStudent
        ? await owner.query<{ id: string }>(`SELECT id::text FROM ${table} WHERE school_id = $1 AND student_id = $2 ORDER BY id`, [f.b.school.id, f.b.conversations.studentId])
        : await owner.query<{ id: string }>(`SELECT id::text FROM ${table} WHERE school_id = $1 ORDER BY id`, [f.b.school.id])
      if (rows.length === 0) fail(`the fixture gives B no ${table}; the list would prove nothing`)
      equal(body.items.map((item) => item.id).sort(), rows.map((row) => row.id).sort(), `ids listed (B's ${table})`)
      equal(body.nextCursor, null, 'nextCursor')
    },
  }
}

/** B's caller writes nothing aimed at A, nor anything of B's own: the whole of B is as it was. */
export function notFoundWritingNothing(): Expectation<Record<string, unknown[]>> {
  const base = notFound()
  return {
    describe: `${base.describe}, none of B's rows written`,
    prepare: ({ f, owner }) => snapshotSchool(owner, f.b.school.id),
    async check(response, ctx, before) {
      await base.check(response, ctx, undefined)
      const after = await snapshotSchool(ctx.owner, ctx.f.b.school.id)
      for (const table of Object.keys(after)) equal(after[table], before[table], `B's ${table} rows`)
    },
  }
}

interface Rate {
  attempts: number
  replies: number
  agreed: number
  replyRate: number | null
}
export interface OutreachStatsBody {
  overall: Rate
  bySource: Array<Rate & { source: string }>
  byChannel: Array<Rate & { channel: string }>
}

/** Reply rates computed here, from the rows as they are, independently of the service's SQL. */
export async function expectedOutreachStats(owner: pg.Client, schoolIds: string[], studentId?: string): Promise<OutreachStatsBody> {
  const { rows } = await owner.query<{ source: string; channel: string; outcome: string }>(
    `SELECT c.source::text AS source, o.channel::text AS channel, o.outcome::text AS outcome
       FROM outreach o JOIN contacts c ON c.school_id = o.school_id AND c.id = o.contact_id
      WHERE o.school_id = ANY($1::uuid[]) AND ($2::uuid IS NULL OR o.student_id = $2::uuid)`,
    [schoolIds, studentId ?? null],
  )
  const rate = (subset: typeof rows): Rate => {
    const replies = subset.filter((row) => row.outcome !== 'no_reply').length
    return { attempts: subset.length, replies, agreed: subset.filter((row) => row.outcome === 'agreed').length, replyRate: subset.length ? replies / subset.length : null }
  }
  return {
    overall: rate(rows),
    bySource: CONTACT_SOURCES.map((source) => ({ source, ...rate(rows.filter((row) => row.source === source)) })),
    byChannel: OUTREACH_CHANNELS.map((channel) => ({ channel, ...rate(rows.filter((row) => row.channel === channel)) })),
  }
}

/** GET /v1/outreach/stats: the numbers of B's outreach alone (of B's student's, for a student). */
export function ownOutreachStats(options: { ofStudent?: boolean } = {}): Expectation {
  return {
    describe: `200 with reply rates counted from B's outreach${options.ofStudent ? " of B's student" : ''} alone`,
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const studentId = options.ofStudent ? f.b.conversations.studentId : undefined
      const expected = await expectedOutreachStats(owner, [f.b.school.id], studentId)
      if (expected.overall.attempts === 0) fail('the fixture gives B no outreach; the stats would prove nothing')
      const mixed = await expectedOutreachStats(owner, [f.a.school.id, f.b.school.id])
      if (isDeepStrictEqual(mixed, await expectedOutreachStats(owner, [f.b.school.id]))) fail("A's outreach would not change B's numbers; the check would prove nothing")
      equal(response.json(), expected, 'stats')
    },
  }
}

/** GET /v1/members/{B's student}/network: B's student's contacts and referrals, nothing else. */
export function ownNetwork(): Expectation {
  return {
    describe: "200 with B's student's contacts and referrals only",
    async check(response, { f, owner }) {
      equal(response.statusCode, 200, 'status')
      const body = response.json() as { studentId: string; nodes: Array<{ contactId: string }>; edges: Array<{ referralId: string }> }
      const studentId = f.b.conversations.studentId
      const contacts = await owner.query<{ id: string }>('SELECT id::text FROM contacts WHERE school_id = $1 AND student_id = $2 ORDER BY id', [f.b.school.id, studentId])
      const referrals = await owner.query<{ id: string }>('SELECT id::text FROM referrals WHERE school_id = $1 AND student_id = $2 ORDER BY id', [f.b.school.id, studentId])
      if (referrals.rows.length === 0) fail('the fixture gives B\'s student no referral; the network would prove nothing')
      equal(body.studentId, studentId, 'studentId')
      equal(body.nodes.map((node) => node.contactId).sort(), contacts.rows.map((row) => row.id), 'nodes (contact ids)')
      equal(body.edges.map((edge) => edge.referralId).sort(), referrals.rows.map((row) => row.id), 'edges (referral ids)')
    },
  }
}

/**
 * `?studentId=<A's student>` on a list or the stats, asked by B's advisor or admin. A's student is no
 * student of B, and the answer the brief (and the routes' documented 404) calls for is a 404. The
 * service answers 200 with nothing in it instead, byte for byte what it answers for a student id no
 * one has: that tells B nothing about A, so it is pinned here as it is. When the service answers 404
 * for a student it does not have, replace these entries' expectation with notFound().
 */
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
/** A portal client may not grant school_admin (nor change a school admin): it provisions advisors. */
const clientMemberBody = { ...memberBody, roles: ['advisor'] }

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

/** A list whose items are exactly the given ids (B's own), in any order. */
export function listsExactly(ids: (f: CrossTenantFixture) => string[], what: string): Expectation {
  return {
    describe: `200 listing exactly ${what}`,
    check(response, { f }) {
      equal(response.statusCode, 200, 'status')
      equal(response.headers['content-type'], JSON_TYPE, 'content-type')
      const body = response.json() as { items: Array<{ id: string }>; nextCursor?: string | null }
      equal(body.items.map((item) => item.id).sort(), [...ids(f)].sort(), `ids listed (${what})`)
      if ('nextCursor' in body) equal(body.nextCursor, null, 'nextCursor')
    },
  }
}

// Contacts, outreach and referrals: students read and write their own; advisors and school admins read
// the school's and write nothing; alumni and integration clients have no access at all.
const CONTACTS = '/v1/contacts'
const CONVERSATION_READERS = ['student', 'advisor', 'school_admin'] as const
const STAFF = ['advisor', 'school_admin'] as const
const NO_ACCESS = ['alumni', 'client'] as const

/** The same request and expectation for each of `callers`. */
function asEach(
  callers: readonly Caller[],
  route: string,
  name: string,
  request: (f: CrossTenantFixture) => CrossTenantRequest,
  expect: (as: Caller) => Expectation,
): CrossTenantCase[] {
  return callers.map((as) => ({ route, as, name, request, expect: expect(as) }))
}

/** A's contacts in a path: the one the student added, and the one a referral added. */
const aContacts = (f: CrossTenantFixture) => [
  { name: "A's contact", id: f.a.conversations.contact.id },
  { name: "A's referred contact", id: f.a.conversations.referredContact.id },
]

/** One entry per A contact for each of `callers`. */
function perAContact(
  callers: readonly Caller[],
  route: string,
  url: (contactId: string, f: CrossTenantFixture) => string,
  expect: (as: Caller) => Expectation,
  payload?: (f: CrossTenantFixture) => unknown,
): CrossTenantCase[] {
  return [0, 1].flatMap((index) =>
    callers.map((as) => ({
      route,
      as,
      name: index === 0 ? "A's contact" : "A's referred contact",
      request: (f: CrossTenantFixture) => ({ url: url(aContacts(f)[index]!.id, f), ...(payload ? { payload: payload(f) } : {}) }),
      expect: expect(as),
    })),
  )
}

const contactPatch = () => ({ notes: 'B was here', email: 'mallory@b.example', source: 'cold' })
const linkedToAsAlumnus = (f: CrossTenantFixture) => ({ fullName: 'Linked by B', source: 'alumni_network', alumniMemberId: f.a.school.members.alumni!.id })
const outreachBody = () => ({ channel: 'email', message: 'B writes to A', mutualContact: 'Mallory' })
const aStudent = (f: CrossTenantFixture) => f.a.conversations.studentId

const CONVERSATION_CASES: CrossTenantCase[] = [
  // --- contacts ------------------------------------------------------------------------------------
  {
    route: `POST ${CONTACTS}`,
    as: 'student',
    name: "a contact linked to A's alumnus",
    request: (f) => ({ url: CONTACTS, payload: linkedToAsAlumnus(f) }),
    expect: notFoundWritingNothing(),
  },
  ...asEach([...STAFF, ...NO_ACCESS], `POST ${CONTACTS}`, "a contact linked to A's alumnus", (f) => ({ url: CONTACTS, payload: linkedToAsAlumnus(f) }), forbidden),
  { route: `GET ${CONTACTS}`, as: 'student', name: 'list contacts', request: () => ({ url: `${CONTACTS}?limit=100` }), expect: onlyOwnRows('contacts', { ofStudent: true }) },
  ...asEach(STAFF, `GET ${CONTACTS}`, 'list contacts', () => ({ url: `${CONTACTS}?limit=100` }), () => onlyOwnRows('contacts')),
  ...asEach(
    CONVERSATION_READERS,
    `GET ${CONTACTS}`,
    "search for a name both A and B have, sorted by name",
    () => ({ url: `${CONTACTS}?q=${encodeURIComponent('grace hopper')}&sort=name&limit=100` }),
    () => listsExactly((f) => [f.b.conversations.contact.id], "B's Grace Hopper"),
  ),
  ...asEach(
    STAFF,
    `GET ${CONTACTS}`,
    "A's student's contacts",
    (f) => ({ url: `${CONTACTS}?studentId=${aStudent(f)}&limit=100` }),
    () => notFound(),
  ),
  { route: `GET ${CONTACTS}`, as: 'student', name: "A's student's contacts", request: (f) => ({ url: `${CONTACTS}?studentId=${aStudent(f)}` }), expect: notFound() },
  ...asEach(NO_ACCESS, `GET ${CONTACTS}`, 'list contacts', () => ({ url: `${CONTACTS}?limit=100` }), forbidden),
  ...perAContact(CONVERSATION_READERS, `GET ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, notFound),
  ...perAContact(NO_ACCESS, `GET ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, forbidden),
  ...perAContact(['student'], `PATCH ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, notFoundWritingNothing, contactPatch),
  {
    route: `PATCH ${CONTACTS}/:contactId`,
    as: 'student',
    name: "link B's own contact to A's alumnus",
    request: (f) => ({ url: `${CONTACTS}/${f.b.conversations.contact.id}`, payload: { alumniMemberId: f.a.school.members.alumni!.id } }),
    expect: notFoundWritingNothing(),
  },
  ...perAContact([...STAFF, ...NO_ACCESS], `PATCH ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, forbidden, contactPatch),
  ...perAContact(['student'], `DELETE ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, notFound),
  ...perAContact([...STAFF, ...NO_ACCESS], `DELETE ${CONTACTS}/:contactId`, (id) => `${CONTACTS}/${id}`, forbidden),

  // --- outreach ------------------------------------------------------------------------------------
  ...perAContact(['student'], `POST ${CONTACTS}/:contactId/outreach`, (id) => `${CONTACTS}/${id}/outreach`, notFoundWritingNothing, outreachBody),
  ...perAContact([...STAFF, ...NO_ACCESS], `POST ${CONTACTS}/:contactId/outreach`, (id) => `${CONTACTS}/${id}/outreach`, forbidden, outreachBody),
  ...perAContact(CONVERSATION_READERS, `GET ${CONTACTS}/:contactId/outreach`, (id) => `${CONTACTS}/${id}/outreach`, notFound),
  ...perAContact(NO_ACCESS, `GET ${CONTACTS}/:contactId/outreach`, (id) => `${CONTACTS}/${id}/outreach`, forbidden),
  ...asEach(
    CONVERSATION_READERS,
    `GET ${CONTACTS}/:contactId/outreach`,
    "B's own contact's outreach",
    (f) => ({ url: `${CONTACTS}/${f.b.conversations.contact.id}/outreach` }),
    () => listsExactly((f) => [f.b.conversations.outreach.id], "B's outreach to that contact"),
  ),
  {
    route: `PATCH ${CONTACTS}/:contactId/outreach/:outreachId`,
    as: 'student',
    name: "A's outreach on A's contact",
    request: (f) => ({ url: `${CONTACTS}/${f.a.conversations.contact.id}/outreach/${f.a.conversations.outreach.id}`, payload: { outcome: 'declined' } }),
    expect: notFoundWritingNothing(),
  },
  {
    route: `PATCH ${CONTACTS}/:contactId/outreach/:outreachId`,
    as: 'student',
    name: "A's outreach under B's own contact",
    request: (f) => ({ url: `${CONTACTS}/${f.b.conversations.contact.id}/outreach/${f.a.conversations.outreach.id}`, payload: { outcome: 'declined' } }),
    expect: notFoundWritingNothing(),
  },
  ...asEach(
    [...STAFF, ...NO_ACCESS],
    `PATCH ${CONTACTS}/:contactId/outreach/:outreachId`,
    "A's outreach on A's contact",
    (f) => ({ url: `${CONTACTS}/${f.a.conversations.contact.id}/outreach/${f.a.conversations.outreach.id}`, payload: { outcome: 'declined' } }),
    forbidden,
  ),
  { route: 'GET /v1/outreach/stats', as: 'student', name: 'reply rates', request: () => ({ url: '/v1/outreach/stats' }), expect: ownOutreachStats({ ofStudent: true }) },
  ...asEach(STAFF, 'GET /v1/outreach/stats', "the school's reply rates", () => ({ url: '/v1/outreach/stats' }), () => ownOutreachStats()),
  ...asEach(
    STAFF,
    'GET /v1/outreach/stats',
    "A's student's reply rates",
    (f) => ({ url: `/v1/outreach/stats?studentId=${aStudent(f)}` }),
    () => notFound(),
  ),
  { route: 'GET /v1/outreach/stats', as: 'student', name: "A's student's reply rates", request: (f) => ({ url: `/v1/outreach/stats?studentId=${aStudent(f)}` }), expect: notFound() },
  ...asEach(NO_ACCESS, 'GET /v1/outreach/stats', 'reply rates', () => ({ url: '/v1/outreach/stats' }), forbidden),

  // --- referrals -----------------------------------------------------------------------------------
  ...[
    { name: "referrer A's contact, referred a new person", body: (f: CrossTenantFixture) => ({ referrer: { contactId: f.a.conversations.contact.id }, referred: { contact: { fullName: 'New by B' } } }) },
    { name: "referrer by name, referred A's contact", body: (f: CrossTenantFixture) => ({ referrer: { name: 'Mallory' }, referred: { contactId: f.a.conversations.contact.id } }) },
    {
      name: "referrer B's own contact, referred A's referred contact",
      body: (f: CrossTenantFixture) => ({ referrer: { contactId: f.b.conversations.contact.id }, referred: { contactId: f.a.conversations.referredContact.id } }),
    },
    {
      name: "referrer A's contact, referred B's own contact",
      body: (f: CrossTenantFixture) => ({ referrer: { contactId: f.a.conversations.contact.id }, referred: { contactId: f.b.conversations.referredContact.id } }),
    },
  ].flatMap(({ name, body }): CrossTenantCase[] => [
    { route: 'POST /v1/referrals', as: 'student', name, request: (f) => ({ url: '/v1/referrals', payload: body(f) }), expect: notFoundWritingNothing() },
    ...asEach([...STAFF, ...NO_ACCESS], 'POST /v1/referrals', name, (f) => ({ url: '/v1/referrals', payload: body(f) }), forbidden),
  ]),
  { route: 'GET /v1/referrals', as: 'student', name: 'list referrals', request: () => ({ url: '/v1/referrals?limit=100' }), expect: onlyOwnRows('referrals', { ofStudent: true }) },
  ...asEach(STAFF, 'GET /v1/referrals', 'list referrals', () => ({ url: '/v1/referrals?limit=100' }), () => onlyOwnRows('referrals')),
  ...asEach(
    STAFF,
    'GET /v1/referrals',
    "A's student's referrals",
    (f) => ({ url: `/v1/referrals?studentId=${aStudent(f)}&limit=100` }),
    () => notFound(),
  ),
  { route: 'GET /v1/referrals', as: 'student', name: "A's student's referrals", request: (f) => ({ url: `/v1/referrals?studentId=${aStudent(f)}` }), expect: notFound() },
  ...asEach(NO_ACCESS, 'GET /v1/referrals', 'list referrals', () => ({ url: '/v1/referrals?limit=100' }), forbidden),
  ...asEach(CONVERSATION_READERS, 'GET /v1/referrals/:referralId', "A's referral", (f) => ({ url: `/v1/referrals/${f.a.conversations.referral.id}` }), notFound),
  ...asEach(NO_ACCESS, 'GET /v1/referrals/:referralId', "A's referral", (f) => ({ url: `/v1/referrals/${f.a.conversations.referral.id}` }), forbidden),
  {
    route: 'PATCH /v1/referrals/:referralId',
    as: 'student',
    name: "A's referral",
    request: (f) => ({ url: `/v1/referrals/${f.a.conversations.referral.id}`, payload: { status: 'declined', note: 'B was here' } }),
    expect: notFoundWritingNothing(),
  },
  ...asEach(
    [...STAFF, ...NO_ACCESS],
    'PATCH /v1/referrals/:referralId',
    "A's referral",
    (f) => ({ url: `/v1/referrals/${f.a.conversations.referral.id}`, payload: { status: 'declined', note: 'B was here' } }),
    forbidden,
  ),

  // --- a student's network -------------------------------------------------------------------------
  ...asEach(CONVERSATION_READERS, 'GET /v1/members/:memberId/network', "A's student's network", (f) => ({ url: `/v1/members/${aStudent(f)}/network` }), notFound),
  ...asEach(NO_ACCESS, 'GET /v1/members/:memberId/network', "A's student's network", (f) => ({ url: `/v1/members/${aStudent(f)}/network` }), forbidden),
  ...asEach(CONVERSATION_READERS, 'GET /v1/members/:memberId/network', "B's student's network", (f) => ({ url: `/v1/members/${f.b.conversations.studentId}/network` }), ownNetwork),
]

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
    request: (f) => ({ url: `/v1/members/${f.a.school.members.school_admin!.externalId}`, payload: clientMemberBody }),
    expect: provisionsOwnMember((f) => f.a.school.members.school_admin!.externalId),
  },
  {
    route: 'POST /v1/members::bulk',
    as: 'client',
    name: "bulk-provision A's external ids",
    request: (f) => ({
      url: '/v1/members:bulk',
      payload: { members: [f.a.school.members.alumni!.externalId, f.a.school.members.advisor!.externalId].map((externalId) => ({ externalId, ...clientMemberBody })) },
    }),
    expect: bulkProvisionsOwnMembers((f) => [f.a.school.members.alumni!.externalId, f.a.school.members.advisor!.externalId]),
  },

  // --- contacts, outreach, referrals and networks (the school and the student come from the token) --
  ...CONVERSATION_CASES,
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
