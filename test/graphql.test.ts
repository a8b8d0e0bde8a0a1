import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'

describe('GraphQL', () => {
  let t: TestApp
  let school: TestSchool
  beforeAll(async () => {
    t = await build({ GRAPHQL_MAX_DEPTH: '2' })
    school = await t.school('gql', ['student'])
  })
  afterAll(() => t.close())

  const query = (body: string, token?: string) =>
    t.request({ method: 'POST', url: '/graphql', token, payload: { query: body } })

  it('answers `me` for the caller', async () => {
    const response = await query('{ me { kind subject roles scopes } }', school.members.student!.token)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ data: { me: { kind: 'member', subject: 'gql-student-0', roles: ['student'], scopes: [] } } })
  })

  it('gives errors a code from the problem catalogue', async () => {
    const anonymous = await query('{ me { kind } }')
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json().errors).toEqual([{ message: 'Send a bearer token in the Authorization header', extensions: { code: 'credentials-missing' } }])

    const invalid = await query('{ me { nope } }', school.members.student!.token)
    expect(invalid.json().errors[0].extensions).toEqual({ code: 'validation-failed' })
  })

  it('rejects a query deeper than the limit before running it', async () => {
    const token = school.members.student!.token
    const shallow = await query('{ me { kind subject } }', token)
    expect(shallow.json()).toEqual({ data: { me: { kind: 'member', subject: 'gql-student-0' } } })
    const tooDeep = await query('{ me { school { slug } } }', token)
    expect(tooDeep.json().data ?? null).toBeNull()
    expect(tooDeep.json().errors).toHaveLength(1)
    expect(tooDeep.json().errors[0].extensions).toEqual({ code: 'validation-failed' })
  })
})
