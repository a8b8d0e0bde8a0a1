// Cohort programmes (a shadow week, an interview day): advisors and admins set the dates, the
// participating hosts with their capacity for it, and the students with their placements and
// ranked preferences; compute assignment runs (kept for audit), review them, pin or forbid pairs,
// rerun, and publish one run, which sends a request to each paired host. This file: programmes,
// their hosts and students; runs.ts: assignment runs; publish.ts: publishing one.
import { DateTime } from 'luxon'
import type { Tenant } from '../../infra/db/database.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, notFound, invalidField } from '../../infra/http/problem.js'
import type { Program as ProgramRow } from '../../generated/prisma/client.js'
import { displayName } from '../members/display.js'
import type { CreateProgramBody, ProgramBody, ProgramHostInputBody, ProgramStudentInputBody, UpdateProgramBody } from './schemas.js'

export const DAY = 86_400_000
export const SHADOW_MIN_MINUTES = 60
export const SLOTS_PER_REQUEST = 3


export const date = (value: Date) => value.toISOString().slice(0, 10)

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

export async function findProgram({ db, schoolId }: Tenant, id: string) {
  const row = await db.program.findFirst({ where: { schoolId, id }, include: counted })
  if (!row) throw notFound('programme')
  return row
}

export function assertDraft(row: ProgramRow) {
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
