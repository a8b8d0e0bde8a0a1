import { Type } from 'typebox'
import { SCHOOL_ROLES, SCOPES } from '../../infra/auth/principal.js'
import { Text, Uuid } from '../../infra/http/schemas.js'

export const Me = Type.Object(
  {
    kind: Type.Enum(['member', 'client', 'platform'], { description: 'A school member, an integration client, or a platform operator' }),
    subject: Text(200, { description: 'The member\'s external id, the client id, or the operator' }),
    via: Type.Enum(['identity-provider', 'service', 'platform'], { description: 'Who signed the token' }),
    school: Type.Union([Type.Object({ id: Uuid, slug: Text(63), name: Text(200), timeZone: Text(64) }), Type.Null()]),
    member: Type.Union([
      Type.Object({
        id: Uuid,
        externalId: Text(200),
        givenName: Type.Union([Text(100), Type.Null()]),
        familyName: Type.Union([Text(100), Type.Null()]),
        email: Type.Union([Text(254), Type.Null()]),
      }),
      Type.Null(),
    ]),
    roles: Type.Array(Type.Enum([...SCHOOL_ROLES, 'platform_admin']), { maxItems: 5 }),
    scopes: Type.Array(Type.Enum([...SCOPES]), { maxItems: SCOPES.length }),
  },
  { $id: 'Me', title: 'Me', description: 'The authenticated caller' },
)
