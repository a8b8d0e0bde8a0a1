import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { addContact, addMember } from './factories/index.js'
import { ownerConnection } from './helpers/owner.js'
import { HOUR, DAY } from './helpers/time.js'
import { ABSENT_ID, expectProblem, forbiddenBody, JSON_TYPE, notFoundBody, PROBLEM_JSON, UUID } from './helpers/problems.js'


const invalidBody = (detail: string, instance: string, field: string, message: string) => ({
  type: 'urn:vantage:problem:validation-failed',
  title: 'The request is not valid',
  status: 400,
  detail,
  instance,
  errors: [{ field, message }],
})


const ago = (ms: number) => new Date(Date.now() - ms).toISOString()

describe('outreach', () => {
  let t: TestApp
  let school: TestSchool
  let owner: pg.Client
  let student: { id: string; token: string }
  let other: { id: string; token: string }

  const addStudent = (target: TestSchool, externalId: string) => addMember(t, target, externalId)
  const contact = async (token: string, source: string, fullName = `${source} contact`) => (await addContact(t, token, { fullName, source })).id

  async function log(token: string, contactId: string, payload: Record<string, unknown>) {
    const response = await t.request({ method: 'POST', url: `/v1/contacts/${contactId}/outreach`, token, payload })
    expect(response.statusCode, response.body).toBe(201)
    return response.json() as { id: string; sentAt: string; outcome: string; outcomeAt: string | null; [field: string]: unknown }
  }

  async function outreachRows(contactId: string) {
    const { rows } = await owner.query(
      `SELECT channel::text, sent_at, mutual_contact, outcome::text, outcome_at FROM outreach WHERE school_id = $1 AND contact_id = $2 ORDER BY sent_at`,
      [school.id, contactId],
    )
    return rows as Array<{ channel: string; sent_at: Date; mutual_contact: string | null; outcome: string; outcome_at: Date | null }>
  }

  beforeAll(async () => {
    t = await build()
    school = await t.school('outreach-u')
    owner = await ownerConnection(t)
    student = school.members.student!
    other = await addStudent(school, 'S-other')
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  describe('POST /v1/contacts/{contactId}/outreach', () => {
    it('logs an attempt (201), sent now unless told otherwise, with no outcome yet', async () => {
      const contactId = await contact(student.token, 'personal')
      const before = Date.now()
      const response = await t.request({ method: 'POST', url: `/v1/contacts/${contactId}/outreach`, token: student.token, payload: { channel: 'email', message: 'Hello!' } })
      const after = Date.now()
      expect(response.statusCode).toBe(201)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      const attempt = response.json()
      expect(attempt).toEqual({
        id: expect.stringMatching(UUID),
        contactId,
        studentId: student.id,
        channel: 'email',
        sentAt: expect.any(String),
        message: 'Hello!',
        mutualContact: null,
        outcome: 'no_reply',
        referralId: null,
        outcomeAt: null,
        warnings: [],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      })
      const sentAt = Date.parse(attempt.sentAt)
      expect(sentAt).toBeGreaterThanOrEqual(before - 1)
      expect(sentAt).toBeLessThanOrEqual(after + 1)

      const sentEarlier = ago(3 * DAY)
      const earlier = await log(student.token, contactId, { channel: 'linkedin', sentAt: sentEarlier })
      expect(earlier).toMatchObject({ sentAt: sentEarlier, message: null, outcome: 'no_reply', outcomeAt: null })

      expect((await outreachRows(contactId)).map((row) => [row.channel, row.sent_at.toISOString()])).toEqual([
        ['linkedin', sentEarlier],
        ['email', attempt.sentAt],
      ])
    })

    it('accepts a message that asks for a job, with the guide\'s warning', async () => {
      const contactId = await contact(student.token, 'personal', 'Warned contact')
      expect((await log(student.token, contactId, { channel: 'email', message: 'Could I learn about your path in nursing?' })).warnings).toEqual([])
      const asking = await log(student.token, contactId, { channel: 'linkedin', message: 'Are there any openings on your team?' })
      expect(asking.warnings).toEqual([{ code: 'job-ask', field: 'message', message: expect.stringContaining('seeking information only, not a job') }])
    })

    it('links a named mutual contact to the referral it stands for', async () => {
      const bob = await contact(student.token, 'personal', 'Bob Contact')
      const referred = await contact(student.token, 'referral', 'Referred Rita')
      const refer = async (referrer: Record<string, unknown>) => {
        const response = await t.request({ method: 'POST', url: '/v1/referrals', token: student.token, payload: { referrer, referred: { contactId: referred } } })
        expect(response.statusCode, response.body).toBe(201)
        return response.json().id as string
      }
      await refer({ name: 'Ann from the fair' })
      const byBob = await refer({ contactId: bob })
      expect((await log(student.token, referred, { channel: 'email', mutualContact: 'bob contact' })).referralId).toBe(byBob)
      // Two referrals and a name that is neither: no link.
      expect((await log(student.token, referred, { channel: 'email', mutualContact: 'Someone else' })).referralId).toBeNull()
      expect((await log(student.token, referred, { channel: 'email' })).referralId).toBeNull()
    })

    it('refuses an attempt sent in the future (400) beyond a few minutes of clock skew', async () => {
      const contactId = await contact(student.token, 'cold')
      const url = `/v1/contacts/${contactId}/outreach`
      const future = await t.request({ method: 'POST', url, token: student.token, payload: { channel: 'email', sentAt: new Date(Date.now() + HOUR).toISOString() } })
      expectProblem(future, 400, invalidBody('sentAt is in the future', url, 'body.sentAt', 'must not be in the future'))
      expect(await outreachRows(contactId)).toEqual([])

      const skewed = await t.request({ method: 'POST', url, token: student.token, payload: { channel: 'email', sentAt: new Date(Date.now() + 60_000).toISOString() } })
      expect(skewed.statusCode).toBe(201)
    })

    it('rejects an unknown channel, a malformed sentAt and unknown properties (400)', async () => {
      const contactId = await contact(student.token, 'cold')
      const url = `/v1/contacts/${contactId}/outreach`
      for (const [payload, field] of [
        [{ channel: 'pigeon' }, 'body.channel'],
        [{ channel: 'email', sentAt: 'yesterday' }, 'body.sentAt'],
        [{ channel: 'email', outcome: 'ghosted' }, 'body.outcome'],
        [{ channel: 'email', cc: 'x' }, 'body.cc'],
        [{}, 'body.channel'],
      ] as const) {
        const response = await t.request({ method: 'POST', url, token: student.token, payload })
        expect(response.statusCode, JSON.stringify(payload)).toBe(400)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json().errors, JSON.stringify(payload)).toEqual([{ field, message: expect.any(String) }])
      }
      expect(await outreachRows(contactId)).toEqual([])
    })

    it('the first attempt to a referred contact names the mutual contact; later ones need not', async () => {
      const contactId = await contact(student.token, 'referral', 'Referred Person')
      const url = `/v1/contacts/${contactId}/outreach`
      const without = await t.request({ method: 'POST', url, token: student.token, payload: { channel: 'email' } })
      expectProblem(
        without,
        400,
        invalidBody(
          'The first outreach to a referred contact names the mutual contact who referred you',
          url,
          'body.mutualContact',
          'is required on the first outreach to a referral-sourced contact',
        ),
      )
      expect(await outreachRows(contactId)).toEqual([])

      const first = await log(student.token, contactId, { channel: 'introduction', mutualContact: 'Dorothy Vaughan', sentAt: ago(2 * DAY) })
      expect(first.mutualContact).toBe('Dorothy Vaughan')
      const second = await log(student.token, contactId, { channel: 'email' })
      expect(second.mutualContact).toBeNull()
      expect((await outreachRows(contactId)).map((row) => row.mutual_contact)).toEqual(['Dorothy Vaughan', null])

      // Contacts known otherwise need no mutual contact, even the first time.
      const personal = await contact(student.token, 'personal')
      expect((await log(student.token, personal, { channel: 'phone' })).mutualContact).toBeNull()
    })

    it('an outcome given when logging is dated now', async () => {
      const contactId = await contact(student.token, 'organization')
      const before = Date.now()
      const agreed = await log(student.token, contactId, { channel: 'organization', sentAt: ago(DAY), outcome: 'agreed' })
      expect(agreed.outcome).toBe('agreed')
      expect(Date.parse(agreed.outcomeAt!)).toBeGreaterThanOrEqual(before - 1)
      expect(Date.parse(agreed.outcomeAt!)).toBeLessThanOrEqual(Date.now() + 1)
    })
  })

  describe('PATCH /v1/contacts/{contactId}/outreach/{outreachId}: recording the outcome', () => {
    it('sets the outcome and when it came (now, or as given); no_reply clears it', async () => {
      const contactId = await contact(student.token, 'cold')
      const attempt = await log(student.token, contactId, { channel: 'email', sentAt: ago(5 * DAY) })
      const url = `/v1/contacts/${contactId}/outreach/${attempt.id}`

      const before = Date.now()
      const replied = await t.request({ method: 'PATCH', url, token: student.token, payload: { outcome: 'replied' } })
      expect(replied.statusCode).toBe(200)
      expect(replied.headers['content-type']).toBe(JSON_TYPE)
      expect(replied.json()).toEqual({ ...attempt, outcome: 'replied', outcomeAt: expect.any(String), updatedAt: expect.any(String) })
      expect(Date.parse(replied.json().outcomeAt)).toBeGreaterThanOrEqual(before - 1)
      expect(Date.parse(replied.json().outcomeAt)).toBeLessThanOrEqual(Date.now() + 1)

      const answeredAt = ago(4 * DAY)
      const agreed = await t.request({ method: 'PATCH', url, token: student.token, payload: { outcome: 'agreed', outcomeAt: answeredAt } })
      expect(agreed.statusCode).toBe(200)
      expect(agreed.json()).toMatchObject({ outcome: 'agreed', outcomeAt: answeredAt, sentAt: attempt.sentAt })
      expect((await outreachRows(contactId))[0]).toMatchObject({ outcome: 'agreed', outcome_at: new Date(answeredAt) })

      const reset = await t.request({ method: 'PATCH', url, token: student.token, payload: { outcome: 'no_reply', outcomeAt: answeredAt } })
      expect(reset.statusCode).toBe(200)
      expect(reset.json()).toMatchObject({ outcome: 'no_reply', outcomeAt: null })
      expect((await outreachRows(contactId))[0]).toMatchObject({ outcome: 'no_reply', outcome_at: null })
    })

    it('refuses an answer before the attempt was sent, or in the future (400), and keeps the row', async () => {
      const contactId = await contact(student.token, 'cold')
      const attempt = await log(student.token, contactId, { channel: 'email', sentAt: ago(2 * DAY) })
      const url = `/v1/contacts/${contactId}/outreach/${attempt.id}`
      const before = await t.request({ method: 'PATCH', url, token: student.token, payload: { outcome: 'declined', outcomeAt: ago(3 * DAY) } })
      expectProblem(before, 400, invalidBody('The answer cannot come before the outreach was sent', url, 'body.outcomeAt', 'must not be before sentAt'))
      const future = await t.request({ method: 'PATCH', url, token: student.token, payload: { outcome: 'declined', outcomeAt: new Date(Date.now() + DAY).toISOString() } })
      expectProblem(future, 400, invalidBody('outcomeAt is in the future', url, 'body.outcomeAt', 'must not be in the future'))
      const unknown = await t.request({ method: 'PATCH', url, token: student.token, payload: { outcome: 'maybe' } })
      expect(unknown.statusCode).toBe(400)
      expect(unknown.json().errors).toEqual([{ field: 'body.outcome', message: expect.any(String) }])
      expect(await outreachRows(contactId)).toEqual([expect.objectContaining({ outcome: 'no_reply', outcome_at: null })])
    })

    it('an attempt of another contact, or none, is 404', async () => {
      const contactId = await contact(student.token, 'cold')
      const otherContact = await contact(student.token, 'personal')
      const attempt = await log(student.token, otherContact, { channel: 'email' })
      for (const outreachId of [attempt.id, ABSENT_ID]) {
        const url = `/v1/contacts/${contactId}/outreach/${outreachId}`
        expectProblem(await t.request({ method: 'PATCH', url, token: student.token, payload: { outcome: 'replied' } }), 404, notFoundBody('outreach', url))
      }
      expect((await outreachRows(otherContact))[0]).toMatchObject({ outcome: 'no_reply' })
    })
  })

  describe('GET /v1/contacts/{contactId}/outreach', () => {
    it('lists a contact\'s attempts oldest first', async () => {
      const contactId = await contact(student.token, 'personal')
      const middle = await log(student.token, contactId, { channel: 'email', sentAt: ago(2 * DAY) })
      const newest = await log(student.token, contactId, { channel: 'phone', sentAt: ago(HOUR) })
      const oldest = await log(student.token, contactId, { channel: 'linkedin', sentAt: ago(9 * DAY) })
      const response = await t.request({ method: 'GET', url: `/v1/contacts/${contactId}/outreach`, token: student.token })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      expect(response.json()).toEqual({ items: [oldest, middle, newest] })
    })

    it('another student\'s contact is 404 for listing, logging and recording, and nothing is written', async () => {
      const contactId = await contact(student.token, 'personal')
      const attempt = await log(student.token, contactId, { channel: 'email' })
      const url = `/v1/contacts/${contactId}/outreach`
      expectProblem(await t.request({ method: 'GET', url, token: other.token }), 404, notFoundBody('contact', url))
      expectProblem(await t.request({ method: 'POST', url, token: other.token, payload: { channel: 'email' } }), 404, notFoundBody('contact', url))
      expectProblem(
        await t.request({ method: 'PATCH', url: `${url}/${attempt.id}`, token: other.token, payload: { outcome: 'agreed' } }),
        404,
        notFoundBody('contact', `${url}/${attempt.id}`),
      )
      expect(await outreachRows(contactId)).toEqual([expect.objectContaining({ channel: 'email', outcome: 'no_reply' })])
    })

    it('advisors and school admins list any student\'s attempts but may not log or record them (403); alumni may do neither', async () => {
      const contactId = await contact(student.token, 'personal')
      const attempt = await log(student.token, contactId, { channel: 'email' })
      const url = `/v1/contacts/${contactId}/outreach`
      for (const token of [school.members.advisor!.token, school.members.school_admin!.token]) {
        const listed = await t.request({ method: 'GET', url, token })
        expect(listed.statusCode).toBe(200)
        expect(listed.json()).toEqual({ items: [attempt] })
        expectProblem(await t.request({ method: 'POST', url, token, payload: { channel: 'email' } }), 403, forbiddenBody(url))
        expectProblem(await t.request({ method: 'PATCH', url: `${url}/${attempt.id}`, token, payload: { outcome: 'agreed' } }), 403, forbiddenBody(`${url}/${attempt.id}`))
      }
      const alumni = school.members.alumni!.token
      expectProblem(await t.request({ method: 'GET', url, token: alumni }), 403, forbiddenBody(url))
      expectProblem(await t.request({ method: 'POST', url, token: alumni, payload: { channel: 'email' } }), 403, forbiddenBody(url))
      expect(await outreachRows(contactId)).toHaveLength(1)
    })
  })

  describe('GET /v1/outreach/stats', () => {
    const SOURCES = ['personal', 'referral', 'organization', 'alumni_network', 'cold'] as const
    const CHANNELS = ['email', 'linkedin', 'phone', 'introduction', 'organization'] as const
    const ANSWERED = new Set(['replied', 'declined', 'agreed'])
    type Attempt = { student: 'first' | 'second'; source: (typeof SOURCES)[number]; channel: (typeof CHANNELS)[number]; outcome: string; id?: string; contactId?: string }

    let statsSchool: TestSchool
    let students: Record<'first' | 'second' | 'idle', { id: string; token: string }>
    // Several sources and channels, every outcome; 'cold' has no attempts from the second student and
    // no one uses the 'organization' channel.
    const attempts: Attempt[] = [
      { student: 'first', source: 'personal', channel: 'email', outcome: 'replied' },
      { student: 'first', source: 'personal', channel: 'email', outcome: 'no_reply' },
      { student: 'first', source: 'personal', channel: 'phone', outcome: 'agreed' },
      { student: 'first', source: 'referral', channel: 'introduction', outcome: 'agreed' },
      { student: 'first', source: 'referral', channel: 'email', outcome: 'declined' },
      { student: 'first', source: 'cold', channel: 'linkedin', outcome: 'no_reply' },
      { student: 'first', source: 'cold', channel: 'linkedin', outcome: 'no_reply' },
      { student: 'first', source: 'cold', channel: 'email', outcome: 'replied' },
      { student: 'first', source: 'alumni_network', channel: 'linkedin', outcome: 'agreed' },
      { student: 'second', source: 'organization', channel: 'email', outcome: 'no_reply' },
      { student: 'second', source: 'organization', channel: 'phone', outcome: 'declined' },
      { student: 'second', source: 'alumni_network', channel: 'email', outcome: 'replied' },
      { student: 'second', source: 'referral', channel: 'introduction', outcome: 'no_reply' },
      { student: 'second', source: 'personal', channel: 'linkedin', outcome: 'agreed' },
    ]

    /** The stats computed here, independently of the service, from the attempts this test logged. */
    function expected(subset: Attempt[]) {
      const rate = (group: Attempt[]) => {
        const replies = group.filter((attempt) => ANSWERED.has(attempt.outcome)).length
        return {
          attempts: group.length,
          replies,
          agreed: group.filter((attempt) => attempt.outcome === 'agreed').length,
          replyRate: group.length === 0 ? null : replies / group.length,
        }
      }
      return {
        overall: rate(subset),
        bySource: SOURCES.map((source) => ({ source, ...rate(subset.filter((attempt) => attempt.source === source)) })),
        byChannel: CHANNELS.map((channel) => ({ channel, ...rate(subset.filter((attempt) => attempt.channel === channel)) })),
      }
    }
    const of = (student: Attempt['student']) => attempts.filter((attempt) => attempt.student === student)

    async function stats(token: string, query: Record<string, string> = {}) {
      const response = await t.request({ method: 'GET', url: '/v1/outreach/stats', token, query })
      expect(response.statusCode, response.body).toBe(200)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      return response.json()
    }

    beforeAll(async () => {
      statsSchool = await t.school('outreach-stats-u')
      students = {
        first: statsSchool.members.student!,
        second: await addStudent(statsSchool, 'S-second'),
        idle: await addStudent(statsSchool, 'S-idle'),
      }
      const contacts = new Map<string, string>()
      for (const [index, attempt] of attempts.entries()) {
        const { token } = students[attempt.student]
        const key = `${attempt.student}:${attempt.source}`
        if (!contacts.has(key)) contacts.set(key, await contact(token, attempt.source, key))
        attempt.contactId = contacts.get(key)!
        const sentAt = ago((attempts.length - index) * HOUR)
        const mutualContact = attempt.source === 'referral' ? { mutualContact: 'A friend' } : {}
        // Half the outcomes are given when logging, the other half recorded afterwards.
        if (index % 2 === 0) {
          attempt.id = (await log(token, attempt.contactId, { channel: attempt.channel, sentAt, outcome: attempt.outcome, ...mutualContact })).id
        } else {
          attempt.id = (await log(token, attempt.contactId, { channel: attempt.channel, sentAt, ...mutualContact })).id
          const recorded = await t.request({
            method: 'PATCH',
            url: `/v1/contacts/${attempt.contactId}/outreach/${attempt.id}`,
            token,
            payload: { outcome: attempt.outcome },
          })
          expect(recorded.statusCode).toBe(200)
        }
      }
    })

    it('a student sees the reply rates of their own attempts only', async () => {
      expect(await stats(students.first.token)).toEqual(expected(of('first')))
      expect(await stats(students.second.token)).toEqual(expected(of('second')))
      // Their own id as a filter changes nothing.
      expect(await stats(students.second.token, { studentId: students.second.id })).toEqual(expected(of('second')))
    })

    it('the numbers hold the cases worth checking by hand', async () => {
      const first = await stats(students.first.token)
      expect(first.overall).toEqual({ attempts: 9, replies: 6, agreed: 3, replyRate: 6 / 9 })
      expect(first.bySource.find((row: { source: string }) => row.source === 'organization')).toEqual({
        source: 'organization',
        attempts: 0,
        replies: 0,
        agreed: 0,
        replyRate: null,
      })
      expect(first.byChannel.find((row: { channel: string }) => row.channel === 'linkedin')).toEqual({
        channel: 'linkedin',
        attempts: 3,
        replies: 1,
        agreed: 1,
        replyRate: 1 / 3,
      })
    })

    it('a student without attempts sees zeros and no rates', async () => {
      const none = { attempts: 0, replies: 0, agreed: 0, replyRate: null }
      expect(await stats(students.idle.token)).toEqual({
        overall: none,
        bySource: SOURCES.map((source) => ({ source, ...none })),
        byChannel: CHANNELS.map((channel) => ({ channel, ...none })),
      })
    })

    it('advisors and school admins see the whole school\'s, or one student\'s with studentId', async () => {
      for (const token of [statsSchool.members.advisor!.token, statsSchool.members.school_admin!.token]) {
        expect(await stats(token)).toEqual(expected(attempts))
        expect(await stats(token, { studentId: students.first.id })).toEqual(expected(of('first')))
        expect(await stats(token, { studentId: students.second.id })).toEqual(expected(of('second')))
        expect(await stats(token, { studentId: students.idle.id })).toEqual(expected([]))
      }
    })

    it('a student asking for another student\'s stats gets 404; alumni 403; a malformed studentId 400', async () => {
      expectProblem(
        await t.request({ method: 'GET', url: '/v1/outreach/stats', token: students.first.token, query: { studentId: students.second.id } }),
        404,
        notFoundBody('student', '/v1/outreach/stats'),
      )
      expectProblem(await t.request({ method: 'GET', url: '/v1/outreach/stats', token: statsSchool.members.alumni!.token }), 403, forbiddenBody('/v1/outreach/stats'))
      const malformed = await t.request({ method: 'GET', url: '/v1/outreach/stats', token: statsSchool.members.advisor!.token, query: { studentId: 'nope' } })
      expect(malformed.statusCode).toBe(400)
      expect(malformed.json().errors).toEqual([{ field: 'querystring.studentId', message: expect.any(String) }])
    })

    it('follows outcomes recorded later', async () => {
      const attempt = attempts.find((candidate) => candidate.student === 'second' && candidate.outcome === 'no_reply')!
      const recorded = await t.request({
        method: 'PATCH',
        url: `/v1/contacts/${attempt.contactId}/outreach/${attempt.id}`,
        token: students.second.token,
        payload: { outcome: 'agreed' },
      })
      expect(recorded.statusCode).toBe(200)
      attempt.outcome = 'agreed'
      expect(await stats(students.second.token)).toEqual(expected(of('second')))
      expect(await stats(statsSchool.members.advisor!.token)).toEqual(expected(attempts))
    })
  })
})
