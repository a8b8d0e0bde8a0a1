// SCIM 2.0 Users as Vantage members (RFC 7643 §4.1): the one part of provisioning written by hand.
// Filters are parsed by scim2-parse-filter and PATCH operations applied by scim-patch; what is ours
// is which member column each SCIM attribute is, and which role each value of `roles` grants.
//
//   id                    the member's id
//   userName              the member's external id: the value the school's tokens carry (its
//                         identity provider's member id claim), unique in the school, case-insensitive
//   externalId            the identity provider's own id for the person (kept as given)
//   name.givenName/familyName, displayName (read only: the two names)
//   emails                one address (the primary, or the first)
//   active                status: active, or disabled (history kept)
//   roles[].value         student, alumni, advisor; any other value through the school's
//                         scimRoleMapping, which alone can grant school_admin
//   urn:…:vantage:2.0:User  major, graduationYear, fieldsOfInterest
import type { Filter } from 'scim2-parse-filter'
import type { Prisma, Member as MemberRow } from '../../generated/prisma/client.js'
import { SCHOOL_ROLES, type SchoolRole } from '../../infra/auth/principal.js'
import { displayName } from '../members/display.js'
import { insensitiveEquals } from '../../infra/db/text-match.js'

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User'
export const VANTAGE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:vantage:2.0:User'
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'

export interface ScimUser {
  schemas: string[]
  id?: string
  externalId?: string | null
  userName: string
  name?: { givenName?: string | null; familyName?: string | null; formatted?: string | null }
  displayName?: string | null
  emails?: Array<{ value: string; type?: string; primary?: boolean }>
  active?: boolean
  roles?: Array<{ value: string; primary?: boolean; display?: string }>
  [VANTAGE_SCHEMA]?: { major?: string | null; graduationYear?: number | null; fieldsOfInterest?: string[] }
  meta: { resourceType: 'User'; created: Date | string; lastModified: Date | string; location: string; version: string }
}

/** A problem in SCIM's terms (RFC 7644 §3.12): the status and, for 400 and 409, the scimType. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: string | null,
    detail: string,
  ) {
    super(detail)
  }
}

/** The weak ETag of a member's current version. */
export const versionOf = (row: Pick<MemberRow, 'updatedAt'>) => `W/"${row.updatedAt.getTime()}"`

export function toScimUser(row: MemberRow, base: string): ScimUser {
  const extension = { major: row.major, graduationYear: row.graduationYear, fieldsOfInterest: row.fieldsOfInterest }
  return {
    schemas: [USER_SCHEMA, VANTAGE_SCHEMA],
    id: row.id,
    externalId: row.scimExternalId,
    userName: row.externalId,
    name: { givenName: row.givenName, familyName: row.familyName, formatted: displayName(row) },
    displayName: displayName(row),
    emails: row.email ? [{ value: row.email, type: 'work', primary: true }] : [],
    active: row.status === 'active',
    roles: row.roles.map((value, i) => ({ value, primary: i === 0 })),
    [VANTAGE_SCHEMA]: extension,
    meta: { resourceType: 'User', created: row.createdAt.toISOString(), lastModified: row.updatedAt.toISOString(), location: `${base}/Users/${row.id}`, version: versionOf(row) },
  }
}

export interface MemberFields {
  externalId: string
  scimExternalId: string | null
  givenName: string | null
  familyName: string | null
  email: string | null
  status: 'active' | 'disabled'
  roles: SchoolRole[]
  major: string | null
  graduationYear: number | null
  fieldsOfInterest: string[]
}

const USER_NAME = /^[A-Za-z0-9._:@|-]{1,200}$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

const text = (value: unknown, field: string, max: number): string | null => {
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string' || value.length > max) throw new ScimError(400, 'invalidValue', `${field} must be a string of at most ${max} characters`)
  return value.trim() || null
}

/**
 * The member a SCIM User describes, checked as the member API checks it. `defaultRoles` stand when
 * the user names none (a new user: student; a replaced one: the roles it had).
 */
