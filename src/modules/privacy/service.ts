// A member's data: everything Vantage holds about them as one JSON document (GDPR Art. 15 and 20;
// of other members' records only what data-map.ts allows), and erasure (Art. 17): personal fields
// cleared or replaced everywhere, in one transaction, while the rows that reports count stay,
// anonymous. The member row itself stays as an anonymous tombstone (disabled, no name, no email,
// external id replaced, in the audit log too), so meetings and counts keep their shape and
// another school's or the same school's aggregates do not change.
import { Prisma } from '../../generated/prisma/client.js'
import type { Tenant } from '../../infra/db/database.js'
import { notFound } from '../../infra/http/problem.js'
import { MEMBER_DATA, type MemberData } from './data-map.js'

export const EXPORT_FORMAT = 'vantage-member-export/1' as const

async function findMember(tenant: Tenant, memberId: string) {
  const member = await tenant.db.member.findUnique({ where: { schoolId_id: { schoolId: tenant.schoolId, id: memberId } }, select: { id: true, erasedAt: true } })
  if (!member) throw notFound('member')
  return member
}

type Entries = NonNullable<MemberData['entries']>

/** Whether the row holds an entry of the member in one of its arrays of `entries`. */
const holdsEntryOf = ({ key, arrays }: Entries, memberId: string) =>
  Prisma.join(arrays.map((array) => Prisma.sql`${Prisma.raw(`"${array}"`)} @> jsonb_build_array(jsonb_build_object(${key}::text, ${memberId}::uuid::text))`), ' OR ')

/** The array's entries that are the member's (`theirs`) or everyone else's, in their order. */
const entriesOf = ({ key }: Entries, array: string, memberId: string, theirs: boolean) =>
  Prisma.sql`(SELECT coalesce(jsonb_agg(e ORDER BY n), '[]'::jsonb) FROM jsonb_array_elements(${Prisma.raw(`"${array}"`)}) WITH ORDINALITY AS a(e, n)
               WHERE e ->> ${key}::text ${Prisma.raw(theirs ? '=' : 'IS DISTINCT FROM')} ${memberId}::uuid::text)`

/**
 * The member's export, and the other members whose data it carries or names (for the audit log:
 * the route names them, since the rows' own ids are no members).
 */
export async function exportMember(tenant: Tenant, memberId: string, now: Date) {
  await findMember(tenant, memberId)
  const rowsOf = (entry: MemberData) => {
    const column = Prisma.raw(`t."${entry.column}"`)
    const where =
      entry.entries ? Prisma.sql`(${holdsEntryOf(entry.entries, memberId)})`
      : entry.match === 'caller' ? Prisma.sql`${column} = ${`member:${memberId}`}`
      : entry.match === 'meeting' ? Prisma.sql`${column} IN (SELECT m.id FROM meetings m LEFT JOIN contacts c ON c.school_id = m.school_id AND c.id = m.contact_id
                                                              WHERE m.school_id = ${tenant.schoolId}::uuid AND (m.student_id = ${memberId}::uuid OR c.alumni_member_id = ${memberId}::uuid))`
      : Prisma.sql`${column} = ${memberId}::uuid`
    return Prisma.sql`FROM ${Prisma.raw(`"${entry.table}"`)} t WHERE t.school_id = ${tenant.schoolId}::uuid AND ${where}${Prisma.raw(entry.shown ? ` AND (${entry.shown})` : '')}`
  }
  const sections = MEMBER_DATA.map((entry) => {
    const rewritten = Object.entries(entry.rewrite ?? {}).map(([column, expression]) => ` || jsonb_build_object('${column}', ${expression})`).join('')
    const { entries } = entry
    // Of arrays listing many members, the member's own entries only (whatever the columns shown).
    const own = entries ? Prisma.sql` || jsonb_build_object(${Prisma.join(entries.arrays.map((array) => Prisma.sql`${array}::text, ${entriesOf(entries, array, memberId, true)}`))})` : Prisma.empty
    const columns = entry.only
      ? Prisma.raw(`jsonb_build_object(${entry.only.map((column) => `'${column}', to_jsonb(t) -> '${column}'`).join(', ')})`)
      : Prisma.sql`to_jsonb(t)${Prisma.raw((entry.omit ?? []).map((column) => ` - '${column}'`).join('') + rewritten)}`
    const row = Prisma.sql`(${columns}${own})`
    const from = rowsOf(entry)
    const value = entry.single ? Prisma.sql`(SELECT ${row} ${from})` : Prisma.sql`(SELECT coalesce(jsonb_agg(${row} ORDER BY t::text), '[]'::jsonb) ${from})`
    return Prisma.sql`${entry.section}::text, ${value}`
  })
  const others = MEMBER_DATA.filter((entry) => entry.others).map((entry) => Prisma.sql`SELECT unnest(${Prisma.raw(entry.others!)}) AS id ${rowsOf(entry)}`)
  const [result] = await tenant.db.$queryRaw<Array<{ data: Record<string, unknown>; others: string[] }>>(Prisma.sql`
    SELECT jsonb_build_object(${Prisma.join(sections)}) AS data,
           ARRAY(SELECT DISTINCT o.id::text FROM (${Prisma.join(others, ' UNION ALL ')}) o WHERE o.id IS NOT NULL AND o.id <> ${memberId}::uuid ORDER BY 1) AS others`)
  return {
    document: { format: EXPORT_FORMAT, exportedAt: now.toISOString(), schoolId: tenant.schoolId, memberId, data: result!.data as Record<string, object | object[] | null> },
    others: result!.others,
  }
}

