import { Type, type Static } from 'typebox'
import { SCHOOL_ROLES } from '../../infra/auth/principal.js'
import { Int32, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'

export const SchoolSettings = Type.Object(
  {
    // No schema defaults here: a PATCH naming one setting must not reset the others (defaults are
    // applied when settings are read, see effectiveSettings() in settings.ts).
    thankYouWindowHours: Type.Optional(Int32({ minimum: 1, maximum: 168, description: 'Hours after a meeting ends by which the thank-you note is due (default 24)' })),
    interviewMinMinutes: Type.Optional(Int32({ minimum: 15, maximum: 30, description: 'Shortest informational interview (default 30; a school may widen to 15)' })),
    interviewMaxMinutes: Type.Optional(Int32({ minimum: 60, maximum: 120, description: 'Longest informational interview (default 60; a school may widen to 120)' })),
    hostRequestFanout: Type.Optional(Int32({ minimum: 1, maximum: 10, description: 'How many hosts one request may go to at once (default 3); when one accepts, the others are withdrawn' })),
    hostRequestExpiryDays: Type.Optional(Int32({ minimum: 1, maximum: 60, description: 'Days a request to a host waits for an answer before it expires (default 7)' })),
    terms: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 60 }),
            startsOn: Type.String({ format: 'date', maxLength: 10 }),
            endsOn: Type.String({ format: 'date', maxLength: 10 }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 40,
          description:
            'The school\'s terms, for hosts\' shadow-day limits (dates in the school\'s time zone; terms must not overlap). Without them a year has three terms: January-May, June-August and September-December.',
        },
      ),
    ),
    matchingWeights: Type.Optional(
      Type.Object(
        {
          field: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
          organization: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
          background: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
          capacity: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
          responsiveness: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        },
        {
          additionalProperties: false,
          description: 'Weights of the host-suggestion score, each 0-1 (see docs/hosts-and-matching.md); the field weight may not be below 0.1, so relevance always counts',
        },
      ),
    ),
    scimRoleMapping: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.Enum([...SCHOOL_ROLES]), {
        maxProperties: 50,
        description: 'SCIM provisioning: the values an identity provider sends in a user\'s roles, and the Vantage role each one means. student, alumni and advisor stand for themselves unless mapped; school_admin is granted only through this mapping',
      }),
    ),
  },
  { additionalProperties: false, description: 'School-wide settings' },
)

const Slug = Type.String({ pattern: '^[a-z0-9](?:-?[a-z0-9])*$', minLength: 2, maxLength: 63, description: 'URL-safe identifier, fixed once created' })
const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. America/New_York' })
const SchoolStatus = Type.Enum(['active', 'disabled'], { description: 'A disabled school\'s tokens are rejected' })

export const School = Type.Object(
  {
    id: Uuid,
    slug: Slug,
    name: Text(200),
    timeZone: TimeZone,
    status: SchoolStatus,
    settings: SchoolSettings,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'School', title: 'School' },
)

export const CreateSchool = Type.Object(
  {
    slug: Slug,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    timeZone: TimeZone,
    settings: Type.Optional(SchoolSettings),
  },
  { examples: [{ slug: 'north-state', name: 'North State University', timeZone: 'America/Chicago', settings: { thankYouWindowHours: 24 } }], additionalProperties: false },
)

export const UpdateSchool = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    timeZone: Type.Optional(TimeZone),
    status: Type.Optional(SchoolStatus),
    settings: Type.Optional(SchoolSettings),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const SchoolParams = Type.Object({ schoolId: Uuid })

export type SchoolBody = Static<typeof School>
export type CreateSchoolBody = Static<typeof CreateSchool>
export type UpdateSchoolBody = Static<typeof UpdateSchool>
