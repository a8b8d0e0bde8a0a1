import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const MISSING_ID = '0190aaaa-0000-7000-8000-000000000000'
/** A school's settings as read when none were given. */
const DEFAULT_SETTINGS = {
  thankYouWindowHours: 24,
  interviewMinMinutes: 30,
  interviewMaxMinutes: 60,
  hostRequestFanout: 3,
  hostRequestExpiryDays: 7,
  terms: [],
  matchingWeights: { field: 0.35, organization: 0.2, background: 0.15, capacity: 0.1, responsiveness: 0.2 },
  scimRoleMapping: {},
}

describe('schools', () => {
  let t: TestApp
  let operator: string
  let owner: pg.Client

  beforeAll(async () => {
    t = await build()
    operator = await t.platformToken()
    owner = await ownerConnection(t)
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  const create = (payload: Record<string, unknown>, token = operator) => t.request({ method: 'POST', url: '/v1/schools', token, payload })

  it('lets the platform operator create a school, with default settings', async () => {
    const response = await create({ slug: 'north-state', name: 'North State University', timeZone: 'America/Chicago' })
    expect(response.statusCode).toBe(201)
    expect(response.headers['content-type']).toBe(JSON_TYPE)
    const school = response.json()
    expect(school).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      slug: 'north-state',
      name: 'North State University',
      timeZone: 'America/Chicago',
      status: 'active',
      settings: DEFAULT_SETTINGS,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    })
    const { rows } = await owner.query('SELECT slug, name, time_zone, status::text, settings FROM schools WHERE id = $1', [school.id])
    expect(rows).toEqual([{ slug: 'north-state', name: 'North State University', time_zone: 'America/Chicago', status: 'active', settings: {} }])

    const read = await t.request({ method: 'GET', url: `/v1/schools/${school.id}`, token: operator })
    expect(read.statusCode).toBe(200)
    expect(read.json()).toEqual(school)
  })

  it('keeps the settings given at creation', async () => {
    const response = await create({ slug: 'east-tech', name: 'East Tech', timeZone: 'Europe/Paris', settings: { thankYouWindowHours: 48 } })
    expect(response.statusCode).toBe(201)
    expect(response.json().settings).toEqual({ ...DEFAULT_SETTINGS, thankYouWindowHours: 48 })
  })

  it('changes one setting without resetting the others', async () => {
    const created = (await create({ slug: 'settings-u', name: 'Settings U', timeZone: 'UTC', settings: { thankYouWindowHours: 48 } })).json()
    const widened = await t.request({ method: 'PATCH', url: `/v1/schools/${created.id}`, token: operator, payload: { settings: { interviewMinMinutes: 15 } } })
    expect(widened.json().settings).toEqual({ ...DEFAULT_SETTINGS, thankYouWindowHours: 48, interviewMinMinutes: 15 })
    const tooWide = await t.request({ method: 'PATCH', url: `/v1/schools/${created.id}`, token: operator, payload: { settings: { interviewMaxMinutes: 121 } } })
    expect(tooWide.statusCode).toBe(400)
  })

  it('merges matching weights key by key, and refuses weights and terms that contradict themselves', async () => {
    const created = (await create({ slug: 'weights-u', name: 'Weights U', timeZone: 'UTC', settings: { matchingWeights: { organization: 0.5 } } })).json()
    expect(created.settings.matchingWeights).toEqual({ ...DEFAULT_SETTINGS.matchingWeights, organization: 0.5 })
    const patched = await t.request({ method: 'PATCH', url: `/v1/schools/${created.id}`, token: operator, payload: { settings: { matchingWeights: { background: 0 } } } })
    expect(patched.json().settings.matchingWeights).toEqual({ ...DEFAULT_SETTINGS.matchingWeights, organization: 0.5, background: 0 })
    const refusals = [
      [{ matchingWeights: { field: 0.05 } }, 'body.settings.matchingWeights.field'],
      [{ terms: [{ name: 'Fall', startsOn: '2030-09-01', endsOn: '2030-12-20' }, { name: 'Winter', startsOn: '2030-12-15', endsOn: '2031-01-31' }] }, 'body.settings.terms'],
      [{ terms: [{ name: 'Backwards', startsOn: '2030-09-01', endsOn: '2030-08-01' }] }, 'body.settings.terms'],
    ] as const
    for (const [settings, field] of refusals) {
      const refused = await t.request({ method: 'PATCH', url: `/v1/schools/${created.id}`, token: operator, payload: { settings } })
      expect(refused.statusCode, JSON.stringify(settings)).toBe(400)
      expect(refused.json().errors).toEqual([{ field, message: expect.any(String) }])
    }
    const { rows } = await owner.query('SELECT settings FROM schools WHERE id = $1', [created.id])
    expect(rows[0].settings).toEqual({ matchingWeights: { organization: 0.5, background: 0 } })
  })

  it('answers 409 for a slug that is taken, and keeps the first school', async () => {
    expect((await create({ slug: 'twin', name: 'Twin One', timeZone: 'UTC' })).statusCode).toBe(201)
    const duplicate = await create({ slug: 'twin', name: 'Twin Two', timeZone: 'UTC' })
    expect(duplicate.statusCode).toBe(409)
    expect(duplicate.headers['content-type']).toBe(PROBLEM_JSON)
    expect(duplicate.json()).toMatchObject({ type: 'urn:vantage:problem:conflict', status: 409 })
    const { rows } = await owner.query("SELECT name FROM schools WHERE slug = 'twin'")
    expect(rows).toEqual([{ name: 'Twin One' }])
  })

  it('answers 409 to every loser of a race for the same slug', async () => {
    const responses = await Promise.all(
      Array.from({ length: 4 }, (_, index) => create({ slug: 'racer', name: `Racer ${index}`, timeZone: 'UTC' })),
    )
    expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409, 409, 409])
  })

  it('rejects a time zone that is not an IANA zone with 400 naming body.timeZone', async () => {
    for (const timeZone of ['Mars/Olympus_Mons', 'Eastern Time', '+05:00']) {
      const response = await create({ slug: 'nowhere', name: 'Nowhere', timeZone })
      expect(response.statusCode, timeZone).toBe(400)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json()).toMatchObject({
        type: 'urn:vantage:problem:validation-failed',
        errors: [{ field: 'body.timeZone', message: expect.any(String) }],
      })
    }
    const { rows } = await owner.query("SELECT count(*)::int AS n FROM schools WHERE slug = 'nowhere'")
    expect(rows[0].n).toBe(0)
  })

  it('stores a time zone by its canonical name', async () => {
    const response = await create({ slug: 'lower-case', name: 'Lower Case', timeZone: 'america/new_york' })
    expect(response.statusCode).toBe(201)
    expect(response.json().timeZone).toBe('America/New_York')
  })

  it('rejects other invalid bodies, listing each field', async () => {
    const response = await create({ slug: 'Not A Slug', name: '', timeZone: 'UTC', colour: 'red' })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors.map((error: { field: string }) => error.field).sort()).toEqual(['body.colour', 'body.name', 'body.slug'])
    const missing = await create({})
    expect(missing.json().errors.map((error: { field: string }) => error.field).sort()).toEqual(['body.name', 'body.slug', 'body.timeZone'])
  })

  it('lists schools a page at a time, each exactly once', async () => {
    for (const slug of ['page-a', 'page-b', 'page-c']) await create({ slug, name: slug, timeZone: 'UTC' })
    const { rows } = await owner.query<{ id: string }>('SELECT id::text FROM schools ORDER BY id')
    const all = rows.map((row) => row.id)
    expect(all.length).toBeGreaterThanOrEqual(5)

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const url: string = `/v1/schools?limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const response = await t.request({ method: 'GET', url, token: operator })
      expect(response.statusCode).toBe(200)
      const page = response.json()
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((item: { id: string }) => item.id))
      cursor = page.nextCursor
    } while (cursor && seen.length <= all.length)
    expect(seen).toEqual(all)

    const first = await t.request({ method: 'GET', url: '/v1/schools?limit=1', token: operator })
    expect(first.json()).toEqual({ items: [expect.objectContaining({ id: all[0] })], nextCursor: expect.any(String) })
    const forged = await t.request({ method: 'GET', url: `/v1/schools?cursor=${Buffer.from('{"id":"nope"}').toString('base64url')}`, token: operator })
    expect(forged.statusCode).toBe(400)
  })

  it('patches a school: only the fields given change', async () => {
    const created = (await create({ slug: 'patchable', name: 'Patchable', timeZone: 'UTC', settings: { thankYouWindowHours: 12 } })).json()
    const renamed = await t.request({ method: 'PATCH', url: `/v1/schools/${created.id}`, token: operator, payload: { name: 'Patched' } })
    expect(renamed.statusCode).toBe(200)
    expect(renamed.json()).toMatchObject({ id: created.id, slug: 'patchable', name: 'Patched', timeZone: 'UTC', status: 'active', settings: { thankYouWindowHours: 12 } })

    const moved = await t.request({
      method: 'PATCH',
      url: `/v1/schools/${created.id}`,
      token: operator,
      payload: { timeZone: 'Asia/Tokyo', settings: { thankYouWindowHours: 72 } },
    })
    expect(moved.json()).toMatchObject({ name: 'Patched', timeZone: 'Asia/Tokyo', settings: { thankYouWindowHours: 72 } })

    const badZone = await t.request({ method: 'PATCH', url: `/v1/schools/${created.id}`, token: operator, payload: { timeZone: 'Nowhere/Land' } })
    expect(badZone.statusCode).toBe(400)
    expect(badZone.json().errors).toEqual([{ field: 'body.timeZone', message: expect.any(String) }])

    const slug = await t.request({ method: 'PATCH', url: `/v1/schools/${created.id}`, token: operator, payload: { slug: 'renamed' } })
    expect(slug.statusCode).toBe(400)
    expect(slug.json().errors).toEqual([{ field: 'body.slug', message: 'is not a known property' }])

    const empty = await t.request({ method: 'PATCH', url: `/v1/schools/${created.id}`, token: operator, payload: {} })
    expect(empty.statusCode).toBe(400)

    const { rows } = await owner.query('SELECT slug, name, time_zone FROM schools WHERE id = $1', [created.id])
    expect(rows).toEqual([{ slug: 'patchable', name: 'Patched', time_zone: 'Asia/Tokyo' }])
  })

  it('answers 404 for a school that does not exist, 400 for an id that is not a UUID', async () => {
    for (const request of [
      { method: 'GET' as const, url: `/v1/schools/${MISSING_ID}` },
      { method: 'PATCH' as const, url: `/v1/schools/${MISSING_ID}`, payload: { name: 'Ghost' } },
    ]) {
      const response = await t.request({ ...request, token: operator })
      expect(response.statusCode).toBe(404)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:not-found', status: 404 })
    }
    const notUuid = await t.request({ method: 'GET', url: '/v1/schools/north-state', token: operator })
    expect(notUuid.statusCode).toBe(400)
    expect(notUuid.json().errors).toEqual([{ field: 'params.schoolId', message: expect.any(String) }])
  })

  describe('callers other than the platform operator', () => {
    let school: TestSchool
    let client: string
    beforeAll(async () => {
      school = await t.school('tenant-u')
      await owner.query(
        `INSERT INTO integration_clients (school_id, id, client_id, name, secret_hash, scopes, updated_at)
         VALUES ($1, uuid_generate_v7(), 'tenant-u.all', 'all', 'none', '{members:read,members:write,reports:read}', now())`,
        [school.id],
      )
      client = await t.clientToken(school.id, 'tenant-u.all', ['members:read', 'members:write', 'reports:read'])
    })

    it('get 403 on every school route', async () => {
      const callers = { ...Object.fromEntries(Object.entries(school.members).map(([role, member]) => [role, member.token])), client }
      for (const [who, token] of Object.entries(callers)) {
        for (const request of [
          { method: 'POST' as const, url: '/v1/schools', payload: { slug: `by-${who.replace('_', '-')}`, name: 'X', timeZone: 'UTC' } },
          { method: 'GET' as const, url: '/v1/schools' },
          { method: 'GET' as const, url: `/v1/schools/${school.id}` },
          { method: 'PATCH' as const, url: `/v1/schools/${school.id}`, payload: { status: 'disabled' } },
        ]) {
          const response = await t.request({ ...request, token })
          expect(response.statusCode, `${who} ${request.method} ${request.url}`).toBe(403)
          expect(response.headers['content-type']).toBe(PROBLEM_JSON)
          expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:forbidden' })
        }
      }
      const { rows } = await owner.query("SELECT slug, status::text FROM schools WHERE slug LIKE 'by-%' OR id = $1", [school.id])
      expect(rows).toEqual([{ slug: 'tenant-u', status: 'active' }])
    })

    it('get 401 without a token', async () => {
      const response = await t.request({ method: 'GET', url: '/v1/schools' })
      expect(response.statusCode).toBe(401)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:credentials-missing' })
    })
  })

  it('disabling a school turns away its members\' and clients\' tokens with 401 school-disabled, until it is enabled again', async () => {
    const school = await t.school('sleepy-u', ['student', 'school_admin'])
    await owner.query(
      `INSERT INTO integration_clients (school_id, id, client_id, name, secret_hash, scopes, updated_at)
       VALUES ($1, uuid_generate_v7(), 'sleepy-u.reader', 'reader', 'none', '{members:read}', now())`,
      [school.id],
    )
    const client = await t.clientToken(school.id, 'sleepy-u.reader', ['members:read'])
    const student = school.members.student!.token
    expect((await t.request({ method: 'GET', url: '/v1/me', token: student })).statusCode).toBe(200)

    const disabled = await t.request({ method: 'PATCH', url: `/v1/schools/${school.id}`, token: operator, payload: { status: 'disabled' } })
    expect(disabled.statusCode).toBe(200)
    expect(disabled.json().status).toBe('disabled')

    for (const [token, url] of [
      [student, '/v1/me'],
      [school.members.school_admin!.token, '/v1/members'],
      [client, '/v1/members'],
    ] as const) {
      const response = await t.request({ method: 'GET', url, token })
      expect(response.statusCode).toBe(401)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:school-disabled', status: 401 })
    }
    // Other schools are unaffected, and the operator still reads the disabled school.
    const other = await t.school('awake-u', ['student'])
    expect((await t.request({ method: 'GET', url: '/v1/me', token: other.members.student!.token })).statusCode).toBe(200)
    expect((await t.request({ method: 'GET', url: `/v1/schools/${school.id}`, token: operator })).json().status).toBe('disabled')

    await t.request({ method: 'PATCH', url: `/v1/schools/${school.id}`, token: operator, payload: { status: 'active' } })
    expect((await t.request({ method: 'GET', url: '/v1/me', token: student })).statusCode).toBe(200)
  })
})
