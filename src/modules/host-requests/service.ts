// Requests to alumni hosts. A request is a meeting request (status requested) addressed to a host,
// plus this record of the match and its outcome. A student may send one request to several hosts at
// once (up to the school's fanout); the first host to accept schedules the meeting and the others
// are withdrawn. A request waits at most the school's expiry before it expires.
//
// Capacity under concurrency: accepting locks the host's profile row first, so a host's accepts run
// one after another and each counts the ledger the previous one left. Of N simultaneous accepts
// against a host with capacity C, exactly min(N, C) succeed; the rest get 409 capacity-exhausted.
import { randomUUID } from 'node:crypto'
import { can } from '../../infra/auth/policy.js'
import type { Principal } from '../../infra/auth/principal.js'
import { type Tenant, type Transaction } from '../../infra/db/database.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, forbidden, notFound, invalidField } from '../../infra/http/problem.js'
import type { Prisma } from '../../generated/prisma/client.js'
import { writingStudent } from '../contacts/access.js'
import { DIRECTORY_SELECT, reasonsAsSeenBy, studentAsSeenBy } from '../members/directory.js'
import { blackoutDuring, type Availability, type Blackout, type WeeklyWindow } from '../hosts/availability.js'
import { bookedMeetings, ledgerRefusal, monthOf, shadowDays, termOf, termWindow } from '../hosts/ledger.js'
import { responseRate } from '../hosts/service.js'
import { displayName } from '../members/display.js'
import { expireOverdueRequests, insertHostRequest } from './booking.js'
import { checkWindow, parseWindow, type TimeWindow, type StoredWindow } from '../scheduling/windows.js'
import type { School, SchoolSettings } from '../schools/settings.js'
import { DateTime } from 'luxon'
import type {
  AcceptHostRequestBody,
  CreateHostRequestsBody,
  DeclineHostRequestBody,
  HostRequestBody,
  HostRequestListQueryBody,
} from './schemas.js'

const DAY = 86_400_000
const HOUR = 3_600_000
/** Accepts against one popular host queue on its row lock; give them room. */
const ACCEPT_TRANSACTION = { maxWait: 15_000, timeout: 20_000 }


const requestInclude = {
  meeting: true,
  student: { select: DIRECTORY_SELECT },
  host: {
    select: {
      id: true,
      givenName: true,
      familyName: true,
      hostProfile: { select: { organization: true, title: true, answeredCount: true, expiredCount: true, lastActiveAt: true, contactEmail: true, contactPhone: true } },
    },
  },
} as const satisfies Prisma.HostRequestInclude

type RequestRow = Prisma.HostRequestGetPayload<{ include: typeof requestInclude }>


export function toHostRequest(row: RequestRow, principal: Principal): HostRequestBody {
  const profile = row.host.hostProfile
  const seesContact = can(principal, 'students:read-all') || principal.memberId === row.hostId || (principal.memberId === row.studentId && row.status === 'accepted')
  const meeting = row.meeting
  return {
    id: row.id,
    groupId: row.groupId,
    status: row.status,
    meetingId: row.meetingId,
    programId: row.programId,
    kind: meeting.kind,
    purpose: meeting.purpose,
    mode: meeting.mode,
    location: meeting.location,
    proposedSlots: meeting.proposedSlots as unknown as StoredWindow[],
    scheduled: row.status === 'accepted' && meeting.startsAt && meeting.endsAt ? { startsAt: meeting.startsAt.toISOString(), endsAt: meeting.endsAt.toISOString() } : null,
    score: row.score,
    reasons: reasonsAsSeenBy(row.reasons as unknown as Array<{ code: string; text: string }>, row.student, principal),
    declineReason: row.declineReason,
    expiresAt: row.expiresAt.toISOString(),
    respondedAt: row.respondedAt?.toISOString() ?? null,
    student: studentAsSeenBy(row.student, principal),
    host: {
      memberId: row.host.id,
      name: displayName(row.host),
      organization: profile?.organization ?? null,
      title: profile?.title ?? null,
      responseRate: profile ? responseRate(profile) : null,
      lastActiveAt: profile?.lastActiveAt.toISOString() ?? null,
      contact: seesContact && profile ? { email: profile.contactEmail, phone: profile.contactPhone } : null,
    },
    createdAt: row.createdAt.toISOString(),
  }
}

