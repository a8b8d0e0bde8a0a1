import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp } from './helpers/app.js'

describe('health', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await build()
  })
  afterAll(() => t.close())

  it('answers liveness and readiness without a token', async () => {
    const live = await t.request({ method: 'GET', url: '/health/live' })
    expect(live.statusCode).toBe(200)
    expect(live.json()).toEqual({ status: 'ok' })
    const ready = await t.request({ method: 'GET', url: '/health/ready' })
    expect(ready.statusCode).toBe(200)
  })

  it('answers the API\'s address, which the start-up banner prints, with links that work', async () => {
    const index = await t.request({ method: 'GET', url: '/v1' })
    expect(index.statusCode).toBe(200)
    expect(index.json()).toEqual({
      name: 'Vantage API',
      links: { openapi: '/docs/json', docs: '/docs', graphql: '/graphql', graphiql: '/graphiql', me: '/v1/me', health: '/health/ready' },
    })
    for (const url of ['/docs/json', '/docs', '/health/ready']) expect((await t.request({ method: 'GET', url })).statusCode, url).toBe(200)
    expect((await t.request({ method: 'GET', url: '/v1/me' })).statusCode).toBe(401)
  })

  it('fails readiness once shutdown has begun', async () => {
    t.app.lifecycle.shuttingDown = true
    const ready = await t.request({ method: 'GET', url: '/health/ready' })
    t.app.lifecycle.shuttingDown = false
    expect(ready.statusCode).toBe(503)
    expect(ready.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    expect(ready.json()).toMatchObject({ type: 'urn:vantage:problem:service-unavailable', status: 503 })
  })

  it('puts a request id on every response', async () => {
    const response = await t.request({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'abc-123' } })
    expect(response.headers['x-request-id']).toBe('abc-123')
    const generated = await t.request({ method: 'GET', url: '/health/live' })
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })
})
