// Cohort programmes (a shadow week, an interview day): advisors and admins set the dates, the
// participating hosts with their capacity for it, and the students with their placements and
// ranked preferences; compute assignment runs (kept for audit), review them, pin or forbid pairs,
// rerun, and publish one run, which sends a request to each paired host.
import { createHash, randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import type { Principal } from '../../infra/auth/principal.js'
import type { Tenant } from '../../infra/db/database.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, notFound, invalidField } from '../../infra/http/problem.js'
import type { Prisma, Program as ProgramRow, AssignmentRun as RunRow } from '../../generated/prisma/client.js'
import { availableWindows, describeWindow, type Blackout, type WeeklyWindow } from '../hosts/availability.js'
import { displayName } from '../members/display.js'
import { expireOverdueRequests, insertHostRequest } from '../host-requests/booking.js'
import type { MatchingWeights, School } from '../schools/settings.js'
import { computeAssignment, gini, type AssignmentHost, type AssignmentStudent, type Mode, type Pair } from './assignment.js'
import type {
  CreateProgramBody,
  CreateRunBody,
  HostLoadBody,
  ProgramBody,
  ProgramHostInputBody,
  ProgramStudentInputBody,
  RunBody,
  UpdateProgramBody,
} from './schemas.js'

const DAY = 86_400_000
const SHADOW_MIN_MINUTES = 60
const SLOTS_PER_REQUEST = 3


const date = (value: Date) => value.toISOString().slice(0, 10)

function toProgram(row: ProgramRow & { _count: { hosts: number; students: number } }): ProgramBody {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    kind: row.kind,
    modes: row.modes,
    startsOn: date(row.startsOn),
    endsOn: date(row.endsOn),
    status: row.publishedRunId ? 'published' : 'draft',
    publishedRunId: row.publishedRunId,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    hostCount: row._count.hosts,
    studentCount: row._count.students,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

const counted = { _count: { select: { hosts: true, students: true } } } as const

function checkDates(startsOn: string, endsOn: string) {
  if (endsOn < startsOn) throw invalidField('body.endsOn', 'must not be before startsOn')
  if (DateTime.fromISO(endsOn).diff(DateTime.fromISO(startsOn), 'days').days > 90) throw invalidField('body.endsOn', 'must be at most 90 days after startsOn')
}

export async function createProgram({ db, schoolId }: Tenant, input: CreateProgramBody) {
  const name = input.name.trim()
  if (!name) throw invalidField('body.name', 'must not be blank')
  checkDates(input.startsOn, input.endsOn)
  const row = await db.program.create({
    data: { schoolId, name, description: input.description ?? null, kind: input.kind, modes: input.modes, startsOn: new Date(input.startsOn), endsOn: new Date(input.endsOn) },
    include: counted,
  })
  return toProgram(row)
}

async function findProgram({ db, schoolId }: Tenant, id: string) {
  const row = await db.program.findFirst({ where: { schoolId, id }, include: counted })
  if (!row) throw notFound('programme')
  return row
}

function assertDraft(row: ProgramRow) {
  if (row.publishedRunId) throw new Problem('conflict', 'This programme is published; its participants and dates are fixed', { extensions: { publishedRunId: row.publishedRunId } })
}

export async function updateProgram(tenant: Tenant, id: string, input: UpdateProgramBody) {
  const current = await findProgram(tenant, id)
  assertDraft(current)
  if (input.name !== undefined && !input.name.trim()) throw invalidField('body.name', 'must not be blank')
  checkDates(input.startsOn ?? date(current.startsOn), input.endsOn ?? date(current.endsOn))
  if (input.kind && input.kind !== current.kind) {
    const kind = input.kind
    const hosts = await tenant.db.programHost.findMany({
      where: { schoolId: tenant.schoolId, programId: id },
      orderBy: { hostId: 'asc' },
      select: { hostId: true, host: { select: { hostProfile: { select: { offers: true } } } } },
    })
    const wrong = hosts.find((row) => !row.host.hostProfile?.offers.includes(kind))
    if (wrong) throw invalidField('body.kind', `is a kind that host ${wrong.hostId} of the programme does not offer; change the hosts first`)
  }
  const row = await tenant.db.program.update({
    where: { schoolId_id: { schoolId: tenant.schoolId, id } },
    data: {
      name: input.name?.trim(),
      description: input.description,
      kind: input.kind,
      modes: input.modes,
      startsOn: input.startsOn ? new Date(input.startsOn) : undefined,
      endsOn: input.endsOn ? new Date(input.endsOn) : undefined,
    },
    include: counted,
  })
  return toProgram(row)
}

export async function listPrograms({ db, schoolId }: Tenant, query: { limit: number; cursor?: string }) {
  const after = decodeCursor(query.cursor, ['id'])
  const rows = await db.program.findMany({ where: { schoolId, ...(after ? { id: { gt: after.id } } : {}) }, orderBy: { id: 'asc' }, take: query.limit + 1, include: counted })
  const page = pageOf(rows, query.limit)
  return { items: page.items.map(toProgram), nextCursor: page.nextCursor }
}

export async function getProgramDetail(tenant: Tenant, id: string) {
  const program = await findProgram(tenant, id)
  const { db, schoolId } = tenant
  const [hosts, students] = await Promise.all([
    db.programHost.findMany({
      where: { schoolId, programId: id },
      orderBy: { hostId: 'asc' },
      include: { host: { select: { givenName: true, familyName: true, hostProfile: { select: { organization: true } } } } },
    }),
    db.programStudent.findMany({ where: { schoolId, programId: id }, orderBy: { studentId: 'asc' }, include: { student: { select: { givenName: true, familyName: true } } } }),
  ])
  return {
    program: toProgram(program),
    hosts: hosts.map((row) => ({ hostId: row.hostId, name: displayName(row.host), organization: row.host.hostProfile?.organization ?? null, capacity: row.capacity })),
    students: students.map((row) => ({
      studentId: row.studentId,
      name: displayName(row.student),
      placements: row.placements,
      preferences: row.preferences,
      modes: row.modes,
      location: row.location,
    })),
  }
}

export async function putProgramHosts(tenant: Tenant, id: string, input: ProgramHostInputBody) {
  const program = await findProgram(tenant, id)
  assertDraft(program)
  const { db, schoolId } = tenant
  const hostIds = input.hosts.map((host) => host.hostId)
  const repeated = hostIds.findIndex((hostId, index) => hostIds.indexOf(hostId) !== index)
  if (repeated >= 0) throw invalidField(`body.hosts.${repeated}.hostId`, 'repeats an earlier host')
  const profiles = await db.hostProfile.findMany({ where: { schoolId, memberId: { in: hostIds } }, select: { memberId: true, offers: true } })
  const missing = hostIds.findIndex((hostId) => !profiles.some((profile) => profile.memberId === hostId))
  if (missing >= 0) throw notFound(`host (hosts.${missing})`)
  const wrongKind = hostIds.findIndex((hostId) => !profiles.find((profile) => profile.memberId === hostId)!.offers.includes(program.kind))
  if (wrongKind >= 0) throw invalidField(`body.hosts.${wrongKind}.hostId`, `is a host who does not offer ${program.kind.replaceAll('_', ' ')}s`)
  const stranded = await db.programStudent.findFirst({ where: { schoolId, programId: id, NOT: { preferences: { isEmpty: true } } }, select: { studentId: true, preferences: true }, orderBy: { studentId: 'asc' } })
  await db.$transaction(async (tx) => {
    await tx.programHost.deleteMany({ where: { schoolId, programId: id } })
    await tx.programHost.createMany({ data: input.hosts.map((host) => ({ schoolId, programId: id, hostId: host.hostId, capacity: host.capacity })) })
    // Preferences for hosts no longer in the programme are dropped, not left dangling.
    if (stranded) {
      await tx.$executeRaw`
        UPDATE program_students SET preferences = ARRAY(SELECT p FROM unnest(preferences) WITH ORDINALITY AS t(p, i) WHERE p = ANY(${hostIds}::uuid[]) ORDER BY i)
         WHERE school_id = ${schoolId}::uuid AND program_id = ${id}::uuid`
    }
    await tx.program.update({ where: { schoolId_id: { schoolId, id } }, data: { updatedAt: new Date() } })
  })
  return getProgramDetail(tenant, id)
}

export async function putProgramStudents(tenant: Tenant, id: string, input: ProgramStudentInputBody) {
  const program = await findProgram(tenant, id)
  assertDraft(program)
  const { db, schoolId } = tenant
  const studentIds = input.students.map((student) => student.studentId)
  const repeated = studentIds.findIndex((studentId, index) => studentIds.indexOf(studentId) !== index)
  if (repeated >= 0) throw invalidField(`body.students.${repeated}.studentId`, 'repeats an earlier student')
  const found = await db.member.findMany({ where: { schoolId, id: { in: studentIds }, roles: { has: 'student' } }, select: { id: true } })
  const known = new Set(found.map((row) => row.id))
  const missing = studentIds.findIndex((studentId) => !known.has(studentId))
  if (missing >= 0) throw notFound(`student (students.${missing})`)
  const hosts = new Set((await db.programHost.findMany({ where: { schoolId, programId: id }, select: { hostId: true } })).map((row) => row.hostId))
  input.students.forEach((student, index) => {
    const outside = (student.preferences ?? []).findIndex((hostId) => !hosts.has(hostId))
    if (outside >= 0) throw invalidField(`body.students.${index}.preferences.${outside}`, 'names a host who is not in the programme')
    const modes = student.modes ?? program.modes
    if (!modes.some((mode) => program.modes.includes(mode))) throw invalidField(`body.students.${index}.modes`, `must include one of the programme's modes (${program.modes.join(', ')})`)
  })
  await db.$transaction(async (tx) => {
    await tx.programStudent.deleteMany({ where: { schoolId, programId: id } })
    await tx.programStudent.createMany({
      data: input.students.map((student) => ({
        schoolId,
        programId: id,
        studentId: student.studentId,
        placements: student.placements ?? 1,
        preferences: student.preferences ?? [],
        modes: student.modes ?? [],
        location: student.location ?? null,
      })),
    })
    await tx.program.update({ where: { schoolId_id: { schoolId, id } }, data: { updatedAt: new Date() } })
  })
  return getProgramDetail(tenant, id)
}

/**
 * A run as its organizers read it: each pair and unmatched student with the display names of the
 * members it names (null for a member erased since), read now, so a rename shows.
 */
async function runWithNames({ db, schoolId }: Tenant, row: RunRow): Promise<RunBody> {
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
async function loadAssignmentInput(tenant: Tenant, program: ProgramRow, now: Date, school: Pick<School, 'timeZone' | 'settings'>) {
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

function digestOf(program: ProgramRow, hosts: AssignmentHost[], students: AssignmentStudent[], pins: Pair[], forbidden: Pair[], weights: MatchingWeights): string {
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

async function findRun({ db, schoolId }: Tenant, programId: string, runId: string) {
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

/**
 * Publishes a run: one request per pair, addressed to the host, with up to three of the host's
 * available windows in the programme as proposed slots. Refused when the programme is already
 * published, when a newer run exists, or when the participants changed since the run (rerun first).
 * A pair whose student already waits for that host is skipped and reported.
 */
export async function publishRun(tenant: Tenant, programId: string, runId: string, now: Date, school: Pick<School, 'timeZone' | 'settings'>) {
  const { db, schoolId } = tenant
  await expireOverdueRequests(db, schoolId, now)
  const program = await findProgram(tenant, programId)
  const run = await findRun(tenant, programId, runId)
  if (program.publishedRunId) {
    throw new Problem('conflict', program.publishedRunId === runId ? 'This run is already published' : 'Another run of this programme is already published', {
      extensions: { publishedRunId: program.publishedRunId },
    })
  }
  const { hosts, students, settings, span, searchFrom, minMinutes } = await loadAssignmentInput(tenant, program, now, school)
  if (digestOf(program, hosts, students, run.pins as unknown as Pair[], run.forbidden as unknown as Pair[], settings.matchingWeights) !== run.inputDigest) {
    throw new Problem('conflict', 'The programme\'s participants, dates or host availability changed since this run; compute a new run and publish that', { extensions: { inputDigest: run.inputDigest } })
  }
  const pairs = run.pairs as unknown as RunBody['pairs']
  const profiles = await db.hostProfile.findMany({ where: { schoolId, memberId: { in: [...new Set(pairs.map((pair) => pair.hostId))] } } })
  const studentsById = new Map(students.map((student) => [student.studentId, student]))
  const maxMinutes = program.kind === 'job_shadow' ? 7 * 24 * 60 : settings.interviewMaxMinutes
  const purpose = `${program.name}: ${program.kind === 'job_shadow' ? 'a job shadow' : 'an informational interview'} arranged by the career office, to learn about your work (not a job request).`
  const created = await db.$transaction(
    async (tx) => {
      const [locked] = await tx.$queryRaw<Array<{ published_run_id: string | null }>>`
        SELECT published_run_id::text FROM programs WHERE school_id = ${schoolId}::uuid AND id = ${programId}::uuid FOR UPDATE`
      if (locked?.published_run_id) throw new Problem('conflict', 'This programme was published meanwhile', { extensions: { publishedRunId: locked.published_run_id } })
      const newer = await tx.assignmentRun.findFirst({ where: { schoolId, programId, id: { gt: runId } }, select: { id: true } })
      if (newer) throw new Problem('conflict', 'A newer run of this programme exists; publish the run you reviewed last', { extensions: { newerRunId: newer.id } })
      let count = 0
      const skipped: Array<{ studentId: string; hostId: string; existingRequestId: string }> = []
      for (const pair of pairs) {
        // The student already waits for this host (a request of their own): a second one would only
        // ask the host twice.
        const waiting = await tx.hostRequest.findFirst({ where: { schoolId, studentId: pair.studentId, hostId: pair.hostId, status: 'pending' }, select: { id: true } })
        if (waiting) {
          skipped.push({ studentId: pair.studentId, hostId: pair.hostId, existingRequestId: waiting.id })
          continue
        }
        const profile = profiles.find((row) => row.memberId === pair.hostId)!
        const student = studentsById.get(pair.studentId)!
        const wanted = student.modes ?? program.modes
        const mode = (['video', 'phone', 'in_person'] as const).find((candidate) => wanted.includes(candidate) && program.modes.includes(candidate) && profile.modes.includes(candidate)) ?? profile.modes[0]!
        const windows = availableWindows(
          { timeZone: profile.timeZone, weeklyWindows: profile.weeklyWindows as unknown as WeeklyWindow[], blackouts: profile.blackouts as unknown as Blackout[] },
          searchFrom,
          span.endsAt,
          minMinutes,
          SLOTS_PER_REQUEST,
        )
        await insertHostRequest(tx, schoolId, {
          studentId: pair.studentId,
          hostId: pair.hostId,
          groupId: randomUUID(),
          kind: program.kind,
          purpose,
          mode,
          location: mode === 'in_person' ? profile.location : null,
          proposedSlots: windows.map((window) => ({
            startsAt: window.startsAt.toISOString(),
            endsAt: new Date(Math.min(window.endsAt.getTime(), window.startsAt.getTime() + maxMinutes * 60_000)).toISOString(),
          })),
          expiresAt: new Date(now.getTime() + settings.hostRequestExpiryDays * DAY),
          createdAt: now,
          programId,
          runId,
          score: pair.score,
          reasons: pair.reasons,
        })
        count += 1
      }
      await tx.assignmentRun.update({ where: { schoolId_id: { schoolId, id: runId } }, data: { publishedAt: now } })
      await tx.program.update({ where: { schoolId_id: { schoolId, id: programId } }, data: { publishedRunId: runId, publishedAt: now } })
      return { count, skipped }
    },
    { maxWait: 10_000, timeout: 120_000 },
  )
  return { run: await runWithNames(tenant, await findRun(tenant, programId, runId)), requestsCreated: created.count, skipped: created.skipped }
}

/** Requests and placements per host, with Gini coefficients; for a programme or the whole school. */
export async function hostLoad(tenant: Tenant, scope: { programId?: string; from: Date; to: Date }): Promise<HostLoadBody> {
  const { db, schoolId } = tenant
  let capacities: Map<string, number> | undefined
  if (scope.programId) {
    await findProgram(tenant, scope.programId)
    capacities = new Map((await db.programHost.findMany({ where: { schoolId, programId: scope.programId } })).map((row) => [row.hostId, row.capacity]))
  }
  const rows = await db.$queryRaw<Array<{ hostId: string; givenName: string | null; familyName: string | null; requests: number; placements: number }>>`
    SELECT hp.member_id::text AS "hostId", m.given_name AS "givenName", m.family_name AS "familyName",
           count(r.id)::int AS requests, count(r.id) FILTER (WHERE r.status = 'accepted')::int AS placements
      FROM host_profiles hp
      JOIN members m ON m.school_id = hp.school_id AND m.id = hp.member_id
      LEFT JOIN host_requests r ON r.school_id = hp.school_id AND r.host_id = hp.member_id
            AND r.created_at >= ${scope.from} AND r.created_at < ${scope.to}
            AND (${scope.programId ?? null}::uuid IS NULL OR r.program_id = ${scope.programId ?? null}::uuid)
     WHERE hp.school_id = ${schoolId}::uuid
     GROUP BY hp.member_id, m.given_name, m.family_name`
  const included = capacities ? rows.filter((row) => capacities.has(row.hostId)) : rows
  included.sort((a, b) => b.requests - a.requests || b.placements - a.placements || a.hostId.localeCompare(b.hostId))
  return {
    hosts: included.map((row) => ({ hostId: row.hostId, name: displayName(row), requests: row.requests, placements: row.placements, capacity: capacities?.get(row.hostId) ?? null })),
    requestGini: gini(included.map((row) => row.requests)),
    placementGini: gini(included.map((row) => row.placements)),
  }
}

export { gini }
