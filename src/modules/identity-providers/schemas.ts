import { Type, type Static } from 'typebox'
import { IDP_ALGORITHMS } from '../../infra/auth/authenticator.js'
import { SCHOOL_ROLES } from '../../infra/auth/principal.js'
import { Nullable, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'

const Jwks = Type.Object(
  { keys: Type.Array(Type.Object({ kty: Text(10) }, { additionalProperties: true }), { minItems: 1, maxItems: 20 }) },
  { description: 'Inline public keys, for providers without a JWKS URL' },
)
const ClaimName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_:/.-]+$', description: 'A claim name; dots reach nested claims (realm_access.roles)' })
const RoleMapping = Type.Record(
  Type.String(),
  Type.Array(Type.Enum([...SCHOOL_ROLES]), { maxItems: SCHOOL_ROLES.length, uniqueItems: true }),
  {
    propertyNames: { minLength: 1, maxLength: 200 },
    maxProperties: 100,
    description:
      'Values of the roles claim → the Vantage roles each stands for, e.g. {"staff-career": ["advisor"], "it-admin": ["school_admin"]}. ' +
      'Staff roles (advisor, school_admin) come from a token only through this mapping; a value it does not name counts only when it is ' +
      '"student" or "alumni" (for provisioning and narrowing) or, to narrow a member who already holds it, "advisor" or "school_admin". ' +
      'A value mapped to [] gives no role. The mapping decides what just-in-time provisioning may create and what a token narrows a ' +
      'member to; it never adds a role to an existing member. Needs rolesClaim.',
    examples: [{ 'staff-career': ['advisor'], 'it-admin': ['school_admin'] }],
  },
)
const IssuerApproval = Type.Boolean({
  description:
    'Set by a platform operator only (a school admin sending it gets 403): the operator vouches for an issuer that is not an https URL on ' +
    'the host of jwksUri (e.g. https://accounts.google.com with keys on www.googleapis.com). A school admin changing issuer, jwksUri or ' +
    'jwks clears it.',
})

const providerFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  issuer: Type.String({
    minLength: 1,
    maxLength: 500,
    description:
      'The exact "iss" of the provider\'s tokens. Never the service\'s own issuer, its public URL or the platform operator\'s (also ' +
      'not in another case, with spaces or a trailing slash). With jwksUri it must be an https URL (http where JWKS_ALLOW_HTTP is on) ' +
      'on the same host name as jwksUri; any other issuer (a URN, another host) needs inline jwks or issuerApprovedByOperator',
  }),
  audience: Type.String({ minLength: 1, maxLength: 500, description: 'The "aud" the provider puts in tokens for this school\'s portal' }),
  jwksUri: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 2000 }))),
  jwks: Type.Optional(Nullable(Jwks)),
  algorithms: Type.Array(Type.Enum([...IDP_ALGORITHMS]), { minItems: 1, maxItems: 10, uniqueItems: true }),
  memberIdClaim: Type.Optional(ClaimName),
  rolesClaim: Type.Optional(Nullable(ClaimName)),
  roleMapping: Type.Optional(Nullable(RoleMapping)),
  jitProvisioning: Type.Optional(
    Type.Boolean({
      description:
        'Create a member on first sign-in with the roles the token gives under roleMapping (student and alumni also by name; staff ' +
        'roles only through the mapping). A token that gives none is refused with member-unknown',
    }),
  ),
  issuerApprovedByOperator: Type.Optional(IssuerApproval),
  enabled: Type.Optional(Type.Boolean()),
}

export const CreateIdentityProvider = Type.Object(providerFields, { examples: [{ name: 'Campus SSO', issuer: 'https://sso.demo.edu', audience: 'vantage', jwksUri: 'https://sso.demo.edu/.well-known/jwks.json', algorithms: ['RS256'], memberIdClaim: 'sub', rolesClaim: 'roles', jitProvisioning: false }], additionalProperties: false })
export const UpdateIdentityProvider = Type.Partial(Type.Object(providerFields), { additionalProperties: false, minProperties: 1 })

export const IdentityProvider = Type.Object(
  {
    id: Uuid,
    schoolId: Uuid,
    name: Text(200),
    issuer: Text(500),
    audience: Text(500),
    jwksUri: Type.Union([Text(2000), Type.Null()]),
    jwks: Type.Union([Jwks, Type.Null()]),
    algorithms: Type.Array(Text(10), { maxItems: 10 }),
    memberIdClaim: Text(100),
    rolesClaim: Type.Union([Text(100), Type.Null()]),
    roleMapping: Type.Union([RoleMapping, Type.Null()]),
    jitProvisioning: Type.Boolean(),
    issuerApprovedByOperator: IssuerApproval,
    enabled: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'IdentityProvider', title: 'IdentityProvider' },
)

export type CreateIdentityProviderBody = Static<typeof CreateIdentityProvider>
export type UpdateIdentityProviderBody = Static<typeof UpdateIdentityProvider>
export type IdentityProviderBody = Static<typeof IdentityProvider>
