import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { Page, PageQuery, responses, Uuid } from '../../infra/http/schemas.js'
import { EVENT_TYPES } from './events.js'
import { CreateWebhook, DeliveryQuery, EventTypeList, RotateWebhookSecret, UpdateWebhook, Webhook, WebhookDelivery, WebhookWithSecret } from './schemas.js'
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, redeliver, rotateWebhookSecret, updateWebhook } from './service.js'

const tags = ['webhooks']
const managers = { access: policy('webhooks:manage') }
const WebhookPath = Type.Object({ webhookId: Uuid })
const DeliveryPath = Type.Object({ webhookId: Uuid, deliveryId: Uuid })

export default async function webhookRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(Webhook)
  app.addSchema(WebhookDelivery)
  const WebhookRef = Type.Ref('Webhook')
  const DeliveryRef = Type.Ref('WebhookDelivery')
  const allowed = app.config.webhooks.allowedHosts

  app.get('/v1/webhooks/event-types', {
    config: managers,
    schema: { operationId: 'listWebhookEventTypes', tags, summary: 'The event types a webhook can subscribe to, and the ids each carries', response: responses({ 200: EventTypeList }) },
    handler: async () => ({ items: Object.entries(EVENT_TYPES).map(([type, description]) => ({ type, description })) }),
  })

  app.post('/v1/webhooks', {
    config: managers,
    schema: { operationId: 'createWebhook', tags, summary: 'Subscribe an endpoint to event types (the signing secret is shown once)', body: CreateWebhook, response: responses({ 201: WebhookWithSecret }) },
    handler: async (request, reply) => reply.code(201).send(await createWebhook(request.tenant, request.body, allowed, app.clock())),
  })

  app.get('/v1/webhooks', {
    config: managers,
    schema: { operationId: 'listWebhooks', tags, summary: 'The school\'s webhook subscriptions', querystring: Type.Object(PageQuery, { additionalProperties: false }), response: responses({ 200: Page(WebhookRef, 'A page of webhooks') }) },
    handler: async (request) => listWebhooks(request.tenant, request.query, app.clock()),
  })

  app.get('/v1/webhooks/:webhookId', {
    config: managers,
    schema: { operationId: 'getWebhook', tags, summary: 'Read a webhook subscription', params: WebhookPath, response: responses({ 200: WebhookRef }, [404]) },
    handler: async (request) => getWebhook(request.tenant, request.params.webhookId, app.clock()),
  })

  app.patch('/v1/webhooks/:webhookId', {
    config: managers,
    schema: { operationId: 'updateWebhook', tags, summary: 'Change the URL, the event types or the description; disable or re-enable', params: WebhookPath, body: UpdateWebhook, response: responses({ 200: WebhookRef }, [404]) },
    handler: async (request) => updateWebhook(request.tenant, request.params.webhookId, request.body, allowed, app.clock()),
  })

  app.delete('/v1/webhooks/:webhookId', {
    config: managers,
    schema: { operationId: 'deleteWebhook', tags, summary: 'Delete a webhook subscription and its delivery log', params: WebhookPath, response: responses({ 204: Type.Null({ description: 'Deleted' }) }, [404]) },
    handler: async (request, reply) => {
      await deleteWebhook(request.tenant, request.params.webhookId)
      return reply.code(204).send(null)
    },
  })

  app.post('/v1/webhooks/:webhookId/secret', {
    config: managers,
    schema: {
      operationId: 'rotateWebhookSecret',
      tags,
      summary: 'Replace the signing secret; the old one keeps signing alongside for a while (default 24 hours)',
      params: WebhookPath,
      body: Type.Optional(RotateWebhookSecret),
      response: responses({ 200: WebhookWithSecret }, [404]),
    },
    // Fastify validates a missing body as null; this one is optional (its one field has a default).
    preValidation: async (request) => {
      request.body ??= {}
    },
    handler: async (request) => rotateWebhookSecret(request.tenant, request.params.webhookId, request.body?.previousValidForHours ?? 24, app.clock()),
  })

  app.get('/v1/webhooks/:webhookId/deliveries', {
    config: managers,
    schema: { operationId: 'listWebhookDeliveries', tags, summary: 'The delivery log: every event sent to this webhook, newest first, with each attempt', params: WebhookPath, querystring: DeliveryQuery, response: responses({ 200: Page(DeliveryRef, 'A page of deliveries') }, [404]) },
    handler: async (request) => listDeliveries(request.tenant, request.params.webhookId, request.query),
  })

  app.post('/v1/webhooks/:webhookId/deliveries/:deliveryId/redeliver', {
    config: managers,
    schema: { operationId: 'redeliverWebhook', tags, summary: 'Send a delivery again now, with the same webhook-id', params: DeliveryPath, response: responses({ 202: DeliveryRef }, [404, 409]) },
    handler: async (request, reply) => reply.code(202).send(await redeliver(request.tenant, request.params.webhookId, request.params.deliveryId)),
  })
}
