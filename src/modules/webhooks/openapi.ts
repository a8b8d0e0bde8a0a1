// The events as OpenAPI 3.1 `webhooks`: what a receiver gets for each type, and how to answer.
import { EVENT_TYPES, type EventType } from './events.js'

const id = (description: string) => ({ type: 'string', format: 'uuid', maxLength: 36, description })
const nullableId = (description: string) => ({ anyOf: [{ type: 'null' }, id(description)] })
/** An event's data: an object with every property given, all required. */
const object = (properties: Record<string, object>) => ({ type: 'object', required: Object.keys(properties), properties })

const meeting = object({
  meetingId: id('GET /v1/meetings/{id}'),
  studentId: id('The student (a member id)'),
  contactId: id('The contact met'),
  kind: { type: 'string', enum: ['informational_interview', 'job_shadow'] },
  status: { type: 'string', enum: ['requested', 'scheduled', 'resume_sent', 'completed', 'thank_you_sent', 'declined', 'cancelled', 'no_show'] },
})
const hostRequest = object({
  hostRequestId: id('GET /v1/host-requests/{id}'),
  hostId: id('The alumni host (a member id)'),
  studentId: id('The student'),
  meetingId: id('The meeting the request asks for'),
  programId: nullableId('The cohort programme that made the request, if any'),
})
const DATA: Record<EventType, object> = {
  'meeting.requested': meeting,
  'meeting.scheduled': meeting,
  'meeting.rescheduled': meeting,
  'meeting.completed': meeting,
  'meeting.cancelled': meeting,
  'meeting.preparation_due': meeting,
  'thank_you.due_soon': meeting,
  'thank_you.overdue': meeting,
  'referral.created': object({
    referralId: id('The referral'),
    studentId: id('The student'),
    meetingId: nullableId('The meeting in which the referral was made, if any'),
    referrerContactId: nullableId('Who suggested the contact, when they are a contact'),
    referredContactId: id('The contact suggested'),
  }),
  'host_request.received': hostRequest,
  'host_request.expired': hostRequest,
  'program.published': object({ programId: id('GET /v1/programs/{id}'), runId: id('The published assignment run') }),
  'member.erased': object({ memberId: id('The member whose personal data was erased') }),
}

const header = (name: string, description: string, pattern: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string', maxLength: 1000, pattern },
})

export function webhookDocuments(): Record<string, unknown> {
  return Object.fromEntries(
    (Object.keys(EVENT_TYPES) as EventType[]).map((type) => [
      type,
      {
        post: {
          operationId: `event-${type.replace(/[._]/g, '-')}`,
          summary: EVENT_TYPES[type],
          description:
            'Delivered as Standard Webhooks (https://www.standardwebhooks.com) to the subscribed URL. Verify ' +
            '`webhook-signature` (HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` with the secret) before ' +
            'trusting the body; during a secret rotation it carries one signature per valid secret. `webhook-id` is ' +
            'the same on every retry and redelivery: drop one already seen. Order is not guaranteed; `timestamp` ' +
            'says when the change happened.',
          tags: ['webhooks'],
          security: [],
          parameters: [
            header('webhook-id', 'The event id, the same on every attempt', '^[0-9a-f-]{36}$'),
            header('webhook-timestamp', 'Seconds since the Unix epoch, when this attempt was signed', '^[0-9]{1,12}$'),
            header('webhook-signature', 'Space-separated `v1,<base64 signature>` entries', '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$'),
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['type', 'timestamp', 'data'],
                  additionalProperties: false,
                  properties: {
                    type: { type: 'string', const: type },
                    timestamp: { type: 'string', format: 'date-time', maxLength: 30, description: 'When the change happened' },
                    data: { ...DATA[type], additionalProperties: false },
                  },
                },
              },
            },
          },
          responses: {
            '200': { description: 'Any 2xx: received. Anything else, no answer within WEBHOOK_TIMEOUT_MS or a refused connection is retried on WEBHOOK_RETRY_SCHEDULE' },
            '410': { description: 'Gone: the subscription is disabled and receives nothing until a school admin enables it again' },
          },
        },
      },
    ]),
  )
}
