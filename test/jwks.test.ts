// Identity providers' key sets as an attacker and a failing provider would meet them: where the
// service may fetch them from (the outbound address policy, at registration and on every fetch), how
// much it reads and keeps, and how it behaves while a provider is down or rotating its keys. A JWKS
// server of the test's own on 127.0.0.1 counts every fetch and can hang, grow or rotate on demand.
import http from 'node:http'
import type net from 'node:net'
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { KeySets } from '../src/infra/auth/key-sets.js'
import { addressAllowed } from '../src/infra/net/destination.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const AUDIENCE = 'https://vantage.test/jwks'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface SigningKey {
  kid: string
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']
  publicJwk: JWK
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } }
}

/** A JWKS endpoint whose behaviour the test sets: serve these keys, hang, or answer with this body. */
class JwksServer {
  fetches = 0
  keys: JWK[] = []
  mode: 'serve' | 'hang' | 'body' = 'serve'
  body = ''
  readonly #hanging = new Set<http.ServerResponse>()
  readonly #server = http.createServer((request, response) => {
    this.fetches += 1
    if (this.mode === 'hang') {
      this.#hanging.add(response) // no answer until release(), or the client's time limit ends it
      return
    }
    response.setHeader('connection', 'close')
    response.setHeader('content-type', 'application/json')
    if (this.mode === 'body') {
      // Chunked, with no content-length: the reader must count what arrives.
      response.write(this.body.slice(0, 1000))
      response.end(this.body.slice(1000))
      return
    }
    response.end(JSON.stringify({ keys: this.keys }))
  })
  readonly #sockets = new Set<net.Socket>()
  port = 0

  async start() {
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    this.port = (this.#server.address() as net.AddressInfo).port
  }
  /** Answers the requests left hanging with a 500. */
  release() {
    for (const response of this.#hanging) if (!response.writableEnded) response.writeHead(500).end()
    this.#hanging.clear()
  }
  get issuer() {
    return `http://127.0.0.1:${this.port}`
  }
  get url() {
    return `${this.issuer}/jwks`
  }
  async close() {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise((resolve) => this.#server.close(resolve))
  }
}

describe('identity providers\' key sets', () => {
  describe('where they may be fetched from', () => {
    let t: TestApp
    let school: TestSchool
    let jwks: JwksServer
    let owner: pg.Client

    beforeAll(async () => {
      // As in production: no address is allowed besides public ones.
      t = await build({ JWKS_ALLOWED_HOSTS: 'none' })
      school = await t.school('ssrf', ['student', 'school_admin'])
      jwks = new JwksServer()
      await jwks.start()
      owner = await ownerConnection(t)
    })
    afterAll(async () => {
      await owner.end()
      await jwks.close()
      await t.close()
    })

    const register = (jwksUri: string) =>
      t.request({
        method: 'POST',
        url: `/v1/schools/${school.id}/identity-providers`,
        token: school.members.school_admin!.token,
        payload: { name: 'Campus SSO', issuer: new URL(jwksUri).origin, audience: AUDIENCE, jwksUri, algorithms: ['ES256'] },
      })

    it.each([
      ['https://10.0.0.1/jwks', 'resolves to 10.0.0.1'],
      ['https://169.254.169.254/latest/meta-data/iam', 'resolves to 169.254.169.254'],
      ['https://[::1]/jwks', 'resolves to ::1'],
      ['https://127.0.0.1:5432/', 'resolves to 127.0.0.1'],
      ['https://[::a9fe:a9fe]/', 'resolves to ::a9fe:a9fe'],
      ['https://[::ffff:169.254.169.254]/', 'resolves to ::ffff:a9fe:a9fe'],
      ['https://[64:ff9b::a9fe:a9fe]/', 'resolves to 64:ff9b::a9fe:a9fe'],
      ['https://[fd00::1]/jwks', 'resolves to fd00::1'],
      ['https://localhost/jwks', 'resolves to'],
      ['https://100.64.0.1/jwks', 'resolves to 100.64.0.1'],
    ])('refuses %s at registration with a 400 naming body.jwksUri, and stores nothing', async (jwksUri, message) => {
      const response = await register(jwksUri)
      expect(response.statusCode, response.body).toBe(400)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json().errors).toEqual([{ field: 'body.jwksUri', message: expect.stringContaining(message) }])
      expect((await owner.query('SELECT count(*)::int AS n FROM identity_providers WHERE school_id = $1', [school.id])).rows[0].n).toBe(0)
    })

    it('refuses the same addresses when a provider is changed to them', async () => {
      const created = await register('https://sso.ssrf.example/jwks')
      expect(created.statusCode, created.body).toBe(201)
      const url = `/v1/schools/${school.id}/identity-providers/${created.json().id}`
      const changed = await t.request({ method: 'PATCH', url, token: school.members.school_admin!.token, payload: { jwksUri: 'https://[::a9fe:a9fe]/jwks' } })
      expect(changed.statusCode).toBe(400)
      expect(changed.json().errors).toEqual([{ field: 'body.jwksUri', message: expect.stringContaining('::a9fe:a9fe') }])
      expect((await owner.query('SELECT jwks_uri FROM identity_providers WHERE id = $1', [created.json().id])).rows[0].jwks_uri).toBe('https://sso.ssrf.example/jwks')
      await t.request({ method: 'DELETE', url, token: school.members.school_admin!.token })
    })

    it('checks again on every fetch: a provider stored with a loopback URL is never connected to', async () => {
      // As if the address had been public when saved (or the row came from before the policy).
      const key = await signingKey('k-1')
      jwks.keys = [key.publicJwk]
      for (const jwksUri of [jwks.url, `http://localhost:${jwks.port}/jwks`]) {
        const { rows } = await owner.query(
          `INSERT INTO identity_providers (id, school_id, name, issuer, audience, jwks_uri, algorithms, member_id_claim, enabled, updated_at)
           VALUES (gen_random_uuid(), $1, 'Stored before', $2, $3, $4, '{ES256}', 'sub', true, now()) RETURNING id`,
          [school.id, jwks.issuer, AUDIENCE, jwksUri],
        )
        const token = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k-1', typ: 'at+jwt' }).setIssuer(jwks.issuer).setAudience(AUDIENCE).setSubject('ssrf-student-0').setIssuedAt().setExpirationTime('5m').sign(key.privateKey)
        const response = await t.request({ method: 'GET', url: '/v1/me', token })
        expect(response.statusCode, `${jwksUri} ${response.body}`).toBe(503)
        expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:service-unavailable' })
        expect(jwks.fetches, jwksUri).toBe(0)
        await owner.query('DELETE FROM identity_providers WHERE id = $1', [rows[0].id])
      }
    })

    it('classifies IPv6 forms that embed an IPv4 address by what they can reach', () => {
      const cases: Array<[string, boolean]> = [
        ['::a9fe:a9fe', false], // IPv4-compatible 169.254.169.254
        ['::7f00:1', false], // IPv4-compatible 127.0.0.1
        ['::ffff:a9fe:a9fe', false], // IPv4-mapped
        ['64:ff9b::a9fe:a9fe', false], // NAT64
        ['2002:a9fe:a9fe::1', false], // 6to4
        ['2001:0:a9fe:a9fe::1', false], // Teredo
        ['::', false],
        ['2606:4700::1111', true],
        ['2a00:1450:4001:80b::200e', true],
      ]
      for (const [address, expected] of cases) expect(addressAllowed(address, []), address).toBe(expected)
    })
  })

  describe('what is read and kept, and how a failing or rotating provider is met', () => {
    let t: TestApp
    let school: TestSchool
    let jwks: JwksServer
    let current: SigningKey

    const token = (key: SigningKey, claims: JWTPayload = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
        .setIssuer(jwks.issuer)
        .setAudience(AUDIENCE)
        .setSubject(school.members.student!.externalId)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key.privateKey)
    const me = async (key: SigningKey) => t.request({ method: 'GET', url: '/v1/me', token: await token(key) })

    beforeAll(async () => {
      jwks = new JwksServer()
      await jwks.start()
      // Short intervals so the test can wait them out; the defaults are in key-sets.ts.
      t = await build({}, { keySets: { timeoutMs: 1500, maxAgeMs: 300, failureCooldownMs: 1500, unknownKeyIntervalMs: 200, staleMaxMs: 60_000, maxBytes: 64 * 1024, maxKeys: 16 } })
      school = await t.school('keys', ['student', 'school_admin'])
      const created = await t.request({
        method: 'POST',
        url: `/v1/schools/${school.id}/identity-providers`,
        token: school.members.school_admin!.token,
        payload: { name: 'Campus SSO', issuer: jwks.issuer, audience: AUDIENCE, jwksUri: jwks.url, algorithms: ['ES256'] },
      })
      expect(created.statusCode, created.body).toBe(201)
    })
    afterAll(async () => {
      await jwks.close()
      await t.close()
    })
    beforeEach(async () => {
      // Each test starts from a fresh provider key that the service has not seen, after any cooldown.
      jwks.release()
      await sleep(1700)
      jwks.mode = 'serve'
      current = await signingKey(`k-${Math.random().toString(36).slice(2, 8)}`)
      jwks.keys = [current.publicJwk]
      expect((await me(current)).statusCode).toBe(200)
      jwks.fetches = 0
    })

    it('keeps verifying known keys while the provider hangs, fetching at most once per cooldown, without waiting for it', async () => {
      await sleep(350) // the set is now older than maxAgeMs
      jwks.mode = 'hang'
      const started = performance.now()
      for (let i = 0; i < 5; i += 1) expect((await me(current)).statusCode).toBe(200)
      // Verified with the known key while the refresh hangs in the background: no request waited for
      // it (a request that did would take the fetch's whole time limit, 1500 ms).
      expect(performance.now() - started).toBeLessThan(1200)
      await sleep(1600) // the refresh times out: a failure, and the cooldown begins
      for (let i = 0; i < 10; i += 1) expect((await me(current)).statusCode).toBe(200)
      expect(jwks.fetches).toBe(1)
      // A key the service has never seen cannot be fetched during the cooldown: 503 with Retry-After.
      const unseen = await me(await signingKey('k-unseen'))
      expect(unseen.statusCode).toBe(503)
      expect(unseen.headers['content-type']).toBe(PROBLEM_JSON)
      expect(unseen.json()).toMatchObject({ type: 'urn:vantage:problem:service-unavailable' })
      expect(Number(unseen.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(Number(unseen.headers['retry-after'])).toBeLessThanOrEqual(2)
      expect(jwks.fetches).toBe(1)
      // After the cooldown one more fetch is tried, and only one.
      await sleep(1600)
      await Promise.all(Array.from({ length: 5 }, async () => expect((await me(current)).statusCode).toBe(200)))
      expect(jwks.fetches).toBe(2)
    })

    it('picks up a rotated key at once, not after a cooldown, and shares one fetch among concurrent tokens', async () => {
      await sleep(250) // past unknownKeyIntervalMs since the last fetch
      const rotated = await signingKey('k-rotated')
      jwks.keys = [rotated.publicJwk]
      const answers = await Promise.all(Array.from({ length: 5 }, () => me(rotated)))
      expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200, 200])
      expect(jwks.fetches).toBe(1)
      // The old key is gone from the provider's set and so from the service's.
      const old = await me(current)
      expect(old.statusCode).toBe(401)
      expect(old.json().type).toBe('urn:vantage:problem:token-key-unknown')
    })

    it('does not let tokens with made-up key ids make it fetch more than once per interval', async () => {
      await sleep(250)
      const made = await Promise.all(Array.from({ length: 20 }, (_, i) => signingKey(`made-up-${i}`)))
      const started = Date.now()
      const answers = await Promise.all(made.map((key) => me(key)))
      const elapsed = Date.now() - started
      expect(new Set(answers.map((answer) => answer.json().type))).toEqual(new Set(['urn:vantage:problem:token-key-unknown']))
      // One fetch per 200 ms interval at most, whatever the number of made-up key ids: one when the 20
      // answers come within an interval (as they do on an idle machine), one more per interval a
      // loaded machine takes beyond it.
      expect(jwks.fetches).toBeGreaterThanOrEqual(1)
      expect(jwks.fetches, `${elapsed} ms for 20 answers`).toBeLessThanOrEqual(1 + Math.floor(elapsed / 200))
    })

    it('refuses a key set larger than its byte limit, read without a content-length, and keeps none of it', async () => {
      await sleep(250)
      jwks.mode = 'body'
      const filler = { kty: 'EC', crv: 'P-256', x: 'x'.repeat(43), y: 'y'.repeat(43) }
      jwks.body = JSON.stringify({ keys: Array.from({ length: 2000 }, (_, i) => ({ ...filler, kid: `k${i}` })) })
      expect(jwks.body.length).toBeGreaterThan(64 * 1024)
      const unseen = await me(await signingKey('k-unseen'))
      expect(unseen.statusCode).toBe(503)
      expect(jwks.fetches).toBe(1)
      // The known key still verifies: the oversized answer replaced nothing.
      expect((await me(current)).statusCode).toBe(200)
    })

    it('refuses a key set with more keys than allowed, even when small', async () => {
      await sleep(250)
      const many = await Promise.all(Array.from({ length: 17 }, (_, i) => signingKey(`many-${i}`)))
      jwks.keys = many.map((key) => key.publicJwk)
      expect(JSON.stringify({ keys: jwks.keys }).length).toBeLessThan(64 * 1024)
      expect((await me(many[3]!)).statusCode).toBe(503)
      // Sixteen keys are within the limit (once the cooldown has passed).
      await sleep(1600)
      jwks.keys = many.slice(0, 16).map((key) => key.publicJwk)
      expect((await me(many[3]!)).statusCode).toBe(200)
    })
  })

  describe('the cache itself', () => {
    it('stops serving known keys once they are older than the stale limit, and holds a bounded number of providers', async () => {
      const jwks = new JwksServer()
      await jwks.start()
      try {
        const key = await signingKey('k-1')
        jwks.keys = [key.publicJwk]
        let clock = 0
        const sets = new KeySets({ allowedHosts: ['127.0.0.1'], maxAgeMs: 100, staleMaxMs: 1000, failureCooldownMs: 500, unknownKeyIntervalMs: 0, maxEntries: 3, now: () => clock })
        const jws = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k-1' }).sign(key.privateKey)
        const header = { alg: 'ES256', kid: 'k-1' }
        const verify = () => sets.remote('provider-1', jwks.url)(header, { payload: '', signature: '', protected: jws.split('.')[0]! })
        await expect(verify()).resolves.toBeDefined()
        expect(jwks.fetches).toBe(1)
        jwks.mode = 'body'
        jwks.body = 'not json'
        clock = 900 // stale: refreshed in the background, which fails; the known key still serves
        await expect(verify()).resolves.toBeDefined()
        await sleep(50)
        expect(jwks.fetches).toBe(2)
        clock = 1200 // past the stale limit, within the cooldown: nothing is served, nothing fetched
        await expect(verify()).rejects.toMatchObject({ code: 'service-unavailable', headers: { 'retry-after': '1' } })
        expect(jwks.fetches).toBe(2)
        // Four providers through a cache of three: the first is dropped and fetched again when used.
        jwks.mode = 'serve'
        clock = 5000
        for (const id of ['provider-1', 'provider-2', 'provider-3', 'provider-4']) await sets.remote(id, jwks.url)(header, { payload: '', signature: '', protected: '' })
        expect(jwks.fetches).toBe(6)
        await sets.remote('provider-1', jwks.url)(header, { payload: '', signature: '', protected: '' })
        expect(jwks.fetches).toBe(7)
      } finally {
        await jwks.close()
      }
    })
  })
})
