// GET /metrics: Prometheus text for a scraper holding METRICS_TOKEN; request latency by route pattern,
// error answers, the database pools, the queue's depth and webhook delivery outcomes.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'

const TOKEN = 'metrics-token-for-tests-0123456789'

/** The value of one sample line, e.g. sample(text, 'http_request_errors_total{method="GET",...}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('metrics', () => {
  let t: TestApp
  let school: TestSchool
  let receiver: http.Server
  let port = 0

  beforeAll(async () => {
    receiver = http.createServer((_request, response) => response.writeHead(204).end())
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    port = (receiver.address() as AddressInfo).port
    t = await build({ METRICS_TOKEN: TOKEN, JOBS_ENABLED: 'true', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' })
    school = await t.school('metered', ['student', 'school_admin'])
  })
  afterAll(async () => {
    await t.close()
    await new Promise((resolve) => receiver.close(resolve))
  })

  const scrape = async () => {
    const response = await t.request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(response.statusCode).toBe(200)
    return response
  }

  it('answers only a scraper with the token: 401 problem+json otherwise', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-of-the-same-len', `Basic ${TOKEN}`]) {
      const response = await t.request({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} })
      expect(response.statusCode, authorization).toBe(401)
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    }
    // A member's token is not the scraper's either.
    expect((await t.request({ method: 'GET', url: '/metrics', token: school.members.student!.token })).statusCode).toBe(401)
    expect((await scrape()).headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
  })

  it('is not served without METRICS_TOKEN', async () => {
    const bare = await build()
    try {
      expect((await bare.request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(404)
    } finally {
      await bare.close()
    }
  })

  it('counts requests and errors by route pattern, never by id', async () => {
    const token = school.members.student!.token
    for (let i = 0; i < 3; i++) expect((await t.request({ method: 'GET', url: '/v1/me', token })).statusCode).toBe(200)
    const missing = await t.request({ method: 'GET', url: '/v1/contacts/0190aaaa-0000-7000-8000-000000000000', token })
    expect(missing.statusCode).toBe(404)
    const text = (await scrape()).body
    expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="/v1/me",status_code="200"}')).toBe(3)
    expect(sample(text, 'http_request_errors_total{method="GET",route="/v1/contacts/:contactId",status_code="404"}')).toBe(1)
    expect(text).not.toContain('0190aaaa-0000-7000-8000-000000000000')
    expect(sample(text, 'http_request_duration_seconds_bucket{le="10",method="GET",route="/v1/me",status_code="200"}')).toBe(3)
    expect(text).toMatch(/^vantage_db_pool_connections\{pool="school",state="total"\} [1-9]/m)
    expect(sample(text, 'vantage_db_pool_connections{pool="school",state="waiting"}')).toBe(0)
    expect(text).toMatch(/^process_cpu_seconds_total /m)
  })

  it('reports the queue\'s depth and webhook delivery outcomes', async () => {
    const admin = school.members.school_admin!.token
    const created = await t.request({ method: 'POST', url: '/v1/webhooks', token: admin, payload: { url: `http://127.0.0.1:${port}/hooks`, eventTypes: ['meeting.requested'] } })
    expect(created.statusCode).toBe(201)
    const token = school.members.student!.token
    const contact = await t.request({ method: 'POST', url: '/v1/contacts', token, payload: { fullName: 'Metered Person', source: 'personal' } })
    const start = Date.now() + 48 * 3_600_000
    const meeting = await t.request({
      method: 'POST',
      url: '/v1/meetings',
      token,
      payload: { contactId: contact.json().id, kind: 'informational_interview', purpose: 'Learn about the work', mode: 'phone', proposedSlots: [{ startsAt: new Date(start).toISOString(), endsAt: new Date(start + 1_800_000).toISOString() }] },
    })
    expect(meeting.statusCode).toBe(201)
    // The queue's runner starts with the app and polls every 2 s; a loaded machine takes longer.
    const deadline = Date.now() + 30_000
    let text = ''
    while (Date.now() < deadline) {
      text = (await scrape()).body
      if (sample(text, 'vantage_webhook_delivery_attempts_total{outcome="succeeded"}') === 1) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(sample(text, 'vantage_webhook_delivery_attempts_total{outcome="succeeded"}')).toBe(1)
    // A job due in an hour (as a delivery waiting for its retry would be) counts as scheduled.
    const owner = await ownerConnection(t)
    await owner.query(`SELECT graphile_worker.add_job('webhook_deliver', '{}'::json, run_at => now() + interval '1 hour')`)
    await owner.end()
    text = (await scrape()).body
    expect(sample(text, 'vantage_queue_jobs{task="webhook_deliver",state="scheduled"}')).toBe(1)
    expect(sample(text, 'vantage_queue_jobs{task="webhook_deliver",state="ready"}')).toBe(0)
  }, 60_000)
})
