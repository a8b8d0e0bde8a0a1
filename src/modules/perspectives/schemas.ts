import { Type, type Static } from 'typebox'
import { Int32, Nullable, Text, Uuid } from '../../infra/http/schemas.js'

const Day = Type.String({ format: 'date', maxLength: 10 })

export const PerspectivesQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date', maxLength: 10, description: 'First day (in the school\'s time zone) of the meetings counted; default: the first' })),
    to: Type.Optional(Type.String({ format: 'date', maxLength: 10, description: 'Last day, included; default: today' })),
  },
  { additionalProperties: false },
)

const Counts = Type.Object({
  meetings: Int32({ minimum: 0, maximum: 1000000, description: 'Meetings held (completed)' }),
  people: Int32({ minimum: 0, maximum: 1000000, description: 'Different people met in them' }),
  organizations: Int32({ minimum: 0, maximum: 1000000 }),
  industries: Int32({ minimum: 0, maximum: 1000000 }),
  occupations: Int32({ minimum: 0, maximum: 1000000 }),
})
const Named = Type.Array(Type.Object({ name: Text(200), people: Int32({ minimum: 1, maximum: 1000000 }) }), { maxItems: 1000 })

export const Perspectives = Type.Object(
  {
    studentId: Uuid,
    from: Nullable(Day),
    to: Day,
    totals: Counts,
    byKind: Type.Object({ informational_interview: Counts, job_shadow: Counts }),
    overTime: Type.Array(
      Type.Object({ month: Type.String({ pattern: '^\\d{4}-\\d{2}$', maxLength: 7 }), meetings: Int32({ minimum: 0, maximum: 1000000 }), newPeople: Int32({ minimum: 0, maximum: 1000000, description: 'People met for the first time that month' }), people: Int32({ minimum: 0, maximum: 1000000, description: 'Different people met so far' }) }),
      { maxItems: 1200, description: 'Each month with a meeting held, in the school\'s time zone' },
    ),
    heardFrom: Type.Object(
      { organizations: Named, industries: Named, occupations: Named },
      { description: 'Who the student has heard from, most people first (names as the contacts spell them)' },
    ),
    fieldsOfInterest: Type.Array(
      Type.Object({
        field: Text(100),
        people: Int32({ minimum: 0, maximum: 1000000, description: 'People met whose industry or occupation is this field' }),
        perspectives: Type.Enum(['none', 'one', 'several']),
      }),
      { maxItems: 50, description: 'The student\'s own fields of interest, and how many views of each they have heard' },
    ),
    singlePerspective: Type.Array(Type.Object({ industry: Text(200), contactId: Uuid }), { maxItems: 1000, description: 'Industries in which the student met exactly one person: one view of that field (GraphQL singleViews)' }),
    suggestions: Type.Array(
      Type.Object({
        kind: Type.Enum(['contact', 'host'], { description: 'contact: one of the student\'s own contacts not yet met; host: an alumni host accepting requests' }),
        contactId: Nullable(Uuid),
        hostId: Nullable(Uuid, { description: 'The host\'s member id (GET /v1/hosts/{id}; request through POST /v1/host-requests)' }),
        name: Nullable(Text(300)),
        organization: Nullable(Text(200)),
        field: Text(200, { description: 'The field it adds a view of' }),
        reason: Text(500),
      }),
      { maxItems: 10, description: 'The next people to reach for another view, each with its reason' },
    ),
    advice: Text(500),
  },
  { $id: 'Perspectives', title: 'Perspectives', description: 'One view of many: the people, organizations, industries and occupations a student has heard from' },
)

export type PerspectivesQueryBody = Static<typeof PerspectivesQuery>
export type PerspectivesBody = Static<typeof Perspectives>
