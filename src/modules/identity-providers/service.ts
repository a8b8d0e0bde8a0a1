// A school's trusted identity providers: which issuer, audience and keys make a token one of the
// school's members. Managed by the school's admins (and platform operators setting a school up).
import type { Tenant } from '../../infra/db/database.js'
import { decodeCursor, pageOf } from '../../infra/http/cursor.js'
import { Problem, notFound } from '../../infra/http/problem.js'
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
    jitProvisioning: row.jitProvisioning,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** Members of a JWK that hold secret material: the private parts of RSA, EC and OKP keys, and an oct key's value. */
const SECRET_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

function checkKeys(provider: { jwksUri?: string | null; jwks?: unknown }, allowHttp: boolean) {
  const errors: Array<{ field: string; message: string }> = []
  if (!provider.jwksUri === !provider.jwks) errors.push({ field: 'body.jwksUri', message: 'give exactly one of jwksUri and jwks' })
  // Format "uri" also admits file:, ftp: or urn: URIs, which no JWKS can be fetched from.
  if (provider.jwksUri && !provider.jwksUri.startsWith('https://') && !(allowHttp && provider.jwksUri.startsWith('http://'))) {
    errors.push({ field: 'body.jwksUri', message: allowHttp ? 'must be an http or https URL' : 'must be an https URL' })
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

type Transaction = Parameters<Parameters<Tenant['db']['$transaction']>[0]>[0]

/**
 * Runs `write` once no provider, in this school or any other, holds the issuer and audience (other
 * than `except`). The pair decides which school a token belongs to, so it must be unique across
 * schools; a unique index cannot say so on Citus, hence the check under an advisory lock on the pair.
 */
async function claimIssuer<T>(tenant: Tenant, issuer: string, audience: string, except: string | undefined, write: (tx: Transaction) => Promise<T>) {
  return tenant.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`identity-provider:${issuer} ${audience}`}, 0))`
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
    return write(tx)
  })
}

export async function createIdentityProvider(tenant: Tenant, input: CreateIdentityProviderBody, allowHttp: boolean) {
  checkKeys(input, allowHttp)
  const row = await claimIssuer(tenant, input.issuer, input.audience, undefined, (tx) => tx.identityProvider.create({
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
      jitProvisioning: input.jitProvisioning ?? false,
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

export async function updateIdentityProvider(tenant: Tenant, id: string, input: UpdateIdentityProviderBody, allowHttp: boolean) {
  const current = await find(tenant, id)
  const next = {
    jwksUri: input.jwksUri !== undefined ? input.jwksUri : current.jwksUri,
    jwks: input.jwks !== undefined ? input.jwks : current.jwks,
  }
  checkKeys(next, allowHttp)
  const { jwks, ...rest } = input
  const row = await claimIssuer(tenant, input.issuer ?? current.issuer, input.audience ?? current.audience, id, (tx) =>
    tx.identityProvider.update({
      where: { schoolId_id: { schoolId: tenant.schoolId, id } },
      // jwks: null must clear the column (Prisma.DbNull); undefined would leave the old keys, which the
      // authenticator prefers over a new jwksUri.
      data: { ...rest, ...(jwks !== undefined ? { jwks: jwks === null ? Prisma.DbNull : (jwks as Prisma.InputJsonValue) } : {}) },
    }),
  )
  return toIdentityProvider(row)
}

export async function deleteIdentityProvider(tenant: Tenant, id: string) {
  await find(tenant, id)
  await tenant.db.identityProvider.delete({ where: { schoolId_id: { schoolId: tenant.schoolId, id } } })
}
