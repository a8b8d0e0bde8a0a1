import { Type, type Static } from 'typebox'
import { Int32, Nullable, PageQuery, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'
import { EVENT_TYPE_NAMES } from './events.js'

const EventType = Type.Enum([...EVENT_TYPE_NAMES], { description: 'An event type (GET /v1/webhooks/event-types lists them with what each carries)' })
const EventTypes = Type.Array(EventType, { minItems: 1, maxItems: EVENT_TYPE_NAMES.length, uniqueItems: true })
const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'An https URL on a public address; loopback, private, link-local and reserved addresses are refused unless the deployment allows them (WEBHOOK_ALLOWED_HOSTS)',
})

export const CreateWebhook = Type.Object(
  { url: Url, eventTypes: EventTypes, description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))) },
  { examples: [{ url: 'https://portal.example.edu/vantage/events', eventTypes: ['meeting.scheduled', 'thank_you.overdue'], description: 'Portal notifications' }], additionalProperties: false },
)

export const UpdateWebhook = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(EventTypes),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    status: Type.Optional(Type.Enum(['active', 'disabled'], { description: '"active" re-enables a subscription disabled by a 410 or by an admin' })),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const RotateWebhookSecret = Type.Object(
  {
    previousValidForHours: Type.Optional(Int32({
      minimum: 0,
      maximum: 168,
      default: 24,
      description: 'How long deliveries are also signed with the secret being replaced, so the receiver can switch without missing one (0: stop at once)',
    })),
  },
  { additionalProperties: false },
)

export const Webhook = Type.Object(
  {
    id: Uuid,
    url: Text(2000),
    description: Nullable(Text(500)),
    eventTypes: Type.Array(Text(50), { maxItems: EVENT_TYPE_NAMES.length }),
    status: Type.Enum(['active', 'disabled']),
    disabledReason: Nullable(Text(200, { description: 'Why it is disabled: a 410 Gone from the endpoint, or a school admin' })),
    disabledAt: Nullable(Timestamp),
    previousSecretValidUntil: Nullable(Timestamp),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Webhook', title: 'Webhook', description: 'A subscription of a school\'s endpoint to event types' },
)

export const WebhookWithSecret = Type.Object(
  {
    webhook: Type.Ref('Webhook'),
    secret: Text(100, { description: 'The signing secret (Standard Webhooks, whsec_ and base64), shown only in this response' }),
  },
  { title: 'WebhookWithSecret' },
)

const Attempt = Type.Object({
  at: Timestamp,
  durationMs: Int32({ minimum: 0, maximum: 600000 }),
  statusCode: Nullable(Int32({ minimum: 100, maximum: 599, description: 'The endpoint\'s HTTP status; null when there was none' })),
  error: Nullable(Text(500, { description: 'Why there was no status: refused, unreachable, timed out' })),
})

export const WebhookDelivery = Type.Object(
  {
    id: Uuid,
    webhookId: Uuid,
    eventId: Uuid,
    eventType: Text(50),
    occurredAt: Timestamp,
    status: Type.Enum(['pending', 'succeeded', 'failed'], { description: 'pending: not yet delivered, retried on schedule; failed: every attempt failed, or the endpoint answered 410' }),
    attempts: Type.Array(Attempt, { maxItems: 100 }),
    nextAttemptAt: Nullable(Timestamp),
    deliveredAt: Nullable(Timestamp),
    createdAt: Timestamp,
  },
  { $id: 'WebhookDelivery', title: 'WebhookDelivery', description: 'One event sent to one subscription, with every attempt' },
)

export const DeliveryQuery = Type.Object(
  { ...PageQuery, status: Type.Optional(Type.Enum(['pending', 'succeeded', 'failed'])), eventType: Type.Optional(EventType) },
  { additionalProperties: false },
)

export const EventTypeList = Type.Object({
  items: Type.Array(Type.Object({ type: Text(50), description: Text(300) }), { maxItems: 50 }),
})

export type CreateWebhookBody = Static<typeof CreateWebhook>
export type UpdateWebhookBody = Static<typeof UpdateWebhook>
export type WebhookBody = Static<typeof Webhook>
export type DeliveryQueryInput = Static<typeof DeliveryQuery>
