// Request rate limits (@fastify/rate-limit), counted after authentication: per integration client,
// else per school, so that one school at its limit does not hold back another; unauthenticated
// requests count per client address. Every response carries the x-ratelimit-* headers, and a caller
// over the limit gets 429 problem+json with Retry-After.
//
// Refused bearer tokens are counted apart, per client address (AUTH_FAILURES_PER_MINUTE): a token
// is checked before the limit above can apply (it names whom to count), and checking a forged one
// can cost a lookup of its issuer. An address past that limit is answered 429 before its token is
// read, so a flood of forged tokens costs a lookup in memory each.
import rateLimit from '@fastify/rate-limit'
import { Redis } from 'ioredis'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Problem } from './problem.js'

export function rateLimitKey(request: FastifyRequest): string {
  const principal = request.principal
  if (principal?.kind === 'client') return `client:${principal.schoolId}:${principal.subject}`
  if (principal?.schoolId) return `school:${principal.schoolId}`
  if (principal) return `platform:${principal.subject}`
  return `ip:${request.ip}`
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Refused bearer tokens per client address (the auth hook asks before and tells after checking). */
    authFailures?: {
      /** Seconds until the address may try again, or 0 while it is under the limit. */
      retryAfter(request: FastifyRequest): number
      record(request: FastifyRequest): Promise<void>
    }
  }
}

export default fp(
  async function rateLimitPlugin(app: FastifyInstance, options: { perMinute: number; authFailuresPerMinute: number; redisUrl?: string }) {
    // With REDIS_URL, every instance counts in the same Redis, so a school's limit holds across
    // instances. A Redis that does not answer within 500 ms lets the request through (skipOnError):
    // limits protect the service, and an outage of Redis should not take the API down with it.
    const redis = options.redisUrl
      ? new Redis(options.redisUrl, { connectTimeout: 500, commandTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: false })
      : undefined
    redis?.on('error', (error) => app.log.warn({ err: error }, 'rate-limit store unavailable'))
    if (redis) app.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())))
    await app.register(rateLimit, {
      global: true,
      ...(redis ? { redis, skipOnError: true, nameSpace: 'vantage-rate-limit:' } : {}),
      hook: 'preHandler',
      max: options.perMinute,
      timeWindow: 60_000,
      // The in-memory store's keys (one per school, client or address) are kept in an LRU of this
      // size; past it the coldest key's count restarts. Sized for 10,000 active schools and their clients.
      cache: 20_000,
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_request, context) =>
        new Problem('rate-limited', `At most ${context.max} requests a minute; retry in ${context.after}`),
    })
    // Failures are counted in the shared store (Redis, when set), so every instance's count together;
    // an address found over the limit is remembered here until its window ends, so the check before
    // each token is a lookup in memory, not a round trip.
    const failures = app.createRateLimit({ max: options.authFailuresPerMinute, timeWindow: 60_000, keyGenerator: (request) => `auth-failed:${request.ip}` })
    const blockedUntil = new Map<string, number>()
    app.decorate('authFailures', {
      retryAfter: (request: FastifyRequest) => {
        const until = blockedUntil.get(request.ip)
        if (until === undefined) return 0
        const left = until - Date.now()
        if (left > 0) return Math.ceil(left / 1000)
        blockedUntil.delete(request.ip)
        return 0
      },
      record: async (request: FastifyRequest) => {
        const state = await failures(request).catch(() => null)
        if (!state || state.isAllowed || state.remaining > 0) return
        // Bounded like the store's own cache: past it the oldest address is forgotten first.
        if (blockedUntil.size >= 20_000) blockedUntil.delete(blockedUntil.keys().next().value!)
        blockedUntil.set(request.ip, Date.now() + Math.max(1_000, state.ttl))
      },
    })
  },
  { name: 'rate-limit', dependencies: ['auth'] },
)
