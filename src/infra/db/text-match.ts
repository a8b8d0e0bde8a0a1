// Case-insensitive equality in Prisma filters. Prisma writes `equals` with `mode: 'insensitive'` as
// ILIKE without escaping the value (prisma/prisma#10810), so "_" and "%" in what a caller sends would
// match any character: "john_smith" would find "john.smith", and "%" every row. The value's
// wildcards are escaped here; test/scim.test.ts and test/hosts.test.ts fail if Prisma starts
// escaping them itself.

/** A Prisma string filter: equal to `value`, ignoring case, character for character. */
export function insensitiveEquals(value: string) {
  return { equals: value.replace(/[\\%_]/g, (c) => `\\${c}`), mode: 'insensitive' as const }
}
