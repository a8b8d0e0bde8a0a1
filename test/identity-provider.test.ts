// Schools' own identity providers, end to end: a real OpenID provider (oidc-provider) on a local port
// issues JWT access tokens (client credentials, RFC 8707 resource indicators, RFC 9068 format), the
// school's admin trusts it through the REST API, and its tokens are presented to GET /v1/me.
import http from 'node:http'
import type net from 'node:net'
import type { LightMyRequestResponse } from 'fastify'
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { until } from './helpers/until.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'

function expectRejected(response: LightMyRequestResponse, type: string) {
  expect(response.statusCode).toBe(401)
  expect(response.headers['content-type']).toBe(PROBLEM_JSON)
  expect(response.json()).toMatchObject({ type, status: 401 })
}

// oidc-provider ships no type declarations (they live in DefinitelyTyped, not installed here): this
// is the part of its API the test uses.
interface OidcProvider {
  callback(): (request: http.IncomingMessage, response: http.ServerResponse) => void
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider
interface TokenContext {
  oidc: { body?: Record<string, string | undefined> }
}

interface RunningProvider {
  issuer: string
  port: number
  jwksUri: string
  kid: string
  /** The provider's public keys, as its JWKS endpoint serves them. */
  publicJwks(): Promise<{ keys: JWK[] }>
  /** An access token for `resource` (its audience) about `member`, with `roles` when given. */
  token(request: { resource: string; member?: string; roles?: string[] }): Promise<string>
  close(): Promise<void>
}

const CLIENT = { id: 'vantage-portal', secret: 'portal-secret-for-tests-only' }

/**
 * Starts oidc-provider on 127.0.0.1 (a free port, or `port` to come back on the same issuer) with
 * one signing key. The test says whom a token is about through two extra form parameters of the token
 * request, `member` and `roles`, which extraTokenClaims turns into the `member_id` and `roles` claims
 * (and `app.roles`, for a provider configured with a nested roles claim).
 */
async function startProvider(options: { alg: 'ES256' | 'RS256'; kid: string; port?: number }): Promise<RunningProvider> {
  const { default: Provider } = (await import('oidc-provider' as string)) as { default: ProviderConstructor }
  const { privateKey } = await generateKeyPair(options.alg, { extractable: true })
  const signingKey = { ...(await exportJWK(privateKey)), kid: options.kid, alg: options.alg, use: 'sig' }

  let handle: ((request: http.IncomingMessage, response: http.ServerResponse) => void) | undefined
  const server = http.createServer((request, response) => {
    // No keep-alive: after a restart on the same port, no client may reuse a socket of the old server.
    response.setHeader('connection', 'close')
    handle!(request, response)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as net.AddressInfo
  const issuer = `http://127.0.0.1:${port}`

  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: options.alg,
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => ({
          scope: 'vantage',
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: options.alg } },
        }),
      },
    },
    ttl: { ClientCredentials: 600 },
    extraTokenClaims: async (ctx: TokenContext) => {
      const { member, roles } = ctx.oidc.body ?? {}
      const roleList = roles === undefined ? undefined : roles.split(' ').filter(Boolean)
      return {
        ...(member ? { member_id: member } : {}),
        ...(roleList ? { roles: roleList, app: { roles: roleList } } : {}),
      }
    },
  })
  handle = provider.callback()

  return {
    issuer,
    port,
    jwksUri: `${issuer}/jwks`,
    kid: options.kid,
    async publicJwks() {
      const response = await fetch(`${issuer}/jwks`)
      expect(response.status).toBe(200)
      return (await response.json()) as { keys: JWK[] }
    },
    async token({ resource, member, roles }) {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT.id, client_secret: CLIENT.secret, resource })
      if (member) form.set('member', member)
      if (roles) form.set('roles', roles.join(' '))
      const response = await fetch(`${issuer}/token`, { method: 'POST', body: form })
      const body = (await response.json()) as { access_token?: string; token_type?: string }
      expect(response.status, JSON.stringify(body)).toBe(200)
      expect(body.token_type).toBe('Bearer')
      return body.access_token!
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

const AUDIENCE_A = 'https://vantage.test/idp-a'
const AUDIENCE_B = 'https://vantage.test/idp-b'

