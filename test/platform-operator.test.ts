// The platform operator's own identity provider (PLATFORM_ISSUER / PLATFORM_AUDIENCE /
// PLATFORM_JWKS_URL): its tokens manage schools and nothing inside a school.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp } from './helpers/app.js'

describe('platform operator sign-in', () => {
  let t: TestApp
  let server: http.Server
  let privateKey: CryptoKey
  const issuer = 'https://login.operator.test'

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256')
    privateKey = pair.privateKey
    const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'op-1', alg: 'ES256', use: 'sig' }] }
    server = http.createServer((_request, response) => {
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify(jwks))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    t = await build({ PLATFORM_ISSUER: issuer, PLATFORM_AUDIENCE: 'vantage-platform', PLATFORM_JWKS_URL: `http://127.0.0.1:${port}/jwks` })
  })
  afterAll(async () => {
    await t.close()
    server.close()
  })

  const token = (audience = 'vantage-platform', key = privateKey) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'op-1' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('ops@operator.test')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key)

  it('accepts the operator\'s tokens for the schools API', async () => {
    const me = await t.request({ method: 'GET', url: '/v1/me', token: await token() })
    expect(me.json()).toMatchObject({ kind: 'platform', subject: 'ops@operator.test', via: 'platform', roles: ['platform_admin'], school: null })
    const created = await t.request({
      method: 'POST',
      url: '/v1/schools',
      token: await token(),
      payload: { slug: 'opened-by-operator', name: 'Operator U', timeZone: 'Europe/Berlin' },
    })
    expect(created.statusCode).toBe(201)
  })

  it('rejects a wrong audience and a foreign key', async () => {
    const wrongAudience = await t.request({ method: 'GET', url: '/v1/schools', token: await token('someone-else') })
    expect(wrongAudience.statusCode).toBe(401)
    expect(wrongAudience.json().type).toBe('urn:vantage:problem:token-audience-invalid')
    const forged = await t.request({ method: 'GET', url: '/v1/schools', token: await token('vantage-platform', (await generateKeyPair('ES256')).privateKey) })
    expect(forged.statusCode).toBe(401)
    expect(forged.json().type).toBe('urn:vantage:problem:token-signature-invalid')
  })

  it('gives the operator no school data handle: school routes are refused', async () => {
    const members = await t.request({ method: 'GET', url: '/v1/members', token: await token() })
    expect(members.statusCode).toBe(403)
    const provision = await t.request({ method: 'PUT', url: '/v1/members/x-1', token: await token(), payload: { roles: ['student'] } })
    expect(provision.statusCode).toBe(403)
  })
})
