import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const FORM = 'application/x-www-form-urlencoded'

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`

describe('integration clients and the token endpoint', () => {
  let t: TestApp
  let school: TestSchool
  let owner: pg.Client
  let admin: string

  beforeAll(async () => {
    t = await build()
    school = await t.school('portal-u')
    admin = school.members.school_admin!.token
    owner = await ownerConnection(t)
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  const base = () => `/v1/schools/${school.id}/integration-clients`

  async function createClient(scopes: string[], name = 'Portal backend') {
    const response = await t.request({ method: 'POST', url: base(), token: admin, payload: { name, scopes } })
    expect(response.statusCode).toBe(201)
    return response.json() as { client: { id: string; clientId: string; scopes: string[] }; clientSecret: string }
  }

  const tokenRequest = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    t.request({ method: 'POST', url: '/v1/oauth/token', payload: new URLSearchParams(form).toString(), headers: { 'content-type': FORM, ...headers } })

  describe('managing clients', () => {
    it('shows the secret once, at creation, and never again', async () => {
      const response = await t.request({ method: 'POST', url: base(), token: admin, payload: { name: 'Portal backend', scopes: ['members:read'] } })
      expect(response.statusCode).toBe(201)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      const { client, clientSecret } = response.json()
      expect(client).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        schoolId: school.id,
        clientId: expect.stringMatching(/^portal-u\.[0-9a-f]{24}$/),
        name: 'Portal backend',
        scopes: ['members:read'],
        enabled: true,
        lastUsedAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      })
      expect(clientSecret).toMatch(/^vcs_[A-Za-z0-9_-]{43}$/)

      const read = await t.request({ method: 'GET', url: `${base()}/${client.id}`, token: admin })
      expect(read.statusCode).toBe(200)
      expect(read.json()).toEqual(client)
      const list = await t.request({ method: 'GET', url: base(), token: admin })
      expect(list.json().items).toContainEqual(client)
      for (const body of [read.body, list.body]) {
        expect(body).not.toContain(clientSecret)
        expect(body).not.toMatch(/secret/i)
      }
      // Stored only as a hash.
      const { rows } = await owner.query('SELECT secret_hash FROM integration_clients WHERE id = $1', [client.id])
      expect(rows[0].secret_hash).toMatch(/^scrypt\$/)
      expect(rows[0].secret_hash).not.toContain(clientSecret)
    })

    it('validates the body and is for school admins (and the platform operator) only', async () => {
      const invalid = await t.request({ method: 'POST', url: base(), token: admin, payload: { name: '', scopes: ['members:delete'] } })
      expect(invalid.statusCode).toBe(400)
      expect(invalid.json().errors.map((error: { field: string }) => error.field).sort()).toEqual(['body.name', 'body.scopes.0'])

      for (const role of ['student', 'advisor', 'alumni'] as const) {
        const response = await t.request({ method: 'POST', url: base(), token: school.members[role]!.token, payload: { name: 'x', scopes: ['members:read'] } })
        expect(response.statusCode, role).toBe(403)
      }
      const other = await t.school('other-portal-u', ['school_admin'])
      const elsewhere = await t.request({ method: 'GET', url: base(), token: other.members.school_admin!.token })
      expect(elsewhere.statusCode).toBe(404)

      const byOperator = await t.request({ method: 'POST', url: base(), token: await t.platformToken(), payload: { name: 'Set up by ops', scopes: ['reports:read'] } })
      expect(byOperator.statusCode).toBe(201)
      expect(byOperator.json().client.clientId).toMatch(/^portal-u\./)
    })
  })

  describe('POST /v1/oauth/token', () => {
    let reader: Awaited<ReturnType<typeof createClient>>
    beforeAll(async () => {
      reader = await createClient(['members:read'], 'Reader')
    })

    it('issues a token for HTTP Basic credentials, not to be cached', async () => {
      const response = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(reader.client.clientId, reader.clientSecret) })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      expect(response.headers['cache-control']).toBe('no-store')
      expect(response.json()).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'members:read' })

      const { rows } = await owner.query('SELECT last_used_at FROM integration_clients WHERE id = $1', [reader.client.id])
      expect(rows[0].last_used_at).toBeInstanceOf(Date)
    })

    it('issues a token for credentials in a form body and in a JSON body', async () => {
      const form = await tokenRequest({ grant_type: 'client_credentials', client_id: reader.client.clientId, client_secret: reader.clientSecret })
      expect(form.statusCode).toBe(200)
      expect(form.headers['cache-control']).toBe('no-store')
      expect(form.json().scope).toBe('members:read')

      const json = await t.request({
        method: 'POST',
        url: '/v1/oauth/token',
        payload: { grant_type: 'client_credentials', client_id: reader.client.clientId, client_secret: reader.clientSecret, scope: 'members:read' },
      })
      expect(json.statusCode).toBe(200)
      expect(json.json()).toMatchObject({ token_type: 'Bearer', scope: 'members:read' })
    })

    it('gives a token that identifies the client on /v1/me and reads members with members:read', async () => {
      const { access_token: token } = (
        await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(reader.client.clientId, reader.clientSecret) })
      ).json()
      const me = await t.request({ method: 'GET', url: '/v1/me', token })
      expect(me.statusCode).toBe(200)
      expect(me.json()).toEqual({
        kind: 'client',
        subject: reader.client.clientId,
        via: 'service',
        school: { id: school.id, slug: 'portal-u', name: 'portal-u University', timeZone: 'America/New_York' },
        member: null,
        roles: [],
        scopes: ['members:read'],
      })

      const members = await t.request({ method: 'GET', url: '/v1/members', token })
      expect(members.statusCode).toBe(200)
      expect(members.json().items.map((member: { externalId: string }) => member.externalId)).toContain('portal-u-student-0')

      const write = await t.request({ method: 'PUT', url: '/v1/members/x', token, payload: { roles: ['student'] } })
      expect(write.statusCode).toBe(403)
      expect(write.headers['content-type']).toBe(PROBLEM_JSON)
      expect(write.json()).toMatchObject({ type: 'urn:vantage:problem:forbidden' })
      const { rows } = await owner.query("SELECT count(*)::int AS n FROM members WHERE school_id = $1 AND external_id = 'x'", [school.id])
      expect(rows[0].n).toBe(0)
    })

    it('narrows the token to the scopes asked for, and refuses a scope the client does not hold', async () => {
      const both = await createClient(['members:read', 'members:write'], 'Both')
      const all = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(both.client.clientId, both.clientSecret) })
      expect(all.json().scope).toBe('members:read members:write')

      const narrowed = await tokenRequest({ grant_type: 'client_credentials', scope: 'members:write' }, { authorization: basic(both.client.clientId, both.clientSecret) })
      expect(narrowed.statusCode).toBe(200)
      expect(narrowed.json().scope).toBe('members:write')
      const me = await t.request({ method: 'GET', url: '/v1/me', token: narrowed.json().access_token })
      expect(me.json().scopes).toEqual(['members:write'])
      expect((await t.request({ method: 'GET', url: '/v1/members', token: narrowed.json().access_token })).statusCode).toBe(403)

      for (const scope of ['reports:read', 'members:read admin', 'members:read reports:read']) {
        const refused = await tokenRequest({ grant_type: 'client_credentials', scope }, { authorization: basic(both.client.clientId, both.clientSecret) })
        // RFC 6749 §5.2: invalid_scope is a 400.
        expect(refused.statusCode, scope).toBe(400)
        expect(refused.headers['content-type']).toBe(PROBLEM_JSON)
        expect(refused.json()).toMatchObject({
          type: 'urn:vantage:problem:validation-failed',
          status: 400,
          error: 'invalid_scope',
          errors: [{ field: 'body.scope', message: expect.any(String) }],
        })
        expect(refused.json().access_token).toBeUndefined()
      }
    })

    it('answers 401 invalid_client for a wrong secret, an unknown client or missing credentials', async () => {
      const cases: Array<[string, ReturnType<typeof tokenRequest>]> = [
        ['wrong secret (Basic)', tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(reader.client.clientId, `${reader.clientSecret}x`) })],
        ['wrong secret (body)', tokenRequest({ grant_type: 'client_credentials', client_id: reader.client.clientId, client_secret: 'vcs_wrong' })],
        ['unknown client of a known school', tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic('portal-u.0000', reader.clientSecret) })],
        ['unknown school', tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic('nowhere-u.abc', reader.clientSecret) })],
        ['client id without a school', tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic('abc', reader.clientSecret) })],
        ['no credentials', tokenRequest({ grant_type: 'client_credentials' })],
        ['Basic credentials that are not form-encoded', tokenRequest({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from(`${reader.client.clientId}:100%`).toString('base64')}` })],
        ['Basic without a colon', tokenRequest({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from(reader.client.clientId).toString('base64')}` })],
        ['only a client id', tokenRequest({ grant_type: 'client_credentials', client_id: reader.client.clientId })],
      ]
      for (const [name, pending] of cases) {
        const response = await pending
        expect(response.statusCode, name).toBe(401)
        expect(response.headers['content-type'], name).toBe(PROBLEM_JSON)
        expect(response.headers['www-authenticate'], name).toBe('Basic realm="vantage"')
        expect(response.json(), name).toMatchObject({ type: 'urn:vantage:problem:client-invalid', status: 401, error: 'invalid_client' })
        expect(response.body).not.toContain(reader.clientSecret)
      }
    })

    it('answers 400 unsupported_grant_type for any other grant, and 400 without a grant type', async () => {
      for (const grant of ['password', 'authorization_code', 'refresh_token']) {
        const response = await tokenRequest({ grant_type: grant, client_id: reader.client.clientId, client_secret: reader.clientSecret })
        expect(response.statusCode).toBe(400)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:unsupported-grant-type', error: 'unsupported_grant_type' })
      }
      const missing = await tokenRequest({ client_id: reader.client.clientId, client_secret: reader.clientSecret })
      expect(missing.statusCode).toBe(400)
      expect(missing.json().errors).toEqual([{ field: 'body.grant_type', message: expect.any(String) }])
    })

    it('publishes the public key that verifies its tokens, and nothing private', async () => {
      const issued = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(reader.client.clientId, reader.clientSecret) })
      const token: string = issued.json().access_token

      const response = await t.request({ method: 'GET', url: '/.well-known/jwks.json' })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      const jwks = response.json()
      expect(jwks.keys.length).toBeGreaterThanOrEqual(1)
      for (const key of jwks.keys) {
        for (const secretPart of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(secretPart)
        expect(key).toMatchObject({ kid: expect.any(String), use: 'sig' })
      }
      expect(jwks.keys.map((key: { kid: string }) => key.kid)).toContain(decodeProtectedHeader(token).kid)

      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'urn:vantage:test', audience: 'vantage-api' })
      expect(payload).toMatchObject({ sub: reader.client.clientId, token_use: 'client', school: school.id, scope: 'members:read' })
      expect(payload.exp! - payload.iat!).toBe(3600)
    })
  })

  describe('the life of a client', () => {
    it('rotating the secret makes the old one fail and the new one work', async () => {
      const client = await createClient(['members:read'], 'Rotating')
      const rotated = await t.request({ method: 'POST', url: `${base()}/${client.client.id}/secret`, token: admin })
      expect(rotated.statusCode).toBe(200)
      const { clientSecret, client: after } = rotated.json()
      expect(clientSecret).toMatch(/^vcs_/)
      expect(clientSecret).not.toBe(client.clientSecret)
      expect(after).toMatchObject({ id: client.client.id, clientId: client.client.clientId, enabled: true })

      const old = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(client.client.clientId, client.clientSecret) })
      expect(old.statusCode).toBe(401)
      expect(old.json().error).toBe('invalid_client')
      const fresh = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(client.client.clientId, clientSecret) })
      expect(fresh.statusCode).toBe(200)
    })

    it('disabling a client turns away the tokens it already holds, and issues no new ones; enabling restores both', async () => {
      const client = await createClient(['members:read'], 'Disabled soon')
      const credentials = { authorization: basic(client.client.clientId, client.clientSecret) }
      const { access_token: token } = (await tokenRequest({ grant_type: 'client_credentials' }, credentials)).json()
      expect((await t.request({ method: 'GET', url: '/v1/members', token })).statusCode).toBe(200)

      const disabled = await t.request({ method: 'PATCH', url: `${base()}/${client.client.id}`, token: admin, payload: { enabled: false } })
      expect(disabled.statusCode).toBe(200)
      expect(disabled.json()).toMatchObject({ id: client.client.id, enabled: false })

      const refused = await t.request({ method: 'GET', url: '/v1/members', token })
      expect(refused.statusCode).toBe(401)
      expect(refused.headers['content-type']).toBe(PROBLEM_JSON)
      expect(refused.json()).toMatchObject({ type: 'urn:vantage:problem:client-invalid', status: 401 })
      const again = await tokenRequest({ grant_type: 'client_credentials' }, credentials)
      expect(again.statusCode).toBe(401)
      expect(again.json().error).toBe('invalid_client')

      await t.request({ method: 'PATCH', url: `${base()}/${client.client.id}`, token: admin, payload: { enabled: true } })
      expect((await t.request({ method: 'GET', url: '/v1/members', token })).statusCode).toBe(200)
    })

    it('rescoping a client takes effect on its next token', async () => {
      const client = await createClient(['members:read'], 'Rescoped')
      const patched = await t.request({ method: 'PATCH', url: `${base()}/${client.client.id}`, token: admin, payload: { scopes: ['members:write'], name: 'Writer now' } })
      expect(patched.json()).toMatchObject({ name: 'Writer now', scopes: ['members:write'] })
      const issued = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(client.client.clientId, client.clientSecret) })
      expect(issued.json().scope).toBe('members:write')
      const put = await t.request({ method: 'PUT', url: '/v1/members/from-writer', token: issued.json().access_token, payload: { roles: ['student'] } })
      expect(put.statusCode).toBe(201)
    })

    it('deleting a client removes it and turns away its tokens', async () => {
      const client = await createClient(['members:read'], 'Deleted soon')
      const { access_token: token } = (
        await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(client.client.clientId, client.clientSecret) })
      ).json()
      const deleted = await t.request({ method: 'DELETE', url: `${base()}/${client.client.id}`, token: admin })
      expect(deleted.statusCode).toBe(204)
      expect(deleted.body).toBe('')
      expect((await t.request({ method: 'GET', url: `${base()}/${client.client.id}`, token: admin })).statusCode).toBe(404)
      expect((await t.request({ method: 'DELETE', url: `${base()}/${client.client.id}`, token: admin })).statusCode).toBe(404)
      const refused = await t.request({ method: 'GET', url: '/v1/members', token })
      expect(refused.statusCode).toBe(401)
      expect(refused.json().type).toBe('urn:vantage:problem:client-invalid')
    })

    it('a disabled school\'s clients get no token', async () => {
      const sleepy = await t.school('sleepy-portal-u', ['school_admin'])
      const created = await t.request({
        method: 'POST',
        url: `/v1/schools/${sleepy.id}/integration-clients`,
        token: sleepy.members.school_admin!.token,
        payload: { name: 'x', scopes: ['members:read'] },
      })
      const { client, clientSecret } = created.json()
      await t.request({ method: 'PATCH', url: `/v1/schools/${sleepy.id}`, token: await t.platformToken(), payload: { status: 'disabled' } })
      const response = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(client.clientId, clientSecret) })
      expect(response.statusCode).toBe(401)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:school-disabled', error: 'invalid_client' })
    })
  })
})