export async function createHostRequests(tenant: Tenant, principal: Principal, input: CreateHostRequestsBody, now: Date, settings: SchoolSettings) {
  const studentId = writingStudent(principal)
  const { db, schoolId } = tenant
  const purpose = input.purpose.trim()
  if (!purpose) throw invalidField('body.purpose', 'must not be blank')
  if (input.hostIds.length > settings.hostRequestFanout) {
    throw invalidField('body.hostIds', `may name at most ${settings.hostRequestFanout} hosts at once (the school's limit)`)
  }
  if (input.hostIds.includes(studentId)) throw invalidField('body.hostIds', 'must not include yourself')
  input.proposedSlots.forEach((slot, index) => checkWindow(parseWindow(slot), input.kind, settings, now, `body.proposedSlots.${index}`))
  const proposedSlots = input.proposedSlots.map((slot) => {
    const window = parseWindow(slot)
    return { startsAt: window.startsAt.toISOString(), endsAt: window.endsAt.toISOString() }
  })
  await expireOverdueRequests(db, schoolId, now)
  const groupId = randomUUID()
  const hostIds = [...input.hostIds].sort()
  const ids = await db.$transaction(async (tx) => {
    // The hosts' rows are locked (in one order, so two students never deadlock) while their open
    // requests are counted: two simultaneous requests cannot both take a host's last open place.
    const locked = await tx.$queryRaw<Array<{ member_id: string }>>`
      SELECT member_id::text FROM host_profiles WHERE school_id = ${schoolId}::uuid AND member_id = ANY(${hostIds}::uuid[]) ORDER BY member_id FOR UPDATE`
    const missing = input.hostIds.findIndex((id) => !locked.some((row) => row.member_id === id))
    if (missing >= 0) throw notFound(`host (hostIds.${missing})`)
    const profiles = await tx.hostProfile.findMany({ where: { schoolId, memberId: { in: hostIds } } })
    const open = await tx.hostRequest.groupBy({ by: ['hostId'], where: { schoolId, hostId: { in: hostIds }, status: 'pending' }, _count: { _all: true } })
    const already = await tx.hostRequest.findMany({ where: { schoolId, studentId, hostId: { in: hostIds }, status: 'pending' }, select: { hostId: true, id: true } })
    for (const [index, hostId] of input.hostIds.entries()) {
      const profile = profiles.find((row) => row.memberId === hostId)!
      const field = `body.hostIds.${index}`
      if (!profile.accepting) throw new Problem('conflict', 'This host is not accepting requests now', { extensions: { hostId, field } })
      if (!profile.offers.includes(input.kind)) throw new Problem('conflict', `This host does not offer ${input.kind.replaceAll('_', ' ')}s`, { extensions: { hostId, field, offers: profile.offers } })
      if (!profile.modes.includes(input.mode)) throw new Problem('conflict', `This host does not meet by ${input.mode.replace('_', ' ')}`, { extensions: { hostId, field, modes: profile.modes } })
      const pending = already.find((row) => row.hostId === hostId)
      if (pending) throw new Problem('conflict', 'You already have a request waiting for this host', { extensions: { hostId, field, existingId: pending.id } })
      const openCount = open.find((row) => row.hostId === hostId)?._count._all ?? 0
      if (openCount >= profile.maxOpenRequests) {
        throw new Problem('capacity-exhausted', `This host already has ${openCount} requests waiting (at most ${profile.maxOpenRequests})`, { extensions: { hostId, field, limit: 'openRequests' } })
      }
    }
    const created: string[] = []
    for (const hostId of input.hostIds) {
      const profile = profiles.find((row) => row.memberId === hostId)!
      created.push(
        await insertHostRequest(tx, schoolId, {
          studentId,
          hostId,
          groupId,
          kind: input.kind,
          purpose,
          mode: input.mode,
          location: input.location ?? (input.mode === 'in_person' ? profile.location : null),
          proposedSlots,
          expiresAt: new Date(now.getTime() + settings.hostRequestExpiryDays * DAY),
          createdAt: now,
        }),
      )
    }
    return created
  })
  const rows = await db.hostRequest.findMany({ where: { schoolId, id: { in: ids } }, include: requestInclude })
  return { groupId, items: ids.map((id) => toHostRequest(rows.find((row) => row.id === id)!, principal)) }
}

