// The school's question bank. Every school starts with the standard topics (standard-bank.ts);
// advisors and admins add, reword, reorder and archive questions. Archived questions stay, so the
// copies meetings keep still name where they came from.
import type { Tenant } from '../../infra/db/database.js'
import { notFound } from '../../infra/http/problem.js'
import type { Question as QuestionRow } from '../../generated/prisma/client.js'
import { checkQuestion } from './checker/index.js'
import type { CreateQuestionBody, QuestionBody, QuestionListQueryBody, UpdateQuestionBody } from './schemas.js'
import { STANDARD_BANK } from './standard-bank.js'

export const MAX_BANK_SIZE = 500

export function toQuestion(row: QuestionRow): QuestionBody {
  return {
    id: row.id,
    category: row.category,
    text: row.text,
    position: row.position,
    archived: row.archived,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** Writes the standard bank for a school that has no questions yet; returns how many were written. */
export async function seedQuestionBank({ db, schoolId }: Tenant): Promise<number> {
  if ((await db.question.count({ where: { schoolId } })) > 0) return 0
  const { count } = await db.question.createMany({
    data: STANDARD_BANK.map(([category, text], position) => ({ schoolId, category, text, position })),
  })
  return count
}

export async function listQuestions({ db, schoolId }: Tenant, query: QuestionListQueryBody) {
  const rows = await db.question.findMany({
    where: { schoolId, ...(query.category ? { category: query.category } : {}), ...(query.includeArchived ? {} : { archived: false }) },
    orderBy: [{ category: 'asc' }, { position: 'asc' }, { id: 'asc' }],
    take: MAX_BANK_SIZE,
  })
  return { items: rows.map(toQuestion) }
}

export async function createQuestion({ db, schoolId }: Tenant, input: CreateQuestionBody) {
  const row = await db.question.create({ data: { schoolId, category: input.category, text: input.text.trim(), position: input.position ?? 0 } })
  return { question: toQuestion(row), check: checkQuestion(row.text) }
}

export async function updateQuestion({ db, schoolId }: Tenant, id: string, input: UpdateQuestionBody) {
  const current = await db.question.findUnique({ where: { schoolId_id: { schoolId, id } }, select: { id: true } })
  if (!current) throw notFound('question')
  const row = await db.question.update({ where: { schoolId_id: { schoolId, id } }, data: { ...input, ...(input.text ? { text: input.text.trim() } : {}) } })
  return { question: toQuestion(row), check: checkQuestion(row.text) }
}
