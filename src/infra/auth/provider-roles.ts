// Which Vantage roles a token from a school's identity provider stands for. Staff roles (advisor,
// school_admin) come from a token only through the provider's roleMapping, which the school's admins
// configure: a provider whose users can shape their own claims (self-service groups, a shared tenant,
// a misconfigured scope) must not make anyone staff on first sign-in.
import { type SchoolRole, isSchoolRole } from './principal.js'

/** Values of the provider's roles claim → the Vantage roles each stands for. */
export type RoleMapping = Record<string, SchoolRole[]>

/** Roles a claim value names by itself when the mapping does not mention it. */
export const SELF_NAMED_ROLES: readonly SchoolRole[] = ['student', 'alumni']

export interface ProviderRoles {
  /** The member's stored roles are narrowed to these (narrowing never adds a role, so a literal name counts). */
  narrowing: SchoolRole[]
  /** What just-in-time provisioning may give a new member: mapped roles, and student/alumni by name. */
  provisionable: SchoolRole[]
}

/** A roles claim as a list of values: an array, or one string of values separated by spaces or commas. */
function claimValues(claimed: unknown): string[] {
  if (Array.isArray(claimed)) return claimed.filter((value): value is string => typeof value === 'string')
  return typeof claimed === 'string' ? claimed.split(/[\s,]+/).filter(Boolean) : []
}

/**
 * The roles of a token's claim under a provider's mapping. A value the mapping names gives exactly the
 * mapped roles (an empty list: none). A value it does not name gives `student` or `alumni` when it is
 * that word, for provisioning and narrowing alike; `advisor` or `school_admin` by name only narrow a
 * member who already holds them, and never provision one.
 */
export function providerRoles(claimed: unknown, mapping: unknown): ProviderRoles {
  const table = mapping && typeof mapping === 'object' && !Array.isArray(mapping) ? (mapping as Record<string, unknown>) : {}
  const narrowing = new Set<SchoolRole>()
  const provisionable = new Set<SchoolRole>()
  for (const value of claimValues(claimed)) {
    // Own properties only: "constructor" or "__proto__" in a token must not reach Object.prototype.
    if (Object.hasOwn(table, value)) {
      const mapped = table[value]
      for (const role of Array.isArray(mapped) ? mapped.filter(isSchoolRole) : []) {
        narrowing.add(role)
        provisionable.add(role)
      }
    } else if (isSchoolRole(value)) {
      narrowing.add(value)
      if (SELF_NAMED_ROLES.includes(value)) provisionable.add(value)
    }
  }
  return { narrowing: [...narrowing], provisionable: [...provisionable] }
}
