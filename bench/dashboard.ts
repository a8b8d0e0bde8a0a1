// The reporting dashboard (docs/dashboard.graphql) under load: p50 and p95 at 8 connections, against
// the same SQL run through raw pg (POST /bench/raw/dashboard), alternating rounds. And tenant-local
// cost: one school's dashboard while the other schools' data grows from 1x to 10x, in a database
// of its own.
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import pg from 'pg'
import type { SigningKeys } from '../src/infra/auth/signing-keys.js'
import { ensureAppRole } from '../src/infra/db/roles.js'
import { applyMigrations } from '../src/infra/db/schema-engine.js'
import { withCredentials } from '../src/infra/db/setup.js'
import { compactReports, seedConversations, seedStudents } from './seed.js'

export const DASHBOARD_QUERY = readFileSync('docs/dashboard.graphql', 'utf8')
export const DASHBOARD_CONNECTIONS = 8

/** A term around the bench's data (its meetings lie within three weeks of now). */
export function dashboardRange(now = new Date()) {
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10)
  return { from: day(-120), to: day(60) }
}

export interface Latency {
  requests: number
  perSecond: number
  p50: number
  p95: number
  p99: number
  errors: number
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

/**
 * Our own closed-loop driver (autocannon reports no p95): `connections` workers each send the next
 * request when the previous answers, for `seconds`; every latency is kept.
 */
export async function drive(url: string, token: string, body: string, seconds: number, connections = DASHBOARD_CONNECTIONS): Promise<Latency> {
  const latencies: number[] = []
  let errors = 0
  const deadline = performance.now() + seconds * 1000
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < deadline) {
      const started = performance.now()
      const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body })
      const text = await response.text()
      latencies.push(performance.now() - started)
      if (response.status !== 200 || text.includes('"errors"')) errors++
    }
  }))
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

export function summarize(runs: Latency[]): Latency {
  return {
    requests: runs.reduce((sum, run) => sum + run.requests, 0),
    perSecond: median(runs.map((run) => run.perSecond)),
    p50: median(runs.map((run) => run.p50)),
    p95: median(runs.map((run) => run.p95)),
    p99: median(runs.map((run) => run.p99)),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
  }
}

/** The dashboard through GraphQL and the same SQL through raw pg, one warm-up each, then alternating rounds. */
export async function dashboardPair(port: number, token: string, rounds: number, seconds: number) {
  const body = JSON.stringify({ query: DASHBOARD_QUERY, variables: dashboardRange() })
  const graphql = `http://127.0.0.1:${port}/graphql`
  const raw = `http://127.0.0.1:${port}/bench/raw/dashboard`
  await drive(graphql, token, body, 2)
  await drive(raw, token, body, 2)
  const targets: Latency[] = []
  const baselines: Latency[] = []
  for (let round = 0; round < rounds; round++) {
    targets.push(await drive(graphql, token, body, seconds))
    baselines.push(await drive(raw, token, body, seconds))
  }
  return { target: summarize(targets), baseline: summarize(baselines) }
}

/** The same server's URL for another database. */
/** The body of the benchmarks' POST /v1/meetings: an interview request for one 45-minute slot two weeks ahead. */
export function meetingRequestBody(contactId: string, slotStart = new Date(Date.now() + 14 * 86_400_000)): string {
  return JSON.stringify({
    contactId,
    kind: 'informational_interview',
    purpose: 'I would like to learn about your work; I am not looking for a job.',
    mode: 'video',
    location: 'https://meet.example/bench',
    proposedSlots: [{ startsAt: slotStart.toISOString(), endsAt: new Date(slotStart.getTime() + 45 * 60_000).toISOString() }],
  })
}

export function databaseUrl(base: string, name: string) {
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

/** A port free on the loopback now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/**
 * The service (bench/server.ts) in a process of its own, resolved once it listens; `nodeOptions` go to
 * that process's node; `isolation` is the Database's tenantIsolation (database.ts).
 */
export function startApp(port: number, url: string, env: NodeJS.ProcessEnv, nodeOptions: string[] = [], isolation = 'rls'): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork('bench/server.ts', ['app', String(port), url, isolation], { execArgv: ['--import', 'tsx', ...nodeOptions], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    child.once('message', () => resolve(child))
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
  })
}

