import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Page, PageQuery, responses } from '../../infra/http/schemas.js'
import { CreateSchool, School, SchoolParams, UpdateSchool } from './schemas.js'
import { createSchool, getSchool, listSchools, updateSchool } from './service.js'

const platformOnly = { access: { roles: ['platform_admin'] as const } }

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
}
