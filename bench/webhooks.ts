// Webhook delivery, end to end: a local receiver (in this process), one school subscribed to it, and
// a server of the service running the queue's workers (JOBS_CONCURRENCY 8).
// 1. Throughput: a backlog of events is written while no worker runs; a server with workers then
//    drains it; deliveries per second from the first arrival to the last.
// 2. Latency: events written at a steady rate while the workers run; from the change (the payload's
//    timestamp, the transaction's time) to the receiver's arrival, p50 and p99.
// The baseline: plain POSTs of a payload of the same size to the same receiver (autocannon, 8
// connections): the receiver's and the loopback's own ceiling.
import type { ChildProcess } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import autocannon from 'autocannon'
import pg from 'pg'

const BACKLOG = Number(process.env.BENCH_WEBHOOK_BACKLOG ?? 3000)
const STEADY_RATE = 50
const STEADY_SECONDS = 10

export interface WebhookDeliveryResult {
  backlog: number
  perSecond: number
  baselinePerSecond: number
  p50: number
  p99: number
  steadyRate: number
  errors: number
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

export async function benchWebhookDelivery(options: {
  benchUrl: string
  appUrl: string
  env: NodeJS.ProcessEnv
  schoolId: string
  start: (args: string[], env: NodeJS.ProcessEnv) => Promise<ChildProcess>
  freePort: () => Promise<number>
}): Promise<WebhookDeliveryResult> {
  const arrivals: Array<{ at: number; phase: string; occurred: number }> = []
  let sample = ''
  const receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      if (request.headers['webhook-id']) {
        sample ||= body
        const payload = JSON.parse(body) as { timestamp: string; data: { phase: string } }
        arrivals.push({ at: Date.now(), phase: payload.data.phase, occurred: Date.parse(payload.timestamp) })
      }
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const receiverPort = (receiver.address() as AddressInfo).port

  const owner = new pg.Client({ connectionString: options.benchUrl })
  await owner.connect()
  await owner.query("SELECT set_config('app.school_id', $1, false)", [options.schoolId])
  const { rows: [subscription] } = await owner.query<{ id: string }>(
    `INSERT INTO webhook_subscriptions (school_id, id, url, event_types, secret, updated_at)
     VALUES ($1, gen_random_uuid(), $2, ARRAY['meeting.requested'], 'whsec_' || encode(sha256(gen_random_uuid()::text::bytea), 'base64'), now()) RETURNING id::text`,
    [options.schoolId, `http://127.0.0.1:${receiverPort}/events`],
  )
  const emit = (count: number, phase: string) =>
    owner.query(
      `SELECT count(webhook_emit($1::uuid, 'meeting.requested', gen_random_uuid(), jsonb_build_object('meetingId', gen_random_uuid(), 'phase', $2::text))) FROM generate_series(1, $3::int)`,
      [options.schoolId, phase, count],
    )
  let child: ChildProcess | undefined
  try {
    await emit(BACKLOG, 'backlog')
    const port = await options.freePort()
    child = await options.start(['app', String(port), options.appUrl, 'rls'], { ...options.env, BENCH_JOBS: 'true', BENCH_JOBS_CONCURRENCY: '8' })
    const deadline = Date.now() + 300_000
    while (arrivals.filter((arrival) => arrival.phase === 'backlog').length < BACKLOG && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    const backlog = arrivals.filter((arrival) => arrival.phase === 'backlog')
    const perSecond = (backlog.length - 1) / ((backlog.at(-1)!.at - backlog[0]!.at) / 1000)

    for (let second = 0; second < STEADY_SECONDS; second++) {
      const tick = Date.now()
      for (let i = 0; i < STEADY_RATE / 10; i++) {
        await emit(10, 'steady')
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, tick + ((i + 1) * 1000) / (STEADY_RATE / 10) - Date.now())))
      }
    }
    const wanted = STEADY_RATE * STEADY_SECONDS
    while (arrivals.filter((arrival) => arrival.phase === 'steady').length < wanted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    const latencies = arrivals.filter((arrival) => arrival.phase === 'steady').map((arrival) => arrival.at - arrival.occurred).sort((a, b) => a - b)

    const baseline = await autocannon({
      url: `http://127.0.0.1:${receiverPort}/baseline`,
      connections: 8,
      duration: 5,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: sample,
    })
    const { rows: [failed] } = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1 AND status <> 'succeeded'`, [subscription!.id])
    return {
      backlog: BACKLOG,
      perSecond,
      baselinePerSecond: baseline.requests.average,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      steadyRate: STEADY_RATE,
      errors: failed!.n + (backlog.length < BACKLOG ? BACKLOG - backlog.length : 0) + (latencies.length < wanted ? wanted - latencies.length : 0),
    }
  } finally {
    child?.kill('SIGTERM')
    await owner.query('DELETE FROM webhook_subscriptions WHERE school_id = $1 AND id = $2', [options.schoolId, subscription!.id]).catch(() => {})
    await owner.end()
    await new Promise((resolve) => receiver.close(resolve))
  }
}
