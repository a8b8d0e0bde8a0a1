// Closing waits for every request in progress, also one whose client went away. Fastify's close()
// waits for open connections only: a request whose client left (a timeout, a reset) has none, yet its
// handler runs on, and would then reach pools that main.ts has meanwhile closed ("Cannot use a pool
// after calling end on the pool"), or add to a batched write that was already flushed. So close()
// first waits here, in preClose, while new requests already answer 503, until every request has
// handed its answer to Node, whether or not anyone is left to read it; only then do the listener,
// the job runner and the batched writes close (onClose), and after them the pools.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Problem } from './problem.js'
import { sendProblem } from './errors.js'

export default fp(
  async function drain(app: FastifyInstance) {
    let closing = false
    let inProgress = 0
    let drained: (() => void) | null = null
    // A callback hook, not an async one: it runs on every request, and this is the cheaper kind.
    app.addHook('onRequest', (_request, reply, done) => {
      // A request arriving on a kept-alive connection once close() has begun is refused at once.
      if (closing) {
        sendProblem(reply, new Problem('service-unavailable', 'The service is shutting down', { headers: { 'retry-after': '5' } }))
        return
      }
      inProgress++
      let finished = false
      const finish = () => {
        if (finished) return
        finished = true
        if (--inProgress === 0) drained?.()
      }
      // 'prefinish': the answer is ended (also with no client left); 'pipe': a stream starts feeding it,
      // and the rest of a stream's work ends with its connection, which close() waits for.
      reply.raw.once('prefinish', finish)
      reply.raw.once('pipe', finish)
      done()
    })
    app.addHook('preClose', async () => {
      closing = true
      if (inProgress) await new Promise<void>((resolve) => (drained = resolve))
    })
  },
  { name: 'drain' },
)
