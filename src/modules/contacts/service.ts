// A student's contacts: the professionals they know or want to reach. Search is PostgreSQL full-text
// (a trigger keeps contacts.search; a GIN index serves it), combined with filters, sort orders and
// keyset cursors in one statement.
import type { Principal } from '../../infra/auth/principal.js'
import type { Tenant } from '../../infra/db/database.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, notFound } from '../../infra/http/problem.js'
import { Prisma, type Contact as ContactRow } from '../../generated/prisma/client.js'
import { requestedStudentScope, studentScope, writingStudent } from './access.js'
import type { ContactBody, ContactListQueryBody, CreateContactBody, UpdateContactBody } from './schemas.js'

export function toContact(row: ContactRow): ContactBody {
  return {
    id: row.id,
    studentId: row.studentId,
    fullName: row.fullName,
    title: row.title,
    organization: row.organization,
    industry: row.industry,
    occupation: row.occupation,
    email: row.email,
    phone: row.phone,
    linkedinUrl: row.linkedinUrl,
    source: row.source,
    relationship: row.relationship,
    reasons: row.reasons,
    backgroundTags: row.backgroundTags,
    notes: row.notes,
    alumniMemberId: row.alumniMemberId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

const normalizeEmail = (email: string | null | undefined) => (email ? email.trim().toLowerCase() : email)

async function assertNoDuplicate({ db, schoolId }: Tenant, studentId: string, email: string | null | undefined, except?: string) {
  if (!email) return
  const existing = await db.contact.findFirst({
    where: { schoolId, studentId, email, ...(except ? { NOT: { id: except } } : {}) },
    select: { id: true },
  })
  if (existing) {
    throw new Problem('conflict', 'You already have a contact with this email', { extensions: { existingId: existing.id } })
  }
}

async function assertAlumnus({ db, schoolId }: Tenant, alumniMemberId: string | null | undefined) {
  if (!alumniMemberId) return
  const alumnus = await db.member.findUnique({ where: { schoolId_id: { schoolId, id: alumniMemberId } }, select: { roles: true } })
  if (!alumnus?.roles.includes('alumni')) throw notFound('alumni member')
}

/** Unique-index races end as the same 409 as the check before them. */
async function duplicateAsConflict<T>(tenant: Tenant, studentId: string, email: string | null | undefined, write: () => Promise<T>) {
  try {
    return await write()
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') await assertNoDuplicate(tenant, studentId, email)
    throw error
  }
}

/**
 * Creates the contact unless the student already has one with its email (409 naming it). The insert
 * skips a conflicting row (ON CONFLICT DO NOTHING) rather than failing, because a failed statement
 * would abort the transaction a caller may run this in (a referral creating its contact), and the
 * contact that won a race could not be looked up to name it.
 */
export async function createContact(tenant: Tenant, principal: Principal, input: CreateContactBody) {
  const studentId = writingStudent(principal)
  const email = normalizeEmail(input.email)
  await assertNoDuplicate(tenant, studentId, email)
  await assertAlumnus(tenant, input.alumniMemberId)
  const [row] = await tenant.db.contact.createManyAndReturn({
    data: [{ ...input, email, reasons: input.reasons ?? [], backgroundTags: input.backgroundTags ?? [], schoolId: tenant.schoolId, studentId }],
    skipDuplicates: true,
  })
  if (!row) {
    await assertNoDuplicate(tenant, studentId, email)
    throw new Problem('conflict', 'You already have a contact with this email')
  }
  return toContact(row)
}

/** A contact the caller may read: the student's own, or any for advisors and admins. 404 otherwise. */
export async function findReadableContact({ db, schoolId }: Tenant, principal: Principal, id: string): Promise<ContactRow> {
  const studentId = studentScope(principal)
  const row = await db.contact.findFirst({ where: { schoolId, id, ...(studentId ? { studentId } : {}) } })
  if (!row) throw notFound('contact')
  return row
}

/** A contact the caller owns (students only): 404 for anyone else's. */
export async function findOwnContact({ db, schoolId }: Tenant, principal: Principal, id: string): Promise<ContactRow> {
  const studentId = writingStudent(principal)
  const row = await db.contact.findFirst({ where: { schoolId, id, studentId } })
  if (!row) throw notFound('contact')
  return row
}

export async function updateContact(tenant: Tenant, principal: Principal, id: string, input: UpdateContactBody) {
  const current = await findOwnContact(tenant, principal, id)
  const email = input.email !== undefined ? normalizeEmail(input.email) : undefined
  await assertNoDuplicate(tenant, current.studentId, email, id)
  await assertAlumnus(tenant, input.alumniMemberId)
  const row = await duplicateAsConflict(tenant, current.studentId, email, () =>
    tenant.db.contact.update({
      where: { schoolId_id: { schoolId: tenant.schoolId, id } },
      data: { ...input, ...(email !== undefined ? { email } : {}) },
    }),
  )
  return toContact(row)
}

/**
 * Deleting a contact removes its outreach log with it; a contact that is part of the referral
 * network (as referrer or referred) or has meetings is kept, and the refusal says so.
 */
export async function deleteContact(tenant: Tenant, principal: Principal, id: string) {
  await findOwnContact(tenant, principal, id)
  const { db, schoolId } = tenant
  const [referrals, meetings] = await Promise.all([
    db.referral.count({ where: { schoolId, OR: [{ referrerContactId: id }, { referredContactId: id }] } }),
    db.meeting.count({ where: { schoolId, contactId: id } }),
  ])
  const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`
  if (referrals > 0) {
    throw new Problem('conflict', `The contact is part of ${plural(referrals, 'referral')} in your network; it cannot be deleted`, {
      extensions: { referrals, meetings },
    })
  }
  if (meetings > 0) {
    throw new Problem('conflict', `The contact has ${plural(meetings, 'meeting')}; it cannot be deleted`, { extensions: { referrals, meetings } })
  }
  try {
    await db.contact.delete({ where: { schoolId_id: { schoolId, id } } })
  } catch (error) {
    // A referral or meeting added since the counts above: the database's foreign keys refuse.
    if ((error as { code?: string }).code === 'P2003') {
      throw new Problem('conflict', 'The contact has just become part of a referral or a meeting; it cannot be deleted', { cause: error })
    }
    throw error
  }
}

const COLUMNS = Prisma.sql`
  school_id::text AS "schoolId", id::text AS id, student_id::text AS "studentId", full_name AS "fullName", title, organization,
  industry, occupation, email, phone, linkedin_url AS "linkedinUrl", source::text AS source, relationship::text AS relationship,
  reasons::text[] AS reasons, background_tags AS "backgroundTags",
  notes, alumni_member_id::text AS "alumniMemberId", created_at AS "createdAt", updated_at AS "updatedAt",
  lower(full_name) AS "sortName"`

/** The words of a search: letters and digits only, so the text cannot inject operators; at most 10. */
export function searchWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  if (words.length === 0) {
    throw new Problem('validation-failed', 'The search has no letters or digits', {
      extensions: { errors: [{ field: 'querystring.q', message: 'must contain a letter or digit' }] },
    })
  }
  return words.slice(0, 10)
}

/** The text a near spelling is looked for in: the expression contacts_fuzzy_idx indexes, exactly. */
const FUZZY_TEXT = Prisma.sql`lower(full_name || ' ' || coalesce(organization, '') || ' ' || coalesce(title, '') || ' ' || coalesce(industry, '') || ' ' || coalesce(occupation, ''))`
/** Shorter words match as prefixes only: a four-letter word sharing its first three letters with a word would already pass the threshold. */
const FUZZY_MIN_LENGTH = 5

/**
 * Every word must match: as a prefix of a word anywhere (full text, `contacts.search`), or, from five
 * letters, as a near spelling of a word of the name, organization, title, industry or occupation
 * (pg_trgm's word similarity, at its default threshold of 0.6: "hospitl" finds "hospital").
 */
function searchCondition(text: string): Prisma.Sql {
  return Prisma.join(
    searchWords(text).map((word) => {
      const prefix = Prisma.sql`search @@ to_tsquery('simple', ${`${word}:*`})`
      return word.length >= FUZZY_MIN_LENGTH ? Prisma.sql`(${prefix} OR ${word} <% ${FUZZY_TEXT})` : prefix
    }),
    ' AND ',
  )
}

export async function listContacts(tenant: Tenant, principal: Principal, query: ContactListQueryBody) {
  const { db, schoolId } = tenant
  const studentId = await requestedStudentScope(tenant, principal, query.studentId)
  const conditions: Prisma.Sql[] = [Prisma.sql`school_id = ${schoolId}::uuid`]
  if (studentId) conditions.push(Prisma.sql`student_id = ${studentId}::uuid`)
  if (query.q) conditions.push(searchCondition(query.q))
  if (query.source) conditions.push(Prisma.sql`source = ${query.source}::contact_source`)
  if (query.relationship) conditions.push(Prisma.sql`relationship = ${query.relationship}::contact_relationship`)
  if (query.reason) conditions.push(Prisma.sql`${query.reason}::contact_reason = ANY(reasons)`)
  if (query.industry) conditions.push(Prisma.sql`lower(industry) = lower(${query.industry})`)
  if (query.tag) conditions.push(Prisma.sql`${query.tag} = ANY(background_tags)`)

  let order: Prisma.Sql
  if (query.sort === 'name') {
    const after = decodeCursor(query.cursor, ['name', 'id'])
    if (after) conditions.push(Prisma.sql`(lower(full_name), id) > (${after.name}, ${after.id}::uuid)`)
    order = Prisma.sql`lower(full_name), id`
  } else {
    const after = decodeCursor(query.cursor, ['id'])
    const descending = query.sort === 'recent'
    if (after) conditions.push(descending ? Prisma.sql`id < ${after.id}::uuid` : Prisma.sql`id > ${after.id}::uuid`)
    order = descending ? Prisma.sql`id DESC` : Prisma.sql`id`
  }
  const rows = await db.$queryRaw<Array<ContactRow & { sortName: string }>>`
    SELECT ${COLUMNS} FROM contacts WHERE ${Prisma.join(conditions, ' AND ')} ORDER BY ${order} LIMIT ${query.limit + 1}`
  const { items, nextCursor } = pageOf(rows, query.limit, (last): Record<string, string> => (query.sort === 'name' ? { name: last.sortName, id: last.id } : { id: last.id }))
  return { items: items.map(toContact), nextCursor }
}
