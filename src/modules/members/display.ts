// How a member is named to others: given and family name, or nothing when neither is known.
export function displayName(member: { givenName: string | null; familyName: string | null }): string | null {
  return [member.givenName, member.familyName].filter(Boolean).join(' ') || null
}
