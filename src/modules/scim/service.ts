// SCIM Users read and written as members of the caller's school (mapping.ts says how). Every
// statement goes through the tenant handle, under the school's row-level security, like the rest of
// the service. A member deleted through SCIM stays (disabled, with their history); SCIM no longer
// sees them, and creating the same userName again brings them back.
import { parse, type Filter } from 'scim2-parse-filter'
import { scimPatch, type ScimPatchOperation } from 'scim-patch'
import type { Member as MemberRow, Prisma } from '../../generated/prisma/client.js'
import type { SchoolRole } from '../../infra/auth/principal.js'
import { type Tenant, tenantInTransaction } from '../../infra/db/database.js'
import { insensitiveEquals } from '../../infra/db/text-match.js'
import { checkPatchOperation, filterToWhere, fromScimUser, LIST_RESPONSE, type MemberFields, PATCH_OP, ScimError, type ScimUser, toScimUser, versionOf } from './mapping.js'

export const MAX_COUNT = 200
export const DEFAULT_COUNT = 100

export interface ScimContext {
  tenant: Tenant
  /** The base URL of /scim/v2, for meta.location. */
  base: string
  roleMapping: Record<string, SchoolRole>
}

const visible = (schoolId: string): Prisma.MemberWhereInput => ({ schoolId, scimDeletedAt: null, erasedAt: null })

function parseFilter(text: string): Filter {
  try {
    return parse(text)
  } catch (error) {
    throw new ScimError(400, 'invalidFilter', `The filter cannot be read: ${(error as Error).message}`)
  }
}

export async function listUsers({ tenant, base }: ScimContext, query: { filter?: string; startIndex?: number; count?: number }) {
  const where: Prisma.MemberWhereInput = { AND: [visible(tenant.schoolId), ...(query.filter ? [filterToWhere(parseFilter(query.filter))] : [])] }
  const startIndex = Math.max(1, query.startIndex ?? 1)
  const count = Math.min(MAX_COUNT, Math.max(0, query.count ?? DEFAULT_COUNT))
  const [totalResults, rows] = await Promise.all([
    tenant.db.member.count({ where }),
    count === 0 ? Promise.resolve([]) : tenant.db.member.findMany({ where, orderBy: { id: 'asc' }, skip: startIndex - 1, take: count }),
  ])
  return { schemas: [LIST_RESPONSE], totalResults, startIndex, itemsPerPage: rows.length, Resources: rows.map((row) => toScimUser(row, base)) }
}

async function findUser({ tenant }: ScimContext, id: string): Promise<MemberRow> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await tenant.db.member.findFirst({ where: { ...visible(tenant.schoolId), id } }) : null
  if (!row) throw new ScimError(404, null, 'No such User in this school')
  return row
}

export async function getUser(context: ScimContext, id: string) {
  return toScimUser(await findUser(context, id), context.base)
}

/** The member (other than `except`) whose userName this is, in any case; null when it is free. */
function userNameHolder(tenant: Tenant, userName: string, except?: string) {
  return tenant.db.member.findFirst({
    where: { schoolId: tenant.schoolId, externalId: insensitiveEquals(userName), ...(except ? { id: { not: except } } : {}) },
    select: { id: true, scimDeletedAt: true, scimExternalId: true, erasedAt: true, roles: true },
  })
}

const userNameTaken = (userName: string) => new ScimError(409, 'uniqueness', `userName "${userName}" is taken in this school`)

/**
 * Runs a write that depends on who holds a userName in one transaction, under a lock on the name
 * (case-folded) in the school: two writers of "Alice" and "alice" cannot both find it free.
 */
