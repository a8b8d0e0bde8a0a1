// Baselines for the authenticated reads: the same SQL that Prisma sends for GET /v1/me and
// GET /v1/members?limit=20, written by hand and run through raw pg on the same pool, behind the same
// authentication, with the same tenant setting. The ratio to these isolates what Prisma and the
// route layer cost.
import type { FastifyInstance } from 'fastify'
import { policy } from '../src/infra/auth/policy.js'
import type { Database } from '../src/infra/db/database.js'
import { statementName } from '../src/infra/db/statement-names.js'
import { acquireForTenant } from '../src/infra/db/tenant-pool.js'
import type { Contact, Meeting } from '../src/generated/prisma/client.js'
import { searchWords, toContact } from '../src/modules/contacts/service.js'
import { toMeeting } from '../src/modules/meetings/service.js'
import { checkWindow, parseWindow } from '../src/modules/scheduling/windows.js'
import { effectiveSettings, schoolOf } from '../src/modules/schools/settings.js'
import { candidateHostsSql, suggestionRange } from '../src/modules/matching/suggestions.js'
import { Prisma } from '../src/generated/prisma/client.js'
import type { Db, Tenant } from '../src/infra/db/database.js'
import { contactsById, hostsById, membersById, overdueThankYousPage, waitingRequestsPage } from '../src/modules/reports/lists.js'
import { alumniEngagement, funnel, meetingsOverTime, networkGrowth, perspectives } from '../src/modules/reports/metrics.js'
import { reportScope } from '../src/modules/reports/scope.js'

const MEETING_COLUMNS = `school_id::text AS "schoolId", id::text AS id, student_id::text AS "studentId", contact_id::text AS "contactId", kind::text AS kind,
  status::text AS status, purpose, mode::text AS mode, location, proposed_slots AS "proposedSlots", starts_at AS "startsAt", ends_at AS "endsAt",
  debrief_starts_at AS "debriefStartsAt", debrief_ends_at AS "debriefEndsAt", itinerary, resume_sent_at AS "resumeSentAt", resume_note AS "resumeNote",
  homework, questions, notes, reflections, rating, asked_for_referrals AS "askedForReferrals", completed_at AS "completedAt",
  thank_you_due_at AS "thankYouDueAt", thank_you_sent_at AS "thankYouSentAt", thank_you_on_time AS "thankYouOnTime",
  closed_reason AS "closedReason", closed_at AS "closedAt", created_at AS "createdAt", updated_at AS "updatedAt"`

const anyone = { access: policy('school:read') }

async function tenantQuery<T>(database: Database, schoolId: string, text: string, values: unknown[], name?: string): Promise<T[]> {
  const client = await acquireForTenant(database.pool, schoolId)
  try {
    return (await client.query({ name, text, values })).rows as T[]
  } finally {
    client.release()
  }
}

/**
 * A tenant whose queries go straight to raw pg (no Prisma): the reporting functions build the same
 * SQL and it runs on a pooled connection set to the school, as the service's own would (prepared
 * statements under the same names).
 */
function rawTenant(database: Database, schoolId: string): Tenant {
  const sql = <T>(query: Prisma.Sql) => tenantQuery<T>(database, schoolId, query.text, query.values, statementName(query.text))
  return { schoolId, db: {} as Db, sql }
}