describe('identity providers', () => {
  let t: TestApp
  let schoolA: TestSchool
  let schoolB: TestSchool
  let providerA: RunningProvider
  let providerB: RunningProvider
  let providerIdA: string
  const started = new Set<RunningProvider>()

  async function start(options: Parameters<typeof startProvider>[0]) {
    const provider = await startProvider(options)
    started.add(provider)
    return provider
  }
  async function stop(provider: RunningProvider) {
    started.delete(provider)
    await provider.close()
  }

  const me = (token: string) => t.request({ method: 'GET', url: '/v1/me', token })
  const admin = (school: TestSchool) => school.members.school_admin!.token
  const providersUrl = (school: TestSchool) => `/v1/schools/${school.id}/identity-providers`

  async function trust(school: TestSchool, body: Record<string, unknown>) {
    const response = await t.request({ method: 'POST', url: providersUrl(school), token: admin(school), payload: body })
    expect(response.statusCode, response.body).toBe(201)
    return response.json() as { id: string } & Record<string, unknown>
  }
  async function change(school: TestSchool, providerId: string, body: Record<string, unknown>) {
    const response = await t.request({ method: 'PATCH', url: `${providersUrl(school)}/${providerId}`, token: admin(school), payload: body })
    expect(response.statusCode, response.body).toBe(200)
  }

  beforeAll(async () => {
    t = await build({}, { jwksCooldownMs: 0 })
    schoolA = await t.school('idp-a')
    schoolB = await t.school('idp-b')
    providerA = await start({ alg: 'ES256', kid: 'a-1' })
    providerB = await start({ alg: 'RS256', kid: 'b-1' })

    // School A trusts its provider by JWKS URL; school B pastes its provider's keys inline.
    const a = await trust(schoolA, {
      name: 'Campus A SSO',
      issuer: providerA.issuer,
      audience: AUDIENCE_A,
      jwksUri: providerA.jwksUri,
      algorithms: ['ES256'],
      memberIdClaim: 'member_id',
      rolesClaim: 'roles',
    })
    expect(a).toMatchObject({
      schoolId: schoolA.id,
      issuer: providerA.issuer,
      audience: AUDIENCE_A,
      jwksUri: providerA.jwksUri,
      jwks: null,
      algorithms: ['ES256'],
      memberIdClaim: 'member_id',
      rolesClaim: 'roles',
      jitProvisioning: false,
      enabled: true,
    })
    providerIdA = a.id
    const jwksB = await providerB.publicJwks()
    expect(jwksB.keys.map((key) => key.kid)).toEqual(['b-1'])
    const b = await trust(schoolB, {
      name: 'Campus B SSO',
      issuer: providerB.issuer,
      audience: AUDIENCE_B,
      jwks: jwksB,
      algorithms: ['RS256'],
      memberIdClaim: 'member_id',
      rolesClaim: 'app.roles',
    })
    expect(b).toMatchObject({ schoolId: schoolB.id, issuer: providerB.issuer, jwksUri: null, jwks: jwksB, rolesClaim: 'app.roles' })
  })

  afterAll(async () => {
    for (const provider of started) await provider.close()
    await t?.close()
  })

  it('accepts a provider token for a provisioned member', async () => {
    const student = schoolA.members.student!
    const token = await providerA.token({ resource: AUDIENCE_A, member: student.externalId, roles: ['student'] })
    // A real token of the provider: its issuer, its key, the audience asked for.
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'a-1', typ: 'at+jwt' })
    expect(decodeJwt(token)).toMatchObject({ iss: providerA.issuer, aud: AUDIENCE_A, member_id: student.externalId, roles: ['student'], client_id: CLIENT.id })

    const response = await me(token)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      kind: 'member',
      via: 'identity-provider',
      subject: student.externalId,
      school: { id: schoolA.id, slug: 'idp-a' },
      member: { id: student.id, externalId: student.externalId },
      roles: ['student'],
      scopes: [],
    })
    // The audit log says the write came through this provider.
    const created = await t.request({ method: 'POST', url: '/v1/contacts', token, payload: { fullName: 'Signed In Through SSO', source: 'personal' } })
    expect(created.statusCode).toBe(201)
    const logged = await until('the audit event', async () => {
      const log = await t.request({ method: 'GET', url: `/v1/audit-events?actorId=${student.id}&kind=write`, token: admin(schoolA) })
      return (log.json().items as Array<{ action: string; actor: unknown }>).find((item) => item.action === 'POST /v1/contacts')
    }, 5000)
    expect(logged.actor).toEqual({ kind: 'member', id: student.id, via: `identity-provider:${providerIdA}` })
  })

  it('does not let the provider give a member a role the school did not', async () => {
    const student = schoolA.members.student!
    const token = await providerA.token({ resource: AUDIENCE_A, member: student.externalId, roles: ['student', 'school_admin'] })
    const response = await me(token)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ subject: student.externalId, roles: ['student'] })
    const listing = await t.request({ method: 'GET', url: providersUrl(schoolA), token })
    expect(listing.statusCode).toBe(403)
    expect(listing.json()).toMatchObject({ type: 'urn:vantage:problem:forbidden' })
    // The school's admin, signing in through the same provider, may.
    const adminToken = await providerA.token({ resource: AUDIENCE_A, member: schoolA.members.school_admin!.externalId, roles: ['school_admin'] })
    expect((await t.request({ method: 'GET', url: providersUrl(schoolA), token: adminToken })).statusCode).toBe(200)
  })

  it('rejects a token for another audience than the school\'s provider expects (token-audience-invalid)', async () => {
    const student = schoolA.members.student!
    const token = await providerA.token({ resource: AUDIENCE_A, member: student.externalId, roles: ['student'] })
    expect((await me(token)).statusCode).toBe(200)

    await change(schoolA, providerIdA, { audience: `${AUDIENCE_A}/v2` })
    try {
      expectRejected(await me(token), 'urn:vantage:problem:token-audience-invalid')
      const forV2 = await providerA.token({ resource: `${AUDIENCE_A}/v2`, member: student.externalId, roles: ['student'] })
      expect((await me(forV2)).statusCode).toBe(200)
    } finally {
      await change(schoolA, providerIdA, { audience: AUDIENCE_A })
    }
    expect((await me(token)).statusCode).toBe(200)
    const elsewhere = await providerA.token({ resource: 'https://another-service.test/api', member: student.externalId, roles: ['student'] })
    expectRejected(await me(elsewhere), 'urn:vantage:problem:token-audience-invalid')
  })

  it('provisions an unknown member on first sign-in only when the school turned it on and the token has roles', async () => {
    const externalId = 'idp-a-newcomer'
    const findNewcomer = () =>
      t.database.forSchool(schoolA.id).db.member.findUnique({ where: { schoolId_externalId: { schoolId: schoolA.id, externalId } } })
    const token = await providerA.token({ resource: AUDIENCE_A, member: externalId, roles: ['alumni'] })

    expectRejected(await me(token), 'urn:vantage:problem:member-unknown')
    expect(await findNewcomer()).toBeNull()

    await change(schoolA, providerIdA, { jitProvisioning: true })
    try {
      const withoutRoles = await providerA.token({ resource: AUDIENCE_A, member: externalId })
      expect(decodeJwt(withoutRoles).roles).toBeUndefined()
      expectRejected(await me(withoutRoles), 'urn:vantage:problem:member-unknown')
      expect(await findNewcomer()).toBeNull()

      const response = await me(token)
      expect(response.statusCode).toBe(200)
      const created = await findNewcomer()
      expect(created).toMatchObject({ schoolId: schoolA.id, externalId, roles: ['alumni'], status: 'active' })
      expect(response.json()).toMatchObject({
        kind: 'member',
        via: 'identity-provider',
        school: { id: schoolA.id },
        member: { id: created!.id, externalId },
        roles: ['alumni'],
      })
      // The next sign-in finds the same member.
      expect((await me(token)).json()).toMatchObject({ member: { id: created!.id } })
    } finally {
      await change(schoolA, providerIdA, { jitProvisioning: false })
    }
  })

  const memberOfA = (externalId: string) =>
    t.database.forSchool(schoolA.id).db.member.findUnique({ where: { schoolId_externalId: { schoolId: schoolA.id, externalId } } })

  it('never provisions a staff role named in a token: a newcomer claiming school_admin is not made an admin', async () => {
    await change(schoolA, providerIdA, { jitProvisioning: true })
    try {
      // Staff roles alone leave nothing to provision: refused like a token without roles.
      for (const roles of [['school_admin'], ['advisor'], ['advisor', 'school_admin']]) {
        const response = await me(await providerA.token({ resource: AUDIENCE_A, member: 'idp-a-self-made-admin', roles }))
        expectRejected(response, 'urn:vantage:problem:member-unknown')
        expect(response.json().detail).toContain('roleMapping')
      }
      expect(await memberOfA('idp-a-self-made-admin')).toBeNull()

      // Beside a student role: a student, and nothing more.
      const token = await providerA.token({ resource: AUDIENCE_A, member: 'idp-a-student-claiming-admin', roles: ['student', 'school_admin'] })
      const response = await me(token)
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({ subject: 'idp-a-student-claiming-admin', roles: ['student'] })
      expect(await memberOfA('idp-a-student-claiming-admin')).toMatchObject({ roles: ['student'] })
      for (const url of [providersUrl(schoolA), '/v1/audit-events?limit=1', '/v1/members?limit=1']) {
        const denied = await t.request({ method: 'GET', url, token })
        expect(denied.statusCode, url).toBe(403)
        expect(denied.json()).toMatchObject({ type: 'urn:vantage:problem:forbidden' })
      }
    } finally {
      await change(schoolA, providerIdA, { jitProvisioning: false })
    }
  })

  it('provisions staff roles through the mapping the school admin configured on the provider, and narrows by it', async () => {
    await change(schoolA, providerIdA, { jitProvisioning: true, roleMapping: { 'staff-career': ['advisor'], 'it-admin': ['school_admin'] } })
    try {
      const token = await providerA.token({ resource: AUDIENCE_A, member: 'idp-a-career-advisor', roles: ['staff-career'] })
      const response = await me(token)
      expect(response.statusCode, response.body).toBe(200)
      expect(response.json()).toMatchObject({ subject: 'idp-a-career-advisor', roles: ['advisor'] })
      expect(await memberOfA('idp-a-career-advisor')).toMatchObject({ roles: ['advisor'] })
      expect((await t.request({ method: 'GET', url: '/v1/members?role=student&limit=5', token })).statusCode).toBe(200)
      expect((await t.request({ method: 'GET', url: providersUrl(schoolA), token })).statusCode).toBe(403)
      // The role's own name still provisions nothing.
      const named = await providerA.token({ resource: AUDIENCE_A, member: 'idp-a-named-advisor', roles: ['advisor'] })
      expectRejected(await me(named), 'urn:vantage:problem:member-unknown')
      expect(await memberOfA('idp-a-named-advisor')).toBeNull()
      // A mapped value keeps the school's admin an admin; it never adds a role to a member who exists.
      const adminToken = await providerA.token({ resource: AUDIENCE_A, member: schoolA.members.school_admin!.externalId, roles: ['it-admin'] })
      expect((await me(adminToken)).json()).toMatchObject({ roles: ['school_admin'] })
      const escalation = await providerA.token({ resource: AUDIENCE_A, member: 'idp-a-career-advisor', roles: ['staff-career', 'it-admin'] })
      expect((await me(escalation)).json()).toMatchObject({ roles: ['advisor'] })
      expect(await memberOfA('idp-a-career-advisor')).toMatchObject({ roles: ['advisor'] })
    } finally {
      await change(schoolA, providerIdA, { jitProvisioning: false, roleMapping: null })
    }
  })

  it('follows a key rotation of the provider without restarting the service', async () => {
    const student = schoolA.members.student!
    const oldToken = await providerA.token({ resource: AUDIENCE_A, member: student.externalId, roles: ['student'] })
    expect(decodeProtectedHeader(oldToken).kid).toBe('a-1')
    expect((await me(oldToken)).statusCode).toBe(200)

    // The provider goes down: the key already fetched still verifies, a key never seen cannot be fetched.
    await stop(providerA)
    expect((await me(oldToken)).statusCode).toBe(200)
    const stranger = (await generateKeyPair('ES256')).privateKey
    const unseen = await new SignJWT({ member_id: student.externalId, roles: ['student'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'a-unseen' })
      .setIssuer(providerA.issuer)
      .setAudience(AUDIENCE_A)
      .setExpirationTime('5m')
      .sign(stranger)
    const unavailable = await me(unseen)
    expect(unavailable.statusCode).toBe(503)
    expect(unavailable.headers['content-type']).toBe(PROBLEM_JSON)
    expect(unavailable.json()).toMatchObject({ type: 'urn:vantage:problem:service-unavailable' })

    // It comes back on the same issuer with a new key only.
    const rotated = await start({ alg: 'ES256', kid: 'a-2', port: providerA.port })
    expect(rotated.issuer).toBe(providerA.issuer)
    expect((await rotated.publicJwks()).keys.map((key) => key.kid)).toEqual(['a-2'])
    providerA = rotated

    const newToken = await providerA.token({ resource: AUDIENCE_A, member: student.externalId, roles: ['student'] })
    expect(decodeProtectedHeader(newToken).kid).toBe('a-2')
    const accepted = await me(newToken)
    expect(accepted.statusCode).toBe(200)
    expect(accepted.json()).toMatchObject({ via: 'identity-provider', school: { id: schoolA.id }, member: { id: student.id } })
    expectRejected(await me(oldToken), 'urn:vantage:problem:token-key-unknown')
  })

  it('verifies against keys given inline instead of a JWKS URL', async () => {
    const student = schoolB.members.student!
    const token = await providerB.token({ resource: AUDIENCE_B, member: student.externalId, roles: ['student'] })
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: 'b-1' })
    const response = await me(token)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      kind: 'member',
      via: 'identity-provider',
      school: { id: schoolB.id, slug: 'idp-b' },
      member: { id: student.id, externalId: student.externalId },
      roles: ['student'],
    })
  })

  it('rejects an HS256 token with a trusted issuer (token-algorithm-rejected), and a forged ES256 one (token-signature-invalid)', async () => {
    const student = schoolA.members.student!
    const claims: JWTPayload = { member_id: student.externalId, roles: ['student'] }
    const forge = (builder: SignJWT, issuer: string, audience: string) => builder.setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime('5m')
    const secret = new TextEncoder().encode(CLIENT.secret.padEnd(32, '!'))
    for (const [issuer, audience, kid] of [
      [providerA.issuer, AUDIENCE_A, providerA.kid],
      [providerB.issuer, AUDIENCE_B, providerB.kid],
    ] as const) {
      const hmac = await forge(new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }), issuer, audience).sign(secret)
      expectRejected(await me(hmac), 'urn:vantage:problem:token-algorithm-rejected')
    }
    // The provider's issuer and current key id, but not its key.
    const stranger = (await generateKeyPair('ES256')).privateKey
    const forged = await forge(new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: providerA.kid }), providerA.issuer, AUDIENCE_A).sign(stranger)
    expectRejected(await me(forged), 'urn:vantage:problem:token-signature-invalid')
  })

  it('never lets one school\'s provider authenticate into another school', async () => {
    const studentA = schoolA.members.student!
    const studentB = schoolB.members.student!
    const fromA = await providerA.token({ resource: AUDIENCE_A, member: studentA.externalId, roles: ['student'] })
    const fromB = await providerB.token({ resource: AUDIENCE_B, member: studentB.externalId, roles: ['student'] })
    expect((await me(fromA)).json()).toMatchObject({ school: { id: schoolA.id }, member: { id: studentA.id } })
    expect((await me(fromB)).json()).toMatchObject({ school: { id: schoolB.id }, member: { id: studentB.id } })

    // Each provider naming a member who exists only in the other school.
    const aNamingB = await providerA.token({ resource: AUDIENCE_A, member: studentB.externalId, roles: ['student'] })
    expectRejected(await me(aNamingB), 'urn:vantage:problem:member-unknown')
    const bNamingA = await providerB.token({ resource: AUDIENCE_B, member: studentA.externalId, roles: ['student'] })
    expectRejected(await me(bNamingA), 'urn:vantage:problem:member-unknown')
    // A's provider asked for B's audience: no school trusts A's issuer with it.
    const aForB = await providerA.token({ resource: AUDIENCE_B, member: studentB.externalId, roles: ['student'] })
    expectRejected(await me(aForB), 'urn:vantage:problem:token-audience-invalid')

    // Even provisioning on first sign-in creates the member in A, never finds B's.
    await change(schoolA, providerIdA, { jitProvisioning: true })
    try {
      const response = await me(aNamingB)
      expect(response.statusCode).toBe(200)
      const body = response.json() as { school: { id: string }; member: { id: string; externalId: string } }
      expect(body.school.id).toBe(schoolA.id)
      expect(body.member.externalId).toBe(studentB.externalId)
      expect(body.member.id).not.toBe(studentB.id)
      const inB = await t.database
        .forSchool(schoolB.id)
        .db.member.findMany({ where: { schoolId: schoolB.id, externalId: studentB.externalId }, select: { id: true } })
      expect(inB).toEqual([{ id: studentB.id }])
    } finally {
      await change(schoolA, providerIdA, { jitProvisioning: false })
    }
  })

  it('answers 503 when a provider\'s JWKS URL does not serve keys', async () => {
    // A third school shares provider A's issuer (registered by the platform operator, as a shared
    // issuer must be) for its own audience, with a JWKS URL that is a 404.
    const schoolC = await t.school('idp-c', ['student', 'school_admin'])
    const shared = await t.request({
      method: 'POST',
      url: providersUrl(schoolC),
      token: await t.platformToken(),
      payload: {
        name: 'Misconfigured SSO',
        issuer: providerA.issuer,
        audience: 'https://vantage.test/idp-c',
        jwksUri: `${providerA.issuer}/no-such-jwks`,
        algorithms: ['ES256'],
        memberIdClaim: 'member_id',
      },
    })
    expect(shared.statusCode, shared.body).toBe(201)
    const token = await providerA.token({ resource: 'https://vantage.test/idp-c', member: schoolC.members.student!.externalId })
    const response = await me(token)
    expect(response.statusCode).toBe(503)
    expect(response.headers['content-type']).toBe(PROBLEM_JSON)
    expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:service-unavailable', status: 503 })
  })
})
