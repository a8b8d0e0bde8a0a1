// Row-level security, checked in SQL as the service's own database role (t.db.appUrl), never as the
// owner: the owner connection only lays out fixture rows and confirms they exist. The last part reads
// the catalogs so that a new tenant table without RLS, a permissive policy, or a key without
// school_id fails here, and proves that check can fail on a deliberately bad table.
import { createHash } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertRoleIsUnprivileged, UnsafeDatabaseRoleError } from '../src/infra/db/roles.js'
import { tenantTables, tenantTablesByDependency } from '../src/infra/db/catalog.js'
import { build, type TestApp } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'

type Queryable = pg.Client

/**
 * The fixture rows laid out so far, by school and table. A row that needs another (a contact needs
 * its student, outreach its contact) takes the one of its own school from here, so that every row a
 * builder writes is valid but for the school it names: a refusal is then row-level security's alone.
 */
const FIXTURE_ROWS = new Map<string, Record<string, string>>()

function fixtureRow(schoolId: string, table: string): string {
  const id = FIXTURE_ROWS.get(schoolId)?.[table]
  if (!id) throw new Error(`no ${table} row of school ${schoolId} yet: tenant tables are laid out in foreign-key order`)
  return id
}

/**
 * How to insert one row of each tenant table for a school. The meta-test requires an entry for every
 * table with a school_id column, so a new tenant table gets its isolation checked here too. A builder
 * may use the school's fixture row of a table its foreign keys reference (`fixtureRow`). It answers
 * the row's key as `rowKey` reads it: the id, or for a table without one the other columns of its
 * primary key joined with '/' (a host profile: its member_id).
 */
