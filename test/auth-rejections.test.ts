// Every way a bearer token can be refused, each with its own problem type, against GET /v1/me.
// Tokens are forged here with jose (other keys, other algorithms, other claims) or signed with the
// service's own key and a claim changed, so each case differs from an accepted token in one respect.
import { randomUUID } from 'node:crypto'
import net from 'node:net'
import type { LightMyRequestResponse } from 'fastify'
import { type CryptoKey, exportSPKI, generateKeyPair, importJWK, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PrivateJwk, SigningKeys } from '../src/infra/auth/signing-keys.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'

function expectRejected(response: LightMyRequestResponse, type: string) {
  expect(response.statusCode).toBe(401)
  expect(response.headers['content-type']).toBe(PROBLEM_JSON)
  expect(response.json()).toMatchObject({ type, status: 401, instance: '/v1/me' })
}

const now = () => Math.floor(Date.now() / 1000)

describe('authentication rejections', () => {
  let t: TestApp
  let school: TestSchool
  let serviceKid: string
  /** An ES256 key of our own: the service has never seen it. */
  let strangerKey: CryptoKey
  /** The service's own signing key, so that a test can set any header on a validly signed token. */
  let serviceJwk: PrivateJwk

  beforeAll(async () => {
    serviceJwk = await SigningKeys.generate()
    t = await build({}, { signingKey: serviceJwk })
    school = await t.school('rejections')
    serviceKid = t.keys.publicJwks.keys[0]!.kid!
    strangerKey = (await generateKeyPair('ES256')).privateKey
  })
  afterAll(() => t.close())

  const me = (token?: string, authorization?: string) =>
    t.request({ method: 'GET', url: '/v1/me', token, headers: authorization ? { authorization } : {} })

  /** The claims of a valid service token for the school's student; only the signature is left to make. */
  const studentClaims = (): JWTPayload => ({
    iss: t.config.auth.issuer,
    aud: t.config.auth.audience,
    sub: school.members.student!.externalId,
    iat: now(),
    exp: now() + 600,
    token_use: 'member',
    school: school.id,
  })

  /** A service-signed member token with some claims changed (the signing key is the service's own). */
  const signed = (claims: JWTPayload, options: { audience?: string; subject?: string; ttlSeconds?: number } = {}) =>
    t.keys.sign(claims, {
      issuer: t.config.auth.issuer,
      audience: options.audience ?? t.config.auth.audience,
      subject: options.subject ?? school.members.student!.externalId,
      ttlSeconds: options.ttlSeconds ?? 600,
    })

  it('accepts a valid token of the service, so that the rejections below are not vacuous', async () => {
    const student = school.members.student!
    const response = await me(student.token)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      kind: 'member',
      subject: student.externalId,
      via: 'service',
      school: { id: school.id, slug: 'rejections', name: 'rejections University', timeZone: 'America/New_York' },
      member: { id: student.id, externalId: student.externalId, givenName: 'student', familyName: 'rejections', email: `${student.externalId}@rejections.edu` },
      roles: ['student'],
      scopes: [],
    })
    // The claims the forgeries below start from, signed by the service itself, are accepted too.
    const { iss: _iss, aud: _aud, sub: _sub, iat: _iat, exp: _exp, ...claims } = studentClaims()
    expect((await me(await signed(claims))).statusCode).toBe(200)
  })

  it('rejects a request without a bearer token (credentials-missing) and names the scheme', async () => {
    const missing = await me()
    expectRejected(missing, 'urn:vantage:problem:credentials-missing')
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="vantage"')
    for (const header of ['Basic cmVqZWN0aW9uczpzZWNyZXQ=', 'Bearer', 'Bearer ', `Token ${school.members.student!.token}`, 'Bearer two tokens']) {
      expectRejected(await me(undefined, header), 'urn:vantage:problem:credentials-missing')
    }
  })

  it('rejects a token that is not a JWT (token-malformed)', async () => {
    const notJson = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('not json').toString('base64url')}.c2ln`
    for (const token of ['not-a-jwt', 'a.b.c', notJson]) {
      const response = await me(token)
      expectRejected(response, 'urn:vantage:problem:token-malformed')
      expect(response.headers['www-authenticate']).toBe('Bearer realm="vantage", error="invalid_token"')
    }
  })

  it('rejects an unsecured JWT, alg "none" (token-algorithm-rejected)', async () => {
    const token = new UnsecuredJWT(studentClaims()).encode()
    expect(token.endsWith('.')).toBe(true)
    expectRejected(await me(token), 'urn:vantage:problem:token-algorithm-rejected')
  })

  it('rejects an HS256 token whose claims are otherwise valid (token-algorithm-rejected)', async () => {
    const secret = new TextEncoder().encode('a-shared-secret-that-is-long-enough-for-hs256')
    const hmac = await new SignJWT(studentClaims()).setProtectedHeader({ alg: 'HS256', kid: serviceKid }).sign(secret)
    expectRejected(await me(hmac), 'urn:vantage:problem:token-algorithm-rejected')
    // The classic confusion: the service's public key, which anyone can fetch, used as the HMAC secret.
    const publicKey = (await importJWK(t.keys.publicJwks.keys[0]!, 'ES256')) as CryptoKey
    const pem = new TextEncoder().encode(await exportSPKI(publicKey))
    const confused = await new SignJWT(studentClaims()).setProtectedHeader({ alg: 'HS256', kid: serviceKid }).sign(pem)
    expectRejected(await me(confused), 'urn:vantage:problem:token-algorithm-rejected')
  })

  it('rejects a token signed by another ES256 key under the service\'s key id (token-signature-invalid)', async () => {
    const token = await new SignJWT(studentClaims()).setProtectedHeader({ alg: 'ES256', kid: serviceKid, typ: 'at+jwt' }).sign(strangerKey)
    expectRejected(await me(token), 'urn:vantage:problem:token-signature-invalid')
  })

  it('rejects a token signed with a key id the service does not have (token-key-unknown)', async () => {
    const token = await new SignJWT(studentClaims()).setProtectedHeader({ alg: 'ES256', kid: 'retired-key', typ: 'at+jwt' }).sign(strangerKey)
    expectRejected(await me(token), 'urn:vantage:problem:token-key-unknown')
  })

  it('rejects an expired token (token-expired)', async () => {
    const student = school.members.student!
    const token = await t.memberToken(school.id, student.externalId, undefined, { ttlSeconds: -60 })
    expectRejected(await me(token), 'urn:vantage:problem:token-expired')
  })

  it('rejects a token that is not valid yet (token-not-yet-valid)', async () => {
    const token = await signed({ token_use: 'member', school: school.id, nbf: now() + 600 }, { ttlSeconds: 3600 })
    expectRejected(await me(token), 'urn:vantage:problem:token-not-yet-valid')
  })

  it('rejects a service token for another audience (token-audience-invalid)', async () => {
    const token = await signed({ token_use: 'member', school: school.id }, { audience: 'some-other-api' })
    expectRejected(await me(token), 'urn:vantage:problem:token-audience-invalid')
  })

  it('rejects a token from an issuer no school trusts (token-issuer-untrusted)', async () => {
    const claims = { ...studentClaims(), iss: 'https://idp.nobody-trusts.example' }
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'their-key' }).sign(strangerKey)
    expectRejected(await me(token), 'urn:vantage:problem:token-issuer-untrusted')
  })

  it('rejects a token without an issuer or with an unknown use (token-claims-invalid)', async () => {
    const { iss: _iss, ...withoutIssuer } = studentClaims()
    const anonymous = await new SignJWT(withoutIssuer).setProtectedHeader({ alg: 'ES256', kid: serviceKid }).sign(strangerKey)
    expectRejected(await me(anonymous), 'urn:vantage:problem:token-claims-invalid')
    expectRejected(await me(await signed({ token_use: 'superuser', school: school.id })), 'urn:vantage:problem:token-claims-invalid')
  })

  it('rejects a token for a school that does not exist (school-unknown)', async () => {
    const student = school.members.student!
    expectRejected(await me(await t.memberToken(randomUUID(), student.externalId)), 'urn:vantage:problem:school-unknown')
    expectRejected(await me(await t.memberToken('rejections', student.externalId)), 'urn:vantage:problem:school-unknown')
  })

  it('rejects a token for a disabled school (school-disabled)', async () => {
    const closing = await t.school('closing', ['student'])
    const token = closing.members.student!.token
    expect((await me(token)).statusCode).toBe(200)
    await t.database.platform.school.update({ where: { id: closing.id }, data: { status: 'disabled' } })
    expectRejected(await me(token), 'urn:vantage:problem:school-disabled')
  })

  it('rejects a token for a member that is not provisioned in the school (member-unknown)', async () => {
    expectRejected(await me(await t.memberToken(school.id, 'nobody-here')), 'urn:vantage:problem:member-unknown')
    // A member of another school, presented with this school's id, is unknown here.
    const other = await t.school('elsewhere', ['student'])
    const theirs = other.members.student!.externalId
    expect((await me(other.members.student!.token)).statusCode).toBe(200)
    expectRejected(await me(await t.memberToken(school.id, theirs)), 'urn:vantage:problem:member-unknown')
  })

  it('rejects a token for a disabled member (member-disabled)', async () => {
    const leaving = await t.school('leaving', ['student'])
    const member = leaving.members.student!
    expect((await me(member.token)).statusCode).toBe(200)
    await t.database
      .forSchool(leaving.id)
      .db.member.update({ where: { schoolId_id: { schoolId: leaving.id, id: member.id } }, data: { status: 'disabled' } })
    expectRejected(await me(member.token), 'urn:vantage:problem:member-disabled')
  })

  describe('integration clients', () => {
    const admin = () => school.members.school_admin!.token

    async function createClient(scopes: string[]) {
      const created = await t.request({
        method: 'POST',
        url: `/v1/schools/${school.id}/integration-clients`,
        token: admin(),
        payload: { name: 'Portal backend', scopes },
      })
      expect(created.statusCode).toBe(201)
      const { client, clientSecret } = created.json() as { client: { id: string; clientId: string }; clientSecret: string }
      const issued = await t.request({
        method: 'POST',
        url: '/v1/oauth/token',
        payload: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: clientSecret },
      })
      expect(issued.statusCode).toBe(200)
      return { id: client.id, clientId: client.clientId, token: (issued.json() as { access_token: string }).access_token }
    }

    it('accepts a client token, and rejects it once the client is disabled (client-invalid)', async () => {
      const client = await createClient(['members:read'])
      const accepted = await me(client.token)
      expect(accepted.statusCode).toBe(200)
      expect(accepted.json()).toMatchObject({ kind: 'client', subject: client.clientId, via: 'service', member: null, roles: [], scopes: ['members:read'] })

      const url = `/v1/schools/${school.id}/integration-clients/${client.id}`
      expect((await t.request({ method: 'PATCH', url, token: admin(), payload: { enabled: false } })).statusCode).toBe(200)
      expectRejected(await me(client.token), 'urn:vantage:problem:client-invalid')
      expect((await t.request({ method: 'PATCH', url, token: admin(), payload: { enabled: true } })).statusCode).toBe(200)
      expect((await me(client.token)).statusCode).toBe(200)
    })

    it('rejects a client token once the client is deleted, or for a client that never existed (client-invalid)', async () => {
      const client = await createClient(['members:read'])
      expect((await me(client.token)).statusCode).toBe(200)
      const deleted = await t.request({ method: 'DELETE', url: `/v1/schools/${school.id}/integration-clients/${client.id}`, token: admin() })
      expect(deleted.statusCode).toBe(204)
      expectRejected(await me(client.token), 'urn:vantage:problem:client-invalid')
      expectRejected(await me(await t.clientToken(school.id, 'rejections.never-issued', ['members:read'])), 'urn:vantage:problem:client-invalid')
    })

    it('stops honouring a scope taken away from the client after its token was issued', async () => {
      const client = await createClient(['members:read', 'reports:read'])
      expect((await t.request({ method: 'GET', url: '/v1/members', token: client.token })).statusCode).toBe(200)
      const url = `/v1/schools/${school.id}/integration-clients/${client.id}`
      expect((await t.request({ method: 'PATCH', url, token: admin(), payload: { scopes: ['reports:read'] } })).statusCode).toBe(200)
      const members = await t.request({ method: 'GET', url: '/v1/members', token: client.token })
      expect(members.statusCode).toBe(403)
      expect(members.json()).toMatchObject({ type: 'urn:vantage:problem:forbidden' })
      expect((await me(client.token)).json()).toMatchObject({ kind: 'client', scopes: ['reports:read'] })
    })
  })

  it('drops a role the token asks for but the member lacks', async () => {
    const student = school.members.student!
    const asking = await t.memberToken(school.id, student.externalId, ['student', 'advisor'])
    const response = await me(asking)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ kind: 'member', roles: ['student'] })
    const members = await t.request({ method: 'GET', url: '/v1/members', token: asking })
    expect(members.statusCode).toBe(403)
    expect(members.headers['content-type']).toBe(PROBLEM_JSON)
    expect(members.json()).toMatchObject({ type: 'urn:vantage:problem:forbidden', status: 403 })
    // The advisor asking for the same roles keeps the one it has, and may list members.
    const advisor = school.members.advisor!
    const advising = await t.memberToken(school.id, advisor.externalId, ['student', 'advisor'])
    expect((await me(advising)).json()).toMatchObject({ roles: ['advisor'] })
    expect((await t.request({ method: 'GET', url: '/v1/members', token: advising })).statusCode).toBe(200)
    // Asking only for roles the member lacks leaves none: not even /v1/me.
    const nothing = await me(await t.memberToken(school.id, student.externalId, ['school_admin']))
    expect(nothing.statusCode).toBe(403)
  })

  describe('token headers (RFC 8725 §3.11, RFC 7515 §4.1.11)', () => {
    /** Signed with the service's own key, with the header given: only the header differs from an accepted token. */
    const withHeader = async (header: Record<string, unknown>, claims: JWTPayload = studentClaims(), crit?: Record<string, boolean>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: serviceKid, ...header })
        .sign(await importJWK(serviceJwk, 'ES256'), crit ? { crit } : undefined)

    it('accepts the service\'s access tokens typed at+jwt, with or without the media type prefix and in any case', async () => {
      for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT']) expect((await me(await withHeader({ typ }))).statusCode, typ).toBe(200)
    })

    it('refuses a service token of another type, or of none (token-type-invalid)', async () => {
      for (const typ of ['foo', 'JWT', 'vantage-confirmation+jwt', 'logout+jwt', undefined]) {
        const response = await me(await withHeader(typ === undefined ? {} : { typ }))
        expectRejected(response, 'urn:vantage:problem:token-type-invalid')
        expect(response.json().detail).toContain(typ === undefined ? 'missing' : JSON.stringify(typ))
      }
    })

    it('refuses an "iat" in the future beyond the clock tolerance (token-not-yet-valid), and accepts one within it', async () => {
      const future = await withHeader({ typ: 'at+jwt' }, { ...studentClaims(), iat: now() + 60 })
      expectRejected(await me(future), 'urn:vantage:problem:token-not-yet-valid')
      expect((await me(await withHeader({ typ: 'at+jwt' }, { ...studentClaims(), iat: now() + 2 }))).statusCode).toBe(200)
    })

    it('refuses a token naming a critical header extension it does not understand (token-header-unsupported)', async () => {
      const token = await withHeader({ typ: 'at+jwt', crit: ['urn:example:policy'], 'urn:example:policy': 'strict' }, studentClaims(), { 'urn:example:policy': true })
      const response = await me(token)
      expectRejected(response, 'urn:vantage:problem:token-header-unsupported')
      expect(response.json().detail).toContain('urn:example:policy')
    })
  })
})

describe('authentication while the database is unreachable', () => {
  let t: TestApp
  let blackHole: net.Server
  const sockets = new Set<net.Socket>()

  beforeAll(async () => {
    // Accepts connections and never answers: the pool's connect timeout fires, as on a lost network.
    blackHole = net.createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve))
    const { port } = blackHole.address() as net.AddressInfo
    t = await build({}, { databaseUrl: `postgresql://vantage:vantage@127.0.0.1:${port}/vantage` })
  })
  afterAll(async () => {
    await t.close()
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => blackHole.close(resolve))
  })

  it('answers 503, not a 401 that would send the caller after a new token', async () => {
    const token = await t.memberToken(randomUUID(), 'someone')
    const response = await t.request({ method: 'GET', url: '/v1/me', token })
    expect(response.statusCode).toBe(503)
    expect(response.headers['content-type']).toBe(PROBLEM_JSON)
    expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:service-unavailable', status: 503 })
  })
})
