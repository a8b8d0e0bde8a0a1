// One place renders every error as application/problem+json. Validation and other client errors pass
// through with their details; server errors are logged in full and answered without internals
// (no stack, no SQL). A database that cannot be reached answers 503 with Retry-After. Requests that
// Fastify's router (frameworkErrors) or Node's HTTP parser (clientErrorHandler) refuse before any
// route runs get the same shape; app.ts hands both to Fastify.
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Problem, type ProblemCode, problemTypes } from './problem.js'

const statusCodes: Partial<Record<number, ProblemCode>> = Object.fromEntries(
  Object.entries(problemTypes).map(([code, { status }]) => [status, code as ProblemCode]),
)
statusCodes[400] = 'validation-failed'
statusCodes[401] = 'credentials-missing'

/** Signals that the database is down or unreachable, as raised by pg, the pool and Prisma's adapter. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>()
  let current: unknown = error
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current)
    const { code, message, kind, name } = current as { code?: unknown; message?: unknown; kind?: unknown; name?: unknown }
    if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08006', '08001', '08003', 'P1001', 'P1017', 'P2024'].includes(code)) return true
    if (typeof kind === 'string' && ['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections'].includes(kind)) return true
    if (typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down)|Query read timeout/i.test(message)) return true
    if (name === 'DriverAdapterError' && typeof (current as { cause?: { originalCode?: unknown } }).cause?.originalCode === 'string') {
      if (/^(08|57P)/.test((current as { cause: { originalCode: string } }).cause.originalCode)) return true
    }
    current = (current as { cause?: unknown }).cause
  }
  return false
}

/** The SQLSTATE PostgreSQL reported, wherever Prisma or the driver adapter put it. */
function sqlState(error: unknown): string | undefined {
  const seen = new Set<unknown>()
  let current: unknown = error
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current)
    const { originalCode, code, meta } = current as { originalCode?: unknown; code?: unknown; meta?: { driverAdapterError?: unknown; code?: unknown } }
    for (const candidate of [originalCode, code, meta?.code]) {
      if (typeof candidate === 'string' && /^[0-9A-Z]{5}$/.test(candidate) && !/^P\d{4}$/.test(candidate)) return candidate
    }
    current = meta?.driverAdapterError ?? (current as { cause?: unknown }).cause
  }
  return undefined
}

function prismaProblem(error: unknown): Problem | undefined {
  // Class 22, data exception: a value the database cannot take (out of range, bad encoding).
  if (sqlState(error)?.startsWith('22')) return new Problem('validation-failed', 'A value in the request cannot be stored')
  const code = (error as { code?: unknown })?.code
  if (code === 'P2025') return new Problem('not-found', 'No such resource')
  if (code === 'P2002') return new Problem('conflict', 'A resource with the same unique key already exists')
  return undefined
}

type ValidationIssue = NonNullable<FastifyError['validation']>[number]

const isUnionNoise = (issue: ValidationIssue) =>
  issue.keyword === 'anyOf' || issue.keyword === 'oneOf' || (issue.keyword === 'type' && (issue.params as { type?: unknown }).type === 'null')

/**
 * Ajv reports a nullable field's bad value three times: the value's own failure, "must be null" and
 * "must match a schema in anyOf". The last two say nothing to the caller when the first is there.
 */
function withoutUnionNoise(issues: ValidationIssue[]): ValidationIssue[] {
  return issues.filter(
    (issue) =>
      !isUnionNoise(issue) ||
      !issues.some(
        (other) => !isUnionNoise(other) && (other.instancePath === issue.instancePath || other.instancePath.startsWith(`${issue.instancePath}/`)),
      ),
  )
}