const INSERT_ROW: Record<string, (client: Queryable, schoolId: string, tag: string) => Promise<string>> = {
  members: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO members (school_id, id, external_id, roles, email, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, ARRAY['student']::member_role[], $3, now()) RETURNING id::text`,
        [schoolId, `rls-${tag}`, `${tag}@rls.example`],
      )
    ).rows[0]!.id,
  identity_providers: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO identity_providers (school_id, id, name, issuer, audience, jwks_uri, algorithms, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, $3, $2, 'https://rls.example/jwks', ARRAY['RS256'], now()) RETURNING id::text`,
        [schoolId, `rls-${tag}`, `https://sso.${tag}.rls.example`],
      )
    ).rows[0]!.id,
  integration_clients: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO integration_clients (school_id, id, client_id, name, secret_hash, scopes, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, $2, 'not-a-real-hash', ARRAY['members:read'], now()) RETURNING id::text`,
        [schoolId, `rls.${tag}`],
      )
    ).rows[0]!.id,
  // A student's contact (the school's members row is a student), with an email: the unique index on
  // (school_id, student_id, email) is exercised too.
  contacts: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO contacts (school_id, id, student_id, full_name, organization, email, source, background_tags, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, $3, 'RLS Labs', $4, 'personal', ARRAY['rls'], now()) RETURNING id::text`,
        [schoolId, fixtureRow(schoolId, 'members'), `Contact ${tag}`, `${tag}@contacts.rls.example`],
      )
    ).rows[0]!.id,
  outreach: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO outreach (school_id, id, contact_id, student_id, channel, sent_at, message, outcome, outcome_at, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, $3, 'email', now(), $4, 'replied', now(), now()) RETURNING id::text`,
        [schoolId, fixtureRow(schoolId, 'contacts'), fixtureRow(schoolId, 'members'), `Hello from ${tag}`],
      )
    ).rows[0]!.id,
  // Referred: the school's contact; referrer: someone by name (the contact cannot refer itself).
  referrals: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO referrals (school_id, id, student_id, referrer_name, referred_contact_id, status, note, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, $3, $4, 'suggested', $5, now()) RETURNING id::text`,
        [schoolId, fixtureRow(schoolId, 'members'), `Referrer ${tag}`, fixtureRow(schoolId, 'contacts'), `note ${tag}`],
      )
    ).rows[0]!.id,
  // A meeting as POST /v1/meetings writes it: the school's student with their own contact, requested
  // (no window agreed yet, so no booking for the no-overlap constraint) with one proposed slot, by phone
  // (an in-person or video meeting needs a location).
  meetings: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO meetings (school_id, id, student_id, contact_id, kind, status, purpose, mode, proposed_slots, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, $3, 'informational_interview', 'requested', $4, 'phone',
                 jsonb_build_array(jsonb_build_object('startsAt', '2031-01-06T15:00:00.000Z', 'endsAt', '2031-01-06T15:30:00.000Z')), now())
         RETURNING id::text`,
        [schoolId, fixtureRow(schoolId, 'members'), fixtureRow(schoolId, 'contacts'), `Purpose ${tag}`],
      )
    ).rows[0]!.id,
  // A question the school added to its bank (every school's bank is its own rows, standard ones too).
  questions: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO questions (school_id, id, category, text, position, archived, updated_at)
         VALUES ($1, uuid_generate_v7(), 'path', $2, 0, false, now()) RETURNING id::text`,
        [schoolId, `How did you start, ${tag}?`],
      )
    ).rows[0]!.id,
  // The school's student's feed, with a hash shaped as the service stores it (base64url SHA-256 of the secret).
  calendar_feeds: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO calendar_feeds (school_id, id, member_id, secret_hash) VALUES ($1, uuid_generate_v7(), $2, $3) RETURNING id::text`,
        [schoolId, fixtureRow(schoolId, 'members'), createHash('sha256').update(`secret of ${tag}`).digest('base64url')],
      )
    ).rows[0]!.id,
  // Tables keyed by their parents (a host profile by its member, a programme's host or student by the
  // programme and the member) take the first parent row of the school that has none yet: the school's
  // fixture row when the fixture is laid out, and the row laid out just before when a test adds B's own
  // rows again. A parent the school's setting hides falls back to the school's fixture row, so a row
  // aimed at another school is still well formed and refused by row-level security alone.
  //
  // The school's member (its one members row, a student) volunteers as a host: weekday mornings.
  host_profiles: async (client, schoolId, tag) =>
    (
      await client.query<{ key: string }>(
        `INSERT INTO host_profiles (school_id, member_id, organization, industries, offers, modes, time_zone, contact_email,
                                    max_meetings_per_month, max_shadow_days_per_term, max_open_requests, weekly_windows, updated_at)
         VALUES ($1, COALESCE((SELECT m.id FROM members m WHERE m.school_id = $1
                                 AND NOT EXISTS (SELECT 1 FROM host_profiles h WHERE h.school_id = m.school_id AND h.member_id = m.id)
                               ORDER BY m.id LIMIT 1), $2::uuid),
                 $3, ARRAY['biotechnology'], ARRAY['informational_interview']::meeting_kind[], ARRAY['video']::meeting_mode[], 'UTC', $4,
                 4, 2, 3, '[{"weekday": 1, "start": "09:00", "end": "12:00"}]', now())
         RETURNING member_id::text AS key`,
        [schoolId, fixtureRow(schoolId, 'members'), `RLS Bioworks ${tag}`, `${tag}@hosts.rls.example`],
      )
    ).rows[0]!.key,
  programs: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO programs (school_id, id, name, kind, modes, starts_on, ends_on, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, 'informational_interview', ARRAY['video']::meeting_mode[], '2031-01-06', '2031-01-17', now()) RETURNING id::text`,
        [schoolId, `Programme ${tag}`],
      )
    ).rows[0]!.id,
  // The school's host (its member: hosts reference members) in the first programme of the school without hosts.
  program_hosts: async (client, schoolId) =>
    (
      await client.query<{ key: string }>(
        `INSERT INTO program_hosts (school_id, program_id, host_id, capacity)
         VALUES ($1, COALESCE((SELECT p.id FROM programs p WHERE p.school_id = $1
                                 AND NOT EXISTS (SELECT 1 FROM program_hosts ph WHERE ph.school_id = p.school_id AND ph.program_id = p.id)
                               ORDER BY p.id LIMIT 1), $2::uuid), $3, 2)
         RETURNING program_id::text || '/' || host_id::text AS key`,
        [schoolId, fixtureRow(schoolId, 'programs'), fixtureRow(schoolId, 'members')],
      )
    ).rows[0]!.key,
  // The school's student in the first programme of the school without students, preferring its host.
  program_students: async (client, schoolId) =>
    (
      await client.query<{ key: string }>(
        `INSERT INTO program_students (school_id, program_id, student_id, placements, preferences, modes)
         VALUES ($1, COALESCE((SELECT p.id FROM programs p WHERE p.school_id = $1
                                 AND NOT EXISTS (SELECT 1 FROM program_students ps WHERE ps.school_id = p.school_id AND ps.program_id = p.id)
                               ORDER BY p.id LIMIT 1), $2::uuid), $3, 1, ARRAY[$4::uuid], ARRAY['video']::meeting_mode[])
         RETURNING program_id::text || '/' || student_id::text AS key`,
        [schoolId, fixtureRow(schoolId, 'programs'), fixtureRow(schoolId, 'members'), fixtureRow(schoolId, 'members')],
      )
    ).rows[0]!.key,
  // A run of the school's programme, as POST …/assignment-runs writes it, with no pair: its only
  // foreign key is its programme, so it may be laid out before the school's member exists.
  assignment_runs: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO assignment_runs (school_id, id, program_id, input_digest, objective, pairs, unmatched, stats)
         VALUES ($1, uuid_generate_v7(), $2, $3, 0, '[]', '[]',
                 '{"students": 0, "hosts": 0, "placementsWanted": 0, "placementsMade": 0, "candidatePairs": 0, "solveMs": 0, "placementGini": 0}')
         RETURNING id::text`,
        [schoolId, fixtureRow(schoolId, 'programs'), createHash('sha256').update(`run of ${tag}`).digest('hex')],
      )
    ).rows[0]!.id,
  // Rollup tables: a cell, and a pending delta, as the report triggers would write them (the triggers
  // are off in this file so that every table holds exactly its fixture row; test/reports-*.ts cover them).
  report_cells: async (client, schoolId, tag) =>
    (
      await client.query<{ key: string }>(
        `INSERT INTO report_cells (school_id, metric, day, source, count) VALUES ($1, 'contacts_added', '2026-01-01', $2, 1)
         RETURNING metric || '/' || day::text || '/' || kind || '/' || status || '/' || source || '/' || channel || '/' ||
                   student_id::text || '/' || contact_id::text || '/' || organization || '/' || industry AS key`,
        [schoolId, tag],
      )
    ).rows[0]!.key,
  report_cell_deltas: async (client, schoolId) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO report_cell_deltas (school_id, metric, day, count) VALUES ($1, 'contacts_added', '2026-01-01', 1) RETURNING id::text`,
        [schoolId],
      )
    ).rows[0]!.id,
  // Who a student met, as the meeting triggers would write it: the school's student and contact (a
  // second row, another person: report_met has no foreign key to contacts).
  report_met: async (client, schoolId, tag) =>
    (
      await client.query<{ key: string }>(
        `INSERT INTO report_met (school_id, student_id, contact_id, organization, industry, days, first_day, last_day)
         VALUES ($1, $2, CASE WHEN EXISTS (SELECT 1 FROM report_met r WHERE r.school_id = $1 AND r.student_id = $2 AND r.contact_id = $3)
                              THEN gen_random_uuid() ELSE $3 END,
                 $4, '', ARRAY['2026-01-01']::date[], '2026-01-01', '2026-01-01') RETURNING student_id::text || '/' || contact_id::text AS key`,
        [schoolId, fixtureRow(schoolId, 'members'), fixtureRow(schoolId, 'contacts'), `rls ${tag}`],
      )
    ).rows[0]!.key,
  // A subscription to an event the fixtures never cause (so no trigger adds events to this file's
  // tables), an event of the school's programme as webhook_emit writes it, and its delivery.
  webhook_subscriptions: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO webhook_subscriptions (school_id, id, url, event_types, secret, updated_at)
         VALUES ($1, uuid_generate_v7(), $2, ARRAY['program.published'], $3, now()) RETURNING id::text`,
        [schoolId, `https://hooks.rls.example/${tag}`, `whsec_${Buffer.from(`secret of ${tag}`).toString('base64')}`],
      )
    ).rows[0]!.id,
  webhook_events: async (client, schoolId) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO webhook_events (school_id, type, subject_id, data) VALUES ($1, 'program.published', $2::uuid, jsonb_build_object('programId', $2::uuid))
         RETURNING id::text`,
        [schoolId, fixtureRow(schoolId, 'programs')],
      )
    ).rows[0]!.id,
  webhook_deliveries: async (client, schoolId) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO webhook_deliveries (school_id, subscription_id, event_id) VALUES ($1, $2, $3) RETURNING id::text`,
        [schoolId, fixtureRow(schoolId, 'webhook_subscriptions'), fixtureRow(schoolId, 'webhook_events')],
      )
    ).rows[0]!.id,
  // A key a member's POST claimed and answered, as the Idempotency-Key hook records it.
  idempotency_keys: async (client, schoolId, tag) =>
    (
      await client.query<{ key: string }>(
        `INSERT INTO idempotency_keys (school_id, caller, key, fingerprint, status, locked_until, response_status, response_headers, response_body, expires_at)
         VALUES ($1, 'member:' || $2, $3, 'fingerprint', 'done', now(), 201, '{}', '{}', now() + interval '1 day')
         RETURNING caller || '/' || key AS key`,
        [schoolId, fixtureRow(schoolId, 'members'), `key of ${tag}`],
      )
    ).rows[0]!.key,
  // The student's answer through their confirmation link, for the school's meeting.
  meeting_confirmations: async (client, schoolId) =>
    (
      await client.query<{ key: string }>(
        `INSERT INTO meeting_confirmations (school_id, meeting_id, party, outcome)
         VALUES ($1, $2, CASE WHEN EXISTS (SELECT 1 FROM meeting_confirmations WHERE school_id = $1 AND meeting_id = $2 AND party = 'student') THEN 'host' ELSE 'student' END, 'happened')
         RETURNING meeting_id::text || '/' || party AS key`,
        [schoolId, fixtureRow(schoolId, 'meetings')],
      )
    ).rows[0]!.key,
  // A read of a member by another, as the audit hook writes it (ids only, no foreign keys: the log
  // outlives what it names).
  audit_events: async (client, schoolId, tag) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO audit_events (school_id, kind, actor_kind, actor_id, action, status, subject_ids, request_id)
         VALUES ($1, 'read', 'member', gen_random_uuid()::text, 'GET /v1/members/:memberId', 200, ARRAY[gen_random_uuid()], $2) RETURNING id::text`,
        [schoolId, `rls-${tag}`],
      )
    ).rows[0]!.id,
  // The student's request to the school's host through the first meeting of the school that no request
  // uses yet (the fixture's meeting), in the school's programme, pending for a week.
  host_requests: async (client, schoolId) =>
    (
      await client.query<{ id: string }>(
        `INSERT INTO host_requests (school_id, id, group_id, student_id, host_id, meeting_id, program_id, status, expires_at, updated_at)
         VALUES ($1, uuid_generate_v7(), gen_random_uuid(), $2, $3,
                 COALESCE((SELECT m.id FROM meetings m WHERE m.school_id = $1
                             AND NOT EXISTS (SELECT 1 FROM host_requests r WHERE r.school_id = m.school_id AND r.meeting_id = m.id)
                           ORDER BY m.id LIMIT 1), $4::uuid),
                 $5, 'pending', now() + interval '7 days', now())
         RETURNING id::text`,
        [schoolId, fixtureRow(schoolId, 'members'), fixtureRow(schoolId, 'members'), fixtureRow(schoolId, 'meetings'), fixtureRow(schoolId, 'programs')],
      )
    ).rows[0]!.id,
}

/**
 * Each tenant table's row key as SQL text: its primary key's columns other than school_id, in key
 * order, joined with '/' (`"id"::text` for most tables), read from the catalog.
 */
async function rowKeys(client: Queryable): Promise<Map<string, string>> {
  const { rows } = await client.query<{ relname: string; columns: string[] }>(`
    SELECT c.relname, array_agg(a.attname::text ORDER BY k.ord) AS columns FROM pg_constraint p
      JOIN pg_class c ON c.oid = p.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      CROSS JOIN LATERAL unnest(p.conkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
     WHERE p.contype = 'p' AND n.nspname = 'public' AND a.attname <> 'school_id'
     GROUP BY c.relname`)
  return new Map(rows.map((row) => [row.relname, row.columns.map((column) => `"${column}"::text`).join(" || '/' || ")]))
}

const READS_SCHOOL = /current_setting\('app\.school_id'/
const COMPARES_SCHOOL = /\bschool_id\s*=/

/**
 * Everything wrong with the tenant tables of schema public, as sentences; [] when all is well. Read
 * from the catalogs only, so it runs as any role. `serviceRole` is the role whose policies matter.
 */
async function tenantTableProblems(client: Queryable, serviceRole: string): Promise<string[]> {
  const problems: string[] = []
  const { rows: tables } = await client.query<{ oid: number; relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; school_attnum: number }>(`
    SELECT c.oid::int, c.relname, c.relrowsecurity, c.relforcerowsecurity, a.attnum::int AS school_attnum FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'school_id' AND NOT a.attisdropped
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
     ORDER BY c.relname`)
  const byOid = new Map(tables.map((table) => [table.oid, table]))
  const { rows: policies } = await client.query<{ relid: number; polname: string; polcmd: string; permissive: boolean; applies: boolean; qual: string | null; withcheck: string | null }>(
    `SELECT p.polrelid::int AS relid, p.polname, p.polcmd::text AS polcmd, p.polpermissive AS permissive,
            (0::oid = ANY (p.polroles) OR EXISTS (SELECT 1 FROM unnest(p.polroles) r WHERE pg_has_role($1, r, 'MEMBER'))) AS applies,
            pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS withcheck
       FROM pg_policy p`,
    [serviceRole],
  )
  const { rows: constraints } = await client.query<{ conname: string; contype: string; conrelid: number; confrelid: number; confrel: string | null; conkey: number[]; confkey: number[] | null }>(`
    SELECT conname, contype::text AS contype, conrelid::int, confrelid::int, confrelid::regclass::text AS confrel,
           conkey::int[] AS conkey, confkey::int[] AS confkey
      FROM pg_constraint WHERE contype IN ('p', 'f')`)

  for (const table of tables) {
    const name = table.relname
    if (!table.relrowsecurity) problems.push(`${name}: row-level security is not enabled`)
    if (!table.relforcerowsecurity) problems.push(`${name}: row-level security is not forced`)
    const own = policies.filter((policy) => policy.relid === table.oid)
    const isolating = own.filter(
      (policy) =>
        policy.polcmd === '*' &&
        READS_SCHOOL.test(policy.qual ?? '') && COMPARES_SCHOOL.test(policy.qual ?? '') &&
        READS_SCHOOL.test(policy.withcheck ?? '') && COMPARES_SCHOOL.test(policy.withcheck ?? ''),
    )
    if (isolating.length === 0) problems.push(`${name}: no policy whose USING and WITH CHECK both compare school_id with app.school_id`)
    // Permissive policies are OR-ed: one that ignores the school opens every school to the service.
    for (const policy of own.filter((candidate) => candidate.permissive && candidate.applies)) {
      if (!READS_SCHOOL.test(policy.qual ?? '') && policy.polcmd !== 'a') problems.push(`${name}: policy ${policy.polname} applies to ${serviceRole} and its USING ignores app.school_id`)
      if (policy.withcheck !== null && !READS_SCHOOL.test(policy.withcheck)) problems.push(`${name}: policy ${policy.polname} applies to ${serviceRole} and its WITH CHECK ignores app.school_id`)
      if (policy.polcmd === 'a' && !READS_SCHOOL.test(policy.withcheck ?? '')) problems.push(`${name}: INSERT policy ${policy.polname} does not check app.school_id`)
    }
    const primaryKey = constraints.find((constraint) => constraint.contype === 'p' && constraint.conrelid === table.oid)
    if (!primaryKey) problems.push(`${name}: no primary key`)
    else if (primaryKey.conkey[0] !== table.school_attnum) problems.push(`${name}: primary key ${primaryKey.conname} does not start with school_id`)
    const foreignKeys = constraints.filter((constraint) => constraint.contype === 'f' && constraint.conrelid === table.oid)
    if (!foreignKeys.some((fk) => fk.confrel === 'schools' && fk.conkey.length === 1 && fk.conkey[0] === table.school_attnum)) {
      problems.push(`${name}: school_id does not reference schools`)
    }
    for (const fk of foreignKeys) {
      const target = byOid.get(fk.confrelid)
      if (!target) continue
      const pairsSchool = fk.conkey.some((attnum, index) => attnum === table.school_attnum && fk.confkey?.[index] === target.school_attnum)
      if (!pairsSchool) problems.push(`${name}: foreign key ${fk.conname} to ${target.relname} does not carry school_id`)
    }
  }
  // A view runs with its owner's rights unless it is security_invoker; a materialized view has no RLS.
  const { rows: views } = await client.query<{ relname: string; relkind: string; options: string[] | null }>(`
    SELECT c.relname, c.relkind::text AS relkind, c.reloptions AS options FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'school_id' AND NOT a.attisdropped
     WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')`)
  for (const view of views) {
    if (view.relkind === 'm') problems.push(`${view.relname}: a materialized view of tenant data has no row-level security`)
    else if (!(view.options ?? []).includes('security_invoker=true')) problems.push(`${view.relname}: a view of tenant data without security_invoker`)
  }
  return problems
}

