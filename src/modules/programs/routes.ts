import { schoolOf } from '../schools/settings.js'
import { policy } from '../../infra/auth/policy.js'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { boundAt } from '../../infra/http/range.js'
import { Page, PageQuery, responses, Uuid } from '../../infra/http/schemas.js'
import {
  CreateProgram,
  CreateRun,
  HostLoad,
  HostLoadQuery,
  Program,
  ProgramDetail,
  ProgramHostInput,
  ProgramListQuery,
  ProgramStudentInput,
  PublishResult,
  Run,
  RunSummary,
  UpdateProgram,
} from './schemas.js'
import { hostLoad } from '../reports/host-load.js'
import { publishRun } from './publish.js'
import { createRun, getRun, listRuns } from './runs.js'
import { createProgram, getProgramDetail, listPrograms, putProgramHosts, putProgramStudents, updateProgram } from './service.js'

const tags = ['programs']
const organizers = { access: policy('programs:organize') }
const ProgramPath = Type.Object({ programId: Uuid })
const RunPath = Type.Object({ programId: Uuid, runId: Uuid })
const DAY = 86_400_000

export default async function programRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(Program)
  app.addSchema(Run)
  const ProgramRef = Type.Ref('Program')
  const RunRef = Type.Ref('AssignmentRun')
  const school = (schoolId: string) => schoolOf(app.database, schoolId)

  app.post('/v1/programs', {
    config: organizers,
    schema: { operationId: 'createProgram', tags, summary: 'Create a cohort programme such as a shadow week', body: CreateProgram, response: responses({ 201: ProgramRef }) },
    handler: async (request, reply) => reply.code(201).send(await createProgram(request.tenant, request.body)),
  })

  app.get('/v1/programs', {
    config: organizers,
    schema: { operationId: 'listPrograms', tags, summary: 'List the school\'s programmes', querystring: ProgramListQuery, response: responses({ 200: Page(ProgramRef, 'A page of programmes') }) },
    handler: async (request) => listPrograms(request.tenant, request.query),
  })

  app.get('/v1/programs/:programId', {
    config: organizers,
    schema: { operationId: 'getProgram', tags, summary: 'Read a programme with its hosts and students', params: ProgramPath, response: responses({ 200: ProgramDetail }, [404]) },
    handler: async (request) => getProgramDetail(request.tenant, request.params.programId),
  })

  app.patch('/v1/programs/:programId', {
    config: organizers,
    schema: { operationId: 'updateProgram', tags, summary: 'Change a programme that is not published yet', params: ProgramPath, body: UpdateProgram, response: responses({ 200: ProgramRef }, [404, 409]) },
    handler: async (request) => updateProgram(request.tenant, request.params.programId, request.body),
  })

  app.put('/v1/programs/:programId/hosts', {
    config: organizers,
    schema: {
      operationId: 'putProgramHosts',
      tags,
      summary: 'Set the programme\'s hosts and their capacity for it (replaces the list; preferences for removed hosts are dropped)',
      params: ProgramPath,
      body: ProgramHostInput,
      response: responses({ 200: ProgramDetail }, [404, 409]),
    },
    handler: async (request) => putProgramHosts(request.tenant, request.params.programId, request.body),
  })

  app.put('/v1/programs/:programId/students', {
    config: organizers,
    schema: {
      operationId: 'putProgramStudents',
      tags,
      summary: 'Set the programme\'s students with their placements, ranked preferences, modes and location (replaces the list)',
      params: ProgramPath,
      body: ProgramStudentInput,
      response: responses({ 200: ProgramDetail }, [404, 409]),
    },
    handler: async (request) => putProgramStudents(request.tenant, request.params.programId, request.body),
  })

  app.post('/v1/programs/:programId/assignment-runs', {
    config: organizers,
    schema: {
      operationId: 'createAssignmentRun',
      tags,
      summary: 'Compute the optimal assignment (maximum total fit within capacities and placements), with a reason for every pair and every unmatched student',
      params: ProgramPath,
      body: CreateRun,
      response: responses({ 201: RunRef }, [404, 409]),
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createRun(request.tenant, request.principal!, request.params.programId, request.body, app.clock(), await school(request.tenant.schoolId))),
  })

  app.get('/v1/programs/:programId/assignment-runs', {
    config: organizers,
    schema: {
      operationId: 'listAssignmentRuns',
      tags,
      summary: 'The programme\'s runs, oldest first (kept for audit)',
      params: ProgramPath,
      querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
      response: responses({ 200: Page(RunSummary, 'A page of runs') }, [404]),
    },
    handler: async (request) => listRuns(request.tenant, request.params.programId, request.query),
  })

  app.get('/v1/programs/:programId/assignment-runs/:runId', {
    config: organizers,
    schema: { operationId: 'getAssignmentRun', tags, summary: 'Read a run: its pairs with reasons and its unmatched students', params: RunPath, response: responses({ 200: RunRef }, [404]) },
    handler: async (request) => getRun(request.tenant, request.params.programId, request.params.runId),
  })

  app.post('/v1/programs/:programId/assignment-runs/:runId/publish', {
    config: organizers,
    schema: {
      operationId: 'publishAssignmentRun',
      tags,
      summary: 'Publish a run: each pair becomes a request to the host; a programme is published once',
      params: RunPath,
      // Nothing to send: the path names the run. Clients send `{}`; a request without a body is taken as `{}` too.
      body: Type.Object({}, { additionalProperties: false, description: 'Empty: the path names the run' }),
      response: responses({ 200: PublishResult }, [404, 409]),
    },
    preValidation: async (request) => {
      request.body ??= {}
    },
    handler: async (request) => publishRun(request.tenant, request.params.programId, request.params.runId, app.clock(), await school(request.tenant.schoolId)),
  })

  app.get('/v1/programs/:programId/load', {
    config: organizers,
    schema: {
      operationId: 'getProgramHostLoad',
      tags,
      summary: 'Requests and placements per programme host, with Gini coefficients',
      params: ProgramPath,
      response: responses({ 200: HostLoad }, [404]),
    },
    handler: async (request) => hostLoad(request.tenant, { programId: request.params.programId, from: new Date(0), to: new Date(app.clock().getTime() + DAY) }),
  })

  app.get('/v1/host-load', {
    config: organizers,
    schema: {
      operationId: 'getHostLoad',
      tags: ['hosts'],
      summary: 'How requests and placements spread across the school\'s hosts, most-asked first, with Gini coefficients',
      querystring: HostLoadQuery,
      response: responses({ 200: HostLoad }),
    },
    handler: async (request) => {
      const now = app.clock()
      const { timeZone } = await school(request.tenant.schoolId)
      // Up to and including now: a request created this instant counts.
      const to = request.query.to ? boundAt(request.query.to, timeZone, 'to') : new Date(now.getTime() + 1)
      const from = request.query.from ? boundAt(request.query.from, timeZone, 'from') : new Date(to.getTime() - 365 * DAY)
      return hostLoad(request.tenant, { from, to })
    },
  })
}
