// One access vocabulary: routes declare an action of src/infra/auth/policy.ts and services ask the
// same table; a route with a list of its own cannot be registered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { can, policy } from '../src/infra/auth/policy.js'
import type { Principal } from '../src/infra/auth/principal.js'
import { build, type TestApp } from './helpers/app.js'

const member = (roles: Principal['roles']): Principal =>
  ({ kind: 'member', schoolId: 's', memberId: 'm', subject: 'x', roles, scopes: [], via: 'service', profile: null }) as unknown as Principal
const client = (scopes: Principal['scopes']): Principal => ({ kind: 'client', schoolId: 's', memberId: null, subject: 'c', roles: [], scopes, via: 'service' }) as unknown as Principal

describe('the access policy', () => {
  let t: TestApp
  const refused: Error[] = []

  beforeAll(async () => {
    t = await build({}, {
      beforeReady: (app) => {
        for (const access of [{ roles: ['student'] as const }, { ...policy('school:read') }]) {
          try {
            app.get(`/v1/ad-hoc-${refused.length}`, { config: { access } }, async () => ({}))
          } catch (error) {
            refused.push(error as Error)
          }
        }
        app.get('/v1/by-the-policy', { config: { access: policy('school:read') } }, async () => ({ ok: true }))
      },
    })
  })
  afterAll(() => t.close())

  it('refuses to register a route whose access is a list of its own, even one equal to an action', () => {
    expect(refused.map((error) => error.message)).toEqual([0, 1].map((index) => `route GET /v1/ad-hoc-${index} declares an access that is not an action of policy.ts`))
  })

  it('registers and applies a route that names an action', async () => {
    const school = await t.school('policy-u', ['student', 'alumni'])
    const student = await t.request({ method: 'GET', url: '/v1/by-the-policy', token: school.members.student!.token })
    expect(student.statusCode).toBe(200)
  })

  it('answers services from the same table', () => {
    expect(can(member(['student']), 'conversations:write')).toBe(true)
    expect(can(member(['advisor']), 'conversations:write')).toBe(false)
    expect(can(member(['advisor']), 'students:read-all')).toBe(true)
    expect(can(member(['student']), 'students:read-all')).toBe(false)
    expect(can(member(['alumni']), 'host-requests:answer')).toBe(true)
    expect(can(member(['school_admin']), 'members:manage-sharing')).toBe(true)
    expect(can(member(['advisor']), 'members:manage-sharing')).toBe(false)
    expect(can(client(['reports:read']), 'reports:read')).toBe(true)
    expect(can(client(['reports:read']), 'members:read')).toBe(false)
    expect(can(client(['members:read']), 'members:read')).toBe(true)
  })
})
