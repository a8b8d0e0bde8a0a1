import { Type, type Static } from 'typebox'
import { SCHOOL_ROLES } from '../../infra/auth/principal.js'
import { Int32, Nullable, PageQuery, Text, Timestamp, Uuid } from '../../infra/http/schemas.js'


export const ExternalId = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9._:@|-]+$',
  description: 'The portal\'s own identifier for the person (stable; letters, digits and . _ : @ | -)',
})
const Role = Type.Enum([...SCHOOL_ROLES])
const Tag = Type.String({ minLength: 1, maxLength: 60, pattern: '^[a-z0-9]+(?:[-_][a-z0-9]+)*$' })
const Label = Type.String({ minLength: 1, maxLength: 120 })

const memberFields = {
  roles: Type.Array(Role, { minItems: 1, maxItems: 4, uniqueItems: true }),
  status: Type.Optional(Type.Enum(['active', 'disabled'], { default: 'active' })),
  givenName: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  familyName: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254 }))),
  major: Type.Optional(Nullable(Label)),
  graduationYear: Type.Optional(Nullable(Int32({ minimum: 1900, maximum: 2200 }))),
  fieldsOfInterest: Type.Optional(Type.Array(Label, { maxItems: 20, uniqueItems: true })),
  backgroundTags: Type.Optional(
    Type.Array(Tag, { maxItems: 20, uniqueItems: true, description: 'Background the member chooses to share, e.g. first-generation, transfer, veteran' }),
  ),
  shareBackgroundTags: Type.Optional(
    Type.Boolean({
      description: 'Whether the background tags may be used for matching and shown to hosts; the same choice as sharing.backgroundTags. True for a new member; left out, an existing member keeps their choice',
    }),
  ),
  directoryOptOut: Type.Optional(
    Type.Boolean({
      default: false,
      description: 'FERPA §99.37: the student asked the school not to disclose their directory information, as the registrar records it. Hosts and other students then see nothing of them but an id',
    }),
  ),
}

const sharingFields = {
  name: Type.Boolean({ description: 'Given and family name' }),
  major: Type.Boolean(),
  graduationYear: Type.Boolean(),
  fieldsOfInterest: Type.Boolean({ description: 'Also the match reasons that name them' }),
  backgroundTags: Type.Boolean({ description: 'Also whether matching uses them' }),
}

export const Sharing = Type.Object(sharingFields, {
  additionalProperties: false,
  description: 'The member\'s choice, field by field, of what hosts and other students see (true: shown). New members share everything but can change it any time',
})

export const SharingInput = Type.Object(
  {
    name: Type.Optional(sharingFields.name),
    major: Type.Optional(sharingFields.major),
    graduationYear: Type.Optional(sharingFields.graduationYear),
    fieldsOfInterest: Type.Optional(sharingFields.fieldsOfInterest),
    backgroundTags: Type.Optional(sharingFields.backgroundTags),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ major: false, backgroundTags: false }], description: 'The choices to change; the others stay' },
)

export const SharingState = Type.Object(
  {
    memberId: Uuid,
    directoryOptOut: Type.Boolean({ description: 'Set by the school from the registrar\'s record; when true, nothing is shown whatever the choices say' }),
    sharing: Sharing,
    shownToOthers: Type.Object(sharingFields, { additionalProperties: false, description: 'What hosts and other students are shown now: the choices, all false under a directory opt-out' }),
  },
  {
    title: 'SharingState',
    examples: [{ memberId: '01936f7e-2a10-7d01-8e22-0a1b2c3d4e5f', directoryOptOut: false, sharing: { name: true, major: false, graduationYear: true, fieldsOfInterest: true, backgroundTags: false }, shownToOthers: { name: true, major: false, graduationYear: true, fieldsOfInterest: true, backgroundTags: false } }],
  },
)

export const MemberInput = Type.Object(memberFields, {
  examples: [
    { roles: ['student'], givenName: 'Ana', familyName: 'Lopez', email: 'ana.lopez@demo.edu', major: 'Biology', graduationYear: 2027, fieldsOfInterest: ['Healthcare'], backgroundTags: ['first-generation'] },
  ],
  additionalProperties: false,
  description: 'A member as the portal knows them. PUT replaces: fields left out are cleared, except the member\'s own sharing choices, which stay unless given.',
})

export const BulkMemberInput = Type.Object({ externalId: ExternalId, ...memberFields }, { additionalProperties: false })

export const BulkMembers = Type.Object(
  { members: Type.Array(BulkMemberInput, { minItems: 1, maxItems: 1000 }) },
  {
    examples: [{ members: [{ externalId: 's-1042', roles: ['student'], givenName: 'Ana', major: 'Biology' }, { externalId: 'a-77', roles: ['alumni'], givenName: 'Omar', graduationYear: 2015 }] }],
    additionalProperties: false,
  },
)

export const Member = Type.Object(
  {
    id: Uuid,
    externalId: Text(200),
    roles: Type.Array(Role, { maxItems: 4 }),
    status: Type.Enum(['active', 'disabled']),
    givenName: Nullable(Text(100)),
    familyName: Nullable(Text(100)),
    email: Nullable(Text(254)),
    major: Nullable(Text(120)),
    graduationYear: Nullable(Int32({ minimum: 1900, maximum: 2200 })),
    fieldsOfInterest: Type.Array(Text(120), { maxItems: 20 }),
    backgroundTags: Type.Array(Text(60), { maxItems: 20 }),
    shareBackgroundTags: Type.Boolean({ description: 'The same as sharing.backgroundTags' }),
    directoryOptOut: Type.Boolean({ description: 'FERPA §99.37 opt-out of directory information' }),
    sharing: Sharing,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { examples: [{ id: '01936f7e-2a10-7d01-8e22-0a1b2c3d4e5f', externalId: 's-1042', roles: ['student'], status: 'active', givenName: 'Ana', familyName: 'Lopez', email: 'ana.lopez@demo.edu', major: 'Biology', graduationYear: 2027, fieldsOfInterest: ['Healthcare'], backgroundTags: ['first-generation'], shareBackgroundTags: true, directoryOptOut: false, sharing: { name: true, major: true, graduationYear: true, fieldsOfInterest: true, backgroundTags: true }, createdAt: '2026-11-20T15:04:05.000Z', updatedAt: '2026-11-20T15:04:05.000Z' }], $id: 'Member', title: 'Member' },
)

export const BulkResult = Type.Object({
  created: Int32({ minimum: 0, maximum: 1000 }),
  updated: Int32({ minimum: 0, maximum: 1000 }),
  members: Type.Array(Type.Object({ externalId: Text(200), id: Uuid, outcome: Type.Enum(['created', 'updated']) }), { maxItems: 1000 }),
})

export const MemberListQuery = Type.Object(
  {
    role: Type.Optional(Role),
    graduationYear: Type.Optional(Int32({ minimum: 1900, maximum: 2200 })),
    major: Type.Optional(Label),
    ...PageQuery,
  },
  { additionalProperties: false },
)

export type SharingInputBody = Static<typeof SharingInput>
export type MemberInputBody = Static<typeof MemberInput>
export type BulkMemberInputBody = Static<typeof BulkMemberInput>
export type MemberBody = Static<typeof Member>
export type MemberListQueryBody = Static<typeof MemberListQuery>
