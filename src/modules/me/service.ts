import type { Static } from 'typebox'
import type { Principal } from '../../infra/auth/principal.js'
import type { Database } from '../../infra/db/database.js'
import type { Me } from './routes.js'

export async function describeCaller(database: Database, principal: Principal): Promise<Static<typeof Me>> {
  const base = { kind: principal.kind, subject: principal.subject, via: principal.via, roles: principal.roles, scopes: principal.scopes }
  if (!principal.schoolId) return { ...base, school: null, member: null }
  const { db, schoolId } = database.forSchool(principal.schoolId)
  const [school, member] = await Promise.all([
    database.schools.get(schoolId).then((school) => school && { id: school.id, slug: school.slug, name: school.name, timeZone: school.timeZone }),
    principal.memberId
      ? db.member.findUnique({
          where: { schoolId_id: { schoolId, id: principal.memberId } },
          select: { id: true, externalId: true, givenName: true, familyName: true, email: true },
        })
      : null,
  ])
  return { ...base, school, member }
}
