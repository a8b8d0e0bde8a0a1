// Numbers in a request must be written as plain decimals. The validator coerces a string to a number
// with JavaScript's `+value`, which also takes "Infinity", "1e400", "0x10", "0b1" and " 5 "; and it
// checks minimum, maximum and format only on finite numbers, so `limit=Infinity` passed every bound.
// Before validation, each value that a route's schema (params, querystring, headers, body) declares
// as an integer or a number is checked here: a finite JSON number, or a string of decimal digits.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { toProblem } from './errors.js'

type Schema = {
  type?: string | string[]
  properties?: Record<string, Schema>
  additionalProperties?: boolean | Schema
  patternProperties?: Record<string, Schema>
  items?: Schema | Schema[]
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/
const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/

const typesOf = (schema: Schema) => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [])

const subschemas = (schema: Schema): Schema[] => [
  ...Object.values(schema.properties ?? {}),
  ...Object.values(schema.patternProperties ?? {}),
  ...(typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : []),
  ...(Array.isArray(schema.items) ? schema.items : schema.items ? [schema.items] : []),
  ...(schema.anyOf ?? []),
  ...(schema.oneOf ?? []),
  ...(schema.allOf ?? []),
]

const numericSchemas = new WeakMap<Schema, boolean>()

/** Whether the schema declares a number anywhere (most do not, and their values are not walked). */
function declaresNumber(schema: Schema): boolean {
  let known = numericSchemas.get(schema)
  if (known === undefined) {
    known = typesOf(schema).some((type) => type === 'integer' || type === 'number') || subschemas(schema).some(declaresNumber)
    numericSchemas.set(schema, known)
  }
  return known
}

function numberIssue(schema: Schema, value: unknown): string | undefined {
  const types = typesOf(schema)
  const integer = types.includes('integer') && !types.includes('number')
  const message = integer ? 'must be an integer written in decimal digits' : 'must be a number written in decimal notation'
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : message
  if (typeof value !== 'string' || !(integer ? INTEGER : DECIMAL).test(value) || !Number.isFinite(Number(value))) return message
  return undefined
}

/** As the validator reports a failing value: where it is (a JSON pointer) and what is wrong. */
interface Issue {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
  message: string
}

const pointer = (path: string, key: string | number) => `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`

/** The values that the schema declares numeric but that are not written as plain finite numbers. */
function findIssues(schema: Schema, value: unknown, path: string, depth = 0): Issue[] {
  if (value === undefined || depth > 32 || !declaresNumber(schema)) return []
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) {
    // A union takes the value when one branch does: Nullable(Int32) takes null, a string branch any text.
    let first: Issue[] | undefined
    for (const branch of alternatives) {
      const types = typesOf(branch)
      if (types.length === 1 && types[0] === 'null') {
        if (value === null) return []
        continue
      }
      const issues = findIssues(branch, value, path, depth + 1)
      if (!issues.length) return []
      first ??= issues
    }
    return first ?? []
  }
  const fromAllOf = (schema.allOf ?? []).flatMap((part) => findIssues(part, value, path, depth + 1))
  if (fromAllOf.length) return fromAllOf
  const types = typesOf(schema)
  if (types.includes('null') && value === null) return []
  if (types.includes('integer') || types.includes('number')) {
    if (types.includes('string')) return []
    // Coercion unwraps a one-item array (a query parameter given once) and takes the item.
    const scalar = Array.isArray(value) && value.length === 1 ? value[0] : value
    const message = numberIssue(schema, scalar)
    return message ? [{ instancePath: path, keyword: 'type', params: { type: types.join(',') }, message }] : []
  }
  if (types.includes('array') && schema.items && !Array.isArray(schema.items)) {
    // Coercion wraps a lone value (a query parameter given once) in an array.
    if (!Array.isArray(value)) return findIssues(schema.items, value, path, depth + 1)
    return value.flatMap((item, index) => findIssues(schema.items as Schema, item, pointer(path, index), depth + 1))
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, item]) => {
      const property =
        schema.properties?.[key] ??
        Object.entries(schema.patternProperties ?? {}).find(([pattern]) => new RegExp(pattern, 'u').test(key))?.[1] ??
        (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined)
      return property ? findIssues(property, item, pointer(path, key), depth + 1) : []
    })
  }
  return []
}

/** In the order Fastify validates them; it reports the first part that fails. */
const PARTS = [
  ['params', 'params'],
  ['body', 'body'],
  ['querystring', 'query'],
  ['headers', 'headers'],
] as const satisfies ReadonlyArray<readonly ['params' | 'body' | 'querystring' | 'headers', keyof FastifyRequest]>

async function checkNumbers(request: FastifyRequest) {
  const schema = request.routeOptions.schema as Record<string, Schema | undefined> | undefined
  if (!schema) return
  const found = PARTS.map(([part, property]) => [part, property, schema[part] ? findIssues(schema[part], request[property], '') : []] as const)
  if (found.every(([, , issues]) => !issues.length)) return
  // Refused together with everything else the validator finds wrong in the same part, as
  // validation would be (its verdict taken on a copy); where it refuses a value itself, its
  // message stands, and the values it would have taken are added.
  for (const [part, property, issues] of found) {
    const validate = request.getValidationFunction(part)
    const reported = validate && !validate(structuredClone(request[property])) ? (validate.errors ?? []) : []
    const unreported = issues.filter((issue) => !reported.some((error) => error.instancePath === issue.instancePath))
    const validation = [...reported, ...unreported]
    if (validation.length) throw toProblem(Object.assign(new Error('validation failed'), { statusCode: 400, validation, validationContext: part }) as FastifyError)
  }
}

export default fp(
  async function numericInputPlugin(app: FastifyInstance) {
    // Only routes whose schema declares a number anywhere get the check: the others (health, most
    // reads by id) pay nothing for it.
    app.addHook('onRoute', (route) => {
      const schema = route.schema as Record<string, Schema | undefined> | undefined
      if (!schema || !PARTS.some(([part]) => schema[part] && declaresNumber(schema[part]))) return
      const existing = route.preValidation ? (Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation]) : []
      route.preValidation = [checkNumbers, ...existing]
    })
  },
  { name: 'numeric-input' },
)
