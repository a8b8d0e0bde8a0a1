// Who sees whose conversations: a student sees and changes only their own contacts, outreach and
// referrals; advisors and school admins of the school read everyone's and change nothing.
import type { Principal } from '../../infra/auth/principal.js'
import { can } from '../../infra/auth/policy.js'
import type { Tenant } from '../../infra/db/database.js'
import { Problem, forbidden, notFound } from '../../infra/http/problem.js'

/**
 * The student whose records a read covers: the caller themselves, or for advisors and admins the
 * student they ask for (undefined: the whole school). A student asking for another student gets 404.
 */
export function studentScope(principal: Principal, requested?: string): string | undefined {
  if (can(principal, 'students:read-all')) return requested
  if (!principal.memberId) throw forbidden()
  if (requested && requested !== principal.memberId) throw notFound('student')
  return principal.memberId
}

/**
 * studentScope for a list that names a student: staff asking for someone who is not a student of
 * the school (another school's student, an alumnus, nobody) get 404, as a student asking for
 * another student does.
 */
export async function requestedStudentScope(tenant: Pick<Tenant, 'db' | 'schoolId'>, principal: Principal, requested?: string): Promise<string | undefined> {
  const studentId = studentScope(principal, requested)
  if (requested && can(principal, 'students:read-all')) {
    const student = await tenant.db.member.findFirst({ where: { schoolId: tenant.schoolId, id: requested, roles: { has: 'student' } }, select: { id: true } })
    if (!student) throw notFound('student')
  }
  return studentId
}

/** The student who owns what a write creates or changes: always the caller. */
export function writingStudent(principal: Principal): string {
  if (principal.kind !== 'member' || !can(principal, 'conversations:write')) {
    throw forbidden('Only the student may change their own conversations')
  }
  return principal.memberId
}

export function tooLong(field: string, limit: number): Problem {
  return new Problem('validation-failed', `${field} is longer than ${limit} characters`, {
    extensions: { errors: [{ field, message: `must be at most ${limit} characters` }] },
  })
}