/** Who sees which requests: staff all of the school's; a student theirs; a host those addressed to them. */
function visibility(principal: Principal): Prisma.HostRequestWhereInput {
  if (can(principal, 'students:read-all')) return {}
  if (!principal.memberId) throw forbidden()
  const mine: Prisma.HostRequestWhereInput[] = []
  if (can(principal, 'host-requests:send')) mine.push({ studentId: principal.memberId })
  if (can(principal, 'host-requests:answer')) mine.push({ hostId: principal.memberId })
  if (mine.length === 0) throw forbidden()
  return { OR: mine }
}

export async function listHostRequests(tenant: Tenant, principal: Principal, query: HostRequestListQueryBody, now: Date) {
  const { db, schoolId } = tenant
  await expireOverdueRequests(db, schoolId, now)
  const after = decodeCursor(query.cursor, ['id'])
  const where: Prisma.HostRequestWhereInput = {
    AND: [
      { schoolId },
      visibility(principal),
      query.status ? { status: query.status } : {},
      query.hostId ? { hostId: query.hostId } : {},
      query.studentId ? { studentId: query.studentId } : {},
      query.groupId ? { groupId: query.groupId } : {},
      query.programId ? { programId: query.programId } : {},
      after ? { id: { gt: after.id } } : {},
    ],
  }
  const rows = await db.hostRequest.findMany({ where, orderBy: { id: 'asc' }, take: query.limit + 1, include: requestInclude })
  const page = pageOf(rows, query.limit)
  return { items: page.items.map((row) => toHostRequest(row, principal)), nextCursor: page.nextCursor }
}

export async function getHostRequest(tenant: Tenant, principal: Principal, id: string, now: Date) {
  await expireOverdueRequests(tenant.db, tenant.schoolId, now)
  return readHostRequest(tenant, principal, id)
}

/** The request as the caller sees it; the writes below answer with it after their own sweep. */
async function readHostRequest({ db, schoolId }: Tenant, principal: Principal, id: string) {
  const row = await db.hostRequest.findFirst({ where: { AND: [{ schoolId, id }, visibility(principal)] }, include: requestInclude })
  if (!row) throw notFound('host request')
  return toHostRequest(row, principal)
}