export function fromScimUser(user: Partial<ScimUser> & Record<string, unknown>, roleMapping: Record<string, SchoolRole>, defaultRoles: SchoolRole[]): MemberFields {
  if (!Array.isArray(user.schemas) || !user.schemas.includes(USER_SCHEMA)) throw new ScimError(400, 'invalidSyntax', `schemas must include ${USER_SCHEMA}`)
  if (typeof user.userName !== 'string' || !USER_NAME.test(user.userName)) {
    throw new ScimError(400, 'invalidValue', 'userName is required: 1-200 letters, digits and . _ : @ | -')
  }
  const emails = user.emails ?? []
  if (!Array.isArray(emails)) throw new ScimError(400, 'invalidSyntax', 'emails must be a list')
  const email = (emails.find((e) => e?.primary) ?? emails[0])?.value ?? null
  if (email !== null && (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email))) throw new ScimError(400, 'invalidValue', 'emails[].value must be an email address')
  if (user.active !== undefined && typeof user.active !== 'boolean') throw new ScimError(400, 'invalidValue', 'active must be true or false')
  const extension = (user[VANTAGE_SCHEMA] ?? {}) as NonNullable<ScimUser[typeof VANTAGE_SCHEMA]>
  const year = extension.graduationYear ?? null
  if (year !== null && (!Number.isInteger(year) || year < 1900 || year > 2200)) throw new ScimError(400, 'invalidValue', `${VANTAGE_SCHEMA}:graduationYear must be a year`)
  const fields = extension.fieldsOfInterest ?? []
  if (!Array.isArray(fields) || fields.length > 20 || fields.some((f) => typeof f !== 'string' || !f.trim() || f.length > 120)) {
    throw new ScimError(400, 'invalidValue', `${VANTAGE_SCHEMA}:fieldsOfInterest must be at most 20 names of up to 120 characters`)
  }
  return {
    externalId: user.userName,
    scimExternalId: text(user.externalId, 'externalId', 200),
    givenName: text(user.name?.givenName, 'name.givenName', 100),
    familyName: text(user.name?.familyName, 'name.familyName', 100),
    email: email?.toLowerCase() ?? null,
    status: user.active === false ? 'disabled' : 'active',
    roles: rolesOf(user.roles, roleMapping) ?? defaultRoles,
    major: text(extension.major, `${VANTAGE_SCHEMA}:major`, 120),
    graduationYear: year,
    fieldsOfInterest: [...new Set(fields.map((f) => f.trim()))],
  }
}

/** The Vantage roles the user's `roles` values grant; undefined when it names none. */
function rolesOf(roles: ScimUser['roles'] | undefined, mapping: Record<string, SchoolRole>): SchoolRole[] | undefined {
  if (roles === undefined || roles === null) return undefined
  if (!Array.isArray(roles)) throw new ScimError(400, 'invalidSyntax', 'roles must be a list')
  if (roles.length === 0) return undefined
  const granted = roles.map((role: unknown) => {
    const value = role && typeof role === 'object' ? (role as { value?: unknown }).value : undefined
    if (typeof value !== 'string') throw new ScimError(400, 'invalidValue', 'roles must be a list of objects with a string value')
    // Own properties only: a value such as "constructor" names nothing the school mapped.
    const mapped = Object.hasOwn(mapping, value) ? mapping[value] : SCHOOL_ROLES.includes(value as SchoolRole) && value !== 'school_admin' ? (value as SchoolRole) : undefined
    if (!mapped) throw new ScimError(400, 'invalidValue', `roles: "${value.slice(0, 100)}" is not a role of this school (student, alumni, advisor, or a value of the school's scimRoleMapping)`)
    return mapped
  })
  return [...new Set(granted)]
}

/** The SCIM attributes a filter may name, and their member column. */
const STRING_ATTRIBUTES: Record<string, { column: 'externalId' | 'scimExternalId' | 'email' | 'givenName' | 'familyName'; caseExact: boolean }> = {
  username: { column: 'externalId', caseExact: false },
  externalid: { column: 'scimExternalId', caseExact: true },
  emails: { column: 'email', caseExact: false },
  'emails.value': { column: 'email', caseExact: false },
  'name.givenname': { column: 'givenName', caseExact: false },
  'name.familyname': { column: 'familyName', caseExact: false },
}

function attribute(path: string): string {
  return path.toLowerCase().replace(`${USER_SCHEMA.toLowerCase()}:`, '')
}

