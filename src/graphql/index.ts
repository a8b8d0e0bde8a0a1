// GraphQL at /graphql (mercurius). The context carries the caller resolved by the same
// authentication as REST; `report` checks roles itself (reports.ts). GraphiQL (graphiql.ts) is served
// outside production, and in production when GRAPHIQL_ENABLED is set; introspection is off in
// production unless GraphiQL is on; batched queries are refused, and every query's
// depth and estimated cost (cost.ts) are checked before it runs. A query is parsed whole before
// those checks, so its body (GRAPHQL_BODY_LIMIT_BYTES) and its tokens (GRAPHQL_MAX_TOKENS) are
// bounded first; past either, the answer is REST's problem+json, as the request never reached GraphQL.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import mercurius, { type MercuriusContext } from 'mercurius'
import graphiql from './graphiql.js'
import type { Config } from '../config.js'
import type { Principal } from '../infra/auth/principal.js'
import { sendProblem, toProblem } from '../infra/http/errors.js'
import { Problem } from '../infra/http/problem.js'
import { describeCaller } from '../modules/me/service.js'
import { checkCost } from './cost.js'
import { graphqlJs } from './graphql-js.js'
import { reportResolvers } from './reports.js'
import { typeDefs } from './schema.js'

const { GraphQLError, NoSchemaIntrospectionCustomRule } = graphqlJs

/**
 * Parsed and validated documents kept per source text (mercurius' LRU; as many again for documents
 * that failed validation). An entry holds the source and its AST, about 300 bytes a token, so with
 * GRAPHQL_MAX_TOKENS at 2000 the two caches stay under about 150 MB even when every entry is a
 * distinct query at the limit; the service's own clients send a few dozen distinct documents.
 */
const DOCUMENT_CACHE_SIZE = 128

/** graphql-js' message when `maxTokens` stops the parser ("more that" in v16, "more than" later). */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more (?:that|than) (\d+) tokens\. Parsing aborted\.$/

/**
 * The problem+json answer for a request refused before GraphQL saw it: a body that could not be
 * read (too large, unsupported media type, malformed JSON) or a document with too many tokens.
 */
function requestProblem(error: FastifyError & { errors?: Array<{ message?: string }> }, request: FastifyRequest): Problem | undefined {
  if (error.code?.startsWith('FST_ERR_CTP_')) return toProblem(error, request)
  const limit = error.code === 'MER_ERR_GQL_VALIDATION' && error.errors?.length === 1 ? TOO_MANY_TOKENS.exec(error.errors[0]!.message ?? '')?.[1] : undefined
  if (limit) return new Problem('query-too-long', `The query has more than ${limit} tokens; ask for fewer fields or aliases`)
  return undefined
}

declare module 'mercurius' {
  interface MercuriusContext {
    principal: Principal
  }
}

export default fp(
  async function graphqlPlugin(app: FastifyInstance, options: { config: Config }) {
    const reports = reportResolvers(app)
    const { graphqlMaxCost, production } = options.config
    const formatErrors: typeof mercurius.defaultErrorFormatter = (execution, context) => {
      const formatted = mercurius.defaultErrorFormatter(execution, context)
      const errors = (formatted.response.errors ?? []) as Array<{ message: string; extensions?: Record<string, unknown> }>
      // Each error carries a code from the REST problem catalogue; unexpected errors lose their message.
      formatted.response.errors = errors.map((error, index) => {
        const original = (execution.errors?.[index] as { originalError?: unknown } | undefined)?.originalError
        if (original instanceof Problem) return { ...error, message: original.message, extensions: { ...error.extensions, code: original.code } }
        if (error.extensions?.code) return error
        const known = !original || (original as { statusCode?: number }).statusCode !== undefined
        return known
          ? { ...error, extensions: { ...error.extensions, code: 'validation-failed' } }
          : { ...error, message: 'An unexpected error occurred; it has been logged', extensions: { code: 'internal' } }
      })
      return formatted
    }
    if (options.config.graphiqlEnabled) await app.register(graphiql)
    await app.register(mercurius, {
      schema: typeDefs,
      path: '/graphql',
      graphiql: false,
      queryDepth: options.config.graphqlMaxDepth,
      allowBatchedQueries: false,
      jit: options.config.graphqlJit,
      cache: DOCUMENT_CACHE_SIZE,
      graphql: { parseOptions: { maxTokens: options.config.graphqlMaxTokens } },
      additionalRouteOptions: { bodyLimit: options.config.graphqlBodyLimitBytes },
      validationRules: production && !options.config.graphiqlEnabled ? [NoSchemaIntrospectionCustomRule] : [],
      loaders: reports.loaders,
      context: (request) => ({ principal: request.principal! }),
      errorFormatter: formatErrors,
      // mercurius' own handler, but with the requests that never reached GraphQL answered as problem+json.
      // mercurius awaits it: it returns the reply it sent (its type says void), or Fastify sends again.
      errorHandler: ((error: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
        const problem = requestProblem(error as FastifyError, request)
        if (problem) {
          request.log.info({ problem: problem.code, detail: problem.message }, 'request rejected')
          return sendProblem(reply, problem)
        }
        const graphqlError = error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error })
        const { statusCode, response } = formatErrors({ errors: [graphqlError] }, { reply, app } as unknown as MercuriusContext)
        return reply.code(statusCode).send(response)
      }) as unknown as () => void,
      resolvers: {
        ...reports.resolvers,
        Query: {
          ...reports.resolvers.Query,
          me: async (_root: unknown, _args: unknown, context: { principal: Principal }) => describeCaller(app.database, context.principal),
        },
      } as never,
    })
    app.graphql.addHook('preExecution', async (schema, document, context, variables) => {
      const operationName = (context.reply.request.body as { operationName?: string } | undefined)?.operationName
      checkCost(graphqlMaxCost, schema, document, variables as Record<string, unknown> | undefined, operationName ?? undefined)
    })
  },
  { name: 'graphql', dependencies: ['auth'] },
)
