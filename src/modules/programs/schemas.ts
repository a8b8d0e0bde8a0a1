import { Type, type Static } from 'typebox'
import { DateOrInstant } from '../../infra/http/range.js'
import { Int32, Nullable, PageQuery, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'
import { MeetingKindSchema, MeetingModeSchema } from '../hosts/schemas.js'
import { ReasonSchema } from '../matching/schemas.js'

const LocalDate = Type.String({ format: 'date', maxLength: 10, description: 'A date in the school\'s time zone' })

const programFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 4000 }))),
  kind: MeetingKindSchema,
  modes: Type.Array(MeetingModeSchema, { minItems: 1, maxItems: 3, uniqueItems: true, description: 'Modes the programme allows' }),
  startsOn: LocalDate,
  endsOn: LocalDate,
}

export const CreateProgram = Type.Object(programFields, {
  additionalProperties: false,
  examples: [{ name: 'Winter shadow week', description: 'One day with an alumnus in your field.', kind: 'job_shadow', modes: ['in_person'], startsOn: '2027-01-11', endsOn: '2027-01-15' }],
})

export const UpdateProgram = Type.Partial(Type.Object(programFields), { additionalProperties: false, minProperties: 1 })

export const ProgramHostInput = Type.Object(
  {
    hosts: Type.Array(
      Type.Object({ hostId: Uuid, capacity: Int32({ minimum: 0, maximum: 50, description: 'Students this host takes in the programme' }) }, { additionalProperties: false }),
      { maxItems: 2000 },
    ),
  },
  { additionalProperties: false, examples: [{ hosts: [{ hostId: '01936f7e-4c00-7a00-8000-000000000001', capacity: 2 }] }] },
)

export const ProgramStudentInput = Type.Object(
  {
    students: Type.Array(
      Type.Object(
        {
          studentId: Uuid,
          placements: Type.Optional(Int32({ minimum: 0, maximum: 5, default: 1, description: 'How many hosts the student is placed with (default 1)' })),
          preferences: Type.Optional(Type.Array(Uuid, { maxItems: 5, uniqueItems: true, description: 'Programme hosts in order of preference (first is best)' })),
          modes: Type.Optional(Type.Array(MeetingModeSchema, { minItems: 1, maxItems: 3, uniqueItems: true, description: 'Modes the student can do (default: the programme\'s)' })),
          location: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200, description: 'Where the student can meet in person; in-person pairs need a host there' }))),
        },
        { additionalProperties: false },
      ),
      { maxItems: 5000 },
    ),
  },
  { additionalProperties: false, examples: [{ students: [{ studentId: '01936f7e-2a10-7d01-8e22-0a1b2c3d4e5f', placements: 1, preferences: ['01936f7e-4c00-7a00-8000-000000000001'], location: 'Chicago' }] }] },
)

const ProgramHostRow = Type.Object({ hostId: Uuid, name: Nullable(Text(201)), organization: Nullable(Text(200)), capacity: Int32({ minimum: 0, maximum: 50 }) })
const ProgramStudentRow = Type.Object({
  studentId: Uuid,
  name: Nullable(Text(201)),
  placements: Int32({ minimum: 0, maximum: 5 }),
  preferences: Type.Array(Uuid, { maxItems: 5 }),
  modes: Type.Array(MeetingModeSchema, { maxItems: 3 }),
  location: Nullable(Text(200)),
})

