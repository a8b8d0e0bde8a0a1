// What this SCIM service supports, as an identity provider reads it before provisioning
// (RFC 7644 §4): ServiceProviderConfig, ResourceTypes and Schemas.
import { USER_SCHEMA, VANTAGE_SCHEMA, LIST_RESPONSE } from './mapping.js'
import { MAX_COUNT } from './service.js'

export const SCHEMA_IDS = [USER_SCHEMA, VANTAGE_SCHEMA] as const

const attribute = (name: string, type: string, options: Record<string, unknown> = {}) => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...options,
})

const list = <T>(resources: T[]) => ({ schemas: [LIST_RESPONSE], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources })

export function discovery(publicUrl: string) {
  const base = `${publicUrl}/scim/v2`
  const meta = (resourceType: string, path: string) => ({ resourceType, location: `${base}/${path}` })
  const userSchema = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: USER_SCHEMA,
    name: 'User',
    description: 'A member of the school',
    attributes: [
      attribute('userName', 'string', { required: true, uniqueness: 'server', description: 'The member\'s external id: the value the school\'s tokens carry' }),
      attribute('name', 'complex', { subAttributes: [attribute('givenName', 'string'), attribute('familyName', 'string'), attribute('formatted', 'string', { mutability: 'readOnly' })] }),
      attribute('displayName', 'string', { mutability: 'readOnly' }),
      attribute('emails', 'complex', { multiValued: true, description: 'One address is kept: the primary, or the first', subAttributes: [attribute('value', 'string'), attribute('type', 'string'), attribute('primary', 'boolean')] }),
      attribute('active', 'boolean', { description: 'false: the member is disabled, their history kept' }),
      attribute('roles', 'complex', { multiValued: true, description: 'student, alumni, advisor, or a value of the school\'s scimRoleMapping', subAttributes: [attribute('value', 'string'), attribute('primary', 'boolean')] }),
    ],
    meta: meta('Schema', `Schemas/${USER_SCHEMA}`),
  }
  const vantageSchema = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: VANTAGE_SCHEMA,
    name: 'VantageUser',
    description: 'What a school tells Vantage about a student',
    attributes: [attribute('major', 'string'), attribute('graduationYear', 'integer'), attribute('fieldsOfInterest', 'string', { multiValued: true })],
    meta: meta('Schema', `Schemas/${VANTAGE_SCHEMA}`),
  }
  const userType = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A member of the school',
    schema: USER_SCHEMA,
    schemaExtensions: [{ schema: VANTAGE_SCHEMA, required: false }],
    meta: meta('ResourceType', 'ResourceTypes/User'),
  }
  return {
    serviceProviderConfig: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      documentationUri: `${publicUrl}/docs`,
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: MAX_COUNT },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: 'An access token of the school\'s integration client with the scim scope (POST /oauth/token, client credentials)',
          specUri: 'https://www.rfc-editor.org/info/rfc6750',
          primary: true,
        },
      ],
      meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
    },
    resourceTypes: list([userType]),
    schemas: list([userSchema, vantageSchema]),
  }
}
