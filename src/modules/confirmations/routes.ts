import { schoolOf } from '../schools/settings.js'
import { can, policy } from '../../infra/auth/policy.js'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import accepts from '@fastify/accepts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { logProblem, toProblem } from '../../infra/http/errors.js'
import { notFound } from '../../infra/http/problem.js'
import { Int32, Nullable, responses, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'
import { confirmationPage, PAGE_HEADERS, problemPage } from './page.js'
import { answer, confirmationLinks, describeLink, readLink, reliability } from './service.js'

const tags = ['meetings']
const TokenQuery = Type.Object({ link: Type.String({ minLength: 20, maxLength: 4000, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', description: 'The signed part of the link' }) }, { additionalProperties: false })
const Outcome = Type.Enum(['happened', 'no_show'], { description: 'happened: the meeting took place; no_show: the other party did not come' })
const Confirmation = Type.Object(
  {
    meeting: Type.Object({ id: Uuid, kind: Text(30), status: Text(30), startsAt: Timestamp, endsAt: Timestamp }),
    party: Type.Enum(['student', 'host'], { description: 'Whose link this is' }),
    outcome: Nullable(Outcome),
    answeredAt: Nullable(Timestamp),
    choices: Type.Array(Text(20), { maxItems: 2 }),
  },
  { title: 'MeetingConfirmation', description: 'What a confirmation link is about, and its answer once given' },
)
const Html = Type.String({ maxLength: 20000, description: 'An HTML page (for a person who opened the link in a browser)' })
const Links = Type.Object(
  {
    meetingId: Uuid,
    expiresAt: Timestamp,
    student: Nullable(Text(5000, { description: 'The student\'s link' })),
    host: Nullable(Text(5000, { description: 'The host\'s link (for advisors and school admins, who send it)' })),
  },
  { title: 'ConfirmationLinks' },
)
const Figure = Type.Object({
  confirmed: Int32({ minimum: 0, maximum: 1_000_000_000, description: 'Meetings the other party said took place' }),
  noShows: Int32({ minimum: 0, maximum: 1_000_000_000, description: 'Meetings the other party said this member did not come to' }),
  reliability: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'confirmed / (confirmed + noShows); null before any answer' })),
})
const Reliability = Type.Object({ memberId: Uuid, asStudent: Figure, asHost: Figure }, { title: 'Reliability' })

export default async function confirmationRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>()
  const signer = { keys: app.keys, issuer: app.config.auth.issuer, publicUrl: app.config.publicUrl }

  app.get('/v1/meetings/:meetingId/confirmation-links', {
    config: { access: policy('school:read') },
    schema: {
      operationId: 'getConfirmationLinks',
      tags,
      summary: 'After a meeting\'s end: the signed links by which the student and the host confirm it happened or report a no-show (the student and the host, the alumnus whose host request for it was accepted, each get their own; staff both)',
      params: Type.Object({ meetingId: Uuid }),
      response: responses({ 200: Links }, [404, 409]),
    },
    handler: async (request) => {
      const principal = request.principal!
      const staff = can(principal, 'students:read-all')
      return confirmationLinks(request.tenant, signer, request.params.meetingId, { memberId: principal.memberId ?? null, staff }, app.clock())
    },
  })

  // The link itself, opened by a person in a browser (an HTML page, its form posting back here) or
  // read by an API client (JSON); negotiated on Accept, with errors in the same form.
  await app.register(async (instance) => {
    const pages = instance.withTypeProvider<TypeBoxTypeProvider>()
    await pages.register(accepts)
    const wantsPage = (request: FastifyRequest) => request.accepts().type(['application/json', 'text/html']) === 'text/html'
    const sendPage = (reply: FastifyReply, status: number, html: string, headers: Record<string, string> = {}) =>
      reply.code(status).headers({ ...headers, ...PAGE_HEADERS }).type('text/html; charset=utf-8').send(html)
    const page = async (schoolId: string, described: ReturnType<typeof describeLink>, token: string, justAnswered = false) => {
      const school = await schoolOf(app.database, schoolId)
      return confirmationPage(described, school, `?link=${encodeURIComponent(token)}`, justAnswered)
    }
    // A refusal a browser asked for is a page with the problem's status; an API client's goes on to the service's problem+json.
    pages.setErrorHandler((error, request, reply) => {
      if (!wantsPage(request)) throw error
      const problem = toProblem(error as Error, request)
      logProblem(request, problem, error)
      return sendPage(reply, problem.status, problemPage(problem.status, problem.message), problem.headers)
    })

    pages.get('/v1/confirmations', {
      config: { public: true },
      schema: {
        operationId: 'readConfirmation',
        tags,
        summary: 'What a confirmation link is about (no sign-in: the link is the credential); a browser (Accept: text/html) gets a page with the two answers as buttons',
        security: [{ confirmationLink: [] }],
        querystring: TokenQuery,
        response: responses({ 200: { description: 'The link', content: { 'application/json': { schema: Confirmation }, 'text/html': { schema: Html } } } }, [404]),
      },
      handler: async (request, reply) => {
        const link = await readLink(app.database, signer, request.query.link)
        const described = describeLink(link)
        if (wantsPage(request)) return sendPage(reply, 200, await page(link.tenant.schoolId, described, request.query.link))
        return described
      },
    })

    pages.post('/v1/confirmations', {
      config: { public: true },
      schema: {
        operationId: 'answerConfirmation',
        tags,
        summary: 'Answer a confirmation link: the meeting happened, or the other party did not come (JSON, or the page\'s form post, answered with a page)',
        security: [{ confirmationLink: [] }],
        querystring: TokenQuery,
        // A link opened in a browser answers with a form post; an API client with JSON.
        consumes: ['application/json', 'application/x-www-form-urlencoded'],
        body: Type.Object({ outcome: Outcome }, { additionalProperties: false }),
        response: responses({ 200: { description: 'The link, answered', content: { 'application/json': { schema: Confirmation }, 'text/html': { schema: Html } } } }, [404, 409]),
      },
      handler: async (request, reply) => {
        const link = await readLink(app.database, signer, request.query.link)
        request.confirmationSchoolId = link.tenant.schoolId
        const answered = await answer(link, request.body.outcome, app.clock())
        if (!wantsPage(request)) return answered
        return sendPage(reply, 200, await page(link.tenant.schoolId, answered, request.query.link, true))
      },
    })
  })

  app.get('/v1/members/:memberId/reliability', {
    config: { access: policy('school:read') },
    schema: {
      operationId: 'getReliability',
      tags: ['members'],
      summary: 'How often the other party confirmed this member came: as a student and as a host (advisors, school admins, the member)',
      params: Type.Object({ memberId: Uuid }),
      response: responses({ 200: Reliability }, [404]),
    },
    handler: async (request) => {
      const principal = request.principal!
      const staff = can(principal, 'students:read-all')
      if (!staff && principal.memberId !== request.params.memberId) throw notFound('member')
      return reliability(request.tenant, request.params.memberId)
    },
  })
}
