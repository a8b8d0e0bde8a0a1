import { Type, type Static } from 'typebox'
import { Int32, Nullable, PageQuery, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'
import { CreateContact } from '../contacts/schemas.js'
import { WarningsSchema } from '../guide/job-ask.js'
import { TOPICS } from '../questions/checker/index.js'
import { ListCheck, PublicSourceFinding } from '../questions/schemas.js'

export const MEETING_KINDS = ['informational_interview', 'job_shadow'] as const
export const MEETING_STATUSES = ['requested', 'scheduled', 'resume_sent', 'completed', 'thank_you_sent', 'declined', 'cancelled', 'no_show'] as const
export const MEETING_MODES = ['in_person', 'video', 'phone'] as const
export const SEGMENT_KINDS = ['observe', 'conversation', 'debrief', 'other'] as const
/** The guide's seven steps (checklist.ts) and the states a step can be in. */
export const STEP_NAMES = ['arrange', 'resume', 'homework', 'questions', 'listen', 'time', 'follow-up'] as const
export const STEP_STATES = ['done', 'due', 'upcoming', 'missed', 'not_applicable'] as const

const Kind = Type.Enum([...MEETING_KINDS])
const Status = Type.Enum([...MEETING_STATUSES])
const Mode = Type.Enum([...MEETING_MODES])
const Instant = Type.String({ format: 'date-time', maxLength: 30 })

export const Window = Type.Object({ startsAt: Instant, endsAt: Instant }, { additionalProperties: false })

const Segment = Type.Object(
  {
    kind: Type.Enum([...SEGMENT_KINDS], { description: 'observe, short conversations with colleagues, debrief, or other' }),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    startsAt: Instant,
    endsAt: Instant,
  },
  { additionalProperties: false },
)

export const CreateMeeting = Type.Object(
  {
    contactId: Uuid,
    kind: Kind,
    purpose: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'What the student wants to learn; it says they seek information, not a job (the portal owns the wording)',
    }),
    mode: Mode,
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Place (in person) or link (video); may be left to the professional, and is required when the meeting is scheduled' })),
    proposedSlots: Type.Array(Window, { minItems: 1, maxItems: 10, description: 'Windows the student can make, each in the future and of a valid length' }),
  },
  { examples: [{ contactId: '01936f7e-3b7a-7c21-9a51-2f1e0c4d5b6a', kind: 'informational_interview', purpose: 'I am exploring nursing and would value 30 minutes to learn about your path; I am not asking about jobs.', mode: 'video', location: 'https://meet.example/abc-defg', proposedSlots: [{ startsAt: '2026-12-03T15:00:00Z', endsAt: '2026-12-03T15:30:00Z' }, { startsAt: '2026-12-04T18:00:00Z', endsAt: '2026-12-04T18:45:00Z' }] }], additionalProperties: false },
)

export const ScheduleMeeting = Type.Object(
  {
    startsAt: Instant,
    endsAt: Instant,
    mode: Type.Optional(Mode),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    debrief: Type.Optional(Window),
    itinerary: Type.Optional(Type.Array(Segment, { maxItems: 50, description: 'Job shadows: the plan of the visit, inside its window' })),
  },
  { examples: [{ startsAt: '2026-12-03T15:00:00Z', endsAt: '2026-12-03T15:30:00Z' }, { startsAt: '2026-12-07T14:00:00Z', endsAt: '2026-12-07T21:00:00Z', mode: 'in_person', location: 'Mercy Hospital, 3rd floor', debrief: { startsAt: '2026-12-07T20:30:00Z', endsAt: '2026-12-07T21:00:00Z' }, itinerary: [{ kind: 'observe', title: 'Morning rounds', startsAt: '2026-12-07T14:00:00Z', endsAt: '2026-12-07T16:00:00Z' }] }], additionalProperties: false },
)

export const ResumeSent = Type.Object(
  {
    sentAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 30, description: 'When it went out (default now): before the meeting starts, as the résumé is sent ahead' })),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Restates the time and thanks; default says the résumé is for information only' })),
  },
  { examples: [{ sentAt: '2026-12-01T10:00:00Z', note: 'Looking forward to Thursday at 10:00; my résumé is attached for information only.' }], additionalProperties: false },
)

export const Preparation = Type.Object(
  {
    homework: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    questionIds: Type.Optional(
      Type.Array(Type.String({ format: 'uuid', maxLength: 36 }), { maxItems: 30, uniqueItems: true, description: 'Questions chosen from the school\'s bank (their texts are copied)' }),
    ),
    customQuestions: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: 500 }), { maxItems: 30, description: 'Your own questions; closed ones are flagged with an open rephrasing, not refused' })),
  },
  { examples: [{ homework: 'Read the hospital\'s annual report', questionIds: ['01936f7e-3b7a-7c21-9a51-2f1e0c4d5b6b'], customQuestions: ['How did you choose pediatrics?'] }], additionalProperties: false, minProperties: 1 },
)

