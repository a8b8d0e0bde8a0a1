// The audit log: every write, and every read that answered another member's personal data, with its
// actor and subjects; school admins query it, and each member reads their own disclosure log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { subjectsOf } from '../src/infra/http/audit.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { hostProfileBody } from './helpers/cross-tenant.js'
import { until } from './helpers/until.js'

interface Event {
  kind: string
  actor: { kind: string; id: string | null; via: string | null }
  action: string
  status: number
  subjectIds: string[]
  target: Record<string, string>
}

describe('audit log', () => {
  let t: TestApp
  let school: TestSchool
  let other: TestSchool
  let studentId = ''

  beforeAll(async () => {
    t = await build()
    school = await t.school('audit-u')
    other = await t.school('audit-v', ['student', 'school_admin'])
    studentId = school.members.student!.id
  })
  afterAll(() => t.close())

  const events = async (query = '', token = school.members.school_admin!.token) => {
    const response = await t.request({ method: 'GET', url: `/v1/audit-events?limit=100${query}`, token })
    expect(response.statusCode, response.body).toBe(200)
    return response.json().items as Event[]
  }
  const find = (query: string, match: (event: Event) => boolean) => until('the audit event', async () => (await events(query)).find(match), 5000)

  it('records a write with its actor, route and ids', async () => {
    const created = await t.request({ method: 'POST', url: '/v1/contacts', token: school.members.student!.token, payload: { fullName: 'Audited Person', source: 'personal' } })
    expect(created.statusCode).toBe(201)
    const event = await find('&kind=write', (item) => item.action === 'POST /v1/contacts')
    // The test's tokens are signed by the service itself (not a school's identity provider).
    expect(event).toMatchObject({ kind: 'write', actor: { kind: 'member', id: studentId, via: 'service-token' }, status: 201, subjectIds: [studentId] })
    // A refused write changed nothing and is not logged.
    expect((await t.request({ method: 'POST', url: '/v1/contacts', token: school.members.student!.token, payload: { fullName: '' } })).statusCode).toBe(400)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await events('&kind=write')).filter((item) => item.action === 'POST /v1/contacts')).toHaveLength(1)
  })

  it('records a replayed keyed write like the first, with the subjects its stored answer names', async () => {
    const key = `audit-${Date.now()}`
    const send = () => t.request({ method: 'POST', url: '/v1/contacts', token: school.members.student!.token, headers: { 'idempotency-key': key }, payload: { fullName: 'Replayed Person', source: 'personal' } })
    expect((await send()).statusCode).toBe(201)
    const replay = await send()
    expect(replay.headers['idempotent-replayed']).toBe('true')
    const written = await until('both events', async () => {
      const found = (await events('&kind=write')).filter((item) => item.action === 'POST /v1/contacts' && item.target && item.status === 201)
      return found.length >= 3 ? found : undefined
    }, 5000)
    expect(written.slice(0, 2).map((item) => item.subjectIds)).toEqual([[studentId], [studentId]])
  })

  it('records a read of another member\'s data, which the member sees in their disclosure log; reading one\'s own is not a disclosure', async () => {
    const advisor = school.members.advisor!
    expect((await t.request({ method: 'GET', url: `/v1/members/${studentId}`, token: advisor.token })).statusCode).toBe(200)
    const read = await find(`&subjectId=${studentId}&kind=read`, (item) => item.action === 'GET /v1/members/:memberId')
    expect(read).toMatchObject({ actor: { kind: 'member', id: advisor.id }, status: 200, subjectIds: [studentId], target: { memberId: studentId } })
    // The student's own reads of their contacts and of themselves add nothing.
    expect((await t.request({ method: 'GET', url: '/v1/contacts', token: school.members.student!.token })).statusCode).toBe(200)
    expect((await t.request({ method: 'GET', url: `/v1/members/${studentId}`, token: school.members.student!.token })).statusCode).toBe(200)
    // An advisor's list of the school's contacts discloses the student's.
    expect((await t.request({ method: 'GET', url: '/v1/contacts', token: advisor.token })).statusCode).toBe(200)
    await find(`&subjectId=${studentId}`, (item) => item.action === 'GET /v1/contacts' && item.actor.id === advisor.id)
    const disclosures = await t.request({ method: 'GET', url: '/v1/me/disclosures', token: school.members.student!.token })
    expect(disclosures.statusCode).toBe(200)
    const mine = disclosures.json().items as Event[]
    expect(mine.map((item) => `${item.actor.id} ${item.action}`).sort()).toEqual([`${advisor.id} GET /v1/contacts`, `${advisor.id} GET /v1/members/:memberId`])
    expect(mine.every((item) => item.kind === 'read' && item.subjectIds.includes(studentId))).toBe(true)
  })

  it('records reads through GraphQL and the CSV reports, naming the students and hosts they carried', async () => {
    const advisor = school.members.advisor!
    const alumnusId = school.members.alumni!.id
    const profile = await t.request({ method: 'PUT', url: `/v1/hosts/${alumnusId}`, token: school.members.alumni!.token, payload: hostProfileBody('audit-u', '+1 555 0100') })
    expect(profile.statusCode, profile.body).toBeLessThan(300)
    const query = `{ report(from: "2026-01-01", to: "2026-12-31") { students(first: 100) { nodes { id givenName } } hosts(first: 100) { nodes { id } } } }`
    const graphql = await t.request({ method: 'POST', url: '/graphql', token: advisor.token, payload: { query } })
    expect(graphql.statusCode, graphql.body).toBe(200)
    const ids = (graphql.json().data.report.students.nodes as Array<{ id: string }>).map((node) => node.id)
    expect(ids).toContain(studentId)
    const read = await find(`&subjectId=${studentId}&kind=read`, (item) => item.action === 'POST /graphql')
    expect(read).toMatchObject({ actor: { kind: 'member', id: advisor.id }, status: 200 })
    const hostIds = (graphql.json().data.report.hosts.nodes as Array<{ id: string }>).map((node) => node.id)
    expect(hostIds).toEqual([alumnusId])
    expect([...read!.subjectIds].sort()).toEqual([...ids, ...hostIds].sort())
    // A query that answers no member (a count) discloses nobody and is not logged.
    const count = await t.request({ method: 'POST', url: '/graphql', token: advisor.token, payload: { query: '{ report(from: "2026-01-01", to: "2026-12-31") { studentCount } }' } })
    expect(count.statusCode).toBe(200)
    const csv = await t.request({ method: 'GET', url: '/v1/reports/students.csv?from=2026-01-01&to=2026-12-31', token: advisor.token })
    expect(csv.statusCode, csv.body).toBe(200)
    expect(csv.body).toContain(studentId)
    const exported = await find(`&subjectId=${studentId}`, (item) => item.action === 'GET /v1/reports/students.csv')
    expect([...exported!.subjectIds].sort()).toEqual([...ids].sort())
    const hostsCsv = await t.request({ method: 'GET', url: '/v1/reports/hosts.csv?from=2026-01-01&to=2026-12-31', token: advisor.token })
    expect(hostsCsv.statusCode).toBe(200)
    await find(`&subjectId=${alumnusId}`, (item) => item.action === 'GET /v1/reports/hosts.csv')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await events('&kind=read')).filter((item) => item.action === 'POST /graphql')).toHaveLength(1)
  })

  it('records an erasure, naming the member erased', async () => {
    const put = await t.request({ method: 'PUT', url: '/v1/members/audit-leaver', token: school.members.school_admin!.token, payload: { roles: ['student'], givenName: 'Leaver' } })
    const leaver = put.json().id as string
    expect((await t.request({ method: 'POST', url: `/v1/members/${leaver}/erase`, token: school.members.school_admin!.token })).statusCode).toBe(200)
    const event = await find(`&subjectId=${leaver}&action=${encodeURIComponent('POST /v1/members/:memberId/erase')}`, () => true)
    expect(event).toMatchObject({ kind: 'write', actor: { kind: 'member', id: school.members.school_admin!.id }, subjectIds: [leaver], target: { memberId: leaver } })
  })

  it('is the school\'s own: another school\'s admin sees none of it, and only admins query it', async () => {
    await find('', () => true)
    const theirs = await events('', other.members.school_admin!.token)
    expect(theirs.filter((item) => item.subjectIds.includes(studentId) || item.actor.id === studentId)).toEqual([])
    for (const role of ['student', 'advisor', 'alumni']) {
      expect((await t.request({ method: 'GET', url: '/v1/audit-events', token: school.members[role]!.token })).statusCode, role).toBe(403)
    }
    // Pages: newest first, a cursor to the next page.
    const first = await t.request({ method: 'GET', url: '/v1/audit-events?limit=1', token: school.members.school_admin!.token })
    const next = await t.request({ method: 'GET', url: `/v1/audit-events?limit=1&cursor=${first.json().nextCursor}`, token: school.members.school_admin!.token })
    expect(next.statusCode).toBe(200)
    expect(next.json().items[0].id).not.toBe(first.json().items[0].id)
  })

  it('finds the subjects an answer names', () => {
    const a = '0190aaaa-0000-7000-8000-00000000000a'
    const b = '0190aaaa-0000-7000-8000-00000000000b'
    const c = '0190aaaa-0000-7000-8000-00000000000c'
    expect([...subjectsOf({ items: [{ id: c, studentId: a }, { host: { memberId: b } }] }, false)].sort()).toEqual([a, b])
    expect([...subjectsOf({ items: [{ id: c }] }, true)]).toEqual([c])
    // A host request names its student as an object: { student: { id } }; its own id is no member's.
    expect([...subjectsOf({ items: [{ id: c, student: { id: a, name: 'Ana' }, host: { memberId: b } }] }, false)].sort()).toEqual([a, b])
    // A contact points at the alumnus it is about; its name and details are the student's, not the alumnus's.
    expect([...subjectsOf({ items: [{ id: c, studentId: a, fullName: 'Grace Park', alumniMemberId: b }] }, false)]).toEqual([a])
  })

  it('records a host\'s read of the requests addressed to them as a disclosure of the requesting student', async () => {
    const alumni = school.members.alumni!
    const student = school.members.student!
    const start = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 9 * 86_400_000
    expect((await t.request({ method: 'PUT', url: `/v1/hosts/${alumni.id}`, token: alumni.token, payload: hostProfileBody('audit-u', '+1 555 0100') })).statusCode).toBeLessThan(300)
    const asked = await t.request({
      method: 'POST',
      url: '/v1/host-requests',
      token: student.token,
      payload: { hostIds: [alumni.id], kind: 'informational_interview', purpose: 'Learning about your path', mode: 'video', location: 'https://meet.example/audit', proposedSlots: [{ startsAt: new Date(start).toISOString(), endsAt: new Date(start + 30 * 60_000).toISOString() }] },
    })
    expect(asked.statusCode, asked.body).toBe(201)
    expect((await t.request({ method: 'GET', url: '/v1/host-requests', token: alumni.token })).statusCode).toBe(200)
    const read = await find(`&subjectId=${studentId}&kind=read`, (item) => item.action === 'GET /v1/host-requests' && item.actor.id === alumni.id)
    expect(read!.subjectIds).toEqual([studentId])
  })

  it('a host\'s disclosure log lists the reads of a student who opted out of directory information without naming them, by their opt-out as it is now; staff and the school\'s log are named as ever', async () => {
    const admin = school.members.school_admin!
    const host = school.members.alumni!
    expect((await t.request({ method: 'PUT', url: `/v1/hosts/${host.id}`, token: host.token, payload: hostProfileBody('audit-u', '+1 555 0100') })).statusCode).toBeLessThan(300)
    const provision = (externalId: string, roles: string[], directoryOptOut: boolean) =>
      t.request({ method: 'PUT', url: `/v1/members/${externalId}`, token: admin.token, payload: { roles, givenName: externalId, directoryOptOut } })
    const SUGGESTIONS = 'GET /v1/members/:memberId/host-suggestions'
    // Each student browses the hosts and is suggested hosts: both answers carry the host's profile.
    const browse = async (externalId: string, directoryOptOut: boolean) => {
      const put = await provision(externalId, ['student'], directoryOptOut)
      expect(put.statusCode, put.body).toBe(201)
      const student = { id: put.json().id as string, token: await t.memberToken(school.id, externalId) }
      const browsed = await t.request({ method: 'GET', url: '/v1/hosts', token: student.token })
      expect(browsed.statusCode, browsed.body).toBe(200)
      expect(browsed.json().items.map((item: { memberId: string }) => item.memberId)).toContain(host.id)
      const suggested = await t.request({ method: 'GET', url: `/v1/members/${student.id}/host-suggestions?kind=informational_interview`, token: student.token })
      expect(suggested.statusCode, suggested.body).toBe(200)
      expect(suggested.json().items.map((item: { host: { memberId: string } }) => item.host.memberId)).toContain(host.id)
      return student
    }
    const hidden = await browse('audit-hidden', true)
    const sharer = await browse('audit-sharer', false)
    // An advisor who opted out (as a student once) reads as a school official.
    const advisor = school.members.advisor!
    expect((await provision(advisor.externalId, ['advisor'], true)).statusCode).toBe(200)
    expect((await t.request({ method: 'GET', url: `/v1/hosts/${host.id}`, token: advisor.token })).statusCode).toBe(200)

    // These reads only (the advisor read the host's data in earlier tests too).
    const ours = (item: Event) => [hidden.id, sharer.id, advisor.id].includes(item.actor.id!) && ['GET /v1/hosts', SUGGESTIONS, 'GET /v1/hosts/:memberId'].includes(item.action)
    const readsOfHost = async () => (await events(`&subjectId=${host.id}&kind=read`)).filter(ours)
    const shape = (items: Event[]) => items.map((item) => `${item.actor.id} ${item.action} ${JSON.stringify(item.target)}`).sort()
    const named = [
      `${hidden.id} GET /v1/hosts {}`,
      `${hidden.id} ${SUGGESTIONS} {"memberId":"${hidden.id}"}`,
      `${sharer.id} GET /v1/hosts {}`,
      `${sharer.id} ${SUGGESTIONS} {"memberId":"${sharer.id}"}`,
      `${advisor.id} GET /v1/hosts/:memberId {"memberId":"${host.id}"}`,
    ].sort()
    // The school's log names every actor.
    expect(shape(await until('the five reads', async () => {
      const found = await readsOfHost()
      return found.length >= 5 && found
    }, 5000))).toEqual(named)
    const disclosures = async () => {
      const response = await t.request({ method: 'GET', url: '/v1/me/disclosures?limit=100', token: host.token })
      expect(response.statusCode, response.body).toBe(200)
      return { body: response.body, items: response.json().items as Array<Event & { id: string }> }
    }
    // The host's log: the sharing student and the advisor by id; the opted-out student's two reads are
    // there without an actor id, and without the route's id that was theirs: nothing in it names them.
    const before = await disclosures()
    expect(before.body).not.toContain(hidden.id)
    expect(shape(before.items.filter(ours))).toEqual(named.filter((line) => !line.startsWith(hidden.id)))
    const unnamed = before.items.filter((item) => item.actor.id === null).map(({ kind, actor, action, target, subjectIds }) => ({ kind, actor, action, target, subjectIds }))
    expect(unnamed.sort((a, b) => a.action.localeCompare(b.action))).toEqual([
      { kind: 'read', actor: { kind: 'member', id: null, via: 'service-token' }, action: 'GET /v1/hosts', target: {}, subjectIds: [host.id] },
      { kind: 'read', actor: { kind: 'member', id: null, via: 'service-token' }, action: SUGGESTIONS, target: {}, subjectIds: [host.id] },
    ])
    // The opt-out is read when the log is: the sharing student's later opt-out hides their past reads
    // too, the same events still listed.
    expect((await provision('audit-sharer', ['student'], true)).statusCode).toBe(200)
    const after = await disclosures()
    expect(after.body).not.toContain(sharer.id)
    expect(after.items.filter((item) => item.actor.id === null)).toHaveLength(4)
    expect(after.items.map((item) => item.id)).toEqual(before.items.map((item) => item.id))
    expect(shape(await readsOfHost())).toEqual(named)
  })
})
