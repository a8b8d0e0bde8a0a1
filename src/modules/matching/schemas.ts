import { Type, type Static } from 'typebox'
import { DateOrInstant } from '../../infra/http/range.js'
import { Int32, Nullable, Text, Timestamp } from '../../infra/http/schemas.js'
import { MeetingKindSchema, MeetingModeSchema } from '../hosts/schemas.js'
import { Window } from '../meetings/schemas.js'
import { HostIdentity } from '../hosts/schemas.js'


export const ReasonSchema = Type.Object(
  {
    code: Type.Enum(['shared_field', 'shared_background', 'knows_organization', 'available', 'capacity_left', 'responsive', 'preference', 'pinned']),
    text: Text(300),
  },
  { description: 'One human-readable reason behind a match' },
)

export const SuggestionQuery = Type.Object(
  {
    kind: MeetingKindSchema,
    field: Type.Optional(Type.String({ minLength: 1, maxLength: 120, description: 'The field to explore; without it, the student\'s fields of interest' })),
    organization: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'An organization the student wants to learn about' })),
    mode: Type.Optional(MeetingModeSchema),
    from: Type.Optional(DateOrInstant('Start of the window to look in (default now)')),
    to: Type.Optional(DateOrInstant('End of the window to look in (a date: up to the end of that day; default 30 days after from; at most 180)')),
    limit: Int32({ minimum: 1, maximum: 50, default: 10 }),
  },
  { additionalProperties: false },
)

export const Suggestions = Type.Object(
  {
    goal: Type.Object({
      kind: MeetingKindSchema,
      field: Nullable(Text(120)),
      organization: Nullable(Text(200)),
      mode: Nullable(MeetingModeSchema),
      from: Timestamp,
      to: Timestamp,
    }),
    backgroundTagsUsed: Type.Boolean({ description: 'False when the student chose not to share their background tags: they were not used' }),
    items: Type.Array(
      Type.Object({
        host: Type.Object({
          ...HostIdentity,
          modes: Type.Array(MeetingModeSchema, { maxItems: 3 }),
          location: Nullable(Text(200)),
          backgroundTags: Type.Array(Text(60), { maxItems: 20 }),
          responseRate: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
          lastActiveAt: Timestamp,
        }),
        score: Type.Number({ minimum: 0, maximum: 1 }),
        reasons: Type.Array(ReasonSchema, { maxItems: 10 }),
        firstAvailable: Window,
        openRequests: Int32({ minimum: 0, maximum: 1000 }),
        meetingsLeftThisMonth: Int32({ minimum: 0, maximum: 1000 }),
      }),
      { maxItems: 50, description: 'Best first: by score, then the less-loaded host' },
    ),
  },
  { description: 'Hosts who offer the kind and mode, accept now, have capacity and an available window in the range' },
)

export type SuggestionQueryBody = Static<typeof SuggestionQuery>
export type SuggestionsBody = Static<typeof Suggestions>
