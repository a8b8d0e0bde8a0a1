// Two students of one school: each one's contacts, outreach, referrals, network, meetings (with their
// preparation and calendar entries) and calendar feeds are theirs alone. The other student gets a 404
// for every one of them, byte for byte the answer for a record that does not exist, cannot change or
// build on them, and lists, searches, stats and feeds show only their own. Advisors and school admins
// read both students' records and write neither; alumni and integration clients see none.
// (Schools kept apart from each other: cross-tenant.test.ts.)
import { randomUUID } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { HOUR, DAY } from './helpers/time.js'
import { calendarUids, expectedOutreachStats, unfoldCalendar } from './helpers/cross-tenant.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

interface StudentRecords {
  id: string
  token: string
  contact: { id: string; fullName: string; email: string }
  outreachId: string
  referralId: string
  referredContactId: string
  /** A meeting with `contact`, scheduled and prepared (homework, a bank question, a question of their own). */
  meeting: { id: string; purpose: string; homework: string; customQuestion: string; startsAt: string; endsAt: string }
  /** Their calendar feed's path (the secret URL) and id. */
  feed: { id: string; path: string; secret: string }
}

/** Both students' meetings take the same window: neither may learn of the other's from a clash. */
const START = Math.ceil(Date.now() / HOUR) * HOUR + 7 * DAY
const WINDOW = { startsAt: new Date(START).toISOString(), endsAt: new Date(START + 45 * 60_000).toISOString() }

