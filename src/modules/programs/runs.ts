// Assignment runs of a programme: the input read once (hosts, students, windows), the optimal
// assignment computed and kept with its digest for audit, and reading runs back.
import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import type { Principal } from '../../infra/auth/principal.js'
import type { Tenant } from '../../infra/db/database.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, notFound, invalidField } from '../../infra/http/problem.js'
import type { Prisma, Program as ProgramRow, AssignmentRun as RunRow } from '../../generated/prisma/client.js'
import { availableWindows, describeWindow, type Blackout, type WeeklyWindow } from '../hosts/availability.js'
import { displayName } from '../members/display.js'
import { expireOverdueRequests } from '../host-requests/booking.js'
import type { MatchingWeights, School } from '../schools/settings.js'
import { computeAssignment, type AssignmentHost, type AssignmentStudent, type Mode, type Pair } from './assignment.js'
import type { CreateRunBody, RunBody } from './schemas.js'
import { assertDraft, date, DAY, findProgram, SHADOW_MIN_MINUTES } from './service.js'


/**
 * A run as its organizers read it: each pair and unmatched student with the display names of the
 * members it names (null for a member erased since), read now, so a rename shows.
 */
export async function runWithNames({ db, schoolId }: Tenant, row: RunRow): Promise<RunBody> {
  const run = toRun(row)
  const ids = [...new Set([...run.pairs.flatMap((pair) => [pair.studentId, pair.hostId]), ...run.unmatched.map((student) => student.studentId)])]
  const members = ids.length ? await db.member.findMany({ where: { schoolId, id: { in: ids } }, select: { id: true, givenName: true, familyName: true } }) : []
  const nameOf = new Map(members.map((member) => [member.id, displayName(member)]))
  return {
    ...run,
    pairs: run.pairs.map((pair) => ({ ...pair, studentName: nameOf.get(pair.studentId) ?? null, hostName: nameOf.get(pair.hostId) ?? null })),
    unmatched: run.unmatched.map((student) => ({ ...student, studentName: nameOf.get(student.studentId) ?? null })),
  }
}

function toRun(row: RunRow): RunBody {
  const stats = row.stats as unknown as RunBody['stats']
  return {
    id: row.id,
    programId: row.programId,
    createdBy: row.createdBy,
    inputDigest: row.inputDigest,
    pins: row.pins as unknown as Pair[],
    forbidden: row.forbidden as unknown as Pair[],
    objective: row.objective,
    pairs: row.pairs as unknown as RunBody['pairs'],
    unmatched: row.unmatched as unknown as RunBody['unmatched'],
    stats,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  }
}

/** The programme's window in the school's time zone: its first day's start to the day after its last. */
function programWindow(program: ProgramRow, timeZone: string) {
  return {
    startsAt: DateTime.fromISO(date(program.startsOn), { zone: timeZone }).toJSDate(),
    endsAt: DateTime.fromISO(date(program.endsOn), { zone: timeZone }).plus({ days: 1 }).toJSDate(),
  }
}

