// Baselines for the authenticated reads: the same SQL that Prisma sends for GET /v1/me and
// GET /v1/members?limit=20, written by hand and run through raw pg on the same pool, behind the same
// authentication, with the same tenant setting. The ratio to these isolates what Prisma and the
// route layer cost.
import type { FastifyInstance } from 'fastify'
import type { Database } from '../src/infra/db/database.js'
import { acquireForTenant } from '../src/infra/db/tenant-pool.js'

const anyone = { access: { roles: ['student', 'alumni', 'advisor', 'school_admin'] as const } }

async function tenantQuery<T>(database: Database, schoolId: string, text: string, values: unknown[]): Promise<T[]> {
  const client = await acquireForTenant(database.pool, schoolId)
  try {
    return (await client.query(text, values)).rows as T[]
  } finally {
    client.release()
  }
}

export function registerRawBaselines(app: FastifyInstance, database: Database) {
  app.get('/bench/raw/me', { config: anyone }, async (request) => {
    const principal = request.principal!
    const schoolId = principal.schoolId!
    const [schools, members] = await Promise.all([
      database.platformPool.query('SELECT id, slug, name, time_zone AS "timeZone" FROM schools WHERE id = $1 LIMIT 1', [schoolId]).then((result) => result.rows),
      tenantQuery(
        database,
        schoolId,
        'SELECT id, external_id AS "externalId", given_name AS "givenName", family_name AS "familyName", email FROM members WHERE school_id = $1 AND id = $2 LIMIT 1',
        [schoolId, principal.memberId],
      ),
    ])
    return { kind: principal.kind, subject: principal.subject, via: principal.via, school: schools[0], member: members[0], roles: principal.roles, scopes: principal.scopes }
  })

  app.get('/bench/raw/members', { config: { access: { roles: ['advisor', 'school_admin'] as const } } }, async (request) => {
    const schoolId = request.principal!.schoolId!
    const rows = await tenantQuery<Record<string, unknown> & { id: string; created_at: Date; updated_at: Date }>(
      database,
      schoolId,
      'SELECT id, external_id, roles, status, given_name, family_name, email, major, graduation_year, fields_of_interest, background_tags, created_at, updated_at FROM members WHERE school_id = $1 ORDER BY id ASC LIMIT 21',
      [schoolId],
    )
    const items = rows.slice(0, 20).map((row) => ({
      id: row.id,
      externalId: row.external_id,
      // pg leaves arrays of an enum type as their text form, e.g. {advisor,student}
      roles: typeof row.roles === 'string' ? row.roles.slice(1, -1).split(',').filter(Boolean) : row.roles,
      status: row.status,
      givenName: row.given_name,
      familyName: row.family_name,
      email: row.email,
      major: row.major,
      graduationYear: row.graduation_year,
      fieldsOfInterest: row.fields_of_interest,
      backgroundTags: row.background_tags,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    }))
    return { items, nextCursor: rows.length > 20 ? 'next' : null }
  })
}
