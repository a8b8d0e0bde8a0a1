// The events a school can subscribe to. Each is raised in the transaction of the change that causes
// it (prisma/migrations/*_webhooks: triggers calling webhook_emit) or by the reminder task
// (reminders.ts), and carries ids only: the consumer reads details through the API with its own access.
export const EVENT_TYPES = {
  'meeting.requested': 'A student asked a contact or host for a meeting (data: meetingId, studentId, contactId, kind, status)',
  'meeting.scheduled': 'A meeting got its time (same data)',
  'meeting.rescheduled': 'A scheduled meeting moved to another time (same data)',
  'meeting.completed': 'A meeting took place; the thank-you deadline starts (same data)',
  'meeting.cancelled': 'A meeting was cancelled, also when its host request expired (same data)',
  'meeting.preparation_due': 'A booked meeting starts within PREPARATION_DUE_SOON_HOURS and its preparation is open: résumé not sent, no homework notes or no questions (same data; GET /v1/meetings/{id}/checklist says which); once per meeting',
  'thank_you.due_soon': 'A completed meeting\'s thank-you note is due within THANK_YOU_DUE_SOON_HOURS and not sent (same data); once per meeting',
  'thank_you.overdue': 'A completed meeting\'s thank-you deadline passed without a note (same data); once per meeting',
  'referral.created': 'A student recorded a referral (data: referralId, studentId, meetingId, referrerContactId, referredContactId)',
  'host_request.received': 'An alumni host received a request (data: hostRequestId, hostId, studentId, meetingId, programId)',
  'host_request.expired': 'A host request waited past its expiry unanswered (same data); once per request',
  'program.published': 'A cohort programme\'s assignment was published (data: programId, runId)',
  'member.erased': 'A member\'s personal data was erased (data: memberId); delete what you copied about them',
} as const

export type EventType = keyof typeof EVENT_TYPES
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[]