/** A filter (RFC 7644 §3.4.2.2) as a Prisma condition on members; 400 invalidFilter for what it cannot read. */
export function filterToWhere(filter: Filter): Prisma.MemberWhereInput {
  switch (filter.op) {
    case 'and':
      return { AND: filter.filters.map(filterToWhere) }
    case 'or':
      return { OR: filter.filters.map(filterToWhere) }
    case 'not':
      return { NOT: filterToWhere(filter.filter) }
    case '[]': {
      // emails[value eq "…"]: the sub-attribute's condition on the one email.
      const parent = attribute(filter.attrPath)
      if (parent !== 'emails') throw new ScimError(400, 'invalidFilter', `${filter.attrPath}[…] cannot be filtered`)
      return filterToWhere(prefix(filter.valFilter, 'emails.'))
    }
  }
  const name = attribute(filter.attrPath)
  // The one email kept is the work address and the primary one: a condition on its type or primary
  // flag is whether the user has an email that is so.
  if (name === 'emails.type' || name === 'emails.primary') {
    const hasOne: Prisma.MemberWhereInput = { email: { not: null } }
    if (filter.op === 'pr') return hasOne
    const so = name === 'emails.type' ? typeof filter.compValue === 'string' && filter.compValue.toLowerCase() === 'work' : filter.compValue === true
    if (filter.op === 'eq') return so ? hasOne : { id: { in: [] } }
    if (filter.op === 'ne') return so ? { email: null } : {}
    throw new ScimError(400, 'invalidFilter', `${filter.attrPath} compares with eq, ne or pr`)
  }
  if (name === 'active') {
    if (filter.op === 'pr') return {}
    if ((filter.op !== 'eq' && filter.op !== 'ne') || typeof filter.compValue !== 'boolean') throw new ScimError(400, 'invalidFilter', 'active compares with eq or ne to true or false')
    return { status: (filter.compValue === (filter.op === 'eq')) ? 'active' : 'disabled' }
  }
  if (name === 'id') {
    if (filter.op !== 'eq' || typeof filter.compValue !== 'string') throw new ScimError(400, 'invalidFilter', 'id compares with eq')
    return /^[0-9a-f-]{36}$/i.test(filter.compValue) ? { id: filter.compValue.toLowerCase() } : { id: { in: [] } }
  }
  const target = STRING_ATTRIBUTES[name]
  if (!target) throw new ScimError(400, 'invalidFilter', `${filter.attrPath} cannot be filtered (userName, externalId, emails, name.givenName, name.familyName, active, id can)`)
  if (filter.op === 'pr') return { [target.column]: { not: null } }
  if (typeof filter.compValue !== 'string') throw new ScimError(400, 'invalidFilter', `${filter.attrPath} compares with a string`)
  const mode = target.caseExact ? {} : { mode: 'insensitive' as const }
  const value = target.column === 'email' ? filter.compValue.toLowerCase() : filter.compValue
  const equals = target.caseExact ? { equals: value } : insensitiveEquals(value)
  switch (filter.op) {
    case 'eq':
      return { [target.column]: equals }
    case 'ne':
      // userName is never null; the other attributes may be, and a missing value is "not equal".
      return target.column === 'externalId' ? { NOT: { externalId: equals } } : { OR: [{ [target.column]: null }, { NOT: { [target.column]: equals } }] }
    case 'co':
      return { [target.column]: { contains: value, ...mode } }
    case 'sw':
      return { [target.column]: { startsWith: value, ...mode } }
    case 'ew':
      return { [target.column]: { endsWith: value, ...mode } }
    default:
      throw new ScimError(400, 'invalidFilter', `${filter.op} does not apply to ${filter.attrPath}`)
  }
}

function prefix(filter: Filter, parent: string): Filter {
  if (filter.op === 'and' || filter.op === 'or') return { ...filter, filters: filter.filters.map((f) => prefix(f, parent)) }
  if (filter.op === 'not') return { ...filter, filter: prefix(filter.filter, parent) }
  if (filter.op === '[]') return filter
  return { ...(filter as Extract<Filter, { attrPath: string }>), attrPath: `${parent}${(filter as Extract<Filter, { attrPath: string }>).attrPath}` } as Filter
}

/**
 * Names a path can reach through an object's prototype rather than its own data: scim-patch follows
 * a path's segments through plain objects, arrays and whatever they inherit, so a segment such as
 * "__proto__", "constructor", "toString" or "map" would write onto a built-in shared by the whole
 * process (GHSA-9m6g-wc8r-q59c). No SCIM attribute has such a name ("name" and "length" are kept:
 * they are own properties where a path reaches them).
 */
const INHERITED = new Set(
  [Object, Array, Function, String, Number, Boolean, Date, RegExp]
    .flatMap((type) => Object.getOwnPropertyNames(type.prototype))
    .concat('prototype', '__proto__')
    .filter((name) => name !== 'name' && name !== 'length')
    .map((name) => name.toLowerCase()),
)

/**
 * The words of a path or key. Quoted filter values count too: a quote cannot be trusted to end where
 * scim-patch's parser ends it, so "emails[value eq \"map\"]" is refused with the rest (rarely sent).
 */
const segments = (path: string) => path.split(/[^A-Za-z0-9_$]+/).filter(Boolean)

/**
 * Refuses a PATCH operation whose path, or any key of its value at any depth, names an inherited
 * property (INHERITED). Attributes this service does not keep (title, phoneNumbers, an enterprise
 * extension) pass, and are ignored as before.
 */
export function checkPatchOperation(op: { path?: unknown; value?: unknown }, index: number) {
  const unsafe = (text: string) => segments(text).some((segment) => INHERITED.has(segment.toLowerCase()))
  const refuse = (what: string) => new ScimError(400, 'invalidPath', `Operations[${index}]: ${what} is not an attribute of a User`)
  if (op.path !== undefined && (typeof op.path !== 'string' || op.path.length > 300 || unsafe(op.path))) throw refuse(`path "${String(op.path).slice(0, 100)}"`)
  const keys = (value: unknown, depth: number): void => {
    if (depth > 8) throw refuse('a value nested this deep')
    if (Array.isArray(value)) return value.forEach((item) => keys(item, depth + 1))
    if (!value || typeof value !== 'object') return
    for (const key of Object.keys(value)) {
      if (unsafe(key)) throw refuse(`"${key.slice(0, 100)}"`)
      keys((value as Record<string, unknown>)[key], depth + 1)
    }
  }
  keys(op.value, 0)
}
