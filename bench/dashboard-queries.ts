// Times each statement of the reporting dashboard on its own, for the largest school of the
// database `npm run bench` leaves behind (vantage_bench; of the schools tied for most meetings, the one
// with the alumni hosts, as the bench's dashboard scenario): 15 runs each, median and minimum.
// Usage: npx tsx bench/dashboard-queries.ts
//   ONLY=perspectives,engagement   time only these
//   EXPLAIN=1                      print each statement's EXPLAIN (ANALYZE, BUFFERS) after timing it
//   DUMP=perspectives,engagement   write each as /tmp/<name>.sql with its values inlined, for pgbench:
//                                  pgbench -n -f /tmp/engagement.sql -t 300 <app role URL>
import { effectiveSettings } from '../src/modules/schools/settings.js'
import { writeFileSync } from 'node:fs'
import pg from 'pg'
import type { Prisma } from '../src/generated/prisma/client.js'
import type { Db, Tenant } from '../src/infra/db/database.js'
import { overdueThankYousPage, waitingRequestsPage } from '../src/modules/reports/lists.js'
import { alumniEngagement, funnel, meetingsOverTime, networkGrowth, perspectives } from '../src/modules/reports/metrics.js'
import { reportScope } from '../src/modules/reports/scope.js'
import { dashboardRange, largestSchool } from './dashboard.js'

const appUrl = process.env.BENCH_APP_URL ?? 'postgresql://vantage_app_bench:vantage-bench@127.0.0.1:5432/vantage_bench'
const ownerUrl = process.env.BENCH_OWNER_URL ?? 'postgresql://postgres@127.0.0.1:5432/vantage_bench'

const owner = new pg.Client({ connectionString: ownerUrl })
await owner.connect()
const school = await largestSchool(owner)
await owner.end()

const client = new pg.Client({ connectionString: appUrl })
await client.connect()
await client.query("SELECT set_config('app.school_id', $1, false)", [school.id])
let sent: Prisma.Sql[] = []
const sql = async <T>(query: Prisma.Sql) => {
  sent.push(query)
  return (await client.query(query.text, query.values)).rows as T[]
}
const tenant: Tenant = { schoolId: school.id, db: {} as Db, sql }
const scope = await reportScope(tenant, { timeZone: school.time_zone, settings: effectiveSettings(school.settings) }, dashboardRange(), new Date())

const statements: Record<string, () => Promise<unknown>> = {
  funnel: () => funnel(scope),
  meetingsOverTime: () => meetingsOverTime(scope, 'week'),
  perspectives: () => perspectives(scope),
  networkGrowth: () => networkGrowth(scope),
  engagement: () => alumniEngagement(scope),
  overdue: () => overdueThankYousPage(scope, 10),
  waiting: () => waitingRequestsPage(scope, 10),
}
const only = process.env.ONLY?.split(',')
for (const [name, run] of Object.entries(statements)) {
  if (only && !only.includes(name)) continue
  const times: number[] = []
  for (let i = 0; i < 15; i++) {
    sent = []
    const started = performance.now()
    await run()
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  console.log(`${name.padEnd(18)} median ${times[7]!.toFixed(2)} ms, min ${times[0]!.toFixed(2)} ms`)
  if (process.env.EXPLAIN) {
    for (const query of sent) {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query.text}`, query.values)
      console.log(rows.map((row) => row['QUERY PLAN']).join('\n'))
    }
  }
}
for (const name of process.env.DUMP?.split(',') ?? []) {
  sent = []
  await statements[name]!()
  const query = sent.at(-1)!
  const literal = (value: unknown) =>
    value instanceof Date ? `'${value.toISOString()}'::timestamptz`
      : Array.isArray(value) ? `ARRAY[${value.map((item) => `'${item}'`).join(',')}]`
        : typeof value === 'number' ? String(value) : `'${String(value).replaceAll("'", "''")}'`
  const text = query.text.replace(/\$(\d+)(?!\d)/g, (_, index: string) => literal(query.values[Number(index) - 1]))
  writeFileSync(`/tmp/${name}.sql`, `SELECT set_config('app.school_id', '${school.id}', false);\n${text};\n`)
  console.log(`wrote /tmp/${name}.sql`)
}
await client.end()
