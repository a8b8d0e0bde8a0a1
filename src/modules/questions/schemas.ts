import { Type, type Static } from 'typebox'
import { Int32, Nullable, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'
import { GUIDE_TOPICS, TOPICS } from './checker/index.js'

/** The bank's categories are the guide's six topics and other: the checker's topics. */
export const QUESTION_CATEGORIES = TOPICS
const TOPIC_DESCRIPTION = 'path into the profession, typical day, likes and dislikes, where it is heading, advancement, advice, other'
const Category = Type.Enum([...QUESTION_CATEGORIES], { description: TOPIC_DESCRIPTION })
export const PUBLIC_SOURCE_KINDS = ['company-facts', 'statistics', 'definition', 'requirements'] as const

export const PublicSourceFinding = Nullable(
  Type.Object(
    {
      kind: Type.Enum([...PUBLIC_SOURCE_KINDS], { description: 'company-facts (founding, size, revenue, headquarters, products, leadership, listing), statistics (published pay, growth), definition (terms, acronyms), requirements (degrees, licences, exams a website states)' }),
      reason: Text(400),
      suggestion: Text(600, { description: 'A question that asks for the person\'s own experience of the same subject' }),
    },
    { additionalProperties: false },
  ),
  { description: 'What public fact the question asks for (the student could look it up instead), or null' },
)
const GuideTopic = Type.Enum([...GUIDE_TOPICS])
export const ListCheck = Type.Object(
  {
    topicsCovered: Type.Array(GuideTopic, { maxItems: 6, description: 'The guide\'s six topics with at least one question, in the guide\'s order' }),
    topicsMissing: Type.Array(GuideTopic, { maxItems: 6, description: 'The guide\'s topics the list leaves out' }),
    repeats: Type.Array(
      Type.Object({ first: Int32({ minimum: 0, maximum: 99 }), second: Int32({ minimum: 0, maximum: 99 }) }),
      { maxItems: 4950, description: 'Pairs of questions (positions in the list, from 0) that ask the same thing' },
    ),
  },
  { additionalProperties: false },
)
const QuestionText = Type.String({ minLength: 3, maxLength: 500 })

export const CheckResult = Type.Object({
  text: Text(500),
  closed: Type.Boolean({ description: 'Answerable with yes or no (or a choice between given options)' }),
  reason: Type.Union([Text(300), Type.Null()]),
  suggestion: Type.Union([Text(600), Type.Null()], { description: 'An open-ended rephrasing' }),
  publicSource: PublicSourceFinding,
  topic: Type.Enum([...TOPICS], { description: `Which of the guide's topics it is on: ${TOPIC_DESCRIPTION}` }),
})

export const Question = Type.Object(
  {
    id: Uuid,
    category: Category,
    text: Text(500),
    position: Int32({ minimum: 0, maximum: 10000 }),
    archived: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { examples: [{ id: '01936f7e-6e00-7000-8000-000000000004', category: 'typical_day', text: 'What does a typical day look like for you?', position: 3, archived: false, createdAt: '2026-11-20T15:04:05.000Z', updatedAt: '2026-11-20T15:04:05.000Z' }], $id: 'Question', title: 'Question' },
)

export const CreateQuestion = Type.Object(
  { category: Category, text: QuestionText, position: Type.Optional(Int32({ minimum: 0, maximum: 10000 })) },
  { examples: [{ category: 'advice', text: 'What would you tell your younger self about this field?' }], additionalProperties: false },
)
export const UpdateQuestion = Type.Partial(
  Type.Object({ category: Category, text: QuestionText, position: Int32({ minimum: 0, maximum: 10000 }), archived: Type.Boolean() }),
  // Type.Partial keeps only its own options: additionalProperties belongs here.
  { additionalProperties: false, minProperties: 1 },
)
export const QuestionListQuery = Type.Object(
  { category: Type.Optional(Category), includeArchived: Type.Boolean({ default: false }) },
  { additionalProperties: false },
)
export const CheckQuestions = Type.Object(
  { questions: Type.Array(QuestionText, { minItems: 1, maxItems: 100 }) },
  { examples: [{ questions: ['Do you like your job?', 'What does a typical day look like?'] }], additionalProperties: false },
)

export type QuestionBody = Static<typeof Question>
export type CreateQuestionBody = Static<typeof CreateQuestion>
export type UpdateQuestionBody = Static<typeof UpdateQuestion>
export type QuestionListQueryBody = Static<typeof QuestionListQuery>