export function toProblem(error: FastifyError | Error, request?: FastifyRequest): Problem {
  if (error instanceof Problem) return error
  const fastifyError = error as FastifyError
  if (fastifyError.validation) {
    const errors = withoutUnionNoise(fastifyError.validation).map((issue) => {
      const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
      const missing = (issue.params as { missingProperty?: string }).missingProperty
      const extra = (issue.params as { additionalProperty?: string }).additionalProperty
      const field = [fastifyError.validationContext, path, missing ?? extra].filter(Boolean).join('.')
      return { field, message: extra ? 'is not a known property' : issue.message ?? 'is not valid' }
    })
    return new Problem('validation-failed', `${errors.length} field${errors.length === 1 ? ' is' : 's are'} not valid`, {
      extensions: { errors },
    })
  }
  const mapped = prismaProblem(error)
  if (mapped) return mapped
  // 57014, query_canceled: the statement ran past DB_QUERY_TIMEOUT_MS (the server's statement_timeout).
  // Like the client's own timeout (below), it is the service's limit, not a failure: 503, retry later.
  if (sqlState(error) === '57014') {
    return new Problem('service-unavailable', 'The request took longer than the service allows; try again shortly, or ask for less', { headers: { 'retry-after': '5' }, cause: error })
  }
  if (isDatabaseUnavailable(error)) {
    return new Problem('service-unavailable', 'The database is unavailable; try again shortly', { headers: { 'retry-after': '5' }, cause: error })
  }
  const status = fastifyError.statusCode
  if (status && status >= 400 && status < 500) {
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new Problem('payload-too-large')
    if (fastifyError.code === 'FST_ERR_BAD_URL') return new Problem('malformed-request', 'The URL is not validly percent-encoded')
    if (fastifyError.code === 'FST_ERR_MAX_PARAM_LENGTH') return new Problem('uri-too-long', 'A segment of the URL path is longer than any identifier the API uses')
    if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return new Problem('unsupported-media-type', `Content-Type ${request?.headers['content-type'] ?? '(none)'} is not accepted here; send application/json`)
    }
    const code = statusCodes[status] ?? 'validation-failed'
    return new Problem(code, fastifyError.message)
  }
  if (status === 503) return new Problem('service-unavailable', fastifyError.message, { headers: { 'retry-after': '5' } })
  return new Problem('internal', 'An unexpected error occurred; it has been logged', { cause: error })
}

/**
 * An unexpected error is logged as an error, with its stack. A 5xx the service chose to answer (the
 * database is unreachable, the service is shutting down) is a warning without a stack: it is how
 * the service works, not a failure of it. A 4xx is the caller's, logged at info.
 */
export function logProblem(request: FastifyRequest, problem: Problem, error: unknown) {
  if (problem.code === 'internal') request.log.error({ err: error }, 'request failed')
  else if (problem.status >= 500) request.log.warn({ problem: problem.code, detail: problem.message }, 'request refused')
  else request.log.info({ problem: problem.code, detail: problem.message }, 'request rejected')
}

export function sendProblem(reply: FastifyReply, problem: Problem) {
  reply.code(problem.status).headers(problem.headers).type('application/problem+json')
  return reply.send(problem.toBody(reply.request.url.split('?')[0]))
}

/** Fastify's `frameworkErrors`: a URL the router cannot decode (FST_ERR_BAD_URL) or a path parameter over maxParamLength. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(error, request)
  logProblem(request, problem, error)
  return sendProblem(reply, problem)
}

/**
 * Fastify's `clientErrorHandler`, for what Node's HTTP parser refuses before there is a request:
 * headers over the server's limit (431), a request that did not arrive within requestTimeout (408),
 * and anything that is not well-formed HTTP/1.1 (400). The answer is written to the socket, which
 * is then closed, as Fastify's own handler does.
 */
export function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Duplex) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW' ? new Problem('request-header-too-large', 'The request line and headers together exceed the server\'s limit')
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? new Problem('request-timeout', 'The request was not received in time')
    : new Problem('malformed-request', 'The request is not well-formed HTTP/1.1')
  this.log.debug({ err: error, problem: problem.code }, 'client error')
  if (socket.writable) {
    const body = JSON.stringify(problem.toBody())
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(error)
}

export default fp(
  async function errorsPlugin(app: FastifyInstance) {
    // Fastify parses text/plain bodies by default, so text sent to a JSON route would fail validation
    // as "body must be object" (400). No route takes text: without the parser it is a 415 instead.
    app.removeContentTypeParser('text/plain')
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const problem = toProblem(error, request)
      logProblem(request, problem, error)
      return sendProblem(reply, problem)
    })
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, new Problem('not-found', `No route ${request.method} ${request.url.split('?')[0]}`)),
    )
  },
  { name: 'errors' },
)
