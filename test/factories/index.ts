// Making what tests need through the API, as a portal would: members provisioned by the school's
// admin and signed in, contacts, meeting requests. Each factory fails with the answer's body when
// the service refuses, so a broken setup says why. (The cross-tenant fixtures build on these too.)
import type { LightMyRequestResponse } from 'fastify'
import type { TestApp, TestSchool } from '../helpers/app.js'

type Body = Record<string, unknown>

/** The body of a 201, or an error naming what was being created and the answer. */
export function created<T = Body>(response: LightMyRequestResponse, what: string): T {
  if (response.statusCode !== 201) throw new Error(`creating ${what} answered ${response.statusCode}: ${response.body}`)
  return response.json() as T
}

/** The body of a 200, or an error naming what was asked and the answer. */
export function ok<T = Body>(response: LightMyRequestResponse, what: string): T {
  if (response.statusCode !== 200) throw new Error(`${what} answered ${response.statusCode}: ${response.body}`)
  return response.json() as T
}

export interface SignedInMember {
  id: string
  externalId: string
  token: string
}

/**
 * A member of the school provisioned by its admin (PUT /v1/members/{externalId}) and signed in.
 * `fields` go into the provisioning body (roles default to a student's).
 */
export async function addMember(t: TestApp, school: TestSchool, externalId: string, fields: Body = {}): Promise<SignedInMember> {
  const admin = school.members.school_admin?.token
  if (!admin) throw new Error(`the school ${school.slug} has no school admin to provision ${externalId}`)
  const member = created<{ id: string }>(
    await t.request({ method: 'PUT', url: `/v1/members/${externalId}`, token: admin, payload: { roles: ['student'], ...fields } }),
    `the member ${externalId}`,
  )
  return { id: member.id, externalId, token: await t.memberToken(school.id, externalId) }
}

/** A contact in the student's network (POST /v1/contacts); `source` defaults to personal. */
export async function addContact<T = { id: string; fullName: string } & Body>(t: TestApp, studentToken: string, fields: Body): Promise<T> {
  return created<T>(await t.request({ method: 'POST', url: '/v1/contacts', token: studentToken, payload: { source: 'personal', ...fields } }), `the contact ${String(fields.fullName)}`)
}
