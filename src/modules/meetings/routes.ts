import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { schoolOf } from '../schools/settings.js'
import { type Static, type TSchema, Type } from 'typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Page, responses, Uuid } from '../../infra/http/schemas.js'
import {
  Checklist,
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
  meetingChecklist,
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
  app.addSchema(Checklist)
  const MeetingRef = Type.Ref('Meeting')
  const now = () => app.clock()
  const settingsOf = async (request: FastifyRequest) => (await schoolOf(app.database, request.tenant.schoolId)).settings
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
    handler: async (request, reply) => reply.code(201).send(await requestMeeting(request.tenant, request.principal!, request.body, now(), await settingsOf(request))),
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

  app.get('/v1/meetings/:meetingId/checklist', {
    config: { access: policy('conversations:read') },
    schema: {
      operationId: 'getMeetingChecklist',
      tags,
      summary: 'The guide\'s seven steps for this meeting, each done, due (with its deadline), upcoming, missed or not applicable',
      params: MeetingPath,
      response: responses({ 200: Type.Ref('MeetingChecklist') }, [404]),
    },
    handler: async (request) => meetingChecklist(request.tenant, request.principal!, request.params.meetingId, now()),
  })

  /** A step in a meeting's life: `METHOD /v1/meetings/{meetingId}/{name}`, answered with the whole meeting. */
  function step<B extends TSchema>(
    method: 'POST' | 'PUT',
    name: string,
    operationId: string,
    summary: string,
    body: B,
    act: (request: FastifyRequest, meetingId: string, body: Static<B>) => Promise<unknown>,
  ) {
    app.route({
      method,
      url: `/v1/meetings/:meetingId/${name}`,
      config: { access: policy('conversations:write') },
      schema: { operationId, tags, summary, params: MeetingPath, body, response: transitionResponses },
      handler: async (request) => act(request, request.params.meetingId, request.body as Static<B>),
    })
  }

  step('POST', 'schedule', 'scheduleMeeting', 'Agree the window (or move it); sets thankYouDueAt', ScheduleMeeting, async (request, id, body) =>
    scheduleMeeting(request.tenant, request.principal!, id, body, now(), await settingsOf(request)))
  step('POST', 'resume-sent', 'recordResumeSent', 'Record that your résumé went out, for information only', ResumeSent, (request, id, body) =>
    recordResumeSent(request.tenant, request.principal!, id, body, now()))
  step('PUT', 'preparation', 'prepareMeeting', 'Keep your homework and your own questions with the meeting', Preparation, (request, id, body) =>
    prepareMeeting(request.tenant, request.principal!, id, body))
  step(
    'POST',
    'complete',
    'completeMeeting',
    'Record how it went: notes, reflections, a rating, and the referrals you were given',
    CompleteMeeting,
    async (request, id, body) => completeMeeting(request.tenant, request.principal!, id, body, now(), await settingsOf(request)),
  )
  step('POST', 'thank-you', 'recordThankYou', 'Record the thank-you note; marks it on time or late against thankYouDueAt', ThankYou, (request, id, body) =>
    recordThankYou(request.tenant, request.principal!, id, body, now()))
  for (const [name, operationId, summary] of [
    ['decline', 'declineMeeting', 'Record that the person declined the request'],
    ['cancel', 'cancelMeeting', 'Cancel the meeting'],
    ['no-show', 'recordNoShow', 'Record that the meeting did not take place'],
  ] as const) {
    step('POST', name, operationId, summary, CloseMeeting, (request, id, body) => closeMeeting(request.tenant, request.principal!, id, name, body, now()))
  }
}
