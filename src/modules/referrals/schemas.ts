import { Type, type Static } from 'typebox'
import { Int32, Nullable, PageQuery, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'
import { CONTACT_SOURCES, CreateContact } from '../contacts/schemas.js'

export const REFERRAL_STATUSES = ['suggested', 'contacted', 'met', 'declined'] as const
const Status = Type.Enum([...REFERRAL_STATUSES])

const { source: _source, ...newContactFields } = CreateContact.properties

export const CreateReferral = Type.Object(
  {
    referrer: Type.Union(
      [
        Type.Object({ contactId: Uuid }, { additionalProperties: false }),
        Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      ],
      { description: 'Who suggested the person: one of your contacts, or someone by name' },
    ),
    referred: Type.Union(
      [
        Type.Object({ contactId: Uuid }, { additionalProperties: false }),
        Type.Object({ contact: Type.Object(newContactFields, { additionalProperties: false }) }, { additionalProperties: false }),
      ],
      { description: 'Whom they suggested: an existing contact, or a new one (created with source "referral")' },
    ),
    meetingId: Type.Optional(
      Type.String({ format: 'uuid', maxLength: 36, description: 'The meeting in which the referrer suggested the person (one of yours, with the referrer)' }),
    ),
    status: Type.Optional(Status),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { examples: [{ referrer: { contactId: '01936f7e-3b7a-7c21-9a51-2f1e0c4d5b6a' }, referred: { contact: { fullName: 'Dr. Sam Lee', organization: 'Mercy Hospital', email: 'sam.lee@mercy.example' } }, note: 'Runs the night shift; happy to talk' }], additionalProperties: false },
)

export const UpdateReferral = Type.Object(
  { status: Type.Optional(Status), note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) },
  { additionalProperties: false, minProperties: 1 },
)

export const Referral = Type.Object(
  {
    id: Uuid,
    studentId: Uuid,
    referrerContactId: Type.Union([Uuid, Type.Null()]),
    referrerName: Type.Union([Text(200), Type.Null()]),
    referredContactId: Uuid,
    meetingId: Nullable(Uuid),
    status: Status,
    note: Type.Union([Text(2000), Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { examples: [{ id: '01936f7e-5d00-7000-8000-000000000002', studentId: '01936f7e-2a10-7d01-8e22-0a1b2c3d4e5f', referrerContactId: '01936f7e-3b7a-7c21-9a51-2f1e0c4d5b6a', referrerName: null, referredContactId: '01936f7e-5d00-7000-8000-000000000003', status: 'suggested', note: 'Runs the night shift', createdAt: '2026-11-20T15:04:05.000Z', updatedAt: '2026-11-20T15:04:05.000Z' }], $id: 'Referral', title: 'Referral' },
)

export const ReferralListQuery = Type.Object(
  {
    studentId: Type.Optional(Type.String({ format: 'uuid', maxLength: 36, description: 'Advisors and admins: one student\'s referrals' })),
    status: Type.Optional(Status),
    ...PageQuery,
  },
  { additionalProperties: false },
)

export const Network = Type.Object(
  {
    studentId: Uuid,
    nodes: Type.Array(
      Type.Object({
        contactId: Uuid,
        fullName: Text(200),
        organization: Type.Union([Text(200), Type.Null()]),
        source: Type.Enum([...CONTACT_SOURCES]),
        degree: Int32({ minimum: 1, maximum: 100_000, description: '1: known directly; n + 1: referred by a degree-n contact' }),
      }),
      { maxItems: 100_000 },
    ),
    edges: Type.Array(
      Type.Object({
        referralId: Uuid,
        fromContactId: Type.Union([Uuid, Type.Null()]),
        fromName: Type.Union([Text(200), Type.Null()], { description: 'The referrer when named rather than a contact' }),
        toContactId: Uuid,
        status: Status,
      }),
      { maxItems: 100_000 },
    ),
    maxDegree: Int32({ minimum: 0, maximum: 100_000 }),
  },
  { $id: 'Network', title: 'Network', description: 'A student\'s network: contacts with their degree, and the referrals between them' },
)

export type ReferralBody = Static<typeof Referral>
export type CreateReferralBody = Static<typeof CreateReferral>
export type UpdateReferralBody = Static<typeof UpdateReferral>
export type ReferralListQueryBody = Static<typeof ReferralListQuery>
export type NetworkBody = Static<typeof Network>