/**
 * The school the dashboard scenario measures, in the database `npm run bench` leaves behind: of the
 * schools tied for most meetings, the one with the alumni hosts and their requests.
 */
export async function largestSchool(owner: pg.Client): Promise<{ id: string; time_zone: string; settings: unknown }> {
  const { rows: [school] } = await owner.query<{ id: string; time_zone: string; settings: unknown }>(
    `SELECT s.id::text, s.time_zone, s.settings FROM schools s JOIN meetings m ON m.school_id = s.id GROUP BY s.id
      ORDER BY count(*) DESC, (SELECT count(*) FROM host_requests r WHERE r.school_id = s.id) DESC LIMIT 1`)
  return school!
}

const GROWTH_SCHOOLS = 20
const GROWTH_MEMBERS = 2000
const GROWTH_MEETINGS_PER_STUDENT = 5

/**
 * Tenant-local cost: a school of 2,000 members (9,000 meetings) among 20 others like it, measured;
 * then the others grow tenfold (each student gets ten times the meetings) and it is measured again.
 */
export async function benchGrowth(options: {
  ownerUrl: string
  appRole: string
  appPassword: string
  keys: SigningKeys
  issuer: string
  audience: string
  env: NodeJS.ProcessEnv
  rounds: number
  seconds: number
  log: (line: string) => void
}) {
  const { ownerUrl, log } = options
  const admin = new pg.Client({ connectionString: ownerUrl })
  await admin.connect()
  await admin.query('DROP DATABASE IF EXISTS vantage_bench_growth WITH (FORCE)')
  await admin.query('CREATE DATABASE vantage_bench_growth')
  await admin.end()
  const url = new URL(ownerUrl)
  url.pathname = '/vantage_bench_growth'
  await applyMigrations(url.toString())
  await ensureAppRole(url.toString(), options.appRole, options.appPassword)
  const owner = new pg.Client({ connectionString: url.toString() })
  await owner.connect()
  const { rows: schools } = await owner.query<{ id: string }>(
    `INSERT INTO schools (id, slug, name, time_zone, updated_at)
     SELECT uuid_generate_v7(), 'growth-' || n, 'Growth University ' || n, 'America/New_York', now() FROM generate_series(0, $1) n
     RETURNING id::text`,
    [GROWTH_SCHOOLS],
  )
  const [target, ...others] = schools.map((school) => school.id)
  for (const id of [target!, ...others]) {
    await owner.query('BEGIN')
    await owner.query("SELECT set_config('app.school_id', $1, true)", [id])
    await seedStudents(owner, id, GROWTH_MEMBERS)
    await seedConversations(owner, id, GROWTH_MEETINGS_PER_STUDENT)
    await owner.query('COMMIT')
    await compactReports(owner, id)
  }
  await owner.query('VACUUM ANALYZE')
  const token = await options.keys.sign({ token_use: 'member', school: target }, { issuer: options.issuer, audience: options.audience, subject: 'm-1', ttlSeconds: 3600 })
  const meetings = async () => (await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM meetings')).rows[0]!.n
  const measure = async () => {
    const port = await freePort()
    const app = await startApp(port, withCredentials(url.toString(), options.appRole, options.appPassword), options.env)
    try {
      return await dashboardPair(port, token, options.rounds, options.seconds)
    } finally {
      app.kill('SIGTERM')
    }
  }
  const before = { meetings: await meetings(), ...(await measure()) }
  log(`growth: 1x measured (${before.meetings} meetings in all), growing the other schools tenfold ...`)
  for (const id of others) {
    await owner.query('BEGIN')
    await owner.query("SELECT set_config('app.school_id', $1, true)", [id])
    await seedConversations(owner, id, GROWTH_MEETINGS_PER_STUDENT * 9, GROWTH_MEETINGS_PER_STUDENT + 1)
    await owner.query('COMMIT')
    await compactReports(owner, id)
  }
  await owner.query('VACUUM ANALYZE')
  const after = { meetings: await meetings(), ...(await measure()) }
  await owner.end()
  return { before, after }
}
