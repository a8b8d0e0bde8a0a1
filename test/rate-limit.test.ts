// Rate limits count per school (members) and per integration client, after authentication: one
// school at its limit does not hold back another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'

describe('rate limits', () => {
  let t: TestApp
  let busy: TestSchool
  let quiet: TestSchool
  beforeAll(async () => {
    t = await build({ RATE_LIMIT_PER_MINUTE: '3' })
    busy = await t.school('busy', ['student', 'advisor'])
    quiet = await t.school('quiet', ['student'])
  })
  afterAll(() => t.close())

  it('answers 429 problem+json with Retry-After past the limit, counting the whole school', async () => {
    const statuses: number[] = []
    let last
    for (const role of ['student', 'advisor', 'student', 'advisor'] as const) {
      last = await t.request({ method: 'GET', url: '/v1/me', token: busy.members[role]!.token })
      statuses.push(last.statusCode)
    }
    expect(statuses).toEqual([200, 200, 200, 429])
    expect(last!.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    expect(last!.json()).toMatchObject({ type: 'urn:vantage:problem:rate-limited', status: 429 })
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0)
    expect(last!.headers['x-ratelimit-limit']).toBe('3')
    expect(last!.headers['x-ratelimit-remaining']).toBe('0')
  })

  it('does not slow another school', async () => {
    const response = await t.request({ method: 'GET', url: '/v1/me', token: quiet.members.student!.token })
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-ratelimit-remaining']).toBe('2')
  })
})

// Shared limits need a Redis: .ci/run starts the machine's and sets REDIS_URL, as a deployment would.
describe.skipIf(!process.env.REDIS_URL)('rate limits across instances (REDIS_URL)', () => {
  let first: TestApp
  let second: TestApp
  let school: TestSchool
  beforeAll(async () => {
    first = await build({ RATE_LIMIT_PER_MINUTE: '3', REDIS_URL: process.env.REDIS_URL! })
    second = await build({ RATE_LIMIT_PER_MINUTE: '3', REDIS_URL: process.env.REDIS_URL! }, { databaseUrl: first.db.appUrl })
    school = await first.school(`shared-${Date.now()}`, ['student'])
  })
  afterAll(async () => {
    await second.close()
    await first.close()
  })

  it('counts a school\'s requests to every instance together', async () => {
    const token = school.members.student!.token
    // Each test app signs with keys of its own: the same member's token from the second instance.
    const secondToken = await second.memberToken(school.id, school.members.student!.externalId)
    const statuses = [
      (await first.request({ method: 'GET', url: '/v1/me', token })).statusCode,
      (await second.request({ method: 'GET', url: '/v1/me', token: secondToken })).statusCode,
      (await first.request({ method: 'GET', url: '/v1/me', token })).statusCode,
    ]
    expect(statuses).toEqual([200, 200, 200])
    const over = await second.request({ method: 'GET', url: '/v1/me', token: secondToken })
    expect(over.statusCode).toBe(429)
    expect(over.json().type).toBe('urn:vantage:problem:rate-limited')
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0)
  })
})

describe('a rate-limit store that does not answer', () => {
  it('lets requests through rather than failing them', async () => {
    const t = await build({ RATE_LIMIT_PER_MINUTE: '3', REDIS_URL: 'redis://127.0.0.1:1' })
    try {
      const school = await t.school('no-redis', ['student'])
      for (let i = 0; i < 4; i++) expect((await t.request({ method: 'GET', url: '/v1/me', token: school.members.student!.token })).statusCode).toBe(200)
    } finally {
      await t.close()
    }
  })
})

describe('back-pressure (@fastify/under-pressure)', () => {
  it('answers 503 problem+json with Retry-After while the event loop lags; liveness still answers', async () => {
    const t = await build({ PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '30' })
    try {
      const school = await t.school('pressed', ['student'])
      const token = school.members.student!.token
      expect((await t.request({ method: 'GET', url: '/v1/me', token })).statusCode).toBe(200)
      let refused
      const deadline = Date.now() + 8000
      while (!refused && Date.now() < deadline) {
        const until = Date.now() + 150
        while (Date.now() < until) {
          // Block the event loop, as a CPU-bound burst would.
        }
        await new Promise((resolve) => setTimeout(resolve, 5))
        const response = await t.request({ method: 'GET', url: '/v1/me', token })
        if (response.statusCode === 503) {
          refused = response
          const live = await t.request({ method: 'GET', url: '/health/live' })
          expect(live.statusCode).toBe(200)
        }
      }
      expect(refused?.statusCode).toBe(503)
      expect(refused!.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(refused!.headers['retry-after']).toBe('5')
      expect(refused!.json()).toMatchObject({ type: 'urn:vantage:problem:service-unavailable', status: 503 })
      // Once the loop is idle again, requests are served.
      await new Promise((resolve) => setTimeout(resolve, 1500))
      expect((await t.request({ method: 'GET', url: '/v1/me', token })).statusCode).toBe(200)
    } finally {
      await t.close()
    }
  })
})

describe('refused tokens per address (AUTH_FAILURES_PER_MINUTE)', () => {
  let t: TestApp
  let school: TestSchool
  beforeAll(async () => {
    t = await build({ AUTH_FAILURES_PER_MINUTE: '3' })
    school = await t.school('forged', ['student'])
  })
  afterAll(() => t.close())

  const me = (authorization: string | undefined, remoteAddress = '203.0.113.7') =>
    t.app.inject({ method: 'GET', url: '/v1/me', remoteAddress, headers: authorization ? { authorization } : {} })

  it('answers an address 429 once its tokens were refused that often, before reading its next token; other addresses go on', async () => {
    // Without a token nothing is checked, so nothing is counted.
    for (let i = 0; i < 5; i++) expect((await me(undefined)).statusCode).toBe(401)
    const forged = `Bearer ${['eyJhbGciOiJSUzI1NiJ9', 'eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIn0', 'c2ln'].join('.')}`
    expect([(await me(forged)).statusCode, (await me(forged)).statusCode, (await me(forged)).statusCode]).toEqual([401, 401, 401])
    const blocked = await me(forged)
    expect(blocked.statusCode).toBe(429)
    expect(blocked.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    expect(blocked.json()).toMatchObject({ type: 'urn:vantage:problem:rate-limited', status: 429 })
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    // The address waits whatever it sends, a valid token too; another address is heard.
    expect((await me(`Bearer ${school.members.student!.token}`)).statusCode).toBe(429)
    expect((await me(`Bearer ${school.members.student!.token}`, '198.51.100.9')).statusCode).toBe(200)
    expect((await me(forged, '198.51.100.9')).statusCode).toBe(401)
  })
})
