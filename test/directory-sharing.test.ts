// A student's directory information (FERPA §99.37) and sharing choices decide what hosts and other
// students see. The student's name, major, graduation year, fields and background tags carry
// markers; the walk sends every request of the cross-tenant matrix (every non-public route of the
// API, aimed at the school's own records) as the school's alumnus host and as another student of the
// school, plus the public pages a host reaches (their calendar feed, a confirmation link) and the
// host's own export, and searches every answer for the markers. A first walk, with everything
// shared, must find each marker (so the walk reaches the surfaces that show the student); with the
// fields hidden, and again under a directory opt-out, it must find none.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { CROSS_TENANT_MATRIX, type CrossTenantFixture, createCrossTenantFixture, WEBHOOK_HOST } from './helpers/cross-tenant.js'

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
const HIDE_ALL = { name: false, major: false, graduationYear: false, fieldsOfInterest: false, backgroundTags: false }
const SHARE_ALL = { name: true, major: true, graduationYear: true, fieldsOfInterest: true, backgroundTags: true }

describe('directory information and sharing choices', () => {
  let t: TestApp
  let f: CrossTenantFixture
  let owner: pg.Client
  let classmate: string
  const marker = `zqd${randomBytes(5).toString('hex')}`
  /** The markers by field; the graduation year is found by its key (a number also occurs inside ids). */
  const markers = { name: `${marker}given`, family: `${marker}family`, major: `${marker}major`, fieldsOfInterest: `${marker}-field`, backgroundTags: `${marker}-tag`, email: `${marker}@dir.example` }
  const YEAR = 2187
  /** The app's clock is real time moved forward by this much (to after the fixture's meeting, for its links). */
  let clockSkewMs = 0

  beforeAll(async () => {
    t = await build({ WEBHOOK_ALLOWED_HOSTS: WEBHOOK_HOST }, { clock: () => new Date(Date.now() + clockSkewMs) })
    f = await createCrossTenantFixture(t, { a: 'dir-a', b: 'dir-b' })
    owner = await ownerConnection(t)
    const school = f.a.school
    const admin = school.members.school_admin!.token
    const student = school.members.student!
    const put = await t.request({
      method: 'PUT',
      url: `/v1/members/${student.externalId}`,
      token: admin,
      payload: { roles: ['student'], givenName: markers.name, familyName: markers.family, email: markers.email, major: markers.major, graduationYear: YEAR, fieldsOfInterest: [markers.fieldsOfInterest], backgroundTags: [markers.backgroundTags] },
    })
    expect(put.statusCode, put.body).toBe(200)
    expect((await t.request({ method: 'PUT', url: '/v1/members/dir-classmate', token: admin, payload: { roles: ['student'], givenName: 'Cleo' } })).statusCode).toBe(201)
    classmate = await t.memberToken(school.id, 'dir-classmate')
    // The reasons of the student's request to the host name the student's field and background.
    await owner.query(
      `UPDATE host_requests SET reasons = $3::jsonb WHERE school_id = $1 AND id = $2`,
      [school.id, f.a.hosting.request.id, JSON.stringify([
        { code: 'shared_field', text: `Works in ${markers.fieldsOfInterest}, a field you are exploring` },
        { code: 'shared_background', text: `Shares your background: ${markers.backgroundTags}` },
        { code: 'responsive', text: 'New host: no requests answered or expired yet' },
      ])],
    )
  })
  afterAll(async () => {
    await owner?.end()
    await t?.close()
  })

  async function share(sharing: typeof SHARE_ALL, directoryOptOut = false) {
    const student = f.a.school.members.student!
    const patched = await t.request({ method: 'PATCH', url: `/v1/members/${student.id}/sharing`, token: student.token, payload: sharing })
    expect(patched.statusCode, patched.body).toBe(200)
    await owner.query(`UPDATE members SET directory_opt_out = $3 WHERE school_id = $1 AND id = $2`, [f.a.school.id, student.id, directoryOptOut])
  }

  /** Which fields of the student an answer shows: by marker, and the year by a graduationYear key. */
  function shown(body: string): string[] {
    const found = Object.entries(markers).filter(([, value]) => body.includes(value)).map(([field]) => field)
    try {
      const visit = (value: unknown): boolean =>
        Array.isArray(value) ? value.some(visit)
        : value !== null && typeof value === 'object' ? Object.entries(value).some(([key, inner]) => (key === 'graduationYear' || key === 'graduation_year') ? inner === YEAR : visit(inner))
        : false
      if (visit(JSON.parse(body))) found.push('graduationYear')
    } catch {
      // Not JSON (a calendar, a CSV): the markers above are searched as text.
    }
    return found
  }

  /**
   * Every request of the matrix as the caller (writes too, when `writes`), then the host's public
   * pages and own export: the answers that show any of the student's fields, by route.
   */
  async function walk(callers: Record<string, string>, writes: boolean): Promise<Record<string, string[]>> {
    const leaks: Record<string, string[]> = {}
    const note = (what: string, body: string) => {
      const fields = shown(body)
      if (fields.length) leaks[what] = [...new Set([...(leaks[what] ?? []), ...fields])]
    }
    const cases = CROSS_TENANT_MATRIX.filter((entry) => writes || entry.route.startsWith('GET '))
    const seen = new Set<string>()
    for (const [name, token] of Object.entries(callers)) {
      for (const entry of cases) {
        const { url, payload, headers } = entry.request(f)
        const method = entry.route.split(' ')[0] as Method
        const key = `${method} ${url} ${JSON.stringify(payload ?? null)}`
        if (seen.has(`${name} ${key}`)) continue
        seen.add(`${name} ${key}`)
        const response = await t.request({ method, url, token, headers, ...(payload !== undefined ? { payload: payload as object } : {}) })
        note(`${entry.route} as ${name}`, response.body)
      }
    }
    // The host's own pages: their calendar feed (no token), their export, a confirmation link of a meeting.
    const host = f.a.school.members.alumni!
    note('host calendar feed', (await t.request({ method: 'GET', url: f.a.calendarFeeds.alumni.path })).body)
    note('host export', (await t.request({ method: 'GET', url: `/v1/members/${host.id}/export`, token: host.token })).body)
    clockSkewMs = Date.parse(f.a.meeting.endsAt) - Date.now() + 3_600_000
    try {
      const links = await t.request({ method: 'GET', url: `/v1/meetings/${f.a.meeting.id}/confirmation-links`, token: f.a.school.members.advisor!.token })
      expect(links.statusCode, links.body).toBe(200)
      const hostLink = new URL(links.json().host as string)
      note('host confirmation link', (await t.request({ method: 'GET', url: `${hostLink.pathname}${hostLink.search}` })).body)
    } finally {
      clockSkewMs = 0
    }
    return leaks
  }

  const callers = () => ({ host: f.a.school.members.alumni!.token, classmate })

  it('shared: the walk finds every field where the host sees the student (their request)', async () => {
    await share(SHARE_ALL)
    const leaks = await walk(callers(), false)
    const all = new Set(Object.values(leaks).flat())
    expect([...all].sort()).toEqual(['backgroundTags', 'family', 'fieldsOfInterest', 'graduationYear', 'major', 'name'])
    expect(leaks['GET /v1/host-requests/:requestId as host']?.sort()).toEqual(['backgroundTags', 'family', 'fieldsOfInterest', 'graduationYear', 'major', 'name'])
    // Another student sees nothing of them anywhere, whatever they share.
    expect(Object.keys(leaks).filter((what) => what.endsWith('as classmate'))).toEqual([])
  })

  it('each field hidden alone leaves that field, and only it, out of every answer', async () => {
    const byField = { name: ['name', 'family'], major: ['major'], graduationYear: ['graduationYear'], fieldsOfInterest: ['fieldsOfInterest'], backgroundTags: ['backgroundTags'] } as const
    for (const [field, hidden] of Object.entries(byField)) {
      await share({ ...SHARE_ALL, [field]: false })
      const request = await t.request({ method: 'GET', url: `/v1/host-requests/${f.a.hosting.request.id}`, token: f.a.school.members.alumni!.token })
      expect(request.statusCode).toBe(200)
      const visible = shown(request.body).sort()
      expect(visible, field).toEqual(['backgroundTags', 'family', 'fieldsOfInterest', 'graduationYear', 'major', 'name'].filter((name) => !(hidden as readonly string[]).includes(name)))
    }
    // The student themselves and their advisor still see everything.
    for (const token of [f.a.school.members.student!.token, f.a.school.members.advisor!.token]) {
      const request = await t.request({ method: 'GET', url: `/v1/host-requests/${f.a.hosting.request.id}`, token })
      expect(shown(request.body).sort()).toEqual(['backgroundTags', 'family', 'fieldsOfInterest', 'graduationYear', 'major', 'name'])
    }
  })

  it('under a directory opt-out, sharing everything shows nothing in any answer to a host or another student', async () => {
    await share(SHARE_ALL, true)
    expect(await walk(callers(), false)).toEqual({})
    const request = await t.request({ method: 'GET', url: `/v1/host-requests/${f.a.hosting.request.id}`, token: f.a.school.members.alumni!.token })
    expect(request.json().student).toEqual({ id: f.a.school.members.student!.id, name: null, major: null, graduationYear: null, fieldsOfInterest: [], backgroundTags: [] })
    expect(request.json().reasons).toEqual([{ code: 'responsive', text: 'New host: no requests answered or expired yet' }])
  })

  it('all hidden: no answer of any route (reads and writes: accepting the request too) shows the student to a host or another student', async () => {
    await share(HIDE_ALL)
    expect(await walk(callers(), true)).toEqual({})
    // The walk's writes included the host accepting or declining the request; its answer was searched.
    const { rows: [request] } = await owner.query(`SELECT status FROM host_requests WHERE school_id = $1 AND id = $2`, [f.a.school.id, f.a.hosting.request.id])
    expect(['accepted', 'declined']).toContain(request.status)
  })
})