export function registerRawBaselines(app: FastifyInstance, database: Database) {
  // The reporting dashboard (docs/dashboard.graphql): the same aggregates and lists, the same SQL
  // statements run concurrently as the resolvers run them, without GraphQL and Prisma.
  app.post<{ Body: { variables: { from: string; to: string } } }>(
    '/bench/raw/dashboard',
    { config: { access: policy('students:read-all') } },
    async (request) => {
      const schoolId = request.principal!.schoolId!
      const school = await schoolOf(database, schoolId)
      const tenant = rawTenant(database, schoolId)
      const scope = await reportScope(tenant, school, { from: request.body.variables.from, to: request.body.variables.to }, new Date())
      const withPeople = async <T extends { studentId: string }>(page: { items: T[] }, others: (items: T[]) => Promise<unknown>) => {
        const [students] = await Promise.all([membersById(scope, [...new Set(page.items.map((item) => item.studentId))]), others(page.items)])
        return { page, students: students.size }
      }
      const [studentCount, funnelResult, overTime, views, network, alumni, overdue, waiting] = await Promise.all([
        scope.studentCount,
        funnel(scope),
        meetingsOverTime(scope, 'week'),
        perspectives(scope),
        networkGrowth(scope),
        alumniEngagement(scope).then(async (alumni) => ({ alumni, hosts: (await hostsById(scope, alumni.mostAsked.slice(0, 5).map((host) => host.hostId))).size })),
        overdueThankYousPage(scope, 10).then((page) => withPeople(page, (items) => contactsById(scope, items.map((item) => item.contactId)))),
        waitingRequestsPage(scope, 10).then((page) => withPeople(page, (items) => hostsById(scope, items.map((item) => item.hostId)))),
      ])
      return { studentCount, funnel: funnelResult, overTime, views, network, alumni, overdue, waiting }
    },
  )

  // Host suggestions: only the candidate query (the same SQL the route sends), its rows unscored,
  // unfiltered by capacity and availability and unranked; the first ten are answered.
  app.get<{ Params: { memberId: string }; Querystring: { kind: string } }>(
    '/bench/raw/members/:memberId/host-suggestions',
    { config: { access: policy('conversations:write') } },
    async (request) => {
      const schoolId = request.principal!.schoolId!
      const school = await schoolOf(database, schoolId)
      const range = suggestionRange({}, new Date(), school)
      const sql = candidateHostsSql(schoolId, {
        kind: request.query.kind,
        mode: null,
        from: range.from,
        termStart: range.termStart,
        termEnd: range.termEnd,
      })
      const rows = await tenantQuery<Record<string, unknown>>(database, schoolId, sql.text, sql.values)
      return { candidates: rows.length, items: rows.slice(0, 10) }
    },
  )

  // GET /v1/me reads nothing beyond authentication (the member as read then, the school from the
  // school cache), so its baseline is the same answer built by hand.
  app.get('/bench/raw/me', { config: anyone }, async (request) => {
    const principal = request.principal!
    const school = await database.schools.get(principal.schoolId!)
    return {
      kind: principal.kind,
      subject: principal.subject,
      via: principal.via,
      school: school && { id: school.id, slug: school.slug, name: school.name, timeZone: school.timeZone },
      member: principal.kind === 'member' ? principal.profile : null,
      roles: principal.roles,
      scopes: principal.scopes,
    }
  })

  app.get('/bench/raw/members', { config: { access: policy('students:read-all') } }, async (request) => {
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

  app.get('/bench/raw/meetings', { config: { access: policy('conversations:write') } }, async (request) => {
    const principal = request.principal!
    const { status } = request.query as { status: string }
    const rows = await tenantQuery<Meeting>(
      database,
      principal.schoolId!,
      `SELECT ${MEETING_COLUMNS} FROM meetings WHERE school_id = $1 AND student_id = $2 AND status = $3::meeting_status ORDER BY id LIMIT 21`,
      [principal.schoolId, principal.memberId, status],
    )
    return { items: rows.slice(0, 20).map(toMeeting), nextCursor: rows.length > 20 ? 'next' : null }
  })

  app.get('/bench/raw/contacts', { config: { access: policy('conversations:write') } }, async (request) => {
    const principal = request.principal!
    const { q } = request.query as { q: string }
    // The same search as the service: each word a prefix, or from five letters a near spelling.
    const fuzzyText = `lower(full_name || ' ' || coalesce(organization, '') || ' ' || coalesce(title, '') || ' ' || coalesce(industry, '') || ' ' || coalesce(occupation, ''))`
    const params: unknown[] = [principal.schoolId, principal.memberId]
    const parameter = (value: unknown) => `$${params.push(value)}`
    const search = searchWords(q)
      .map((word) => {
        const prefix = `search @@ to_tsquery('simple', ${parameter(`${word}:*`)})`
        return word.length >= 5 ? `(${prefix} OR ${parameter(word)} <% ${fuzzyText})` : prefix
      })
      .join(' AND ')
    const rows = await tenantQuery<Contact & { sortName: string }>(
      database,
      principal.schoolId!,
      `SELECT school_id::text AS "schoolId", id::text AS id, student_id::text AS "studentId", full_name AS "fullName", title, organization,
              industry, occupation, email, phone, linkedin_url AS "linkedinUrl", source::text AS source, relationship::text AS relationship,
              reasons::text[] AS reasons, background_tags AS "backgroundTags", notes, alumni_member_id::text AS "alumniMemberId", created_at AS "createdAt", updated_at AS "updatedAt", lower(full_name) AS "sortName"
         FROM contacts WHERE school_id = $1 AND student_id = $2 AND ${search} ORDER BY id DESC LIMIT 21`,
      params,
    )
    return { items: rows.slice(0, 20).map(toContact), nextCursor: rows.length > 20 ? 'next' : null }
  })

  app.post('/bench/raw/meetings', { config: { access: policy('conversations:write') } }, async (request, reply) => {
    const principal = request.principal!
    const schoolId = principal.schoolId!
    const body = request.body as { contactId: string; kind: 'informational_interview'; purpose: string; mode: string; location: string; proposedSlots: Array<{ startsAt: string; endsAt: string }> }
    // The school's settings come from the same per-instance cache the service uses; the same single
    // statement checks the contact and writes the row.
    const school = await database.schools.get(schoolId)
    const settings = effectiveSettings(school?.settings)
    const now = new Date()
    body.proposedSlots.forEach((slot, index) => checkWindow(parseWindow(slot), body.kind, settings, now, `body.proposedSlots.${index}`))
    const slots = body.proposedSlots.map((slot) => ({ startsAt: new Date(slot.startsAt).toISOString(), endsAt: new Date(slot.endsAt).toISOString() }))
    const client = await acquireForTenant(database.pool, schoolId)
    try {
      const { rows } = await client.query<Meeting>(
        `INSERT INTO meetings (school_id, id, student_id, contact_id, kind, purpose, mode, location, proposed_slots, updated_at)
         SELECT c.school_id, uuid_generate_v7(), c.student_id, c.id, $4::meeting_kind, $5, $6::meeting_mode, $7, $8::jsonb, now()
           FROM contacts c WHERE c.school_id = $1 AND c.id = $3 AND c.student_id = $2
         RETURNING ${MEETING_COLUMNS}`,
        [schoolId, principal.memberId, body.contactId, body.kind, body.purpose.trim(), body.mode, body.location, JSON.stringify(slots)],
      )
      if (!rows[0]) return reply.code(404).send({})
      return reply.code(201).send(toMeeting(rows[0]!))
    } finally {
      client.release()
    }
  })
}
