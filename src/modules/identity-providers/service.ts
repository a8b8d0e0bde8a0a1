// A school's trusted identity providers: which issuer, audience and keys make a token one of the
// school's members. Managed by the school's admins (and platform operators setting a school up).
import { importJWK, type JWK } from 'jose'
import type { Tenant, Transaction } from '../../infra/db/database.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, forbidden, invalidField, notFound } from '../../infra/http/problem.js'
import { checkDestination } from '../../infra/net/destination.js'
import { type IdentityProvider as IdentityProviderRow, Prisma } from '../../generated/prisma/client.js'
import type { CreateIdentityProviderBody, IdentityProviderBody, UpdateIdentityProviderBody } from './schemas.js'

export function toIdentityProvider(row: IdentityProviderRow): IdentityProviderBody {
  return {
    id: row.id,
    schoolId: row.schoolId,
    name: row.name,
    issuer: row.issuer,
    audience: row.audience,
    jwksUri: row.jwksUri,
    jwks: row.jwks as IdentityProviderBody['jwks'],
    algorithms: row.algorithms,
    memberIdClaim: row.memberIdClaim,
    rolesClaim: row.rolesClaim,
    roleMapping: row.roleMapping as IdentityProviderBody['roleMapping'],
    jitProvisioning: row.jitProvisioning,
    issuerApprovedByOperator: row.issuerApprovedByOperator,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** Members of a JWK that hold secret material: the private parts of RSA, EC and OKP keys, and an oct key's value. */
const SECRET_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** Where a JWKS may be fetched from (JWKS_ALLOW_HTTP, JWKS_ALLOWED_HOSTS). */
export interface JwksPolicy {
  allowHttp: boolean
  allowedHosts: string[]
}

async function checkKeys(provider: { jwksUri?: string | null; jwks?: unknown }, policy: JwksPolicy) {
  const errors: Array<{ field: string; message: string }> = []
  if (!provider.jwksUri === !provider.jwks) errors.push({ field: 'body.jwksUri', message: 'give exactly one of jwksUri and jwks' })
  // Format "uri" also admits file:, ftp: or urn: URIs, which no JWKS can be fetched from. The address
  // policy refuses loopback, private, link-local and reserved addresses here and on every fetch (a
  // name may resolve elsewhere later); a name that does not resolve yet is accepted.
  if (provider.jwksUri) {
    await checkDestination(provider.jwksUri, policy.allowedHosts, { field: 'body.jwksUri', allowHttp: policy.allowHttp, acceptUnresolved: true }).catch((error: unknown) => {
      if (!(error instanceof Problem)) throw error
      errors.push(...((error.extensions.errors as typeof errors | undefined) ?? []))
    })
  }
  // Inline keys are stored and shown to every admin: a private or symmetric key pasted by mistake
  // would leak there, and could sign tokens for the school.
  const keys = (provider.jwks as { keys?: unknown } | null | undefined)?.keys
  if (Array.isArray(keys)) {
    keys.forEach((key: Record<string, unknown>, index) => {
      if (key.kty === 'oct' || SECRET_JWK_MEMBERS.some((member) => member in key)) {
        errors.push({ field: `body.jwks.keys.${index}`, message: 'must be a public key (no private or symmetric key material)' })
      }
    })
  }
  if (errors.length) throw new Problem('validation-failed', 'The provider\'s keys are not valid', { extensions: { errors } })
}

/**
 * An issuer the way a look-alike would differ from it: Unicode compatibility forms, spaces and
 * invisible characters, case, a default port, a trailing dot or slash. Only for refusing look-alikes
 * of the reserved issuers; tokens still match a provider's issuer exactly.
 */
function issuerKey(issuer: string): string {
  let key = issuer.normalize('NFKC').replace(/[\s\u200B-\u200D\u2060\uFEFF]/g, '')
  if (/^https?:\/\//i.test(key) && URL.canParse(key)) {
    const url = new URL(key)
    url.hostname = url.hostname.replace(/\.$/, '')
    key = url.href
  }
  return key.replace(/\/+$/, '').toLowerCase()
}

const hostName = (url: URL) => url.hostname.replace(/\.$/, '')

/**
 * The issuer a school may register. Never the service's own issuer (or public URL) nor the platform
 * operator's, in any spelling. With keys fetched from jwksUri, the issuer is an https URL (http where
 * JWKS_ALLOW_HTTP is on) on the same host name as the keys, so that a school cannot pair the name of
 * someone else's provider with keys of its choosing; an issuer that does not fit (Google's keys live
 * on another host, a URN) needs a platform operator's approval. With inline keys the school states
 * whose tokens it accepts, and the keys decide alone.
 */
function checkIssuer(
  provider: { issuer: string; jwksUri: string | null },
  approved: boolean,
  policy: { allowHttp: boolean; reservedIssuers: readonly string[] },
) {
  const key = issuerKey(provider.issuer)
  if (policy.reservedIssuers.some((reserved) => issuerKey(reserved) === key)) {
    throw invalidField('body.issuer', 'is the issuer of Vantage itself or of the platform operator, which no school\'s identity provider may use')
  }
  if (!provider.jwksUri || approved || !URL.canParse(provider.jwksUri)) return
  const keys = new URL(provider.jwksUri)
  const issuer = URL.canParse(provider.issuer) ? new URL(provider.issuer) : undefined
  if (!issuer || !(issuer.protocol === 'https:' || (policy.allowHttp && issuer.protocol === 'http:'))) {
    throw invalidField(
      'body.issuer',
      `must be an ${policy.allowHttp ? 'http or https' : 'https'} URL on the host of jwksUri when keys are fetched from it; another issuer (such as a URN) needs inline jwks or a platform operator's approval`,
    )
  }
  if (hostName(issuer) !== hostName(keys)) {
    throw invalidField('body.issuer', `must be on the host of jwksUri (${keys.hostname}) unless a platform operator approves the issuer`)
  }
}

/** Only a platform operator vouches for an issuer (the field is refused to school admins, whatever its value). */
function checkApprover(input: { issuerApprovedByOperator?: boolean }, byOperator: boolean) {
  if (input.issuerApprovedByOperator !== undefined && !byOperator) {
    throw forbidden('Only a platform operator may set issuerApprovedByOperator')
  }
}

/** A mapping applies to the values of the roles claim: without one it would silently do nothing. */
function checkRoleMapping(provider: { rolesClaim: string | null; roleMapping: unknown }) {
  if (provider.roleMapping && !provider.rolesClaim) throw invalidField('body.roleMapping', 'needs rolesClaim, the claim whose values it maps')
}

/**
 * Runs `write` once the issuer and audience are free (other than for `except`). A token's issuer
 * and audience decide its school, so:
 * - an issuer is trusted by one school only, unless a platform operator registers it for another
 *   (a shared identity-provider tenant): otherwise one school could claim an audience that another
 *   school's tokens also carry (tokens often list several) and make them ambiguous;
 * - an issuer and audience pair belongs to one provider, across all schools.
 * Uniqueness across schools cannot be a unique index on Citus, hence the checks under an advisory
 * lock on the issuer.
 */
async function claimIssuer<T>(
  tenant: Tenant,
  claim: { issuer: string; audience: string; except?: string; sharedByOperator: boolean },
  write: (tx: Transaction) => Promise<T>,
) {
  const { issuer, audience, except, sharedByOperator } = claim
  return tenant.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`identity-provider:${issuer}`}, 0))`
    const owners = await tx.$queryRaw<Array<{ school_id: string; id: string }>>`
      SELECT school_id::text, id::text FROM identity_provider_owners(${issuer}, ${audience})`
    const clash = owners.find((owner) => owner.id !== except)
    if (clash) {
      throw new Problem(
        'conflict',
        clash.school_id === tenant.schoolId
          ? 'The school already trusts a provider with this issuer and audience'
          : 'This issuer and audience are registered for another school; ask the identity provider for an audience of your own',
      )
    }
    if (!sharedByOperator) {
      const schools = await tx.$queryRaw<Array<{ school_id: string }>>`
        SELECT school_id::text FROM identity_provider_issuer_schools(${issuer})`
      if (schools.some((school) => school.school_id !== tenant.schoolId)) {
        throw new Problem('conflict', 'Another school already trusts this issuer; a platform operator can register a shared identity provider')
      }
    }
    return write(tx)
  })
}

/** Inline keys must be usable: a key that cannot be imported would fail every sign-in later. */
async function checkKeyMaterial(jwks: unknown, algorithms: readonly string[]) {
  const keys = (jwks as { keys?: Array<Record<string, unknown>> } | null | undefined)?.keys
  if (!Array.isArray(keys)) return
  const errors: Array<{ field: string; message: string }> = []
  for (const [index, key] of keys.entries()) {
    const alg = typeof key.alg === 'string' ? key.alg : algorithms[0]
    try {
      await importJWK(key as JWK, alg)
    } catch {
      errors.push({ field: `body.jwks.keys.${index}`, message: `is not a usable public key for ${alg}` })
    }
  }
  if (errors.length) throw new Problem('validation-failed', 'The provider\'s keys are not valid', { extensions: { errors } })
}

export async function createIdentityProvider(
  tenant: Tenant,
  input: CreateIdentityProviderBody,
  jwksPolicy: JwksPolicy,
  byOperator: boolean,
  reservedIssuers: readonly string[],
) {
  checkApprover(input, byOperator)
  await checkKeys(input, jwksPolicy)
  await checkKeyMaterial(input.jwks, input.algorithms)
  const approved = input.issuerApprovedByOperator ?? false
  checkIssuer({ issuer: input.issuer, jwksUri: input.jwksUri ?? null }, approved, { allowHttp: jwksPolicy.allowHttp, reservedIssuers })
  checkRoleMapping({ rolesClaim: input.rolesClaim ?? null, roleMapping: input.roleMapping ?? null })
  const claim = { issuer: input.issuer, audience: input.audience, sharedByOperator: byOperator }
  const row = await claimIssuer(tenant, claim, (tx) => tx.identityProvider.create({
    data: {
      schoolId: tenant.schoolId,
      name: input.name,
      issuer: input.issuer,
      audience: input.audience,
      jwksUri: input.jwksUri ?? null,
      jwks: (input.jwks ?? undefined) as Prisma.InputJsonValue | undefined,
      algorithms: input.algorithms,
      memberIdClaim: input.memberIdClaim ?? 'sub',
      rolesClaim: input.rolesClaim ?? null,
      roleMapping: (input.roleMapping ?? undefined) as Prisma.InputJsonValue | undefined,
      jitProvisioning: input.jitProvisioning ?? false,
      issuerApprovedByOperator: approved,
      enabled: input.enabled ?? true,
    },
  }))
  return toIdentityProvider(row)
}

export async function listIdentityProviders({ db, schoolId }: Tenant, query: { limit: number; cursor?: string }) {
  const after = decodeCursor(query.cursor, ['id'])
  const rows = await db.identityProvider.findMany({
    where: { schoolId, ...(after ? { id: { gt: after.id } } : {}) },
    orderBy: { id: 'asc' },
    take: query.limit + 1,
  })
  const page = pageOf(rows, query.limit)
  return { items: page.items.map(toIdentityProvider), nextCursor: page.nextCursor }
}

async function find({ db, schoolId }: Tenant, id: string) {
  const row = await db.identityProvider.findUnique({ where: { schoolId_id: { schoolId, id } } })
  if (!row) throw notFound('identity provider')
  return row
}

export async function getIdentityProvider(tenant: Tenant, id: string) {
  return toIdentityProvider(await find(tenant, id))
}

export async function updateIdentityProvider(
  tenant: Tenant,
  id: string,
  input: UpdateIdentityProviderBody,
  jwksPolicy: JwksPolicy,
  byOperator: boolean,
  reservedIssuers: readonly string[],
) {
  const current = await find(tenant, id)
  checkApprover(input, byOperator)
  const next = {
    jwksUri: input.jwksUri !== undefined ? input.jwksUri : current.jwksUri,
    jwks: input.jwks !== undefined ? input.jwks : current.jwks,
  }
  await checkKeys(next, jwksPolicy)
  const { jwks, roleMapping, ...rest } = input
  if (input.jwks) await checkKeyMaterial(input.jwks, input.algorithms ?? current.algorithms)
  // The operator vouched for this issuer with these keys: a school admin changing either ends it. The
  // issuer is checked when it, the keys or the approval change (a legacy provider stays editable, and
  // a client sending the values it read changes nothing).
  const issuerOrKeys =
    (input.issuer !== undefined && input.issuer !== current.issuer) ||
    (input.jwksUri !== undefined && input.jwksUri !== current.jwksUri) ||
    (input.jwks !== undefined && (input.jwks !== null || current.jwks !== null))
  const approved = input.issuerApprovedByOperator ?? (issuerOrKeys && !byOperator ? false : current.issuerApprovedByOperator)
  if (issuerOrKeys || approved !== current.issuerApprovedByOperator) {
    checkIssuer({ issuer: input.issuer ?? current.issuer, jwksUri: next.jwksUri }, approved, { allowHttp: jwksPolicy.allowHttp, reservedIssuers })
  }
  checkRoleMapping({
    rolesClaim: input.rolesClaim !== undefined ? input.rolesClaim : current.rolesClaim,
    roleMapping: roleMapping !== undefined ? roleMapping : current.roleMapping,
  })
  const claim = { issuer: input.issuer ?? current.issuer, audience: input.audience ?? current.audience, except: id, sharedByOperator: byOperator }
  const row = await claimIssuer(tenant, claim, (tx) =>
    tx.identityProvider.update({
      where: { schoolId_id: { schoolId: tenant.schoolId, id } },
      // jwks: null must clear the column (Prisma.DbNull); undefined would leave the old keys, which the
      // authenticator prefers over a new jwksUri.
      data: {
        ...rest,
        issuerApprovedByOperator: approved,
        ...(jwks !== undefined ? { jwks: jwks === null ? Prisma.DbNull : (jwks as Prisma.InputJsonValue) } : {}),
        ...(roleMapping !== undefined ? { roleMapping: roleMapping === null ? Prisma.DbNull : (roleMapping as Prisma.InputJsonValue) } : {}),
      },
    }),
  )
  return toIdentityProvider(row)
}

export async function deleteIdentityProvider(tenant: Tenant, id: string) {
  await find(tenant, id)
  await tenant.db.identityProvider.delete({ where: { schoolId_id: { schoolId: tenant.schoolId, id } } })
}
