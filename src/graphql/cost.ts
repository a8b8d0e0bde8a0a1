// The cost of a GraphQL query, estimated before it runs: every field costs 1, a field that runs its
// own aggregation (a metric, a list, a count) costs more, and a list's selection counts once per row
// it may return (`first`). Aliases count each time they appear, so neither an alias flood nor a
// list flood gets past the limit.
import type { DocumentNode, GraphQLSchema } from 'graphql'
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity'
import mercurius from 'mercurius'
import type { ProblemCode } from '../infra/http/problem.js'

/** Fields that run SQL of their own, with their weight relative to a plain field. */
const QUERY_COST: Record<string, number> = {
  // A report resolves its school and range in SQL of its own before any metric runs; each alias is a new scope.
  'Query.report': 100,
  'Report.funnel': 20,
  'Report.meetingsOverTime': 20,
  'Report.perspectives': 30,
  'Report.networkGrowth': 20,
  'Report.networkSources': 10,
  'Report.alumniEngagement': 20,
  'Report.overdueThankYous': 10,
  'Report.waitingRequests': 10,
  'Report.students': 10,
  'Report.meetings': 10,
  'Report.hosts': 10,
  'Perspectives.singleViews': 20,
}

const LIST_SIZE_DEFAULT = 20

const weighted: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const own = QUERY_COST[`${type.name}.${field.name}`] ?? 1
  // A connection's rows: `first` (default 20) times what each row selects. At least one: the
  // resolver refuses `first` below 1, but only once its siblings have started, and a negative count
  // here would cancel their cost (the library floors each selection's sum at 0, not each field).
  const rows = typeof args.first === 'number' ? Math.max(1, args.first) : field.args.some((arg) => arg.name === 'first') ? LIST_SIZE_DEFAULT : 1
  return own + rows * childComplexity
}

/**
 * Throws before execution when the query's cost is over the limit. Run as mercurius' preExecution
 * hook rather than a validation rule: it needs the request's variables (`first: $n`), and a rule
 * built per request would turn off mercurius' cache of parsed and validated queries.
 */
export function checkCost(maximum: number, schema: GraphQLSchema, query: DocumentNode, variables?: Record<string, unknown>, operationName?: string): void {
  const cost = getComplexity({ schema, query, variables, operationName, estimators: [weighted, simpleEstimator({ defaultComplexity: 1 })] })
  if (cost > maximum) {
    const code: ProblemCode = 'query-too-costly'
    throw new mercurius.ErrorWithProps(`The query's estimated cost ${cost} exceeds the limit of ${maximum}; ask for fewer fields, rows or aliases`, { code, cost, limit: maximum }, 400)
  }
}
