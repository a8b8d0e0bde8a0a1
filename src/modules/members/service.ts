// Members are provisioned by the school's portal, idempotently by its external id, one at a time or
// in bulk (all or nothing). Reading members is for advisors, school admins and clients with
// members:read; any member may read themselves.
import type { Principal } from '../../infra/auth/principal.js'
import { can } from '../../infra/auth/policy.js'
import type { Tenant } from '../../infra/db/database.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, forbidden, notFound } from '../../infra/http/problem.js'
import type { Member as MemberRow } from '../../generated/prisma/client.js'
import { SHARING_COLUMNS, SHARING_SELECT, type SharedField, type SharingRow, sharingOf, shownToOthers } from './directory.js'
import type { BulkMemberInputBody, MemberBody, MemberInputBody, MemberListQueryBody, SharingInputBody } from './schemas.js'

export function toMember(row: MemberRow): MemberBody {
  return {
    id: row.id,
    externalId: row.externalId,
    roles: row.roles,
    status: row.status,
    givenName: row.givenName,
    familyName: row.familyName,
    email: row.email,
    major: row.major,
    graduationYear: row.graduationYear,
    fieldsOfInterest: row.fieldsOfInterest,
    backgroundTags: row.backgroundTags,
    shareBackgroundTags: row.shareBackgroundTags,
    directoryOptOut: row.directoryOptOut,
    sharing: sharingOf(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

function memberData(input: MemberInputBody) {
  return {
    roles: input.roles,
    status: input.status ?? 'active',
    givenName: input.givenName ?? null,
    familyName: input.familyName ?? null,
    email: input.email ?? null,
    major: input.major ?? null,
    graduationYear: input.graduationYear ?? null,
    fieldsOfInterest: input.fieldsOfInterest ?? [],
    backgroundTags: input.backgroundTags ?? [],
    // Left out, an existing member keeps their choice (it is theirs, not the portal's).
    shareBackgroundTags: input.shareBackgroundTags ?? null,
    directoryOptOut: input.directoryOptOut ?? false,
  }
}

/**
 * Only a school admin may make someone a school admin, or change a member who is one: a portal's
 * client credential (members:write) provisions students, alumni and advisors, and cannot take over
 * the school's administration.
 */
async function assertMayAssignRoles({ db, schoolId }: Tenant, principal: Principal, members: Array<{ externalId: string; roles: string[] }>) {
  if ((principal.roles as readonly string[]).includes('school_admin')) return
  const granting = members.findIndex((member) => member.roles.includes('school_admin'))
  if (granting >= 0) throw forbidden('Only a school admin may grant the school_admin role')
  const admins = await db.member.findMany({
    where: { schoolId, externalId: { in: members.map((member) => member.externalId) }, roles: { has: 'school_admin' } },
    select: { externalId: true },
    take: 1,
  })
  if (admins.length) throw forbidden(`Only a school admin may change the school admin "${admins[0]!.externalId}"`)
}

export async function upsertMember(tenant: Tenant, principal: Principal, externalId: string, input: MemberInputBody) {
  await assertMayAssignRoles(tenant, principal, [{ externalId, roles: input.roles }])
  const { db, schoolId } = tenant
  // INSERT ... ON CONFLICT answers both "created" and the row in one atomic statement.
  const data = memberData(input)
  const [row] = await db.$queryRaw<Array<{ id: string; inserted: boolean }>>`
    INSERT INTO members (school_id, id, external_id, roles, status, given_name, family_name, email, major,
                         graduation_year, fields_of_interest, background_tags, share_background_tags, directory_opt_out, updated_at)
    VALUES (${schoolId}::uuid, uuid_generate_v7(), ${externalId}, ${data.roles}::member_role[], ${data.status}::member_status,
            ${data.givenName}, ${data.familyName}, ${data.email}, ${data.major}, ${data.graduationYear}::int,
            ${data.fieldsOfInterest}::text[], ${data.backgroundTags}::text[], coalesce(${data.shareBackgroundTags}::boolean, true), ${data.directoryOptOut}, now())
    ON CONFLICT (school_id, external_id) DO UPDATE SET
      roles = EXCLUDED.roles, status = EXCLUDED.status, given_name = EXCLUDED.given_name,
      family_name = EXCLUDED.family_name, email = EXCLUDED.email, major = EXCLUDED.major,
      graduation_year = EXCLUDED.graduation_year, fields_of_interest = EXCLUDED.fields_of_interest,
      background_tags = EXCLUDED.background_tags, directory_opt_out = EXCLUDED.directory_opt_out,
      share_background_tags = coalesce(${data.shareBackgroundTags}::boolean, members.share_background_tags), updated_at = now()
    RETURNING id::text, (xmax = 0) AS inserted`
  const member = await db.member.findUniqueOrThrow({ where: { schoolId_id: { schoolId, id: row!.id } } })
  return { member: toMember(member), created: row!.inserted }
}

export async function bulkUpsertMembers(tenant: Tenant, principal: Principal, members: BulkMemberInputBody[]) {
  const { db, schoolId } = tenant
  const seen = new Map<string, number>()
  const errors: Array<{ field: string; message: string }> = []
  members.forEach((member, index) => {
    const first = seen.get(member.externalId)
    if (first !== undefined) errors.push({ field: `body.members.${index}.externalId`, message: `repeats members.${first}.externalId` })
    else seen.set(member.externalId, index)
  })
  if (errors.length) {
    throw new Problem('validation-failed', `${errors.length} member${errors.length === 1 ? '' : 's'} not valid; nothing was changed`, {
      extensions: { errors },
    })
  }
  await assertMayAssignRoles(tenant, principal, members)
  const records = members.map((member) => ({ external_id: member.externalId, ...memberData(member) }))
  const chose = members.filter((member) => member.shareBackgroundTags !== undefined).map((member) => member.externalId)
  // One statement: every member is written or none is.
  const rows = await db.$queryRaw<Array<{ id: string; external_id: string; inserted: boolean }>>`
    INSERT INTO members (school_id, id, external_id, roles, status, given_name, family_name, email, major,
                         graduation_year, fields_of_interest, background_tags, share_background_tags, directory_opt_out, updated_at)
    SELECT ${schoolId}::uuid, uuid_generate_v7(), r.external_id, r.roles, r.status, r."givenName", r."familyName", r.email,
           r.major, r."graduationYear", r."fieldsOfInterest", r."backgroundTags", coalesce(r."shareBackgroundTags", true), r."directoryOptOut", now()
      FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(
             external_id text, roles member_role[], status member_status, "givenName" text, "familyName" text,
             email text, major text, "graduationYear" int, "fieldsOfInterest" text[], "backgroundTags" text[], "shareBackgroundTags" boolean, "directoryOptOut" boolean)
    ON CONFLICT (school_id, external_id) DO UPDATE SET
      roles = EXCLUDED.roles, status = EXCLUDED.status, given_name = EXCLUDED.given_name,
      family_name = EXCLUDED.family_name, email = EXCLUDED.email, major = EXCLUDED.major,
      graduation_year = EXCLUDED.graduation_year, fields_of_interest = EXCLUDED.fields_of_interest,
      background_tags = EXCLUDED.background_tags, directory_opt_out = EXCLUDED.directory_opt_out,
      -- A member left without a choice of sharing their tags keeps theirs (decided on the locked row,
      -- so a choice the member makes meanwhile is not undone).
      share_background_tags = CASE WHEN EXCLUDED.external_id = ANY(${chose}::text[]) THEN EXCLUDED.share_background_tags ELSE members.share_background_tags END,
      updated_at = now()
    RETURNING id::text, external_id, (xmax = 0) AS inserted`
  const byExternalId = new Map(rows.map((row) => [row.external_id, row]))
  const results = members.map((member) => {
    const row = byExternalId.get(member.externalId)!
    return { externalId: member.externalId, id: row.id, outcome: row.inserted ? ('created' as const) : ('updated' as const) }
  })
  const created = results.filter((result) => result.outcome === 'created').length
  return { created, updated: results.length - created, members: results }
}

export async function listMembers({ db, schoolId }: Tenant, query: MemberListQueryBody) {
  const after = decodeCursor(query.cursor, ['id'])
  const rows = await db.member.findMany({
    where: {
      schoolId,
      ...(query.role ? { roles: { has: query.role } } : {}),
      ...(query.graduationYear !== undefined ? { graduationYear: query.graduationYear } : {}),
      ...(query.major ? { major: query.major } : {}),
      ...(after ? { id: { gt: after.id } } : {}),
    },
    orderBy: { id: 'asc' },
    take: query.limit + 1,
  })
  const page = pageOf(rows, query.limit)
  return { items: page.items.map(toMember), nextCursor: page.nextCursor }
}

export async function getMember({ db, schoolId }: Tenant, principal: Principal, id: string): Promise<MemberBody> {
  const mayReadOthers = can(principal, 'members:read')
  // Another member's record is as invisible to a student as a missing one.
  if (!mayReadOthers && principal.memberId !== id) throw notFound('member')
  const row = await db.member.findUnique({ where: { schoolId_id: { schoolId, id } } })
  if (!row) throw notFound('member')
  return toMember(row)
}

function sharingState(row: { id: string } & SharingRow) {
  return { memberId: row.id, directoryOptOut: row.directoryOptOut, sharing: sharingOf(row), shownToOthers: shownToOthers(row) }
}

/** A member's sharing choices: for themselves, advisors and school admins; anyone else gets a 404. */
export async function getSharing({ db, schoolId }: Tenant, principal: Principal, id: string) {
  if (principal.memberId !== id && !can(principal, 'students:read-all')) throw notFound('member')
  const row = await db.member.findUnique({ where: { schoolId_id: { schoolId, id } }, select: SHARING_SELECT })
  if (!row) throw notFound('member')
  return sharingState(row)
}

/**
 * Changes the member's own sharing choices (the member, or a school admin on their behalf; an
 * advisor reads them but does not choose for the student). The directory opt-out is not among them:
 * it is the registrar's record, provisioned with the member.
 */
export async function updateSharing({ db, schoolId }: Tenant, principal: Principal, id: string, input: SharingInputBody) {
  const mayChoose = principal.memberId === id || can(principal, 'members:manage-sharing')
  if (!mayChoose) {
    if (can(principal, 'students:read-all')) throw forbidden('Only the member or a school admin changes their sharing choices')
    throw notFound('member')
  }
  const data = Object.fromEntries(Object.entries(input).map(([field, value]) => [SHARING_COLUMNS[field as SharedField], value]))
  const rows = await db.member.updateManyAndReturn({ where: { schoolId, id }, data, select: SHARING_SELECT })
  if (!rows[0]) throw notFound('member')
  return sharingState(rows[0])
}