export const Program = Type.Object(
  {
    id: Uuid,
    name: Text(200),
    description: Nullable(Text(4000)),
    kind: MeetingKindSchema,
    modes: Type.Array(MeetingModeSchema, { maxItems: 3 }),
    startsOn: LocalDate,
    endsOn: LocalDate,
    status: Type.Enum(['draft', 'published']),
    publishedRunId: Nullable(Uuid),
    publishedAt: Nullable(Timestamp),
    hostCount: Int32({ minimum: 0, maximum: 100000 }),
    studentCount: Int32({ minimum: 0, maximum: 100000 }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Program', title: 'Program' },
)

export const ProgramDetail = Type.Object(
  {
    program: Type.Ref('Program'),
    hosts: Type.Array(ProgramHostRow, { maxItems: 2000 }),
    students: Type.Array(ProgramStudentRow, { maxItems: 100000 }),
  },
  { description: 'A programme with its participants' },
)

const Pair = Type.Object({ studentId: Uuid, hostId: Uuid }, { additionalProperties: false })

export const CreateRun = Type.Object(
  {
    pins: Type.Optional(Type.Array(Pair, { maxItems: 1000, description: 'Pairs that must be in the assignment (they still count against capacity)' })),
    forbidden: Type.Optional(Type.Array(Pair, { maxItems: 5000, description: 'Pairs that must not be in the assignment' })),
  },
  { additionalProperties: false, examples: [{ pins: [{ studentId: '01936f7e-2a10-7d01-8e22-0a1b2c3d4e5f', hostId: '01936f7e-4c00-7a00-8000-000000000001' }], forbidden: [] }] },
)

export const UNMATCHED_REASONS = ['no_compatible_mode', 'no_host_in_field', 'no_host_available', 'all_pairs_forbidden', 'all_fitting_hosts_full', 'too_few_fitting_hosts'] as const

export const Run = Type.Object(
  {
    id: Uuid,
    programId: Uuid,
    createdBy: Nullable(Uuid),
    inputDigest: Text(64, { description: 'SHA-256 of the programme, participants, pins and forbidden pairs: equal digests give equal results' }),
    pins: Type.Array(Pair, { maxItems: 1000 }),
    forbidden: Type.Array(Pair, { maxItems: 5000 }),
    objective: Type.Number({ minimum: 0, description: 'Total fit of the pairs: the quantity the assignment maximizes' }),
    pairs: Type.Array(
      Type.Object({
        studentId: Uuid,
        studentName: Nullable(Text(200)),
        hostId: Uuid,
        hostName: Nullable(Text(200)),
        score: Type.Number({ minimum: 0, maximum: 1, description: 'The suggestion score of the pair' }),
        fit: Type.Number({ minimum: 0, maximum: 2, description: 'score plus the preference bonus' }),
        preferenceRank: Nullable(Int32({ minimum: 1, maximum: 5 })),
        pinned: Type.Boolean(),
        reasons: Type.Array(ReasonSchema, { maxItems: 12 }),
      }),
      { maxItems: 100000 },
    ),
    unmatched: Type.Array(
      Type.Object({
        studentId: Uuid,
        studentName: Nullable(Text(200)),
        placementsWanted: Int32({ minimum: 0, maximum: 5 }),
        placementsMade: Int32({ minimum: 0, maximum: 5 }),
        reason: Type.Enum([...UNMATCHED_REASONS]),
        detail: Text(300),
      }),
      { maxItems: 100000, description: 'Students with fewer placements than wanted, each with the constraint that blocked them' },
    ),
    stats: Type.Object({
      students: Int32({ minimum: 0, maximum: 100000 }),
      hosts: Int32({ minimum: 0, maximum: 100000 }),
      placementsWanted: Int32({ minimum: 0, maximum: 1000000 }),
      placementsMade: Int32({ minimum: 0, maximum: 1000000 }),
      candidatePairs: Int32({ minimum: 0, maximum: 100000000 }),
      solveMs: Type.Number({ minimum: 0 }),
      placementGini: Type.Number({ minimum: 0, maximum: 1, description: 'Gini coefficient of placements per programme host (0 spread evenly, towards 1 all on one host)' }),
    }),
    publishedAt: Nullable(Timestamp),
    createdAt: Timestamp,
  },
  { $id: 'AssignmentRun', title: 'AssignmentRun' },
)

export const RunSummary = Type.Object({
  id: Uuid,
  inputDigest: Text(64),
  objective: Type.Number({ minimum: 0 }),
  placementsMade: Int32({ minimum: 0, maximum: 1000000 }),
  unmatchedStudents: Int32({ minimum: 0, maximum: 100000 }),
  publishedAt: Nullable(Timestamp),
  createdAt: Timestamp,
})

export const PublishResult = Type.Object({
  run: Type.Ref('AssignmentRun'),
  requestsCreated: Int32({ minimum: 0, maximum: 1000000 }),
  skipped: Type.Array(
    Type.Object({ studentId: Uuid, hostId: Uuid, existingRequestId: Uuid }),
    { maxItems: 100000, description: 'Pairs whose student already had a request waiting for that host: no second request was sent' },
  ),
})

export const HostLoad = Type.Object(
  {
    hosts: Type.Array(
      Type.Object({
        hostId: Uuid,
        name: Nullable(Text(201)),
        requests: Int32({ minimum: 0, maximum: 10000000 }),
        placements: Int32({ minimum: 0, maximum: 10000000 }),
        capacity: Nullable(Int32({ minimum: 0, maximum: 10000000 })),
      }),
      { maxItems: 100000, description: 'Most-asked first' },
    ),
    requestGini: Type.Number({ minimum: 0, maximum: 1, description: 'Gini coefficient of requests per host: 0 spread evenly, near 1 all on a few' }),
    placementGini: Type.Number({ minimum: 0, maximum: 1, description: 'Gini coefficient of placements (accepted requests) per host' }),
  },
  { description: 'How the asks spread over hosts, so over-asked alumni show up' },
)

export const HostLoadQuery = Type.Object(
  {
    from: Type.Optional(DateOrInstant('Requests created from (default 365 days before to)')),
    to: Type.Optional(DateOrInstant('Requests created before (a date: up to the end of that day; default now)')),
  },
  { additionalProperties: false },
)

export const ProgramListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false })

export type CreateProgramBody = Static<typeof CreateProgram>
export type UpdateProgramBody = Static<typeof UpdateProgram>
export type ProgramBody = Static<typeof Program>
export type ProgramHostInputBody = Static<typeof ProgramHostInput>
export type ProgramStudentInputBody = Static<typeof ProgramStudentInput>
export type CreateRunBody = Static<typeof CreateRun>
export type RunBody = Static<typeof Run>
export type HostLoadBody = Static<typeof HostLoad>
