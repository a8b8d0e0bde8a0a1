// Log lines carry the request id and, once authenticated, the school and member; credentials never
// reach the log.
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loggerOptions } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'

describe('logs', () => {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  let t: TestApp
  let school: TestSchool

  beforeAll(async () => {
    t = await build({}, { logger: { ...(loggerOptions(loadConfig({ LOG_LEVEL: 'info' })) as object), stream } })
    school = await t.school('logs', ['advisor'])
  })
  afterAll(() => t.close())

  it('names the request, the school and the member on every line of an authenticated request', async () => {
    const advisor = school.members.advisor!
    const response = await t.request({ method: 'GET', url: '/v1/me', token: advisor.token, headers: { 'x-request-id': 'log-test-1' } })
    expect(response.statusCode).toBe(200)
    const ours = lines.filter((line) => line.reqId === 'log-test-1')
    const completed = ours.find((line) => line.msg === 'request completed')
    expect(completed).toMatchObject({ reqId: 'log-test-1', schoolId: school.id, memberId: advisor.id, principal: 'member' })
  })

  it('redacts the bearer token and client secrets', async () => {
    const advisor = school.members.advisor!
    await t.request({ method: 'GET', url: '/v1/me', token: advisor.token, headers: { 'x-request-id': 'log-test-2' } })
    await t.request({
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'x-request-id': 'log-test-3', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&client_id=logs.x&client_secret=very-secret-value',
    })
    const text = JSON.stringify(lines)
    expect(text).not.toContain(advisor.token)
    expect(text).not.toContain('very-secret-value')
    expect(lines.some((line) => line.reqId === 'log-test-3')).toBe(true)
  })
})
