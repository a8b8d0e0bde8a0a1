// Verifies bearer tokens with jose and resolves them to a Principal. Three kinds of token are accepted:
// - tokens from a school's own identity provider, trusted by issuer + audience and verified against
//   that provider's JWKS (fetched, cached, refetched on an unknown key id) or its inline JWKS;
// - tokens this service signed (client credentials, development tokens), verified against its keys;
// - platform operators' tokens from the configured platform issuer.
// Every rejection is a Problem with a specific type, so a portal developer can tell what is wrong.
import {
  type JWTPayload,
  type JWTVerifyGetKey,
  type ProtectedHeaderParameters,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose'
import type { Database } from '../db/database.js'
import { Problem } from '../http/problem.js'
import { type KeySetOptions, KeySets } from './key-sets.js'
import { type Principal, type SchoolRole, isSchoolRole, SCOPES, type Scope } from './principal.js'
import { providerRoles } from './provider-roles.js'
import { SERVICE_ALGORITHMS, type SigningKeys } from './signing-keys.js'

/** Asymmetric algorithms an identity provider may be configured with; HMAC and `none` never verify. */
export const IDP_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const

export interface AuthenticatorOptions {
  issuer: string
  audience: string
  platform?: { issuer: string; audience: string; jwksUrl: string }
  /** How identity providers' key sets are fetched and kept (key-sets.ts), the outbound policy included. */
  keySets: Partial<KeySetOptions>
}

const CLOCK_TOLERANCE_SECONDS = 5

/**
 * The `typ` header each kind of token must carry (RFC 8725 §3.11), compared without case and without
 * an "application/" prefix (RFC 7515 §4.1.9). The service's access tokens are RFC 9068 `at+jwt`;
 * its confirmation links carry a type of their own, so neither can stand in for the other. Identity
 * providers' access tokens are `at+jwt` too, but many providers send `JWT` or no `typ` at all
 * (Okta, Microsoft Entra ID, Keycloak): those are accepted, any other type is refused.
 */
export const ACCESS_TOKEN_TYPE = 'at+jwt'
export const CONFIRMATION_LINK_TYPE = 'vantage-confirmation+jwt'
const PROVIDER_TOKEN_TYPES = new Set([ACCESS_TOKEN_TYPE, 'jwt'])

export function normalisedType(typ: unknown): string | undefined {
  return typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined
}

/** Header checks before any key is looked for: the token's type, and no extension we cannot honour. */
function checkHeader(header: ProtectedHeaderParameters, expected: 'service' | 'provider') {
  // RFC 7515 §4.1.11: a recipient that does not understand a "crit" extension must reject the token.
  // This service understands none.
  if (header.crit !== undefined) {
    throw new Problem('token-header-unsupported', `The token names critical header parameters this service does not understand: ${JSON.stringify(header.crit).slice(0, 100)}`)
  }
  const typ = normalisedType(header.typ)
  if (expected === 'service' ? typ !== ACCESS_TOKEN_TYPE : typ !== undefined && !PROVIDER_TOKEN_TYPES.has(typ)) {
    const wanted = expected === 'service' ? `"${ACCESS_TOKEN_TYPE}"` : `"${ACCESS_TOKEN_TYPE}", "JWT" or none`
    throw new Problem('token-type-invalid', `The token's "typ" header is ${header.typ === undefined ? 'missing' : JSON.stringify(header.typ).slice(0, 60)}; access tokens carry ${wanted}`)
  }
}

/** jose checks `iat` only against a maximum age; an `iat` in the future is refused here. */
function checkIssuedAt(payload: JWTPayload) {
  if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) {
    throw new Problem('token-not-yet-valid', 'The token\'s "iat" claim is in the future')
  }
}

