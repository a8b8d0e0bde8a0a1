import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Page, responses, Uuid } from '../../infra/http/schemas.js'
import { BulkMembers, BulkResult, ExternalId, Member, MemberInput, MemberListQuery, SharingInput, SharingState } from './schemas.js'
import { bulkUpsertMembers, getMember, getSharing, listMembers, updateSharing, upsertMember } from './service.js'

const provisioners = { access: policy('members:provision') }
const readers = { access: policy('members:read') }

export default async function memberRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(Member)
  const MemberRef = Type.Ref('Member')

  app.put('/v1/members/:externalId', {
    config: provisioners,
    schema: {
      operationId: 'upsertMember',
      tags: ['members'],
      summary: 'Provision a member by the portal\'s external id (idempotent upsert)',
      params: Type.Object({ externalId: ExternalId }),
      body: MemberInput,
      response: responses({ 200: MemberRef, 201: MemberRef }),
    },
    handler: async (request, reply) => {
      const { member, created } = await upsertMember(request.tenant, request.principal!, request.params.externalId, request.body)
      return reply.code(created ? 201 : 200).send(member)
    },
  })

  app.post('/v1/members::bulk', {
    config: provisioners,
    schema: {
      operationId: 'bulkUpsertMembers',
      tags: ['members'],
      summary: 'Provision up to 1,000 members at once: all are written, or none (the errors list each failing item)',
      body: BulkMembers,
      response: responses({ 200: BulkResult }, [413]),
    },
    handler: async (request) => bulkUpsertMembers(request.tenant, request.principal!, request.body.members),
  })

  app.get('/v1/members', {
    config: readers,
    schema: {
      operationId: 'listMembers',
      tags: ['members'],
      summary: 'List members, filtered by role, graduation year and major',
      querystring: MemberListQuery,
      response: responses({ 200: Page(MemberRef, 'A page of members, oldest first') }),
    },
    handler: async (request) => listMembers(request.tenant, request.query),
  })

  app.get('/v1/members/:memberId', {
    config: { access: policy('members:directory') },
    schema: {
      operationId: 'getMember',
      tags: ['members'],
      summary: 'Read a member (students and alumni: only themselves)',
      params: Type.Object({ memberId: Uuid }),
      response: responses({ 200: MemberRef }, [404]),
    },
    handler: async (request) => getMember(request.tenant, request.principal!, request.params.memberId),
  })

  app.get('/v1/members/:memberId/sharing', {
    config: { access: policy('members:self') },
    schema: {
      operationId: 'getMemberSharing',
      tags: ['members'],
      summary: 'What hosts and other students see of a member: their choices and the directory opt-out (the member, advisors, admins)',
      params: Type.Object({ memberId: Uuid }),
      response: responses({ 200: SharingState }, [404]),
    },
    handler: async (request) => getSharing(request.tenant, request.principal!, request.params.memberId),
  })

  app.patch('/v1/members/:memberId/sharing', {
    config: { access: policy('members:self') },
    schema: {
      operationId: 'updateMemberSharing',
      tags: ['members'],
      summary: 'Choose, field by field, what hosts and other students see (the member, or a school admin for them)',
      params: Type.Object({ memberId: Uuid }),
      body: SharingInput,
      response: responses({ 200: SharingState }, [403, 404]),
    },
    handler: async (request) => updateSharing(request.tenant, request.principal!, request.params.memberId, request.body),
  })
}
