// PostgreSQL text cannot hold the NUL character, and a string with one would reach the database
// only to fail there (a 500). Every request's body, query and path are checked for it up front.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Problem } from './problem.js'

function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined
  if (!value || typeof value !== 'object' || depth > 32) return undefined
  for (const [key, item] of Object.entries(value)) {
    const found = (key.includes('\u0000') && `${path}.${key}`) || findNul(item, `${path}.${key}`, depth + 1)
    if (found) return found
  }
  return undefined
}

export default fp(
  async function textInputPlugin(app: FastifyInstance) {
    app.addHook('preValidation', async (request) => {
      const field = findNul(request.params, 'params') ?? findNul(request.query, 'querystring') ?? findNul(request.body, 'body')
      if (field) {
        throw new Problem('validation-failed', 'Text may not contain the NUL character', {
          extensions: { errors: [{ field, message: 'must not contain the NUL character (\\u0000)' }] },
        })
      }
    })
  },
  { name: 'text-input' },
)