function rejectionFor(error: unknown): unknown {
  if (error instanceof Problem) return error
  if (error instanceof errors.JWTExpired) return new Problem('token-expired', 'The token has expired', { cause: error })
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat') return new Problem('token-not-yet-valid', undefined, { cause: error })
    if (error.claim === 'aud') return new Problem('token-audience-invalid', undefined, { cause: error })
    if (error.claim === 'iss') return new Problem('token-issuer-untrusted', undefined, { cause: error })
    return new Problem('token-claims-invalid', `The "${error.claim}" claim is not valid`, { cause: error })
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new Problem('token-algorithm-rejected', undefined, { cause: error })
  if (error instanceof errors.JWSSignatureVerificationFailed) return new Problem('token-signature-invalid', undefined, { cause: error })
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new Problem('token-key-unknown', 'No key of the issuer matches the token\'s key id', { cause: error })
  }
  // The provider's JWKS endpoint is unreachable, too slow, answers other than 200, or not with a key
  // set (jose's own messages name it "JSON Web Key Set"): not the caller's fault.
  const jwksUnavailable =
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC' && error.message.includes('JSON Web Key Set')) ||
    (error instanceof TypeError && error.message === 'fetch failed')
  if (jwksUnavailable) return new Problem('service-unavailable', 'The identity provider\'s keys could not be fetched', { cause: error })
  // A key of the issuer that WebCrypto cannot use (a malformed inline key, a bad key in the JWKS).
  if (error instanceof errors.JOSENotSupported || (typeof DOMException !== 'undefined' && error instanceof DOMException)) {
    return new Problem('token-key-unknown', 'The issuer\'s key for this token cannot be used', { cause: error })
  }
  if (error instanceof errors.JOSEError) return new Problem('token-malformed', undefined, { cause: error })
  // Not about the token (the database is down, a bug): errors.ts answers 503 or 500, never a 401
  // that would send the caller after a new token.
  return error
}

function audiences(payload: JWTPayload): string[] {
  if (typeof payload.aud === 'string') return [payload.aud]
  return Array.isArray(payload.aud) ? payload.aud.filter((aud): aud is string => typeof aud === 'string') : []
}

function claimAt(payload: JWTPayload, name: string): unknown {
  // Claim names may be paths such as "realm_access.roles".
  return name.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), payload)
}

function stringClaim(payload: JWTPayload, name: string): string {
  const value = claimAt(payload, name)
  if (typeof value !== 'string' || value.length === 0) throw new Problem('token-claims-invalid', `The "${name}" claim is missing`)
  return value
}

/** The member columns authentication reads: who they are, and what matching needs of them. */
const MEMBER_SELECT = {
  id: true,
  roles: true,
  status: true,
  externalId: true,
  givenName: true,
  familyName: true,
  email: true,
  fieldsOfInterest: true,
  backgroundTags: true,
  shareBackgroundTags: true,
} as const

export class Authenticator {
  readonly #db: Database
  readonly #keys: SigningKeys
  readonly #options: AuthenticatorOptions
  readonly #keySets: KeySets
  readonly #platformKeys?: JWTVerifyGetKey

  constructor(db: Database, keys: SigningKeys, options: AuthenticatorOptions) {
    this.#db = db
    this.#keys = keys
    this.#options = options
    this.#keySets = new KeySets(options.keySets)
    // The platform's JWKS URL is the deployment's own configuration: no address policy applies to it.
    if (options.platform) this.#platformKeys = this.#keySets.remote('platform', options.platform.jwksUrl, true)
  }

  async authenticate(token: string): Promise<Principal> {
    try {
      return await this.#authenticate(token)
    } catch (error) {
      throw rejectionFor(error)
    }
  }

