// Who may do what: the one table of the service's actions and the roles and scopes that may take
// them. A route declares the action it performs (`config: { access: policy('…') }`; a route that
// declares none cannot be registered, plugin.ts), and a service asks the same table about a caller
// (`can(principal, '…')`) where the answer depends on whose record it is. Record-level rules (a
// student's own conversations, a host's own requests) stay with the services; which roles they
// concern is said here.
import { type Access, isAllowed, type Principal, SCHOOL_ROLES, SCOPES } from './principal.js'

const MEMBERS = ['student', 'alumni', 'advisor', 'school_admin'] as const
const STAFF = ['advisor', 'school_admin'] as const

export const POLICY = {
  /** The caller themselves: anyone authenticated. */
  'caller:read': { roles: [...SCHOOL_ROLES, 'platform_admin'], scopes: [...SCOPES] },
  /** What a school shares with all its members: hosts, the question bank, calendars, their own export and disclosures. */
  'school:read': { roles: MEMBERS },
  /** A member's own record and sharing choices (others' only as the services allow). */
  'members:self': { roles: [...SCHOOL_ROLES] },
  /** The member directory as the members' own choices allow; integration clients with members:read. */
  'members:directory': { roles: [...SCHOOL_ROLES], scopes: ['members:read'] },
  /** Every member's full record: staff, and clients with members:read. */
  'members:read': { roles: STAFF, scopes: ['members:read'] },
  /** Provisioning members: school admins and clients with members:write. */
  'members:provision': { roles: ['school_admin'], scopes: ['members:write'] },
  /** SCIM 2.0 provisioning (/scim/v2): the school's identity provider, through an integration client with the scim scope. */
  'members:scim': { roles: [], scopes: ['scim'] },
  /** Choosing another member's sharing: school admins. */
  'members:manage-sharing': { roles: ['school_admin'] },
  /** Reading conversations (contacts, outreach, referrals, meetings): the student's own, staff every student's. */
  'conversations:read': { roles: ['student', ...STAFF] },
  /** Changing conversations: the student alone, their own. */
  'conversations:write': { roles: ['student'] },
  /** Every student's records, not only one's own: the school's staff. */
  'students:read-all': { roles: STAFF },
  /** Host suggestions: the student for themselves, staff for any student. */
  'suggestions:read': { roles: ['student', ...STAFF] },
  /** A host profile: the alumnus's own, or any for a school admin. */
  'hosts:keep': { roles: ['alumni', 'school_admin'] },
  /** Sending requests to hosts, and withdrawing them: students. */
  'host-requests:send': { roles: ['student'] },
  /** Answering requests addressed to oneself: alumni hosts. */
  'host-requests:answer': { roles: ['alumni'] },
  /** Cohort programmes and their runs: staff. */
  'programs:organize': { roles: STAFF },
  /** The question bank: staff edit it. */
  'questions:edit': { roles: STAFF },
  /** Reports and CSV exports: staff, and clients with reports:read. */
  'reports:read': { roles: STAFF, scopes: ['reports:read'] },
  /** Webhook subscriptions and their deliveries: school admins, and clients with webhooks:manage. */
  'webhooks:manage': { roles: ['school_admin'], scopes: ['webhooks:manage'] },
  /** The school's audit log, and erasing a member: school admins. */
  'school:administer': { roles: ['school_admin'] },
  /** A school's identity providers and integration clients: its admins and the platform operator. */
  'school:configure': { roles: ['school_admin', 'platform_admin'] },
  /** Schools themselves: the platform operator. */
  'schools:operate': { roles: ['platform_admin'] },
} as const satisfies Record<string, Access>

export type Action = keyof typeof POLICY

/** A route's `config.access`: the roles and scopes of the action. */
export function policy(action: Action): Access {
  return POLICY[action]
}

/** Whether the caller may take the action. */
export function can(principal: Principal, action: Action): boolean {
  return isAllowed(principal, POLICY[action])
}
