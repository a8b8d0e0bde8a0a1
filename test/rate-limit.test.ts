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
