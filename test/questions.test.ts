// The school's question bank: seeded with the standard topics, edited by advisors and admins, read
// by everyone in the school; meetings copy the questions they use and flag closed ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STANDARD_BANK } from '../src/modules/questions/standard-bank.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'

describe('question bank', () => {
  let now = new Date('2027-01-10T12:00:00Z')
  let t: TestApp
  let school: TestSchool
  let other: TestSchool

  beforeAll(async () => {
    t = await build({}, { clock: () => now })
    school = await t.school('qb', ['student', 'advisor', 'school_admin', 'alumni'])
    other = await t.school('qb-other', ['advisor'])
  })
  afterAll(() => t.close())

  it('starts every school with the standard topics, several questions each', async () => {
    const response = await t.request({ method: 'GET', url: '/v1/questions', token: school.members.student!.token })
    expect(response.statusCode).toBe(200)
    const items = response.json().items as Array<{ category: string; text: string }>
    expect(items.map(({ category, text }) => [category, text]).sort()).toEqual(STANDARD_BANK.map(([category, text]) => [category, text]).sort())
    const categories = new Set(items.map((item) => item.category))
    expect([...categories].sort()).toEqual(['advancement', 'advice', 'future', 'likes_dislikes', 'path', 'typical_day'])
  })

  it('a school created through the API gets its bank in the same transaction', async () => {
    const created = await t.request({ method: 'POST', url: '/v1/schools', token: await t.platformToken(), payload: { slug: 'qb-new', name: 'QB New', timeZone: 'UTC' } })
    expect(created.statusCode).toBe(201)
    const count = await t.database.forSchool(created.json().id).db.question.count({ where: { schoolId: created.json().id } })
    expect(count).toBe(STANDARD_BANK.length)
  })

  it('lets advisors and admins add, edit and archive questions, with the closed-question check in the answer', async () => {
    const added = await t.request({ method: 'POST', url: '/v1/questions', token: school.members.advisor!.token, payload: { category: 'other', text: 'Do you enjoy mentoring?' } })
    expect(added.statusCode).toBe(201)
    expect(added.json().check).toMatchObject({ closed: true })
    const id = added.json().question.id
    const reworded = await t.request({ method: 'PATCH', url: `/v1/questions/${id}`, token: school.members.school_admin!.token, payload: { text: 'What do you enjoy about mentoring?' } })
    expect(reworded.json()).toMatchObject({ question: { text: 'What do you enjoy about mentoring?' }, check: { closed: false, suggestion: null } })
    const archived = await t.request({ method: 'PATCH', url: `/v1/questions/${id}`, token: school.members.advisor!.token, payload: { archived: true } })
    expect(archived.json().question.archived).toBe(true)
    const visible = (await t.request({ method: 'GET', url: '/v1/questions', token: school.members.student!.token })).json().items
    expect(visible.map((item: { id: string }) => item.id)).not.toContain(id)
    const all = (await t.request({ method: 'GET', url: '/v1/questions?includeArchived=true', token: school.members.advisor!.token })).json().items
    expect(all.map((item: { id: string }) => item.id)).toContain(id)

    for (const role of ['student', 'alumni'] as const) {
      expect((await t.request({ method: 'POST', url: '/v1/questions', token: school.members[role]!.token, payload: { category: 'other', text: 'What now?' } })).statusCode).toBe(403)
    }
    expect((await t.request({ method: 'PATCH', url: `/v1/questions/${id}`, token: other.members.advisor!.token, payload: { archived: false } })).statusCode).toBe(404)
  })

  it('checks questions for anyone in the school', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/v1/questions/check',
      token: school.members.student!.token,
      payload: { questions: ['Do you like your job?', 'What does a typical day look like?'] },
    })
    expect(response.statusCode).toBe(200)
    const { results, list } = response.json()
    const [closed, open] = results
    expect(closed).toMatchObject({ text: 'Do you like your job?', closed: true, publicSource: null, topic: 'likes_dislikes' })
    expect(closed.suggestion).toEqual(expect.any(String))
    expect(open).toEqual({ text: 'What does a typical day look like?', closed: false, reason: null, suggestion: null, publicSource: null, topic: 'typical_day' })
    expect(list).toEqual({ topicsCovered: ['typical_day', 'likes_dislikes'], topicsMissing: ['path', 'future', 'advancement', 'advice'], repeats: [] })
    expect((await t.request({ method: 'POST', url: '/v1/questions/check', token: school.members.student!.token, payload: { questions: [] } })).statusCode).toBe(400)
  })

  it('meetings keep copies of bank questions and flag the student\'s closed ones', async () => {
    const student = school.members.student!.token
    const bank = (await t.request({ method: 'GET', url: '/v1/questions?category=advice', token: student })).json().items
    const contact = (await t.request({ method: 'POST', url: '/v1/contacts', token: student, payload: { fullName: 'Tomás García', source: 'alumni_network' } })).json()
    const meeting = (
      await t.request({
        method: 'POST',
        url: '/v1/meetings',
        token: student,
        payload: { contactId: contact.id, kind: 'informational_interview', purpose: 'Information about energy careers', mode: 'phone', proposedSlots: [{ startsAt: '2027-01-20T15:00:00Z', endsAt: '2027-01-20T15:45:00Z' }] },
      })
    ).json()
    const prepared = await t.request({
      method: 'PUT',
      url: `/v1/meetings/${meeting.id}/preparation`,
      token: student,
      payload: { homework: 'Read the annual report', questionIds: [bank[0].id], customQuestions: ['Is the work stressful?', 'How did you choose energy?', 'How many employees does the utility have?'] },
    })
    expect(prepared.statusCode).toBe(200)
    const questions = prepared.json().questions
    expect(questions).toHaveLength(4)
    expect(questions[0]).toEqual({ text: bank[0].text, source: 'bank', questionId: bank[0].id, closed: false, suggestion: null, publicSource: null, topic: 'advice' })
    expect(questions[1]).toMatchObject({ text: 'Is the work stressful?', source: 'custom', questionId: null, closed: true, publicSource: null, topic: 'likes_dislikes' })
    expect(questions[2]).toMatchObject({ text: 'How did you choose energy?', closed: false, topic: 'path' })
    expect(questions[3]).toMatchObject({ closed: false, publicSource: { kind: 'company-facts' }, topic: 'other' })
    // What the list still lacks before the meeting, as the guide reads it.
    expect(prepared.json().preparation).toEqual({
      homeworkDone: true,
      questionCount: 4,
      topicsCovered: ['path', 'likes_dislikes', 'advice'],
      topicsMissing: ['typical_day', 'future', 'advancement'],
      repeats: [],
      closedQuestions: [1],
      publicSourceQuestions: [3],
    })

    // The copy stays as it was when the bank changes.
    await t.request({ method: 'PATCH', url: `/v1/questions/${bank[0].id}`, token: school.members.advisor!.token, payload: { text: 'Reworded advice question?' } })
    const read = (await t.request({ method: 'GET', url: `/v1/meetings/${meeting.id}`, token: student })).json()
    expect(read.questions[0].text).toBe(bank[0].text)

    const unknown = await t.request({ method: 'PUT', url: `/v1/meetings/${meeting.id}/preparation`, token: student, payload: { questionIds: ['0190aaaa-0000-7000-8000-000000000000'] } })
    expect(unknown.statusCode).toBe(404)
    const foreign = (await t.request({ method: 'GET', url: '/v1/questions', token: other.members.advisor!.token })).json().items[0]
    expect((await t.request({ method: 'PUT', url: `/v1/meetings/${meeting.id}/preparation`, token: student, payload: { questionIds: [foreign.id] } })).statusCode).toBe(404)
    expect((await t.request({ method: 'GET', url: `/v1/meetings/${meeting.id}`, token: student })).json().questions).toHaveLength(4)
  })
})

describe('question bank validation', () => {
  it('refuses unknown properties when a question is changed', async () => {
    const t = await build()
    try {
      const school = await t.school('qv', ['advisor'])
      const [question] = (await t.request({ method: 'GET', url: '/v1/questions', token: school.members.advisor!.token })).json().items
      const response = await t.request({ method: 'PATCH', url: `/v1/questions/${question.id}`, token: school.members.advisor!.token, payload: { text: 'What now?', schoolId: 'x' } })
      expect(response.statusCode).toBe(400)
      expect(response.json().errors).toEqual([{ field: 'body.schoolId', message: 'is not a known property' }])
    } finally {
      await t.close()
    }
  })
})