function underUserName<T>(context: ScimContext, userNames: string[], write: (tenant: Tenant) => Promise<T>): Promise<T> {
  const { schoolId } = context.tenant
  return context.tenant.db.$transaction(async (tx) => {
    for (const name of [...new Set(userNames.map((n) => n.toLowerCase()))].sort()) {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`scim-user-name:${schoolId}:${name}`}, 0))`
    }
    return write(tenantInTransaction(schoolId, tx))
  })
}

/**
 * A school admin is changed through SCIM only when the school's scimRoleMapping grants school_admin
 * (the school has given its administration to its identity provider): otherwise a SCIM client could
 * rename, demote or disable the school's admins, which the member API keeps to school admins.
 */
function assertMayChange(context: ScimContext, row: { roles: string[] }) {
  if (row.roles.includes('school_admin') && !Object.values(context.roleMapping).includes('school_admin')) {
    throw new ScimError(403, null, "This User is a school admin of Vantage: only a school admin changes them, unless the school's scimRoleMapping grants school_admin")
  }
}

/** POST /Users: a new member, or a member deleted through SCIM brought back (their history kept). */
export async function createUser(context: ScimContext, body: Record<string, unknown>) {
  const fields = fromScimUser(body, context.roleMapping, ['student'])
  const row = await underUserName(context, [fields.externalId], async (tenant) => {
    const { db, schoolId } = tenant
    const taken = await userNameHolder(tenant, fields.externalId)
    if (!taken) return db.member.create({ data: { schoolId, ...fields } })
    // Only a member deleted through SCIM comes back, and only as the same person: a different
    // identity-provider id (externalId) under the same userName is someone else.
    const samePerson = taken.scimExternalId === null || fields.scimExternalId === null || taken.scimExternalId === fields.scimExternalId
    if (!taken.scimDeletedAt || taken.erasedAt || !samePerson) throw userNameTaken(fields.externalId)
    assertMayChange(context, taken)
    return db.member.update({ where: { schoolId_id: { schoolId, id: taken.id } }, data: { ...fields, scimDeletedAt: null } })
  })
  return toScimUser(row, context.base)
}

function checkVersion(row: MemberRow, ifMatch: string | undefined) {
  if (ifMatch && ifMatch !== '*' && !ifMatch.split(',').map((v) => v.trim()).includes(versionOf(row))) {
    throw new ScimError(412, null, `The User changed since version ${ifMatch}; it is now ${versionOf(row)}`)
  }
}

async function save(context: ScimContext, row: MemberRow, fields: MemberFields) {
  await underUserName(context, [row.externalId, fields.externalId], async (tenant) => {
    if (fields.externalId.toLowerCase() !== row.externalId.toLowerCase()) {
      if (await userNameHolder(tenant, fields.externalId, row.id)) throw userNameTaken(fields.externalId)
    }
    // The update is conditional on the version read, so two writers cannot both win.
    const { count } = await tenant.db.member.updateMany({
      where: { schoolId: tenant.schoolId, id: row.id, updatedAt: row.updatedAt },
      data: fields,
    })
    if (count === 0) throw new ScimError(412, null, 'The User changed while this request was applied; read it again')
  })
  return getUser(context, row.id)
}

/** PUT /Users/{id}: the whole User replaced (attributes left out are cleared; roles left out are kept). */
export async function replaceUser(context: ScimContext, id: string, body: Record<string, unknown>, ifMatch?: string) {
  const row = await findUser(context, id)
  checkVersion(row, ifMatch)
  assertMayChange(context, row)
  return save(context, row, fromScimUser(body, context.roleMapping, row.roles))
}

/** PATCH /Users/{id}: add, replace and remove operations (RFC 7644 §3.5.2) on the User as it is. */
export async function patchUser(context: ScimContext, id: string, body: Record<string, unknown>, ifMatch?: string) {
  if (!Array.isArray(body.schemas) || !body.schemas.includes(PATCH_OP)) throw new ScimError(400, 'invalidSyntax', `schemas must be ["${PATCH_OP}"]`)
  if (!Array.isArray(body.Operations) || body.Operations.length === 0 || body.Operations.length > 100) throw new ScimError(400, 'invalidSyntax', 'Operations must list 1-100 operations')
  // Each operation checked before the User is read. Identity providers send operation names in any
  // case ("Replace") and values as strings ("False").
  const operations = (body.Operations as unknown[]).map((op, i) => {
    if (!op || typeof op !== 'object' || Array.isArray(op)) throw new ScimError(400, 'invalidSyntax', `Operations[${i}] must be an object`)
    const { op: verb, path, value } = op as Record<string, unknown>
    checkPatchOperation({ path, value }, i)
    const name = String(verb ?? '').toLowerCase()
    if (!['add', 'replace', 'remove'].includes(name)) throw new ScimError(400, 'invalidSyntax', `Operations[${i}].op must be add, replace or remove`)
    if (name === 'remove' && typeof path !== 'string') throw new ScimError(400, 'noTarget', `Operations[${i}]: remove needs a path`)
    return { ...op, op: name, value: booleanStrings(value) }
  })
  const row = await findUser(context, id)
  checkVersion(row, ifMatch)
  assertMayChange(context, row)
  const current = toScimUser(row, context.base)
  let patched: ScimUser
  try {
    patched = scimPatch({ ...current, meta: { ...current.meta, created: new Date(row.createdAt), lastModified: new Date(row.updatedAt) } }, operations as unknown as ScimPatchOperation[], { mutateDocument: false, treatMissingAsAdd: true }) as unknown as ScimUser
  } catch (error) {
    if (error instanceof ScimError) throw error
    const scimType = (error as { scimType?: string }).scimType ?? 'invalidValue'
    throw new ScimError(400, scimType, (error as Error).message)
  }
  if (patched.id !== row.id) throw new ScimError(400, 'mutability', 'id cannot be changed')
  // The roles read back are Vantage's own names, not the identity provider's values: they go through
  // the school's mapping only when the operations changed them.
  if (JSON.stringify(patched.roles ?? []) === JSON.stringify(current.roles ?? [])) delete patched.roles
  return save(context, row, fromScimUser(patched as unknown as Record<string, unknown>, context.roleMapping, row.roles))
}

/** "False" and "True", as some identity providers send active, read as booleans. */
function booleanStrings(value: unknown): unknown {
  if (value === 'True' || value === 'true') return true
  if (value === 'False' || value === 'false') return false
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'active' ? booleanStrings(v) : v]))
  }
  return value
}

/** DELETE /Users/{id}: the member disabled and hidden from SCIM; their contacts, meetings and history stay. */
export async function deleteUser(context: ScimContext, id: string, ifMatch?: string) {
  const row = await findUser(context, id)
  checkVersion(row, ifMatch)
  assertMayChange(context, row)
  await context.tenant.db.member.update({ where: { schoolId_id: { schoolId: context.tenant.schoolId, id: row.id } }, data: { status: 'disabled', scimDeletedAt: new Date() } })
}
