// npm run bench: seeds its own data (50 schools x 2,000 members), starts the servers, drives them
// with autocannon over loopback and prints req/s, p50, p99 and the ratio of each scenario to its
// baseline. Each pair is measured side by side, alternating rounds, so that the machine's noise hits
// both alike; the ratio is of the medians.
// Uses DATABASE_URL (an owner role that may create databases) or else an embedded PostgreSQL.
// Options (environment): BENCH_DURATION seconds per round (default 5), BENCH_ROUNDS (default 3),
// BENCH_CONNECTIONS (default 10), BENCH_ONLY (measure only scenarios whose name contains it),
// BENCH_DB_POOL_MAX (the servers' DB_POOL_MAX, default 10). `BENCH_ONLY='many schools'` runs only the
// many-schools benchmark (bench/many-schools.ts: 10, 2,000 and 10,000 schools in rotation).
import { execFile, fork, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { promisify } from 'node:util'
import autocannon from 'autocannon'
import pg from 'pg'
import { SigningKeys } from '../src/infra/auth/signing-keys.js'
import { ensureAppRole } from '../src/infra/db/roles.js'
import { applyMigrations } from '../src/infra/db/schema-engine.js'
import { withCredentials } from '../src/infra/db/setup.js'
import { resolveOwnerUrl } from '../scripts/database-url.js'
import { benchAssignment } from './assignment.js'
import { benchCohort } from './cohort.js'
import { benchGrowth, DASHBOARD_CONNECTIONS, dashboardPair, databaseUrl, freePort, meetingRequestBody } from './dashboard.js'
import { benchWebhookDelivery } from './webhooks.js'
import { compactReports, seedConversations, seedStudents } from './seed.js'

const SCHOOLS = 50
const MEMBERS_PER_SCHOOL = 2000
// About a million meetings in all, skewed: the first LARGE_SCHOOLS schools have many per student.
const LARGE_SCHOOLS = 4
const MEETINGS_PER_STUDENT_LARGE = Number(process.env.BENCH_MEETINGS_LARGE ?? 83)
const MEETINGS_PER_STUDENT_SMALL = Number(process.env.BENCH_MEETINGS_SMALL ?? 5)
const CONVERSATION_CONNECTIONS = 32
const HOSTS = 2000
const SUGGESTION_CONNECTIONS = 8
const DURATION = Number(process.env.BENCH_DURATION ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const ISSUER = 'urn:vantage:bench'
const AUDIENCE = 'vantage-api'
const APP_ROLE = 'vantage_app_bench'
const APP_PASSWORD = 'vantage-bench'

/**
 * 2,000 alumni hosts in one school: twelve fields, mixed modes and offers, weekly windows on two
 * weekdays, a tenth not accepting; then 6,000 of the school's meetings turned into requests to them
 * (about three per host, accepted for the booked meetings, else declined or pending), so the
 * candidate query counts real loads.
 */
async function seedHosts(owner: pg.Client, schoolId: string) {
  await owner.query('BEGIN')
  await owner.query("SELECT set_config('app.school_id', $1, true)", [schoolId])
  await owner.query(
    `INSERT INTO members (school_id, id, external_id, roles, given_name, family_name, email, fields_of_interest, updated_at)
     SELECT $1::uuid, uuid_generate_v7(), 'h-' || n, ARRAY['alumni']::member_role[], 'Host' || n, 'Family' || n, 'h' || n || '@bench.edu',
            ARRAY['Field ' || (n % 12)], now()
       FROM generate_series(1, $2) n`,
    [schoolId, HOSTS],
  )
  await owner.query(
    `INSERT INTO host_profiles (school_id, member_id, organization, title, industries, occupations, offers, modes, location, background_tags,
                                accepting, time_zone, contact_email, max_meetings_per_month, max_shadow_days_per_term, max_open_requests,
                                weekly_windows, blackouts, answered_count, expired_count, updated_at)
     SELECT m.school_id, m.id, (ARRAY['Mercy Hospital','Acme Energy','Northwind Bank','Globex','City Schools'])[1 + n % 5], 'Title ' || n,
            ARRAY['Field ' || (n % 12)], ARRAY['Field ' || ((n + 5) % 12)],
            CASE WHEN n % 3 = 0 THEN ARRAY['informational_interview']::meeting_kind[] ELSE ARRAY['informational_interview','job_shadow']::meeting_kind[] END,
            CASE WHEN n % 4 = 0 THEN ARRAY['in_person']::meeting_mode[] ELSE ARRAY['video','phone','in_person']::meeting_mode[] END,
            'City ' || (n % 7), CASE WHEN n % 3 = 0 THEN ARRAY['first-generation'] ELSE ARRAY[]::text[] END,
            n % 10 <> 0, (ARRAY['America/New_York','America/Chicago','America/Los_Angeles','Europe/London'])[1 + n % 4], 'h' || n || '@work.example',
            2 + n % 5, 5, 5 + n % 10,
            jsonb_build_array(jsonb_build_object('weekday', 1 + n % 5, 'start', '09:00', 'end', '12:00'),
                              jsonb_build_object('weekday', 1 + (n + 2) % 5, 'start', '13:00', 'end', '17:00')),
            CASE WHEN n % 8 = 0 THEN jsonb_build_array(jsonb_build_object('from', to_char(now() + interval '3 days', 'YYYY-MM-DD'), 'to', to_char(now() + interval '10 days', 'YYYY-MM-DD'))) ELSE '[]'::jsonb END,
            n % 6, n % 4, now()
       FROM members m CROSS JOIN LATERAL (SELECT substr(m.external_id, 3)::int AS n) k
      WHERE m.school_id = $1 AND m.external_id LIKE 'h-%'`,
    [schoolId],
  )
  await owner.query(
    `WITH hosts AS (SELECT member_id, time_zone, row_number() OVER (ORDER BY member_id) - 1 AS i FROM host_profiles WHERE school_id = $1),
          picked AS (SELECT id, student_id, status, kind, starts_at, ends_at, row_number() OVER (ORDER BY id) - 1 AS j
                       FROM meetings WHERE school_id = $1 ORDER BY id LIMIT 6000),
          shaped AS (SELECT p.*, h.member_id AS host_id, h.time_zone,
                            p.status IN ('scheduled','resume_sent','completed','thank_you_sent') AS booked
                       FROM picked p JOIN hosts h ON h.i = p.j % $2)
     INSERT INTO host_requests (school_id, id, group_id, student_id, host_id, meeting_id, status, starts_at, ends_at, shadow_days,
                                expires_at, created_at, updated_at)
     SELECT $1::uuid, uuid_generate_v7(), gen_random_uuid(), student_id, host_id, id,
            CASE WHEN booked THEN 'accepted' WHEN status = 'requested' THEN 'pending' ELSE 'declined' END::host_request_status,
            CASE WHEN booked THEN starts_at END, CASE WHEN booked THEN ends_at END,
            CASE WHEN booked AND kind = 'job_shadow'
                 THEN ((ends_at - interval '1 millisecond') AT TIME ZONE time_zone)::date - (starts_at AT TIME ZONE time_zone)::date + 1 ELSE 0 END,
            now() + interval '5 days', now(), now()
       FROM shaped`,
    [schoolId, HOSTS],
  )
  await owner.query('COMMIT')
}

async function seed(ownerUrl: string) {
  const admin = new pg.Client({ connectionString: ownerUrl })
  await admin.connect()
  for (const name of ['vantage_bench', 'vantage_bench_norls']) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.query('CREATE DATABASE vantage_bench')
  const benchUrl = databaseUrl(ownerUrl, 'vantage_bench')
  await applyMigrations(benchUrl)
  await ensureAppRole(benchUrl, APP_ROLE, APP_PASSWORD)
  await admin.query(`ALTER ROLE ${APP_ROLE} PASSWORD '${APP_PASSWORD}'`)

  const started = Date.now()
  const owner = new pg.Client({ connectionString: benchUrl })
  await owner.connect()
  const { rows: schools } = await owner.query<{ id: string }>(
    `INSERT INTO schools (id, slug, name, time_zone, updated_at)
     SELECT uuid_generate_v7(), 'bench-' || n, 'Bench University ' || n, 'America/New_York', now() FROM generate_series(1, $1) n
     RETURNING id::text`,
    [SCHOOLS],
  )
  for (const [index, { id }] of schools.entries()) {
    // Row-level security applies to a non-superuser owner too (FORCE), so each school's rows are
    // written with that school set.
    await owner.query('BEGIN')
    await owner.query("SELECT set_config('app.school_id', $1, true)", [id])
    await seedStudents(owner, id, MEMBERS_PER_SCHOOL)
    await seedConversations(owner, id, index < LARGE_SCHOOLS ? MEETINGS_PER_STUDENT_LARGE : MEETINGS_PER_STUDENT_SMALL)
    await owner.query('COMMIT')
  }
  await seedHosts(owner, schools[0]!.id)
  // The report triggers appended one statement's deltas per school; fold them into the rollups.
  for (const { id } of schools) await compactReports(owner, id)
  // Vacuumed as well as analyzed: the steady state autovacuum keeps (visibility map set, so
  // index-only scans need no heap fetches).
  await owner.query('VACUUM ANALYZE')
  // Two students per school, with a contact of each, for the conversation scenarios.
  const students: Array<{ school: string; externalId: string; contactId: string }> = []
  for (const { id } of schools) {
    await owner.query('BEGIN')
    await owner.query("SELECT set_config('app.school_id', $1, true)", [id])
    const { rows } = await owner.query<{ external_id: string; contact_id: string }>(
      `SELECT m.external_id, (SELECT c.id::text FROM contacts c WHERE c.school_id = m.school_id AND c.student_id = m.id ORDER BY c.id LIMIT 1) AS contact_id
         FROM members m WHERE m.school_id = $1 AND m.external_id IN ('m-2', 'm-3')`,
      [id],
    )
    await owner.query('COMMIT')
    students.push(...rows.map((row) => ({ school: id, externalId: row.external_id, contactId: row.contact_id })))
  }
  // Twenty students of the hosts' school, for the suggestion scenario.
  await owner.query('BEGIN')
  await owner.query("SELECT set_config('app.school_id', $1, true)", [schools[0]!.id])
  const { rows: hostSchoolStudents } = await owner.query<{ id: string; external_id: string }>(
    `SELECT id::text, external_id FROM members WHERE school_id = $1 AND roles = ARRAY['student']::member_role[] ORDER BY id LIMIT 20`,
    [schools[0]!.id],
  )
  await owner.query('COMMIT')
  const { rows: [counts] } = await owner.query<{ meetings: number; contacts: number }>(
    'SELECT (SELECT count(*)::int FROM meetings) AS meetings, (SELECT count(*)::int FROM contacts) AS contacts',
  )
  await owner.end()
  const seededIn = Date.now() - started

  // The RLS-off copy: same rows, policies disabled.
  await admin.query('CREATE DATABASE vantage_bench_norls TEMPLATE vantage_bench')
  const norls = new pg.Client({ connectionString: databaseUrl(ownerUrl, 'vantage_bench_norls') })
  await norls.connect()
  for (const table of ['members', 'identity_providers', 'integration_clients', 'contacts', 'outreach', 'referrals', 'meetings', 'questions', 'calendar_feeds', 'host_profiles', 'host_requests', 'programs', 'program_hosts', 'program_students', 'assignment_runs', 'report_cells', 'report_cell_deltas']) {
    await norls.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`)
    await norls.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`)
  }
  await norls.end()
  await admin.end()
  return { schoolIds: schools.map((school) => school.id), benchUrl, seededIn, students, hostSchoolStudents, counts: counts! }
}

function start(args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork('bench/server.ts', args, { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    child.once('message', () => resolve(child))
    child.once('exit', (code) => reject(new Error(`bench server ${args.join(' ')} exited with ${code}`)))
  })
}

interface Measurement {
  requests: number
  p50: number
  p99: number
  errors: number
}

interface Target {
  url: string
  tokens: string[]
  method?: 'GET' | 'POST'
  /** A body per token (same order), for writes. */
  bodies?: string[]
  /** A path per token (same order), when the URL names the caller. */
  paths?: string[]
  connections?: number
  /** Send a new Idempotency-Key with every request. */
  idempotencyKeys?: boolean
  /** Runs before each round of this side (e.g. switching the webhook subscriptions on or off). */
  before?: () => Promise<void>
}

async function load({ url, tokens, method = 'GET', bodies, paths, connections = CONNECTIONS, idempotencyKeys, before }: Target): Promise<Measurement> {
  await before?.()
  let next = 0
  const result = await autocannon({
    url,
    connections,
    duration: DURATION,
    requests: [
      {
        method,
        setupRequest: (request: { headers?: Record<string, string>; body?: string }) => {
          const index = next++ % Math.max(tokens.length, 1)
          if (tokens.length) request.headers = { ...request.headers, authorization: `Bearer ${tokens[index]}` }
          if (paths) (request as { path?: string }).path = paths[index]
          if (bodies) {
            request.headers = { ...request.headers, 'content-type': 'application/json' }
            request.body = bodies[index]
          }
          if (idempotencyKeys) request.headers = { ...request.headers, 'idempotency-key': randomUUID() }
          return request
        },
      },
    ],
  } as autocannon.Options)
  const bad = result.non2xx + result.errors + result.timeouts
  return { requests: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: bad }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function pair(target: Target, baseline: Target) {
  // Warm both, then alternate rounds.
  await load(target)
  await load(baseline)
  const targets: Measurement[] = []
  const baselines: Measurement[] = []
  for (let round = 0; round < ROUNDS; round++) {
    targets.push(await load(target))
    baselines.push(await load(baseline))
  }
  const summary = (runs: Measurement[]) => ({
    requests: median(runs.map((run) => run.requests)),
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
  })
  return { target: summary(targets), baseline: summary(baselines) }
}

const { url: ownerUrl, stop } = await resolveOwnerUrl()
const children: ChildProcess[] = []
try {
  console.error(`seeding ${SCHOOLS} schools x ${MEMBERS_PER_SCHOOL} members ...`)
  const { schoolIds, benchUrl, seededIn, students, hostSchoolStudents, counts } = await seed(ownerUrl)
  console.error(`seeded ${SCHOOLS * MEMBERS_PER_SCHOOL} members, ${counts.contacts} contacts and ${counts.meetings} meetings in ${seededIn} ms`)

  const jwk = await SigningKeys.generate()
  const keys = await SigningKeys.fromJwks([jwk])
  const tokens = await Promise.all(
    schoolIds.map((school) =>
      keys.sign({ token_use: 'member', school }, { issuer: ISSUER, audience: AUDIENCE, subject: 'm-1', ttlSeconds: 3600 }),
    ),
  )
  const env = { ...process.env, BENCH_SIGNING_KEYS: JSON.stringify([jwk]) }
  const appUrl = withCredentials(benchUrl, APP_ROLE, APP_PASSWORD)
  const norlsUrl = withCredentials(databaseUrl(ownerUrl, 'vantage_bench_norls'), APP_ROLE, APP_PASSWORD)
  const [helloPort, rlsPort, norlsPort, txPort] = [await freePort(), await freePort(), await freePort(), await freePort()]
  children.push(await start(['hello', String(helloPort)], env))
  children.push(await start(['app', String(rlsPort), appUrl, 'rls'], env))
  children.push(await start(['app', String(norlsPort), norlsUrl, 'none'], env))
  children.push(await start(['app', String(txPort), appUrl, 'transaction'], env))
  // The service with the audit log off, for the audit log's own cost.
  const noAuditPort = await freePort()
  children.push(await start(['app', String(noAuditPort), appUrl, 'rls'], { ...env, BENCH_AUDIT: 'false' }))
  const at = (port: number, path: string, withTokens = true): Target => ({ url: `http://127.0.0.1:${port}${path}`, tokens: withTokens ? tokens : [] })
  const studentTokens = await Promise.all(
    students.map((student) =>
      keys.sign({ token_use: 'member', school: student.school }, { issuer: ISSUER, audience: AUDIENCE, subject: student.externalId, ttlSeconds: 3600 }),
    ),
  )
  const asStudents = (port: number, path: string, extra: Partial<Target> = {}): Target => ({
    url: `http://127.0.0.1:${port}${path}`,
    tokens: studentTokens,
    connections: CONVERSATION_CONNECTIONS,
    ...extra,
  })
  const suggestionTokens = await Promise.all(
    hostSchoolStudents.map((student) =>
      keys.sign({ token_use: 'member', school: schoolIds[0]! }, { issuer: ISSUER, audience: AUDIENCE, subject: student.external_id, ttlSeconds: 3600 }),
    ),
  )
  const suggestionQuery = 'kind=informational_interview&field=Field%203&organization=Globex&limit=10'
  const asSuggesting = (port: number, prefix: string): Target => ({
    url: `http://127.0.0.1:${port}${prefix}/${hostSchoolStudents[0]!.id}/host-suggestions?${suggestionQuery}`,
    tokens: suggestionTokens,
    paths: hostSchoolStudents.map((student) => `${prefix}/${student.id}/host-suggestions?${suggestionQuery}`),
    connections: SUGGESTION_CONNECTIONS,
  })
  // Requests for one slot two weeks ahead; each POST creates a requested meeting.
  const slotStart = new Date(Date.now() + 14 * 86_400_000)
  const meetingBodies = students.map((student) => meetingRequestBody(student.contactId, slotStart))

  // One webhook subscription per school (to meeting.requested), switched on or off between rounds.
  const switchboard = new pg.Client({ connectionString: benchUrl })
  await switchboard.connect()
  await switchboard.query(`
    INSERT INTO webhook_subscriptions (school_id, id, url, event_types, status, secret, updated_at)
    SELECT id, gen_random_uuid(), 'https://hooks.bench.example/events', ARRAY['meeting.requested'], 'disabled', 'whsec_' || encode(sha256(gen_random_uuid()::text::bytea), 'base64'), now()
      FROM schools`)
  const subscriptions = async (status: 'active' | 'disabled') => {
    await switchboard.query(`UPDATE webhook_subscriptions SET status = $1::webhook_status`, [status])
  }

  const scenarios = [
    { name: 'GET /health/live', baselineName: 'bare Fastify hello-world', target: at(rlsPort, '/health/live', false), baseline: at(helloPort, '/health/live', false), goal: undefined },
    { name: 'GET /v1/me (RLS on)', baselineName: 'same SQL, raw pg', target: at(rlsPort, '/v1/me'), baseline: at(rlsPort, '/bench/raw/me'), goal: 0.6 },
    { name: 'GET /v1/members?limit=20 (RLS on)', baselineName: 'same SQL, raw pg', target: at(rlsPort, '/v1/members?limit=20'), baseline: at(rlsPort, '/bench/raw/members'), goal: 0.6 },
    { name: 'GET /v1/me (RLS on)', baselineName: 'same endpoint, RLS off', target: at(rlsPort, '/v1/me'), baseline: at(norlsPort, '/v1/me'), goal: 0.85 },
    // The audit log: every answer of this list discloses 20 members, so each request writes an audit event.
    { name: 'GET /v1/members?limit=20, audit log on', baselineName: 'audit log off', target: at(rlsPort, '/v1/members?limit=20'), baseline: at(noAuditPort, '/v1/members?limit=20'), goal: 0.9 },
    { name: 'GET /v1/members?limit=20 (RLS on)', baselineName: 'same endpoint, RLS off', target: at(rlsPort, '/v1/members?limit=20'), baseline: at(norlsPort, '/v1/members?limit=20'), goal: 0.85 },
    // Conversations (32 connections, 100 students of all schools in rotation).
    { name: 'GET /v1/meetings?status=scheduled&limit=20 (student)', baselineName: 'same SQL, raw pg', target: asStudents(rlsPort, '/v1/meetings?status=scheduled&limit=20'), baseline: asStudents(rlsPort, '/bench/raw/meetings?status=scheduled&limit=20'), goal: 0.6 },
    { name: 'GET /v1/contacts?q=hospital (student)', baselineName: 'same SQL, raw pg', target: asStudents(rlsPort, '/v1/contacts?q=hospital'), baseline: asStudents(rlsPort, '/bench/raw/contacts?q=hospital'), goal: 0.6 },
    { name: 'POST /v1/meetings (student)', baselineName: 'same SQL, raw pg', target: asStudents(rlsPort, '/v1/meetings', { method: 'POST', bodies: meetingBodies }), baseline: asStudents(rlsPort, '/bench/raw/meetings', { method: 'POST', bodies: meetingBodies }), goal: 0.5 },
    // Integrations: the same POST with a new Idempotency-Key each time (claimed, then its response
    // stored), and with every school subscribed to meeting.requested (the trigger writes the event,
    // a delivery and a queue job in the request's transaction; the bench servers run no workers, so
    // nothing is sent), each against the plain POST, side by side.
    { name: 'POST /v1/meetings with Idempotency-Key', baselineName: 'without the header', target: asStudents(rlsPort, '/v1/meetings', { method: 'POST', bodies: meetingBodies, idempotencyKeys: true, before: () => subscriptions('disabled') }), baseline: asStudents(rlsPort, '/v1/meetings', { method: 'POST', bodies: meetingBodies, before: () => subscriptions('disabled') }), goal: 0.8 },
    { name: 'POST /v1/meetings, outbox on (every school subscribed)', baselineName: 'no subscription', target: asStudents(rlsPort, '/v1/meetings', { method: 'POST', bodies: meetingBodies, before: () => subscriptions('active') }), baseline: asStudents(rlsPort, '/v1/meetings', { method: 'POST', bodies: meetingBodies, before: () => subscriptions('disabled') }), goal: 0.8 },
    // Host suggestions in a school of 2,000 hosts (8 connections, 20 students in rotation): the
    // baseline runs the same candidate query through raw pg and returns its rows unscored.
    { name: 'GET /v1/members/{id}/host-suggestions (student, 2,000 hosts)', baselineName: 'candidate query, raw pg', target: asSuggesting(rlsPort, '/v1/members'), baseline: asSuggesting(rlsPort, '/bench/raw/members'), goal: undefined, p50Under: 20 },
    // The alternative the design rejected, for the record: a transaction with set_config around each query.
    { name: 'GET /v1/me (RLS, transaction per query)', baselineName: 'same endpoint, RLS off', target: at(txPort, '/v1/me'), baseline: at(norlsPort, '/v1/me'), goal: undefined },
    { name: 'GET /v1/members?limit=20 (RLS, transaction per query)', baselineName: 'same endpoint, RLS off', target: at(txPort, '/v1/members?limit=20'), baseline: at(norlsPort, '/v1/members?limit=20'), goal: undefined },
  ]

  const lines = [
    `| scenario | req/s | p50 ms | p99 ms | baseline | baseline req/s | baseline p50 ms | baseline p99 ms | ratio | target |`,
    `| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |`,
  ]
  let errors = 0
  // BENCH_ONLY=<text> measures only the scenarios whose name contains it.
  for (const scenario of scenarios.filter((candidate) => !process.env.BENCH_ONLY || candidate.name.includes(process.env.BENCH_ONLY))) {
    console.error(`measuring ${scenario.name} vs ${scenario.baselineName} ...`)
    const { target, baseline } = await pair(scenario.target, scenario.baseline)
    errors += target.errors + baseline.errors
    const ratio = target.requests / baseline.requests
    const ratioVerdict = scenario.goal === undefined ? 'reported' : ratio >= scenario.goal ? `≥ ${scenario.goal} met` : `≥ ${scenario.goal} NOT met`
    const p99Verdict = scenario.target.connections === CONVERSATION_CONNECTIONS
      ? `; p99 < 50 ms ${target.p99 < 50 ? 'met' : 'NOT met'}`
      : 'p50Under' in scenario && scenario.p50Under
        ? `; p50 < ${scenario.p50Under} ms ${target.p50 < scenario.p50Under ? 'met' : 'NOT met'}`
        : ''
    const verdict = ratioVerdict + p99Verdict
    lines.push(
      `| ${scenario.name} | ${target.requests.toFixed(0)} | ${target.p50} | ${target.p99} | ${scenario.baselineName} | ${baseline.requests.toFixed(0)} | ${baseline.p50} | ${baseline.p99} | ${ratio.toFixed(2)} | ${verdict} |`,
    )
  }
  await subscriptions('disabled')
  await switchboard.end()
  // Webhook delivery: throughput draining a backlog, and end-to-end latency at a steady rate, to a
  // local receiver, against plain POSTs of the same body to the same receiver.
  if (!process.env.BENCH_ONLY || 'webhook delivery'.includes(process.env.BENCH_ONLY)) {
    console.error('measuring webhook delivery ...')
    const result = await benchWebhookDelivery({ benchUrl, appUrl, env, schoolId: schoolIds[Math.floor(SCHOOLS / 2)]!, start, freePort })
    lines.push(
      '',
      '| webhook delivery to a local receiver (JOBS_CONCURRENCY 8) | deliveries | per second | baseline: plain POSTs of the body, 8 connections, per second | ratio | end-to-end p50 ms | p99 ms | at a steady rate of |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| backlog drained, then steady | ${result.backlog} | ${result.perSecond.toFixed(0)} | ${result.baselinePerSecond.toFixed(0)} | ${(result.perSecond / result.baselinePerSecond).toFixed(2)} | ${result.p50.toFixed(0)} | ${result.p99.toFixed(0)} | ${result.steadyRate}/s |`,
    )
    errors += result.errors
  }
  // The reporting dashboard, for the largest school and a median one, against the same SQL through raw pg.
  if (!process.env.BENCH_ONLY || 'reporting dashboard'.includes(process.env.BENCH_ONLY)) {
    const owner = new pg.Client({ connectionString: benchUrl })
    await owner.connect()
    const { rows: sizes } = await owner.query<{ id: string; meetings: number }>('SELECT school_id::text AS id, count(*)::int AS meetings FROM meetings GROUP BY school_id')
    await owner.end()
    const meetingsOf = (id: string) => sizes.find((size) => size.id === id)?.meetings ?? 0
    lines.push(
      '',
      `| reporting dashboard (docs/dashboard.graphql, ${DASHBOARD_CONNECTIONS} connections) | school meetings | req/s | p50 ms | p95 ms | SQL baseline req/s | baseline p50 ms | baseline p95 ms | ratio | target |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    )
    // The service compiles repeated queries with graphql-jit (GRAPHQL_JIT=1, the default); the last row runs graphql-js alone.
    const plainPort = await freePort()
    children.push(await start(['app', String(plainPort), appUrl, 'rls'], { ...env, BENCH_GRAPHQL_JIT: '0' }))
    for (const [label, index, port] of [['largest school', 0, rlsPort], ['median school', Math.floor(SCHOOLS / 2), rlsPort], ['largest school, graphql-js alone (GRAPHQL_JIT=0)', 0, plainPort]] as const) {
      console.error(`measuring the reporting dashboard for the ${label} ...`)
      const { target, baseline } = await dashboardPair(port, tokens[index]!, ROUNDS, DURATION)
      errors += target.errors + baseline.errors
      const ratio = target.perSecond / baseline.perSecond
      const failed = target.errors + baseline.errors
      const verdict = failed ? `INVALID: ${failed} failed responses` : `≥ 0.5 ${ratio >= 0.5 ? 'met' : 'NOT met'}${index === 0 ? `; p95 < 150 ms ${target.p95 < 150 ? 'met' : 'NOT met'}` : ''}`
      lines.push(
        `| ${label} | ${meetingsOf(schoolIds[index]!)} | ${target.perSecond.toFixed(1)} | ${target.p50.toFixed(0)} | ${target.p95.toFixed(0)} | ${baseline.perSecond.toFixed(1)} | ${baseline.p50.toFixed(0)} | ${baseline.p95.toFixed(0)} | ${ratio.toFixed(2)} | ${verdict} |`,
      )
    }
  }
  if (!process.env.BENCH_ONLY || 'reporting growth'.includes(process.env.BENCH_ONLY)) {
    for (const child of children) child.kill('SIGTERM')
    children.length = 0
    console.error('measuring one school\'s dashboard while the other schools grow 1x -> 10x ...')
    const { before, after } = await benchGrowth({
      ownerUrl, appRole: APP_ROLE, appPassword: APP_PASSWORD, keys, issuer: ISSUER, audience: AUDIENCE, env, rounds: ROUNDS, seconds: DURATION,
      log: (line) => console.error(line),
    })
    errors += before.target.errors + after.target.errors
    const change = after.target.p50 / before.target.p50 - 1
    lines.push(
      '',
      '| tenant-local cost: one school (9,000 meetings) while 20 others grow | meetings in the database | req/s | p50 ms | p95 ms | change of p50 | target |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      `| other schools 1x | ${before.meetings} | ${before.target.perSecond.toFixed(1)} | ${before.target.p50.toFixed(0)} | ${before.target.p95.toFixed(0)} | | |`,
      `| other schools 10x | ${after.meetings} | ${after.target.perSecond.toFixed(1)} | ${after.target.p50.toFixed(0)} | ${after.target.p95.toFixed(0)} | ${(change * 100).toFixed(0)} % | < 20 % ${Math.abs(change) < 0.2 ? 'met' : 'NOT met'} |`,
    )
  }
  // Cohort assignment, in this process: the solver against HiGHS on the same instances, and the
  // whole computation (candidates, scoring, solve, explanations) at 1k, 5k and 20k students.
  if (!process.env.BENCH_ONLY || 'cohort assignment'.includes(process.env.BENCH_ONLY)) {
    for (const child of children) child.kill('SIGTERM')
    children.length = 0
    const solver = await benchAssignment((line) => console.error(line))
    lines.push(
      '',
      '| cohort assignment: solver vs HiGHS | hosts | candidate pairs | Vantage ms | HiGHS ms | HiGHS ÷ Vantage | equal objective | target |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
      ...solver.map((row) =>
        `| ${row.students.toLocaleString('en')} students | ${row.hosts} | ${row.edges} | ${row.vantageMs.toFixed(0)} | ${row.highsMs === null ? 'n/a' : row.highsMs.toFixed(0)} | ${row.ratio === null ? 'n/a' : row.ratio.toFixed(1)} | ${row.objectiveEqual === null ? 'n/a' : row.objectiveEqual ? 'yes' : 'NO'} | ${row.students === 5000 ? `faster than HiGHS ${row.ratio !== null && row.ratio > 1 ? 'met' : 'NOT met'}` : 'reported'} |`,
      ),
    )
    const cohort = benchCohort((line) => console.error(line))
    lines.push(
      '',
      '| cohort assignment end to end (computeAssignment) | hosts | candidate pairs | total ms | of which solve ms | placements | unmatched | target |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...cohort.map((row) =>
        `| ${row.students.toLocaleString('en')} students | ${row.hosts} | ${row.candidatePairs} | ${row.totalMs.toFixed(0)} | ${row.solveMs.toFixed(0)} | ${row.placements} | ${row.unmatched} | ${row.students === 5000 ? `< 5 s ${row.totalMs < 5000 ? 'met' : 'NOT met'}` : 'reported'} |`,
      ),
    )
  }
  // Many schools active at once (bench/many-schools.ts), on a database of its own: run as a script of
  // its own, against the same PostgreSQL.
  if (!process.env.BENCH_ONLY || 'many schools'.includes(process.env.BENCH_ONLY)) {
    for (const child of children) child.kill('SIGTERM')
    children.length = 0
    console.error('measuring many schools ...')
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/many-schools.ts'], { env: { ...process.env, DATABASE_URL: ownerUrl }, maxBuffer: 1 << 20 })
    lines.push('', ...stdout.trim().split('\n'))
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const header = `${new Date().toISOString()} · ${os.cpus().length} × ${cpu} · node ${process.version} · ${CONNECTIONS} connections · ${ROUNDS} rounds × ${DURATION} s per side (medians)`
  const table = [header, '', ...lines, '', errors ? `non-2xx responses or errors: ${errors}` : 'every response of the paired scenarios was 2xx (the many-schools table counts its own)'].join('\n')
  await mkdir('bench/results', { recursive: true })
  await writeFile('bench/results/latest.md', `${table}\n`)
  console.log(table)
} finally {
  for (const child of children) child.kill('SIGTERM')
  await stop()
}
