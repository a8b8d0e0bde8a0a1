import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Page, responses, Uuid } from '../../infra/http/schemas.js'
import { CreateReferral, Network, Referral, ReferralListQuery, UpdateReferral } from './schemas.js'
import { createReferral, getReferral, listReferrals, studentNetwork, updateReferral } from './service.js'

const tags = ['referrals']
const ReferralPath = Type.Object({ referralId: Uuid })

export default async function referralRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(Referral)
  app.addSchema(Network)
  const ReferralRef = Type.Ref('Referral')

  app.post('/v1/referrals', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'createReferral',
      tags,
      summary: 'Record that someone suggested you talk to someone (creating the new contact if needed)',
      body: CreateReferral,
      response: responses({ 201: ReferralRef }, [404, 409]),
    },
    handler: async (request, reply) => reply.code(201).send(await createReferral(request.tenant, request.principal!, request.body)),
  })

  app.get('/v1/referrals', {
    config: { access: policy('conversations:read') },
    schema: {
      operationId: 'listReferrals',
      tags,
      summary: 'List referrals: yours, or (advisors, admins) the school\'s',
      querystring: ReferralListQuery,
      response: responses({ 200: Page(ReferralRef, 'A page of referrals, oldest first') }, [404]),
    },
    handler: async (request) => listReferrals(request.tenant, request.principal!, request.query),
  })

  app.get('/v1/referrals/:referralId', {
    config: { access: policy('conversations:read') },
    schema: { operationId: 'getReferral', tags, summary: 'Read a referral', params: ReferralPath, response: responses({ 200: ReferralRef }, [404]) },
    handler: async (request) => getReferral(request.tenant, request.principal!, request.params.referralId),
  })

  app.patch('/v1/referrals/:referralId', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'updateReferral',
      tags,
      summary: 'Change a referral\'s status (suggested, contacted, met, declined) or note',
      params: ReferralPath,
      body: UpdateReferral,
      response: responses({ 200: ReferralRef }, [404]),
    },
    handler: async (request) => updateReferral(request.tenant, request.principal!, request.params.referralId, request.body),
  })

  app.get('/v1/members/:memberId/network', {
    config: { access: policy('conversations:read') },
    schema: {
      operationId: 'getStudentNetwork',
      tags,
      summary: 'A student\'s network: contacts with their degree and the referral edges (students: their own)',
      params: Type.Object({ memberId: Uuid }),
      response: responses({ 200: Type.Ref('Network') }, [404]),
    },
    handler: async (request) => studentNetwork(request.tenant, request.principal!, request.params.memberId),
  })
}
