// Reading the audit log: school admins query it (who, what, about whom, when), and every member reads
// their own disclosure log (FERPA §99.32): the reads of their data by others, a student who opted out
// of directory information among them unnamed.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { PageQuery, responses } from '../../infra/http/schemas.js'
import { AuditEvent, AuditPage, AuditQuery } from './schemas.js'
import { auditEvents, disclosures } from './service.js'

const tags = ['audit']

export default async function auditRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(AuditEvent)

  app.get('/v1/audit-events', {
    config: { access: policy('school:administer') },
    schema: { operationId: 'listAuditEvents', tags, summary: 'The school\'s audit log, newest first, with filters', querystring: AuditQuery, response: responses({ 200: AuditPage('A page of audit events') }) },
    handler: async (request) => auditEvents(request.tenant, request.query),
  })

  app.get('/v1/me/disclosures', {
    config: { access: policy('school:read') },
    schema: {
      operationId: 'listMyDisclosures',
      tags,
      summary: 'Your disclosure log (FERPA §99.32): who read your personal data through Vantage, and when (each read naming you alone among its subjects; a student who opted out of directory information is not named)',
      querystring: Type.Object(PageQuery, { additionalProperties: false }),
      response: responses({ 200: AuditPage('A page of the reads of your data by others') }),
    },
    handler: async (request) => disclosures(request.tenant, request.principal!.memberId!, request.query),
  })
}
