// GraphQL at /graphql (mercurius). The context carries the caller resolved by the same
// authentication as REST; reporting fields (a later module) check roles per field. GraphiQL is
// served outside production; query depth is bounded.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { NoSchemaIntrospectionCustomRule } from 'graphql'
import mercurius from 'mercurius'
import type { Config } from '../config.js'
import type { Principal } from '../infra/auth/principal.js'
import { Problem } from '../infra/http/problem.js'
import { describeCaller } from '../modules/me/service.js'

const schema = /* GraphQL */ `
  "The authenticated caller."
  type Me {
    "member, client or platform"
    kind: String!
    "The member's external id, the client id, or the operator"
    subject: String!
    "The caller's school, null for platform operators"
    school: School
    "The caller's member record, null for clients and operators"
    member: MemberSummary
    "Roles the caller holds"
    roles: [String!]!
    "Scopes of an integration client"
    scopes: [String!]!
  }

  "A school (tenant)."
  type School {
    id: ID!
    slug: String!
    name: String!
    timeZone: String!
  }

  "A member as the caller may see themselves."
  type MemberSummary {
    id: ID!
    externalId: String!
    givenName: String
    familyName: String
    email: String
  }

  type Query {
    "Who is calling."
    me: Me!
  }
`

declare module 'mercurius' {
  interface MercuriusContext {
    principal: Principal
  }
}

export default fp(
  async function graphqlPlugin(app: FastifyInstance, options: { config: Config }) {
    await app.register(mercurius, {
      schema,
      path: '/graphql',
      graphiql: !options.config.production,
      queryDepth: options.config.graphqlMaxDepth,
      allowBatchedQueries: false,
      validationRules: options.config.production ? [NoSchemaIntrospectionCustomRule] : [],
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
        Query: {
          me: async (_root: unknown, _args: unknown, context: { principal: Principal }) => describeCaller(app.database, context.principal),
        },
      },
    })
  },
  { name: 'graphql', dependencies: ['auth'] },
)
