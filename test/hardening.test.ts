// Inputs and callers that once got further than they should: a portal credential taking over a
// school's administration, NUL characters reaching PostgreSQL, an identity provider's unusable keys.
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'

describe('hardening', () => {
  let t: TestApp
  let school: TestSchool
  let portal: string
  let owner: pg.Client

  beforeAll(async () => {
    t = await build()
    school = await t.school('hard', ['student', 'school_admin'])
    const created = await t.request({
      method: 'POST',
      url: `/v1/schools/${school.id}/integration-clients`,
      token: school.members.school_admin!.token,
      payload: { name: 'Portal', scopes: ['members:read', 'members:write'] },
    })
    portal = await t.clientToken(school.id, created.json().client.clientId, ['members:read', 'members:write'])
    owner = await ownerConnection(t)
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  const adminRows = async () =>
    (await owner.query("SELECT external_id, roles::text[] AS roles, status::text FROM members WHERE school_id = $1 ORDER BY external_id", [school.id])).rows

  it('a portal client cannot grant the school_admin role or change a school admin', async () => {
    const before = await adminRows()
    const grant = await t.request({ method: 'PUT', url: '/v1/members/new-admin', token: portal, payload: { roles: ['school_admin'] } })
    expect(grant.statusCode).toBe(403)
    const demote = await t.request({ method: 'PUT', url: `/v1/members/${school.members.school_admin!.externalId}`, token: portal, payload: { roles: ['student'], status: 'disabled' } })
    expect(demote.statusCode).toBe(403)
    const bulk = await t.request({
      method: 'POST',
      url: '/v1/members:bulk',
      token: portal,
      payload: { members: [{ externalId: 'fine-1', roles: ['student'] }, { externalId: school.members.school_admin!.externalId, roles: ['alumni'] }] },
    })
    expect(bulk.statusCode).toBe(403)
    expect(await adminRows()).toEqual(before)
    // What a portal is for still works, and a school admin may grant the role.
    expect((await t.request({ method: 'PUT', url: '/v1/members/advisor-9', token: portal, payload: { roles: ['advisor'] } })).statusCode).toBe(201)
    expect((await t.request({ method: 'PUT', url: '/v1/members/admin-2', token: school.members.school_admin!.token, payload: { roles: ['school_admin'] } })).statusCode).toBe(201)
  })

  it('answers NUL characters with 400 (or 401 for credentials), never a 500', async () => {
    const body = await t.request({ method: 'PUT', url: '/v1/members/x-1', token: portal, payload: { roles: ['student'], givenName: 'A\u0000B' } })
    expect(body.statusCode).toBe(400)
    expect(body.json().errors).toEqual([{ field: 'body.givenName', message: 'must not contain the NUL character (\\u0000)' }])
    const query = await t.request({ method: 'GET', url: '/v1/members?major=%00', token: portal })
    expect(query.statusCode).toBe(400)
    const token = await t.request({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&client_id=%00.x&client_secret=y',
    })
    expect(token.statusCode).toBe(400)
    const { privateKey } = await generateKeyPair('ES256')
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer('https://idp\u0000').setAudience('a').setExpirationTime('5m').sign(privateKey)
    const withNulIssuer = await t.request({ method: 'GET', url: '/v1/me', token: forged })
    expect(withNulIssuer.statusCode).toBe(401)
    expect(withNulIssuer.json().type).toBe('urn:vantage:problem:token-issuer-untrusted')
  })

  it('refuses inline keys that cannot be used, so sign-in never fails with a 500 later', async () => {
    const admin = school.members.school_admin!.token
    const unusable = await t.request({
      method: 'POST',
      url: `/v1/schools/${school.id}/identity-providers`,
      token: admin,
      payload: {
        name: 'Broken',
        issuer: 'https://broken.idp.example',
        audience: 'hard',
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA', kid: 'k1' }] },
        algorithms: ['ES256'],
      },
    })
    expect(unusable.statusCode).toBe(400)
    expect(unusable.json().errors[0].field).toBe('body.jwks.keys.0')

    const { publicKey } = await generateKeyPair('ES256')
    const usable = await t.request({
      method: 'POST',
      url: `/v1/schools/${school.id}/identity-providers`,
      token: admin,
      payload: {
        name: 'Working',
        issuer: 'https://working.idp.example',
        audience: 'hard',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] },
        algorithms: ['ES256'],
      },
    })
    expect(usable.statusCode).toBe(201)
    const sneaky = await t.request({
      method: 'PATCH',
      url: `/v1/schools/${school.id}/identity-providers/${usable.json().id}`,
      token: admin,
      payload: { name: 'Renamed', schoolId: 'someone-else' },
    })
    expect(sneaky.statusCode).toBe(400)
    expect(sneaky.json().errors).toEqual([{ field: 'body.schoolId', message: 'is not a known property' }])
  })
})