/** Locks a request addressed to the caller (as host) or sent by them (as student); 404 for anyone else's. */
async function lockRequest(tx: Transaction, schoolId: string, id: string, as: 'host' | 'student', memberId: string) {
  const column = as === 'host' ? 'host_id' : 'student_id'
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT id::text FROM host_requests WHERE school_id = $1::uuid AND id = $2::uuid AND ${column} = $3::uuid FOR UPDATE`,
    schoolId,
    id,
    memberId,
  )
  if (rows.length === 0) throw notFound('host request')
  return tx.hostRequest.findUniqueOrThrow({ where: { schoolId_id: { schoolId, id } }, include: { meeting: true } })
}

function notPending(status: string, now: Date, expiresAt: Date, action: 'answered' | 'withdrawn' = 'answered') {
  const current = status === 'pending' && expiresAt <= now ? 'expired' : status
  return new Problem('conflict', `This request is ${current}; only a pending request can be ${action}`, { extensions: { currentStatus: current } })
}

function hostOf(principal: Principal): string {
  if (principal.kind !== 'member' || !can(principal, 'host-requests:answer')) throw forbidden('Only the host a request is addressed to may answer it')
  return principal.memberId
}

async function withdrawSiblings(tx: Transaction, schoolId: string, groupId: string, acceptedId: string, now: Date) {
  await tx.$executeRaw`
    WITH withdrawn AS (
      UPDATE host_requests SET status = 'withdrawn', responded_at = NULL, updated_at = now()
       WHERE school_id = ${schoolId}::uuid AND group_id = ${groupId}::uuid AND id <> ${acceptedId}::uuid AND status = 'pending'
      RETURNING meeting_id
    )
    UPDATE meetings m SET status = 'cancelled', closed_reason = 'Withdrawn: another host accepted this request', closed_at = ${now}, updated_at = now()
      FROM withdrawn w
     WHERE m.school_id = ${schoolId}::uuid AND m.id = w.meeting_id AND m.status = 'requested'`
}

export async function acceptHostRequest(tenant: Tenant, principal: Principal, id: string, input: AcceptHostRequestBody, now: Date, school: School) {
  const hostId = hostOf(principal)
  const { db, schoolId } = tenant
  await expireOverdueRequests(db, schoolId, now)
  try {
    await db.$transaction(async (tx) => {
      // The host's row first: every accept for this host waits here for the one before it.
      await tx.$queryRaw`SELECT 1 FROM host_profiles WHERE school_id = ${schoolId}::uuid AND member_id = ${hostId}::uuid FOR UPDATE`
      // Then every request of the group, in id order: two hosts of one group accepting at once queue
      // here, instead of each holding its own request while withdrawing the other's (a deadlock).
      await tx.$queryRaw`
        SELECT id FROM host_requests
         WHERE school_id = ${schoolId}::uuid
           AND group_id = (SELECT group_id FROM host_requests WHERE school_id = ${schoolId}::uuid AND id = ${id}::uuid AND host_id = ${hostId}::uuid)
         ORDER BY id FOR UPDATE`
      const request = await lockRequest(tx, schoolId, id, 'host', hostId)
      if (request.status !== 'pending' || request.expiresAt <= now) throw notPending(request.status, now, request.expiresAt)
      const meeting = request.meeting
      const slots = meeting.proposedSlots as unknown as StoredWindow[]
      const chosen = slots[input.slot]
      if (!chosen) throw invalidField('body.slot', `must name one of the ${slots.length} proposed slots (0-${slots.length - 1})`)
      const window: TimeWindow = parseWindow(chosen)
      if (window.startsAt <= now) throw new Problem('conflict', 'This slot has already begun; choose a later one', { extensions: { slot: input.slot } })
      const location = input.location ?? meeting.location
      if ((meeting.mode === 'in_person' || meeting.mode === 'video') && !location) {
        throw invalidField('body.location', meeting.mode === 'in_person' ? 'is required: the request names no place' : 'is required: the request names no link')
      }
      const profile = await tx.hostProfile.findUniqueOrThrow({ where: { schoolId_memberId: { schoolId, memberId: hostId } } })
      const { settings } = school
      const availability: Availability = {
        timeZone: profile.timeZone,
        weeklyWindows: profile.weeklyWindows as unknown as WeeklyWindow[],
        blackouts: profile.blackouts as unknown as Blackout[],
      }
      const blackout = blackoutDuring(availability, window)
      if (blackout) throw new Problem('conflict', `You marked ${blackout} as unavailable`, { extensions: { blackout } })
      const termDate = DateTime.fromJSDate(window.startsAt, { zone: school.timeZone }).toISODate()!
      const term = termOf(termDate, settings.terms)
      const termSpan = termWindow(term, school.timeZone)
      const month = monthOf(window.startsAt, profile.timeZone)
      const from = new Date(Math.min(month.startsAt.getTime(), termSpan.startsAt.getTime(), window.startsAt.getTime()))
      const to = new Date(Math.max(month.endsAt.getTime(), termSpan.endsAt.getTime(), window.endsAt.getTime()))
      const booked = await bookedMeetings(tx, schoolId, hostId, from, to)
      const clash = booked.find((other) => other.startsAt < window.endsAt && other.endsAt > window.startsAt)
      if (clash) throw new Problem('conflict', 'You already have a meeting at that time', { extensions: { overlappingMeetingId: clash.meetingId } })
      const refusal = ledgerRefusal(profile, booked, window, meeting.kind, { term, window: termSpan })
      if (refusal) throw new Problem('capacity-exhausted', refusal.reason, { extensions: { limit: refusal.limit } })

      await tx.meeting.update({
        where: { schoolId_id: { schoolId, id: meeting.id } },
        data: {
          status: 'scheduled',
          startsAt: window.startsAt,
          endsAt: window.endsAt,
          location,
          thankYouDueAt: new Date(window.endsAt.getTime() + settings.thankYouWindowHours * HOUR),
        },
      })
      await tx.hostRequest.update({
        where: { schoolId_id: { schoolId, id } },
        data: {
          status: 'accepted',
          respondedAt: now,
          startsAt: window.startsAt,
          endsAt: window.endsAt,
          shadowDays: meeting.kind === 'job_shadow' ? shadowDays(window, profile.timeZone) : 0,
        },
      })
      await tx.hostProfile.update({
        where: { schoolId_memberId: { schoolId, memberId: hostId } },
        data: { answeredCount: { increment: 1 }, lastActiveAt: now },
      })
      await withdrawSiblings(tx, schoolId, request.groupId, id, now)
      // The student may now reach the host directly: their contact gets the host's details (an email
      // the student already holds on another contact is left out rather than duplicated).
      await tx.$executeRaw`
        UPDATE contacts c SET
          email = CASE WHEN c.email IS NULL AND NOT EXISTS (
                    SELECT 1 FROM contacts o WHERE o.school_id = c.school_id AND o.student_id = c.student_id AND o.email = ${profile.contactEmail})
                  THEN ${profile.contactEmail} ELSE c.email END,
          phone = COALESCE(c.phone, ${profile.contactPhone}),
          updated_at = now()
         WHERE c.school_id = ${schoolId}::uuid AND c.id = ${meeting.contactId}::uuid`
    }, ACCEPT_TRANSACTION)
  } catch (error) {
    const text = `${(error as Error)?.message ?? ''} ${JSON.stringify((error as { meta?: unknown })?.meta ?? '')}`
    if (/meetings_no_overlap|23P01/.test(text)) {
      throw new Problem('conflict', 'The student already has a meeting at that time', { extensions: { slot: input.slot } })
    }
    throw error
  }
  return readHostRequest(tenant, principal, id)
}

export async function declineHostRequest(tenant: Tenant, principal: Principal, id: string, input: DeclineHostRequestBody, now: Date) {
  const hostId = hostOf(principal)
  const { db, schoolId } = tenant
  await expireOverdueRequests(db, schoolId, now)
  await db.$transaction(async (tx) => {
    // The host's row first, as accepting and the expiry sweep take it (no deadlock between them).
    await tx.$queryRaw`SELECT 1 FROM host_profiles WHERE school_id = ${schoolId}::uuid AND member_id = ${hostId}::uuid FOR UPDATE`
    const request = await lockRequest(tx, schoolId, id, 'host', hostId)
    if (request.status !== 'pending' || request.expiresAt <= now) throw notPending(request.status, now, request.expiresAt)
    const reason = input.reason?.trim() || null
    await tx.hostRequest.update({ where: { schoolId_id: { schoolId, id } }, data: { status: 'declined', declineReason: reason, respondedAt: now } })
    await tx.meeting.updateMany({
      where: { schoolId, id: request.meetingId, status: 'requested' },
      data: { status: 'declined', closedReason: reason ?? 'The host declined', closedAt: now },
    })
    await tx.hostProfile.update({ where: { schoolId_memberId: { schoolId, memberId: hostId } }, data: { answeredCount: { increment: 1 }, lastActiveAt: now } })
  })
  return readHostRequest(tenant, principal, id)
}

export async function withdrawHostRequest(tenant: Tenant, principal: Principal, id: string, now: Date) {
  const studentId = writingStudent(principal)
  const { db, schoolId } = tenant
  await expireOverdueRequests(db, schoolId, now)
  await db.$transaction(async (tx) => {
    const request = await lockRequest(tx, schoolId, id, 'student', studentId)
    if (request.status !== 'pending' || request.expiresAt <= now) throw notPending(request.status, now, request.expiresAt, 'withdrawn')
    await tx.hostRequest.update({ where: { schoolId_id: { schoolId, id } }, data: { status: 'withdrawn' } })
    await tx.meeting.updateMany({ where: { schoolId, id: request.meetingId, status: 'requested' }, data: { status: 'cancelled', closedReason: 'Withdrawn by the student', closedAt: now } })
  })
  return readHostRequest(tenant, principal, id)
}
