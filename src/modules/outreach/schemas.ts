import { Type, type Static } from 'typebox'
import { Int32, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'
import { CONTACT_SOURCES } from '../contacts/schemas.js'

export const OUTREACH_CHANNELS = ['email', 'linkedin', 'phone', 'introduction', 'organization'] as const
export const OUTREACH_OUTCOMES = ['no_reply', 'replied', 'declined', 'agreed'] as const
const Channel = Type.Enum([...OUTREACH_CHANNELS])
const Outcome = Type.Enum([...OUTREACH_OUTCOMES], { description: 'no_reply until the person answers; replied, declined or agreed (to meet)' })

export const CreateOutreach = Type.Object(
  {
    channel: Channel,
    sentAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 30, description: 'When it was sent (default: now; not in the future)' })),
    message: Type.Optional(Type.String({ maxLength: 5000 })),
    mutualContact: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'The person who referred you; required on the first outreach to a referral-sourced contact' }),
    ),
    outcome: Type.Optional(Outcome),
  },
  { additionalProperties: false },
)

export const UpdateOutreach = Type.Object(
  {
    outcome: Outcome,
    outcomeAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 30, description: 'When the answer came (default: now)' })),
  },
  { additionalProperties: false },
)

export const Outreach = Type.Object(
  {
    id: Uuid,
    contactId: Uuid,
    studentId: Uuid,
    channel: Channel,
    sentAt: Timestamp,
    message: Type.Union([Text(5000), Type.Null()]),
    mutualContact: Type.Union([Text(200), Type.Null()]),
    outcome: Outcome,
    outcomeAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Outreach', title: 'Outreach' },
)

const Rate = Type.Object({
  attempts: Int32({ minimum: 0, maximum: 2_000_000_000 }),
  replies: Int32({ minimum: 0, maximum: 2_000_000_000, description: 'Attempts answered at all: replied, declined or agreed' }),
  agreed: Int32({ minimum: 0, maximum: 2_000_000_000 }),
  replyRate: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: 'replies / attempts; null without attempts' }),
})

export const OutreachStats = Type.Object({
  overall: Rate,
  bySource: Type.Array(Type.Object({ source: Type.Enum([...CONTACT_SOURCES]), ...Rate.properties }), { maxItems: CONTACT_SOURCES.length }),
  byChannel: Type.Array(Type.Object({ channel: Channel, ...Rate.properties }), { maxItems: OUTREACH_CHANNELS.length }),
})

export const OutreachStatsQuery = Type.Object(
  { studentId: Type.Optional(Type.String({ format: 'uuid', maxLength: 36, description: 'Advisors and admins: one student (default: the whole school)' })) },
  { additionalProperties: false },
)

export type OutreachBody = Static<typeof Outreach>
export type CreateOutreachBody = Static<typeof CreateOutreach>
export type UpdateOutreachBody = Static<typeof UpdateOutreach>
