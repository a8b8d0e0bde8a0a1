// The roles a school identity provider's token stands for (src/infra/auth/provider-roles.ts), without
// a database: the end-to-end behaviour is in identity-provider.test.ts.
import { describe, expect, it } from 'vitest'
import { providerRoles } from '../src/infra/auth/provider-roles.js'

describe('roles from an identity provider\'s claim', () => {
  it('takes student and alumni by name, and staff roles by name only to narrow', () => {
    expect(providerRoles(['student', 'alumni', 'advisor', 'school_admin', 'platform_admin', 'dean'], null)).toEqual({
      narrowing: ['student', 'alumni', 'advisor', 'school_admin'],
      provisionable: ['student', 'alumni'],
    })
    // A claim of one string, separated by spaces or commas, as some providers send it.
    expect(providerRoles('school_admin, student', undefined)).toEqual({ narrowing: ['school_admin', 'student'], provisionable: ['student'] })
    expect(providerRoles(undefined, null)).toEqual({ narrowing: [], provisionable: [] })
    expect(providerRoles([42, { role: 'school_admin' }], null)).toEqual({ narrowing: [], provisionable: [] })
  })

  it('gives exactly the mapped roles for a value the mapping names, staff roles included', () => {
    const mapping = { 'staff-career': ['advisor'], 'it-admin': ['school_admin', 'advisor'], student: [], advisor: ['alumni'] }
    expect(providerRoles(['staff-career'], mapping)).toEqual({ narrowing: ['advisor'], provisionable: ['advisor'] })
    expect(providerRoles(['it-admin', 'staff-career'], mapping)).toEqual({ narrowing: ['school_admin', 'advisor'], provisionable: ['school_admin', 'advisor'] })
    // Mapped to nothing, or to something else than its name: the mapping wins over the name.
    expect(providerRoles(['student'], mapping)).toEqual({ narrowing: [], provisionable: [] })
    expect(providerRoles(['advisor'], mapping)).toEqual({ narrowing: ['alumni'], provisionable: ['alumni'] })
    // Values the mapping does not name keep the rules by name.
    expect(providerRoles(['alumni', 'school_admin'], mapping)).toEqual({ narrowing: ['alumni', 'school_admin'], provisionable: ['alumni'] })
  })

  it('reads only the mapping\'s own entries, and only roles from them', () => {
    const mapping = JSON.parse('{"staff": ["advisor", "platform_admin", 7]}') as unknown
    for (const value of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(providerRoles([value], mapping)).toEqual({ narrowing: [], provisionable: [] })
    }
    expect(providerRoles(['staff'], mapping)).toEqual({ narrowing: ['advisor'], provisionable: ['advisor'] })
    expect(providerRoles(['staff'], ['advisor'])).toEqual({ narrowing: [], provisionable: [] })
  })
})
