// Referrals: "X suggested I talk to Y". Creating one may create the referred contact in the same
// transaction; the referrals of a student form their network (network.ts).
import type { Principal } from '../../infra/auth/principal.js'
import { type Tenant, tenantInTransaction } from '../../infra/db/database.js'
import { insensitiveEquals } from '../../infra/db/text-match.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, notFound } from '../../infra/http/problem.js'
import type { Referral as ReferralRow } from '../../generated/prisma/client.js'
import { can } from '../../infra/auth/policy.js'
import { studentScope, writingStudent, requestedStudentScope } from '../contacts/access.js'
import { createContact } from '../contacts/service.js'
import { degrees } from './network.js'
import type { CreateReferralBody, NetworkBody, ReferralBody, ReferralListQueryBody, UpdateReferralBody } from './schemas.js'

export function toReferral(row: ReferralRow): ReferralBody {
  return {
    id: row.id,
    studentId: row.studentId,
    referrerContactId: row.referrerContactId,
    referrerName: row.referrerName,
    referredContactId: row.referredContactId,
    meetingId: row.meetingId,
    status: row.status,
    note: row.note,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

async function ownContactId({ db, schoolId }: Tenant, studentId: string, contactId: string, role: string) {
  const contact = await db.contact.findFirst({ where: { schoolId, id: contactId, studentId }, select: { id: true } })
  if (!contact) throw notFound(`${role} contact`)
  return contact.id
}

/** The student's meeting the referral came from; the referrer, when a contact, is the person met there. */
async function meetingWithReferrer({ db, schoolId }: Tenant, studentId: string, meetingId: string, referrerContactId: string | null) {
  const meeting = await db.meeting.findFirst({ where: { schoolId, id: meetingId, studentId }, select: { id: true, contactId: true } })
  if (!meeting) throw notFound('meeting')
  if (referrerContactId && meeting.contactId !== referrerContactId) {
    throw new Problem('validation-failed', 'The referrer of a referral from a meeting is the person met there', {
      extensions: { errors: [{ field: 'body.referrer.contactId', message: 'must be the contact of the meeting given in meetingId' }] },
    })
  }
  return meeting.id
}

export async function createReferral(tenant: Tenant, principal: Principal, input: CreateReferralBody) {
  const studentId = writingStudent(principal)
  const referrerContactId = 'contactId' in input.referrer ? await ownContactId(tenant, studentId, input.referrer.contactId, 'referrer') : null
  const referrerName = 'name' in input.referrer ? input.referrer.name : null
  const meetingId = input.meetingId ? await meetingWithReferrer(tenant, studentId, input.meetingId, referrerContactId) : null
  if ('contactId' in input.referred) {
    const referredContactId = await ownContactId(tenant, studentId, input.referred.contactId, 'referred')
    if (referredContactId === referrerContactId) {
      throw new Problem('validation-failed', 'A contact cannot refer themselves', {
        extensions: { errors: [{ field: 'body.referred.contactId', message: 'must differ from the referrer' }] },
      })
    }
    // The same referrer naming the same person twice is one referral: the second answers 409 with
    // the first's id. The referred contact's row is locked meanwhile, so two at once cannot both pass.
    return tenant.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM contacts WHERE school_id = ${tenant.schoolId}::uuid AND id = ${referredContactId}::uuid FOR UPDATE`
      const existing = await tx.referral.findFirst({
        where: {
          schoolId: tenant.schoolId,
          studentId,
          referredContactId,
          ...(referrerContactId ? { referrerContactId } : { referrerName: insensitiveEquals(referrerName!.trim()) }),
        },
        select: { id: true },
      })
      if (existing) throw new Problem('conflict', 'This referrer already referred this person', { extensions: { existingId: existing.id } })
      const row = await tx.referral.create({
        data: { schoolId: tenant.schoolId, studentId, referrerContactId, referrerName, referredContactId, meetingId, status: input.status, note: input.note ?? null },
      })
      return toReferral(row)
    })
  }
  // A new person: the contact and the referral are written together or not at all.
  const details = input.referred.contact
  return tenant.db.$transaction(async (tx) => {
    const scoped = tenantInTransaction(tenant.schoolId, tx)
    const contact = await createContact(scoped, principal, { ...details, source: 'referral' })
    const row = await tx.referral.create({
      data: { schoolId: tenant.schoolId, studentId, referrerContactId, referrerName, referredContactId: contact.id, meetingId, status: input.status, note: input.note ?? null },
    })
    return toReferral(row)
  })
}

export async function listReferrals({ db, schoolId }: Tenant, principal: Principal, query: ReferralListQueryBody) {
  const studentId = await requestedStudentScope({ db, schoolId }, principal, query.studentId)
  const after = decodeCursor(query.cursor, ['id'])
  const rows = await db.referral.findMany({
    where: {
      schoolId,
      ...(studentId ? { studentId } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(after ? { id: { gt: after.id } } : {}),
    },
    orderBy: { id: 'asc' },
    take: query.limit + 1,
  })
  const page = pageOf(rows, query.limit)
  return { items: page.items.map(toReferral), nextCursor: page.nextCursor }
}

export async function getReferral({ db, schoolId }: Tenant, principal: Principal, id: string) {
  const studentId = studentScope(principal)
  const row = await db.referral.findFirst({ where: { schoolId, id, ...(studentId ? { studentId } : {}) } })
  if (!row) throw notFound('referral')
  return toReferral(row)
}

export async function updateReferral({ db, schoolId }: Tenant, principal: Principal, id: string, input: UpdateReferralBody) {
  const studentId = writingStudent(principal)
  const current = await db.referral.findFirst({ where: { schoolId, id, studentId }, select: { id: true } })
  if (!current) throw notFound('referral')
  const row = await db.referral.update({ where: { schoolId_id: { schoolId, id } }, data: input })
  return toReferral(row)
}

/** The network of one student: their own, or any student's for advisors and admins. */
export async function studentNetwork({ db, schoolId }: Tenant, principal: Principal, memberId: string): Promise<NetworkBody> {
  if (!can(principal, 'students:read-all') && principal.memberId !== memberId) throw notFound('member')
  const student = await db.member.findFirst({ where: { schoolId, id: memberId, roles: { has: 'student' } }, select: { id: true } })
  if (!student) throw notFound('member')
  const [contacts, referrals] = await Promise.all([
    db.contact.findMany({
      where: { schoolId, studentId: memberId },
      select: { id: true, fullName: true, organization: true, source: true },
      orderBy: { id: 'asc' },
    }),
    db.referral.findMany({
      where: { schoolId, studentId: memberId },
      select: { id: true, referrerContactId: true, referrerName: true, referredContactId: true, status: true },
      orderBy: { id: 'asc' },
    }),
  ])
  const degreeOf = degrees(contacts, referrals)
  const nodes = contacts.map((contact) => ({
    contactId: contact.id,
    fullName: contact.fullName,
    organization: contact.organization,
    source: contact.source,
    degree: degreeOf.get(contact.id)!,
  }))
  return {
    studentId: memberId,
    nodes,
    edges: referrals.map((referral) => ({
      referralId: referral.id,
      fromContactId: referral.referrerContactId,
      fromName: referral.referrerName,
      toContactId: referral.referredContactId,
      status: referral.status,
    })),
    maxDegree: nodes.reduce((max, node) => Math.max(max, node.degree), 0),
  }
}
