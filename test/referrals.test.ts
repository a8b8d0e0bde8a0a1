import type { LightMyRequestResponse } from 'fastify'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { addContact, addMember } from './factories/index.js'
import { ownerConnection } from './helpers/owner.js'
import { ABSENT_ID, expectProblem, forbiddenBody, JSON_TYPE, notFoundBody, PROBLEM_JSON, UUID } from './helpers/problems.js'




const fields = (response: LightMyRequestResponse) => (response.json().errors as Array<{ field: string }>).map((error) => error.field).sort()

describe('referrals', () => {
  let t: TestApp
  let school: TestSchool
  let owner: pg.Client
  let student: { id: string; token: string }
  let other: { id: string; token: string }
  let advisor: string
  let admin: string

  const addStudent = (externalId: string) => addMember(t, school, externalId)
  const contact = (token: string, payload: Record<string, unknown>) => addContact<{ id: string; fullName: string; organization: string | null; source: string }>(t, token, payload)

  async function refer(token: string, payload: Record<string, unknown>) {
    const response = await t.request({ method: 'POST', url: '/v1/referrals', token, payload })
    expect(response.statusCode, response.body).toBe(201)
    return response.json() as { id: string; referredContactId: string; referrerContactId: string | null; referrerName: string | null; status: string }
  }

  /** How many contacts and referrals the school holds, read past the API. */
  async function totals() {
    const { rows } = await owner.query(
      `SELECT (SELECT count(*)::int FROM contacts WHERE school_id = $1) AS contacts, (SELECT count(*)::int FROM referrals WHERE school_id = $1) AS referrals`,
      [school.id],
    )
    return rows[0] as { contacts: number; referrals: number }
  }

  beforeAll(async () => {
    t = await build()
    school = await t.school('referrals-u')
    owner = await ownerConnection(t)
    student = school.members.student!
    advisor = school.members.advisor!.token
    admin = school.members.school_admin!.token
    other = await addStudent('S-other')
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  describe('POST /v1/referrals', () => {
    it('records that one contact referred another existing contact (201)', async () => {
      const referrer = await contact(student.token, { fullName: 'Mentor Mary', source: 'personal' })
      const referred = await contact(student.token, { fullName: 'Engineer Ed', source: 'referral' })
      const response = await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token: student.token,
        payload: { referrer: { contactId: referrer.id }, referred: { contactId: referred.id }, note: 'Ask about bridges' },
      })
      expect(response.statusCode).toBe(201)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      const referral = response.json()
      expect(referral).toEqual({
        id: expect.stringMatching(UUID),
        studentId: student.id,
        referrerContactId: referrer.id,
        referrerName: null,
        referredContactId: referred.id,
        meetingId: null,
        status: 'suggested',
        note: 'Ask about bridges',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      })
      const { rows } = await owner.query(
        'SELECT student_id::text, referrer_contact_id::text, referrer_name, referred_contact_id::text, status::text FROM referrals WHERE school_id = $1 AND id = $2',
        [school.id, referral.id],
      )
      expect(rows).toEqual([{ student_id: student.id, referrer_contact_id: referrer.id, referrer_name: null, referred_contact_id: referred.id, status: 'suggested' }])
    })

    it('refuses the same referrer naming the same person again (409 with the first referral), at once or in sequence', async () => {
      const referrer = await contact(student.token, { fullName: 'Twice Tina', source: 'personal' })
      const referred = await contact(student.token, { fullName: 'Named Nora', source: 'referral' })
      const payload = { referrer: { contactId: referrer.id }, referred: { contactId: referred.id } }
      const answers = await Promise.all([0, 1, 2].map(() => t.request({ method: 'POST', url: '/v1/referrals', token: student.token, payload })))
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409, 409])
      const first = answers.find((answer) => answer.statusCode === 201)!.json()
      for (const refused of answers.filter((answer) => answer.statusCode === 409)) expect(refused.json()).toMatchObject({ type: 'urn:vantage:problem:conflict', existingId: first.id })
      // By name: the same name in another case is the same referrer; another referrer is another referral.
      const byName = (name: string) => t.request({ method: 'POST', url: '/v1/referrals', token: student.token, payload: { referrer: { name }, referred: { contactId: referred.id } } })
      expect((await byName('Dana from the career fair')).statusCode).toBe(201)
      expect((await byName('dana from the career fair ')).statusCode).toBe(409)
      expect((await byName('Sam from class')).statusCode).toBe(201)
      // Names compare literally: "%" and "_" are characters, not wildcards matching Dana or Sam.
      expect((await byName('%')).statusCode).toBe(201)
      expect((await byName('Sam_from_class')).statusCode).toBe(201)
      const { rows } = await owner.query('SELECT count(*)::int AS n FROM referrals WHERE school_id = $1 AND referred_contact_id = $2', [school.id, referred.id])
      expect(rows[0].n).toBe(5)
    })

    it('with a named referrer and a new person, creates the contact (source referral) and the referral together', async () => {
      const before = await totals()
      const response = await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token: student.token,
        payload: {
          referrer: { name: 'Aunt May' },
          referred: { contact: { fullName: 'Peter Parker', organization: 'Daily Bugle', email: 'Peter@Bugle.com', backgroundTags: ['photography'] } },
          status: 'contacted',
        },
      })
      expect(response.statusCode, response.body).toBe(201)
      const referral = response.json()
      expect(referral).toMatchObject({ studentId: student.id, referrerContactId: null, referrerName: 'Aunt May', status: 'contacted', note: null })
      expect(await totals()).toEqual({ contacts: before.contacts + 1, referrals: before.referrals + 1 })

      const created = await t.request({ method: 'GET', url: `/v1/contacts/${referral.referredContactId}`, token: student.token })
      expect(created.statusCode).toBe(200)
      expect(created.json()).toMatchObject({
        id: referral.referredContactId,
        studentId: student.id,
        fullName: 'Peter Parker',
        organization: 'Daily Bugle',
        email: 'peter@bugle.com',
        source: 'referral',
        backgroundTags: ['photography'],
      })
    })

    it('a referrer contact with a new person works too', async () => {
      const referrer = await contact(student.token, { fullName: 'Coach Carter', source: 'organization' })
      const referral = await refer(student.token, { referrer: { contactId: referrer.id }, referred: { contact: { fullName: 'Player One' } } })
      expect(referral).toMatchObject({ referrerContactId: referrer.id, referrerName: null })
      const { rows } = await owner.query('SELECT full_name, source::text, student_id::text FROM contacts WHERE school_id = $1 AND id = $2', [school.id, referral.referredContactId])
      expect(rows).toEqual([{ full_name: 'Player One', source: 'referral', student_id: student.id }])
    })

    it('a new person whose email the student already has is 409 naming that contact; neither row is written', async () => {
      const existing = await contact(student.token, { fullName: 'Known Person', email: 'known@example.com', source: 'personal' })
      const referrer = await contact(student.token, { fullName: 'Referrer Rita', source: 'personal' })
      const before = await totals()
      for (const referrerField of [{ name: 'Uncle Ben' }, { contactId: referrer.id }]) {
        const response = await t.request({
          method: 'POST',
          url: '/v1/referrals',
          token: student.token,
          payload: { referrer: referrerField, referred: { contact: { fullName: 'Known Again', email: 'KNOWN@example.com' } } },
        })
        expectProblem(response, 409, {
          type: 'urn:vantage:problem:conflict',
          title: 'The request conflicts with the current state',
          status: 409,
          detail: 'You already have a contact with this email',
          instance: '/v1/referrals',
          existingId: existing.id,
        })
      }
      expect(await totals()).toEqual(before)
      const { rows } = await owner.query("SELECT count(*)::int AS n FROM contacts WHERE school_id = $1 AND full_name = 'Known Again'", [school.id])
      expect(rows[0].n).toBe(0)
    })

    it('the same new person referred concurrently: one referral and one contact, the others 409', async () => {
      const before = await totals()
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          t.request({
            method: 'POST',
            url: '/v1/referrals',
            token: student.token,
            payload: { referrer: { name: `Friend ${index}` }, referred: { contact: { fullName: 'Raced Person', email: 'raced@example.com' } } },
          }),
        ),
      )
      expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409])
      const winner = responses.find((response) => response.statusCode === 201)!.json()
      for (const response of responses.filter((candidate) => candidate.statusCode === 409)) {
        expectProblem(response, 409, {
          type: 'urn:vantage:problem:conflict',
          title: 'The request conflicts with the current state',
          status: 409,
          detail: 'You already have a contact with this email',
          instance: '/v1/referrals',
          existingId: winner.referredContactId,
        })
      }
      expect(await totals()).toEqual({ contacts: before.contacts + 1, referrals: before.referrals + 1 })
    })

    it('a new person linked to a member who is not an alumni is 404, and nothing is written', async () => {
      const before = await totals()
      const response = await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token: student.token,
        payload: { referrer: { name: 'Someone' }, referred: { contact: { fullName: 'Linked', alumniMemberId: other.id } } },
      })
      expectProblem(response, 404, notFoundBody('alumni member', '/v1/referrals'))
      expect(await totals()).toEqual(before)
    })

    it('a referrer or referred contact of another student (or none) is 404, and nothing is written', async () => {
      const mine = await contact(student.token, { fullName: 'Mine', source: 'personal' })
      const mineToo = await contact(student.token, { fullName: 'Mine Too', source: 'referral' })
      const theirs = await contact(other.token, { fullName: 'Theirs', source: 'personal' })
      const before = await totals()
      const attempts: Array<[Record<string, unknown>, string]> = [
        [{ referrer: { contactId: theirs.id }, referred: { contactId: mineToo.id } }, 'referrer contact'],
        [{ referrer: { contactId: ABSENT_ID }, referred: { contactId: mineToo.id } }, 'referrer contact'],
        [{ referrer: { contactId: theirs.id }, referred: { contact: { fullName: 'Would Be New' } } }, 'referrer contact'],
        [{ referrer: { contactId: mine.id }, referred: { contactId: theirs.id } }, 'referred contact'],
        [{ referrer: { name: 'Named' }, referred: { contactId: ABSENT_ID } }, 'referred contact'],
      ]
      for (const [payload, what] of attempts) {
        expectProblem(await t.request({ method: 'POST', url: '/v1/referrals', token: student.token, payload }), 404, notFoundBody(what, '/v1/referrals'))
      }
      expect(await totals()).toEqual(before)
    })

    it('a contact cannot refer themselves (400)', async () => {
      const person = await contact(student.token, { fullName: 'Self Referrer', source: 'personal' })
      const before = await totals()
      const response = await t.request({ method: 'POST', url: '/v1/referrals', token: student.token, payload: { referrer: { contactId: person.id }, referred: { contactId: person.id } } })
      expectProblem(response, 400, {
        type: 'urn:vantage:problem:validation-failed',
        title: 'The request is not valid',
        status: 400,
        detail: 'A contact cannot refer themselves',
        instance: '/v1/referrals',
        errors: [{ field: 'body.referred.contactId', message: 'must differ from the referrer' }],
      })
      expect(await totals()).toEqual(before)
    })

    it('a referrer needs a contactId or a name, and the referred person a contactId or contact details (400)', async () => {
      const person = await contact(student.token, { fullName: 'Someone Real', source: 'personal' })
      const before = await totals()
      const noReferrer = await t.request({ method: 'POST', url: '/v1/referrals', token: student.token, payload: { referrer: {}, referred: { contactId: person.id } } })
      expect(noReferrer.statusCode).toBe(400)
      expect(noReferrer.headers['content-type']).toBe(PROBLEM_JSON)
      expect(fields(noReferrer)).toEqual(['body.referrer.contactId', 'body.referrer.name'])

      const missing = await t.request({ method: 'POST', url: '/v1/referrals', token: student.token, payload: { referred: { contactId: person.id } } })
      expect(missing.statusCode).toBe(400)
      expect(fields(missing)).toEqual(['body.referrer'])

      const noReferred = await t.request({ method: 'POST', url: '/v1/referrals', token: student.token, payload: { referrer: { name: 'X' }, referred: {} } })
      expect(noReferred.statusCode).toBe(400)
      expect(fields(noReferred)).toEqual(['body.referred.contact', 'body.referred.contactId'])

      const emptyName = await t.request({ method: 'POST', url: '/v1/referrals', token: student.token, payload: { referrer: { name: '' }, referred: { contactId: person.id } } })
      expect(emptyName.statusCode).toBe(400)

      // The new contact's source is always 'referral': it may not be given.
      const withSource = await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token: student.token,
        payload: { referrer: { name: 'X' }, referred: { contact: { fullName: 'Sourced', source: 'cold' } } },
      })
      expect(withSource.statusCode).toBe(400)
      expect(withSource.json().errors).toContainEqual({ field: 'body.referred.contact.source', message: 'is not a known property' })

      const unknownStatus = await t.request({
        method: 'POST',
        url: '/v1/referrals',
        token: student.token,
        payload: { referrer: { name: 'X' }, referred: { contactId: person.id }, status: 'hired' },
      })
      expect(unknownStatus.statusCode).toBe(400)
      expect(fields(unknownStatus)).toEqual(['body.status'])
      expect(await totals()).toEqual(before)
    })

    it('is for students only: advisors, school admins and alumni get 403', async () => {
      const before = await totals()
      for (const token of [advisor, admin, school.members.alumni!.token]) {
        const response = await t.request({ method: 'POST', url: '/v1/referrals', token, payload: { referrer: { name: 'X' }, referred: { contact: { fullName: 'Y' } } } })
        expectProblem(response, 403, forbiddenBody('/v1/referrals'))
      }
      expect(await totals()).toEqual(before)
    })
  })

  describe('reading and changing referrals', () => {
    let lister: { id: string; token: string }
    let theirs: { id: string; token: string }
    const mine: string[] = []
    let otherReferral: string

    beforeAll(async () => {
      lister = await addStudent('S-lister')
      theirs = await addStudent('S-theirs')
      const referrer = await contact(lister.token, { fullName: 'Lister Referrer', source: 'personal' })
      for (const [index, status] of (['suggested', 'met', 'suggested', 'declined', 'met'] as const).entries()) {
        mine.push((await refer(lister.token, { referrer: { contactId: referrer.id }, referred: { contact: { fullName: `Referred ${index}` } }, status })).id)
      }
      otherReferral = (await refer(theirs.token, { referrer: { name: 'Someone' }, referred: { contact: { fullName: 'Theirs Referred' } } })).id
    })

    async function listAll(token: string, query: Record<string, string> = {}) {
      const seen: string[] = []
      let cursor: string | undefined
      do {
        const response = await t.request({ method: 'GET', url: '/v1/referrals', token, query: { limit: '2', ...query, ...(cursor ? { cursor } : {}) } })
        expect(response.statusCode, response.body).toBe(200)
        expect(response.headers['content-type']).toBe(JSON_TYPE)
        const page = response.json() as { items: Array<{ id: string }>; nextCursor: string | null }
        expect(page.items.length).toBeLessThanOrEqual(Number(query.limit ?? 2))
        seen.push(...page.items.map((item) => item.id))
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      return seen
    }

    it('a student lists their own referrals oldest first, page by page, and filters by status', async () => {
      expect(await listAll(lister.token)).toEqual(mine)
      expect(await listAll(lister.token, { status: 'met' })).toEqual([mine[1], mine[4]])
      expect(await listAll(lister.token, { status: 'contacted' })).toEqual([])
      expect(await listAll(theirs.token)).toEqual([otherReferral])
      expectProblem(await t.request({ method: 'GET', url: '/v1/referrals', token: lister.token, query: { studentId: theirs.id } }), 404, notFoundBody('student', '/v1/referrals'))
      const forged = await t.request({ method: 'GET', url: '/v1/referrals', token: lister.token, query: { cursor: 'forged' } })
      expect(forged.statusCode).toBe(400)
      expect(forged.json().errors).toEqual([{ field: 'querystring.cursor', message: 'is not a valid cursor' }])
    })

    it('advisors and school admins list every student\'s, or one student\'s; alumni may not', async () => {
      for (const token of [advisor, admin]) {
        const everyone = await listAll(token, { limit: '100' })
        expect(everyone).toEqual(expect.arrayContaining([...mine, otherReferral]))
        expect(everyone).toEqual([...everyone].sort())
        expect(await listAll(token, { studentId: lister.id })).toEqual(mine)
        expect(await listAll(token, { studentId: theirs.id, status: 'suggested' })).toEqual([otherReferral])
      }
      expectProblem(await t.request({ method: 'GET', url: '/v1/referrals', token: school.members.alumni!.token }), 403, forbiddenBody('/v1/referrals'))
    })

    it('GET one: the owner and advisors read it; another student gets 404', async () => {
      const url = `/v1/referrals/${mine[0]}`
      const own = await t.request({ method: 'GET', url, token: lister.token })
      expect(own.statusCode).toBe(200)
      expect(own.json()).toMatchObject({ id: mine[0], studentId: lister.id, status: 'suggested' })
      for (const token of [advisor, admin]) expect((await t.request({ method: 'GET', url, token })).json()).toEqual(own.json())
      expectProblem(await t.request({ method: 'GET', url, token: theirs.token }), 404, notFoundBody('referral', url))
      expectProblem(await t.request({ method: 'GET', url: `/v1/referrals/${ABSENT_ID}`, token: lister.token }), 404, notFoundBody('referral', `/v1/referrals/${ABSENT_ID}`))
      expectProblem(await t.request({ method: 'GET', url, token: school.members.alumni!.token }), 403, forbiddenBody(url))
    })

    it('PATCH changes the status and note of the student\'s own referral', async () => {
      const url = `/v1/referrals/${mine[2]}`
      const contacted = await t.request({ method: 'PATCH', url, token: lister.token, payload: { status: 'contacted', note: 'Emailed on Monday' } })
      expect(contacted.statusCode).toBe(200)
      expect(contacted.headers['content-type']).toBe(JSON_TYPE)
      expect(contacted.json()).toMatchObject({ id: mine[2], status: 'contacted', note: 'Emailed on Monday' })
      const cleared = await t.request({ method: 'PATCH', url, token: lister.token, payload: { note: null } })
      expect(cleared.json()).toMatchObject({ status: 'contacted', note: null })
      const { rows } = await owner.query('SELECT status::text, note FROM referrals WHERE school_id = $1 AND id = $2', [school.id, mine[2]])
      expect(rows).toEqual([{ status: 'contacted', note: null }])
    })

    it('PATCH by anyone else changes nothing: another student 404, advisors and admins 403; bad bodies 400', async () => {
      const url = `/v1/referrals/${mine[3]}`
      expectProblem(await t.request({ method: 'PATCH', url, token: theirs.token, payload: { status: 'met' } }), 404, notFoundBody('referral', url))
      for (const token of [advisor, admin]) expectProblem(await t.request({ method: 'PATCH', url, token, payload: { status: 'met' } }), 403, forbiddenBody(url))
      for (const [payload, field] of [
        [{}, 'body'],
        [{ status: 'hired' }, 'body.status'],
        [{ referredContactId: ABSENT_ID }, 'body.referredContactId'],
      ] as const) {
        const response = await t.request({ method: 'PATCH', url, token: lister.token, payload })
        expect(response.statusCode, JSON.stringify(payload)).toBe(400)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(fields(response)).toEqual([field])
      }
      const { rows } = await owner.query('SELECT status::text, note FROM referrals WHERE school_id = $1 AND id = $2', [school.id, mine[3]])
      expect(rows).toEqual([{ status: 'declined', note: null }])
    })
  })

  describe('one definition of depth and cycles, for the network and the report', () => {
    it('agree on a graph with a chain of three, a cycle and a referrer known only by name', async () => {
      const own = await t.school('referral-depth-u')
      const token = own.members.student!.token
      const a = await contact(token, { fullName: 'Ana Known', source: 'personal' })
      const step = async (referrer: Record<string, unknown>, fullName: string) => (await refer(token, { referrer, referred: { contact: { fullName } } })).referredContactId
      const b = await step({ contactId: a.id }, 'Ben')
      const c = await step({ contactId: b }, 'Cai')
      const d = await step({ contactId: c }, 'Dee')
      await refer(token, { referrer: { contactId: d }, referred: { contactId: b } }) // closes the cycle B → C → D → B
      const e = await step({ name: 'Dana from the career fair' }, 'Eve')
      const f = await step({ contactId: e }, 'Fay')

      const network = await t.request({ method: 'GET', url: `/v1/members/${own.members.student!.id}/network`, token })
      expect(network.statusCode).toBe(200)
      const degree = Object.fromEntries((network.json().nodes as Array<{ contactId: string; degree: number }>).map((node) => [node.contactId, node.degree]))
      expect([a.id, b, c, d, e, f].map((id) => degree[id])).toEqual([1, 2, 3, 4, 2, 3])

      const today = new Date().toISOString().slice(0, 10)
      const year = (offset: number) => `${Number(today.slice(0, 4)) + offset}${today.slice(4)}`
      const query = `{ report(from: "${year(-1)}", to: "${year(1)}") { networkGrowth { referralsReceived maxChainDepth chainDepths { depth referrals } referralsInCycles } } }`
      const report = await t.request({ method: 'POST', url: '/graphql', token: own.members.advisor!.token, payload: { query } })
      expect(report.json(), report.body).toEqual({
        data: {
          report: {
            networkGrowth: {
              referralsReceived: 6,
              // Depth 1: A → B and Dana → E; 2: B → C and E → F; 3: C → D; D → B closes the cycle.
              maxChainDepth: 3,
              chainDepths: [{ depth: 1, referrals: 2 }, { depth: 2, referrals: 2 }, { depth: 3, referrals: 1 }],
              referralsInCycles: 1,
            },
          },
        },
      })
    })
  })

  describe('GET /v1/members/{memberId}/network', () => {
    let networker: { id: string; token: string }
    let expectedNetwork: Record<string, unknown>

    beforeAll(async () => {
      networker = await addStudent('S-networker')
      // A (known personally) referred B, B referred C, C referred D; D later referred B again (a
      // cycle); Aunt Ida (named, not a contact) referred N; O is known through an organization.
      const a = await contact(networker.token, { fullName: 'Ada Direct', organization: 'Start Inc', source: 'personal' })
      const ab = await refer(networker.token, { referrer: { contactId: a.id }, referred: { contact: { fullName: 'Bea Second', organization: 'Second Co' } } })
      const bc = await refer(networker.token, { referrer: { contactId: ab.referredContactId }, referred: { contact: { fullName: 'Cal Third' } } })
      const cd = await refer(networker.token, { referrer: { contactId: bc.referredContactId }, referred: { contact: { fullName: 'Dee Fourth' } } })
      const db = await refer(networker.token, { referrer: { contactId: cd.referredContactId }, referred: { contactId: ab.referredContactId }, status: 'met' })
      const named = await refer(networker.token, { referrer: { name: 'Aunt Ida' }, referred: { contact: { fullName: 'Ned Named' } } })
      const o = await contact(networker.token, { fullName: 'Oli Org', source: 'organization' })

      const node = (contactId: string, fullName: string, organization: string | null, source: string, degree: number) => ({ contactId, fullName, organization, source, degree })
      const edge = (referral: typeof ab, status = 'suggested') => ({
        referralId: referral.id,
        fromContactId: referral.referrerContactId,
        fromName: referral.referrerName,
        toContactId: referral.referredContactId,
        status,
      })
      expectedNetwork = {
        studentId: networker.id,
        nodes: [
          node(a.id, 'Ada Direct', 'Start Inc', 'personal', 1),
          node(ab.referredContactId, 'Bea Second', 'Second Co', 'referral', 2),
          node(bc.referredContactId, 'Cal Third', null, 'referral', 3),
          node(cd.referredContactId, 'Dee Fourth', null, 'referral', 4),
          node(named.referredContactId, 'Ned Named', null, 'referral', 2),
          node(o.id, 'Oli Org', null, 'organization', 1),
        ],
        edges: [
          edge(ab),
          edge(bc),
          edge(cd),
          { referralId: db.id, fromContactId: cd.referredContactId, fromName: null, toContactId: ab.referredContactId, status: 'met' },
          { referralId: named.id, fromContactId: null, fromName: 'Aunt Ida', toContactId: named.referredContactId, status: 'suggested' },
        ],
        maxDegree: 4,
      }
    })

    it('gives every contact its shortest degree through a chain with a cycle, and every referral as an edge', async () => {
      const url = `/v1/members/${networker.id}/network`
      const response = await t.request({ method: 'GET', url, token: networker.token })
      expect(response.statusCode, response.body).toBe(200)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      expect(response.json()).toEqual(expectedNetwork)
    })

    it('advisors and school admins read any student\'s network; alumni may not', async () => {
      const url = `/v1/members/${networker.id}/network`
      for (const token of [advisor, admin]) {
        const response = await t.request({ method: 'GET', url, token })
        expect(response.statusCode).toBe(200)
        expect(response.json()).toEqual(expectedNetwork)
      }
      expectProblem(await t.request({ method: 'GET', url, token: school.members.alumni!.token }), 403, forbiddenBody(url))
    })

    it('a student asking for another student\'s network gets 404; so does anyone asking for no member', async () => {
      const url = `/v1/members/${networker.id}/network`
      expectProblem(await t.request({ method: 'GET', url, token: other.token }), 404, notFoundBody('member', url))
      const absent = `/v1/members/${ABSENT_ID}/network`
      expectProblem(await t.request({ method: 'GET', url: absent, token: advisor }), 404, notFoundBody('member', absent))
    })

    it('a student without contacts has an empty network', async () => {
      const empty = await addStudent('S-empty')
      const response = await t.request({ method: 'GET', url: `/v1/members/${empty.id}/network`, token: empty.token })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({ studentId: empty.id, nodes: [], edges: [], maxDegree: 0 })
    })
  })
})

