// GraphQL at /graphql (mercurius). The context carries the caller resolved by the same
// authentication as REST; `report` checks roles itself (reports.ts). GraphiQL is served outside
// production, introspection is off in production, batched queries are refused, and every query's
// depth and estimated cost (cost.ts) are checked before it runs.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import mercurius from 'mercurius'
import type { Config } from '../config.js'
import type { Principal } from '../infra/auth/principal.js'
import { Problem } from '../infra/http/problem.js'
import { describeCaller } from '../modules/me/service.js'
import { checkCost } from './cost.js'
import { graphqlJs } from './graphql-js.js'
import { reportResolvers } from './reports.js'
import { typeDefs } from './schema.js'

const { NoSchemaIntrospectionCustomRule } = graphqlJs

declare module 'mercurius' {
  interface MercuriusContext {
    principal: Principal
  }
}

export default fp(
  async function graphqlPlugin(app: FastifyInstance, options: { config: Config }) {
    const reports = reportResolvers(app)
    const { graphqlMaxCost, production } = options.config
    await app.register(mercurius, {
      schema: typeDefs,
      path: '/graphql',
      graphiql: !options.config.production,
      queryDepth: options.config.graphqlMaxDepth,
      allowBatchedQueries: false,
      jit: options.config.graphqlJit,
      validationRules: production ? [NoSchemaIntrospectionCustomRule] : [],
      loaders: reports.loaders,
      context: (request) => ({ principal: request.principal! }),
      errorFormatter: (execution, context) => {
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
      },
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
