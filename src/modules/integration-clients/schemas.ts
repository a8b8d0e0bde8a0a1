import { Type, type Static } from 'typebox'
import { SCOPES } from '../../infra/auth/principal.js'
import { Text, Timestamp, Uuid } from '../../infra/http/schemas.js'

const Scopes = Type.Array(Type.Enum([...SCOPES]), { minItems: 1, maxItems: SCOPES.length, uniqueItems: true })

export const CreateIntegrationClient = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), scopes: Scopes },
  { examples: [{ name: 'Student portal', scopes: ['members:read', 'members:write'] }], additionalProperties: false },
)

export const UpdateIntegrationClient = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), scopes: Type.Optional(Scopes), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
)

export const IntegrationClient = Type.Object(
  {
    id: Uuid,
    schoolId: Uuid,
    clientId: Text(100, { description: 'The OAuth client_id: the school\'s slug, a dot, and a random part' }),
    name: Text(200),
    scopes: Type.Array(Text(50), { maxItems: SCOPES.length }),
    enabled: Type.Boolean(),
    lastUsedAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'IntegrationClient', title: 'IntegrationClient' },
)

export const IntegrationClientWithSecret = Type.Object(
  {
    client: Type.Ref('IntegrationClient'),
    clientSecret: Text(100, { description: 'Shown only in this response; store it in the portal\'s secret store' }),
  },
  { title: 'IntegrationClientWithSecret' },
)

export type IntegrationClientBody = Static<typeof IntegrationClient>
export type CreateIntegrationClientBody = Static<typeof CreateIntegrationClient>
export type UpdateIntegrationClientBody = Static<typeof UpdateIntegrationClient>
