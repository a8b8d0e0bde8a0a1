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
  { $id: 'Question', title: 'Question' },
)

export const CreateQuestion = Type.Object(
  { category: Category, text: QuestionText, position: Type.Optional(Int32({ minimum: 0, maximum: 10000 })) },
  { additionalProperties: false },
)
export const UpdateQuestion = Type.Partial(
  Type.Object({ category: Category, text: QuestionText, position: Int32({ minimum: 0, maximum: 10000 }), archived: Type.Boolean() }, { additionalProperties: false }),
  { minProperties: 1 },
)
export const QuestionListQuery = Type.Object(
  { category: Type.Optional(Category), includeArchived: Type.Boolean({ default: false }) },
  { additionalProperties: false },
)
export const CheckQuestions = Type.Object(
  { questions: Type.Array(QuestionText, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
)

export type QuestionBody = Static<typeof Question>
export type CreateQuestionBody = Static<typeof CreateQuestion>
export type UpdateQuestionBody = Static<typeof UpdateQuestion>
export type QuestionListQueryBody = Static<typeof QuestionListQuery>
