import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { policy } from '../../infra/auth/policy.js'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { responses, Uuid } from '../../infra/http/schemas.js'
import { checkQuestions } from './checker/index.js'
import { CheckQuestions, CheckResult, CreateQuestion, ListCheck, Question, QuestionListQuery, UpdateQuestion } from './schemas.js'
import { createQuestion, listQuestions, MAX_BANK_SIZE, updateQuestion } from './service.js'

const tags = ['questions']
const schoolMembers = { access: policy('school:read') }
const editors = { access: policy('questions:edit') }

export default async function questionRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  app.addSchema(Question)
  const QuestionRef = Type.Ref('Question')
  const QuestionWithCheck = Type.Object({ question: QuestionRef, check: CheckResult })

  app.get('/v1/questions', {
    config: schoolMembers,
    schema: {
      operationId: 'listQuestions',
      tags,
      summary: 'The school\'s question bank, by category',
      querystring: QuestionListQuery,
      response: responses({ 200: Type.Object({ items: Type.Array(QuestionRef, { maxItems: MAX_BANK_SIZE }) }) }),
    },
    handler: async (request) => listQuestions(request.tenant, request.query),
  })

  app.post('/v1/questions', {
    config: editors,
    schema: {
      operationId: 'createQuestion',
      tags,
      summary: 'Add a question to the bank (the answer says whether it reads as closed)',
      body: CreateQuestion,
      response: responses({ 201: QuestionWithCheck }),
    },
    handler: async (request, reply) => reply.code(201).send(await createQuestion(request.tenant, request.body)),
  })

  app.patch('/v1/questions/:questionId', {
    config: editors,
    schema: {
      operationId: 'updateQuestion',
      tags,
      summary: 'Reword, recategorise, reorder or archive a question',
      params: Type.Object({ questionId: Uuid }),
      body: UpdateQuestion,
      response: responses({ 200: QuestionWithCheck }, [404]),
    },
    handler: async (request) => updateQuestion(request.tenant, request.params.questionId, request.body),
  })

  app.post('/v1/questions/check', {
    config: schoolMembers,
    schema: {
      operationId: 'checkQuestions',
      tags,
      summary: 'Read questions as the guide would: closed (yes/no) ones and ones a website answers, each with a rephrasing and the reason, their topics, and the list\'s topics covered, missing and repeated',
      body: CheckQuestions,
      response: responses({ 200: Type.Object({ results: Type.Array(CheckResult, { maxItems: 100 }), list: ListCheck }) }),
    },
    handler: async (request) => checkQuestions(request.body.questions),
  })
}
