// SCIM 2.0 provisioning (/scim/v2) as an identity provider drives it: the sequence it runs when it
// connects (ServiceProviderConfig, a filter by userName, create, PATCH active=false), the request and
// response examples of RFC 7644 (create, filters, PATCH with and without paths, ETags, errors), a
// graduate moved to alumni keeping their contacts and meetings, deprovisioning that keeps history, the
// school's role mapping, and who may call it. Tokens come from POST /v1/oauth/token with the client
// credentials of an integration client created through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { until } from './helpers/until.js'

const SCIM = 'application/scim+json; charset=utf-8'
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const VANTAGE = 'urn:ietf:params:scim:schemas:extension:vantage:2.0:User'
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'

type Response = Awaited<ReturnType<TestApp['request']>>

describe('SCIM 2.0 provisioning', () => {
  let t: TestApp
  let school: TestSchool
  let owner: pg.Client
  let idp: string
  let sequence = 0

  async function clientToken(scopes: string[]) {
    const created = await t.request({ method: 'POST', url: `/v1/schools/${school.id}/integration-clients`, token: school.members.school_admin!.token, payload: { name: `IdP ${++sequence}`, scopes } })
    expect(created.statusCode, created.body).toBe(201)
    const { client, clientSecret } = created.json()
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: clientSecret, scope: scopes.join(' ') })
    const token = await t.request({ method: 'POST', url: '/v1/oauth/token', payload: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(token.statusCode, token.body).toBe(200)
    return token.json().access_token as string
  }

  beforeAll(async () => {
    t = await build({ PUBLIC_URL: 'https://vantage.example' })
    school = await t.school('scim-u')
    owner = await ownerConnection(t)
    idp = await clientToken(['scim'])
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  const scim = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}, token = idp) =>
    t.request({ method, url: `/scim/v2${url}`, token, headers: { ...(payload !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...headers }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) })

  function ok(response: Response, status = 200) {
    expect(response.statusCode, response.body).toBe(status)
    if (status !== 204) expect(response.headers['content-type']).toBe(SCIM)
    return response.json()
  }

  function scimError(response: Response, status: number, scimType?: string) {
    expect(response.statusCode, response.body).toBe(status)
    expect(response.headers['content-type']).toBe(SCIM)
    const body = response.json()
    expect(body).toEqual({ schemas: [ERROR], status: String(status), ...(scimType ? { scimType } : {}), detail: expect.any(String) })
    return body
  }

  const user = (userName: string, extra: Record<string, unknown> = {}) => ({
    schemas: [USER],
    userName,
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [{ value: `${userName.split('@')[0]}@example.edu`, type: 'work', primary: true }],
    active: true,
    ...extra,
  })

  async function memberRow(id: string) {
    const { rows } = await owner.query('SELECT external_id, status::text, roles::text[], given_name, family_name, email, major, graduation_year, fields_of_interest, scim_external_id, scim_deleted_at FROM members WHERE id = $1', [id])
    return rows[0]
  }

  it('follows the identity provider\'s first connection: ServiceProviderConfig, a filter by userName, create, PATCH active=false', async () => {
    const config = ok(await scim('GET', '/ServiceProviderConfig'))
    expect(config).toMatchObject({ patch: { supported: true }, filter: { supported: true, maxResults: 200 }, bulk: { supported: false }, etag: { supported: true }, authenticationSchemes: [{ type: 'oauthbearertoken' }] })
    expect(ok(await scim('GET', '/ResourceTypes')).Resources).toEqual([expect.objectContaining({ id: 'User', endpoint: '/Users', schema: USER, schemaExtensions: [{ schema: VANTAGE, required: false }] })])
    expect(ok(await scim('GET', '/Schemas')).Resources.map((s: { id: string }) => s.id)).toEqual([USER, VANTAGE])
    expect(ok(await scim('GET', `/Schemas/${USER}`)).attributes.map((a: { name: string }) => a.name)).toEqual(['userName', 'name', 'displayName', 'emails', 'active', 'roles'])

    const search = ok(await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "jdoe@example.edu"')}&startIndex=1&count=100`))
    expect(search).toEqual({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] })

    const created = await scim('POST', '/Users', user('jdoe@example.edu', { externalId: '00u1abcd', name: { givenName: 'Jane', familyName: 'Doe' }, [VANTAGE]: { major: 'Biology', graduationYear: 2028, fieldsOfInterest: ['Healthcare'] } }))
    const body = ok(created, 201)
    expect(body).toEqual({
      schemas: [USER, VANTAGE],
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      externalId: '00u1abcd',
      userName: 'jdoe@example.edu',
      name: { givenName: 'Jane', familyName: 'Doe', formatted: 'Jane Doe' },
      displayName: 'Jane Doe',
      emails: [{ value: 'jdoe@example.edu', type: 'work', primary: true }],
      active: true,
      roles: [{ value: 'student', primary: true }],
      [VANTAGE]: { major: 'Biology', graduationYear: 2028, fieldsOfInterest: ['Healthcare'] },
      meta: { resourceType: 'User', created: expect.any(String), lastModified: expect.any(String), location: `https://vantage.example/scim/v2/Users/${body.id}`, version: expect.stringMatching(/^W\/"\d+"$/) },
    })
    expect(created.headers.location).toBe(body.meta.location)
    expect(created.headers.etag).toBe(body.meta.version)
    // userName is case-insensitive (RFC 7643 §4.1.1).
    const found = ok(await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "JDOE@example.edu"')}`))
    expect(found.Resources.map((r: { id: string }) => r.id)).toEqual([body.id])

    // Okta deactivates with a replace without a path.
    const deactivated = ok(await scim('PATCH', `/Users/${body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] }))
    expect(deactivated.active).toBe(false)
    expect(await memberRow(body.id)).toMatchObject({ external_id: 'jdoe@example.edu', status: 'disabled', scim_external_id: '00u1abcd', major: 'Biology' })
    // The member's own token no longer works.
    const token = await t.memberToken(school.id, 'jdoe@example.edu')
    expect((await t.request({ method: 'GET', url: '/v1/me', token })).statusCode).toBe(401)
  })

  it('takes RFC 7644\'s own examples: the create of §3.3, the filters of §3.4.2.2 and the PATCH add, replace and remove of §3.5.2', async () => {
    // §3.3, as written (name.formatted is read only here: it is built from the two names).
    const created = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'bjensen',
      externalId: 'bjensen',
      name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
    })
    const bjensen = ok(created, 201)
    expect(bjensen).toMatchObject({
      schemas: [USER, VANTAGE],
      id: expect.any(String),
      externalId: 'bjensen',
      meta: { resourceType: 'User', created: bjensen.meta.lastModified, location: `https://vantage.example/scim/v2/Users/${bjensen.id}`, version: created.headers.etag },
      name: { familyName: 'Jensen', givenName: 'Barbara' },
      userName: 'bjensen',
    })
    ok(await scim('POST', '/Users', user('jomalley', { name: { givenName: 'J', familyName: "O'Malley" }, emails: [{ value: 'jo@example.com', type: 'work' }] })), 201)

    // §3.4.2.2: equality, containment with a quote, prefix, a value path; an attribute this service does not keep is refused.
    const ids = async (filter: string) => ok(await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`)).Resources.map((r: { userName: string }) => r.userName).sort()
    expect(await ids('userName eq "bjensen"')).toEqual(['bjensen'])
    expect(await ids('name.familyName co "O\'Malley"')).toEqual(['jomalley'])
    expect(await ids('userName sw "J"')).toEqual(expect.arrayContaining(['jomalley']))
    expect(await ids('emails[type eq "work" and value co "@example.com"]')).toEqual(['jomalley'])
    expect(await ids('emails co "example.com" or emails.value co "example.org"')).toEqual(['jomalley'])
    scimError(await scim('GET', `/Users?filter=${encodeURIComponent('title pr')}`), 400, 'invalidFilter')

    // §3.5.2.1 add (no path, a value holding attributes; nickName is not kept here, so it is ignored).
    const patch = (Operations: unknown[]) => scim('PATCH', `/Users/${bjensen.id}`, { schemas: [PATCH_OP], Operations })
    const added = ok(await patch([{ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickName: 'Babs' } }]))
    expect(added.emails).toEqual([{ value: 'babs@jensen.org', type: 'work', primary: true }])
    // §3.5.2.3 replace of a filtered value; §3.5.2.2 remove of a filtered value.
    expect(ok(await patch([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'bjensen@example.com' }])).emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }])
    expect(ok(await patch([{ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }])).emails).toEqual([])
    expect((await memberRow(bjensen.id)).email).toBeNull()
  })

  it('applies PATCH as RFC 7644 §3.5.2 shows: add, replace and remove, with paths, value filters and string booleans', async () => {
    const { id } = ok(await scim('POST', '/Users', user('bjensen@example.edu', { externalId: 'bjensen' })), 201)
    const patch = (Operations: unknown[]) => scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations })
    // Entra ID's forms: capitalised op names and "False" as a string.
    expect(ok(await patch([{ op: 'Replace', path: 'active', value: 'False' }])).active).toBe(false)
    expect(ok(await patch([{ op: 'Replace', path: 'active', value: 'True' }])).active).toBe(true)
    const renamed = ok(await patch([
      { op: 'replace', path: 'name.familyName', value: 'Jensen-Smith' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'babs@example.edu' },
      { op: 'add', path: `${VANTAGE}:major`, value: 'History' },
    ]))
    expect(renamed).toMatchObject({ name: { givenName: 'Barbara', familyName: 'Jensen-Smith' }, emails: [{ value: 'babs@example.edu' }], [VANTAGE]: { major: 'History' } })
    const removed = ok(await patch([{ op: 'remove', path: 'name.givenName' }]))
    expect(removed.name).toEqual({ givenName: null, familyName: 'Jensen-Smith', formatted: 'Jensen-Smith' })
    expect(await memberRow(id)).toMatchObject({ given_name: null, family_name: 'Jensen-Smith', email: 'babs@example.edu', major: 'History', status: 'active' })

    scimError(await patch([{ op: 'replace', path: 'userName', value: 'not valid!' }]), 400, 'invalidValue')
    scimError(await scim('PATCH', `/Users/${id}`, { schemas: ['wrong'], Operations: [] }), 400, 'invalidSyntax')
    scimError(await patch([{ op: 'move', path: 'active', value: true }]), 400, 'invalidSyntax')
    scimError(await patch([{ op: 'remove' }]), 400, 'noTarget')
    // Nothing of the refused requests was written.
    expect(await memberRow(id)).toMatchObject({ external_id: 'bjensen@example.edu', given_name: null })
  })

  it('moves a graduate to alumni with their contacts and meetings, and deprovisions without losing history', async () => {
    const { id } = ok(await scim('POST', '/Users', user('grad@example.edu', { roles: [{ value: 'student' }] })), 201)
    const token = await t.memberToken(school.id, 'grad@example.edu')
    const contact = await t.request({ method: 'POST', url: '/v1/contacts', token, payload: { fullName: 'Dana Lee', source: 'personal' } })
    expect(contact.statusCode, contact.body).toBe(201)
    const graduated = ok(await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'roles', value: [{ value: 'alumni' }] }] }))
    expect(graduated.roles).toEqual([{ value: 'alumni', primary: true }])
    const { rows: kept } = await owner.query('SELECT count(*)::int AS n FROM contacts WHERE student_id = $1', [id])
    expect(kept).toEqual([{ n: 1 }])

    expect((await scim('DELETE', `/Users/${id}`)).statusCode).toBe(204)
    scimError(await scim('GET', `/Users/${id}`), 404)
    scimError(await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: true }] }), 404)
    expect(ok(await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "grad@example.edu"')}`)).totalResults).toBe(0)
    expect(await memberRow(id)).toMatchObject({ status: 'disabled', roles: ['alumni'], scim_deleted_at: expect.any(Date) })
    expect((await owner.query('SELECT count(*)::int AS n FROM contacts WHERE student_id = $1', [id])).rows).toEqual([{ n: 1 }])
    // Provisioned again, the same member comes back with their history.
    const back = ok(await scim('POST', '/Users', user('grad@example.edu', { roles: [{ value: 'alumni' }] })), 201)
    expect(back.id).toBe(id)
    expect(await memberRow(id)).toMatchObject({ status: 'active', scim_deleted_at: null })
  })

  it('filters with eq, co, sw, and, or, not and value paths, and pages with startIndex and count', async () => {
    for (const [name, family, active] of [['ann', 'Adams', true], ['anna', 'Baker', true], ['bob', 'Adams', false], ['carl', 'Cole', true]] as const) {
      ok(await scim('POST', '/Users', user(`${name}@filter.edu`, { name: { givenName: name, familyName: family }, externalId: `ext-${name}`, active })), 201)
    }
    const names = async (filter: string, page = '') =>
      ok(await scim('GET', `/Users?filter=${encodeURIComponent(filter)}${page}`)).Resources.map((r: { userName: string }) => r.userName.split('@')[0]).sort()
    expect(await names('userName sw "ann"')).toEqual(['ann', 'anna'])
    expect(await names('userName co "@filter.edu" and name.familyName eq "adams"')).toEqual(['ann', 'bob'])
    expect(await names('externalId eq "ext-carl" or emails.value eq "bob@example.edu"')).toEqual(['bob', 'carl'])
    expect(await names('emails[type eq "work" and value sw "anna"]')).toEqual(['anna'])
    expect(await names('userName ew "@filter.edu" and active eq false')).toEqual(['bob'])
    expect(await names('userName ew "@filter.edu" and not (active eq false)')).toEqual(['ann', 'anna', 'carl'])
    // externalId is case-exact.
    expect(await names('externalId eq "EXT-CARL"')).toEqual([])
    const page = ok(await scim('GET', `/Users?filter=${encodeURIComponent('userName ew "@filter.edu"')}&startIndex=2&count=2`))
    expect(page).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 })
    expect(ok(await scim('GET', `/Users?filter=${encodeURIComponent('userName ew "@filter.edu"')}&count=0`))).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] })

    scimError(await scim('GET', `/Users?filter=${encodeURIComponent('userName eq')}`), 400, 'invalidFilter')
    scimError(await scim('GET', `/Users?filter=${encodeURIComponent('title eq "x"')}`), 400, 'invalidFilter')
    scimError(await scim('GET', `/Users?filter=${encodeURIComponent('userName gt "a"')}`), 400, 'invalidFilter')
  })

  it('answers conflicts, stale versions and bad bodies with SCIM errors, writing nothing', async () => {
    const first = ok(await scim('POST', '/Users', user('dup@example.edu')), 201)
    scimError(await scim('POST', '/Users', user('DUP@example.edu')), 409, 'uniqueness')
    scimError(await scim('POST', '/Users', { schemas: [USER] }), 400, 'invalidValue')
    scimError(await scim('POST', '/Users', { userName: 'x@example.edu' }), 400, 'invalidSyntax')
    scimError(await scim('POST', '/Users', user('bad@example.edu', { emails: [{ value: 'not-an-email' }] })), 400, 'invalidValue')
    const broken = await t.request({ method: 'POST', url: '/scim/v2/Users', token: idp, headers: { 'content-type': 'application/scim+json' }, payload: '{"schemas":' })
    scimError(broken, 400, 'invalidSyntax')
    scimError(await scim('GET', '/Users/0190aaaa-0000-7000-8000-000000000000'), 404)

    // ETags: a replace naming an older version is refused; the current one goes through.
    const stale = first.meta.version
    const current = ok(await scim('PUT', `/Users/${first.id}`, user('dup@example.edu', { name: { givenName: 'New', familyName: 'Name' } }), { 'if-match': stale }))
    expect(current.meta.version).not.toBe(stale)
    scimError(await scim('PUT', `/Users/${first.id}`, user('dup@example.edu', { name: { givenName: 'Other', familyName: 'Name' } }), { 'if-match': stale }), 412)
    expect((await memberRow(first.id)).given_name).toBe('New')
    const read = await scim('GET', `/Users/${first.id}`)
    expect(read.headers.etag).toBe(current.meta.version)
    const { rows } = await owner.query("SELECT count(*)::int AS n FROM members WHERE school_id = $1 AND external_id ILIKE 'dup@example.edu'", [school.id])
    expect(rows).toEqual([{ n: 1 }])
  })

  it('lets no PATCH path, value key or role value reach an object\'s prototype, and keeps the User as it was', async () => {
    const { id } = ok(await scim('POST', '/Users', user('proto@example.edu')), 201)
    const before = await memberRow(id)
    const attempts: unknown[][] = [
      [{ op: 'add', path: '__proto__.school_admin', value: 'school_admin' }],
      [{ op: 'add', path: 'constructor.prototype.polluted', value: 'x' }],
      [{ op: 'add', path: 'name.toString.polluted', value: 'x' }],
      [{ op: 'add', path: 'emails.map.polluted', value: 'x' }],
      [{ op: 'add', path: 'emails[type eq "work"].__proto__.polluted', value: 'x' }],
      [{ op: 'add', path: 'x"].__proto__.y["', value: 'x' }],
      [{ op: 'add', value: { '__proto__.polluted': 'x' } }],
      [{ op: 'replace', value: { 'constructor.prototype.polluted': 'x' } }],
      [{ op: 'replace', value: { name: { 'hasOwnProperty.polluted': 'x' } } }],
      // A harmless first operation does not carry a harmful second one.
      [{ op: 'replace', path: 'name.givenName', value: 'Mallory' }, { op: 'add', path: '__proto__.public', value: true }],
    ]
    for (const Operations of attempts) {
      scimError(await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations }), 400, 'invalidPath')
    }
    // A body whose JSON holds a __proto__ key is refused as it is read, as application/json is.
    const raw = await t.request({ method: 'PATCH', url: `/scim/v2/Users/${id}`, token: idp, headers: { 'content-type': 'application/scim+json' }, payload: `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":"x"}}}]}` })
    scimError(raw, 400, 'invalidSyntax')
    for (const probe of [{}, [], Object, Object.prototype.toString, Array.prototype.map] as unknown as Array<Record<string, unknown>>) {
      expect(probe.polluted).toBeUndefined()
      expect(probe.school_admin).toBeUndefined()
    }
    // Role values that name an object's own machinery grant nothing; malformed ones are 400s, not 500s.
    for (const roles of [[{ value: 'constructor' }], [{ value: 'toString' }], [{ value: '__proto__' }], [null], [{ value: 7 }], ['student']]) {
      expect((await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'roles', value: roles }] })).statusCode).toBe(400)
      scimError(await scim('PUT', `/Users/${id}`, user('proto@example.edu', { roles })), 400, 'invalidValue')
    }
    expect(await memberRow(id)).toEqual(before)
    // Attributes this service does not keep (an enterprise extension, a title) pass and are ignored.
    const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
    const patched = ok(await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', value: { [`${enterprise}:department`]: 'Biology', title: 'Student' } }, { op: 'replace', path: 'name.givenName', value: 'Pat' }] }))
    expect(patched.name.givenName).toBe('Pat')
    expect(patched).not.toHaveProperty('title')
  })

  it('matches userName case-insensitively and literally: "_" and "%" are characters, not wildcards', async () => {
    const dotted = ok(await scim('POST', '/Users', user('john.smith@like.edu', { externalId: 'idp-john' })), 201)
    const names = async (filter: string) => ok(await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`)).Resources.map((r: { userName: string }) => r.userName)
    expect(await names('userName eq "john_smith@like.edu"')).toEqual([])
    expect(await names('userName eq "john%@like.edu"')).toEqual([])
    expect(await names('userName eq "JOHN.SMITH@LIKE.EDU"')).toEqual(['john.smith@like.edu'])
    expect(await names('userName ne "john_smith@like.edu" and userName ew "@like.edu"')).toEqual(['john.smith@like.edu'])
    // Deleted, john.smith is not brought back by someone else's userName, nor by another identity
    // provider id under his own.
    expect((await scim('DELETE', `/Users/${dotted.id}`)).statusCode).toBe(204)
    const other = ok(await scim('POST', '/Users', user('john_smith@like.edu', { externalId: 'idp-other' })), 201)
    expect(other.id).not.toBe(dotted.id)
    scimError(await scim('POST', '/Users', user('john.smith@like.edu', { externalId: 'idp-someone-else' })), 409, 'uniqueness')
    expect(await memberRow(dotted.id)).toMatchObject({ external_id: 'john.smith@like.edu', status: 'disabled', scim_deleted_at: expect.any(Date) })
    expect(ok(await scim('POST', '/Users', user('John.Smith@like.edu', { externalId: 'idp-john' })), 201).id).toBe(dotted.id)
    // emails' type and primary are the one work address's.
    expect(await names('userName ew "@like.edu" and emails[type eq "home"]')).toEqual([])
    expect((await names('userName ew "@like.edu" and emails[type eq "work" and primary eq true]')).sort()).toEqual(['John.Smith@like.edu', 'john_smith@like.edu'])
  })

  it('creates one User when two requests for the same userName in different cases race', async () => {
    const answers = await Promise.all(['Race@example.edu', 'race@example.edu', 'RACE@example.edu'].map((name) => scim('POST', '/Users', user(name))))
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409])
    const { rows } = await owner.query("SELECT count(*)::int AS n FROM members WHERE school_id = $1 AND lower(external_id) = 'race@example.edu'", [school.id])
    expect(rows).toEqual([{ n: 1 }])
  })

  it('leaves the school\'s admins to its admins unless the role mapping grants school_admin, and deletes only the version named', async () => {
    const admin = school.members.school_admin!
    const before = await memberRow(admin.id)
    const version = ok(await scim('GET', `/Users/${admin.id}`)).meta.version
    scimError(await scim('PUT', `/Users/${admin.id}`, user('attacker-subject'), { 'if-match': version }), 403)
    scimError(await scim('PATCH', `/Users/${admin.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }), 403)
    scimError(await scim('PATCH', `/Users/${admin.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'roles', value: [{ value: 'student' }] }] }), 403)
    scimError(await scim('DELETE', `/Users/${admin.id}`), 403)
    expect(await memberRow(admin.id)).toEqual(before)

    const { id, meta } = ok(await scim('POST', '/Users', user('stale-delete@example.edu')), 201)
    ok(await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }))
    scimError(await scim('DELETE', `/Users/${id}`, undefined, { 'if-match': meta.version }), 412)
    expect(await memberRow(id)).toMatchObject({ scim_deleted_at: null })
    expect((await scim('DELETE', `/Users/${id}`, undefined, { 'if-match': ok(await scim('GET', `/Users/${id}`)).meta.version })).statusCode).toBe(204)
  })

  it('is in the audit log: writes with the User changed, and reads with the Users answered', async () => {
    const { id } = ok(await scim('POST', '/Users', user('audited@example.edu')), 201)
    ok(await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'name.givenName', value: 'Audrey' }] }))
    ok(await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "audited@example.edu"')}`))
    type Event = { kind: string; action: string; status: number; subjectIds: string[]; actor: { kind: string; via: string } }
    const events = await until('the SCIM audit events', async () => {
      const response = await t.request({ method: 'GET', url: `/v1/audit-events?limit=100&subjectId=${id}`, token: school.members.school_admin!.token })
      const items = (response.json().items as Event[]).filter((event) => event.action.includes('/scim/v2/Users'))
      return items.length >= 3 ? items : undefined
    }, 5000)
    expect(events.map((event) => [event.kind, event.action, event.status]).sort()).toEqual([
      ['read', 'GET /scim/v2/Users', 200],
      ['write', 'PATCH /scim/v2/Users/:id', 200],
      ['write', 'POST /scim/v2/Users', 201],
    ])
    expect(events.every((event) => event.subjectIds.includes(id) && event.actor.kind === 'client' && event.actor.via === 'client-credentials')).toBe(true)
  })

  it('grants school_admin only through the school\'s role mapping', async () => {
    scimError(await scim('POST', '/Users', user('admin@example.edu', { roles: [{ value: 'school_admin' }] })), 400, 'invalidValue')
    scimError(await scim('POST', '/Users', user('admin@example.edu', { roles: [{ value: 'Administrators' }] })), 400, 'invalidValue')
    const platform = await t.platformToken()
    const set = await t.request({ method: 'PATCH', url: `/v1/schools/${school.id}`, token: platform, payload: { settings: { scimRoleMapping: { Administrators: 'school_admin', Faculty: 'advisor' } } } })
    expect(set.statusCode, set.body).toBe(200)
    const admin = ok(await scim('POST', '/Users', user('admin@example.edu', { roles: [{ value: 'Administrators' }, { value: 'Faculty' }] })), 201)
    expect(admin.roles).toEqual([{ value: 'school_admin', primary: true }, { value: 'advisor', primary: false }])
    // With school_admin mapped, the school's admins are the identity provider's to change; a PATCH
    // that leaves roles alone keeps them (Vantage's names are not read through the mapping again).
    const off = ok(await scim('PATCH', `/Users/${admin.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }))
    expect(off).toMatchObject({ active: false, roles: [{ value: 'school_admin', primary: true }, { value: 'advisor', primary: false }] })
    const remap = await t.request({ method: 'PATCH', url: `/v1/schools/${school.id}`, token: platform, payload: { settings: { scimRoleMapping: { Administrators: 'school_admin', advisor: 'school_admin' } } } })
    expect(remap.statusCode, remap.body).toBe(200)
    const { id } = ok(await scim('POST', '/Users', user('faculty@example.edu', { roles: [{ value: 'alumni' }] })), 201)
    await owner.query("UPDATE members SET roles = '{advisor}' WHERE id = $1", [id])
    expect(ok(await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })).roles).toEqual([{ value: 'advisor', primary: true }])
    expect(await memberRow(id)).toMatchObject({ roles: ['advisor'], status: 'disabled' })
  })

  it('is for the school\'s integration clients with the scim scope alone', async () => {
    scimError(await t.request({ method: 'GET', url: '/scim/v2/Users' }), 401)
    scimError(await scim('GET', '/Users', undefined, {}, await clientToken(['members:write'])), 403)
    scimError(await scim('GET', '/Users', undefined, {}, school.members.school_admin!.token), 403)
    scimError(await scim('GET', '/ServiceProviderConfig', undefined, {}, school.members.student!.token), 403)
  })
})
