// Schools are managed by the platform operator. The schools table is not a tenant table: it is
// reached only through the platform handle.
import type { FastifyRequest } from 'fastify'
import { type Database, type Tenant, tenantInTransaction } from '../../infra/db/database.js'
import { seedQuestionBank } from '../questions/service.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, notFound, invalidField } from '../../infra/http/problem.js'
import type { School as SchoolRow } from '../../generated/prisma/client.js'
import type { CreateSchoolBody, SchoolBody, UpdateSchoolBody } from './schemas.js'
import { effectiveSettings } from './settings.js'

/** Rules across settings that a schema cannot say: terms in order without overlap, a minimum field weight. */
function checkSettings(settings: CreateSchoolBody['settings']) {
  if (!settings) return
  if (settings.matchingWeights?.field !== undefined && settings.matchingWeights.field < 0.1) {
    throw invalidField('body.settings.matchingWeights.field', 'must be at least 0.1: the shared field always counts')
  }
  const terms = [...(settings.terms ?? [])].sort((a, b) => a.startsOn.localeCompare(b.startsOn))
  terms.forEach((term, index) => {
    if (term.endsOn < term.startsOn) throw invalidField('body.settings.terms', `"${term.name}" ends before it starts`)
    const previous = terms[index - 1]
    if (previous && term.startsOn <= previous.endsOn) throw invalidField('body.settings.terms', `"${term.name}" overlaps "${previous.name}"`)
  })
}

/**
 * The canonical IANA name of a time zone (America/New_York for america/new_york). UTC offsets such as
 * "+05:00" are refused although Intl accepts them: they ignore daylight saving time, and PostgreSQL
 * reads their sign the other way round (POSIX), so the school's local times would be wrong there.
 */
export function canonicalTimeZone(timeZone: string, field = 'body.timeZone'): string {
  let resolved: string | undefined
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone
  } catch {
    // not a zone Intl knows: the problem below
  }
  if (!resolved || /^[+-]/.test(resolved)) {
    throw new Problem('validation-failed', `"${timeZone}" is not an IANA time zone`, {
      extensions: { errors: [{ field, message: 'is not an IANA time zone' }] },
    })
  }
  return resolved
}

export function toSchool(row: SchoolRow): SchoolBody {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    timeZone: row.timeZone,
    status: row.status,
    settings: effectiveSettings(row.settings),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export async function createSchool(database: Database, input: CreateSchoolBody): Promise<SchoolBody> {
  const timeZone = canonicalTimeZone(input.timeZone)
  checkSettings(input.settings)
  const existing = await database.platform.school.findUnique({ where: { slug: input.slug }, select: { id: true } })
  if (existing) throw new Problem('conflict', `A school with the slug "${input.slug}" already exists`)
  // The school and its question bank are written together, on the new school's own handle (the
  // schools table has no row-level security; the bank's rows pass it as the school's own).
  const [generated] = await database.platform.$queryRaw<Array<{ id: string }>>`SELECT uuid_generate_v7()::text AS id`
  const id = generated!.id
  const row = await database.forSchool(id).db.$transaction(async (tx) => {
    const school = await tx.school.create({ data: { id, slug: input.slug, name: input.name, timeZone, settings: { ...input.settings } } })
    await seedQuestionBank(tenantInTransaction(id, tx))
    return school
  })
  return toSchool(row)
}

export async function listSchools(database: Database, query: { limit: number; cursor?: string }) {
  const after = decodeCursor(query.cursor, ['id'])
  const rows = await database.platform.school.findMany({
    where: after ? { id: { gt: after.id } } : {},
    orderBy: { id: 'asc' },
    take: query.limit + 1,
  })
  const page = pageOf(rows, query.limit)
  return { items: page.items.map(toSchool), nextCursor: page.nextCursor }
}

export async function getSchool(database: Database, id: string): Promise<SchoolBody> {
  const row = await database.platform.school.findUnique({ where: { id } })
  if (!row) throw notFound('school')
  return toSchool(row)
}

export async function updateSchool(database: Database, id: string, input: UpdateSchoolBody): Promise<SchoolBody> {
  const timeZone = input.timeZone === undefined ? undefined : canonicalTimeZone(input.timeZone)
  checkSettings(input.settings)
  const current = await database.platform.school.findUnique({ where: { id } })
  if (!current) throw notFound('school')
  database.schools.invalidate(id)
  const row = await database.platform.school.update({
    where: { id },
    data: {
      name: input.name,
      timeZone,
      status: input.status,
      settings: input.settings
        ? {
            ...(current.settings as object),
            ...input.settings,
            ...(input.settings.matchingWeights
              ? { matchingWeights: { ...(current.settings as { matchingWeights?: object }).matchingWeights, ...input.settings.matchingWeights } }
              : {}),
          }
        : undefined,
    },
  })
  database.schools.invalidate(id)
  return toSchool(row)
}

/**
 * The data handle for a school named in a path. A school's own callers reach only their school
 * (another school's id answers 404, as a missing one does); a platform operator reaches any school.
 */
export async function tenantOfPath(request: FastifyRequest, schoolId: string): Promise<Tenant> {
  const principal = request.principal!
  if (principal.kind === 'platform') {
    const school = await request.server.database.platform.school.findUnique({ where: { id: schoolId }, select: { id: true } })
    if (!school) throw notFound('school')
    return request.server.database.forSchool(schoolId)
  }
  if (principal.schoolId !== schoolId) throw notFound('school')
  return request.tenant
}