describe('a referral from a meeting', () => {
  it('names the meeting it came from, whose contact is the referrer', async () => {
    let now = new Date('2027-02-01T12:00:00Z')
    const t = await build({}, { clock: () => now })
    try {
      const school = await t.school('ref-meeting', ['student'])
      const other = await t.school('ref-meeting-2', ['student'])
      const token = school.members.student!.token
      const post = (url: string, payload: unknown, as = token) => t.request({ method: 'POST', url, token: as, payload: payload as Record<string, unknown> })
      const grace = (await post('/v1/contacts', { fullName: 'Grace Park', source: 'personal' })).json()
      const omar = (await post('/v1/contacts', { fullName: 'Omar Haddad', source: 'personal' })).json()
      const meeting = (
        await post('/v1/meetings', {
          contactId: grace.id,
          kind: 'informational_interview',
          purpose: 'Information only',
          mode: 'phone',
          proposedSlots: [{ startsAt: '2027-02-02T15:00:00Z', endsAt: '2027-02-02T15:30:00Z' }],
        })
      ).json()

      const created = await post('/v1/referrals', { referrer: { contactId: grace.id }, referred: { contact: { fullName: 'Dr. Sam Lee' } }, meetingId: meeting.id })
      expect(created.statusCode).toBe(201)
      expect(created.json()).toMatchObject({ referrerContactId: grace.id, meetingId: meeting.id })

      const wrongReferrer = await post('/v1/referrals', { referrer: { contactId: omar.id }, referred: { contact: { fullName: 'Someone Else' } }, meetingId: meeting.id })
      expect(wrongReferrer.statusCode).toBe(400)
      expect(wrongReferrer.json().errors).toEqual([{ field: 'body.referrer.contactId', message: 'must be the contact of the meeting given in meetingId' }])

      const foreign = await post('/v1/referrals', { referrer: { name: 'A friend' }, referred: { contact: { fullName: 'Nobody' } }, meetingId: meeting.id }, other.members.student!.token)
      expect(foreign.statusCode).toBe(404)
      const count = await t.database.forSchool(school.id).db.contact.count({ where: { schoolId: school.id } })
      expect(count).toBe(3)
      now = new Date('2027-02-01T12:00:01Z')
    } finally {
      await t.close()
    }
  })
})
