// Many schools active at once: one server and one database of 10,000 small schools (a student, an
// advisor and 25 contacts each), driven with tokens of 10, of 2,000 and of 10,000 schools in rotation,
// in alternating rounds, for GET /v1/me, GET /v1/contacts?limit=20, POST /v1/meetings and the GraphQL
// dashboard of a small school. Records throughput, p99, non-2xx answers and the server's resident
// memory after each round, and the ratio of each rotation's throughput to the 10-school rotation's.
// Then two comparisons on fresh servers:
// - memory: one server per rotation (10, then 10,000 schools), each running every scenario once;
//   its resident memory after, against the 10-school server's;
// - the cost of row-level security with 2,000 schools in rotation, GET /v1/me on three servers side by
//   side in alternating rounds: the service (the school set with the statement), the earlier design
//   (the school set in a round trip of its own), and the service on a copy of the database with
//   row-level security disabled.
// Usage: DATABASE_URL=… npx tsx bench/many-schools.ts   (BENCH_DURATION, BENCH_ROUNDS, BENCH_MANY_SCHOOLS,
// BENCH_MANY_PARTS: any of rotation,memory,rls, all by default)
import type { ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import autocannon from 'autocannon'
import pg from 'pg'
import { SigningKeys } from '../src/infra/auth/signing-keys.js'
import { ensureAppRole } from '../src/infra/db/roles.js'
import { applyMigrations } from '../src/infra/db/schema-engine.js'
import { withCredentials } from '../src/infra/db/setup.js'
import { resolveOwnerUrl } from '../scripts/database-url.js'
import { DASHBOARD_QUERY, dashboardRange, databaseUrl, freePort, meetingRequestBody, startApp } from './dashboard.js'

const SCHOOLS = Number(process.env.BENCH_MANY_SCHOOLS ?? 10_000)
const ROTATIONS = [10, 2000, SCHOOLS]
const CONTACTS_PER_STUDENT = 25
const DURATION = Number(process.env.BENCH_DURATION ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = 10
const PARTS = new Set((process.env.BENCH_MANY_PARTS ?? 'rotation,memory,rls').split(','))
const ISSUER = 'urn:vantage:bench'
const AUDIENCE = 'vantage-api'
const APP_ROLE = 'vantage_app_bench'
const APP_PASSWORD = 'vantage-bench'

/** 10,000 schools in a few statements: row-level security's FORCE is lifted for the owner meanwhile. */
async function seed(ownerUrl: string) {
  const admin = new pg.Client({ connectionString: ownerUrl })
  await admin.connect()
  await admin.query('DROP DATABASE IF EXISTS vantage_bench_many WITH (FORCE)')
  await admin.query('CREATE DATABASE vantage_bench_many')
  await admin.end()
  const url = databaseUrl(ownerUrl, 'vantage_bench_many')
  await applyMigrations(url)
  await ensureAppRole(url, APP_ROLE, APP_PASSWORD)
  const owner = new pg.Client({ connectionString: url })
  await owner.connect()
  await owner.query(`ALTER ROLE ${APP_ROLE} PASSWORD '${APP_PASSWORD}'`)
  const existing = (await owner.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relforcerowsecurity AND relkind = 'r' AND relnamespace = 'public'::regnamespace`)).rows.map((row) => row.relname)
  for (const table of existing) await owner.query(`ALTER TABLE "${table}" NO FORCE ROW LEVEL SECURITY`)
  const { rows: schools } = await owner.query<{ id: string }>(
    `INSERT INTO schools (id, slug, name, time_zone, updated_at)
     SELECT uuid_generate_v7(), 'many-' || n, 'Many University ' || n, 'America/New_York', now() FROM generate_series(1, $1) n
     RETURNING id::text`,
    [SCHOOLS],
  )
  await owner.query(
    `INSERT INTO members (school_id, id, external_id, roles, given_name, family_name, email, updated_at)
     SELECT s.id, uuid_generate_v7(), r.role || '-1', ARRAY[r.role]::member_role[], initcap(r.role), s.slug, r.role || '@' || s.slug || '.edu', now()
       FROM schools s CROSS JOIN (VALUES ('student'), ('advisor')) AS r(role)`,
  )
  await owner.query(
    `INSERT INTO contacts (school_id, id, student_id, full_name, title, organization, industry, source, updated_at)
     SELECT m.school_id, uuid_generate_v7(), m.id, 'Contact ' || j, 'Engineer', 'Acme', 'Energy', 'personal'::contact_source, now()
       FROM members m CROSS JOIN generate_series(1, $1) j WHERE m.external_id = 'student-1'`,
    [CONTACTS_PER_STUDENT],
  )
  const { rows: students } = await owner.query<{ school: string; contact: string }>(
    `SELECT m.school_id::text AS school, (SELECT c.id::text FROM contacts c WHERE c.school_id = m.school_id AND c.student_id = m.id ORDER BY c.id LIMIT 1) AS contact
       FROM members m WHERE m.external_id = 'student-1'`,
  )
  for (const table of existing) await owner.query(`ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`)
  await owner.query('VACUUM ANALYZE')
  await owner.end()
  // The copy without row-level security, for the RLS comparison.
  const admin2 = new pg.Client({ connectionString: ownerUrl })
  await admin2.connect()
  await admin2.query('DROP DATABASE IF EXISTS vantage_bench_many_norls WITH (FORCE)')
  await admin2.query('CREATE DATABASE vantage_bench_many_norls TEMPLATE vantage_bench_many')
  await admin2.end()
  const norls = new pg.Client({ connectionString: databaseUrl(ownerUrl, 'vantage_bench_many_norls') })
  await norls.connect()
  for (const table of existing) await norls.query(`ALTER TABLE "${table}" NO FORCE ROW LEVEL SECURITY; ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`)
  await norls.query('VACUUM ANALYZE')
  await norls.end()
  const contactOf = new Map(students.map((row) => [row.school, row.contact]))
  return { url, norlsUrl: databaseUrl(ownerUrl, 'vantage_bench_many_norls'), schools: schools.map((school) => ({ id: school.id, contact: contactOf.get(school.id)! })) }
}

interface Measurement {
  perSecond: number
  p99: number
  non2xx: number
  rssMb: number
}

async function residentMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024)
}

async function load(server: ChildProcess, options: { url: string; method?: 'GET' | 'POST'; tokens: string[]; bodies?: string[] }): Promise<Measurement> {
  let next = 0
  const result = await autocannon({
    url: options.url,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: options.method ?? 'GET',
        setupRequest: (request: { headers?: Record<string, string>; body?: string }) => {
          const index = next++ % options.tokens.length
          request.headers = { ...request.headers, authorization: `Bearer ${options.tokens[index]}` }
          if (options.bodies) {
            request.headers['content-type'] = 'application/json'
            request.body = options.bodies[index]
          }
          return request
        },
      },
    ],
  } as autocannon.Options)
  return { perSecond: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx + result.errors + result.timeouts, rssMb: await residentMb(server.pid!) }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const { url: ownerUrl, stop } = await resolveOwnerUrl()
let server: ChildProcess | undefined
const others: ChildProcess[] = []
try {
  const started = Date.now()
  console.error(`seeding ${SCHOOLS} schools ...`)
  const { url, norlsUrl, schools } = await seed(ownerUrl)
  console.error(`seeded in ${Date.now() - started} ms`)
  const jwk = await SigningKeys.generate()
  const keys = await SigningKeys.fromJwks([jwk])
  const sign = (school: string, subject: string) => keys.sign({ token_use: 'member', school }, { issuer: ISSUER, audience: AUDIENCE, subject, ttlSeconds: 7200 })
  const studentTokens = await Promise.all(schools.map((school) => sign(school.id, 'student-1')))
  const advisorTokens = await Promise.all(schools.map((school) => sign(school.id, 'advisor-1')))
  const slot = new Date(Date.now() + 14 * 86_400_000)
  const meetingBodies = schools.map((school) => meetingRequestBody(school.contact, slot))
  const dashboard = JSON.stringify({ query: DASHBOARD_QUERY, variables: dashboardRange() })

  const env = { ...process.env, BENCH_SIGNING_KEYS: JSON.stringify([jwk]) }
  const appUrl = withCredentials(url, APP_ROLE, APP_PASSWORD)
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const scenariosAt = (base: string) => [
    { name: 'GET /v1/me', url: `${base}/v1/me`, tokens: studentTokens },
    { name: 'GET /v1/contacts?limit=20', url: `${base}/v1/contacts?limit=20`, tokens: studentTokens },
    { name: 'POST /v1/meetings', url: `${base}/v1/meetings`, method: 'POST' as const, tokens: studentTokens, bodies: meetingBodies },
    { name: 'POST /graphql (dashboard, small school)', url: `${base}/graphql`, method: 'POST' as const, tokens: advisorTokens, bodies: advisorTokens.map(() => dashboard) },
  ]
  if (PARTS.has('rotation')) {
    server = await startApp(port, appUrl, env)
    const idleMb = await residentMb(server.pid!)
    const scenarios = scenariosAt(base).filter((scenario) => !process.env.BENCH_MANY_SCENARIO || scenario.name === process.env.BENCH_MANY_SCENARIO)
    const lines = [
      `| scenario | schools in rotation | req/s | p99 ms | non-2xx | RSS after, MB | ratio to 10 schools |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ]
    for (const scenario of scenarios) {
      console.error(`measuring ${scenario.name} ...`)
      // One request first: a scenario that cannot succeed says why instead of counting failures.
      const probe = await fetch(scenario.url, { method: scenario.method ?? 'GET', headers: { authorization: `Bearer ${scenario.tokens[0]}`, ...(scenario.bodies ? { 'content-type': 'application/json' } : {}) }, body: scenario.bodies?.[0] })
      if (probe.status >= 300) throw new Error(`${scenario.name} answers ${probe.status}: ${(await probe.text()).slice(0, 300)}`)
      const rotation = (size: number) => ({ ...scenario, tokens: scenario.tokens.slice(0, size), bodies: scenario.bodies?.slice(0, size) })
      for (const size of ROTATIONS) await load(server, rotation(size)) // warm-up of each
      const runs = new Map<number, Measurement[]>(ROTATIONS.map((size) => [size, []]))
      for (let round = 0; round < ROUNDS; round++) {
        for (const size of ROTATIONS) runs.get(size)!.push(await load(server, rotation(size)))
      }
      const few = median(runs.get(ROTATIONS[0]!)!.map((run) => run.perSecond))
      for (const size of ROTATIONS) {
        const measured = runs.get(size)!
        const perSecond = median(measured.map((run) => run.perSecond))
        lines.push(
          `| ${scenario.name} | ${Math.min(size, schools.length).toLocaleString('en')} | ${Math.round(perSecond)} | ${median(measured.map((run) => run.p99))} | ${measured.reduce((sum, run) => sum + run.non2xx, 0)} | ${Math.max(...measured.map((run) => run.rssMb))} | ${(perSecond / few).toFixed(2)} |`,
        )
      }
    }
    console.log(`\nidle RSS after start: ${idleMb} MB; ${DURATION} s rounds × ${ROUNDS}, ${CONNECTIONS} connections\n`)
    console.log(lines.join('\n'))
    server.kill('SIGINT')
    server = undefined
  }

  // Memory: a fresh server per rotation, each running every scenario twice.
  if (PARTS.has('memory')) {
    console.error('measuring memory per rotation ...')
    const memory: Array<{ size: number; idle: number; after: number }> = []
    for (const size of [ROTATIONS[0]!, ROTATIONS.at(-1)!]) {
      const freshPort = await freePort()
      const fresh = await startApp(freshPort, appUrl, env)
      others.push(fresh)
      const freshBase = `http://127.0.0.1:${freshPort}`
      const idle = await residentMb(fresh.pid!)
      for (let pass = 0; pass < 2; pass++) {
        for (const scenario of scenariosAt(freshBase)) await load(fresh, { ...scenario, tokens: scenario.tokens.slice(0, size), bodies: scenario.bodies?.slice(0, size) })
      }
      memory.push({ size, idle, after: await residentMb(fresh.pid!) })
      fresh.kill('SIGINT')
    }
    console.log('\n| schools in rotation | RSS idle, MB | RSS after every scenario twice, MB | above the 10-school server, MB |')
    console.log('| ---: | ---: | ---: | ---: |')
    for (const row of memory) console.log(`| ${row.size.toLocaleString('en')} | ${row.idle} | ${row.after} | ${row.after - memory[0]!.after} |`)
  }

  // Row-level security's cost with 2,000 schools in rotation: three servers side by side.
  if (PARTS.has('rls')) {
    console.error('measuring the cost of row-level security at 2,000 schools ...')
    const variants = [
      { name: 'RLS on, school set with the statement (the service)', url: appUrl, isolation: 'rls' },
      { name: 'RLS on, school set in a round trip of its own (before)', url: appUrl, isolation: 'rls-round-trip' },
      { name: 'RLS off (same endpoint, database copy without policies)', url: withCredentials(norlsUrl, APP_ROLE, APP_PASSWORD), isolation: 'none' },
    ]
    const servers = []
    for (const variant of variants) {
      const variantPort = await freePort()
      const child = await startApp(variantPort, variant.url, env, [], variant.isolation)
      others.push(child)
      servers.push({ ...variant, child, me: `http://127.0.0.1:${variantPort}/v1/me` })
    }
    const rlsRotation = Math.min(2000, schools.length)
    const rlsRuns = servers.map(() => [] as Measurement[])
    for (const entry of servers) await load(entry.child, { url: entry.me, tokens: studentTokens.slice(0, rlsRotation) })
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, entry] of servers.entries()) rlsRuns[index]!.push(await load(entry.child, { url: entry.me, tokens: studentTokens.slice(0, rlsRotation) }))
    }
    const off = median(rlsRuns[2]!.map((run) => run.perSecond))
    console.log(`\nGET /v1/me, ${rlsRotation.toLocaleString('en')} schools in rotation, servers side by side in alternating rounds\n`)
    console.log('| server | req/s | p99 ms | non-2xx | ratio to RLS off |')
    console.log('| --- | ---: | ---: | ---: | ---: |')
    for (const [index, entry] of servers.entries()) {
      const runs = rlsRuns[index]!
      const perSecond = median(runs.map((run) => run.perSecond))
      console.log(`| ${entry.name} | ${Math.round(perSecond)} | ${median(runs.map((run) => run.p99))} | ${runs.reduce((sum, run) => sum + run.non2xx, 0)} | ${(perSecond / off).toFixed(2)} |`)
    }
  }
} finally {
  server?.kill('SIGINT')
  for (const child of others) child.kill('SIGINT')
  await stop()
}
