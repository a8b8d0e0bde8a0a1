import { Type, type Static } from 'typebox'
import { Int32, Nullable, PageQuery, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'
import { MeetingKindSchema, MeetingModeSchema } from '../hosts/schemas.js'
import { Window } from '../meetings/schemas.js'

export const HOST_REQUEST_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn', 'expired'] as const
const Status = Type.Enum([...HOST_REQUEST_STATUSES])

export const CreateHostRequests = Type.Object(
  {
    hostIds: Type.Array(Uuid, {
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
      description: 'The hosts to ask, at most the school\'s hostRequestFanout (default 3); when one accepts, the others are withdrawn',
    }),
    kind: MeetingKindSchema,
    purpose: Type.String({ minLength: 1, maxLength: 2000, description: 'What the student wants to learn; information, not a job' }),
    mode: MeetingModeSchema,
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Place (in person) or link (video); required for those modes unless the host sets it on accepting' })),
    proposedSlots: Type.Array(Window, { minItems: 1, maxItems: 10, description: 'Windows the student can make; the host picks one' }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        hostIds: ['01936f7e-4c00-7a00-8000-000000000001', '01936f7e-4c00-7a00-8000-000000000002'],
        kind: 'informational_interview',
        purpose: 'I am exploring nursing and would value 30 minutes to learn about your path; I am not asking about jobs.',
        mode: 'video',
        proposedSlots: [{ startsAt: '2026-12-03T15:00:00Z', endsAt: '2026-12-03T15:30:00Z' }],
      },
    ],
  },
)

export const AcceptHostRequest = Type.Object(
  {
    slot: Int32({ minimum: 0, maximum: 9, description: 'Index of the chosen window in proposedSlots' }),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Place or link, when the request left it to the host' })),
  },
  { additionalProperties: false, examples: [{ slot: 0, location: 'https://meet.example/abc-defg' }] },
)

export const DeclineHostRequest = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Shown to the student' })) },
  { additionalProperties: false, examples: [{ reason: 'I am travelling that month; please try me again in January.' }] },
)

const SharedStudent = Type.Object(
  {
    id: Uuid,
    name: Nullable(Text(201), { description: 'Null when the student does not share it' }),
    major: Nullable(Text(120), { description: 'Null when the student does not share it' }),
    graduationYear: Nullable(Int32({ minimum: 1900, maximum: 2200 }), { description: 'Null when the student does not share it' }),
    fieldsOfInterest: Type.Array(Text(120), { maxItems: 20, description: 'Empty when the student does not share them' }),
    backgroundTags: Type.Array(Text(60), { maxItems: 20, description: 'Empty when the student does not share them' }),
  },
  {
    description:
      'The student as the caller may see them. Hosts see only what the student shares (PATCH /v1/members/{id}/sharing), and nothing but the id of a student who opted out of directory information (FERPA §99.37); the student, advisors and admins see everything',
  },
)

const HostSummary = Type.Object(
  {
    memberId: Uuid,
    name: Nullable(Text(201)),
    organization: Nullable(Text(200)),
    title: Nullable(Text(200)),
    responseRate: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    lastActiveAt: Nullable(Timestamp),
    contact: Nullable(
      Type.Object({ email: Nullable(Text(254)), phone: Nullable(Text(40)) }, { description: 'Shown to the student once the host accepted; to advisors and admins always' }),
    ),
  },
  { description: 'The host as the student sees them' },
)

export const HostRequest = Type.Object(
  {
    id: Uuid,
    groupId: Uuid,
    status: Status,
    meetingId: Uuid,
    programId: Nullable(Uuid),
    kind: MeetingKindSchema,
    purpose: Text(2000),
    mode: MeetingModeSchema,
    location: Nullable(Text(500)),
    proposedSlots: Type.Array(Window, { maxItems: 10 }),
    scheduled: Nullable(Window),
    score: Nullable(Type.Number({ minimum: 0, maximum: 2 })),
    reasons: Type.Array(Type.Object({ code: Text(40), text: Text(300) }), {
      maxItems: 20,
      description: 'Why the match was made, written to the student. Shown to the host without the reasons that would name fields or background the student does not share',
    }),
    declineReason: Nullable(Text(1000)),
    expiresAt: Timestamp,
    respondedAt: Nullable(Timestamp),
    student: SharedStudent,
    host: HostSummary,
    createdAt: Timestamp,
  },
  { $id: 'HostRequest', title: 'HostRequest' },
)

export const HostRequestGroup = Type.Object(
  { groupId: Uuid, items: Type.Array(Type.Ref('HostRequest'), { maxItems: 10 }) },
  { description: 'The requests sent together, one per host' },
)

export const HostRequestListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Status),
    hostId: Type.Optional(Uuid),
    studentId: Type.Optional(Uuid),
    groupId: Type.Optional(Uuid),
    programId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
)

export type CreateHostRequestsBody = Static<typeof CreateHostRequests>
export type AcceptHostRequestBody = Static<typeof AcceptHostRequest>
export type DeclineHostRequestBody = Static<typeof DeclineHostRequest>
export type HostRequestBody = Static<typeof HostRequest>
export type HostRequestListQueryBody = Static<typeof HostRequestListQuery>
