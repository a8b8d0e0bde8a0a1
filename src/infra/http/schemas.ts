// Schema pieces shared by every module: the problem body, ids, pagination, error responses.
import { Type, type TSchema } from 'typebox'

export const Uuid = Type.String({ format: 'uuid', maxLength: 36, description: 'A UUID' })
export const Timestamp = Type.String({ format: 'date-time', maxLength: 30, description: 'An RFC 3339 date and time (UTC)' })

/** A bounded string: every string the API takes or gives has a length limit. */
export const Text = (maxLength: number, options: Record<string, unknown> = {}) => Type.String({ maxLength, ...options })
/**
 * A value or null. Null comes first: the validator coerces types, and a string-first union would
 * turn a JSON null into "" before it tried the null branch.
 */
export const Nullable = <T extends TSchema>(schema: T, options: { description?: string } = {}) => Type.Union([Type.Null(), schema], options)

/** Integers on the wire are 32-bit. */
export const Int32 = (options: Record<string, unknown> = {}) => Type.Integer({ format: 'int32', ...options })

export const ProblemSchema = Type.Object(
  {
    type: Text(200, { description: 'A stable URN naming the kind of error, e.g. urn:vantage:problem:not-found' }),
    title: Text(200),
    status: Int32({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Text(2000)),
    instance: Type.Optional(Text(2000)),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Text(500), message: Text(500) }), {
        description: 'For validation errors: each failing field',
        maxItems: 1000,
      }),
    ),
  },
  { $id: 'Problem', title: 'Problem', description: 'An RFC 9457 problem details object', additionalProperties: true },
)

const problemRef = Type.Ref('Problem')

const errorDescriptions: Record<number, string> = {
  400: 'The request is not valid (problem+json lists the failing fields)',
  401: 'Missing or rejected credentials',
  403: 'The caller may not do this',
  404: 'No such resource (also for another school\'s resources)',
  409: 'Conflicts with the current state',
  413: 'The request body is too large',
  415: 'Unsupported request media type',
  422: 'The request cannot be processed',
  429: 'Too many requests',
  500: 'Unexpected error',
  503: 'Temporarily unavailable; retry after the Retry-After delay',
}

/** Response schemas for a route: its success bodies plus the problem+json answers it may give. */
export function responses<T extends Record<number, TSchema>>(success: T, errors: number[] = []) {
  const all = [...new Set([400, 401, 403, 429, 500, 503, ...errors])].sort()
  const problems = Object.fromEntries(
    all.map((status) => [
      status,
      { description: errorDescriptions[status] ?? 'Error', content: { 'application/problem+json': { schema: problemRef } } },
    ]),
  )
  return { ...success, ...problems } as T
}

export const PageQuery = {
  limit: Int32({ minimum: 1, maximum: 100, default: 20, description: 'Page size (1-100)' }),
  cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'The nextCursor of the previous page' })),
}

export function Page<T extends TSchema>(item: T, description: string) {
  return Type.Object(
    {
      items: Type.Array(item, { maxItems: 100 }),
      nextCursor: Type.Union([Text(200), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' }),
    },
    { description },
  )
}
