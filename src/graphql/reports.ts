// Resolvers and loaders of the reporting schema. `report` checks who may read and fixes the scope
// (school, range, filter); everything under it reads through that scope. Relations of list rows
// (a meeting's student and contact, a host's activity, ...) go through loaders, so a page costs
// the same number of SQL statements however long it is.
import { schoolOf } from '../modules/schools/settings.js'
import type { FastifyInstance } from 'fastify'
import type { MercuriusContext } from 'mercurius'
import { disclose } from '../infra/http/audit.js'
import { forbidden, invalidField, notFound } from '../infra/http/problem.js'
import { can } from '../infra/auth/policy.js'
import {
  contactsById, hostActivity, hostsById, hostsPage, meetingsPage, membersById, overdueThankYousPage, type Page, studentActivity, studentsPage,
  waitingRequestsPage,
} from '../modules/reports/lists.js'
import { alumniEngagement, type Bucket, funnel, meetingsOverTime, networkGrowth, networkSources, perspectives, singleViews } from '../modules/reports/metrics.js'
import { type ReportFilter, type ReportScope, reportScope } from '../modules/reports/scope.js'
import { freshness } from '../infra/db/reporting.js'
import { graphqlJs } from './graphql-js.js'

const { GraphQLScalarType, Kind } = graphqlJs

/** Longest page a drill-down list serves; the cost limit bounds what a query may ask in all. */
export const MAX_PAGE = 100

/** Every row object carries its report's scope, hidden from serialization. */
function scoped<T extends object>(scope: ReportScope, row: T): T & { scope: ReportScope } {
  return Object.defineProperty(row, 'scope', { value: scope, enumerable: false }) as T & { scope: ReportScope }
}

function pageSize(first: number | undefined): number {
  const size = first ?? 20
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw invalidField('first', `must be between 1 and ${MAX_PAGE}`)
  return size
}

function connection<T extends object>(scope: ReportScope, page: Page<T>) {
  return {
    totalCount: page.total,
    nodes: page.items.map((item) => scoped(scope, item)),
    pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor },
  }
}

/** The audit log records the students and hosts a query answered (src/infra/http/audit.ts). */
function disclosedMembers<R extends { id: string }>(context: MercuriusContext, members: R[]): R[] {
  disclose(context.reply.request, members.map((member) => member.id))
  return members
}

function disclosed<R extends { id: string }>(context: MercuriusContext, page: Page<R>): Page<R> {
  disclosedMembers(context, page.items)
  return page
}

const hoursSince = (then: Date, now: Date) => (now.getTime() - then.getTime()) / 3_600_000

const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: "A calendar date, YYYY-MM-DD. Report dates are days in the school's time zone.",
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new TypeError('a Date is YYYY-MM-DD')
    return value
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING || !/^\d{4}-\d{2}-\d{2}$/.test(ast.value)) throw new TypeError('a Date is YYYY-MM-DD')
    return ast.value
  },
})

const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, ISO 8601 in UTC.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
})

type Row = { scope: ReportScope }
type Args<T = object> = T & Record<string, unknown>

/** Groups a loader's batch by report (a query may hold several reports under aliases): one SQL statement per report. */
async function byScope<T extends Row, R>(
  queries: Array<{ obj: T }>,
  key: (obj: T) => string,
  load: (scope: ReportScope, ids: string[]) => Promise<Map<string, R>>,
): Promise<Array<R | null>> {
  const groups = new Map<ReportScope, Set<string>>()
  for (const { obj } of queries) {
    const ids = groups.get(obj.scope) ?? new Set()
    ids.add(key(obj))
    groups.set(obj.scope, ids)
  }
  const loaded = new Map<ReportScope, Map<string, R>>()
  await Promise.all([...groups].map(async ([scope, ids]) => loaded.set(scope, await load(scope, [...ids]))))
  return queries.map(({ obj }) => loaded.get(obj.scope)!.get(key(obj)) ?? null)
}

function present<R>(values: Array<R | null>, what: string): R[] {
  // A row's relation always exists in its own school (foreign keys); a miss would be a bug, not a 404 to show.
  return values.map((value) => {
    if (value === null) throw notFound(what)
    return value
  })
}

