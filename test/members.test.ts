import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'

describe('members', () => {
  let t: TestApp
  let school: TestSchool
  let owner: pg.Client

  /** Rows of a school's members as the table holds them, bypassing the API and row-level security. */
  async function memberRows(schoolId: string) {
    const { rows } = await owner.query<{ external_id: string; email: string | null }>(
      'SELECT external_id, email FROM members WHERE school_id = $1 ORDER BY external_id',
      [schoolId],
    )
    return rows
  }

  beforeAll(async () => {
    t = await build()
    school = await t.school('members-u')
    owner = await ownerConnection(t)
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  describe('PUT /v1/members/{externalId}', () => {
    it('creates the member (201), then answers 200 for the same body, without a second row', async () => {
      const admin = school.members.school_admin!.token
      const body = {
        roles: ['student'],
        givenName: 'Ada',
        familyName: 'Lovelace',
        email: 'ada@members-u.edu',
        major: 'Mathematics',
        graduationYear: 2027,
        fieldsOfInterest: ['Computing'],
        backgroundTags: ['first-generation'],
      }
      const created = await t.request({ method: 'PUT', url: '/v1/members/S-1001', token: admin, payload: body })
      expect(created.statusCode).toBe(201)
      expect(created.headers['content-type']).toBe(JSON_TYPE)
      const member = created.json()
      expect(member).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        externalId: 'S-1001',
        status: 'active',
        ...body,
        shareBackgroundTags: true,
        directoryOptOut: false,
        sharing: { name: true, major: true, graduationYear: true, fieldsOfInterest: true, backgroundTags: true },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      })

      const again = await t.request({ method: 'PUT', url: '/v1/members/S-1001', token: admin, payload: body })
      expect(again.statusCode).toBe(200)
      expect(again.json()).toMatchObject({ ...body, id: member.id, externalId: 'S-1001', createdAt: member.createdAt })

      const { rows } = await owner.query('SELECT count(*)::int AS n FROM members WHERE school_id = $1 AND external_id = $2', [school.id, 'S-1001'])
      expect(rows[0].n).toBe(1)
    })

    it('creates one row when the same member is provisioned concurrently', async () => {
      const admin = school.members.school_admin!.token
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => t.request({ method: 'PUT', url: '/v1/members/S-race', token: admin, payload: { roles: ['student'] } })),
      )
      expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 200, 200, 200, 201])
      expect(new Set(responses.map((response) => response.json().id)).size).toBe(1)
      const { rows } = await owner.query("SELECT count(*)::int AS n FROM members WHERE school_id = $1 AND external_id = 'S-race'", [school.id])
      expect(rows[0].n).toBe(1)
    })

    it('replaces the member: fields left out are cleared', async () => {
      const admin = school.members.school_admin!.token
      await t.request({
        method: 'PUT',
        url: '/v1/members/S-1002',
        token: admin,
        payload: { roles: ['student', 'alumni'], givenName: 'Grace', email: 'grace@members-u.edu', major: 'Physics', graduationYear: 2020, fieldsOfInterest: ['Navy'], backgroundTags: ['veteran'] },
      })
      const replaced = await t.request({ method: 'PUT', url: '/v1/members/S-1002', token: admin, payload: { roles: ['alumni'], givenName: 'Grace' } })
      expect(replaced.statusCode).toBe(200)
      expect(replaced.json()).toMatchObject({
        externalId: 'S-1002',
        roles: ['alumni'],
        status: 'active',
        givenName: 'Grace',
        familyName: null,
        email: null,
        major: null,
        graduationYear: null,
        fieldsOfInterest: [],
        backgroundTags: [],
        shareBackgroundTags: true,
      })
      const { rows } = await owner.query(
        'SELECT roles::text[] AS roles, email, major, graduation_year, fields_of_interest, background_tags FROM members WHERE school_id = $1 AND external_id = $2',
        [school.id, 'S-1002'],
      )
      expect(rows).toEqual([{ roles: ['alumni'], email: null, major: null, graduation_year: null, fields_of_interest: [], background_tags: [] }])
    })

    it('rejects a body without roles, and an external id with characters it does not allow', async () => {
      const admin = school.members.school_admin!.token
      const noRoles = await t.request({ method: 'PUT', url: '/v1/members/S-1003', token: admin, payload: { givenName: 'X' } })
      expect(noRoles.statusCode).toBe(400)
      expect(noRoles.headers['content-type']).toBe(PROBLEM_JSON)
      expect(noRoles.json().errors).toEqual([{ field: 'body.roles', message: expect.any(String) }])

      const badId = await t.request({ method: 'PUT', url: '/v1/members/has%20space', token: admin, payload: { roles: ['student'] } })
      expect(badId.statusCode).toBe(400)
      expect(badId.json().errors).toEqual([{ field: 'params.externalId', message: expect.any(String) }])
    })

    it('is allowed to school admins and to clients with members:write, and to no one else', async () => {
      const payload = { roles: ['student'] }
      const client = await t.clientToken(school.id, `${school.slug}.writer`, ['members:write'])
      // The authenticator checks that the client exists and is enabled.
      await owner.query(
        `INSERT INTO integration_clients (school_id, id, client_id, name, secret_hash, scopes, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, 'writer', 'none', '{members:write}', now())`,
        [school.id, `${school.slug}.writer`],
      )
      const byClient = await t.request({ method: 'PUT', url: '/v1/members/C-1', token: client, payload })
      expect(byClient.statusCode).toBe(201)

      for (const role of ['advisor', 'student', 'alumni'] as const) {
        const response = await t.request({ method: 'PUT', url: `/v1/members/R-${role}`, token: school.members[role]!.token, payload })
        expect(response.statusCode, role).toBe(403)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:forbidden', status: 403 })
      }
      const reader = await t.clientToken(school.id, `${school.slug}.writer`, ['members:read'])
      const byReader = await t.request({ method: 'PUT', url: '/v1/members/C-2', token: reader, payload })
      expect(byReader.statusCode).toBe(403)

      const names = (await memberRows(school.id)).map((row) => row.external_id)
      expect(names).toContain('C-1')
      expect(names.filter((name) => name.startsWith('R-') || name === 'C-2')).toEqual([])
    })

    it('disabling a member by PUT turns away their tokens; enabling lets them back', async () => {
      const admin = school.members.school_admin!.token
      await t.request({ method: 'PUT', url: '/v1/members/S-off', token: admin, payload: { roles: ['student'] } })
      const token = await t.memberToken(school.id, 'S-off')
      expect((await t.request({ method: 'GET', url: '/v1/me', token })).statusCode).toBe(200)

      const disabled = await t.request({ method: 'PUT', url: '/v1/members/S-off', token: admin, payload: { roles: ['student'], status: 'disabled' } })
      expect(disabled.statusCode).toBe(200)
      expect(disabled.json().status).toBe('disabled')
      const refused = await t.request({ method: 'GET', url: '/v1/me', token })
      expect(refused.statusCode).toBe(401)
      expect(refused.json()).toMatchObject({ type: 'urn:vantage:problem:member-disabled', status: 401 })

      // PUT replaces: leaving status out makes the member active again.
      await t.request({ method: 'PUT', url: '/v1/members/S-off', token: admin, payload: { roles: ['student'] } })
      expect((await t.request({ method: 'GET', url: '/v1/me', token })).statusCode).toBe(200)
    })

    it('answers 401 without a token', async () => {
      const response = await t.request({ method: 'PUT', url: '/v1/members/S-9', payload: { roles: ['student'] } })
      expect(response.statusCode).toBe(401)
      expect(response.json()).toMatchObject({ type: 'urn:vantage:problem:credentials-missing' })
    })
  })

  describe('POST /v1/members:bulk', () => {
    let bulkSchool: TestSchool
    beforeAll(async () => {
      bulkSchool = await t.school('bulk-u', ['school_admin'])
    })

    it('writes every member and reports each as created or updated', async () => {
      const admin = bulkSchool.members.school_admin!.token
      await t.request({ method: 'PUT', url: '/v1/members/B-2', token: admin, payload: { roles: ['student'], givenName: 'Old' } })
      const response = await t.request({
        method: 'POST',
        url: '/v1/members:bulk',
        token: admin,
        payload: {
          members: [
            { externalId: 'B-1', roles: ['student'], email: 'b1@bulk-u.edu', graduationYear: 2026, fieldsOfInterest: ['Law'] },
            { externalId: 'B-2', roles: ['alumni'], givenName: 'New' },
            { externalId: 'B-3', roles: ['advisor', 'alumni'] },
          ],
        },
      })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe(JSON_TYPE)
      const result = response.json()
      expect(result).toEqual({
        created: 2,
        updated: 1,
        members: [
          { externalId: 'B-1', id: expect.any(String), outcome: 'created' },
          { externalId: 'B-2', id: expect.any(String), outcome: 'updated' },
          { externalId: 'B-3', id: expect.any(String), outcome: 'created' },
        ],
      })
      const { rows } = await owner.query(
        `SELECT external_id, roles::text[] AS roles, given_name, email, graduation_year, fields_of_interest
           FROM members WHERE school_id = $1 AND external_id LIKE 'B-%' ORDER BY external_id`,
        [bulkSchool.id],
      )
      expect(rows).toEqual([
        { external_id: 'B-1', roles: ['student'], given_name: null, email: 'b1@bulk-u.edu', graduation_year: 2026, fields_of_interest: ['Law'] },
        { external_id: 'B-2', roles: ['alumni'], given_name: 'New', email: null, graduation_year: null, fields_of_interest: [] },
        { external_id: 'B-3', roles: ['advisor', 'alumni'], given_name: null, email: null, graduation_year: null, fields_of_interest: [] },
      ])

      const read = await t.request({ method: 'GET', url: `/v1/members/${result.members[0].id}`, token: admin })
      expect(read.json()).toMatchObject({ externalId: 'B-1', status: 'active', email: 'b1@bulk-u.edu' })
    })

    const validMembers = () => [
      { externalId: 'N-0', roles: ['student'] },
      { externalId: 'N-1', roles: ['student'], email: 'n1@bulk-u.edu' },
      { externalId: 'N-2', roles: ['alumni'] },
      { externalId: 'N-3', roles: ['student'], email: 'n3@bulk-u.edu' },
    ]

    it.each([
      ['a bad email', (members: Array<Record<string, unknown>>) => void (members[3]!.email = 'not-an-email'), 'body.members.3.email'],
      ['an unknown role', (members: Array<Record<string, unknown>>) => void (members[3]!.roles = ['dean']), 'body.members.3.roles.0'],
      ['an unknown property', (members: Array<Record<string, unknown>>) => void (members[3]!.nickname = 'N'), 'body.members.3.nickname'],
      ['an external id used twice', (members: Array<Record<string, unknown>>) => void (members[3]!.externalId = 'N-1'), 'body.members.3.externalId'],
    ])('writes nothing when one item has %s, and names that item\'s field', async (_case, spoil, field) => {
      const admin = bulkSchool.members.school_admin!.token
      const before = await memberRows(bulkSchool.id)
      const members: Array<Record<string, unknown>> = validMembers()
      spoil(members)
      const response = await t.request({ method: 'POST', url: '/v1/members:bulk', token: admin, payload: { members } })
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      const problem = response.json()
      expect(problem).toMatchObject({ type: 'urn:vantage:problem:validation-failed', status: 400 })
      expect(problem.errors).toEqual([{ field, message: expect.any(String) }])
      expect(await memberRows(bulkSchool.id)).toEqual(before)
    })

    it('writes nothing when the database rejects one item', async () => {
      // Passes validation, fails in the database: the whole statement is rolled back.
      const admin = bulkSchool.members.school_admin!.token
      await owner.query(`ALTER TABLE members ADD CONSTRAINT test_no_zz CHECK (external_id <> 'N-ZZ') NOT VALID`)
      try {
        const before = await memberRows(bulkSchool.id)
        const members = [...validMembers(), { externalId: 'N-ZZ', roles: ['student'] }]
        const response = await t.request({ method: 'POST', url: '/v1/members:bulk', token: admin, payload: { members } })
        expect(response.statusCode).toBe(500)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json()).toEqual({
          type: 'urn:vantage:problem:internal',
          title: 'Something went wrong on our side',
          status: 500,
          detail: 'An unexpected error occurred; it has been logged',
          instance: '/v1/members:bulk',
        })
        expect(await memberRows(bulkSchool.id)).toEqual(before)
      } finally {
        await owner.query('ALTER TABLE members DROP CONSTRAINT test_no_zz')
      }
    })

    it('takes 1,000 members in one request', async () => {
      const admin = bulkSchool.members.school_admin!.token
      const members = Array.from({ length: 1000 }, (_, index) => ({ externalId: `K-${index}`, roles: ['student'], graduationYear: 2030 }))
      const response = await t.request({ method: 'POST', url: '/v1/members:bulk', token: admin, payload: { members } })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({ created: 1000, updated: 0 })
      const { rows } = await owner.query("SELECT count(*)::int AS n FROM members WHERE school_id = $1 AND external_id LIKE 'K-%'", [bulkSchool.id])
      expect(rows[0].n).toBe(1000)
      await owner.query("DELETE FROM members WHERE school_id = $1 AND external_id LIKE 'K-%'", [bulkSchool.id])
    })

    it('rejects an empty list and more than 1,000 members', async () => {
      const admin = bulkSchool.members.school_admin!.token
      const empty = await t.request({ method: 'POST', url: '/v1/members:bulk', token: admin, payload: { members: [] } })
      expect(empty.statusCode).toBe(400)
      expect(empty.json().errors).toEqual([{ field: 'body.members', message: expect.any(String) }])
      const many = Array.from({ length: 1001 }, (_, index) => ({ externalId: `M-${index}`, roles: ['student'] }))
      const tooMany = await t.request({ method: 'POST', url: '/v1/members:bulk', token: admin, payload: { members: many } })
      expect(tooMany.statusCode).toBe(400)
      expect(tooMany.json().errors).toEqual([{ field: 'body.members', message: expect.any(String) }])
    })

    it('is allowed to school admins and members:write clients only', async () => {
      const advisorSchool = await t.school('bulk-roles-u', ['advisor', 'student'])
      for (const role of ['advisor', 'student'] as const) {
        const response = await t.request({
          method: 'POST',
          url: '/v1/members:bulk',
          token: advisorSchool.members[role]!.token,
          payload: { members: [{ externalId: 'X-1', roles: ['student'] }] },
        })
        expect(response.statusCode).toBe(403)
      }
      expect((await memberRows(advisorSchool.id)).map((row) => row.external_id)).not.toContain('X-1')
    })
  })

  describe('GET /v1/members', () => {
    let listSchool: TestSchool
    let ids: Record<string, string>

    beforeAll(async () => {
      listSchool = await t.school('list-u', ['school_admin', 'advisor', 'student'])
      const response = await t.request({
        method: 'POST',
        url: '/v1/members:bulk',
        token: listSchool.members.school_admin!.token,
        payload: {
          members: [
            { externalId: 'L-1', roles: ['student'], graduationYear: 2026, major: 'History' },
            { externalId: 'L-2', roles: ['student'], graduationYear: 2027, major: 'History' },
            { externalId: 'L-3', roles: ['student'], graduationYear: 2026, major: 'Biology' },
            { externalId: 'L-4', roles: ['alumni'], graduationYear: 2019, major: 'History' },
            { externalId: 'L-5', roles: ['alumni', 'advisor'], graduationYear: 2015, major: 'Biology' },
          ],
        },
      })
      expect(response.statusCode).toBe(200)
      ids = Object.fromEntries(response.json().members.map((member: { externalId: string; id: string }) => [member.externalId, member.id]))
    })

    const externalIds = (body: { items: Array<{ externalId: string }> }) => body.items.map((item) => item.externalId).sort()

    it('filters by role, graduation year and major, alone and together', async () => {
      const advisor = listSchool.members.advisor!.token
      const list = async (query: string) => {
        const response = await t.request({ method: 'GET', url: `/v1/members?${query}`, token: advisor })
        expect(response.statusCode).toBe(200)
        expect(response.json().nextCursor).toBeNull()
        return externalIds(response.json())
      }
      expect(await list('role=alumni')).toEqual(['L-4', 'L-5'])
      expect(await list('role=advisor')).toEqual(['L-5', 'list-u-advisor-1'])
      expect(await list('graduationYear=2026')).toEqual(['L-1', 'L-3'])
      expect(await list('major=History')).toEqual(['L-1', 'L-2', 'L-4'])
      expect(await list('role=student&major=History')).toEqual(['L-1', 'L-2'])
      expect(await list('role=student&graduationYear=2026&major=Biology')).toEqual(['L-3'])
      expect(await list('major=Chemistry')).toEqual([])
    })

    it('rejects unknown filters and values with 400', async () => {
      const advisor = listSchool.members.advisor!.token
      for (const [query, field] of [
        ['role=dean', 'querystring.role'],
        ['graduationYear=soon', 'querystring.graduationYear'],
        ['limit=0', 'querystring.limit'],
        ['limit=101', 'querystring.limit'],
        ['colour=blue', 'querystring.colour'],
      ] as const) {
        const response = await t.request({ method: 'GET', url: `/v1/members?${query}`, token: advisor })
        expect(response.statusCode, query).toBe(400)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
        expect(response.json().errors, query).toEqual([{ field, message: expect.any(String) }])
      }
    })

    it('walks every member exactly once, in order, two at a time', async () => {
      const advisor = listSchool.members.advisor!.token
      const all = await t.request({ method: 'GET', url: '/v1/members?limit=100', token: advisor })
      const everyone = all.json().items.map((item: { id: string }) => item.id)
      expect(everyone).toHaveLength(8)
      expect(everyone).toEqual([...everyone].sort())
      expect(everyone).toEqual(expect.arrayContaining(Object.values(ids)))

      const seen: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const url: string = `/v1/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`
        const response = await t.request({ method: 'GET', url, token: advisor })
        expect(response.statusCode).toBe(200)
        const page = response.json()
        expect(page.items.length).toBeLessThanOrEqual(2)
        seen.push(...page.items.map((item: { id: string }) => item.id))
        cursor = page.nextCursor
        pages += 1
      } while (cursor && pages < 10)
      expect(pages).toBe(4)
      expect(seen).toEqual(everyone)
    })

    it('keeps filters across pages', async () => {
      const advisor = listSchool.members.advisor!.token
      const first = await t.request({ method: 'GET', url: '/v1/members?major=History&limit=2', token: advisor })
      expect(first.json().items).toHaveLength(2)
      const second = await t.request({ method: 'GET', url: `/v1/members?major=History&limit=2&cursor=${first.json().nextCursor}`, token: advisor })
      expect(second.json()).toEqual({ items: [expect.objectContaining({ major: 'History' })], nextCursor: null })
      expect([...externalIds(first.json()), ...externalIds(second.json())].sort()).toEqual(['L-1', 'L-2', 'L-4'])
    })

    it.each([
      ['garbage', 'not_a_cursor'],
      ['JSON without an id', Buffer.from(JSON.stringify({ after: 1 })).toString('base64url')],
      ['a number id', Buffer.from(JSON.stringify({ id: 7 })).toString('base64url')],
      ['an id that is not a UUID', Buffer.from(JSON.stringify({ id: "x' OR 1=1 --" })).toString('base64url')],
      ['a cursor with characters outside base64url', 'abc%2Bdef'],
    ])('rejects a forged cursor (%s) with 400', async (_case, cursor) => {
      const response = await t.request({ method: 'GET', url: `/v1/members?cursor=${cursor}`, token: listSchool.members.advisor!.token })
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      expect(response.json()).toMatchObject({
        type: 'urn:vantage:problem:validation-failed',
        errors: [{ field: 'querystring.cursor', message: expect.any(String) }],
      })
    })

    it('lists only the caller\'s school', async () => {
      const response = await t.request({ method: 'GET', url: '/v1/members?limit=100', token: school.members.advisor!.token })
      const names = externalIds(response.json())
      expect(names.some((name) => name.startsWith('L-') || name.startsWith('list-u'))).toBe(false)
    })

    it('is for advisors, school admins and members:read clients; students get 403', async () => {
      const student = await t.request({ method: 'GET', url: '/v1/members', token: listSchool.members.student!.token })
      expect(student.statusCode).toBe(403)
      const admin = await t.request({ method: 'GET', url: '/v1/members', token: listSchool.members.school_admin!.token })
      expect(admin.statusCode).toBe(200)
    })
  })

  describe('GET /v1/members/{id}', () => {
    let readSchool: TestSchool
    let otherStudentId: string

    beforeAll(async () => {
      readSchool = await t.school('read-u', ['student', 'advisor', 'school_admin', 'alumni'])
      const other = await t.request({
        method: 'PUT',
        url: '/v1/members/other-student',
        token: readSchool.members.school_admin!.token,
        payload: { roles: ['student'], givenName: 'Other' },
      })
      otherStudentId = other.json().id
    })

    it('lets an advisor read any member', async () => {
      for (const id of [otherStudentId, readSchool.members.student!.id, readSchool.members.alumni!.id]) {
        const response = await t.request({ method: 'GET', url: `/v1/members/${id}`, token: readSchool.members.advisor!.token })
        expect(response.statusCode).toBe(200)
        expect(response.json().id).toBe(id)
      }
    })

    it('lets a student read themselves, and answers 404 for another student', async () => {
      const student = readSchool.members.student!
      const self = await t.request({ method: 'GET', url: `/v1/members/${student.id}`, token: student.token })
      expect(self.statusCode).toBe(200)
      expect(self.json()).toMatchObject({ id: student.id, externalId: student.externalId, roles: ['student'] })

      const other = await t.request({ method: 'GET', url: `/v1/members/${otherStudentId}`, token: student.token })
      expect(other.statusCode).toBe(404)
      expect(other.headers['content-type']).toBe(PROBLEM_JSON)
      expect(other.json()).toMatchObject({ type: 'urn:vantage:problem:not-found', status: 404 })
      // Indistinguishable from a member that does not exist.
      const missing = await t.request({ method: 'GET', url: '/v1/members/0190aaaa-0000-7000-8000-000000000000', token: student.token })
      expect(missing.statusCode).toBe(404)
      expect(missing.json().detail).toBe(other.json().detail)
    })

    it('lets alumni read only themselves too', async () => {
      const alumni = readSchool.members.alumni!
      expect((await t.request({ method: 'GET', url: `/v1/members/${alumni.id}`, token: alumni.token })).statusCode).toBe(200)
      expect((await t.request({ method: 'GET', url: `/v1/members/${otherStudentId}`, token: alumni.token })).statusCode).toBe(404)
    })

    it('lets a client with members:read read anyone', async () => {
      const clientId = `${readSchool.slug}.reader`
      await owner.query(
        `INSERT INTO integration_clients (school_id, id, client_id, name, secret_hash, scopes, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, 'reader', 'none', '{members:read}', now())`,
        [readSchool.id, clientId],
      )
      const token = await t.clientToken(readSchool.id, clientId, ['members:read'])
      const response = await t.request({ method: 'GET', url: `/v1/members/${otherStudentId}`, token })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({ id: otherStudentId, externalId: 'other-student', givenName: 'Other' })

      const writer = await t.clientToken(readSchool.id, clientId, ['members:write'])
      expect((await t.request({ method: 'GET', url: `/v1/members/${otherStudentId}`, token: writer })).statusCode).toBe(403)
    })

    it('answers 404 for a member of another school, even to an advisor', async () => {
      const response = await t.request({ method: 'GET', url: `/v1/members/${readSchool.members.student!.id}`, token: school.members.advisor!.token })
      expect(response.statusCode).toBe(404)
    })

    it('answers 400 for an id that is not a UUID', async () => {
      const response = await t.request({ method: 'GET', url: '/v1/members/42', token: readSchool.members.advisor!.token })
      expect(response.statusCode).toBe(400)
      expect(response.json().errors).toEqual([{ field: 'params.memberId', message: expect.any(String) }])
    })
  })
  describe('sharing: /v1/members/{id}/sharing', () => {
    const ALL = { name: true, major: true, graduationYear: true, fieldsOfInterest: true, backgroundTags: true }
    const NONE = { name: false, major: false, graduationYear: false, fieldsOfInterest: false, backgroundTags: false }
    let student: { id: string; token: string }
    let classmate: string

    beforeAll(async () => {
      const admin = school.members.school_admin!.token
      const put = await t.request({ method: 'PUT', url: '/v1/members/S-share', token: admin, payload: { roles: ['student'], givenName: 'Sasha', major: 'History' } })
      student = { id: put.json().id, token: await t.memberToken(school.id, 'S-share') }
      await t.request({ method: 'PUT', url: '/v1/members/S-share-2', token: admin, payload: { roles: ['student'] } })
      classmate = await t.memberToken(school.id, 'S-share-2')
    })

    it('a new student shares everything; they change field by field, and only what they send changes', async () => {
      const url = `/v1/members/${student.id}/sharing`
      expect((await t.request({ method: 'GET', url, token: student.token })).json()).toEqual({ memberId: student.id, directoryOptOut: false, sharing: ALL, shownToOthers: ALL })
      const changed = await t.request({ method: 'PATCH', url, token: student.token, payload: { major: false, backgroundTags: false } })
      expect(changed.statusCode, changed.body).toBe(200)
      const expected = { ...ALL, major: false, backgroundTags: false }
      expect(changed.json()).toEqual({ memberId: student.id, directoryOptOut: false, sharing: expected, shownToOthers: expected })
      expect((await t.request({ method: 'PATCH', url, token: student.token, payload: { name: false } })).json().sharing).toEqual({ ...expected, name: false })
      expect((await t.request({ method: 'PATCH', url, token: student.token, payload: { name: true } })).json().sharing).toEqual(expected)
      // The member record says the same; shareBackgroundTags is the same choice as sharing.backgroundTags.
      const member = (await t.request({ method: 'GET', url: `/v1/members/${student.id}`, token: student.token })).json()
      expect(member).toMatchObject({ sharing: expected, shareBackgroundTags: false, directoryOptOut: false })
    })

    it('the portal\'s PUT keeps the student\'s choices; its directory opt-out hides everything whatever they chose', async () => {
      const admin = school.members.school_admin!.token
      const url = `/v1/members/${student.id}/sharing`
      const before = (await t.request({ method: 'GET', url, token: admin })).json().sharing
      const optedOut = await t.request({ method: 'PUT', url: '/v1/members/S-share', token: admin, payload: { roles: ['student'], givenName: 'Sasha', directoryOptOut: true } })
      expect(optedOut.json()).toMatchObject({ directoryOptOut: true, sharing: before })
      expect((await t.request({ method: 'GET', url, token: student.token })).json()).toEqual({ memberId: student.id, directoryOptOut: true, sharing: before, shownToOthers: NONE })
      // The same through the bulk route, which also keeps the choice of tags when it is left out.
      const bulk = await t.request({ method: 'POST', url: '/v1/members:bulk', token: admin, payload: { members: [{ externalId: 'S-share', roles: ['student'], givenName: 'Sasha' }] } })
      expect(bulk.statusCode).toBe(200)
      expect((await t.request({ method: 'GET', url, token: student.token })).json()).toEqual({ memberId: student.id, directoryOptOut: false, sharing: before, shownToOthers: before })
      // Given, the portal's value of shareBackgroundTags is the choice.
      await t.request({ method: 'PUT', url: '/v1/members/S-share', token: admin, payload: { roles: ['student'], shareBackgroundTags: true } })
      expect((await t.request({ method: 'GET', url, token: student.token })).json().sharing.backgroundTags).toBe(true)
    })

    it('the member and school admins choose; advisors read; another student, an alumnus and another school get 404', async () => {
      const url = `/v1/members/${student.id}/sharing`
      const byAdmin = await t.request({ method: 'PATCH', url, token: school.members.school_admin!.token, payload: { graduationYear: false } })
      expect(byAdmin.statusCode).toBe(200)
      expect(byAdmin.json().sharing.graduationYear).toBe(false)
      expect((await t.request({ method: 'GET', url, token: school.members.advisor!.token })).json().sharing.graduationYear).toBe(false)
      const byAdvisor = await t.request({ method: 'PATCH', url, token: school.members.advisor!.token, payload: { graduationYear: true } })
      expect(byAdvisor.statusCode).toBe(403)
      expect(byAdvisor.headers['content-type']).toBe(PROBLEM_JSON)
      for (const token of [classmate, school.members.alumni!.token]) {
        for (const method of ['GET', 'PATCH'] as const) {
          const response = await t.request({ method, url, token, ...(method === 'PATCH' ? { payload: { graduationYear: true } } : {}) })
          expect(response.statusCode, `${method} ${response.body}`).toBe(404)
        }
      }
      expect((await t.request({ method: 'GET', url, token: student.token })).json().sharing.graduationYear).toBe(false)
    })

    it('rejects an empty change, unknown fields and non-boolean values with 400, changing nothing', async () => {
      const url = `/v1/members/${student.id}/sharing`
      const before = (await t.request({ method: 'GET', url, token: student.token })).json()
      for (const payload of [{}, { email: false }, { name: 'no' }, { directoryOptOut: false }]) {
        const response = await t.request({ method: 'PATCH', url, token: student.token, payload })
        expect(response.statusCode, JSON.stringify(payload)).toBe(400)
        expect(response.headers['content-type']).toBe(PROBLEM_JSON)
      }
      expect((await t.request({ method: 'GET', url, token: student.token })).json()).toEqual(before)
    })
  })
})