  async #authenticate(token: string): Promise<Principal> {
    let header: ProtectedHeaderParameters
    let payload: JWTPayload
    try {
      header = decodeProtectedHeader(token)
      payload = decodeJwt(token)
    } catch (error) {
      throw new Problem('token-malformed', 'The bearer token is not a JWT', { cause: error })
    }
    const algorithm = header.alg
    if (!algorithm || algorithm === 'none') throw new Problem('token-algorithm-rejected', 'Unsigned tokens (alg "none") are never accepted')
    if (/^HS/.test(algorithm)) {
      throw new Problem('token-algorithm-rejected', `HMAC-signed tokens (${algorithm}) are not accepted; tokens must be signed with an asymmetric key`)
    }
    if (typeof payload.iss !== 'string') throw new Problem('token-claims-invalid', 'The "iss" claim is missing')
    if (payload.iss.length > 500 || payload.iss.includes('\u0000')) throw new Problem('token-issuer-untrusted')
    checkHeader(header, payload.iss === this.#options.issuer ? 'service' : 'provider')
    checkIssuedAt(payload)
    if (payload.iss === this.#options.issuer) return this.#serviceToken(token)
    if (this.#options.platform && payload.iss === this.#options.platform.issuer) return this.#platformToken(token)
    return this.#identityProviderToken(token, payload.iss, payload)
  }

  async #serviceToken(token: string): Promise<Principal> {
    const { payload } = await jwtVerify(token, this.#keys.keySet, {
      issuer: this.#options.issuer,
      audience: this.#options.audience,
      algorithms: [...SERVICE_ALGORITHMS],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp'],
    })
    const subject = payload.sub!
    switch (payload.token_use) {
      case 'platform':
        return { kind: 'platform', schoolId: null, memberId: null, subject, roles: ['platform_admin'], scopes: [], via: 'service' }
      case 'client': {
        const schoolId = await this.#activeSchool(payload.school)
        const client = await this.#db.forSchool(schoolId).db.integrationClient.findUnique({
          where: { schoolId_clientId: { schoolId, clientId: subject } },
          select: { enabled: true, scopes: true },
        })
        if (!client?.enabled) throw new Problem('client-invalid', 'The integration client no longer exists or is disabled')
        // The token holds the scopes the client had when it was issued; one taken away since then no
        // longer counts, just as disabling the client takes effect at once.
        const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : []
        const scopes = granted.filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope) && client.scopes.includes(scope))
        return { kind: 'client', schoolId, memberId: null, subject, roles: [], scopes, via: 'service' }
      }
      case 'member': {
        const schoolId = await this.#activeSchool(payload.school)
        const asked = Array.isArray(payload.roles) ? payload.roles.filter(isSchoolRole) : undefined
        return this.#member(schoolId, subject, asked, { jit: false, via: 'service' })
      }
      default:
        throw new Problem('token-claims-invalid', 'The "token_use" claim is missing or unknown')
    }
  }

  async #platformToken(token: string): Promise<Principal> {
    const platform = this.#options.platform!
    const { payload } = await jwtVerify(token, this.#platformKeys!, {
      issuer: platform.issuer,
      audience: platform.audience,
      algorithms: [...IDP_ALGORITHMS],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp'],
    })
    return { kind: 'platform', schoolId: null, memberId: null, subject: payload.sub!, roles: ['platform_admin'], scopes: [], via: 'platform' }
  }

  async #identityProviderToken(token: string, issuer: string, unverified: JWTPayload): Promise<Principal> {
    const candidates = await this.#db.platform.$queryRaw<Array<{ school_id: string; id: string }>>`
      SELECT school_id::text, id::text FROM identity_providers_for_issuer(${issuer})`
    if (candidates.length === 0) throw new Problem('token-issuer-untrusted', `No school trusts the issuer "${issuer}"`)
    const wanted = audiences(unverified)
    const providers = await Promise.all(
      candidates.map(({ school_id, id }) =>
        this.#db.forSchool(school_id).db.identityProvider.findUnique({ where: { schoolId_id: { schoolId: school_id, id } } }),
      ),
    )
    const matching = providers.filter((candidate) => candidate && candidate.enabled && wanted.includes(candidate.audience))
    // Creating a provider refuses an issuer and audience that another school already trusts; should two
    // ever match anyway, the token is refused rather than given to either school.
    if (matching.length > 1) throw new Problem('token-audience-invalid', 'More than one school trusts this issuer for this audience')
    const provider = matching[0]
    if (!provider) throw new Problem('token-audience-invalid', 'No identity provider with this issuer expects this audience')
    const algorithms = provider.algorithms.filter((alg) => (IDP_ALGORITHMS as readonly string[]).includes(alg))
    const { payload } = await jwtVerify(token, this.#providerKeys(provider), {
      issuer,
      audience: provider.audience,
      algorithms,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp'],
    })
    const schoolId = await this.#activeSchool(provider.schoolId)
    const externalId = stringClaim(payload, provider.memberIdClaim)
    // Staff roles only through the school's mapping (provider-roles.ts); with no roles claim configured
    // the token neither narrows nor provisions.
    const roles = provider.rolesClaim ? providerRoles(claimAt(payload, provider.rolesClaim), provider.roleMapping) : undefined
    return this.#member(schoolId, externalId, roles?.narrowing, {
      jit: provider.jitProvisioning,
      provision: roles?.provisionable,
      via: 'identity-provider',
      providerId: provider.id,
    })
  }

  #providerKeys(provider: { id: string; jwksUri: string | null; jwks: unknown; updatedAt: Date }): JWTVerifyGetKey {
    if (provider.jwks) return this.#keySets.inline(provider.id, String(provider.updatedAt.getTime()), provider.jwks as JSONWebKeySet)
    if (!provider.jwksUri) throw new Problem('token-key-unknown', 'The identity provider has no keys configured')
    return this.#keySets.remote(provider.id, provider.jwksUri)
  }

  async #activeSchool(claim: unknown): Promise<string> {
    if (typeof claim !== 'string' || !/^[0-9a-f-]{36}$/i.test(claim)) throw new Problem('school-unknown')
    const school = await this.#db.schools.get(claim)
    if (!school) throw new Problem('school-unknown')
    if (school.status !== 'active') throw new Problem('school-disabled')
    return claim
  }

  async #member(
    schoolId: string,
    externalId: string,
    claimedRoles: SchoolRole[] | undefined,
    options: { jit: boolean; provision?: SchoolRole[]; via: 'identity-provider' | 'service'; providerId?: string },
  ): Promise<Principal> {
    const { db } = this.#db.forSchool(schoolId)
    let member = await db.member.findUnique({
      where: { schoolId_externalId: { schoolId, externalId } },
      select: MEMBER_SELECT,
    })
    // Just-in-time provisioning creates a member with the roles the provider may give (never a staff
    // role by name); a token that leaves none is refused like one without roles.
    const provision = options.provision ?? []
    if (!member && options.jit && provision.length) {
      member = await db.member.upsert({
        where: { schoolId_externalId: { schoolId, externalId } },
        create: { schoolId, externalId, roles: provision },
        update: {},
        select: MEMBER_SELECT,
      })
    }
    if (!member) {
      const staffByName = options.jit && claimedRoles?.length && !provision.length
      throw new Problem(
        'member-unknown',
        staffByName
          ? 'No member with this identity is provisioned in the school, and the token names only staff roles, which provisioning takes from the provider\'s roleMapping alone'
          : 'No member with this identity is provisioned in the school',
      )
    }
    if (member.status !== 'active') throw new Problem('member-disabled')
    // A token narrows the member's roles (an SSO group, a development token for one role); it never adds
    // one, whoever signed it: the school's provider cannot make a student an admin by claiming it.
    const roles = claimedRoles ? member.roles.filter((role) => claimedRoles.includes(role)) : member.roles
    const profile = { id: member.id, externalId: member.externalId, givenName: member.givenName, familyName: member.familyName, email: member.email }
    const matching = { fieldsOfInterest: member.fieldsOfInterest, backgroundTags: member.backgroundTags, shareBackgroundTags: member.shareBackgroundTags }
    return { kind: 'member', schoolId, memberId: member.id, subject: externalId, roles, scopes: [], via: options.via, ...(options.providerId ? { providerId: options.providerId } : {}), profile, matching }
  }
}
