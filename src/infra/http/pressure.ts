// Back-pressure (@fastify/under-pressure): when the event loop lags past
// PRESSURE_MAX_EVENT_LOOP_DELAY_MS or is busier than PRESSURE_MAX_EVENT_LOOP_UTILIZATION, requests are
// answered 503 problem+json with Retry-After at once, instead of queueing behind the work already
// there; load balancers and clients back off and the instance catches up. Liveness still answers
// (a busy instance is not a dead one); readiness answers 503 like the rest, so traffic moves away.
// The first PRESSURE_GRACE_AFTER_READY_MS after start-up are not judged (start-up is not load).
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Problem } from './problem.js'

export const PRESSURE_RETRY_AFTER_SECONDS = 5
/**
 * Start-up (migrations, building the schema) blocks the loop for a while before the first request;
 * that delay is not load, so it is not held against the first requests after ready.
 */
export const PRESSURE_GRACE_AFTER_READY_MS = 2000

export default fp(
  async function pressure(app: FastifyInstance, options: { maxEventLoopDelayMs: number; maxEventLoopUtilization: number }) {
    let judgedFrom = Number.POSITIVE_INFINITY
    app.addHook('onReady', async () => {
      judgedFrom = Date.now() + PRESSURE_GRACE_AFTER_READY_MS
    })
    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      maxEventLoopUtilization: options.maxEventLoopUtilization,
      pressureHandler: (request, reply, type, value) => {
        if (request.url === '/health/live' || Date.now() < judgedFrom) return
        const problem = new Problem('service-unavailable', `The service is overloaded (${type}: ${Math.round(Number(value) * 1000) / 1000}); retry in ${PRESSURE_RETRY_AFTER_SECONDS} seconds`)
        request.log.warn({ type, value }, 'under pressure: request refused')
        reply.code(503).header('retry-after', String(PRESSURE_RETRY_AFTER_SECONDS)).type('application/problem+json').send(problem.toBody(request.url))
      },
    })
  },
  { name: 'pressure' },
)
