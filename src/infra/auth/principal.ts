// Who is calling: the result of authentication, attached to every authenticated request.
export const SCHOOL_ROLES = ['student', 'alumni', 'advisor', 'school_admin'] as const
export type SchoolRole = (typeof SCHOOL_ROLES)[number]
export type Role = SchoolRole | 'platform_admin'

/** Scopes an integration client may hold. */
export const SCOPES = ['members:read', 'members:write', 'reports:read', 'webhooks:manage', 'scim'] as const
export type Scope = (typeof SCOPES)[number]

export interface MemberProfile {
  id: string
  externalId: string
  givenName: string | null
  familyName: string | null
  email: string | null
}

export type Principal =
  | {
      kind: 'member'
      schoolId: string
      memberId: string
      subject: string
      roles: SchoolRole[]
      scopes: []
      /** 'identity-provider' for the school's own SSO, 'service' for tokens this service signed. */
      via: 'identity-provider' | 'service'
      /** The identity provider that signed the token, when `via` is 'identity-provider'. */
      providerId?: string
      /** The member as read while authenticating, so that answering "who am I" needs no second read. */
      profile: MemberProfile
      /** What host matching needs of the member, read at the same time (suggestions for oneself). */
      matching: { fieldsOfInterest: string[]; backgroundTags: string[]; shareBackgroundTags: boolean }
    }
  | { kind: 'client'; schoolId: string; memberId: null; subject: string; roles: []; scopes: Scope[]; via: 'service' }
  | { kind: 'platform'; schoolId: null; memberId: null; subject: string; roles: ['platform_admin']; scopes: []; via: 'service' | 'platform' }

/** What a route allows: deny by default, a caller passes when any listed role or scope matches. */
export interface Access {
  roles?: readonly Role[]
  scopes?: readonly Scope[]
}

export function isAllowed(principal: Principal, access: Access): boolean {
  if (principal.roles.some((role) => access.roles?.includes(role))) return true
  return principal.scopes.some((scope) => access.scopes?.includes(scope))
}

export function isSchoolRole(value: unknown): value is SchoolRole {
  return typeof value === 'string' && (SCHOOL_ROLES as readonly string[]).includes(value)
}
