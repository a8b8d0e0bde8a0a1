// Idempotency-Key on POST: a retry with the same key and body replays the first response and creates
// nothing more; another body is a 422; a retry while the first runs is a 409; keys are per school and
// caller and expire. Concurrent retries over real HTTP create exactly one row.
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runMaintenance } from '../src/infra/jobs/maintenance.js'
import { until } from './helpers/until.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { HOUR } from './helpers/time.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'

describe('Idempotency-Key', () => {
  let t: TestApp
  let school: TestSchool
  let other: TestSchool
  let owner: pg.Client
  let student: string
  let clockSkewMs = 0

  beforeAll(async () => {
    t = await build({}, { clock: () => new Date(Date.now() + clockSkewMs) })
    school = await t.school('idem-u')
    other = await t.school('idem-v')
    student = school.members.student!.token
    owner = await ownerConnection(t)
  })
  afterEach(() => {
    clockSkewMs = 0
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  const contacts = async (fullName: string) =>
    (await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE full_name = $1', [fullName])).rows[0]!.n

  const createContact = (fullName: string, key: string | undefined, token = student, extra: Record<string, unknown> = {}) =>
    t.request({
      method: 'POST',
      url: '/v1/contacts',
      token,
      headers: key === undefined ? {} : { 'idempotency-key': key },
      payload: { fullName, source: 'personal', organization: 'Acme', ...extra },
    })

  it('the same key and body replay the first response, marked Idempotent-Replayed, and create nothing more', async () => {
    const key = randomUUID()
    const first = await createContact('Replay Person', key)
    expect(first.statusCode).toBe(201)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    const second = await createContact('Replay Person', key)
    expect(second.statusCode).toBe(201)
    expect(second.headers['idempotent-replayed']).toBe('true')
    expect(second.headers['content-type']).toBe(first.headers['content-type'])
    expect(second.body).toBe(first.body)
    expect(await contacts('Replay Person')).toBe(1)
    // The second was replayed from this instance's memory; once written, the stored response replays the same.
    const { rows: [stored] } = await until('the stored response', async () =>
      (await owner.query(`SELECT response_status, response_headers, response_body FROM idempotency_keys WHERE key = $1 AND status = 'done'`, [key])).rows.length
        ? await owner.query(`SELECT response_status, response_headers, response_body FROM idempotency_keys WHERE key = $1`, [key])
        : undefined)
    expect(stored).toEqual({ response_status: 201, response_headers: { 'content-type': first.headers['content-type'], location: first.headers.location }, response_body: first.body })
    const third = await createContact('Replay Person', key)
    expect([third.statusCode, third.headers['idempotent-replayed'], third.headers['content-type'], third.headers.location, third.body])
      .toEqual([201, 'true', first.headers['content-type'], first.headers.location, first.body])
    expect(await contacts('Replay Person')).toBe(1)
    // Without a key, the same POST creates again.
    expect((await createContact('Replay Person', undefined)).statusCode).toBe(201)
    expect(await contacts('Replay Person')).toBe(2)
  })

  it('the quoted form of the draft and the bare form are the same key', async () => {
    const key = randomUUID()
    expect((await createContact('Quoted Person', `"${key}"`)).statusCode).toBe(201)
    const bare = await createContact('Quoted Person', key)
    expect(bare.headers['idempotent-replayed']).toBe('true')
    expect(await contacts('Quoted Person')).toBe(1)
  })

  it('the same key with another body answers 422 and writes nothing', async () => {
    const key = randomUUID()
    expect((await createContact('First Body', key)).statusCode).toBe(201)
    const reused = await createContact('Second Body', key)
    expect(reused.statusCode).toBe(422)
    expect(reused.headers['content-type']).toBe(PROBLEM_JSON)
    expect(reused.json().type).toBe('urn:vantage:problem:idempotency-key-reused')
    expect(await contacts('Second Body')).toBe(0)
    // Another path with the same key is another request too.
    const elsewhere = await t.request({ method: 'POST', url: '/v1/outreach', token: student, headers: { 'idempotency-key': key }, payload: {} })
    expect([400, 422]).toContain(elsewhere.statusCode)
  })

  it('a retry while the first still runs answers 409 with Retry-After; a claim whose holder vanished is taken over', async () => {
    const key = randomUUID()
    expect((await createContact('Running Person', key)).statusCode).toBe(201)
    // Its response is written within moments of the answer (until then this instance replays it from memory).
    await until('the stored response', async () => (await owner.query(`SELECT 1 FROM idempotency_keys WHERE key = $1 AND status = 'done'`, [key])).rows[0])
    // As if the first request were still running elsewhere: its claim held for another minute.
    await owner.query(`UPDATE idempotency_keys SET status = 'running', locked_until = now() + interval '1 minute', response_status = NULL, response_body = NULL WHERE key = $1`, [key])
    const busy = await createContact('Running Person', key)
    expect(busy.statusCode).toBe(409)
    expect(busy.headers['retry-after']).toBe('1')
    expect(busy.json().type).toBe('urn:vantage:problem:idempotency-key-in-use')
    expect(await contacts('Running Person')).toBe(1)
    // The holder died (its lease ran out without a response): the next retry runs the request.
    await owner.query(`UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = $1`, [key])
    const takeover = await createContact('Running Person', key)
    expect(takeover.statusCode).toBe(201)
    expect(takeover.headers['idempotent-replayed']).toBeUndefined()
    expect(await contacts('Running Person')).toBe(2)
  })

  it('a late response of a claim that was taken over after its lease does not land on the newer claim', async () => {
    const key = randomUUID()
    const first = new Date(Date.now() + 1_000)
    const second = new Date(Date.now() + 61_000)
    await owner.query(`SELECT set_config('app.school_id', $1, false)`, [school.id])
    await owner.query(
      `INSERT INTO idempotency_keys (school_id, caller, key, fingerprint, status, locked_until, expires_at) VALUES ($1, 'member:late', $2, 'print', 'running', $3, now() + interval '1 day')`,
      [school.id, key, second])
    const store = (lockedUntil: Date) => owner.query('SELECT idempotency_store($1::jsonb)', [JSON.stringify([
      { school_id: school.id, caller: 'member:late', key, locked_until: lockedUntil.toISOString(), status: 201, headers: { 'content-type': 'application/json' }, body: `{"from":"${lockedUntil.toISOString()}"}` },
    ])])
    const row = async () => (await owner.query(`SELECT status, response_body FROM idempotency_keys WHERE key = $1`, [key])).rows[0]
    // The first claim's answer arrives after the second took the key over: the second's row is untouched.
    await store(first)
    expect(await row()).toEqual({ status: 'running', response_body: null })
    await store(second)
    expect(await row()).toEqual({ status: 'done', response_body: `{"from":"${second.toISOString()}"}` })
  })

  it('concurrent retries over HTTP create exactly one row; every answer is that creation, its replay or a 409', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = t.app.server.address() as AddressInfo
    const key = randomUUID()
    const body = JSON.stringify({ fullName: 'Concurrent Person', source: 'personal', organization: 'Acme' })
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`http://127.0.0.1:${port}/v1/contacts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${student}`, 'content-type': 'application/json', 'idempotency-key': key },
          body,
        }).then(async (response) => ({ status: response.status, replayed: response.headers.get('idempotent-replayed'), body: await response.text() })),
      ),
    )
    expect(await contacts('Concurrent Person')).toBe(1)
    const created = responses.filter((response) => response.status === 201)
    expect(created.filter((response) => response.replayed === null)).toHaveLength(1)
    expect(new Set(created.map((response) => response.body)).size).toBe(1)
    expect(responses.every((response) => response.status === 201 || response.status === 409)).toBe(true)
    const after = await createContact('Concurrent Person', key)
    expect(after.headers['idempotent-replayed']).toBe('true')
    expect(after.body).toBe(created[0]!.body)
  })

  it('keys belong to a school and a caller: the same key elsewhere is a new request', async () => {
    const key = randomUUID()
    expect((await createContact('Scoped Person', key)).statusCode).toBe(201)
    const advisorOfOther = other.members.student!.token
    const elsewhere = await createContact('Scoped Person', key, advisorOfOther)
    expect(elsewhere.statusCode).toBe(201)
    expect(elsewhere.headers['idempotent-replayed']).toBeUndefined()
    expect(elsewhere.json().id).not.toBe((await createContact('Scoped Person', key)).json().id)
    const { rows } = await owner.query(`SELECT school_id::text AS school, caller FROM idempotency_keys WHERE key = $1 ORDER BY school_id`, [key])
    expect(rows).toEqual(
      [
        { school: school.id, caller: `member:${school.members.student!.id}` },
        { school: other.id, caller: `member:${other.members.student!.id}` },
      ].sort((a, b) => a.school.localeCompare(b.school)),
    )
  })

  it('a request refused before its handler is not recorded; an answer of the handler, 4xx included, is', async () => {
    const key = randomUUID()
    const invalid = await createContact('', key)
    expect(invalid.statusCode).toBe(400)
    expect(await owner.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key]).then((result) => result.rowCount)).toBe(0)
    expect((await createContact('Valid After Invalid', key)).statusCode).toBe(201)
    // A meeting for a contact that does not exist: the handler's 404 is kept and replayed.
    const meetingKey = randomUUID()
    const payload = { contactId: randomUUID(), kind: 'informational_interview', purpose: 'Learn about the work', mode: 'phone', proposedSlots: [{ startsAt: new Date(Date.now() + 48 * HOUR).toISOString(), endsAt: new Date(Date.now() + 48.5 * HOUR).toISOString() }] }
    const missing = await t.request({ method: 'POST', url: '/v1/meetings', token: student, headers: { 'idempotency-key': meetingKey }, payload })
    expect(missing.statusCode).toBe(404)
    const again = await t.request({ method: 'POST', url: '/v1/meetings', token: student, headers: { 'idempotency-key': meetingKey }, payload })
    expect(again.statusCode).toBe(404)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.headers['content-type']).toBe(PROBLEM_JSON)
  })

  it('a key expires after IDEMPOTENCY_KEY_TTL_HOURS (24): then it may name a new request', async () => {
    const key = randomUUID()
    expect((await createContact('Expiring One', key)).statusCode).toBe(201)
    clockSkewMs = 23 * HOUR
    expect((await createContact('Expiring Two', key)).statusCode).toBe(422)
    clockSkewMs = 24 * HOUR + 60_000
    const fresh = await createContact('Expiring Two', key)
    expect(fresh.statusCode).toBe(201)
    expect(fresh.headers['idempotent-replayed']).toBeUndefined()
  })

  it('hourly maintenance deletes the expired keys only', async () => {
    const key = randomUUID()
    expect((await createContact('Maintained Person', key)).statusCode).toBe(201)
    const count = async () => (await owner.query('SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1', [key])).rows[0].n
    await runMaintenance(t.database, new Date(Date.now() + 23 * HOUR))
    expect(await count()).toBe(1)
    const result = await runMaintenance(t.database, new Date(Date.now() + 25 * HOUR))
    expect(await count()).toBe(0)
    expect(result.idempotencyKeysDeleted).toBeGreaterThanOrEqual(1)
  })

  it.each([
    ['empty', '""'],
    ['256 characters', 'a'.repeat(256)],
    ['a control character', 'tab\tinside'],
    ['an unbalanced quote', '"unterminated'],
  ])('refuses a malformed key (%s) with a 400 naming the header, and writes nothing', async (_label, key) => {
    const response = await createContact('Malformed Key', key)
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toBe(PROBLEM_JSON)
    expect(response.json().errors).toEqual([{ field: 'headers.idempotency-key', message: expect.any(String) }])
    expect(await contacts('Malformed Key')).toBe(0)
  })

  it('is refused on platform requests, which belong to no school', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/v1/schools',
      token: await t.platformToken(),
      headers: { 'idempotency-key': randomUUID() },
      payload: { slug: 'idem-platform', name: 'Idem Platform University', timeZone: 'UTC' },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors).toEqual([{ field: 'headers.idempotency-key', message: 'is accepted on a school\'s requests only' }])
    expect((await owner.query(`SELECT 1 FROM schools WHERE slug = 'idem-platform'`)).rowCount).toBe(0)
  })
})