const { source: _source, ...newContactFields } = CreateContact.properties

export const CompleteMeeting = Type.Object(
  {
    notes: Type.Optional(Type.String({ maxLength: 20000 })),
    reflections: Type.Optional(Type.String({ maxLength: 20000 })),
    rating: Int32({ minimum: 1, maximum: 5 }),
    askedForReferrals: Type.Boolean(),
    endedAt: Type.Optional(Type.String({
      format: 'date-time',
      maxLength: 30,
      description: 'When the meeting actually ended: after its start, not in the future, within a day of the agreed end. Without it, the agreed end is recorded, and a meeting can be completed only once that has passed',
    })),
    referrals: Type.Optional(
      Type.Array(
        Type.Object(
          {
            referred: Type.Union([
              Type.Object({ contactId: Uuid }, { additionalProperties: false }),
              Type.Object({ contact: Type.Object(newContactFields, { additionalProperties: false }) }, { additionalProperties: false }),
            ]),
            note: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20, description: 'People the contact suggested; each becomes a referral from this meeting\'s contact' },
      ),
    ),
  },
  { examples: [{ notes: 'Night shifts are demanding but rewarding', reflections: 'Pediatrics appeals to me more than I expected', rating: 5, askedForReferrals: true, referrals: [{ referred: { contact: { fullName: 'Dr. Sam Lee', organization: 'Mercy Hospital' } } }] }], additionalProperties: false },
)

export const ThankYou = Type.Object({ sentAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 30, description: 'When it went out (default now): not before the meeting ended' })) }, { examples: [{ sentAt: '2026-12-03T20:00:00Z' }], additionalProperties: false })
export const CloseMeeting = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) }, { examples: [{ reason: 'The contact had to travel' }], additionalProperties: false })

const QuestionCopy = Type.Object({
  text: Text(500),
  source: Type.Enum(['custom', 'bank']),
  questionId: Nullable(Uuid),
  closed: Type.Boolean({ description: 'Reads as a yes/no question (see POST /v1/questions/check)' }),
  suggestion: Nullable(Text(600)),
  publicSource: PublicSourceFinding,
  topic: Type.Enum([...TOPICS]),
})

const Preparation_ = Type.Object(
  {
    homeworkDone: Type.Boolean({ description: 'Homework notes are recorded (research on the person, the organization and the field)' }),
    questionCount: Int32({ minimum: 0, maximum: 60 }),
    topicsCovered: ListCheck.properties.topicsCovered,
    topicsMissing: ListCheck.properties.topicsMissing,
    repeats: ListCheck.properties.repeats,
    closedQuestions: Type.Array(Int32({ minimum: 0, maximum: 59 }), { maxItems: 60, description: 'Positions in `questions` of the closed ones still in the list' }),
    publicSourceQuestions: Type.Array(Int32({ minimum: 0, maximum: 59 }), { maxItems: 60, description: 'Positions in `questions` of the ones a website or a report answers' }),
  },
  { description: 'The prepared questions read together, as the guide would: what the list still lacks before the meeting' },
)

