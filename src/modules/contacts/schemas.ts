import { Type, type Static } from 'typebox'
import { Nullable, PageQuery, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'

export const CONTACT_SOURCES = ['personal', 'referral', 'organization', 'alumni_network', 'cold'] as const
const Source = Type.Enum([...CONTACT_SOURCES], {
  description: 'How the student knows the person: personally, through a referral, an organization, the alumni network, or not at all (cold)',
})
export const CONTACT_RELATIONSHIPS = ['family', 'friend', 'professor', 'classmate', 'colleague', 'alumni', 'other'] as const
const Relationship = Type.Enum([...CONTACT_RELATIONSHIPS], {
  description: 'How the student knows the person: family, friend, professor, classmate, colleague (including a former employer), alumni, or other',
})
/**
 * The guide's reasons for choosing a person: they work in a field the student is considering, they
 * followed a path like the one the student has in mind, or they know an organization or industry.
 */
export const CONTACT_REASONS = ['considered_field', 'similar_path', 'knows_organization'] as const
const Reason = Type.Enum([...CONTACT_REASONS], {
  description: 'considered_field (works in a field you are considering), similar_path (followed a path like yours), knows_organization (knows an organization or industry)',
})
const Tag = Type.String({ minLength: 1, maxLength: 60, pattern: '^[a-z0-9]+(?:[-_][a-z0-9]+)*$' })

const contactFields = {
  fullName: Type.String({ minLength: 1, maxLength: 200 }),
  title: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
  organization: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
  industry: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 120 }))),
  occupation: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 120 }))),
  email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254 }))),
  phone: Type.Optional(Nullable(Type.String({ minLength: 3, maxLength: 40, pattern: '^[0-9+().\\- ]+$' }))),
  linkedinUrl: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 500, pattern: '^https://' }))),
  source: Source,
  relationship: Type.Optional(Nullable(Relationship)),
  reasons: Type.Optional(Type.Array(Reason, { maxItems: 3, uniqueItems: true, description: 'Why you chose this person; several allowed' })),
  backgroundTags: Type.Optional(Type.Array(Tag, { maxItems: 20, uniqueItems: true })),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
  alumniMemberId: Type.Optional(Nullable(Uuid)),
}

export const CreateContact = Type.Object(contactFields, { examples: [{ fullName: 'Grace Park', title: 'Nurse practitioner', organization: 'Mercy Hospital', industry: 'Healthcare', email: 'grace.park@mercy.example', source: 'personal', relationship: 'family', reasons: ['considered_field', 'similar_path'], backgroundTags: ['first-generation'], notes: 'My aunt\'s colleague' }], additionalProperties: false })
// Type.Partial keeps only the options given to it: additionalProperties goes here, not on the inner object.
export const UpdateContact = Type.Partial(Type.Object(contactFields), { additionalProperties: false, minProperties: 1 })

export const Contact = Type.Object(
  {
    id: Uuid,
    studentId: Uuid,
    fullName: Text(200),
    title: Nullable(Text(200)),
    organization: Nullable(Text(200)),
    industry: Nullable(Text(120)),
    occupation: Nullable(Text(120)),
    email: Nullable(Text(254)),
    phone: Nullable(Text(40)),
    linkedinUrl: Nullable(Text(500)),
    source: Source,
    relationship: Nullable(Relationship),
    reasons: Type.Array(Reason, { maxItems: 3 }),
    backgroundTags: Type.Array(Text(60), { maxItems: 20 }),
    notes: Nullable(Text(5000)),
    alumniMemberId: Nullable(Uuid),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { examples: [{ id: '01936f7e-3b7a-7c21-9a51-2f1e0c4d5b6a', studentId: '01936f7e-2a10-7d01-8e22-0a1b2c3d4e5f', fullName: 'Grace Park', title: 'Nurse practitioner', organization: 'Mercy Hospital', industry: 'Healthcare', occupation: null, email: 'grace.park@mercy.example', phone: null, linkedinUrl: null, source: 'personal', relationship: 'family', reasons: ['considered_field', 'similar_path'], backgroundTags: ['first-generation'], notes: 'My aunt\'s colleague', alumniMemberId: null, createdAt: '2026-11-20T15:04:05.000Z', updatedAt: '2026-11-20T15:04:05.000Z' }], $id: 'Contact', title: 'Contact' },
)

export const CONTACT_SORTS = ['recent', 'oldest', 'name'] as const

export const ContactListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Words to find in name, organization, title, industry, occupation and notes: each word matches as a prefix, or (five letters or more) as a near spelling of a word of the name, organization, title, industry or occupation ("hospitl" finds "hospital")',
    })),
    source: Type.Optional(Source),
    relationship: Type.Optional(Relationship),
    reason: Type.Optional(Reason),
    industry: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    tag: Type.Optional(Tag),
    studentId: Type.Optional(Type.String({ format: 'uuid', maxLength: 36, description: 'Advisors and admins: one student\'s contacts' })),
    sort: Type.Enum([...CONTACT_SORTS], { default: 'recent', description: 'recent (newest first), oldest, or name (A-Z)' }),
    ...PageQuery,
    cursor: Type.Optional(Type.String({ maxLength: 400, pattern: '^[A-Za-z0-9_-]+$', description: 'The nextCursor of the previous page' })),
  },
  { additionalProperties: false },
)

export type ContactBody = Static<typeof Contact>
export type CreateContactBody = Static<typeof CreateContact>
export type UpdateContactBody = Static<typeof UpdateContact>
export type ContactListQueryBody = Static<typeof ContactListQuery>
