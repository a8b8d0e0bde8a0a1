import type { Static } from 'typebox'
import type { Principal } from '../../infra/auth/principal.js'
import type { Database } from '../../infra/db/database.js'
import type { Me } from './schemas.js'

export async function describeCaller(database: Database, principal: Principal): Promise<Static<typeof Me>> {
  const base = { kind: principal.kind, subject: principal.subject, via: principal.via, roles: principal.roles, scopes: principal.scopes }
  if (!principal.schoolId) return { ...base, school: null, member: null }
  const school = await database.schools.get(principal.schoolId)
  return {
    ...base,
    school: school && { id: school.id, slug: school.slug, name: school.name, timeZone: school.timeZone },
    member: principal.kind === 'member' ? principal.profile : null,
  }
}