const ERASED_NAME = 'Erased'

/**
 * Erases the member's personal data. Idempotent: a second request finds it done and changes nothing.
 * Kept, because reports count them and they say nothing about the person: ids, kinds, statuses,
 * times, a contact's organization, industry and occupation (what a student explored, not who).
 */
export async function eraseMember(tenant: Tenant, memberId: string, now: Date): Promise<{ memberId: string; erasedAt: string; alreadyErased: boolean }> {
  const member = await findMember(tenant, memberId)
  if (member.erasedAt) return { memberId, erasedAt: member.erasedAt.toISOString(), alreadyErased: true }
  const school = tenant.schoolId
  const statements = [
    // The audit log keeps who did what, by the member's opaque id; the portal's external id in the
    // route ids of their provisioning (PUT /v1/members/{externalId}) becomes the tombstone's. Those
    // events name the member as subject, which the log's index finds.
    Prisma.sql`UPDATE audit_events SET target = jsonb_set(target, '{externalId}', to_jsonb('erased-' || ${memberId}::text))
       WHERE school_id = ${school}::uuid AND subject_ids @> ARRAY[${memberId}::uuid]
         AND target ->> 'externalId' = (SELECT external_id FROM members WHERE school_id = ${school}::uuid AND id = ${memberId}::uuid)`,
    Prisma.sql`UPDATE members SET given_name = NULL, family_name = NULL, email = NULL, major = NULL, graduation_year = NULL,
       fields_of_interest = '{}', background_tags = '{}', external_id = 'erased-' || id, status = 'disabled', erased_at = ${now}, updated_at = now()
       WHERE school_id = ${school}::uuid AND id = ${memberId}::uuid`,
    // The contacts the student kept, and other students' contacts that are this alumnus.
    Prisma.sql`UPDATE contacts SET full_name = ${ERASED_NAME}, title = NULL, email = NULL, phone = NULL, linkedin_url = NULL, notes = NULL,
       background_tags = '{}', alumni_member_id = NULL, updated_at = now()
       WHERE school_id = ${school}::uuid AND (student_id = ${memberId}::uuid OR alumni_member_id = ${memberId}::uuid)`,
    Prisma.sql`UPDATE outreach SET message = NULL, mutual_contact = NULL WHERE school_id = ${school}::uuid AND student_id = ${memberId}::uuid`,
    Prisma.sql`UPDATE referrals SET referrer_name = CASE WHEN referrer_contact_id IS NULL THEN ${ERASED_NAME} END, note = NULL, updated_at = now()
       WHERE school_id = ${school}::uuid AND student_id = ${memberId}::uuid`,
    Prisma.sql`UPDATE meetings SET purpose = ${ERASED_NAME}, location = NULL, itinerary = '[]', resume_note = NULL, homework = NULL, questions = '[]',
       notes = NULL, reflections = NULL, closed_reason = NULL, updated_at = now()
       WHERE school_id = ${school}::uuid AND student_id = ${memberId}::uuid`,
    Prisma.sql`UPDATE host_profiles SET title = NULL, location = NULL, bio = NULL, contact_email = NULL, contact_phone = NULL, background_tags = '{}',
       accepting = false, updated_at = now()
       WHERE school_id = ${school}::uuid AND member_id = ${memberId}::uuid`,
    Prisma.sql`UPDATE host_requests SET decline_reason = NULL, reasons = '[]', updated_at = now()
       WHERE school_id = ${school}::uuid AND (student_id = ${memberId}::uuid OR host_id = ${memberId}::uuid)`,
    // A student leaves every programme's list of students, draft or published, with their place in it
    // (ranked hosts, modes, location): a rerun of a draft would place them again. A published
    // programme's record is its runs (below) and the requests it sent, anonymous like every request.
    Prisma.sql`WITH removed AS (DELETE FROM program_students WHERE school_id = ${school}::uuid AND student_id = ${memberId}::uuid RETURNING program_id)
       UPDATE programs SET updated_at = now() WHERE school_id = ${school}::uuid AND id IN (SELECT program_id FROM removed)`,
    // A host leaves the draft programmes (a run would place students with them, publishing would ask
    // them), and those programmes' students' preferences drop them, as when an advisor changes the
    // hosts. A published programme keeps its hosts and their capacities: nothing personal, and what
    // its load report counts.
    Prisma.sql`WITH removed AS (DELETE FROM program_hosts h USING programs p
                                 WHERE h.school_id = ${school}::uuid AND h.host_id = ${memberId}::uuid
                                   AND p.school_id = h.school_id AND p.id = h.program_id AND p.published_run_id IS NULL
                             RETURNING h.program_id),
            unranked AS (UPDATE program_students SET preferences = array_remove(preferences, ${memberId}::uuid)
                          WHERE school_id = ${school}::uuid AND program_id IN (SELECT program_id FROM removed))
       UPDATE programs SET updated_at = now() WHERE school_id = ${school}::uuid AND id IN (SELECT program_id FROM removed)`,
    // The member's entries in rows that list many members (an assignment run's pairs, unmatched
    // students, pins and forbidden pairs) go; the other members' stay as they were. A run's totals
    // (objective, stats) stay as computed: what it placed and, once published, the requests it sent.
    ...MEMBER_DATA.flatMap(({ table, entries }) =>
      entries
        ? [Prisma.sql`UPDATE ${Prisma.raw(`"${table}"`)} SET ${Prisma.join(entries.arrays.map((array) => Prisma.sql`${Prisma.raw(`"${array}"`)} = ${entriesOf(entries, array, memberId, false)}`))}
             WHERE school_id = ${school}::uuid AND (${holdsEntryOf(entries, memberId)})`]
        : [],
    ),
    Prisma.sql`DELETE FROM calendar_feeds WHERE school_id = ${school}::uuid AND member_id = ${memberId}::uuid`,
    // Stored responses of the member's own requests, and of anyone's that named the member.
    Prisma.sql`DELETE FROM idempotency_keys WHERE school_id = ${school}::uuid AND (caller = ${`member:${memberId}`} OR response_body LIKE ${`%${memberId}%`})`,
    Prisma.sql`SELECT count(webhook_emit(${school}::uuid, 'member.erased', ${memberId}::uuid, jsonb_build_object('memberId', ${memberId}::uuid)))`,
  ]
  await tenant.db.$transaction(async (tx) => {
    for (const statement of statements) await tx.$executeRaw(statement)
  })
  return { memberId, erasedAt: now.toISOString(), alreadyErased: false }
}