describe('student privacy within a school', () => {
  let t: TestApp
  let school: TestSchool
  let owner: pg.Client
  /** The student whose records are aimed at. */
  let ada: StudentRecords
  /** The student who aims at them. */
  let ben: StudentRecords
  let clientToken: string

  async function created(response: LightMyRequestResponse, what: string): Promise<Record<string, unknown>> {
    expect(response.statusCode, `${what}: ${response.body}`).toBe(201)
    return response.json() as Record<string, unknown>
  }

  /** A student's contact (with an email), an outreach to it, and a referral that adds a second contact. */
  async function records(id: string, token: string, name: string, shape: { source: string; channel: string; outcome: string }): Promise<StudentRecords> {
    const contact = { fullName: `${name} Knownperson`, email: `${name.toLowerCase()}.contact@privacy.example`, organization: `${name} Industries`, source: shape.source }
    const row = await created(await t.request({ method: 'POST', url: '/v1/contacts', token, payload: contact }), `${name}'s contact`)
    const outreach = await created(
      await t.request({ method: 'POST', url: `/v1/contacts/${row.id}/outreach`, token, payload: { channel: shape.channel, message: `Hi from ${name}`, outcome: shape.outcome } }),
      `${name}'s outreach`,
    )
    const referral = await created(
      await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token,
        payload: { referrer: { contactId: row.id }, referred: { contact: { fullName: `${name} Referredperson` } }, note: `${name}'s lead` },
      }),
      `${name}'s referral`,
    )
    const purpose = `${name} wants to learn how ${name} Industries hires`
    const meeting = await created(
      await t.request({ method: 'POST', url: '/v1/meetings', token, payload: { contactId: row.id, kind: 'informational_interview', purpose, mode: 'phone', proposedSlots: [WINDOW] } }),
      `${name}'s meeting`,
    )
    const scheduled = await t.request({ method: 'POST', url: `/v1/meetings/${meeting.id}/schedule`, token, payload: WINDOW })
    expect(scheduled.statusCode, scheduled.body).toBe(200)
    const bank = await t.request({ method: 'GET', url: '/v1/questions', token })
    const questionId = (bank.json() as { items: Array<{ id: string }> }).items[0]!.id
    const homework = `${name} reads the annual report of ${name} Industries`
    const customQuestion = `What should ${name} ask ${name} Industries next?`
    const prepared = await t.request({ method: 'PUT', url: `/v1/meetings/${meeting.id}/preparation`, token, payload: { homework, questionIds: [questionId], customQuestions: [customQuestion] } })
    expect(prepared.statusCode, prepared.body).toBe(200)
    const feed = await created(await t.request({ method: 'POST', url: '/v1/calendar-feeds', token }), `${name}'s calendar feed`)
    const path = new URL(feed.url as string).pathname
    return {
      id,
      token,
      contact: { id: row.id as string, fullName: contact.fullName, email: contact.email },
      outreachId: outreach.id as string,
      referralId: referral.id as string,
      referredContactId: referral.referredContactId as string,
      meeting: { id: meeting.id as string, purpose, homework, customQuestion, ...WINDOW },
      feed: { id: feed.id as string, path, secret: path.split('/').at(-1)!.replace(/\.ics$/, '') },
    }
  }

  /** A student's rows in the conversation tables, their meetings and their calendar feeds, as they are. */
  async function rowsOf(studentId: string): Promise<Record<string, unknown[]>> {
    const result: Record<string, unknown[]> = {}
    for (const table of ['contacts', 'outreach', 'referrals', 'meetings']) {
      const { rows } = await owner.query(`SELECT to_jsonb(t) AS row FROM "${table}" t WHERE school_id = $1 AND student_id = $2 ORDER BY id`, [school.id, studentId])
      result[table] = rows.map((row) => row.row)
    }
    const { rows } = await owner.query('SELECT to_jsonb(t) AS row FROM calendar_feeds t WHERE school_id = $1 AND member_id = $2 ORDER BY id', [school.id, studentId])
    result.calendar_feeds = rows.map((row) => row.row)
    return result
  }

  /** Strings of Ada's that Ben must never be shown. */
  const adaSecrets = () => [
    ada.contact.fullName,
    ada.contact.email,
    ada.id,
    ada.contact.id,
    ada.referralId,
    ada.meeting.id,
    ada.meeting.purpose,
    ada.meeting.homework,
    ada.meeting.customQuestion,
    ada.feed.id,
    ada.feed.secret,
  ]

  async function idsOf(table: 'contacts' | 'referrals' | 'meetings', studentId?: string): Promise<string[]> {
    const { rows } = await owner.query<{ id: string }>(
      `SELECT id::text FROM "${table}" WHERE school_id = $1 AND ($2::uuid IS NULL OR student_id = $2::uuid) ORDER BY id`,
      [school.id, studentId ?? null],
    )
    return rows.map((row) => row.id)
  }

  const listed = (response: LightMyRequestResponse) => (response.json() as { items: Array<{ id: string }> }).items.map((item) => item.id).sort()

  /** Ada's record and a record no one has, asked for alike by Ben: the same 404, but for the path. */
  async function expectSameNotFound(method: Method, foreign: string, missing: string, payload?: object) {
    await expectSameNotFoundAs(ben.token, method, foreign, missing, payload)
  }

  /** The same, asked by another caller of the school. */
  async function expectSameNotFoundAs(token: string, method: Method, foreign: string, missing: string, payload?: object) {
    const answers = await Promise.all(
      [foreign, missing].map((url) => t.request({ method, url, token, ...(payload ? { payload } : {}) })),
    )
    const [a, m] = answers as [LightMyRequestResponse, LightMyRequestResponse]
    expect(a.statusCode, `${method} ${foreign}: ${a.body}`).toBe(404)
    expect(a.headers['content-type']).toBe(PROBLEM_JSON)
    expect(a.json()).toMatchObject({ type: 'urn:vantage:problem:not-found', status: 404 })
    const path = (url: string) => url.split('?')[0]!
    expect(a.body.replaceAll(path(foreign), '<path>')).toBe(m.body.replaceAll(path(missing), '<path>'))
    expect(Object.keys(a.headers).sort()).toEqual(Object.keys(m.headers).sort())
    // Nothing of Ada's beyond what Ben sent in the path.
    const rest = a.body.replaceAll(path(foreign), '<path>')
    for (const secret of adaSecrets()) expect(rest).not.toContain(secret)
  }

  beforeAll(async () => {
    t = await build()
    school = await t.school('privacy')
    owner = await ownerConnection(t)
    const admin = school.members.school_admin!.token
    const second = await t.request({ method: 'PUT', url: '/v1/members/privacy-ben', token: admin, payload: { roles: ['student'], givenName: 'Ben' } })
    expect(second.statusCode).toBe(201)
    ada = await records(school.members.student!.id, school.members.student!.token, 'Ada', { source: 'cold', channel: 'linkedin', outcome: 'agreed' })
    ben = await records((second.json() as { id: string }).id, await t.memberToken(school.id, 'privacy-ben'), 'Ben', { source: 'personal', channel: 'email', outcome: 'no_reply' })
    const client = await created(
      await t.request({ method: 'POST', url: `/v1/schools/${school.id}/integration-clients`, token: admin, payload: { name: 'portal', scopes: ['members:read', 'members:write', 'reports:read'] } }),
      'integration client',
    )
    clientToken = await t.clientToken(school.id, (client.client as { clientId: string }).clientId, ['members:read', 'members:write', 'reports:read'])
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  it('the other student reads none of them: 404, the same as for records that do not exist', async () => {
    for (const id of [ada.contact.id, ada.referredContactId]) {
      await expectSameNotFound('GET', `/v1/contacts/${id}`, `/v1/contacts/${randomUUID()}`)
      await expectSameNotFound('GET', `/v1/contacts/${id}/outreach`, `/v1/contacts/${randomUUID()}/outreach`)
    }
    await expectSameNotFound('GET', `/v1/referrals/${ada.referralId}`, `/v1/referrals/${randomUUID()}`)
    await expectSameNotFound('GET', `/v1/members/${ada.id}/network`, `/v1/members/${randomUUID()}/network`)
    // Nor by asking for Ada as the student of a list or the stats.
    for (const list of ['/v1/contacts', '/v1/referrals', '/v1/outreach/stats']) {
      await expectSameNotFound('GET', `${list}?studentId=${ada.id}`, `${list}?studentId=${randomUUID()}`)
    }
    // HEAD answers alike.
    const head = await t.request({ method: 'HEAD', url: `/v1/contacts/${ada.contact.id}`, token: ben.token })
    expect(head.statusCode).toBe(404)
    expect(head.body).toBe('')
  })

  it('the other student changes, deletes and adds to none of them; nothing of either student is written', async () => {
    const adaBefore = await rowsOf(ada.id)
    const benBefore = await rowsOf(ben.id)
    for (const id of [ada.contact.id, ada.referredContactId]) {
      await expectSameNotFound('PATCH', `/v1/contacts/${id}`, `/v1/contacts/${randomUUID()}`, { fullName: 'Ben was here', email: 'ben@privacy.example', notes: 'x' })
      await expectSameNotFound('DELETE', `/v1/contacts/${id}`, `/v1/contacts/${randomUUID()}`)
      await expectSameNotFound('POST', `/v1/contacts/${id}/outreach`, `/v1/contacts/${randomUUID()}/outreach`, { channel: 'email', mutualContact: 'Ben' })
    }
    const outcome = { outcome: 'declined' }
    await expectSameNotFound('PATCH', `/v1/contacts/${ada.contact.id}/outreach/${ada.outreachId}`, `/v1/contacts/${randomUUID()}/outreach/${randomUUID()}`, outcome)
    // Ada's outreach under Ben's own contact.
    await expectSameNotFound('PATCH', `/v1/contacts/${ben.contact.id}/outreach/${ada.outreachId}`, `/v1/contacts/${ben.contact.id}/outreach/${randomUUID()}`, outcome)
    await expectSameNotFound('PATCH', `/v1/referrals/${ada.referralId}`, `/v1/referrals/${randomUUID()}`, { status: 'declined', note: 'Ben' })
    // A referral of Ben's that names Ada's contacts, as referrer or as referred.
    const referral = (referrer: object, referred: object) => ({ referrer, referred })
    for (const [foreign, missing] of [
      [referral({ contactId: ada.contact.id }, { contact: { fullName: 'New' } }), referral({ contactId: randomUUID() }, { contact: { fullName: 'New' } })],
      [referral({ name: 'Someone' }, { contactId: ada.referredContactId }), referral({ name: 'Someone' }, { contactId: randomUUID() })],
      [referral({ contactId: ben.contact.id }, { contactId: ada.contact.id }), referral({ contactId: ben.contact.id }, { contactId: randomUUID() })],
      [referral({ contactId: ada.contact.id }, { contactId: ben.contact.id }), referral({ contactId: randomUUID() }, { contactId: ben.contact.id })],
    ] as const) {
      const answers = [await t.request({ method: 'POST', url: '/v1/referrals', token: ben.token, payload: foreign }), await t.request({ method: 'POST', url: '/v1/referrals', token: ben.token, payload: missing })]
      for (const answer of answers) expect(answer.statusCode, answer.body).toBe(404)
      expect(answers[0]!.body).toBe(answers[1]!.body)
    }
    expect(await rowsOf(ada.id)).toEqual(adaBefore)
    expect(await rowsOf(ben.id)).toEqual(benBefore)
    // Ada still has everything, unchanged.
    const log = await t.request({ method: 'GET', url: `/v1/contacts/${ada.contact.id}/outreach`, token: ada.token })
    expect(log.json()).toMatchObject({ items: [{ id: ada.outreachId, outcome: 'agreed' }] })
  })

  it('lists, searches, stats and networks show each student their own records only', async () => {
    for (const student of [ada, ben]) {
      const contacts = await t.request({ method: 'GET', url: '/v1/contacts?limit=100', token: student.token })
      expect(contacts.statusCode).toBe(200)
      expect(listed(contacts)).toEqual((await idsOf('contacts', student.id)).sort())
      expect(listed(contacts)).toEqual([student.contact.id, student.referredContactId].sort())
      const self = await t.request({ method: 'GET', url: `/v1/contacts?studentId=${student.id}&limit=100`, token: student.token })
      expect(listed(self)).toEqual(listed(contacts))
      for (const sort of ['recent', 'oldest', 'name']) {
        const page = await t.request({ method: 'GET', url: `/v1/contacts?sort=${sort}&limit=1`, token: student.token })
        const next = await t.request({ method: 'GET', url: `/v1/contacts?sort=${sort}&limit=100&cursor=${(page.json() as { nextCursor: string }).nextCursor}`, token: student.token })
        expect([...listed(page), ...listed(next)].sort(), `sort=${sort}, two pages`).toEqual(listed(contacts))
      }
      const referrals = await t.request({ method: 'GET', url: '/v1/referrals?limit=100', token: student.token })
      expect(listed(referrals)).toEqual([student.referralId])

      const stats = await t.request({ method: 'GET', url: '/v1/outreach/stats', token: student.token })
      expect(stats.statusCode).toBe(200)
      expect(stats.json()).toEqual(await expectedOutreachStats(owner, [school.id], student.id))

      const network = await t.request({ method: 'GET', url: `/v1/members/${student.id}/network`, token: student.token })
      expect(network.statusCode).toBe(200)
      const body = network.json() as { studentId: string; nodes: Array<{ contactId: string }>; edges: Array<{ referralId: string }> }
      expect(body.studentId).toBe(student.id)
      expect(body.nodes.map((node) => node.contactId).sort()).toEqual([student.contact.id, student.referredContactId].sort())
      expect(body.edges.map((edge) => edge.referralId)).toEqual([student.referralId])
    }
    // The stats of one student are not the school's: the check above could tell them apart.
    expect(await expectedOutreachStats(owner, [school.id], ben.id)).not.toEqual(await expectedOutreachStats(owner, [school.id]))
    // Searching for Ada's contacts by name, organization or any filter finds none of them for Ben.
    for (const query of ['q=Ada', 'q=Knownperson', 'q=Industries', 'q=Referredperson', 'source=cold', 'source=referral', 'industry=x']) {
      const found = await t.request({ method: 'GET', url: `/v1/contacts?${query}&limit=100`, token: ben.token })
      expect(found.statusCode, query).toBe(200)
      expect(listed(found).filter((id) => [ada.contact.id, ada.referredContactId].includes(id)), query).toEqual([])
      expect(found.body).not.toContain('Ada')
    }
    const found = await t.request({ method: 'GET', url: '/v1/contacts?q=Knownperson&limit=100', token: ben.token })
    expect(listed(found)).toEqual([ben.contact.id])
  })

  it('the same email in two students\' contacts is two contacts; the conflict names the student\'s own only', async () => {
    const same = await t.request({ method: 'POST', url: '/v1/contacts', token: ben.token, payload: { fullName: 'Also known', email: ada.contact.email.toUpperCase(), source: 'personal' } })
    expect(same.statusCode, same.body).toBe(201)
    const mine = same.json() as { id: string; studentId: string; email: string }
    expect(mine).toMatchObject({ studentId: ben.id, email: ada.contact.email })
    expect(same.body).not.toContain(ada.contact.id)
    const again = await t.request({ method: 'POST', url: '/v1/contacts', token: ben.token, payload: { fullName: 'Again', email: ada.contact.email, source: 'personal' } })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ type: 'urn:vantage:problem:conflict', existingId: mine.id })
    expect(again.body).not.toContain(ada.contact.id)
    // Changing one's own contact to that email is no conflict with Ada's either.
    const moved = await t.request({ method: 'PATCH', url: `/v1/contacts/${ben.referredContactId}`, token: ben.token, payload: { email: 'free@privacy.example' } })
    expect(moved.statusCode).toBe(200)
    const clash = await t.request({ method: 'PATCH', url: `/v1/contacts/${ben.referredContactId}`, token: ben.token, payload: { email: ada.contact.email } })
    expect(clash.statusCode).toBe(409)
    expect(clash.json()).toMatchObject({ existingId: mine.id })
    expect((await t.request({ method: 'DELETE', url: `/v1/contacts/${mine.id}`, token: ben.token })).statusCode).toBe(204)
    expect((await t.request({ method: 'GET', url: `/v1/contacts/${ada.contact.id}`, token: ada.token })).json()).toMatchObject({ email: ada.contact.email })
  })

  it('advisors and school admins read every student\'s records and write none; alumni and clients see none', async () => {
    const adaBefore = await rowsOf(ada.id)
    for (const role of ['advisor', 'school_admin'] as const) {
      const token = school.members[role]!.token
      expect((await t.request({ method: 'GET', url: `/v1/contacts/${ada.contact.id}`, token })).json()).toMatchObject({ id: ada.contact.id, studentId: ada.id })
      expect((await t.request({ method: 'GET', url: `/v1/referrals/${ada.referralId}`, token })).json()).toMatchObject({ id: ada.referralId, studentId: ada.id })
      expect(listed(await t.request({ method: 'GET', url: `/v1/contacts?studentId=${ada.id}&limit=100`, token }))).toEqual([ada.contact.id, ada.referredContactId].sort())
      expect(listed(await t.request({ method: 'GET', url: '/v1/contacts?limit=100', token }))).toEqual((await idsOf('contacts')).sort())
      expect(listed(await t.request({ method: 'GET', url: `/v1/referrals?studentId=${ben.id}&limit=100`, token }))).toEqual([ben.referralId])
      expect((await t.request({ method: 'GET', url: `/v1/outreach/stats?studentId=${ada.id}`, token })).json()).toEqual(await expectedOutreachStats(owner, [school.id], ada.id))
      expect((await t.request({ method: 'GET', url: '/v1/outreach/stats', token })).json()).toEqual(await expectedOutreachStats(owner, [school.id]))
      const network = await t.request({ method: 'GET', url: `/v1/members/${ada.id}/network`, token })
      expect((network.json() as { nodes: Array<{ contactId: string }> }).nodes.map((node) => node.contactId).sort()).toEqual([ada.contact.id, ada.referredContactId].sort())
      const writes = [
        await t.request({ method: 'POST', url: '/v1/contacts', token, payload: { fullName: 'Staff', source: 'cold' } }),
        await t.request({ method: 'PATCH', url: `/v1/contacts/${ada.contact.id}`, token, payload: { notes: 'staff' } }),
        await t.request({ method: 'DELETE', url: `/v1/contacts/${ada.contact.id}`, token }),
        await t.request({ method: 'POST', url: `/v1/contacts/${ada.contact.id}/outreach`, token, payload: { channel: 'email' } }),
        await t.request({ method: 'PATCH', url: `/v1/contacts/${ada.contact.id}/outreach/${ada.outreachId}`, token, payload: { outcome: 'declined' } }),
        await t.request({ method: 'POST', url: '/v1/referrals', token, payload: { referrer: { name: 'Staff' }, referred: { contactId: ada.contact.id } } }),
        await t.request({ method: 'PATCH', url: `/v1/referrals/${ada.referralId}`, token, payload: { status: 'met' } }),
      ]
      expect(writes.map((answer) => answer.statusCode), role).toEqual([403, 403, 403, 403, 403, 403, 403])
    }
    for (const token of [school.members.alumni!.token, clientToken]) {
      for (const url of [`/v1/contacts/${ada.contact.id}`, '/v1/contacts', `/v1/contacts/${ada.contact.id}/outreach`, '/v1/referrals', `/v1/referrals/${ada.referralId}`, '/v1/outreach/stats', `/v1/members/${ada.id}/network`]) {
        const answer = await t.request({ method: 'GET', url, token })
        expect(answer.statusCode, url).toBe(403)
        expect(answer.body).not.toContain(ada.contact.fullName)
      }
    }
    expect(await rowsOf(ada.id)).toEqual(adaBefore)
  })
  const later = () => ({ startsAt: new Date(START + DAY).toISOString(), endsAt: new Date(START + DAY + 30 * 60_000).toISOString() })
  /** Every transition of a meeting and its preparation, with a body that passes validation. */
  const meetingWrites = (): Array<['POST' | 'PUT', string, object]> => [
    ['POST', '/schedule', later()],
    ['POST', '/resume-sent', { note: 'Ben was here' }],
    ['POST', '/complete', { rating: 1, askedForReferrals: false, notes: 'Ben' }],
    ['POST', '/thank-you', {}],
    ['POST', '/decline', { reason: 'Ben' }],
    ['POST', '/cancel', { reason: 'Ben' }],
    ['POST', '/no-show', {}],
    ['PUT', '/preparation', { homework: 'Ben was here', customQuestions: ['What did Ben change?'] }],
  ]
  const meetingRequest = (contactId: string) => ({ contactId, kind: 'informational_interview', purpose: 'Ben asks', mode: 'phone', proposedSlots: [later()] })

  it('the other student reads, changes, prepares and revokes none of their meetings and feeds: 404, as for ones that do not exist', async () => {
    const adaBefore = await rowsOf(ada.id)
    const benBefore = await rowsOf(ben.id)
    const meeting = `/v1/meetings/${ada.meeting.id}`
    const none = () => `/v1/meetings/${randomUUID()}`
    await expectSameNotFound('GET', meeting, none())
    await expectSameNotFound('GET', `${meeting}/calendar.ics`, `${none()}/calendar.ics`)
    await expectSameNotFound('GET', `/v1/meetings?studentId=${ada.id}`, `/v1/meetings?studentId=${randomUUID()}`)
    for (const [method, suffix, payload] of meetingWrites()) await expectSameNotFound(method, `${meeting}${suffix}`, `${none()}${suffix}`, payload)
    // A meeting of Ben's with Ada's contacts.
    for (const contactId of [ada.contact.id, ada.referredContactId]) {
      const answers = [
        await t.request({ method: 'POST', url: '/v1/meetings', token: ben.token, payload: meetingRequest(contactId) }),
        await t.request({ method: 'POST', url: '/v1/meetings', token: ben.token, payload: meetingRequest(randomUUID()) }),
      ]
      for (const answer of answers) expect(answer.statusCode, answer.body).toBe(404)
      expect(answers[0]!.body).toBe(answers[1]!.body)
    }
    // Ada's calendar feed is not Ben's to revoke.
    await expectSameNotFound('DELETE', `/v1/calendar-feeds/${ada.feed.id}`, `/v1/calendar-feeds/${randomUUID()}`)
    expect(await rowsOf(ada.id)).toEqual(adaBefore)
    expect(await rowsOf(ben.id)).toEqual(benBefore)
    // Ada still has her meeting as she prepared it, its calendar entry and her feed.
    const mine = await t.request({ method: 'GET', url: meeting, token: ada.token })
    expect(mine.json()).toMatchObject({ status: 'scheduled', homework: ada.meeting.homework, purpose: ada.meeting.purpose, startsAt: ada.meeting.startsAt })
    expect((mine.json() as { questions: Array<{ text: string }> }).questions.map((question) => question.text)).toContain(ada.meeting.customQuestion)
    expect(calendarUids((await t.request({ method: 'GET', url: `${meeting}/calendar.ics`, token: ada.token })).body)).toEqual([`${ada.meeting.id}@vantage`])
    expect((await t.request({ method: 'GET', url: ada.feed.path })).statusCode).toBe(200)
  })

  it('lists, calendar entries and feeds show each student their own meetings only; the same window is no clash between students', async () => {
    for (const [student, other] of [[ada, ben], [ben, ada]] as const) {
      const own = await idsOf('meetings', student.id)
      expect(own).toContain(student.meeting.id)
      for (const query of ['limit=100', 'status=scheduled&limit=100', `from=${encodeURIComponent(WINDOW.startsAt)}&to=${encodeURIComponent(WINDOW.endsAt)}&limit=100`]) {
        const list = await t.request({ method: 'GET', url: `/v1/meetings?${query}`, token: student.token })
        expect(list.statusCode, query).toBe(200)
        expect(listed(list), query).toEqual(own)
      }
      const self = await t.request({ method: 'GET', url: `/v1/meetings?studentId=${student.id}&limit=100`, token: student.token })
      expect(listed(self)).toEqual(own)
      // The other student's contact (who has a meeting, with the other student) filters to nothing.
      const byContact = await t.request({ method: 'GET', url: `/v1/meetings?contactId=${other.contact.id}`, token: student.token })
      expect(listed(byContact)).toEqual([])
      const feeds = await t.request({ method: 'GET', url: '/v1/calendar-feeds', token: student.token })
      expect(listed(feeds)).toEqual([student.feed.id])
      const feed = await t.request({ method: 'GET', url: student.feed.path })
      expect(feed.statusCode).toBe(200)
      expect(calendarUids(feed.body)).toEqual([`${student.meeting.id}@vantage`])
      expect(unfoldCalendar(feed.body)).toContain(student.meeting.purpose)
      expect(unfoldCalendar(feed.body)).not.toContain(other.meeting.purpose)
      expect(unfoldCalendar(feed.body)).not.toContain(other.contact.fullName)
    }
    // Both booked the same window; a second meeting of Ben's there clashes with Ben's own only.
    expect([ada.meeting.startsAt, ada.meeting.endsAt]).toEqual([ben.meeting.startsAt, ben.meeting.endsAt])
    const second = await t.request({ method: 'POST', url: '/v1/meetings', token: ben.token, payload: meetingRequest(ben.referredContactId) })
    expect(second.statusCode, second.body).toBe(201)
    const url = `/v1/meetings/${(second.json() as { id: string }).id}`
    const clash = await t.request({ method: 'POST', url: `${url}/schedule`, token: ben.token, payload: WINDOW })
    expect(clash.statusCode).toBe(409)
    expect(clash.json()).toMatchObject({ type: 'urn:vantage:problem:conflict', overlappingMeetingId: ben.meeting.id })
    for (const secret of adaSecrets()) expect(clash.body).not.toContain(secret)
    expect((await t.request({ method: 'POST', url: `${url}/cancel`, token: ben.token, payload: { reason: 'clash' } })).statusCode).toBe(200)
  })

  it('advisors and school admins read every student\'s meetings and change none; alumni and clients see none; a feed is its owner\'s alone', async () => {
    const adaBefore = await rowsOf(ada.id)
    const meeting = `/v1/meetings/${ada.meeting.id}`
    for (const role of ['advisor', 'school_admin'] as const) {
      const token = school.members[role]!.token
      expect((await t.request({ method: 'GET', url: meeting, token })).json()).toMatchObject({ id: ada.meeting.id, studentId: ada.id, homework: ada.meeting.homework })
      expect(calendarUids((await t.request({ method: 'GET', url: `${meeting}/calendar.ics`, token })).body)).toEqual([`${ada.meeting.id}@vantage`])
      expect(listed(await t.request({ method: 'GET', url: `/v1/meetings?studentId=${ada.id}&limit=100`, token }))).toEqual(await idsOf('meetings', ada.id))
      expect(listed(await t.request({ method: 'GET', url: `/v1/meetings?studentId=${ben.id}&limit=100`, token }))).toEqual(await idsOf('meetings', ben.id))
      expect(listed(await t.request({ method: 'GET', url: '/v1/meetings?limit=100', token }))).toEqual(await idsOf('meetings'))
      const writes = [await t.request({ method: 'POST', url: '/v1/meetings', token, payload: meetingRequest(ada.contact.id) })]
      for (const [method, suffix, payload] of meetingWrites()) writes.push(await t.request({ method, url: `${meeting}${suffix}`, token, payload }))
      expect(writes.map((answer) => answer.statusCode), role).toEqual(writes.map(() => 403))
      // Staff feeds are their own: Ada's is not among them, nor theirs to revoke.
      const created = await t.request({ method: 'POST', url: '/v1/calendar-feeds', token })
      expect(created.statusCode).toBe(201)
      expect(listed(await t.request({ method: 'GET', url: '/v1/calendar-feeds', token }))).toEqual([(created.json() as { id: string }).id])
      await expectSameNotFoundAs(token, 'DELETE', `/v1/calendar-feeds/${ada.feed.id}`, `/v1/calendar-feeds/${randomUUID()}`)
      // A staff member's feed holds no student's meetings.
      expect(calendarUids((await t.request({ method: 'GET', url: new URL((created.json() as { url: string }).url).pathname })).body)).toEqual([])
    }
    for (const token of [school.members.alumni!.token, clientToken]) {
      for (const url of [meeting, `${meeting}/calendar.ics`, '/v1/meetings', `/v1/meetings?studentId=${ada.id}`]) {
        const answer = await t.request({ method: 'GET', url, token })
        expect(answer.statusCode, url).toBe(403)
        expect(answer.body).not.toContain(ada.meeting.purpose)
      }
      expect((await t.request({ method: 'POST', url: `${meeting}/cancel`, token, payload: {} })).statusCode).toBe(403)
    }
    // An alumnus has feeds of their own (of no meetings); a client has none.
    expect(listed(await t.request({ method: 'GET', url: '/v1/calendar-feeds', token: school.members.alumni!.token }))).toEqual([])
    expect((await t.request({ method: 'DELETE', url: `/v1/calendar-feeds/${ada.feed.id}`, token: school.members.alumni!.token })).statusCode).toBe(404)
    expect((await t.request({ method: 'GET', url: '/v1/calendar-feeds', token: clientToken })).statusCode).toBe(403)
    expect((await t.request({ method: 'DELETE', url: `/v1/calendar-feeds/${ada.feed.id}`, token: clientToken })).statusCode).toBe(403)
    expect(await rowsOf(ada.id)).toEqual(adaBefore)
    expect((await t.request({ method: 'GET', url: ada.feed.path })).statusCode).toBe(200)
  })
})
