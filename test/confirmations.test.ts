// Signed one-click confirmation links: after a meeting's end the student and the host each answer
// through a link (no sign-in) that it happened or that the other did not come; the answer moves a
// scheduled meeting to completed or no_show and feeds each person's reliability.
import { decodeProtectedHeader } from 'jose'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONFIRMATION_LINK_TYPE } from '../src/infra/auth/authenticator.js'
import { CONFIRMATION_AUDIENCE } from '../src/modules/confirmations/service.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { HOUR, DAY } from './helpers/time.js'


describe('meeting confirmation links', () => {
  let t: TestApp
  let school: TestSchool
  let other: TestSchool
  let owner: pg.Client
  let contactId = ''
  let classmate = { id: '', token: '' }

  beforeAll(async () => {
    t = await build({ PUBLIC_URL: 'https://vantage.example.edu' })
    school = await t.school('confirm-u')
    other = await t.school('confirm-v', ['student', 'school_admin'])
    owner = await ownerConnection(t)
    // The student's contact is the school's alumnus, who hosts these meetings (meeting() adds the
    // accepted host request that makes them the host).
    const { rows: [contact] } = await owner.query(
      `INSERT INTO contacts (school_id, id, student_id, full_name, organization, source, alumni_member_id, updated_at)
       VALUES ($1, uuid_generate_v7(), $2, 'Alum Host', 'Initech', 'alumni_network', $3, now()) RETURNING id::text`,
      [school.id, school.members.student!.id, school.members.alumni!.id])
    contactId = contact.id
    const put = await t.request({ method: 'PUT', url: '/v1/members/confirm-classmate', token: school.members.school_admin!.token, payload: { roles: ['student'] } })
    classmate = { id: put.json().id, token: await t.memberToken(school.id, 'confirm-classmate') }
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  let made = 0
  /**
   * A meeting of the student that ended at least `hoursAgo` hours ago (negative: still that far ahead),
   * in the given status; each one an hour further from now than the last, as a student's meetings do not overlap.
   */
  async function meeting(hoursAgo: number, status = 'scheduled', studentId = school.members.student!.id, host: string | null = school.members.alumni!.id): Promise<string> {
    const end = Date.now() - hoursAgo * HOUR - (hoursAgo >= 0 ? 1 : -1) * ++made * HOUR
    const { rows: [row] } = await owner.query(
      `INSERT INTO meetings (school_id, id, student_id, contact_id, kind, status, purpose, mode, proposed_slots, starts_at, ends_at, thank_you_due_at, updated_at)
       VALUES ($1, uuid_generate_v7(), $2, $3, 'informational_interview', $4::meeting_status, 'Learn', 'phone', '[]', $5, $6, $7, now()) RETURNING id::text`,
      [school.id, studentId, contactId, status, new Date(end - 30 * 60_000), new Date(end), new Date(end + DAY)])
    if (host) {
      await owner.query(
        `INSERT INTO host_requests (school_id, id, group_id, student_id, host_id, meeting_id, status, expires_at, responded_at, updated_at)
         VALUES ($1, uuid_generate_v7(), uuid_generate_v7(), $2, $3, $4, 'accepted', $5, $5, now())`,
        [school.id, studentId, host, row.id, new Date(end - 2 * DAY)])
    }
    return row.id
  }

  const links = (meetingId: string, token = school.members.student!.token) => t.request({ method: 'GET', url: `/v1/meetings/${meetingId}/confirmation-links`, token })
  const tokenOf = (link: string) => new URL(link).searchParams.get('link')!
  const read = (token: string) => t.request({ method: 'GET', url: `/v1/confirmations?link=${token}` })
  const say = (token: string, outcome: string) => t.request({ method: 'POST', url: `/v1/confirmations?link=${token}`, payload: { outcome } })
  const status = async (id: string) => (await owner.query(`SELECT status::text AS status, closed_reason AS "closedReason", completed_at IS NOT NULL AS completed FROM meetings WHERE id = $1`, [id])).rows[0]

  it('gives the links once the meeting has ended: the student and the host their own, advisors and admins both', async () => {
    const id = await meeting(1)
    const own = await links(id)
    expect(own.statusCode).toBe(200)
    expect(own.json()).toMatchObject({ meetingId: id, student: expect.stringMatching(/^https:\/\/vantage\.example\.edu\/v1\/confirmations\?link=/), host: null })
    expect(Date.parse(own.json().expiresAt) - Date.now()).toBeGreaterThan(13.9 * DAY)
    for (const role of ['advisor', 'school_admin']) {
      const staff = await links(id, school.members[role]!.token)
      expect(staff.json()).toMatchObject({ student: expect.any(String), host: expect.any(String) })
    }
    // Not yet ended, long ended, another student's, another school's.
    expect((await links(await meeting(-2))).statusCode).toBe(409)
    expect((await links(await meeting(15 * 24))).statusCode).toBe(409)
    expect((await links(id, classmate.token)).statusCode).toBe(404)
    expect((await links(id, other.members.school_admin!.token)).statusCode).toBe(404)
    // The host, the alumnus whose host request was accepted, gets their own; another alumnus nothing.
    const host = await links(id, school.members.alumni!.token)
    expect(host.statusCode, host.body).toBe(200)
    expect(host.json()).toMatchObject({ meetingId: id, student: null, host: expect.stringMatching(/^https:\/\/vantage\.example\.edu\/v1\/confirmations\?link=/) })
    const hostLink = new URL(host.json().host).searchParams.get('link')!
    expect((await t.request({ method: 'GET', url: `/v1/confirmations?link=${hostLink}` })).json()).toMatchObject({ party: 'host' })
    const added = await t.request({ method: 'PUT', url: '/v1/members/alum-not-host', token: school.members.school_admin!.token, payload: { roles: ['alumni'] } })
    expect(added.statusCode).toBe(201)
    expect((await links(id, await t.memberToken(school.id, 'alum-not-host'))).statusCode).toBe(404)
  })

  it('the student says it happened: the meeting is completed; the same answer again changes nothing, another is a 409', async () => {
    const id = await meeting(1)
    const token = tokenOf((await links(id)).json().student)
    const before = await read(token)
    expect(before.json()).toEqual({
      meeting: { id, kind: 'informational_interview', status: 'scheduled', startsAt: expect.any(String), endsAt: expect.any(String) },
      party: 'student',
      outcome: null,
      answeredAt: null,
      choices: ['happened', 'no_show'],
    })
    const answered = await say(token, 'happened')
    expect(answered.statusCode).toBe(200)
    expect(answered.json()).toMatchObject({ party: 'student', outcome: 'happened', meeting: { status: 'completed' } })
    expect(await status(id)).toEqual({ status: 'completed', closedReason: null, completed: true })
    expect((await say(token, 'happened')).statusCode).toBe(200)
    const changed = await say(token, 'no_show')
    expect(changed.statusCode).toBe(409)
    expect(changed.json().outcome).toBe('happened')
    expect(await status(id)).toEqual({ status: 'completed', closedReason: null, completed: true })
  })

  it('the host reports that the student did not come: no_show, with the reason; a form post works as well as JSON', async () => {
    const id = await meeting(2)
    const token = tokenOf((await links(id, school.members.advisor!.token)).json().host)
    const answered = await t.request({
      method: 'POST',
      url: `/v1/confirmations?link=${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'outcome=no_show',
    })
    expect(answered.statusCode, answered.body).toBe(200)
    expect(await status(id)).toEqual({ status: 'no_show', closedReason: 'Reported through the host\'s confirmation link: the student did not come', completed: false })
  })

  it('feeds reliability: as a student from the hosts\' answers, as a host from the students\'', async () => {
    const student = school.members.student!.id
    const alumnus = school.members.alumni!.id
    const before = (await t.request({ method: 'GET', url: `/v1/members/${student}/reliability`, token: school.members.advisor!.token })).json()
    // Two more meetings: the host confirms one and reports the student absent from the other; the student reports the host absent from a third.
    const [first, second, third] = [await meeting(3), await meeting(4), await meeting(5)]
    const hostLink = async (id: string) => tokenOf((await links(id, school.members.advisor!.token)).json().host)
    expect((await say(await hostLink(first), 'happened')).statusCode).toBe(200)
    expect((await say(await hostLink(second), 'no_show')).statusCode).toBe(200)
    expect((await say(tokenOf((await links(third)).json().student), 'no_show')).statusCode).toBe(200)
    const after = await t.request({ method: 'GET', url: `/v1/members/${student}/reliability`, token: school.members.advisor!.token })
    expect(after.json().asStudent).toEqual({
      confirmed: before.asStudent.confirmed + 1,
      noShows: before.asStudent.noShows + 1,
      reliability: (before.asStudent.confirmed + 1) / (before.asStudent.confirmed + before.asStudent.noShows + 2),
    })
    const host = await t.request({ method: 'GET', url: `/v1/members/${alumnus}/reliability`, token: school.members.alumni!.token })
    expect(host.statusCode).toBe(200)
    expect(host.json().asHost.noShows).toBeGreaterThanOrEqual(1)
    expect(host.json().asStudent).toEqual({ confirmed: 0, noShows: 0, reliability: null })
    // Another student, and another school, may not read it.
    expect((await t.request({ method: 'GET', url: `/v1/members/${student}/reliability`, token: classmate.token })).statusCode).toBe(404)
    expect((await t.request({ method: 'GET', url: `/v1/members/${student}/reliability`, token: other.members.school_admin!.token })).statusCode).toBe(404)
  })

  it('an alumnus a student\'s contact merely names is not the host: no link for them, and the student\'s answers leave their reliability alone', async () => {
    const alumnus = school.members.alumni!.id
    const reliability = async () => (await t.request({ method: 'GET', url: `/v1/members/${alumnus}/reliability`, token: school.members.advisor!.token })).json()
    const before = await reliability()
    // The contact names the alumnus (the student set that), but no host request of theirs was accepted.
    for (const requestStatus of [null, 'declined']) {
      const id = await meeting(1, 'scheduled', school.members.student!.id, null)
      if (requestStatus) {
        await owner.query(`INSERT INTO host_requests (school_id, id, group_id, student_id, host_id, meeting_id, status, expires_at, updated_at)
          VALUES ($1, uuid_generate_v7(), uuid_generate_v7(), $2, $3, $4, $5::host_request_status, now(), now())`, [school.id, school.members.student!.id, alumnus, id, requestStatus])
      }
      expect((await links(id, school.members.alumni!.token)).statusCode).toBe(404)
      const studentLink = tokenOf((await links(id)).json().student)
      expect((await say(studentLink, 'no_show')).statusCode).toBe(200)
    }
    expect(await reliability()).toEqual(before)
  })

  it('a link is all or nothing: tampered, expired, for another purpose, or used as a bearer token', async () => {
    const id = await meeting(1)
    const token = tokenOf((await links(id)).json().student)
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, party: 'host' })).toString('base64url')}.${signature}`
    for (const bad of [forged, `${header}.${payload}.${signature.slice(0, -4)}AAAA`]) {
      const response = await read(bad)
      expect(response.statusCode).toBe(404)
      expect(response.json().detail).toBe('No such confirmation link')
      expect((await say(bad, 'no_show')).statusCode).toBe(404)
    }
    const linkClaims = { token_use: 'meeting_confirmation', school: school.id, party: 'student' }
    const linkOptions = { issuer: t.config.auth.issuer, audience: CONFIRMATION_AUDIENCE, subject: id, ttlSeconds: 600 }
    // A link carries a type of its own: the same claims typed as an access token are no link.
    expect(decodeProtectedHeader(token).typ).toBe(CONFIRMATION_LINK_TYPE)
    expect((await read(await t.keys.sign(linkClaims, linkOptions))).statusCode).toBe(404)
    expect((await read(await t.keys.sign(linkClaims, { ...linkOptions, typ: CONFIRMATION_LINK_TYPE }))).statusCode).toBe(200)
    const short = await t.keys.sign(linkClaims, { ...linkOptions, ttlSeconds: 1, typ: CONFIRMATION_LINK_TYPE })
    await new Promise((resolve) => setTimeout(resolve, 2100))
    expect((await read(short)).json().detail).toBe('This confirmation link has expired')
    // A member's API token is not a confirmation link, and a link is not an API token.
    expect((await read(school.members.student!.token)).statusCode).toBe(404)
    const asBearer = await t.request({ method: 'GET', url: '/v1/me', token })
    expect(asBearer.statusCode).toBe(401)
    expect(asBearer.json().type).toBe('urn:vantage:problem:token-type-invalid')
    expect(await status(id)).toMatchObject({ status: 'scheduled' })
  })
})
