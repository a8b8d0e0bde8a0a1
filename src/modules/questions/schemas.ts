import { Type, type Static } from 'typebox'
import { Int32, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'

export const QUESTION_CATEGORIES = ['path', 'typical_day', 'likes_dislikes', 'future', 'advancement', 'advice', 'other'] as const
const Category = Type.Enum([...QUESTION_CATEGORIES], {
  description: 'path into the profession, typical day, likes and dislikes, where it is heading, advancement, advice, other',
})
const QuestionText = Type.String({ minLength: 3, maxLength: 500 })

export const CheckResult = Type.Object({
  text: Text(500),
  closed: Type.Boolean({ description: 'Answerable with yes or no (or a choice between given options)' }),
  reason: Type.Union([Text(300), Type.Null()]),
  suggestion: Type.Union([Text(600), Type.Null()], { description: 'An open-ended rephrasing' }),
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
