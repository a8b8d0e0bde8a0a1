// The matching module's cache of candidate hosts per school (suggestions.ts, CandidateCache), and
// what drops a school's entry: a write through this instance that may change a host's profile or
// load (hosts, host requests, programmes, meetings). Other instances see such a change once their
// entry expires (SUGGESTION_CACHE_TTL_MS); requests and accepts always check the host's ledger exactly.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CandidateCache } from './suggestions.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Candidate hosts per school, kept briefly for suggestions. */
    suggestionCandidates: CandidateCache
  }
}

const CHANGES_CANDIDATES = /^\/v1\/(hosts|host-requests|programs|meetings)/

export default fp(
  async function matchingCache(app: FastifyInstance) {
    app.decorate('suggestionCandidates', new CandidateCache(app.config.suggestionCacheTtlMs))
    app.addHook('onResponse', async (request, reply) => {
      if (request.method === 'GET' || reply.statusCode >= 400 || !CHANGES_CANDIDATES.test(request.url)) return
      const schoolId = request.principal?.schoolId
      if (schoolId) app.suggestionCandidates.invalidate(schoolId)
    })
  },
  { name: 'matching-cache' },
)