export const Meeting = Type.Object(
  {
    id: Uuid,
    studentId: Uuid,
    contactId: Uuid,
    kind: Kind,
    status: Status,
    purpose: Text(2000),
    mode: Mode,
    location: Nullable(Text(500)),
    proposedSlots: Type.Array(Type.Object({ startsAt: Timestamp, endsAt: Timestamp }), { maxItems: 10 }),
    startsAt: Nullable(Timestamp),
    endsAt: Nullable(Timestamp),
    debrief: Nullable(Type.Object({ startsAt: Timestamp, endsAt: Timestamp })),
    itinerary: Type.Array(
      Type.Object({ kind: Type.Enum([...SEGMENT_KINDS]), title: Text(200), startsAt: Timestamp, endsAt: Timestamp }),
      { maxItems: 50 },
    ),
    resumeSentAt: Nullable(Timestamp),
    resumeNote: Nullable(Text(2000)),
    homework: Nullable(Text(10000)),
    questions: Type.Array(QuestionCopy, { maxItems: 60 }),
    preparation: Preparation_,
    notes: Nullable(Text(20000)),
    reflections: Nullable(Text(20000)),
    rating: Nullable(Int32({ minimum: 1, maximum: 5 })),
    askedForReferrals: Nullable(Type.Boolean()),
    completedAt: Nullable(Timestamp),
    endedAt: Nullable(Timestamp, { description: 'When the meeting actually ended (recorded on completion; the agreed end unless the student gave another)' }),
    overrunMinutes: Nullable(Int32({ minimum: 0, maximum: 1440, description: 'Minutes the meeting ran past its agreed end (0 when it kept to time); null until it is completed' })),
    thankYouDueAt: Nullable(Timestamp),
    thankYouSentAt: Nullable(Timestamp),
    thankYouOnTime: Nullable(Type.Boolean()),
    closedReason: Nullable(Text(1000)),
    closedAt: Nullable(Timestamp),
    allowedTransitions: Type.Array(Text(20), { maxItems: 10, description: 'What may happen next, e.g. ["schedule", "decline", "cancel"]' }),
    warnings: WarningsSchema,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { examples: [{ id: '01936f7e-7f00-7000-8000-000000000005', studentId: '01936f7e-2a10-7d01-8e22-0a1b2c3d4e5f', contactId: '01936f7e-3b7a-7c21-9a51-2f1e0c4d5b6a', kind: 'informational_interview', status: 'scheduled', purpose: 'I am exploring nursing and would value 30 minutes to learn about your path; I am not asking about jobs.', mode: 'video', location: 'https://meet.example/abc-defg', proposedSlots: [{ startsAt: '2026-12-03T15:00:00.000Z', endsAt: '2026-12-03T15:30:00.000Z' }], startsAt: '2026-12-03T15:00:00.000Z', endsAt: '2026-12-03T15:30:00.000Z', debrief: null, itinerary: [], resumeSentAt: null, resumeNote: null, homework: 'Read the annual report', questions: [{ text: 'How did you get started in this field?', source: 'bank', questionId: '01936f7e-6e00-7000-8000-000000000004', closed: false, suggestion: null, publicSource: null, topic: 'path' }], preparation: { homeworkDone: true, questionCount: 1, topicsCovered: ['path'], topicsMissing: ['typical_day', 'likes_dislikes', 'future', 'advancement', 'advice'], repeats: [], closedQuestions: [], publicSourceQuestions: [] }, notes: null, reflections: null, rating: null, askedForReferrals: null, completedAt: null, endedAt: null, overrunMinutes: null, thankYouDueAt: '2026-12-04T15:30:00.000Z', thankYouSentAt: null, thankYouOnTime: null, closedReason: null, closedAt: null, allowedTransitions: ['schedule', 'resume-sent', 'complete', 'cancel', 'no-show'], warnings: [], createdAt: '2026-11-20T15:04:05.000Z', updatedAt: '2026-11-20T15:04:05.000Z' }], $id: 'Meeting', title: 'Meeting' },
)

export const Checklist = Type.Object(
  {
    meetingId: Uuid,
    kind: Kind,
    status: Status,
    steps: Type.Array(
      Type.Object({
        step: Type.Enum([...STEP_NAMES]),
        number: Int32({ minimum: 1, maximum: 7 }),
        title: Text(200),
        state: Type.Enum([...STEP_STATES], { description: 'done; due (do it now, by dueAt when given); upcoming (at or after the meeting); missed; not_applicable (a shadow planned as observation only, or a meeting that did not take place)' }),
        dueAt: Nullable(Timestamp),
        detail: Text(1000, { description: 'What the records say, and what to do next' }),
      }),
      { minItems: 7, maxItems: 7 },
    ),
    next: Nullable(Type.Enum([...STEP_NAMES]), { description: 'The first step due' }),
    counts: Type.Object(Object.fromEntries(STEP_STATES.map((s) => [s, Int32({ minimum: 0, maximum: 7 })])) as Record<(typeof STEP_STATES)[number], ReturnType<typeof Int32>>),
  },
  {
    $id: 'MeetingChecklist',
    title: 'MeetingChecklist',
    description: 'The guide\'s seven steps for one meeting: arrange, résumé, homework, questions, listen, time, follow-up',
  },
)

export const MeetingListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    kind: Type.Optional(Kind),
    from: Type.Optional(Type.String({ format: 'date-time', maxLength: 30, description: 'Meetings whose window ends after this instant' })),
    to: Type.Optional(Type.String({ format: 'date-time', maxLength: 30, description: 'Meetings whose window starts before this instant' })),
    contactId: Type.Optional(Type.String({ format: 'uuid', maxLength: 36 })),
    studentId: Type.Optional(Type.String({ format: 'uuid', maxLength: 36, description: 'Advisors and admins: one student\'s meetings' })),
    overdueThankYou: Type.Optional(Type.Boolean({ description: 'Completed meetings whose thank-you is past due and not sent' })),
    ...PageQuery,
  },
  { additionalProperties: false },
)

export type MeetingBody = Static<typeof Meeting>
export type CreateMeetingBody = Static<typeof CreateMeeting>
export type ScheduleMeetingBody = Static<typeof ScheduleMeeting>
export type ResumeSentBody = Static<typeof ResumeSent>
export type PreparationBody = Static<typeof Preparation>
export type CompleteMeetingBody = Static<typeof CompleteMeeting>
export type ThankYouBody = Static<typeof ThankYou>
export type CloseMeetingBody = Static<typeof CloseMeeting>
export type MeetingListQueryBody = Static<typeof MeetingListQuery>
