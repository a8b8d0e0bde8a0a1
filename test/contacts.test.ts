import type { LightMyRequestResponse } from 'fastify'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { addContact, addMember } from './factories/index.js'
import { ownerConnection } from './helpers/owner.js'
import { ABSENT_ID, expectProblem, forbiddenBody, JSON_TYPE, notFoundBody, PROBLEM_JSON, UUID } from './helpers/problems.js'




describe('contacts', () => {
  let t: TestApp
  let school: TestSchool
  let owner: pg.Client
  let student: { id: string; token: string }
  let other: { id: string; token: string }
  let advisor: string
  let admin: string
  let alumni: { id: string; token: string }

  /** A second (third, ...) student of the school, provisioned as an admin would and signed in. */
  const addStudent = (externalId: string) => addMember(t, school, externalId, { givenName: externalId })
  const create = (token: string, payload: Record<string, unknown>) => addContact(t, token, payload)

  /** A contact's row as the table holds it, bypassing the API and row-level security. */
  async function contactRow(id: string) {
    const { rows } = await owner.query(
      `SELECT student_id::text, full_name, organization, email, notes, source::text, relationship::text, reasons::text[], background_tags, alumni_member_id::text, updated_at
         FROM contacts WHERE school_id = $1 AND id = $2`,
      [school.id, id],
    )
    return rows[0]
  }

  async function count(sql: string, params: unknown[]) {
    const { rows } = await owner.query(sql, params)
    return rows[0].n as number
  }

  beforeAll(async () => {
    t = await build()
    school = await t.school('contacts-u')
    owner = await ownerConnection(t)
    student = school.members.student!
    advisor = school.members.advisor!.token
    admin = school.members.school_admin!.token
    alumni = school.members.alumni!
    other = await addStudent('S-other')
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  describe('POST /v1/contacts', () => {
    it('adds a contact to the student\'s network (201), with the email in lower case', async () => {
      const payload = {
        fullName: 'Ada Lovelace',
        title: 'Analyst',
        organization: 'Analytical Engines Ltd',
        industry: 'Computing',
        occupation: 'Mathematician',
        email: 'Ada.Lovelace@Example.COM',
        phone: '+44 20 7946 0000',
        linkedinUrl: 'https://www.linkedin.com/in/ada',
        source: 'personal',
        relationship: 'professor',
        reasons: ['considered_field', 'knows_organization'],
        backgroundTags: ['first-generation', 'stem'],
        notes: 'Met at the engine demonstration',
      }
      const response = await t.request({ method: 'POST', url: '/v1/contacts', token: student.token, payload })
      expect(response.statusCode).toBe(201)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      const contact = response.json()
      expect(contact).toEqual({
        ...payload,
        id: expect.stringMatching(UUID),
        studentId: student.id,
        email: 'ada.lovelace@example.com',
        alumniMemberId: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      })
      expect(await contactRow(contact.id)).toMatchObject({
        student_id: student.id,
        full_name: 'Ada Lovelace',
        email: 'ada.lovelace@example.com',
        source: 'personal',
        relationship: 'professor',
        reasons: ['considered_field', 'knows_organization'],
        background_tags: ['first-generation', 'stem'],
      })
    })

    it('leaves out what is not given: null fields and no tags', async () => {
      const contact = await create(student.token, { fullName: 'Minimal Person', source: 'cold' })
      expect(contact).toEqual({
        id: expect.stringMatching(UUID),
        studentId: student.id,
        fullName: 'Minimal Person',
        title: null,
        organization: null,
        industry: null,
        occupation: null,
        email: null,
        phone: null,
        linkedinUrl: null,
        source: 'cold',
        relationship: null,
        reasons: [],
        backgroundTags: [],
        notes: null,
        alumniMemberId: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      })
    })

    it('refuses a second contact with the same email (409 naming the first), in any case; another student may have it', async () => {
      const first = await create(student.token, { fullName: 'Grace Hopper', email: 'grace@navy.mil', source: 'organization' })
      for (const email of ['grace@navy.mil', 'GRACE@Navy.Mil']) {
        const again = await t.request({ method: 'POST', url: '/v1/contacts', token: student.token, payload: { fullName: 'G. Hopper', email, source: 'cold' } })
        expectProblem(again, 409, {
          type: 'urn:vantage:problem:conflict',
          title: 'The request conflicts with the current state',
          status: 409,
          detail: 'You already have a contact with this email',
          instance: '/v1/contacts',
          existingId: first.id,
        })
      }
      expect(await count('SELECT count(*)::int AS n FROM contacts WHERE student_id = $1 AND email = $2', [student.id, 'grace@navy.mil'])).toBe(1)

      const theirs = await create(other.token, { fullName: 'Grace Hopper', email: 'Grace@Navy.mil', source: 'cold' })
      expect(theirs).toMatchObject({ studentId: other.id, email: 'grace@navy.mil' })
      expect(theirs.id).not.toBe(first.id)
    })

    it('creates one contact when the same email is added concurrently; the others are 409 naming it', async () => {
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          t.request({ method: 'POST', url: '/v1/contacts', token: student.token, payload: { fullName: `Racer ${index}`, email: 'racer@example.com', source: 'cold' } }),
        ),
      )
      expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409])
      const winner = responses.find((response) => response.statusCode === 201)!.json()
      for (const response of responses.filter((candidate) => candidate.statusCode === 409)) {
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json()).toMatchObject({ status: 409, detail: 'You already have a contact with this email', existingId: winner.id })
      }
      expect(await count('SELECT count(*)::int AS n FROM contacts WHERE student_id = $1 AND email = $2', [student.id, 'racer@example.com'])).toBe(1)
    })

    it('links an alumni member; a member who is not an alumni, or no member at all, is 404', async () => {
      const linked = await create(student.token, { fullName: 'Alumni Host', source: 'alumni_network', alumniMemberId: alumni.id })
      expect(linked.alumniMemberId).toBe(alumni.id)
      expect((await contactRow(linked.id)).alumni_member_id).toBe(alumni.id)

      const before = await count('SELECT count(*)::int AS n FROM contacts WHERE school_id = $1', [school.id])
      for (const alumniMemberId of [other.id, school.members.advisor!.id, ABSENT_ID]) {
        const response = await t.request({
          method: 'POST',
          url: '/v1/contacts',
          token: student.token,
          payload: { fullName: 'Not Alumni', source: 'alumni_network', alumniMemberId },
        })
        expectProblem(response, 404, notFoundBody('alumni member', '/v1/contacts'))
      }
      expect(await count('SELECT count(*)::int AS n FROM contacts WHERE school_id = $1', [school.id])).toBe(before)
    })

    it('rejects invalid fields with 400 listing each of them, and creates nothing', async () => {
      const before = await count('SELECT count(*)::int AS n FROM contacts WHERE school_id = $1', [school.id])
      const invalid = await t.request({
        method: 'POST',
        url: '/v1/contacts',
        token: student.token,
        payload: { fullName: 'x'.repeat(201), email: 'not-an-email', source: 'friend-of-a-friend' },
      })
      expect(invalid.statusCode).toBe(400)
      expect(invalid.headers['content-type']).toBe(PROBLEM_JSON)
      const problem = invalid.json()
      expect(problem).toMatchObject({ type: 'urn:vantage:problem:validation-failed', status: 400, detail: '3 fields are not valid', instance: '/v1/contacts' })
      expect(problem.errors.map((error: { field: string }) => error.field).sort()).toEqual(['body.email', 'body.fullName', 'body.source'])

      const unknown = await t.request({ method: 'POST', url: '/v1/contacts', token: student.token, payload: { fullName: 'Ok', source: 'cold', nickname: 'x' } })
      expectProblem(unknown, 400, {
        type: 'urn:vantage:problem:validation-failed',
        title: 'The request is not valid',
        status: 400,
        detail: '1 field is not valid',
        instance: '/v1/contacts',
        errors: [{ field: 'body.nickname', message: 'is not a known property' }],
      })

      const missing = await t.request({ method: 'POST', url: '/v1/contacts', token: student.token, payload: { title: 'Nameless' } })
      expect(missing.statusCode).toBe(400)
      expect(missing.json().errors.map((error: { field: string }) => error.field).sort()).toEqual(['body.fullName', 'body.source'])

      const badTag = await t.request({ method: 'POST', url: '/v1/contacts', token: student.token, payload: { fullName: 'Ok', source: 'cold', backgroundTags: ['Not A Tag'] } })
      expect(badTag.statusCode).toBe(400)
      expect(badTag.json().errors).toEqual([{ field: 'body.backgroundTags.0', message: expect.any(String) }])

      expect(await count('SELECT count(*)::int AS n FROM contacts WHERE school_id = $1', [school.id])).toBe(before)
    })

    it('is for students only: advisors, school admins and alumni get 403', async () => {
      const before = await count('SELECT count(*)::int AS n FROM contacts WHERE school_id = $1', [school.id])
      for (const token of [advisor, admin, alumni.token]) {
        const response = await t.request({ method: 'POST', url: '/v1/contacts', token, payload: { fullName: 'Someone', source: 'cold' } })
        expectProblem(response, 403, forbiddenBody('/v1/contacts'))
      }
      expect(await count('SELECT count(*)::int AS n FROM contacts WHERE school_id = $1', [school.id])).toBe(before)
    })
  })

  describe('one contact: GET, PATCH and DELETE /v1/contacts/{contactId}', () => {
    it('the owner reads, changes and deletes it', async () => {
      const contact = await create(student.token, { fullName: 'Katherine Johnson', organization: 'NASA', email: 'kj@nasa.gov', notes: 'Human computer', source: 'alumni_network' })
      const url = `/v1/contacts/${contact.id}`

      const read = await t.request({ method: 'GET', url, token: student.token })
      expect(read.statusCode).toBe(200)
      expect(read.headers['content-type']).toBe(JSON_TYPE)
      expect(read.json()).toEqual(contact)

      const patched = await t.request({
        method: 'PATCH',
        url,
        token: student.token,
        payload: { organization: 'NASA Langley', title: 'Research Mathematician', email: 'KJ@Langley.NASA.gov', backgroundTags: ['stem'] },
      })
      expect(patched.statusCode).toBe(200)
      expect(patched.json()).toEqual({
        ...contact,
        organization: 'NASA Langley',
        title: 'Research Mathematician',
        email: 'kj@langley.nasa.gov',
        backgroundTags: ['stem'],
        updatedAt: expect.any(String),
      })
      expect(await contactRow(contact.id)).toMatchObject({ organization: 'NASA Langley', email: 'kj@langley.nasa.gov', background_tags: ['stem'] })

      // Clearing fields: null (also for notes, which may be empty).
      const cleared = await t.request({ method: 'PATCH', url, token: student.token, payload: { email: null, title: null, notes: null } })
      expect(cleared.statusCode).toBe(200)
      expect(cleared.json()).toMatchObject({ email: null, title: null, notes: null, organization: 'NASA Langley' })
      expect(await contactRow(contact.id)).toMatchObject({ email: null, notes: null })

      const deleted = await t.request({ method: 'DELETE', url, token: student.token })
      expect(deleted.statusCode).toBe(204)
      expect(deleted.body).toBe('')
      expect(await contactRow(contact.id)).toBeUndefined()
      expectProblem(await t.request({ method: 'GET', url, token: student.token }), 404, notFoundBody('contact', url))
      expectProblem(await t.request({ method: 'DELETE', url, token: student.token }), 404, notFoundBody('contact', url))
    })

    it('PATCH to an email the student already has is 409 naming that contact; its own email in another case is fine', async () => {
      const first = await create(student.token, { fullName: 'Dorothy Vaughan', email: 'dorothy@langley.gov', source: 'personal' })
      const second = await create(student.token, { fullName: 'Mary Jackson', email: 'mary@langley.gov', source: 'personal' })
      const url = `/v1/contacts/${second.id}`
      const conflict = await t.request({ method: 'PATCH', url, token: student.token, payload: { email: 'Dorothy@Langley.gov', fullName: 'Changed' } })
      expectProblem(conflict, 409, {
        type: 'urn:vantage:problem:conflict',
        title: 'The request conflicts with the current state',
        status: 409,
        detail: 'You already have a contact with this email',
        instance: url,
        existingId: first.id,
      })
      expect(await contactRow(second.id)).toMatchObject({ full_name: 'Mary Jackson', email: 'mary@langley.gov' })

      const sameInOtherCase = await t.request({ method: 'PATCH', url, token: student.token, payload: { email: 'MARY@langley.gov' } })
      expect(sameInOtherCase.statusCode).toBe(200)
      expect(sameInOtherCase.json().email).toBe('mary@langley.gov')
    })

    it('PATCH validates like POST: unknown property, empty body, bad email, an alumniMemberId that is not an alumni', async () => {
      const contact = await create(student.token, { fullName: 'Validated', source: 'cold' })
      const url = `/v1/contacts/${contact.id}`
      const unknown = await t.request({ method: 'PATCH', url, token: student.token, payload: { nickname: 'x' } })
      expect(unknown.statusCode).toBe(400)
      expect(unknown.json().errors).toEqual([{ field: 'body.nickname', message: 'is not a known property' }])
      const empty = await t.request({ method: 'PATCH', url, token: student.token, payload: {} })
      expect(empty.statusCode).toBe(400)
      expect(empty.headers['content-type']).toBe(PROBLEM_JSON)
      const badEmail = await t.request({ method: 'PATCH', url, token: student.token, payload: { email: 'nope' } })
      expect(badEmail.statusCode).toBe(400)
      expect(badEmail.json().errors).toEqual([{ field: 'body.email', message: expect.any(String) }])
      expectProblem(await t.request({ method: 'PATCH', url, token: student.token, payload: { alumniMemberId: other.id } }), 404, notFoundBody('alumni member', url))
      expect(await contactRow(contact.id)).toMatchObject({ full_name: 'Validated', email: null, alumni_member_id: null })
    })

    it('another student gets 404 on GET, PATCH and DELETE, and nothing changes', async () => {
      const contact = await create(student.token, { fullName: 'Private Person', email: 'private@example.com', source: 'personal' })
      const url = `/v1/contacts/${contact.id}`
      const before = await contactRow(contact.id)
      expectProblem(await t.request({ method: 'GET', url, token: other.token }), 404, notFoundBody('contact', url))
      expectProblem(await t.request({ method: 'PATCH', url, token: other.token, payload: { fullName: 'Stolen' } }), 404, notFoundBody('contact', url))
      expectProblem(await t.request({ method: 'DELETE', url, token: other.token }), 404, notFoundBody('contact', url))
      expect(await contactRow(contact.id)).toEqual(before)
      // Nor does the contact show in their list.
      const list = await t.request({ method: 'GET', url: '/v1/contacts', token: other.token, query: { limit: '100' } })
      expect(list.json().items.map((item: { id: string }) => item.id)).not.toContain(contact.id)
    })

    it('a contact that does not exist is 404, and a malformed id 400', async () => {
      expectProblem(await t.request({ method: 'GET', url: `/v1/contacts/${ABSENT_ID}`, token: student.token }), 404, notFoundBody('contact', `/v1/contacts/${ABSENT_ID}`))
      const malformed = await t.request({ method: 'GET', url: '/v1/contacts/not-a-uuid', token: student.token })
      expect(malformed.statusCode).toBe(400)
      expect(malformed.json().errors).toEqual([{ field: 'params.contactId', message: expect.any(String) }])
    })

    it('advisors and school admins read any contact but may not change or delete it (403); alumni may not read it', async () => {
      const contact = await create(student.token, { fullName: 'Observed Person', source: 'cold' })
      const url = `/v1/contacts/${contact.id}`
      const before = await contactRow(contact.id)
      for (const token of [advisor, admin]) {
        const read = await t.request({ method: 'GET', url, token })
        expect(read.statusCode).toBe(200)
        expect(read.json()).toEqual(contact)
        expectProblem(await t.request({ method: 'PATCH', url, token, payload: { fullName: 'Changed' } }), 403, forbiddenBody(url))
        expectProblem(await t.request({ method: 'DELETE', url, token }), 403, forbiddenBody(url))
      }
      expectProblem(await t.request({ method: 'GET', url, token: alumni.token }), 403, forbiddenBody(url))
      expectProblem(await t.request({ method: 'PATCH', url, token: alumni.token, payload: { fullName: 'Changed' } }), 403, forbiddenBody(url))
      expectProblem(await t.request({ method: 'DELETE', url, token: alumni.token }), 403, forbiddenBody(url))
      expect(await contactRow(contact.id)).toEqual(before)
    })
  })

  describe('GET /v1/contacts: who sees what', () => {
    let school2: TestSchool
    let first: { id: string; token: string }
    let second: { id: string; token: string }
    let firstIds: string[]
    let secondIds: string[]

    beforeAll(async () => {
      school2 = await t.school('contacts-list-u')
      first = school2.members.student!
      const put = await t.request({ method: 'PUT', url: '/v1/members/S-2', token: school2.members.school_admin!.token, payload: { roles: ['student'] } })
      second = { id: put.json().id, token: await t.memberToken(school2.id, 'S-2') }
      firstIds = [
        (await create(first.token, { fullName: 'First One', source: 'personal' })).id,
        (await create(first.token, { fullName: 'First Two', source: 'cold' })).id,
      ]
      secondIds = [(await create(second.token, { fullName: 'Second One', source: 'personal' })).id]
    })

    const ids = (response: LightMyRequestResponse) => (response.json().items as Array<{ id: string }>).map((item) => item.id)

    it('a student lists only their own contacts, newest first', async () => {
      const response = await t.request({ method: 'GET', url: '/v1/contacts', token: first.token })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      expect(response.json()).toEqual({ items: [expect.objectContaining({ id: firstIds[1] }), expect.objectContaining({ id: firstIds[0] })], nextCursor: null })
      expect(ids(await t.request({ method: 'GET', url: '/v1/contacts', token: second.token }))).toEqual(secondIds)
      // Their own id as a filter is fine; another student's is 404.
      expect(ids(await t.request({ method: 'GET', url: '/v1/contacts', token: first.token, query: { studentId: first.id } }))).toEqual([...firstIds].reverse())
      expectProblem(await t.request({ method: 'GET', url: '/v1/contacts', token: first.token, query: { studentId: second.id } }), 404, notFoundBody('student', '/v1/contacts'))
    })

    it('advisors and school admins list the whole school, or one student\'s with studentId', async () => {
      for (const token of [school2.members.advisor!.token, school2.members.school_admin!.token]) {
        const all = await t.request({ method: 'GET', url: '/v1/contacts', token })
        expect(all.statusCode).toBe(200)
        expect(ids(all)).toEqual([...firstIds, ...secondIds].reverse())
        expect(ids(await t.request({ method: 'GET', url: '/v1/contacts', token, query: { studentId: first.id } }))).toEqual([...firstIds].reverse())
        expect(ids(await t.request({ method: 'GET', url: '/v1/contacts', token, query: { studentId: second.id } }))).toEqual(secondIds)
      }
    })

    it('alumni may not list contacts (403)', async () => {
      expectProblem(await t.request({ method: 'GET', url: '/v1/contacts', token: school2.members.alumni!.token }), 403, forbiddenBody('/v1/contacts'))
    })
  })

  describe('GET /v1/contacts: search and filters', () => {
    let searcher: { id: string; token: string }
    const ids: Record<string, string> = {}

    beforeAll(async () => {
      searcher = await addStudent('S-searcher')
      const contacts = {
        rosalind: {
          fullName: 'Rosalind Franklin',
          organization: "King's College London",
          title: 'Research Associate',
          industry: 'Biotech',
          occupation: 'Crystallographer',
          notes: 'Met at the DNA symposium',
          source: 'personal',
          backgroundTags: ['stem'],
        },
        katherine: {
          fullName: 'Katherine Johnson',
          organization: 'NASA Langley',
          title: 'Mathematician',
          industry: 'Aerospace',
          occupation: 'Research mathematician',
          notes: 'Orbital mechanics',
          source: 'alumni_network',
          backgroundTags: ['stem', 'first-generation'],
        },
        mae: {
          fullName: 'Mae Jemison',
          organization: 'NASA',
          title: 'Astronaut',
          industry: 'Aerospace',
          occupation: 'Physician',
          notes: 'Dorothy suggested reaching out',
          source: 'cold',
        },
        dorothy: {
          fullName: 'Dorothy Vaughan',
          organization: 'Langley Research Center',
          title: 'Supervisor',
          industry: 'aerospace',
          occupation: 'Programmer',
          source: 'referral',
          backgroundTags: ['mentor'],
        },
        alan: { fullName: 'Alan Turing', organization: 'Bletchley Park', title: 'Cryptanalyst', industry: 'Government', occupation: 'Mathematician', source: 'organization' },
      }
      for (const [key, payload] of Object.entries(contacts)) ids[key] = (await create(searcher.token, payload)).id
      // Another student's matching contact never shows in this student's search.
      await create(other.token, { fullName: 'Rosalind Elsewhere', organization: 'NASA', source: 'personal' })
    })

    /** The keys of the contacts a search finds, in the order it gives them (newest first). */
    async function search(query: Record<string, string>) {
      const response = await t.request({ method: 'GET', url: '/v1/contacts', token: searcher.token, query })
      expect(response.statusCode, response.body).toBe(200)
      const byId = Object.fromEntries(Object.entries(ids).map(([key, id]) => [id, key]))
      return (response.json().items as Array<{ id: string }>).map((item) => byId[item.id] ?? item.id)
    }

    it('finds by a prefix of the name, and by words of the organization, title, industry, occupation and notes', async () => {
      expect(await search({ q: 'ros' })).toEqual(['rosalind'])
      expect(await search({ q: 'JEMISON' })).toEqual(['mae'])
      expect(await search({ q: 'nasa' })).toEqual(['mae', 'katherine'])
      expect(await search({ q: 'bletchley' })).toEqual(['alan'])
      expect(await search({ q: 'astronaut' })).toEqual(['mae'])
      expect(await search({ q: 'biotech' })).toEqual(['rosalind'])
      expect(await search({ q: 'crystallographer' })).toEqual(['rosalind'])
      expect(await search({ q: 'physic' })).toEqual(['mae'])
      expect(await search({ q: 'symposium' })).toEqual(['rosalind'])
      expect(await search({ q: 'orbital' })).toEqual(['katherine'])
      // A name in one contact and in another's notes.
      expect(await search({ q: 'dorothy' })).toEqual(['dorothy', 'mae'])
      // Title of one, occupation of another.
      expect(await search({ q: 'mathematician' })).toEqual(['alan', 'katherine'])
      // Every word must match (as a prefix).
      expect(await search({ q: 'research math' })).toEqual(['katherine'])
      expect(await search({ q: 'nasa zebra' })).toEqual([])
    })

    it('treats search operators and punctuation as separators, not syntax', async () => {
      expect(await search({ q: 'nasa & !langley' })).toEqual(['katherine'])
      expect(await search({ q: "king's" })).toEqual(['rosalind'])
      expect(await search({ q: 'ros:* | alan' })).toEqual([])
    })

    it('combines the search with the source, industry and tag filters', async () => {
      expect(await search({ q: 'nasa', source: 'cold' })).toEqual(['mae'])
      expect(await search({ q: 'mathematician', source: 'organization' })).toEqual(['alan'])
      expect(await search({ source: 'referral' })).toEqual(['dorothy'])
      expect(await search({ industry: 'AEROSPACE' })).toEqual(['dorothy', 'mae', 'katherine'])
      expect(await search({ q: 'langley', industry: 'aerospace' })).toEqual(['dorothy', 'katherine'])
      expect(await search({ tag: 'stem' })).toEqual(['katherine', 'rosalind'])
      expect(await search({ q: 'nasa', tag: 'stem' })).toEqual(['katherine'])
      expect(await search({ q: 'research', source: 'personal', tag: 'stem', industry: 'biotech' })).toEqual(['rosalind'])
      expect(await search({ q: 'nasa', source: 'personal' })).toEqual([])
    })

    it('follows changes: a patched organization is found by its new words only', async () => {
      const patched = await t.request({ method: 'PATCH', url: `/v1/contacts/${ids.alan}`, token: searcher.token, payload: { organization: 'Princeton University' } })
      expect(patched.statusCode).toBe(200)
      expect(await search({ q: 'bletchley' })).toEqual([])
      expect(await search({ q: 'princeton' })).toEqual(['alan'])
    })

    it('a search of only punctuation, and unknown filters, are 400', async () => {
      const punctuation = await t.request({ method: 'GET', url: '/v1/contacts', token: searcher.token, query: { q: '!?&|:*' } })
      expectProblem(punctuation, 400, {
        type: 'urn:vantage:problem:validation-failed',
        title: 'The request is not valid',
        status: 400,
        detail: 'The search has no letters or digits',
        instance: '/v1/contacts',
        errors: [{ field: 'querystring.q', message: 'must contain a letter or digit' }],
      })
      for (const [query, field] of [
        [{ source: 'friend' }, 'querystring.source'],
        [{ sort: 'random' }, 'querystring.sort'],
        [{ tag: 'Not A Tag' }, 'querystring.tag'],
        [{ limit: '0' }, 'querystring.limit'],
        [{ color: 'blue' }, 'querystring.color'],
      ] as const) {
        const response = await t.request({ method: 'GET', url: '/v1/contacts', token: searcher.token, query })
        expect(response.statusCode, JSON.stringify(query)).toBe(400)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json().errors, JSON.stringify(query)).toEqual([{ field, message: expect.any(String) }])
      }
    })
  })

  describe("the guide's sources, and a search that tolerates a typo", () => {
    let seeker: { id: string; token: string }
    const ids: Record<string, string> = {}

    beforeAll(async () => {
      seeker = await addStudent('S-seeker')
      const contacts = {
        grace: { fullName: 'Grace Park', organization: 'Mercy Hospital', title: 'Nurse practitioner', industry: 'Healthcare', source: 'personal', relationship: 'family', reasons: ['considered_field', 'similar_path'] },
        omar: { fullName: 'Omar Haddad', organization: 'City Hostel', title: 'Manager', industry: 'Hotels', source: 'cold', relationship: 'other', reasons: ['knows_organization'] },
        lena: { fullName: 'Lena Ortiz', organization: 'Northside Clinic', title: 'Physician assistant', industry: 'Healthcare', source: 'referral', relationship: 'professor', reasons: ['knows_organization', 'considered_field'] },
        ben: { fullName: 'Ben Okafor', organization: 'Riverside Hospital', title: 'Surgeon', source: 'organization', notes: 'Runs the volunteer desk' },
      }
      for (const [key, payload] of Object.entries(contacts)) ids[key] = (await create(seeker.token, payload)).id
      // Another student's family contact at a hospital never shows.
      await create(other.token, { fullName: 'Grace Elsewhere', organization: 'Mercy Hospital', source: 'personal', relationship: 'family', reasons: ['similar_path'] })
    })

    async function search(query: Record<string, string>) {
      const response = await t.request({ method: 'GET', url: '/v1/contacts', token: seeker.token, query })
      expect(response.statusCode, response.body).toBe(200)
      const byId = Object.fromEntries(Object.entries(ids).map(([key, id]) => [id, key]))
      return (response.json().items as Array<{ id: string }>).map((item) => byId[item.id] ?? item.id)
    }

    it('records how the student knows the person apart from how contact was made, and why they chose them', async () => {
      const read = await t.request({ method: 'GET', url: `/v1/contacts/${ids.lena}`, token: seeker.token })
      expect(read.json()).toMatchObject({ source: 'referral', relationship: 'professor', reasons: ['knows_organization', 'considered_field'] })
      const patched = await t.request({ method: 'PATCH', url: `/v1/contacts/${ids.omar}`, token: seeker.token, payload: { relationship: 'colleague', reasons: ['knows_organization', 'similar_path'] } })
      expect(patched.json()).toMatchObject({ relationship: 'colleague', reasons: ['knows_organization', 'similar_path'] })
      expect(await contactRow(ids.omar!)).toMatchObject({ relationship: 'colleague', reasons: ['knows_organization', 'similar_path'] })
      const cleared = await t.request({ method: 'PATCH', url: `/v1/contacts/${ids.omar}`, token: seeker.token, payload: { relationship: null, reasons: [] } })
      expect(cleared.json()).toMatchObject({ relationship: null, reasons: [] })
      expect(await contactRow(ids.omar!)).toMatchObject({ relationship: null, reasons: [] })
      const restored = await t.request({ method: 'PATCH', url: `/v1/contacts/${ids.omar}`, token: seeker.token, payload: { relationship: 'other', reasons: ['knows_organization'] } })
      expect(restored.statusCode).toBe(200)
    })

    it('refuses a relationship or reason the guide does not name, a reason twice, and more than three (400), writing nothing', async () => {
      const before = await count('SELECT count(*)::int AS n FROM contacts WHERE school_id = $1', [school.id])
      for (const [payload, field] of [
        [{ relationship: 'cousin' }, 'body.relationship'],
        [{ reasons: ['curiosity'] }, 'body.reasons.0'],
        [{ reasons: ['similar_path', 'similar_path'] }, 'body.reasons'],
        [{ reasons: ['similar_path', 'considered_field', 'knows_organization', 'similar_path'] }, 'body.reasons'],
      ] as const) {
        const response = await t.request({ method: 'POST', url: '/v1/contacts', token: seeker.token, payload: { fullName: 'Not Saved', source: 'cold', ...payload } })
        expect(response.statusCode, JSON.stringify(payload)).toBe(400)
        expect(response.json().errors.map((error: { field: string }) => error.field), JSON.stringify(payload)).toContain(field)
      }
      expect(await count('SELECT count(*)::int AS n FROM contacts WHERE school_id = $1', [school.id])).toBe(before)
    })

    it('filters by relationship and by reason, with each other, the search and the other filters', async () => {
      expect(await search({ relationship: 'family' })).toEqual(['grace'])
      expect(await search({ relationship: 'professor' })).toEqual(['lena'])
      expect(await search({ reason: 'knows_organization' })).toEqual(['lena', 'omar'])
      expect(await search({ reason: 'considered_field' })).toEqual(['lena', 'grace'])
      expect(await search({ reason: 'considered_field', relationship: 'professor' })).toEqual(['lena'])
      expect(await search({ reason: 'similar_path', source: 'referral' })).toEqual([])
      expect(await search({ q: 'hospital', reason: 'similar_path' })).toEqual(['grace'])
      for (const [query, field] of [[{ relationship: 'cousin' }, 'querystring.relationship'], [{ reason: 'curiosity' }, 'querystring.reason']] as const) {
        const response = await t.request({ method: 'GET', url: '/v1/contacts', token: seeker.token, query })
        expect(response.statusCode).toBe(400)
        expect(response.json().errors).toEqual([{ field, message: expect.any(String) }])
      }
    })

    it('finds a near spelling of a word of the name, organization, title, industry or occupation; every word must still match', async () => {
      expect(await search({ q: 'hospitl' })).toEqual(['ben', 'grace'])
      expect(await search({ q: 'MERCY hospitl' })).toEqual(['grace'])
      expect(await search({ q: 'nurse practitionr' })).toEqual(['grace'])
      expect(await search({ q: 'ortis' })).toEqual(['lena'])
      expect(await search({ q: 'physican' })).toEqual(['lena'])
      expect(await search({ q: 'helthcare' })).toEqual(['lena', 'grace'])
      expect(await search({ q: 'hostl' })).toEqual(['omar'])
      // Prefixes match as before; a far-off spelling, or a word of four letters or fewer, does not match loosely.
      expect(await search({ q: 'hosp' })).toEqual(['ben', 'grace'])
      expect(await search({ q: 'hsptl' })).toEqual([])
      expect(await search({ q: 'hospitl zebra' })).toEqual([])
      expect(await search({ q: 'hosr' })).toEqual([])
      // Notes are searched by prefix only: "volunter" is not near-matched in Ben's notes.
      expect(await search({ q: 'volunteer' })).toEqual(['ben'])
      expect(await search({ q: 'volunter' })).toEqual([])
    })
  })

  describe('GET /v1/contacts: sort orders and cursors', () => {
    let sorter: { id: string; token: string }
    /** Created in this order; three names differ only in case. */
    const names = ['delta', 'Alpha', 'Echo', 'alpha', 'bravo', 'ALPHA', 'Charlie']
    let created: Array<{ id: string; fullName: string }>

    beforeAll(async () => {
      sorter = await addStudent('S-sorter')
      created = []
      for (const fullName of names) created.push(await create(sorter.token, { fullName: `${fullName} Person`, source: 'personal' }))
    })

    async function allPages(sort: string) {
      const seen: string[] = []
      let cursor: string | undefined
      let pages = 0
      do {
        const response = await t.request({ method: 'GET', url: '/v1/contacts', token: sorter.token, query: { sort, limit: '2', ...(cursor ? { cursor } : {}) } })
        expect(response.statusCode, response.body).toBe(200)
        const page = response.json() as { items: Array<{ id: string }>; nextCursor: string | null }
        pages += 1
        expect(page.items.length).toBe(pages < 4 ? 2 : 1)
        seen.push(...page.items.map((item) => item.id))
        cursor = page.nextCursor ?? undefined
        expect(pages).toBeLessThanOrEqual(4)
      } while (cursor)
      expect(pages).toBe(4)
      return seen
    }

    it('recent: newest first, each contact exactly once across pages', async () => {
      expect(await allPages('recent')).toEqual(created.map((contact) => contact.id).reverse())
    })

    it('oldest: in the order they were added', async () => {
      expect(await allPages('oldest')).toEqual(created.map((contact) => contact.id))
    })

    it('name: A to Z regardless of case; names equal but for case in the order they were added', async () => {
      const seen = await allPages('name')
      const byId = new Map(created.map((contact) => [contact.id, contact.fullName]))
      expect(seen.map((id) => byId.get(id))).toEqual([
        'Alpha Person',
        'alpha Person',
        'ALPHA Person',
        'bravo Person',
        'Charlie Person',
        'delta Person',
        'Echo Person',
      ])
    })

    it('the default is recent, 20 to a page', async () => {
      const response = await t.request({ method: 'GET', url: '/v1/contacts', token: sorter.token })
      expect(response.json().items.map((item: { id: string }) => item.id)).toEqual(created.map((contact) => contact.id).reverse())
      expect(response.json().nextCursor).toBeNull()
    })

    it('a cursor this service did not issue is 400', async () => {
      const forged = [
        'not-a-cursor',
        Buffer.from(JSON.stringify({ id: "1' OR 1=1 --" })).toString('base64url'),
        Buffer.from(JSON.stringify({ id: 42 })).toString('base64url'),
        Buffer.from('null').toString('base64url'),
      ]
      for (const sort of ['recent', 'oldest', 'name']) {
        for (const cursor of forged) {
          const response = await t.request({ method: 'GET', url: '/v1/contacts', token: sorter.token, query: { sort, cursor } })
          expectProblem(response, 400, {
            type: 'urn:vantage:problem:validation-failed',
            title: 'The request is not valid',
            status: 400,
            detail: 'The cursor is not one this service issued',
            instance: '/v1/contacts',
            errors: [{ field: 'querystring.cursor', message: 'is not a valid cursor' }],
          })
        }
      }
      // A cursor of the id orders lacks the name the name order continues from.
      const idCursor = Buffer.from(JSON.stringify({ id: created[0]!.id })).toString('base64url')
      const mixed = await t.request({ method: 'GET', url: '/v1/contacts', token: sorter.token, query: { sort: 'name', cursor: idCursor } })
      expect(mixed.statusCode).toBe(400)
      expect(mixed.json().errors).toEqual([{ field: 'querystring.cursor', message: 'is not a valid cursor' }])
      // Characters outside base64url fail the schema.
      const badChars = await t.request({ method: 'GET', url: '/v1/contacts', token: sorter.token, query: { cursor: 'a+b/c=' } })
      expect(badChars.statusCode).toBe(400)
      expect(badChars.json().errors).toEqual([{ field: 'querystring.cursor', message: expect.any(String) }])
    })
  })

  describe('DELETE /v1/contacts/{contactId} and what hangs on a contact', () => {
    it('refuses (409) to delete a contact that is part of a referral, as referrer or as referred; the contact stays', async () => {
      const referrer = await create(student.token, { fullName: 'Referrer Kept', source: 'personal' })
      const referred = await create(student.token, { fullName: 'Referred Kept', source: 'referral' })
      const referral = await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token: student.token,
        payload: { referrer: { contactId: referrer.id }, referred: { contactId: referred.id } },
      })
      expect(referral.statusCode).toBe(201)
      for (const contact of [referrer, referred]) {
        const url = `/v1/contacts/${contact.id}`
        expectProblem(await t.request({ method: 'DELETE', url, token: student.token }), 409, {
          type: 'urn:vantage:problem:conflict',
          title: 'The request conflicts with the current state',
          status: 409,
          detail: 'The contact is part of 1 referral in your network; it cannot be deleted',
          instance: url,
          referrals: 1,
          meetings: 0,
        })
        expect(await contactRow(contact.id)).toMatchObject({ full_name: contact.fullName })
      }
      expect(await count('SELECT count(*)::int AS n FROM referrals WHERE school_id = $1 AND id = $2', [school.id, referral.json().id])).toBe(1)
    })

    it('refuses (409) to delete a contact with meetings; the contact and its meetings stay', async () => {
      const contact = await create(student.token, { fullName: 'Met Once', source: 'personal' })
      // A meeting row as the meetings module writes it (its own tests cover how it gets there).
      await owner.query(
        `INSERT INTO meetings (school_id, id, student_id, contact_id, kind, purpose, mode, proposed_slots, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, $3, 'informational_interview', 'Learn about the work', 'video', '[]', now())`,
        [school.id, student.id, contact.id],
      )
      const url = `/v1/contacts/${contact.id}`
      expectProblem(await t.request({ method: 'DELETE', url, token: student.token }), 409, {
        type: 'urn:vantage:problem:conflict',
        title: 'The request conflicts with the current state',
        status: 409,
        detail: 'The contact has 1 meeting; it cannot be deleted',
        instance: url,
        referrals: 0,
        meetings: 1,
      })
      expect(await contactRow(contact.id)).toMatchObject({ full_name: 'Met Once' })
      expect(await count('SELECT count(*)::int AS n FROM meetings WHERE school_id = $1 AND contact_id = $2', [school.id, contact.id])).toBe(1)
    })

    it('deleting a contact removes its outreach log with it, and no one else\'s', async () => {
      const contact = await create(student.token, { fullName: 'Reached Often', source: 'cold' })
      const kept = await create(student.token, { fullName: 'Reached Once', source: 'cold' })
      for (const channel of ['email', 'linkedin', 'phone']) {
        const logged = await t.request({ method: 'POST', url: `/v1/contacts/${contact.id}/outreach`, token: student.token, payload: { channel } })
        expect(logged.statusCode).toBe(201)
      }
      expect((await t.request({ method: 'POST', url: `/v1/contacts/${kept.id}/outreach`, token: student.token, payload: { channel: 'email' } })).statusCode).toBe(201)
      const outreachOf = (id: string) => count('SELECT count(*)::int AS n FROM outreach WHERE school_id = $1 AND contact_id = $2', [school.id, id])
      expect(await outreachOf(contact.id)).toBe(3)

      const deleted = await t.request({ method: 'DELETE', url: `/v1/contacts/${contact.id}`, token: student.token })
      expect(deleted.statusCode).toBe(204)
      expect(await contactRow(contact.id)).toBeUndefined()
      expect(await outreachOf(contact.id)).toBe(0)
      expect(await outreachOf(kept.id)).toBe(1)
    })
  })
})