describe('row-level security, as the service role', () => {
  let t: TestApp
  let owner: pg.Client
  let serviceRole: string
  const schoolA = { id: '', rows: {} as Record<string, string> }
  const schoolB = { id: '', rows: {} as Record<string, string> }
  const opened: pg.Client[] = []
  let keys = new Map<string, string>()
  /** The SQL text of a table's row key (see rowKeys): what its builder answers. */
  const rowKey = (table: string): string => {
    const key = keys.get(table)
    if (!key) throw new Error(`${table} has no primary key`)
    return key
  }

  /** A fresh connection as the service role; with a school set when one is given. */
  async function asService(schoolId?: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: t.db.appUrl })
    opened.push(client)
    await client.connect()
    if (schoolId !== undefined) await client.query("SELECT set_config('app.school_id', $1, false)", [schoolId])
    return client
  }

  async function sqlState(run: Promise<unknown>): Promise<string | undefined> {
    try {
      await run
      return undefined
    } catch (error) {
      return (error as { code?: string }).code ?? String(error)
    }
  }

  async function ownerCount(table: string, schoolId: string): Promise<number> {
    return (await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}" WHERE school_id = $1`, [schoolId])).rows[0]!.n
  }

  beforeAll(async () => {
    t = await build()
    serviceRole = decodeURIComponent(new URL(t.db.appUrl).username)
    owner = await ownerConnection(t)
    for (const { tgname, relname } of (await owner.query<{ tgname: string; relname: string }>(
      "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE 'report\\_%' AND NOT t.tgisinternal",
    )).rows) {
      await owner.query(`ALTER TABLE "${relname}" DISABLE TRIGGER "${tgname}"`)
    }
    keys = await rowKeys(owner)
    for (const [school, slug] of [[schoolA, 'rls-a'], [schoolB, 'rls-b']] as const) {
      school.id = (
        await owner.query<{ id: string }>(
          "INSERT INTO schools (id, slug, name, time_zone, updated_at) VALUES (uuid_generate_v7(), $1, $1, 'UTC', now()) RETURNING id::text",
          [slug],
        )
      ).rows[0]!.id
      FIXTURE_ROWS.set(school.id, school.rows)
      for (const table of await tenantTablesByDependency(owner)) {
        const insert = INSERT_ROW[table]
        if (insert) school.rows[table] = await insert(owner, school.id, `${slug}-${table}`)
      }
    }
  })
  afterAll(async () => {
    for (const client of opened) await client.end().catch(() => {})
    await owner.end()
    await t.close()
  })

  it('has fixture rows for every tenant table, for both schools', async () => {
    const tables = await tenantTables(owner)
    expect(tables).toEqual(
      expect.arrayContaining([
        'identity_providers',
        'integration_clients',
        'members',
        'contacts',
        'outreach',
        'referrals',
        'meetings',
        'questions',
        'calendar_feeds',
        'host_profiles',
        'host_requests',
        'programs',
        'program_hosts',
        'program_students',
        'assignment_runs',
        'report_cells',
        'report_cell_deltas',
        'report_met',
        'webhook_subscriptions',
        'webhook_events',
        'webhook_deliveries',
        'idempotency_keys',
        'meeting_confirmations',
        'audit_events',
      ]),
    )
    expect(tables.filter((table) => !INSERT_ROW[table])).toEqual([])
    // Laid out parents first: a contact after its student, outreach and referrals after their contact,
    // a meeting after its student and contact, a referral after the meeting it may come from, a feed
    // after its member.
    const order = await tenantTablesByDependency(owner)
    expect(order.indexOf('members')).toBeLessThan(order.indexOf('contacts'))
    expect(order.indexOf('contacts')).toBeLessThan(order.indexOf('outreach'))
    expect(order.indexOf('contacts')).toBeLessThan(order.indexOf('referrals'))
    expect(order.indexOf('contacts')).toBeLessThan(order.indexOf('meetings'))
    expect(order.indexOf('meetings')).toBeLessThan(order.indexOf('referrals'))
    expect(order.indexOf('members')).toBeLessThan(order.indexOf('calendar_feeds'))
    // A host profile after its member; a request after its meeting and programme; a programme's hosts,
    // students and runs after it.
    expect(order.indexOf('members')).toBeLessThan(order.indexOf('host_profiles'))
    expect(order.indexOf('meetings')).toBeLessThan(order.indexOf('host_requests'))
    expect(order.indexOf('programs')).toBeLessThan(order.indexOf('host_requests'))
    for (const child of ['program_hosts', 'program_students', 'assignment_runs']) expect(order.indexOf('programs')).toBeLessThan(order.indexOf(child))
    // Tables without an id are keyed by the rest of their primary key.
    expect([rowKey('meetings'), rowKey('host_profiles'), rowKey('program_hosts')]).toEqual(['"id"::text', '"member_id"::text', `"program_id"::text || '/' || "host_id"::text`])
    // Each fixture row is the one its builder says: a meeting of the school's student with its contact.
    for (const school of [schoolA, schoolB]) {
      const { rows } = await owner.query('SELECT student_id::text, contact_id::text, status::text FROM meetings WHERE school_id = $1', [school.id])
      expect(rows).toEqual([{ student_id: school.rows.members, contact_id: school.rows.contacts, status: 'requested' }])
      const feeds = await owner.query('SELECT member_id::text FROM calendar_feeds WHERE school_id = $1', [school.id])
      expect(feeds.rows).toEqual([{ member_id: school.rows.members }])
      // The member hosts; the request is the meeting's, to that host, in the programme, whose host and student they are.
      expect(school.rows.host_profiles).toBe(school.rows.members)
      const requests = await owner.query('SELECT student_id::text, host_id::text, meeting_id::text, program_id::text FROM host_requests WHERE school_id = $1', [school.id])
      expect(requests.rows).toEqual([{ student_id: school.rows.members, host_id: school.rows.members, meeting_id: school.rows.meetings, program_id: school.rows.programs }])
      expect(school.rows.program_hosts).toBe(`${school.rows.programs}/${school.rows.members}`)
      expect(school.rows.program_students).toBe(`${school.rows.programs}/${school.rows.members}`)
      const runs = await owner.query('SELECT program_id::text FROM assignment_runs WHERE school_id = $1', [school.id])
      expect(runs.rows).toEqual([{ program_id: school.rows.programs }])
    }
    for (const table of tables) {
      expect(await ownerCount(table, schoolA.id), `A's ${table}`).toBe(1)
      expect(await ownerCount(table, schoolB.id), `B's ${table}`).toBe(1)
    }
  })

  describe('with no school set', () => {
    it('every tenant table answers no rows, though rows exist', async () => {
      for (const setting of [undefined, '']) {
        const service = await asService(setting)
        expect((await service.query("SELECT current_setting('app.school_id', true) AS s")).rows[0].s ?? '').toBe('')
        for (const table of await tenantTables(owner)) {
          expect((await service.query(`SELECT * FROM "${table}"`)).rowCount, `${table} with app.school_id ${JSON.stringify(setting)}`).toBe(0)
          expect((await service.query(`SELECT * FROM "${table}" WHERE school_id = $1`, [schoolA.id])).rowCount).toBe(0)
          expect((await service.query(`UPDATE "${table}" SET school_id = school_id`)).rowCount).toBe(0)
          expect((await service.query(`DELETE FROM "${table}"`)).rowCount).toBe(0)
          expect(await sqlState(INSERT_ROW[table]!(service, schoolA.id, `none-${table}`)), `INSERT into ${table}`).toBe('42501')
          expect(await ownerCount(table, schoolA.id)).toBe(1)
        }
      }
    })

    it('a school id that names no school sees nothing, and a malformed one is an error, not every row', async () => {
      const unknown = await asService('00000000-0000-4000-8000-000000000000')
      const garbage = await asService('not-a-uuid')
      for (const table of await tenantTables(owner)) {
        expect((await unknown.query(`SELECT * FROM "${table}"`)).rowCount).toBe(0)
        expect(await sqlState(garbage.query(`SELECT * FROM "${table}"`))).toBe('22P02')
      }
    })
  })

  describe('with school B set', () => {
    it('A\'s rows are invisible, B\'s are all there', async () => {
      const service = await asService(schoolB.id)
      for (const table of await tenantTables(owner)) {
        expect((await service.query(`SELECT * FROM "${table}" WHERE ${rowKey(table)} = $1`, [schoolA.rows[table]])).rowCount, `A's ${table} by key`).toBe(0)
        expect((await service.query(`SELECT * FROM "${table}" WHERE school_id = $1`, [schoolA.id])).rowCount).toBe(0)
        const all = await service.query<{ school_id: string; id: string }>(`SELECT school_id::text, ${rowKey(table)} AS id FROM "${table}"`)
        expect(all.rows).toEqual([{ school_id: schoolB.id, id: schoolB.rows[table] }])
      }
    })

    it('UPDATE and DELETE of A\'s rows affect 0 rows; A\'s rows stay as they were', async () => {
      const service = await asService(schoolB.id)
      const tables = await tenantTablesByDependency(owner)
      const before = new Map<string, unknown[]>()
      for (const table of tables) {
        before.set(table, (await owner.query(`SELECT to_jsonb(t) AS row FROM "${table}" t WHERE school_id = $1`, [schoolA.id])).rows)
        expect((await service.query(`UPDATE "${table}" SET school_id = school_id WHERE ${rowKey(table)} = $1`, [schoolA.rows[table]])).rowCount).toBe(0)
        expect((await service.query(`UPDATE "${table}" SET school_id = school_id WHERE school_id = $1`, [schoolA.id])).rowCount).toBe(0)
        expect((await service.query(`DELETE FROM "${table}" WHERE ${rowKey(table)} = $1`, [schoolA.rows[table]])).rowCount).toBe(0)
        expect((await service.query(`DELETE FROM "${table}" WHERE school_id = $1`, [schoolA.id])).rowCount).toBe(0)
      }
      // Unfiltered, the statements reach B's row alone (undone). Children first: a contact's referral
      // keeps it (ON DELETE RESTRICT), so every table is emptied in one transaction, in reverse order.
      await service.query('BEGIN')
      for (const table of [...tables].reverse()) {
        expect((await service.query(`UPDATE "${table}" SET school_id = school_id`)).rowCount, `UPDATE ${table}`).toBe(1)
        expect((await service.query(`DELETE FROM "${table}"`)).rowCount, `DELETE FROM ${table}`).toBe(1)
      }
      await service.query('ROLLBACK')
      for (const table of tables) {
        expect((await owner.query(`SELECT to_jsonb(t) AS row FROM "${table}" t WHERE school_id = $1`, [schoolA.id])).rows).toEqual(before.get(table))
        expect(await ownerCount(table, schoolB.id)).toBe(1)
      }
    })

    it('INSERT of a row with A\'s school_id, or moving B\'s row to A, is refused with 42501', async () => {
      const service = await asService(schoolB.id)
      for (const table of await tenantTables(owner)) {
        expect(await sqlState(INSERT_ROW[table]!(service, schoolA.id, `b-into-a-${table}`)), `INSERT into ${table}`).toBe('42501')
        expect(await sqlState(service.query(`UPDATE "${table}" SET school_id = $1 WHERE ${rowKey(table)} = $2`, [schoolA.id, schoolB.rows[table]])), `UPDATE of ${table}`).toBe('42501')
        expect(await ownerCount(table, schoolA.id)).toBe(1)
        expect(await ownerCount(table, schoolB.id)).toBe(1)
      }
      // The refusal is row-level security's own (not a constraint that happens to fail), for every table.
      for (const table of await tenantTables(owner)) {
        await expect(INSERT_ROW[table]!(service, schoolA.id, `message-${table}`), table).rejects.toThrow(`new row violates row-level security policy for table "${table}"`)
      }
      // B's own rows can still be written, every table's: the rows refused above were valid but for
      // their school.
      await service.query('BEGIN')
      for (const table of await tenantTablesByDependency(owner)) {
        expect(await sqlState(INSERT_ROW[table]!(service, schoolB.id, `b-own-${table}`)), `INSERT of B's own ${table}`).toBeUndefined()
      }
      await service.query('ROLLBACK')
    })
  })

  describe('the service role', () => {
    it('is not superuser, has no BYPASSRLS, owns no table and belongs to no table owner', async () => {
      const service = await asService()
      await expect(assertRoleIsUnprivileged(service)).resolves.toBeUndefined()
      const { rows } = await service.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
        'SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
      )
      expect(rows).toEqual([{ rolname: serviceRole, rolsuper: false, rolbypassrls: false }])
      const owned = await service.query(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'MEMBER')`,
      )
      expect(owned.rows).toEqual([])
    })

    it('is told apart from the owner connection, which assertRoleIsUnprivileged refuses', async () => {
      const error = await assertRoleIsUnprivileged(owner).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(UnsafeDatabaseRoleError)
      expect((error as Error).message).toMatch(/is a superuser/)
    })

    it('cannot switch row-level security off, turn into the owner, or change a table', async () => {
      const service = await asService(schoolB.id)
      await service.query('SET row_security = off')
      expect(await sqlState(service.query('SELECT * FROM members'))).toBe('42501')
      await service.query('RESET row_security')
      const { rows: [ownerRole] } = await owner.query<{ name: string }>('SELECT current_user AS name')
      expect(await sqlState(service.query(`SET ROLE "${ownerRole!.name}"`))).toBe('42501')
      expect(await sqlState(service.query('ALTER TABLE members DISABLE ROW LEVEL SECURITY'))).toBe('42501')
      expect(await sqlState(service.query('ALTER TABLE members NO FORCE ROW LEVEL SECURITY'))).toBe('42501')
      expect(await sqlState(service.query('DROP POLICY members_tenant_isolation ON members'))).toBe('42501')
      expect(await sqlState(service.query('CREATE POLICY open ON members USING (true)'))).toBe('42501')
    })

    it('cannot read _prisma_migrations', async () => {
      const service = await asService()
      expect(await sqlState(service.query('SELECT * FROM _prisma_migrations'))).toBe('42501')
      expect(await sqlState(service.query('DELETE FROM _prisma_migrations'))).toBe('42501')
      expect((await owner.query('SELECT count(*)::int AS n FROM _prisma_migrations')).rows[0].n).toBeGreaterThan(0)
    })

    it('cannot DELETE from schools', async () => {
      const empty = (await owner.query<{ id: string }>(
        "INSERT INTO schools (id, slug, name, time_zone, updated_at) VALUES (uuid_generate_v7(), 'rls-empty', 'x', 'UTC', now()) RETURNING id::text",
      )).rows[0]!.id
      const service = await asService()
      expect(await sqlState(service.query('DELETE FROM schools WHERE id = $1', [empty]))).toBe('42501')
      expect(await sqlState(service.query('TRUNCATE schools CASCADE'))).toBe('42501')
      expect((await owner.query('SELECT count(*)::int AS n FROM schools WHERE id = $1', [empty])).rows[0].n).toBe(1)
    })
  })

  describe('identity_providers_for_issuer', () => {
    it('gives the service role only (school_id, id) pairs of enabled providers, before any school is known', async () => {
      const issuer = (await owner.query<{ issuer: string }>('SELECT issuer FROM identity_providers WHERE id = $1', [schoolA.rows.identity_providers])).rows[0]!.issuer
      // A disabled provider of B with the same issuer is not among the answers.
      await owner.query(
        `INSERT INTO identity_providers (school_id, id, name, issuer, audience, jwks_uri, algorithms, enabled, updated_at)
         VALUES ($1, uuid_generate_v7(), 'off', $2, 'off', 'https://rls.example/jwks', ARRAY['RS256'], false, now())`,
        [schoolB.id, issuer],
      )
      for (const setting of [undefined, schoolB.id]) {
        const service = await asService(setting)
        const result = await service.query(`SELECT * FROM identity_providers_for_issuer($1)`, [issuer])
        expect(result.fields.map((field) => field.name)).toEqual(['school_id', 'id'])
        expect(result.rows).toEqual([{ school_id: schoolA.id, id: schoolA.rows.identity_providers }])
        expect((await service.query('SELECT * FROM identity_providers_for_issuer($1)', ['https://nobody.example'])).rows).toEqual([])
        // The function's rights do not leak into the caller's own reads.
        const own = await service.query('SELECT school_id::text, enabled FROM identity_providers WHERE issuer = $1', [issuer])
        expect(own.rows).toEqual(setting ? [{ school_id: schoolB.id, enabled: false }] : [])
      }
    })

    it('is SECURITY DEFINER with a fixed search_path, and not executable by PUBLIC', async () => {
      const service = await asService()
      const { rows } = await service.query<{ prosecdef: boolean; proconfig: string[] | null; public_execute: boolean; service_execute: boolean }>(`
        SELECT p.prosecdef, p.proconfig,
               EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl WHERE acl.grantee = 0 AND acl.privilege_type = 'EXECUTE') AS public_execute,
               has_function_privilege(current_user, p.oid, 'EXECUTE') AS service_execute
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public' AND p.proname = 'identity_providers_for_issuer'`)
      expect(rows).toEqual([{ prosecdef: true, proconfig: ['search_path=public, pg_temp'], public_execute: false, service_execute: true }])
    })

    it('like every SECURITY DEFINER function of the schema: fixed search_path, no PUBLIC execute, answers ids only', async () => {
      // Such a function reads past row-level security; it may hand the service ids, never row data.
      const service = await asService()
      const { rows } = await service.query<{ name: string; result: string; proconfig: string[] | null; public_execute: boolean }>(`
        SELECT p.proname AS name, pg_get_function_result(p.oid) AS result, p.proconfig,
               EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl WHERE acl.grantee = 0 AND acl.privilege_type = 'EXECUTE') AS public_execute
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public' AND p.prosecdef ORDER BY p.proname`)
      expect(rows.map((row) => row.name)).toContain('identity_providers_for_issuer')
      for (const row of rows) {
        expect({ name: row.name, searchPath: row.proconfig?.find((setting) => setting.startsWith('search_path=')), publicExecute: row.public_execute }).toEqual({
          name: row.name,
          searchPath: 'search_path=public, pg_temp',
          publicExecute: false,
        })
        expect(row.result, row.name).toMatch(/^TABLE\(\w+ uuid(, \w+ uuid)*\)$/)
      }
    })
  })

  describe('meta: every tenant table is isolated by construction', () => {
    it('has RLS enabled and forced, a policy on app.school_id for USING and WITH CHECK, none that ignores it, and keys led by school_id', async () => {
      const service = await asService()
      expect(await tenantTableProblems(service, serviceRole)).toEqual([])
      // The catalogs as read by the service role agree with pg_policies, the documented view.
      const { rows } = await service.query<{ tablename: string; qual: string; with_check: string }>(
        "SELECT tablename::text, qual, with_check FROM pg_policies WHERE schemaname = 'public' AND policyname LIKE '%tenant_isolation' ORDER BY tablename",
      )
      expect(rows.map((row) => row.tablename)).toEqual(await tenantTables(service))
      for (const row of rows) {
        expect(row.qual).toMatch(READS_SCHOOL)
        expect(row.with_check).toMatch(READS_SCHOOL)
      }
    })

    it('names each fault of a tenant table that lacks them (checked on tables created and rolled back)', async () => {
      await owner.query('BEGIN')
      try {
        await owner.query(`
          CREATE TABLE ct_parent (school_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (id, school_id), UNIQUE (id));
          CREATE TABLE ct_child (school_id uuid NOT NULL REFERENCES schools (id), id uuid NOT NULL, parent_id uuid REFERENCES ct_parent (id),
                                 PRIMARY KEY (school_id, id));
          ALTER TABLE ct_child ENABLE ROW LEVEL SECURITY;
          CREATE POLICY ct_child_isolation ON ct_child
            USING (school_id = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
            WITH CHECK (school_id = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));
          CREATE POLICY ct_child_open ON ct_child FOR SELECT USING (true);
          CREATE VIEW ct_view AS SELECT school_id, id FROM ct_child;`)
        expect(await tenantTableProblems(owner, serviceRole)).toEqual([
          'ct_child: row-level security is not forced',
          `ct_child: policy ct_child_open applies to ${serviceRole} and its USING ignores app.school_id`,
          'ct_child: foreign key ct_child_parent_id_fkey to ct_parent does not carry school_id',
          'ct_parent: row-level security is not enabled',
          'ct_parent: row-level security is not forced',
          'ct_parent: no policy whose USING and WITH CHECK both compare school_id with app.school_id',
          'ct_parent: primary key ct_parent_pkey does not start with school_id',
          'ct_parent: school_id does not reference schools',
          'ct_view: a view of tenant data without security_invoker',
        ])
      } finally {
        await owner.query('ROLLBACK')
      }
    })
  })
})