/** Everything a run reads, loaded once: the same rows give the same digest and the same result. */
export async function loadAssignmentInput(tenant: Tenant, program: ProgramRow, now: Date, school: Pick<School, 'timeZone' | 'settings'>) {
  const { db, schoolId } = tenant
  const { settings } = school
  const span = programWindow(program, school.timeZone)
  const searchFrom = span.startsAt < now ? now : span.startsAt
  const minMinutes = program.kind === 'job_shadow' ? SHADOW_MIN_MINUTES : settings.interviewMinMinutes
  const [programHosts, programStudents] = await Promise.all([
    db.programHost.findMany({ where: { schoolId, programId: program.id }, orderBy: { hostId: 'asc' }, include: { host: { select: { hostProfile: true } } } }),
    db.programStudent.findMany({
      where: { schoolId, programId: program.id },
      orderBy: { studentId: 'asc' },
      include: { student: { select: { fieldsOfInterest: true, backgroundTags: true, shareBackgroundTags: true } } },
    }),
  ])
  const hostIds = programHosts.map((row) => row.hostId)
  // Each host's load in the school (requests received in the last year and meetings booked in the
  // programme's month), for the tie-break toward less-loaded hosts and for the monthly capacity.
  const loads = await db.$queryRaw<Array<{ hostId: string; requests: number; bookedInMonth: number }>>`
    SELECT r.host_id::text AS "hostId", count(*) FILTER (WHERE r.created_at > ${new Date(now.getTime() - 365 * DAY)})::int AS requests,
           count(*) FILTER (WHERE r.status = 'accepted' AND r.starts_at >= ms.month_start AND r.starts_at < ms.month_end)::int AS "bookedInMonth"
      FROM host_requests r
      JOIN host_profiles hp ON hp.school_id = r.school_id AND hp.member_id = r.host_id
      CROSS JOIN LATERAL (
        SELECT date_trunc('month', ${span.startsAt}::timestamptz AT TIME ZONE hp.time_zone) AT TIME ZONE hp.time_zone AS month_start,
               (date_trunc('month', ${span.startsAt}::timestamptz AT TIME ZONE hp.time_zone) + interval '1 month') AT TIME ZONE hp.time_zone AS month_end) ms
     WHERE r.school_id = ${schoolId}::uuid AND r.host_id = ANY(${hostIds}::uuid[])
     GROUP BY r.host_id`
  const hosts: AssignmentHost[] = programHosts.map((row) => {
    const profile = row.host.hostProfile!
    const load = loads.find((entry) => entry.hostId === row.hostId)
    const [window] = availableWindows(
      { timeZone: profile.timeZone, weeklyWindows: profile.weeklyWindows as unknown as WeeklyWindow[], blackouts: profile.blackouts as unknown as Blackout[] },
      searchFrom,
      span.endsAt,
      minMinutes,
      1,
    )
    const meetingsLeft = Math.max(0, profile.maxMeetingsPerMonth - (load?.bookedInMonth ?? 0))
    return {
      hostId: row.hostId,
      // A placement is one meeting of the host's month: the programme cannot book more than is left.
      capacity: Math.min(row.capacity, meetingsLeft, program.kind === 'job_shadow' ? profile.maxShadowDaysPerTerm : Number.MAX_SAFE_INTEGER),
      modes: profile.modes,
      location: profile.location,
      organization: profile.organization,
      industries: profile.industries,
      occupations: profile.occupations,
      backgroundTags: profile.backgroundTags,
      answeredCount: profile.answeredCount,
      expiredCount: profile.expiredCount,
      meetingsLeft,
      maxMeetingsPerMonth: profile.maxMeetingsPerMonth,
      firstAvailable: window ? describeWindow(window, profile.timeZone) : null,
      load: load?.requests ?? 0,
    }
  })
  const students: AssignmentStudent[] = programStudents.map((row) => ({
    studentId: row.studentId,
    placements: row.placements,
    preferences: row.preferences,
    modes: row.modes.length ? (row.modes as Mode[]) : null,
    location: row.location,
    fieldsOfInterest: row.student.fieldsOfInterest,
    backgroundTags: row.student.backgroundTags,
    shareBackgroundTags: row.student.shareBackgroundTags,
  }))
  return { hosts, students, settings, span, searchFrom, minMinutes }
}

export function digestOf(program: ProgramRow, hosts: AssignmentHost[], students: AssignmentStudent[], pins: Pair[], forbidden: Pair[], weights: MatchingWeights): string {
  const pairKey = (pair: Pair) => `${pair.studentId}|${pair.hostId}`
  const canonical = JSON.stringify({
    program: { id: program.id, kind: program.kind, modes: [...program.modes].sort(), startsOn: date(program.startsOn), endsOn: date(program.endsOn) },
    hosts,
    students,
    pins: pins.map(pairKey).sort(),
    forbidden: forbidden.map(pairKey).sort(),
    weights,
  })
  return createHash('sha256').update(canonical).digest('hex')
}

function checkPairs(pairs: Pair[], field: string, hostIds: Set<string>, studentIds: Set<string>) {
  pairs.forEach((pair, index) => {
    if (!studentIds.has(pair.studentId)) throw invalidField(`body.${field}.${index}.studentId`, 'is not a student in the programme')
    if (!hostIds.has(pair.hostId)) throw invalidField(`body.${field}.${index}.hostId`, 'is not a host in the programme')
  })
}

