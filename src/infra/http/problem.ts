// Errors as RFC 9457 problem details. Every error the service answers has a stable `type` from this
// catalogue; services throw `Problem`s and one handler (errors.ts) renders them. GraphQL errors carry
// the same codes in `extensions.code`.
import type { Static } from 'typebox'
import type { ProblemSchema } from './schemas.js'
export const problemTypes = {
  'validation-failed': { status: 400, title: 'The request is not valid' },
  'malformed-request': { status: 400, title: 'The request is malformed and could not be read' },
  'query-too-costly': { status: 400, title: 'The GraphQL query asks for more than one request may' },
  'query-too-long': { status: 400, title: 'The GraphQL query has more tokens than one request may' },
  'credentials-missing': { status: 401, title: 'No bearer token was sent' },
  'token-malformed': { status: 401, title: 'The token is not a well-formed JWT' },
  'token-algorithm-rejected': { status: 401, title: 'The token is signed with an algorithm that is not accepted' },
  'token-signature-invalid': { status: 401, title: 'The token signature does not verify' },
  'token-expired': { status: 401, title: 'The token has expired' },
  'token-not-yet-valid': { status: 401, title: 'The token is not valid yet' },
  'token-issuer-untrusted': { status: 401, title: 'No trusted identity provider has this issuer' },
  'token-audience-invalid': { status: 401, title: 'The token is not meant for this service' },
  'token-key-unknown': { status: 401, title: 'The token is signed with an unknown key' },
  'token-claims-invalid': { status: 401, title: 'The token lacks a required claim' },
  'token-type-invalid': { status: 401, title: 'The token is not of the type this service accepts here' },
  'token-header-unsupported': { status: 401, title: 'The token requires a header extension this service does not understand' },
  'school-unknown': { status: 401, title: 'The school of this token does not exist' },
  'school-disabled': { status: 401, title: 'The school of this token is disabled' },
  'member-unknown': { status: 401, title: 'The member of this token is not provisioned' },
  'member-disabled': { status: 401, title: 'The member of this token is disabled' },
  'client-invalid': { status: 401, title: 'The client credentials are not valid' },
  forbidden: { status: 403, title: 'The caller may not do this' },
  'not-found': { status: 404, title: 'No such resource' },
  'method-not-allowed': { status: 405, title: 'The method is not allowed on this resource' },
  'idempotency-key-in-use': { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  'capacity-exhausted': { status: 409, title: 'The host has no capacity left for this' },
  'request-timeout': { status: 408, title: 'The request did not arrive in time' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'uri-too-long': { status: 414, title: 'The request URL or one of its path segments is too long' },
  'unsupported-media-type': { status: 415, title: 'The request body has an unsupported media type' },
  'request-header-too-large': { status: 431, title: 'The request headers are too large' },
  'unsupported-grant-type': { status: 400, title: 'The grant type is not supported' },
  'idempotency-key-reused': { status: 422, title: 'This Idempotency-Key was used for a different request' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Something went wrong on our side' },
  'service-unavailable': { status: 503, title: 'The service is temporarily unavailable' },
} as const satisfies Record<string, { status: number; title: string }>

export type ProblemCode = keyof typeof problemTypes

export const PROBLEM_TYPE_PREFIX = 'urn:vantage:problem:'

export function problemType(code: ProblemCode): string {
  return `${PROBLEM_TYPE_PREFIX}${code}`
}

/** The body of a problem answer: the wire schema's fields (schemas.ts, ProblemSchema) and the extensions a problem adds. */
export type ProblemBody = Static<typeof ProblemSchema> & { [extension: string]: unknown }

export class Problem extends Error {
  readonly code: ProblemCode
  readonly status: number
  readonly extensions: Record<string, unknown>
  readonly headers: Record<string, string>

  constructor(
    code: ProblemCode,
    detail?: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail ?? problemTypes[code].title, { cause: options.cause })
    this.name = 'Problem'
    this.code = code
    this.status = problemTypes[code].status
    this.extensions = options.extensions ?? {}
    this.headers = options.headers ?? {}
  }

  /** The name Fastify and plugins with their own error handlers (mercurius at /graphql) read the status by. */
  get statusCode(): number {
    return this.status
  }

  toBody(instance?: string): ProblemBody {
    return {
      type: problemType(this.code),
      title: problemTypes[this.code].title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...this.extensions,
    }
  }
}

export const notFound = (what = 'resource') => new Problem('not-found', `No such ${what}`)
export const forbidden = (detail = 'Your role or scopes do not allow this') => new Problem('forbidden', detail)
/** A 400 naming one failing field, as the schema validator's answers do ("body.endsOn must …"). */
export const invalidField = (field: string, message: string) =>
  new Problem('validation-failed', `${field} ${message}`, { extensions: { errors: [{ field, message }] } })