export function reportResolvers(app: FastifyInstance) {
  const resolvers = {
    Date: DateScalar,
    DateTime: DateTimeScalar,
    Query: {
      report: async (_root: unknown, args: { from: string; to: string; filter?: ReportFilter | null }, context: MercuriusContext) => {
        const principal = context.principal
        if (!can(principal, 'reports:read')) throw forbidden('Reports are for advisors, school admins and clients with the reports:read scope')
        // Reports read the reporting database (a replica when one is configured), as the caller's school.
        const tenant = app.reportingDatabase.forSchool(context.reply.request.tenant.schoolId)
        const scope = await reportScope(tenant, await schoolOf(app.database, tenant.schoolId), { from: args.from, to: args.to, filter: args.filter }, app.clock())
        return scoped(scope, { from: scope.from, to: scope.to, timeZone: scope.timeZone })
      },
    },
    Report: {
      studentCount: ({ scope }: Row) => scope.studentCount,
      freshness: ({ scope }: Row) => freshness(scope.tenant),
      funnel: ({ scope }: Row) => funnel(scope),
      meetingsOverTime: ({ scope }: Row, args: Args<{ bucket?: 'WEEK' | 'MONTH' }>) =>
        meetingsOverTime(scope, (args.bucket ?? 'WEEK').toLowerCase() as Bucket),
      perspectives: async ({ scope }: Row) => scoped(scope, await perspectives(scope)),
      networkGrowth: ({ scope }: Row) => networkGrowth(scope),
      networkSources: ({ scope }: Row) => networkSources(scope),
      alumniEngagement: async ({ scope }: Row) => scoped(scope, await alumniEngagement(scope)),
      overdueThankYous: async ({ scope }: Row, args: Args<{ first?: number; after?: string | null }>) =>
        connection(scope, await overdueThankYousPage(scope, pageSize(args.first), args.after ?? undefined)),
      waitingRequests: async ({ scope }: Row, args: Args<{ first?: number; after?: string | null }>) =>
        connection(scope, await waitingRequestsPage(scope, pageSize(args.first), args.after ?? undefined)),
      students: async ({ scope }: Row, args: Args<{ first?: number; after?: string | null }>, context: MercuriusContext) =>
        connection(scope, disclosed(context, await studentsPage(scope, pageSize(args.first), args.after ?? undefined))),
      meetings: async ({ scope }: Row, args: Args<{ first?: number; after?: string | null; status?: string; kind?: string }>) =>
        connection(scope, await meetingsPage(scope, pageSize(args.first), args.after ?? undefined, { status: args.status, kind: args.kind })),
      hosts: async ({ scope }: Row, args: Args<{ first?: number; after?: string | null }>, context: MercuriusContext) =>
        connection(scope, disclosed(context, await hostsPage(scope, pageSize(args.first), args.after ?? undefined))),
    },
    Perspectives: {
      singleViews: async ({ scope }: Row, args: Args<{ first?: number }>) =>
        (await singleViews(scope, pageSize(args.first))).map((view) => scoped(scope, view)),
    },
    AlumniEngagement: {
      // Read with the engagement numbers (the query returns the top MOST_ASKED_MAX hosts).
      mostAsked: ({ scope, mostAsked }: Row & { mostAsked: object[] }, args: Args<{ first?: number }>) =>
        mostAsked.slice(0, pageSize(args.first)).map((load) => scoped(scope, { ...load })),
    },
    ReportMeeting: {
      requestedAt: (meeting: { createdAt: Date }) => meeting.createdAt,
      hoursOverdue: (meeting: Row & { status: string; thankYouDueAt: Date | null }) =>
        meeting.status === 'completed' && meeting.thankYouDueAt && meeting.thankYouDueAt < meeting.scope.now
          ? hoursSince(meeting.thankYouDueAt, meeting.scope.now)
          : null,
    },
    WaitingRequest: {
      requestedAt: (request: { createdAt: Date }) => request.createdAt,
      hoursWaiting: (request: Row & { createdAt: Date }) => hoursSince(request.createdAt, request.scope.now),
    },
  }

  type WithStudent = Row & { studentId: string }
  type WithContact = Row & { contactId: string }
  type WithHost = Row & { hostId: string }
  const students = async (queries: Array<{ obj: WithStudent }>, context: MercuriusContext) =>
    disclosedMembers(context, present(await byScope(queries, (obj) => obj.studentId, membersById), 'student')).map((member, index) => scoped(queries[index]!.obj.scope, { ...member }))
  const contacts = async (queries: Array<{ obj: WithContact }>) => present(await byScope(queries, (obj) => obj.contactId, contactsById), 'contact')
  const hosts = async (queries: Array<{ obj: WithHost }>, context: MercuriusContext) =>
    disclosedMembers(context, present(await byScope(queries, (obj) => obj.hostId, hostsById), 'host')).map((host, index) => scoped(queries[index]!.obj.scope, { ...host }))
  const uncached = <Q>(loader: (queries: Q[], context: MercuriusContext) => Promise<unknown[]>) => ({ loader, opts: { cache: false } })

  const loaders = {
    ReportMeeting: { student: uncached(students), contact: uncached(contacts) },
    WaitingRequest: { student: uncached(students), host: uncached(hosts) },
    SingleView: { student: uncached(students), contact: uncached(contacts) },
    HostLoad: { host: uncached(hosts) },
    ReportStudent: {
      activity: uncached(async (queries: Array<{ obj: Row & { id: string } }>) => present(await byScope(queries, (obj) => obj.id, studentActivity), 'student')),
    },
    ReportHost: {
      activity: uncached(async (queries: Array<{ obj: Row & { id: string } }>) => present(await byScope(queries, (obj) => obj.id, hostActivity), 'host')),
    },
  }
  return { resolvers, loaders }
}
