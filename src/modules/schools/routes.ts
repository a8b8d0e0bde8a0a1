import { Type } from 'typebox'
import { policy } from '../../infra/auth/policy.js'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { deleteSchool, exportSchool } from './offboarding.js'
import { Page, PageQuery, responses, Uuid } from '../../infra/http/schemas.js'
import { CreateSchool, School, SchoolParams, UpdateSchool } from './schemas.js'
import { createSchool, getSchool, listSchools, updateSchool } from './service.js'

const platformOnly = { access: policy('schools:operate') }

export default async function schoolRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(School)
  const SchoolRef = Type.Ref('School')

  app.post('/v1/schools', {
    config: platformOnly,
    schema: { operationId: 'createSchool', tags: ['schools'], summary: 'Create a school', body: CreateSchool, response: responses({ 201: SchoolRef }, [409]) },
    handler: async (request, reply) => reply.code(201).send(await createSchool(app.database, request.body)),
  })

  app.get('/v1/schools', {
    config: platformOnly,
    schema: {
      operationId: 'listSchools',
      tags: ['schools'],
      summary: 'List schools',
      querystring: Type.Object(PageQuery, { additionalProperties: false }),
      response: responses({ 200: Page(SchoolRef, 'A page of schools') }),
    },
    handler: async (request) => listSchools(app.database, request.query),
  })

  app.get('/v1/schools/:schoolId', {
    config: platformOnly,
    schema: { operationId: 'getSchool', tags: ['schools'], summary: 'Read a school', params: SchoolParams, response: responses({ 200: SchoolRef }, [404]) },
    handler: async (request) => getSchool(app.database, request.params.schoolId),
  })

  app.patch('/v1/schools/:schoolId', {
    config: platformOnly,
    schema: {
      operationId: 'updateSchool',
      tags: ['schools'],
      summary: 'Change a school (name, time zone, status, settings)',
      params: SchoolParams,
      body: UpdateSchool,
      response: responses({ 200: SchoolRef }, [404]),
    },
    handler: async (request) => updateSchool(app.database, request.params.schoolId, request.body),
  })

  app.get('/v1/schools/:schoolId/export', {
    config: platformOnly,
    schema: {
      operationId: 'exportSchool',
      tags: ['schools'],
      summary: 'Everything of a school, for its offboarding: NDJSON, a header line, then one line per row of every table ({"table", "row"})',
      params: SchoolParams,
      produces: ['application/x-ndjson'],
      response: responses({ 200: { description: 'Newline-delimited JSON', content: { 'application/x-ndjson': { schema: Type.String({ maxLength: 10_000_000_000 }) } } } as never }, [404]),
    },
    handler: async (request, reply) => reply.type('application/x-ndjson; charset=utf-8').send(await exportSchool(app.database, request.params.schoolId, new Date())),
  })

  app.delete('/v1/schools/:schoolId', {
    config: platformOnly,
    schema: {
      operationId: 'deleteSchool',
      tags: ['schools'],
      summary: 'Delete a disabled school and all its data, in one transaction (export it first); confirm with its slug',
      params: SchoolParams,
      querystring: Type.Object({ confirm: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9-]+$', description: 'The school\'s slug' }) }, { additionalProperties: false }),
      response: responses({
        200: Type.Object({ schoolId: Uuid, slug: Type.String({ maxLength: 100, pattern: '^[a-z0-9-]+$' }), deleted: Type.Record(Type.String({ maxLength: 100 }), Type.Integer({ format: 'int64', minimum: 0, maximum: 1e15 }), { description: 'Rows deleted per table' }) }),
      }, [404, 409]),
    },
    handler: async (request) => deleteSchool(app.database, request.params.schoolId, request.query.confirm),
  })
}
