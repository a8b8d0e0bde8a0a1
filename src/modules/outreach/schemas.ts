import { Type, type Static } from 'typebox'
import { Int32, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'
import { CONTACT_SOURCES } from '../contacts/schemas.js'
import { WarningsSchema } from '../guide/job-ask.js'

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
  { examples: [{ channel: 'email', sentAt: '2026-11-20T15:04:00Z', message: 'Dear Ms Park, …', mutualContact: 'Maya Okafor' }], additionalProperties: false },
)

export const UpdateOutreach = Type.Object(
  {
    outcome: Outcome,
    outcomeAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 30, description: 'When the answer came (default: now)' })),
  },
  { examples: [{ outcome: 'agreed', outcomeAt: '2026-11-21T09:00:00Z' }], additionalProperties: false },
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
    referralId: Type.Union([Uuid, Type.Null()], { description: 'The recorded referral the mutual contact stands for (the referrer so named, or the one referral of this contact); null when none' }),
    outcome: Outcome,
    outcomeAt: Type.Union([Timestamp, Type.Null()]),
    warnings: WarningsSchema,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { examples: [{ id: '01936f7e-4c00-7000-8000-000000000001', contactId: '01936f7e-3b7a-7c21-9a51-2f1e0c4d5b6a', studentId: '01936f7e-2a10-7d01-8e22-0a1b2c3d4e5f', channel: 'email', sentAt: '2026-11-20T15:04:05.000Z', message: 'Dear Ms Park, …', mutualContact: null, referralId: null, outcome: 'agreed', outcomeAt: '2026-11-21T09:00:00.000Z', warnings: [], createdAt: '2026-11-20T15:04:05.000Z', updatedAt: '2026-11-21T09:00:00.000Z' }], $id: 'Outreach', title: 'Outreach' },
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
