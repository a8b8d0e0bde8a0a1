// CSV exports of the reporting drill-down lists, for advisors who paste them into spreadsheets:
// GET /v1/reports/<list>.csv with the same range and filters as the GraphQL `report` field.
import { schoolOf } from '../schools/settings.js'
import { policy } from '../../infra/auth/policy.js'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { disclose } from '../../infra/http/audit.js'
import { DateOrInstant } from '../../infra/http/range.js'
import { Int32, responses, Text, Uuid } from '../../infra/http/schemas.js'
import { MEETING_KINDS, MEETING_STATUSES } from '../meetings/schemas.js'
import { exportList, REPORT_LISTS, type ReportList } from './csv.js'
import { reportScope } from './scope.js'
import { freshness } from '../../infra/db/reporting.js'

const tags = ['reports']
const ReportQuery = {
  from: DateOrInstant('First day of the range (an instant: the day it falls on)'),
  to: DateOrInstant('Last day of the range, included (an instant: the day it falls on)'),
  major: Type.Optional(Text(200, { description: 'Students whose major is exactly this' })),
  graduationYear: Type.Optional(Int32({ minimum: 1900, maximum: 2200, description: 'Students graduating in this year' })),
  backgroundTag: Type.Optional(Text(100, { description: 'Students who share this background tag' })),
  field: Type.Optional(Text(200, { description: 'Students with this field among their fields of interest' })),
  programId: Type.Optional({ ...Uuid, description: 'Students taking part in this programme' }),
}
const MeetingQuery = {
  ...ReportQuery,
  status: Type.Optional(Type.Enum([...MEETING_STATUSES])),
  kind: Type.Optional(Type.Enum([...MEETING_KINDS])),
}
const Csv = Type.String({ maxLength: 200_000_000, description: 'CSV (RFC 4180) with a header row, UTF-8 with a byte-order mark; at most REPORT_EXPORT_MAX_ROWS rows, 100,000 unless the deployment sets another (a longer list is refused with 400: narrow the range or filter)' })

const SUMMARIES: Record<ReportList, string> = {
  students: 'The selected students with what each did in the range, as CSV',
  meetings: 'Meetings of the selected students on a day in the range, as CSV (optionally one status or kind)',
  hosts: 'Alumni hosts with their requests and bookings in the range, as CSV',
  'overdue-thank-yous': 'Held meetings whose thank-you note is overdue, deadline in the range, as CSV',
  'waiting-requests': 'Requests to hosts sent in the range and still waiting for an answer, as CSV',
}

/** Where an export read and how fresh that is (a read replica may lag: docs/reporting.md). */
const FRESHNESS_HEADERS = {
  'X-Data-Source': { description: 'primary, or replica (REPORTING_DATABASE_URL)', type: 'string', enum: ['primary', 'replica'] },
  'X-Data-As-Of': { description: 'The data is as of this instant', type: 'string', format: 'date-time', maxLength: 30 },
  'X-Data-Lag-Seconds': { description: 'How far the replica is behind the primary (0.0 on the primary)', type: 'string', pattern: '^[0-9]+\\.[0-9]$', maxLength: 12 },
}

const operationId = (list: ReportList) => `export${list.split('-').map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')}Csv`

export default async function reportRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  for (const list of REPORT_LISTS) {
    app.get(`/v1/reports/${list}.csv`, {
      config: { access: policy('reports:read') },
      schema: {
        operationId: operationId(list),
        tags,
        summary: SUMMARIES[list],
        querystring: Type.Object(list === 'meetings' ? MeetingQuery : ReportQuery, { additionalProperties: false }),
        produces: ['text/csv'],
        response: responses({ 200: { description: 'CSV', headers: FRESHNESS_HEADERS, content: { 'text/csv': { schema: Csv } } } as never }, [400, 404]),
      },
      handler: async (request, reply) => {
        const { from, to, status, kind, ...filter } = request.query as Record<string, string | number | undefined> & { from: string; to: string }
        // Read from the reporting database (a replica when one is configured), as the caller's school.
        const tenant = app.reportingDatabase.forSchool(request.tenant.schoolId)
        const scope = await reportScope(tenant, await schoolOf(app.database, tenant.schoolId), { from, to, filter }, app.clock(), 'querystring.')
        const fresh = await freshness(tenant)
        const csv = await exportList(scope, list, { status: status as string | undefined, kind: kind as string | undefined }, app.config.reportExportMaxRows, (ids) => disclose(request, ids))
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${list}-${from}-${to}.csv"`)
          .header('x-data-source', fresh.source)
          .header('x-data-as-of', fresh.asOf.toISOString())
          .header('x-data-lag-seconds', fresh.lagSeconds.toFixed(1))
          .send(csv)
      },
    })
  }
}
