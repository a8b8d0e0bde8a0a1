// Alumni host profiles. An alumnus keeps their own profile (a school admin may keep it for them);
// every member of the school reads profiles, but a host's private contact details are shown only to
// the host, advisors and admins (students get them on an accepted request).
import type { Principal } from '../../infra/auth/principal.js'
import { can } from '../../infra/auth/policy.js'
import { displayName } from '../members/display.js'
import type { Tenant } from '../../infra/db/database.js'
import { insensitiveEquals } from '../../infra/db/text-match.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, forbidden, notFound } from '../../infra/http/problem.js'
import type { HostProfile as HostRow, Prisma } from '../../generated/prisma/client.js'
import { canonicalTimeZone } from '../schools/service.js'
import { type Blackout, normalizeAvailability, type WeeklyWindow } from './availability.js'
import type { HostBody, HostInputBody, HostListQueryBody } from './schemas.js'

export type HostWithName = HostRow & { member: { givenName: string | null; familyName: string | null } }

/**
 * Response rate: answered / (answered + expired). Withdrawn requests (the student found another
 * host) and pending ones do not count against the host.
 */
export function responseRate(row: Pick<HostRow, 'answeredCount' | 'expiredCount'>): number | null {
  const total = row.answeredCount + row.expiredCount
  return total === 0 ? null : Math.round((row.answeredCount / total) * 1000) / 1000
}

export function toHost(row: HostWithName, showContact: boolean): HostBody {
  return {
    memberId: row.memberId,
    name: displayName(row.member),
    organization: row.organization,
    title: row.title,
    industries: row.industries,
    occupations: row.occupations,
    offers: row.offers,
    modes: row.modes,
    location: row.location,
    backgroundTags: row.backgroundTags,
    bio: row.bio,
    accepting: row.accepting,
    timeZone: row.timeZone,
    capacity: { maxMeetingsPerMonth: row.maxMeetingsPerMonth, maxShadowDaysPerTerm: row.maxShadowDaysPerTerm, maxOpenRequests: row.maxOpenRequests },
    availability: { weeklyWindows: row.weeklyWindows as unknown as WeeklyWindow[], blackouts: row.blackouts as unknown as Blackout[] },
    responseRate: responseRate(row),
    lastActiveAt: row.lastActiveAt.toISOString(),
    contact: showContact ? { email: row.contactEmail, phone: row.contactPhone } : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

const withName = { member: { select: { givenName: true, familyName: true } } } as const

function mayManage(principal: Principal, memberId: string): boolean {
  return principal.memberId === memberId || (principal.roles as readonly string[]).includes('school_admin')
}

export async function upsertHost(tenant: Tenant, principal: Principal, memberId: string, input: HostInputBody, now: Date) {
  if (!mayManage(principal, memberId)) throw forbidden('Only the alumnus themselves or a school admin may change a host profile')
  const { db, schoolId } = tenant
  const member = await db.member.findFirst({ where: { schoolId, id: memberId }, select: { roles: true } })
  if (!member) throw notFound('member')
  if (!member.roles.includes('alumni')) {
    throw new Problem('conflict', 'Only alumni volunteer as hosts; this member has no alumni role', { extensions: { roles: member.roles } })
  }
  const timeZone = canonicalTimeZone(input.timeZone)
  const { weeklyWindows, blackouts } = normalizeAvailability(input.availability.weeklyWindows, input.availability.blackouts)
  if (input.modes.includes('in_person') && !input.location?.trim()) {
    throw new Problem('validation-failed', 'body.location is required when the host offers in-person meetings', {
      extensions: { errors: [{ field: 'body.location', message: 'is required when modes include in_person' }] },
    })
  }
  const data = {
    organization: input.organization.trim(),
    title: input.title ?? null,
    industries: input.industries,
    occupations: input.occupations,
    offers: input.offers,
    modes: input.modes,
    location: input.location ?? null,
    backgroundTags: input.backgroundTags ?? [],
    bio: input.bio ?? null,
    accepting: input.accepting,
    timeZone,
    contactEmail: input.contactEmail ?? null,
    contactPhone: input.contactPhone ?? null,
    ...input.capacity,
    weeklyWindows: weeklyWindows as unknown as Prisma.InputJsonArray,
    blackouts: blackouts as unknown as Prisma.InputJsonArray,
    lastActiveAt: now,
  }
  const existing = await db.hostProfile.findUnique({ where: { schoolId_memberId: { schoolId, memberId } }, select: { memberId: true } })
  const row = await db.hostProfile.upsert({
    where: { schoolId_memberId: { schoolId, memberId } },
    create: { schoolId, memberId, ...data },
    update: data,
    include: withName,
  })
  return { host: toHost(row, true), created: !existing }
}

export async function getHost({ db, schoolId }: Tenant, principal: Principal, memberId: string): Promise<HostBody> {
  const row = await db.hostProfile.findUnique({ where: { schoolId_memberId: { schoolId, memberId } }, include: withName })
  if (!row) throw notFound('host')
  return toHost(row, principal.memberId === memberId || can(principal, 'students:read-all'))
}

export async function listHosts({ db, schoolId }: Tenant, principal: Principal, query: HostListQueryBody) {
  const after = decodeCursor(query.cursor, ['id'])
  const where: Prisma.HostProfileWhereInput = {
    schoolId,
    ...(query.accepting !== undefined ? { accepting: query.accepting } : {}),
    ...(query.offers ? { offers: { has: query.offers } } : {}),
    ...(query.industry ? { industries: { has: query.industry } } : {}),
    ...(query.organization ? { organization: insensitiveEquals(query.organization) } : {}),
    ...(after ? { memberId: { gt: after.id } } : {}),
  }
  const rows = await db.hostProfile.findMany({ where, orderBy: { memberId: 'asc' }, take: query.limit + 1, include: withName })
  const page = pageOf(rows.map((row) => ({ ...row, id: row.memberId })), query.limit)
  return { items: page.items.map((row) => toHost(row, principal.memberId === row.memberId || can(principal, 'students:read-all'))), nextCursor: page.nextCursor }
}
