// GET /metrics in the Prometheus text format (prom-client): request rate and latency per route
// (the route's pattern, never its ids), error answers per route and status, the database pools, the
// job queue's depth per task, and webhook delivery outcomes, plus Node's own process metrics. Served
// only when METRICS_TOKEN is set, to a scraper that sends it as a bearer token (404 otherwise, so an
// instance without it does not advertise the endpoint).
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { Problem } from './problem.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: { registry: Registry; webhookDeliveries: Counter<'outcome'> }
  }
}

export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed' | 'gone'

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export default fp(
  async function metrics(app: FastifyInstance, options: { token?: string }) {
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    const labelNames = ['method', 'route', 'status_code'] as const
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer a request, by route pattern and status',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    })
    const errors = new Counter({ name: 'http_request_errors_total', help: 'Requests answered with a 4xx or 5xx status, by route pattern and status', labelNames, registers: [registry] })
    const webhookDeliveries = new Counter({
      name: 'vantage_webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts by outcome: succeeded, retrying (failed, retry scheduled), failed (no retries left), gone (410: subscription disabled)',
      labelNames: ['outcome'],
      registers: [registry],
    })
    const pools = { school: app.database.pool, platform: app.database.platformPool }
    new Gauge({
      name: 'vantage_db_pool_connections',
      help: 'Database connections of the service\'s pools, by pool and state (total, idle, and callers waiting for one)',
      labelNames: ['pool', 'state'],
      registers: [registry],
      collect() {
        for (const [pool, { totalCount, idleCount, waitingCount }] of Object.entries(pools)) {
          this.set({ pool, state: 'total' }, totalCount)
          this.set({ pool, state: 'idle' }, idleCount)
          this.set({ pool, state: 'waiting' }, waitingCount)
        }
      },
    })
    new Gauge({
      name: 'vantage_queue_jobs',
      help: 'Jobs in the queue by task and state: ready (due, not taken), scheduled (due later), running, failing (awaiting a retry after an error)',
      labelNames: ['task', 'state'],
      registers: [registry],
      async collect() {
        this.reset()
        const { rows } = await app.database.pool.query<{ task: string; ready: number; scheduled: number; running: number; failing: number }>(`
          SELECT t.identifier AS task,
                 count(*) FILTER (WHERE j.locked_at IS NULL AND j.run_at <= now() AND j.attempts = 0)::int AS ready,
                 count(*) FILTER (WHERE j.locked_at IS NULL AND j.run_at > now() AND j.attempts = 0)::int AS scheduled,
                 count(*) FILTER (WHERE j.locked_at IS NOT NULL)::int AS running,
                 count(*) FILTER (WHERE j.locked_at IS NULL AND j.attempts > 0)::int AS failing
            FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
           GROUP BY t.identifier`).catch(() => ({ rows: [] }))
        for (const row of rows) for (const state of ['ready', 'scheduled', 'running', 'failing'] as const) this.set({ task: row.task, state }, row[state])
      },
    })
    app.decorate('metrics', { registry, webhookDeliveries })

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched'
      if (route === '/metrics') return
      const labels = { method: request.method, route, status_code: String(reply.statusCode) }
      duration.observe(labels, reply.elapsedTime / 1000)
      if (reply.statusCode >= 400) errors.inc(labels)
    })

    app.get('/metrics', {
      config: { public: true },
      schema: {
        operationId: 'getMetrics',
        tags: ['operations'],
        summary: 'Prometheus metrics, for a scraper that sends METRICS_TOKEN as a bearer token (404 when METRICS_TOKEN is not set)',
        security: [{ bearer: [] }],
        produces: ['text/plain'],
        response: {
          200: { description: 'The Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string', maxLength: 10_000_000 } } } },
        },
      },
      handler: async (request, reply) => {
        if (!options.token) throw new Problem('not-found', 'No such resource')
        const sent = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1]
        if (!sent || !sameToken(sent, options.token)) {
          throw new Problem('credentials-missing', 'Send METRICS_TOKEN as a bearer token', { headers: { 'www-authenticate': 'Bearer realm="metrics"' } })
        }
        return reply.type(registry.contentType).send(await registry.metrics())
      },
    })
  },
  { name: 'metrics' },
)
