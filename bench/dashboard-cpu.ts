// Where a dashboard's time goes: drives docs/dashboard.graphql (and the raw-SQL baseline route) for
// the largest school of the database `npm run bench` leaves behind (vantage_bench), at 8 connections,
// and divides the CPU time the machine spent among PostgreSQL's processes, the server and this
// driver, per request. Reads /proc, so Linux only; the database must be on this machine.
// Usage: npx tsx bench/dashboard-cpu.ts            (SECONDS=10, ROUTE=graphql|raw|both, JIT=0 for graphql-js alone,
//        PROFILE=<dir>: the server writes a V8 CPU profile there when it stops)
import { readdirSync, readFileSync } from 'node:fs'
import pg from 'pg'
import { SigningKeys } from '../src/infra/auth/signing-keys.js'
import { DASHBOARD_QUERY, dashboardRange, drive, freePort, largestSchool, startApp } from './dashboard.js'

const appUrl = process.env.BENCH_APP_URL ?? 'postgresql://vantage_app_bench:vantage-bench@127.0.0.1:5432/vantage_bench'
const ownerUrl = process.env.BENCH_OWNER_URL ?? 'postgresql://postgres@127.0.0.1:5432/vantage_bench'
const seconds = Number(process.env.SECONDS ?? 10)
const routes = process.env.ROUTE === 'both' || !process.env.ROUTE ? ['graphql', 'raw'] : [process.env.ROUTE]

const ticks = 100 // USER_HZ: /proc reports CPU time in hundredths of a second on Linux
function cpuOf(pid: number | 'self'): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / ticks
  } catch {
    return 0
  }
}
function postgresCpu(): number {
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuOf(Number(entry))
    } catch { /* gone meanwhile */ }
  }
  return total
}

const owner = new pg.Client({ connectionString: ownerUrl })
await owner.connect()
const school = await largestSchool(owner)
await owner.end()

const jwk = await SigningKeys.generate()
const keys = await SigningKeys.fromJwks([jwk])
const token = await keys.sign({ token_use: 'member', school: school.id }, { issuer: 'urn:vantage:bench', audience: 'vantage-api', subject: 'm-1', ttlSeconds: 3600 })
const port = await freePort()
const env = { ...process.env, BENCH_SIGNING_KEYS: JSON.stringify([jwk]), ...(process.env.JIT ? { BENCH_GRAPHQL_JIT: process.env.JIT } : {}) }
const profile = process.env.PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE}`] : []
const server = await startApp(port, appUrl, env, profile)

const body = JSON.stringify({ query: DASHBOARD_QUERY, variables: dashboardRange() })
for (const route of routes) {
  const url = `http://127.0.0.1:${port}${route === 'graphql' ? '/graphql' : '/bench/raw/dashboard'}`
  await drive(url, token, body, 2)
  const before = { pg: postgresCpu(), server: cpuOf(server.pid!), driver: cpuOf('self') }
  const result = await drive(url, token, body, seconds)
  const after = { pg: postgresCpu(), server: cpuOf(server.pid!), driver: cpuOf('self') }
  const per = (key: keyof typeof before) => (((after[key] - before[key]) * 1000) / result.requests).toFixed(2)
  console.log(
    `${route.padEnd(8)} ${result.perSecond.toFixed(1)} req/s, p50 ${result.p50.toFixed(0)} ms, p95 ${result.p95.toFixed(0)} ms, errors ${result.errors}; ` +
      `CPU ms per request: postgres ${per('pg')}, server ${per('server')}, driver ${per('driver')}`,
  )
}
// SIGINT: the server exits cleanly, so a CPU profile is written.
server.kill(profile.length ? 'SIGINT' : 'SIGTERM')
