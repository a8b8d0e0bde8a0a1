import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { schoolOf } from '../schools/settings.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Page, responses, Uuid } from '../../infra/http/schemas.js'
import {
  CloseMeeting,
  CompleteMeeting,
  CreateMeeting,
  Meeting,
  MeetingListQuery,
  Preparation,
  ResumeSent,
  ScheduleMeeting,
  ThankYou,
} from './schemas.js'
import {
  closeMeeting,
  completeMeeting,
  getMeeting,
  listMeetings,
  prepareMeeting,
  recordResumeSent,
  recordThankYou,
  requestMeeting,
  scheduleMeeting,
} from './service.js'

const tags = ['meetings']
const MeetingPath = Type.Object({ meetingId: Uuid })

export default async function meetingRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(Meeting)
  const MeetingRef = Type.Ref('Meeting')
  const now = () => app.clock()
  const transitionResponses = responses({ 200: MeetingRef }, [404, 409])

  app.post('/v1/meetings', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'requestMeeting',
      tags,
      summary: 'Request an informational interview or a job shadow with one of your contacts',
      body: CreateMeeting,
      response: responses({ 201: MeetingRef }, [404]),
    },
    handler: async (request, reply) => {
      const { settings } = await schoolOf(app.database, request.tenant.schoolId)
      return reply.code(201).send(await requestMeeting(request.tenant, request.principal!, request.body, now(), settings))
    },
  })

  app.get('/v1/meetings', {
    config: { access: policy('conversations:read') },
    schema: {
      operationId: 'listMeetings',
      tags,
      summary: 'List meetings: yours, or (advisors, admins) the school\'s; filter by status, kind, dates, contact, overdue thank-you',
      querystring: MeetingListQuery,
      response: responses({ 200: Page(MeetingRef, 'A page of meetings, oldest request first') }, [404]),
    },
    handler: async (request) => listMeetings(request.tenant, request.principal!, request.query, now()),
  })

  app.get('/v1/meetings/:meetingId', {
    config: { access: policy('conversations:read') },
    schema: { operationId: 'getMeeting', tags, summary: 'Read a meeting', params: MeetingPath, response: responses({ 200: MeetingRef }, [404]) },
    handler: async (request) => getMeeting(request.tenant, request.principal!, request.params.meetingId),
  })

  app.post('/v1/meetings/:meetingId/schedule', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'scheduleMeeting',
      tags,
      summary: 'Agree the window (or move it); sets thankYouDueAt',
      params: MeetingPath,
      body: ScheduleMeeting,
      response: transitionResponses,
    },
    handler: async (request) =>
      scheduleMeeting(request.tenant, request.principal!, request.params.meetingId, request.body, now(), (await schoolOf(app.database, request.tenant.schoolId)).settings),
  })

  app.post('/v1/meetings/:meetingId/resume-sent', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'recordResumeSent',
      tags,
      summary: 'Record that your résumé went out, for information only',
      params: MeetingPath,
      body: ResumeSent,
      response: transitionResponses,
    },
    handler: async (request) => recordResumeSent(request.tenant, request.principal!, request.params.meetingId, request.body, now()),
  })

  app.put('/v1/meetings/:meetingId/preparation', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'prepareMeeting',
      tags,
      summary: 'Keep your homework and your own questions with the meeting',
      params: MeetingPath,
      body: Preparation,
      response: transitionResponses,
    },
    handler: async (request) => prepareMeeting(request.tenant, request.principal!, request.params.meetingId, request.body),
  })

  app.post('/v1/meetings/:meetingId/complete', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'completeMeeting',
      tags,
      summary: 'Record how it went: notes, reflections, a rating, and the referrals you were given',
      params: MeetingPath,
      body: CompleteMeeting,
      response: transitionResponses,
    },
    handler: async (request) =>
      completeMeeting(request.tenant, request.principal!, request.params.meetingId, request.body, now(), (await schoolOf(app.database, request.tenant.schoolId)).settings),
  })

  app.post('/v1/meetings/:meetingId/thank-you', {
    config: { access: policy('conversations:write') },
    schema: {
      operationId: 'recordThankYou',
      tags,
      summary: 'Record the thank-you note; marks it on time or late against thankYouDueAt',
      params: MeetingPath,
      body: ThankYou,
      response: transitionResponses,
    },
    handler: async (request) => recordThankYou(request.tenant, request.principal!, request.params.meetingId, request.body, now()),
  })

  for (const [name, operationId, summary] of [
    ['decline', 'declineMeeting', 'Record that the person declined the request'],
    ['cancel', 'cancelMeeting', 'Cancel the meeting'],
    ['no-show', 'recordNoShow', 'Record that the meeting did not take place'],
  ] as const) {
    app.post(`/v1/meetings/:meetingId/${name}`, {
      config: { access: policy('conversations:write') },
      schema: { operationId, tags, summary, params: MeetingPath, body: CloseMeeting, response: transitionResponses },
      handler: async (request) => closeMeeting(request.tenant, request.principal!, request.params.meetingId, name, request.body, now()),
    })
  }
}
