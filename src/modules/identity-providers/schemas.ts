import { Type, type Static } from 'typebox'
import { IDP_ALGORITHMS } from '../../infra/auth/authenticator.js'
import { Nullable, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'

const Jwks = Type.Object(
  { keys: Type.Array(Type.Object({ kty: Text(10) }, { additionalProperties: true }), { minItems: 1, maxItems: 20 }) },
  { description: 'Inline public keys, for providers without a JWKS URL' },
)
const ClaimName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_:/.-]+$', description: 'A claim name; dots reach nested claims (realm_access.roles)' })

const providerFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  issuer: Type.String({ minLength: 1, maxLength: 500, description: 'The exact "iss" of the provider\'s tokens' }),
  audience: Type.String({ minLength: 1, maxLength: 500, description: 'The "aud" the provider puts in tokens for this school\'s portal' }),
  jwksUri: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 2000 }))),
  jwks: Type.Optional(Nullable(Jwks)),
  algorithms: Type.Array(Type.Enum([...IDP_ALGORITHMS]), { minItems: 1, maxItems: 10, uniqueItems: true }),
  memberIdClaim: Type.Optional(ClaimName),
  rolesClaim: Type.Optional(Nullable(ClaimName)),
  jitProvisioning: Type.Optional(Type.Boolean({ description: 'Create a member on first sign-in (needs roles in the token)' })),
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
    jitProvisioning: Type.Boolean(),
    enabled: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'IdentityProvider', title: 'IdentityProvider' },
)

export type CreateIdentityProviderBody = Static<typeof CreateIdentityProvider>
export type UpdateIdentityProviderBody = Static<typeof UpdateIdentityProvider>
export type IdentityProviderBody = Static<typeof IdentityProvider>
