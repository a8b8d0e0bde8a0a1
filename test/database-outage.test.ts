// When PostgreSQL goes away, requests answer 503 problem+json within a bounded time and the process
// keeps running; when it comes back, the service recovers without a restart. The database sits
// behind a TCP proxy in this test, which can refuse connections, swallow them, or pass them on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import type { TestDatabase } from './helpers/database.js'
import { type Proxy, proxiedDatabase } from './helpers/proxy.js'

describe('database outage', () => {
  let t: TestApp
  let db: TestDatabase
  let proxy: Proxy
  let school: TestSchool

  beforeAll(async () => {
    const proxied = await proxiedDatabase()
    db = proxied.db
    proxy = proxied.proxy
    t = await build({}, { databaseUrl: proxied.url })
    school = await t.school('outage', ['advisor'])
  })
  afterAll(async () => {
    proxy.cut('forward')
    proxy.server.close()
    await t.close()
    await db.drop()
  })

  const me = () => t.request({ method: 'GET', url: '/v1/me', token: school.members.advisor!.token })

  it('answers 503 problem+json with Retry-After while the database refuses connections, then recovers', async () => {
    expect((await me()).statusCode).toBe(200)

    proxy.cut('refuse')
    const started = Date.now()
    const down = await me()
    expect(Date.now() - started).toBeLessThan(5000)
    expect(down.statusCode).toBe(503)
    expect(down.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    expect(down.headers['retry-after']).toBe('5')
    expect(down.json()).toMatchObject({ type: 'urn:vantage:problem:service-unavailable', status: 503 })
    expect(down.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i)
    expect((await t.request({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503)

    proxy.cut('forward')
    let recovered = 0
    for (let attempt = 0; attempt < 20 && recovered !== 200; attempt++) recovered = (await me()).statusCode
    expect(recovered).toBe(200)
    expect((await t.request({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200)
  })

  it('answers 503 within the connect timeout when the database hangs', async () => {
    proxy.cut('blackhole')
    const started = Date.now()
    const down = await me()
    const elapsed = Date.now() - started
    expect(down.statusCode).toBe(503)
    expect(elapsed).toBeLessThan(5000)
    proxy.cut('forward')
    let recovered = 0
    for (let attempt = 0; attempt < 20 && recovered !== 200; attempt++) recovered = (await me()).statusCode
    expect(recovered).toBe(200)
  })
})
