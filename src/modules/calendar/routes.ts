import { schoolOf } from '../schools/settings.js'
import { policy } from '../../infra/auth/policy.js'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { responses, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'
import { createFeed, feedCalendar, listFeeds, meetingCalendar, revokeFeed } from './service.js'

const tags = ['calendar']
const members = { access: policy('school:read') }
const ICalendar = Type.String({ maxLength: 5_000_000, description: 'An iCalendar (RFC 5545) document' })
const Feed = Type.Object({ id: Uuid, createdAt: Timestamp, revokedAt: Type.Union([Timestamp, Type.Null()]) })

export default async function calendarRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const publicUrl = app.config.publicUrl

  app.get('/v1/meetings/:meetingId/calendar.ics', {
    config: { access: policy('conversations:read') },
    schema: {
      operationId: 'getMeetingCalendar',
      tags,
      summary: 'A scheduled meeting as iCalendar',
      params: Type.Object({ meetingId: Uuid }),
      produces: ['text/calendar'],
      response: responses({ 200: { description: 'iCalendar', content: { 'text/calendar': { schema: ICalendar } } } as never }, [404]),
    },
    handler: async (request, reply) =>
      reply.type('text/calendar; charset=utf-8').send(await meetingCalendar(request.tenant, request.principal!, request.params.meetingId, publicUrl, (await schoolOf(app.database, request.tenant.schoolId)).timeZone)),
  })

  app.post('/v1/calendar-feeds', {
    config: members,
    schema: {
      operationId: 'createCalendarFeed',
      tags,
      summary: 'Create a secret URL of your booked meetings for a calendar application (shown once)',
      response: responses({ 201: Type.Object({ id: Uuid, url: Text(500), createdAt: Timestamp, revokedAt: Type.Null() }) }),
    },
    handler: async (request, reply) => reply.code(201).send(await createFeed(request.tenant, request.principal!, publicUrl)),
  })

  app.get('/v1/calendar-feeds', {
    config: members,
    schema: { operationId: 'listCalendarFeeds', tags, summary: 'Your calendar feeds (without their secrets)', response: responses({ 200: Type.Object({ items: Type.Array(Feed, { maxItems: 50 }) }) }) },
    handler: async (request) => listFeeds(request.tenant, request.principal!),
  })

  app.delete('/v1/calendar-feeds/:feedId', {
    config: members,
    schema: {
      operationId: 'revokeCalendarFeed',
      tags,
      summary: 'Revoke a calendar feed: its URL stops working',
      params: Type.Object({ feedId: Uuid }),
      response: responses({ 204: Type.Null({ description: 'Revoked' }) }, [404]),
    },
    handler: async (request, reply) => {
      await revokeFeed(request.tenant, request.principal!, request.params.feedId, app.clock())
      return reply.code(204).send(null)
    },
  })

  app.get('/v1/calendar/:schoolId/:feedId/:secret.ics', {
    config: { public: true },
    schema: {
      operationId: 'getCalendarFeed',
      tags,
      summary: 'A member\'s calendar feed, by its secret URL (no bearer token)',
      security: [],
      params: Type.Object({ schoolId: Uuid, feedId: Uuid, secret: Type.String({ minLength: 20, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) }),
      produces: ['text/calendar'],
      response: responses({ 200: { description: 'iCalendar', content: { 'text/calendar': { schema: ICalendar } } } as never }, [404]),
    },
    handler: async (request, reply) =>
      reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .send(await feedCalendar(app.database, request.params.schoolId, request.params.feedId, request.params.secret, publicUrl, app.clock())),
  })
}
