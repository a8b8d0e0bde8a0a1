import { exportJWK, generateKeyPair, type JWK } from 'jose'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const MISSING_ID = '0190aaaa-0000-7000-8000-000000000000'

describe('identity providers API', () => {
  let t: TestApp
  let school: TestSchool
  let admin: string
  let operator: string
  let owner: pg.Client
  let publicJwk: JWK
  let privateJwk: JWK

  beforeAll(async () => {
    t = await build()
    school = await t.school('sso-u')
    admin = school.members.school_admin!.token
    operator = await t.platformToken()
    owner = await ownerConnection(t)
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true })
    publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }
    privateJwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256' }
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  const base = (schoolId = school.id) => `/v1/schools/${schoolId}/identity-providers`
  let counter = 0
  // An issuer must be on its JWKS URL's host: a test that names one of the two gets the other on its host.
  const originOf = (address: unknown) => (typeof address === 'string' && /^https?:\/\//.test(address) && URL.canParse(address) ? new URL(address).origin : undefined)
  const provider = (overrides: Record<string, unknown> = {}) => ({
    name: 'Campus SSO',
    issuer: `${originOf(overrides.jwksUri) ?? 'https://idp.sso-u.edu'}/realms/${++counter}`,
    audience: 'vantage',
    jwksUri: `${originOf(overrides.issuer) ?? 'https://idp.sso-u.edu'}/jwks`,
    algorithms: ['RS256'],
    ...overrides,
  })
  const rowCount = async (schoolId = school.id) =>
    (await owner.query('SELECT count(*)::int AS n FROM identity_providers WHERE school_id = $1', [schoolId])).rows[0].n as number

  describe('CRUD by a school admin', () => {
    it('creates a provider with defaults, reads, lists, patches and deletes it', async () => {
      const created = await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ issuer: 'https://login.sso-u.edu' }) })
      expect(created.statusCode).toBe(201)
      expect(created.headers['content-type']).toBe(JSON_TYPE)
      const body = created.json()
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        schoolId: school.id,
        name: 'Campus SSO',
        issuer: 'https://login.sso-u.edu',
        audience: 'vantage',
        jwksUri: 'https://login.sso-u.edu/jwks',
        jwks: null,
        algorithms: ['RS256'],
        memberIdClaim: 'sub',
        rolesClaim: null,
        roleMapping: null,
        jitProvisioning: false,
        issuerApprovedByOperator: false,
        enabled: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      })

      const read = await t.request({ method: 'GET', url: `${base()}/${body.id}`, token: admin })
      expect(read.statusCode).toBe(200)
      expect(read.json()).toEqual(body)

      const list = await t.request({ method: 'GET', url: base(), token: admin })
      expect(list.statusCode).toBe(200)
      expect(list.json()).toEqual({ items: [body], nextCursor: null })

      const patched = await t.request({
        method: 'PATCH',
        url: `${base()}/${body.id}`,
        token: admin,
        payload: { name: 'Campus SSO (new)', rolesClaim: 'realm_access.roles', jitProvisioning: true, algorithms: ['RS256', 'ES256'] },
      })
      expect(patched.statusCode).toBe(200)
      expect(patched.json()).toEqual({
        ...body,
        name: 'Campus SSO (new)',
        rolesClaim: 'realm_access.roles',
        jitProvisioning: true,
        algorithms: ['RS256', 'ES256'],
        updatedAt: expect.any(String),
      })
      const { rows } = await owner.query('SELECT name, roles_claim, jit_provisioning, algorithms FROM identity_providers WHERE id = $1', [body.id])
      expect(rows).toEqual([{ name: 'Campus SSO (new)', roles_claim: 'realm_access.roles', jit_provisioning: true, algorithms: ['RS256', 'ES256'] }])

      const deleted = await t.request({ method: 'DELETE', url: `${base()}/${body.id}`, token: admin })
      expect(deleted.statusCode).toBe(204)
      expect(deleted.body).toBe('')
      expect(await rowCount()).toBe(0)
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const gone = await t.request({ method, url: `${base()}/${body.id}`, token: admin, ...(method === 'PATCH' ? { payload: { name: 'x' } } : {}) })
        expect(gone.statusCode, method).toBe(404)
        expect(gone.headers['content-type']).toBe(PROBLEM_JSON)
        expect(gone.json()).toMatchObject({ type: 'urn:vantage:problem:not-found' })
      }
    })

    it('keeps inline public keys, and switches between inline keys and a JWKS URL', async () => {
      const created = await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ jwksUri: undefined, jwks: { keys: [publicJwk] } }) })
      expect(created.statusCode).toBe(201)
      expect(created.json()).toMatchObject({ jwksUri: null, jwks: { keys: [publicJwk] } })
      const id = created.json().id

      const toUri = await t.request({ method: 'PATCH', url: `${base()}/${id}`, token: admin, payload: { jwks: null, jwksUri: 'https://idp.sso-u.edu/certs' } })
      expect(toUri.statusCode).toBe(200)
      expect(toUri.json()).toMatchObject({ jwksUri: 'https://idp.sso-u.edu/certs', jwks: null })
      const afterUri = await owner.query('SELECT jwks_uri, jwks FROM identity_providers WHERE id = $1', [id])
      expect(afterUri.rows).toEqual([{ jwks_uri: 'https://idp.sso-u.edu/certs', jwks: null }])

      const toInline = await t.request({ method: 'PATCH', url: `${base()}/${id}`, token: admin, payload: { jwksUri: null, jwks: { keys: [publicJwk] } } })
      expect(toInline.statusCode).toBe(200)
      expect(toInline.json()).toMatchObject({ jwksUri: null, jwks: { keys: [publicJwk] } })

      // Taking away the only keys is refused.
      const none = await t.request({ method: 'PATCH', url: `${base()}/${id}`, token: admin, payload: { jwks: null } })
      expect(none.statusCode).toBe(400)
      expect(none.json().errors).toEqual([{ field: 'body.jwksUri', message: expect.any(String) }])
    })

    it('pages through the providers', async () => {
      const other = await t.school('sso-pages-u', ['school_admin'])
      const token = other.members.school_admin!.token
      const ids: string[] = []
      for (let index = 0; index < 3; index++) {
        ids.push((await t.request({ method: 'POST', url: base(other.id), token, payload: provider() })).json().id)
      }
      const first = await t.request({ method: 'GET', url: `${base(other.id)}?limit=2`, token })
      expect(first.json().items.map((item: { id: string }) => item.id)).toEqual(ids.slice(0, 2))
      const second = await t.request({ method: 'GET', url: `${base(other.id)}?limit=2&cursor=${first.json().nextCursor}`, token })
      expect(second.json()).toEqual({ items: [expect.objectContaining({ id: ids[2] })], nextCursor: null })
    })

    it('does not reach another school\'s providers: 404 as if missing', async () => {
      const other = await t.school('sso-other-u', ['school_admin'])
      const theirs = await t.request({ method: 'POST', url: base(other.id), token: other.members.school_admin!.token, payload: provider() })
      const id = theirs.json().id

      expect((await t.request({ method: 'GET', url: base(other.id), token: admin })).statusCode).toBe(404)
      expect((await t.request({ method: 'GET', url: `${base(other.id)}/${id}`, token: admin })).statusCode).toBe(404)
      expect((await t.request({ method: 'POST', url: base(other.id), token: admin, payload: provider() })).statusCode).toBe(404)
      // Nor through its own school's path.
      expect((await t.request({ method: 'GET', url: `${base()}/${id}`, token: admin })).statusCode).toBe(404)
      expect((await t.request({ method: 'DELETE', url: `${base()}/${id}`, token: admin })).statusCode).toBe(404)
      expect(await rowCount(other.id)).toBe(1)
    })
  })

  describe('CRUD by the platform operator', () => {
    it('manages any school\'s providers', async () => {
      const target = await t.school('sso-ops-u', ['student'])
      const created = await t.request({ method: 'POST', url: base(target.id), token: operator, payload: provider({ name: 'Set up by ops' }) })
      expect(created.statusCode).toBe(201)
      expect(created.json()).toMatchObject({ schoolId: target.id, name: 'Set up by ops' })
      const id = created.json().id

      expect((await t.request({ method: 'GET', url: base(target.id), token: operator })).json().items).toHaveLength(1)
      expect((await t.request({ method: 'GET', url: `${base(target.id)}/${id}`, token: operator })).json().id).toBe(id)
      const patched = await t.request({ method: 'PATCH', url: `${base(target.id)}/${id}`, token: operator, payload: { enabled: false } })
      expect(patched.json().enabled).toBe(false)
      expect((await t.request({ method: 'DELETE', url: `${base(target.id)}/${id}`, token: operator })).statusCode).toBe(204)
      expect(await rowCount(target.id)).toBe(0)
    })

    it('answers 404 for a school that does not exist', async () => {
      const response = await t.request({ method: 'POST', url: base(MISSING_ID), token: operator, payload: provider() })
      expect(response.statusCode).toBe(404)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:not-found' })
      expect((await t.request({ method: 'GET', url: base(MISSING_ID), token: operator })).statusCode).toBe(404)
    })
  })

  describe('validation', () => {
    it.each([
      ['both jwksUri and jwks', { jwks: { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] } }, 'body.jwksUri'],
      ['neither jwksUri nor jwks', { jwksUri: undefined }, 'body.jwksUri'],
      ['an HMAC algorithm', { algorithms: ['HS256'] }, 'body.algorithms.0'],
      ['the none algorithm', { algorithms: ['none'] }, 'body.algorithms.0'],
      ['no algorithm', { algorithms: [] }, 'body.algorithms'],
      ['a JWKS URL that is not a URI', { jwksUri: 'not a uri' }, 'body.jwksUri'],
      ['a JWKS URL that is not http(s)', { jwksUri: 'file:///etc/jwks.json' }, 'body.jwksUri'],
      ['an empty key set', { jwksUri: undefined, jwks: { keys: [] } }, 'body.jwks.keys'],
      ['an unknown property', { clientSecret: 'x' }, 'body.clientSecret'],
    ])('rejects %s with 400 and writes nothing', async (_case, overrides, field) => {
      const before = await rowCount()
      const response = await t.request({ method: 'POST', url: base(), token: admin, payload: provider(overrides) })
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:validation-failed', status: 400 })
      expect(response.json().errors).toEqual([{ field, message: expect.any(String) }])
      expect(await rowCount()).toBe(before)
    })

    it('refuses private or symmetric keys in an inline key set', async () => {
      const before = await rowCount()
      for (const key of [privateJwk, { kty: 'oct', k: 'c2VjcmV0' }]) {
        const response = await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ jwksUri: undefined, jwks: { keys: [key] } }) })
        expect(response.statusCode).toBe(400)
        expect(response.json().errors).toEqual([{ field: 'body.jwks.keys.0', message: expect.any(String) }])
        expect(response.body).not.toContain(String(privateJwk.d))
      }
      expect(await rowCount()).toBe(before)
    })

    it('accepts http JWKS URLs only where JWKS_ALLOW_HTTP is on', async () => {
      const strict = await build({ JWKS_ALLOW_HTTP: 'false' })
      try {
        const target = await strict.school('strict-u', ['school_admin'])
        const token = target.members.school_admin!.token
        const http = await strict.request({ method: 'POST', url: base(target.id), token, payload: provider({ jwksUri: 'http://idp.strict-u.edu/jwks' }) })
        expect(http.statusCode).toBe(400)
        expect(http.json().errors).toEqual([{ field: 'body.jwksUri', message: 'must be an https URL' }])
        const https = await strict.request({ method: 'POST', url: base(target.id), token, payload: provider({ jwksUri: 'https://idp.strict-u.edu/jwks' }) })
        expect(https.statusCode).toBe(201)
        const downgrade = await strict.request({ method: 'PATCH', url: `${base(target.id)}/${https.json().id}`, token, payload: { jwksUri: 'http://idp.strict-u.edu/jwks' } })
        expect(downgrade.statusCode).toBe(400)
      } finally {
        await strict.close()
      }
      // Here (JWKS_ALLOW_HTTP defaults to on outside production) http is fine.
      expect((await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ jwksUri: 'http://localhost:8080/jwks' }) })).statusCode).toBe(201)
    })

    it('rejects an HMAC algorithm on update too', async () => {
      const id = (await t.request({ method: 'POST', url: base(), token: admin, payload: provider() })).json().id
      const response = await t.request({ method: 'PATCH', url: `${base()}/${id}`, token: admin, payload: { algorithms: ['RS256', 'HS256'] } })
      expect(response.statusCode).toBe(400)
      expect(response.json().errors).toEqual([{ field: 'body.algorithms.1', message: expect.any(String) }])
      const { rows } = await owner.query('SELECT algorithms FROM identity_providers WHERE id = $1', [id])
      expect(rows[0].algorithms).toEqual(['RS256'])
      const empty = await t.request({ method: 'PATCH', url: `${base()}/${id}`, token: admin, payload: {} })
      expect(empty.statusCode).toBe(400)
    })

    it('answers 409 for a second provider with the same issuer and audience, on create and on update', async () => {
      const first = await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ issuer: 'https://twin.sso-u.edu', audience: 'portal' }) })
      expect(first.statusCode).toBe(201)
      const before = await rowCount()
      const duplicate = await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ issuer: 'https://twin.sso-u.edu', audience: 'portal' }) })
      expect(duplicate.statusCode).toBe(409)
      expect(duplicate.headers['content-type']).toBe(PROBLEM_JSON)
      expect(duplicate.json()).toMatchObject({ type: 'urn:vantage:problem:conflict', status: 409 })
      expect(await rowCount()).toBe(before)

      // Same issuer, another audience: a different provider.
      const second = await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ issuer: 'https://twin.sso-u.edu', audience: 'mobile' }) })
      expect(second.statusCode).toBe(201)
      const clash = await t.request({ method: 'PATCH', url: `${base()}/${second.json().id}`, token: admin, payload: { audience: 'portal' } })
      expect(clash.statusCode).toBe(409)
    })

    it('refuses an issuer and audience that another school trusts, on create and on update, also when both race', async () => {
      const other = await t.school('sso-other', ['school_admin'])
      const otherAdmin = other.members.school_admin!.token
      const taken = provider({ issuer: 'https://shared.idp.example', audience: 'sso-u-portal' })
      expect((await t.request({ method: 'POST', url: base(), token: admin, payload: taken })).statusCode).toBe(201)

      const copy = await t.request({ method: 'POST', url: base(other.id), token: otherAdmin, payload: taken })
      expect(copy.statusCode).toBe(409)
      expect(copy.json()).toMatchObject({ type: 'urn:vantage:problem:conflict', detail: expect.stringContaining('another school') })
      expect(await rowCount(other.id)).toBe(0)
      // The issuer itself belongs to the first school: another audience of it is refused too (a token may
      // carry several audiences), unless a platform operator registers the shared provider.
      const ownAudience = await t.request({ method: 'POST', url: base(other.id), token: otherAdmin, payload: { ...taken, audience: 'sso-other-portal' } })
      expect(ownAudience.statusCode).toBe(409)
      expect(ownAudience.json().detail).toContain('platform operator')
      const shared = await t.request({ method: 'POST', url: base(other.id), token: operator, payload: { ...taken, audience: 'sso-other-portal' } })
      expect(shared.statusCode).toBe(201)
      const move = await t.request({ method: 'PATCH', url: `${base(other.id)}/${shared.json().id}`, token: operator, payload: { audience: 'sso-u-portal' } })
      expect(move.statusCode).toBe(409)
      expect(await rowCount(other.id)).toBe(1)

      // Two schools claiming one new pair at the same moment: exactly one wins.
      const race = provider({ issuer: 'https://race.idp.example', audience: 'race' })
      const answers = await Promise.all([
        t.request({ method: 'POST', url: base(), token: admin, payload: race }),
        t.request({ method: 'POST', url: base(other.id), token: otherAdmin, payload: race }),
      ])
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409])
      const { rows } = await owner.query("SELECT count(*)::int AS n FROM identity_providers WHERE issuer = 'https://race.idp.example'")
      expect(rows[0].n).toBe(1)
    })
  })

  describe('issuers', () => {
    const inline = () => ({ jwksUri: undefined, jwks: { keys: [publicJwk] } })
    const expectIssuerRefused = (response: Awaited<ReturnType<TestApp['request']>>) => {
      expect(response.statusCode, response.body).toBe(400)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:validation-failed', status: 400 })
      expect(response.json().errors).toEqual([{ field: 'body.issuer', message: expect.any(String) }])
    }

    it('refuses the service\'s own issuer and address in any spelling, to school admins and operators alike (400)', async () => {
      const before = await rowCount()
      const own = t.config.auth.issuer
      expect(own).toBe('urn:vantage:test')
      for (const issuer of [own, ` ${own.toUpperCase()}/ `, `${own}/`, 'Urn:Vantage:Test', t.config.publicUrl, `${t.config.publicUrl.toUpperCase()}/`]) {
        for (const token of [admin, operator]) {
          expectIssuerRefused(await t.request({ method: 'POST', url: base(), token, payload: provider({ issuer, audience: t.config.auth.audience, ...inline() }) }))
        }
      }
      expect(await rowCount()).toBe(before)
      // Nor by moving a provider onto it.
      const id = (await t.request({ method: 'POST', url: base(), token: admin, payload: provider(inline()) })).json().id
      expectIssuerRefused(await t.request({ method: 'PATCH', url: `${base()}/${id}`, token: admin, payload: { issuer: `${own}/` } }))
      const { rows } = await owner.query('SELECT issuer FROM identity_providers WHERE id = $1', [id])
      expect(rows[0].issuer).not.toContain('vantage')
    })

    it('refuses the platform operator\'s issuer, even with an operator\'s approval', async () => {
      const withPlatform = await build({ PLATFORM_ISSUER: 'https://login.operator.example', PLATFORM_AUDIENCE: 'vantage-platform', PLATFORM_JWKS_URL: 'https://login.operator.example/jwks' })
      try {
        const target = await withPlatform.school('platform-issuer-u', ['school_admin'])
        const url = base(target.id)
        const theirs = { name: 'Not the platform', audience: 'vantage-platform', jwksUri: 'https://login.operator.example/jwks', algorithms: ['ES256'] }
        for (const issuer of ['https://login.operator.example', 'https://LOGIN.operator.example/', 'https://login.operator.example:443']) {
          expectIssuerRefused(await withPlatform.request({ method: 'POST', url, token: target.members.school_admin!.token, payload: { ...theirs, issuer } }))
        }
        const approved = await withPlatform.request({
          method: 'POST',
          url,
          token: await withPlatform.platformToken(),
          payload: { ...theirs, issuer: 'https://login.operator.example/', issuerApprovedByOperator: true },
        })
        expectIssuerRefused(approved)
        expect(await withPlatform.database.forSchool(target.id).db.identityProvider.count({ where: { schoolId: target.id } })).toBe(0)
      } finally {
        await withPlatform.close()
      }
    })

    it('refuses an issuer on another host than its JWKS URL, or that is not a URL, unless the keys are inline', async () => {
      const before = await rowCount()
      for (const [issuer, jwksUri] of [
        ['https://login.sso-u.edu', 'https://keys.attacker.example/jwks'],
        ['https://sso-u.edu', 'https://idp.sso-u.edu/jwks'],
        ['urn:sso-u:idp', 'https://idp.sso-u.edu/jwks'],
        ['ftp://idp.sso-u.edu', 'https://idp.sso-u.edu/jwks'],
      ]) {
        expectIssuerRefused(await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ issuer, jwksUri }) }))
      }
      expect(await rowCount()).toBe(before)
      // A school's own key set names whose tokens it accepts: any issuer that is free.
      const urn = await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ issuer: 'urn:sso-u:idp', ...inline() }) })
      expect(urn.statusCode, urn.body).toBe(201)
      // Moving to a JWKS URL later applies the rule, to the issuer and to the keys.
      const moved = await t.request({ method: 'PATCH', url: `${base()}/${urn.json().id}`, token: admin, payload: { jwks: null, jwksUri: 'https://idp.sso-u.edu/jwks' } })
      expectIssuerRefused(moved)
      const same = await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ issuer: 'https://idp.sso-u.edu/realms/keys' }) })
      expect(same.statusCode).toBe(201)
      expectIssuerRefused(await t.request({ method: 'PATCH', url: `${base()}/${same.json().id}`, token: admin, payload: { jwksUri: 'https://keys.attacker.example/jwks' } }))
      expectIssuerRefused(await t.request({ method: 'PATCH', url: `${base()}/${same.json().id}`, token: admin, payload: { issuer: 'https://other.sso-u.edu' } }))
      const { rows } = await owner.query('SELECT issuer, jwks_uri FROM identity_providers WHERE id = $1', [same.json().id])
      expect(rows).toEqual([{ issuer: 'https://idp.sso-u.edu/realms/keys', jwks_uri: 'https://idp.sso-u.edu/jwks' }])
    })

    it('accepts an issuer on another host when a platform operator approves it, which only an operator may, and a school admin\'s change of issuer or keys ends', async () => {
      const split = { issuer: 'https://accounts.idp.example', jwksUri: 'https://keys.idp-apis.example/oauth2/v3/certs', audience: 'split-host' }
      const byAdmin = await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ ...split, issuerApprovedByOperator: true }) })
      expect(byAdmin.statusCode).toBe(403)
      expect(byAdmin.headers['content-type']).toBe(PROBLEM_JSON)
      expect(byAdmin.json()).toMatchObject({ type: 'urn:vantage:problem:forbidden', detail: expect.stringContaining('platform operator') })
      expectIssuerRefused(await t.request({ method: 'POST', url: base(), token: operator, payload: provider(split) }))

      const approved = await t.request({ method: 'POST', url: base(), token: operator, payload: provider({ ...split, issuerApprovedByOperator: true }) })
      expect(approved.statusCode, approved.body).toBe(201)
      expect(approved.json()).toMatchObject({ ...split, issuerApprovedByOperator: true })
      const url = `${base()}/${approved.json().id}`
      const row = async () => (await owner.query('SELECT issuer, jwks_uri, issuer_approved_by_operator AS approved FROM identity_providers WHERE id = $1', [approved.json().id])).rows[0]

      // The school's admin manages the rest of it, but cannot approve, revoke, or carry the approval to other keys.
      const renamed = await t.request({ method: 'PATCH', url, token: admin, payload: { name: 'Split SSO' } })
      expect(renamed.statusCode).toBe(200)
      expect(renamed.json()).toMatchObject({ name: 'Split SSO', issuerApprovedByOperator: true })
      const resent = await t.request({ method: 'PATCH', url, token: admin, payload: { name: 'Split SSO', issuer: split.issuer, jwksUri: split.jwksUri, jwks: null } })
      expect(resent.statusCode, resent.body).toBe(200)
      expect(resent.json()).toMatchObject({ issuerApprovedByOperator: true })
      expect((await t.request({ method: 'PATCH', url, token: admin, payload: { issuerApprovedByOperator: false } })).statusCode).toBe(403)
      expectIssuerRefused(await t.request({ method: 'PATCH', url, token: admin, payload: { jwksUri: 'https://keys.attacker.example/jwks' } }))
      expect(await row()).toEqual({ issuer: split.issuer, jwks_uri: split.jwksUri, approved: true })
      // A change that fits the rule by itself goes through, and ends the approval.
      const own = await t.request({ method: 'PATCH', url, token: admin, payload: { jwksUri: 'https://accounts.idp.example/jwks' } })
      expect(own.statusCode, own.body).toBe(200)
      expect(await row()).toEqual({ issuer: split.issuer, jwks_uri: 'https://accounts.idp.example/jwks', approved: false })

      // An operator approves an existing provider, and may revoke only where the rule then holds.
      const back = await t.request({ method: 'PATCH', url, token: operator, payload: { jwksUri: split.jwksUri, issuerApprovedByOperator: true } })
      expect(back.statusCode, back.body).toBe(200)
      expect(await row()).toEqual({ issuer: split.issuer, jwks_uri: split.jwksUri, approved: true })
      expectIssuerRefused(await t.request({ method: 'PATCH', url, token: operator, payload: { issuerApprovedByOperator: false } }))
      expect((await row()).approved).toBe(true)
    })
  })

  describe('role mapping', () => {
    it('keeps a mapping of claim values to Vantage roles, and refuses one naming an unknown role (400)', async () => {
      const created = await t.request({
        method: 'POST',
        url: base(),
        token: admin,
        payload: provider({ rolesClaim: 'groups', roleMapping: { 'staff-career': ['advisor'], 'it-admin': ['school_admin'], student: [] } }),
      })
      expect(created.statusCode, created.body).toBe(201)
      expect(created.json()).toMatchObject({ rolesClaim: 'groups', roleMapping: { 'staff-career': ['advisor'], 'it-admin': ['school_admin'], student: [] } })
      const url = `${base()}/${created.json().id}`
      const stored = async () => (await owner.query('SELECT role_mapping FROM identity_providers WHERE id = $1', [created.json().id])).rows[0].role_mapping

      for (const [roleMapping, field] of [
        [{ 'it-admin': ['superuser'] }, 'body.roleMapping.it-admin.0'],
        [{ 'it-admin': ['platform_admin'] }, 'body.roleMapping.it-admin.0'],
        [{ '': ['advisor'] }, 'body.roleMapping'],
        [{ 'it-admin': ['advisor', 'advisor'] }, 'body.roleMapping.it-admin'],
      ] as const) {
        const response = await t.request({ method: 'PATCH', url, token: admin, payload: { roleMapping } })
        expect(response.statusCode, JSON.stringify(roleMapping)).toBe(400)
        expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:validation-failed' })
        expect(response.json().errors.map((error: { field: string }) => error.field)).toContain(field)
      }
      // A mapping needs the claim it maps.
      const noClaim = await t.request({ method: 'PATCH', url, token: admin, payload: { rolesClaim: null } })
      expect(noClaim.statusCode).toBe(400)
      expect(noClaim.json().errors).toEqual([{ field: 'body.roleMapping', message: expect.any(String) }])
      const orphan = await t.request({ method: 'POST', url: base(), token: admin, payload: provider({ roleMapping: { staff: ['advisor'] } }) })
      expect(orphan.statusCode).toBe(400)
      expect(await stored()).toEqual({ 'staff-career': ['advisor'], 'it-admin': ['school_admin'], student: [] })

      const changed = await t.request({ method: 'PATCH', url, token: admin, payload: { roleMapping: { 'staff-career': ['advisor', 'alumni'] } } })
      expect(changed.statusCode).toBe(200)
      expect(changed.json().roleMapping).toEqual({ 'staff-career': ['advisor', 'alumni'] })
      const cleared = await t.request({ method: 'PATCH', url, token: admin, payload: { roleMapping: null, rolesClaim: null } })
      expect(cleared.statusCode).toBe(200)
      expect(cleared.json()).toMatchObject({ roleMapping: null, rolesClaim: null })
      expect(await stored()).toBeNull()
    })
  })

  describe('access', () => {
    it('is refused to students, alumni and advisors (403) and to callers without a token (401)', async () => {
      const id = (await t.request({ method: 'POST', url: base(), token: admin, payload: provider() })).json().id
      for (const role of ['student', 'alumni', 'advisor'] as const) {
        const token = school.members[role]!.token
        for (const request of [
          { method: 'GET' as const, url: base() },
          { method: 'POST' as const, url: base(), payload: provider() },
          { method: 'GET' as const, url: `${base()}/${id}` },
          { method: 'PATCH' as const, url: `${base()}/${id}`, payload: { enabled: false } },
          { method: 'DELETE' as const, url: `${base()}/${id}` },
        ]) {
          const response = await t.request({ ...request, token })
          expect(response.statusCode, `${role} ${request.method} ${request.url}`).toBe(403)
          expect(response.headers['content-type']).toBe(PROBLEM_JSON)
          expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:forbidden' })
        }
      }
      const { rows } = await owner.query('SELECT enabled FROM identity_providers WHERE id = $1', [id])
      expect(rows).toEqual([{ enabled: true }])
      const anonymous = await t.request({ method: 'GET', url: base() })
      expect(anonymous.statusCode).toBe(401)
    })

    it('is refused to integration clients, whatever their scopes', async () => {
      await owner.query(
        `INSERT INTO integration_clients (school_id, id, client_id, name, secret_hash, scopes, updated_at)
         VALUES ($1, uuid_generate_v7(), 'sso-u.all', 'all', 'none', '{members:read,members:write,reports:read}', now())`,
        [school.id],
      )
      const token = await t.clientToken(school.id, 'sso-u.all', ['members:read', 'members:write', 'reports:read'])
      expect((await t.request({ method: 'GET', url: base(), token })).statusCode).toBe(403)
    })
  })
})