export async function createRun(tenant: Tenant, principal: Principal, programId: string, input: CreateRunBody, now: Date, school: Pick<School, 'timeZone' | 'settings'>) {
  // As every host-request read and write does: expired requests count against their hosts before
  // the run reads the hosts' response rates (publishing sweeps too, and would otherwise see a change).
  await expireOverdueRequests(tenant.db, tenant.schoolId, now)
  const program = await findProgram(tenant, programId)
  assertDraft(program)
  if (program._count.hosts === 0 || program._count.students === 0) {
    throw new Problem('conflict', 'A programme needs at least one host and one student before it can be assigned', {
      extensions: { hostCount: program._count.hosts, studentCount: program._count.students },
    })
  }
  const { hosts, students, settings } = await loadAssignmentInput(tenant, program, now, school)
  const pins = input.pins ?? []
  const forbidden = input.forbidden ?? []
  const hostIds = new Set(hosts.map((host) => host.hostId))
  const studentIds = new Set(students.map((student) => student.studentId))
  checkPairs(pins, 'pins', hostIds, studentIds)
  checkPairs(forbidden, 'forbidden', hostIds, studentIds)
  const pinKeys = pins.map((pair) => `${pair.studentId}|${pair.hostId}`)
  const repeatedPin = pinKeys.findIndex((key, index) => pinKeys.indexOf(key) !== index)
  if (repeatedPin >= 0) throw invalidField(`body.pins.${repeatedPin}`, 'repeats an earlier pin')
  const both = forbidden.findIndex((pair) => pinKeys.includes(`${pair.studentId}|${pair.hostId}`))
  if (both >= 0) throw invalidField(`body.forbidden.${both}`, 'is also pinned')
  for (const host of hosts) {
    const pinned = pins.filter((pair) => pair.hostId === host.hostId).length
    if (pinned > host.capacity) throw new Problem('capacity-exhausted', `${pinned} students are pinned to a host with room for ${host.capacity} in this programme`, { extensions: { hostId: host.hostId } })
  }
  const unavailable = pins.findIndex((pair) => hosts.find((host) => host.hostId === pair.hostId)!.firstAvailable === null)
  if (unavailable >= 0) {
    throw new Problem('conflict', 'This host has no available window in the programme\'s dates; a request to them could not be accepted', {
      extensions: { hostId: pins[unavailable]!.hostId, field: `body.pins.${unavailable}.hostId` },
    })
  }
  for (const student of students) {
    const pinned = pins.filter((pair) => pair.studentId === student.studentId).length
    if (pinned > student.placements) throw invalidField('body.pins', `pins ${pinned} hosts to a student who wants ${student.placements} placement(s)`)
  }
  const outcome = computeAssignment({ programModes: program.modes, hosts, students, pins, forbidden, weights: settings.matchingWeights })
  const placementsWanted = students.reduce((sum, student) => sum + student.placements, 0)
  const row = await tenant.db.assignmentRun.create({
    data: {
      schoolId: tenant.schoolId,
      programId,
      createdBy: principal.memberId,
      inputDigest: digestOf(program, hosts, students, pins, forbidden, settings.matchingWeights),
      pins: pins as unknown as Prisma.InputJsonArray,
      forbidden: forbidden as unknown as Prisma.InputJsonArray,
      objective: outcome.objective,
      pairs: outcome.pairs as unknown as Prisma.InputJsonArray,
      unmatched: outcome.unmatched as unknown as Prisma.InputJsonArray,
      stats: {
        students: students.length,
        hosts: hosts.length,
        placementsWanted,
        placementsMade: outcome.pairs.length,
        candidatePairs: outcome.candidatePairs,
        solveMs: outcome.solveMs,
        placementGini: outcome.placementGini,
      },
    },
  })
  return runWithNames(tenant, row)
}

export async function findRun({ db, schoolId }: Tenant, programId: string, runId: string) {
  const row = await db.assignmentRun.findFirst({ where: { schoolId, programId, id: runId } })
  if (!row) throw notFound('assignment run')
  return row
}

export async function getRun(tenant: Tenant, programId: string, runId: string) {
  await findProgram(tenant, programId)
  return runWithNames(tenant, await findRun(tenant, programId, runId))
}

export async function listRuns(tenant: Tenant, programId: string, query: { limit: number; cursor?: string }) {
  await findProgram(tenant, programId)
  const { db, schoolId } = tenant
  const after = decodeCursor(query.cursor, ['id'])
  const rows = await db.assignmentRun.findMany({
    where: { schoolId, programId, ...(after ? { id: { gt: after.id } } : {}) },
    orderBy: { id: 'asc' },
    take: query.limit + 1,
    select: { id: true, inputDigest: true, objective: true, stats: true, unmatched: true, publishedAt: true, createdAt: true },
  })
  const page = pageOf(rows, query.limit)
  return {
    items: page.items.map((row) => ({
      id: row.id,
      inputDigest: row.inputDigest,
      objective: row.objective,
      placementsMade: (row.stats as { placementsMade: number }).placementsMade,
      unmatchedStudents: (row.unmatched as unknown[]).length,
      publishedAt: row.publishedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
    })),
    nextCursor: page.nextCursor,
  }
}
