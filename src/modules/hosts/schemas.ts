import { Type, type Static } from 'typebox'
import { Int32, Nullable, PageQuery, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'

export const MeetingKindSchema = Type.Enum(['informational_interview', 'job_shadow'])
export const MeetingModeSchema = Type.Enum(['in_person', 'video', 'phone'])
const Label = Type.String({ minLength: 1, maxLength: 120 })
const Tag = Type.String({ minLength: 1, maxLength: 60, pattern: '^[a-z0-9]+(?:[-_][a-z0-9]+)*$' })
const Time = Type.String({ pattern: '^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$', maxLength: 5, description: 'A local time, HH:MM (24:00 for midnight at the end of the day)' })
const LocalDate = Type.String({ format: 'date', maxLength: 10 })

export const WeeklyWindow = Type.Object(
  {
    weekday: Int32({ minimum: 1, maximum: 7, description: 'ISO weekday: 1 Monday … 7 Sunday' }),
    start: Time,
    end: Time,
  },
  { additionalProperties: false },
)

export const BlackoutSchema = Type.Object(
  { from: LocalDate, to: LocalDate },
  { additionalProperties: false, description: 'Dates (inclusive, host\'s time zone) on which the host is unavailable' },
)

export const AvailabilitySchema = Type.Object(
  {
    weeklyWindows: Type.Array(WeeklyWindow, { maxItems: 50, description: 'Overlapping or touching windows on one weekday are merged' }),
    blackouts: Type.Array(BlackoutSchema, { maxItems: 100, description: 'Overlapping or touching ranges are merged' }),
  },
  { additionalProperties: false },
)

export const CapacitySchema = Type.Object(
  {
    maxMeetingsPerMonth: Int32({ minimum: 0, maximum: 100, description: 'Booked meetings (interviews and shadows) starting in one calendar month' }),
    maxShadowDaysPerTerm: Int32({ minimum: 0, maximum: 200, description: 'Days of job shadows per school term' }),
    maxOpenRequests: Int32({ minimum: 0, maximum: 100, description: 'Requests waiting for the host\'s answer at any time' }),
  },
  { additionalProperties: false },
)

export const HostInput = Type.Object(
  {
    organization: Type.String({ minLength: 1, maxLength: 200 }),
    title: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    industries: Type.Array(Label, { maxItems: 10, uniqueItems: true }),
    occupations: Type.Array(Label, { maxItems: 10, uniqueItems: true }),
    offers: Type.Array(MeetingKindSchema, { minItems: 1, maxItems: 2, uniqueItems: true }),
    modes: Type.Array(MeetingModeSchema, { minItems: 1, maxItems: 3, uniqueItems: true }),
    location: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200, description: 'Where in-person meetings happen (city or site)' }))),
    backgroundTags: Type.Optional(Type.Array(Tag, { maxItems: 20, uniqueItems: true, description: 'Background the host chooses to share with students' })),
    bio: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 2000 }))),
    accepting: Type.Boolean({ description: 'Whether the host takes new requests now' }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone of the weekly windows' }),
    contactEmail: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254, description: 'Shown to a student only once the host accepted their request' }))),
    contactPhone: Type.Optional(Nullable(Type.String({ minLength: 3, maxLength: 40, pattern: '^[0-9+() .-]+$' }))),
    capacity: CapacitySchema,
    availability: AvailabilitySchema,
  },
  {
    additionalProperties: false,
    description: 'A host profile. PUT replaces: fields left out are cleared.',
    examples: [
      {
        organization: 'Mercy Hospital',
        title: 'Nurse practitioner',
        industries: ['Healthcare'],
        occupations: ['Nursing'],
        offers: ['informational_interview', 'job_shadow'],
        modes: ['in_person', 'video'],
        location: 'Chicago',
        backgroundTags: ['first-generation'],
        bio: 'Twelve years in emergency care; happy to talk about nursing school.',
        accepting: true,
        timeZone: 'America/Chicago',
        contactEmail: 'omar.haddad@mercy.example',
        capacity: { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: 5, maxOpenRequests: 6 },
        availability: { weeklyWindows: [{ weekday: 2, start: '09:00', end: '12:00' }, { weekday: 4, start: '13:00', end: '17:00' }], blackouts: [{ from: '2026-12-21', to: '2027-01-03' }] },
      },
    ],
  },
)

/** Who a host is, as every answer that shows a host begins (the profile, a suggestion). */
export const HostIdentity = {
  memberId: Uuid,
  name: Nullable(Text(201)),
  organization: Text(200),
  title: Nullable(Text(200)),
  industries: Type.Array(Text(120), { maxItems: 10 }),
  occupations: Type.Array(Text(120), { maxItems: 10 }),
}

export const Host = Type.Object(
  {
    ...HostIdentity,
    offers: Type.Array(MeetingKindSchema, { maxItems: 2 }),
    modes: Type.Array(MeetingModeSchema, { maxItems: 3 }),
    location: Nullable(Text(200)),
    backgroundTags: Type.Array(Text(60), { maxItems: 20 }),
    bio: Nullable(Text(2000)),
    accepting: Type.Boolean(),
    timeZone: Text(64),
    capacity: CapacitySchema,
    availability: AvailabilitySchema,
    responseRate: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'Share of requests the host answered (accepted or declined) rather than let expire; null before any' })),
    lastActiveAt: Timestamp,
    contact: Nullable(
      Type.Object(
        { email: Nullable(Text(254)), phone: Nullable(Text(40)) },
        { description: 'Private contact details: for the host, advisors and admins; students see them on an accepted request only' },
      ),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Host', title: 'Host' },
)

export const HostListQuery = Type.Object(
  {
    ...PageQuery,
    accepting: Type.Optional(Type.Boolean()),
    offers: Type.Optional(MeetingKindSchema),
    industry: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    organization: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)

export type HostInputBody = Static<typeof HostInput>
export type HostBody = Static<typeof Host>
export type HostListQueryBody = Static<typeof HostListQuery>
