// Offboarding a school: a platform operator disables it, exports everything (NDJSON, every row of
// every tenant table, as a walk of the catalog counts them), then deletes it in one transaction.
// Afterwards no tenant table holds a row of the school, and the other school is exactly as before.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tenantTables } from '../src/infra/db/catalog.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'

describe('offboarding a school', () => {
  let t: TestApp
  let leaving: TestSchool
  let staying: TestSchool
  let owner: pg.Client
  let platform: string

  /** Rows per tenant table (every table with a school_id) for the school. */
  async function rowsPerTable(schoolId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {}
    for (const name of await tenantTables(owner)) counts[name] = (await owner.query(`SELECT count(*)::int AS n FROM "${name}" WHERE school_id = $1`, [schoolId])).rows[0].n
    return counts
  }

  /** A school with a bit of everything a school's people do through the API. */
  async function populate(school: TestSchool) {
    const student = school.members.student!.token
    const admin = school.members.school_admin!.token
    expect((await t.request({ method: 'POST', url: '/v1/webhooks', token: admin, payload: { url: 'https://hooks.offboarding.test/e', eventTypes: ['meeting.requested'] } })).statusCode).toBe(201)
    const contact = await t.request({ method: 'POST', url: '/v1/contacts', token: student, headers: { 'idempotency-key': randomUUID() }, payload: { fullName: `Person of ${school.slug}`, source: 'personal', organization: 'Acme' } })
    expect(contact.statusCode).toBe(201)
    expect((await t.request({ method: 'POST', url: `/v1/contacts/${contact.json().id}/outreach`, token: student, payload: { channel: 'email', outcome: 'replied' } })).statusCode).toBe(201)
    const start = Date.now() + 48 * 3_600_000
    expect((await t.request({
      method: 'POST',
      url: '/v1/meetings',
      token: student,
      payload: { contactId: contact.json().id, kind: 'informational_interview', purpose: 'Learn', mode: 'phone', proposedSlots: [{ startsAt: new Date(start).toISOString(), endsAt: new Date(start + 1_800_000).toISOString() }] },
    })).statusCode).toBe(201)
    expect((await t.request({ method: 'POST', url: `/v1/schools/${school.id}/integration-clients`, token: admin, payload: { name: 'Portal', scopes: ['members:read'] } })).statusCode).toBe(201)
  }

  beforeAll(async () => {
    t = await build({ WEBHOOK_ALLOWED_HOSTS: 'hooks.offboarding.test' })
    leaving = await t.school('leaving-u')
    staying = await t.school('staying-u')
    owner = await ownerConnection(t)
    platform = await t.platformToken()
    await populate(leaving)
    await populate(staying)
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  it('exports every row of the school, as many per table as the database holds', async () => {
    const response = await t.request({ method: 'GET', url: `/v1/schools/${leaving.id}/export`, token: platform })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8')
    const [header, ...lines] = response.body.trimEnd().split('\n').map((line) => JSON.parse(line) as { table: string; row: { school_id: string } } & Record<string, unknown>)
    expect(header).toMatchObject({ format: 'vantage-school-export/1', school: { id: leaving.id, slug: 'leaving-u' } })
    const exported: Record<string, number> = {}
    for (const line of lines) {
      expect(line.row.school_id).toBe(leaving.id)
      exported[line.table] = (exported[line.table] ?? 0) + 1
    }
    const held = Object.fromEntries(Object.entries(await rowsPerTable(leaving.id)).filter(([, n]) => n > 0))
    expect(exported).toEqual(held)
    expect(Object.keys(held)).toEqual(expect.arrayContaining(['members', 'contacts', 'outreach', 'meetings', 'webhook_subscriptions', 'webhook_events', 'webhook_deliveries', 'idempotency_keys', 'integration_clients', 'questions', 'report_cell_deltas']))
    expect(response.body).not.toContain(staying.id)
  })

  it('deletes only a disabled school, confirmed by its slug, for a platform operator', async () => {
    expect((await t.request({ method: 'DELETE', url: `/v1/schools/${leaving.id}?confirm=leaving-u`, token: leaving.members.school_admin!.token })).statusCode).toBe(403)
    expect((await t.request({ method: 'DELETE', url: `/v1/schools/${leaving.id}?confirm=leaving-u`, token: platform })).statusCode).toBe(409)
    expect((await t.request({ method: 'PATCH', url: `/v1/schools/${leaving.id}`, token: platform, payload: { status: 'disabled' } })).statusCode).toBe(200)
    const wrong = await t.request({ method: 'DELETE', url: `/v1/schools/${leaving.id}?confirm=staying-u`, token: platform })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().errors).toEqual([{ field: 'querystring.confirm', message: 'must be the school\'s slug' }])
    expect((await t.request({ method: 'DELETE', url: `/v1/schools/${randomUUID()}?confirm=leaving-u`, token: platform })).statusCode).toBe(404)
    expect(Object.values(await rowsPerTable(leaving.id)).some((n) => n > 0)).toBe(true)
  })

  it('then no tenant table holds a row of it, the other school is exactly as it was, and its tokens stop working', async () => {
    const before = await rowsPerTable(leaving.id)
    const otherBefore = await rowsPerTable(staying.id)
    const response = await t.request({ method: 'DELETE', url: `/v1/schools/${leaving.id}?confirm=leaving-u`, token: platform })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().schoolId).toBe(leaving.id)
    for (const [table, n] of Object.entries(before)) expect(response.json().deleted[table], table).toBeGreaterThanOrEqual(n)
    expect(Object.entries(await rowsPerTable(leaving.id)).filter(([, n]) => n > 0)).toEqual([])
    expect((await owner.query('SELECT 1 FROM schools WHERE id = $1', [leaving.id])).rowCount).toBe(0)
    expect(await rowsPerTable(staying.id)).toEqual(otherBefore)
    expect((await t.request({ method: 'GET', url: `/v1/schools/${leaving.id}`, token: platform })).statusCode).toBe(404)
    expect((await t.request({ method: 'GET', url: '/v1/me', token: leaving.members.student!.token })).statusCode).toBe(401)
    expect((await t.request({ method: 'GET', url: '/v1/me', token: staying.members.student!.token })).statusCode).toBe(200)
  })
})
