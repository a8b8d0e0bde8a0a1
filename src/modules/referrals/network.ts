// A student's network as a graph. Degree 1: contacts the student knows directly (personally, through
// an organization or the alumni network, or reached cold). A referred contact's degree is one more
// than that of the contact who referred them. A referred contact whose referrer is only named (not a
// contact), or not on record, was referred by someone the student knows: degree 2. Breadth-first
// from those entry points gives every contact its shortest degree and visits each once, so chains
// of any length come out right and cycles end.
export interface NetworkContact {
  id: string
  source: string
}

export interface NetworkEdge {
  referrerContactId: string | null
  referredContactId: string
}

export function degrees(contacts: NetworkContact[], edges: NetworkEdge[]): Map<string, number> {
  const referredBy = new Map<string, string[]>()
  for (const edge of edges) {
    if (!edge.referrerContactId) continue
    referredBy.set(edge.referrerContactId, [...(referredBy.get(edge.referrerContactId) ?? []), edge.referredContactId])
  }
  const degree = new Map<string, number>()
  const levels = new Map<number, string[]>()
  const reach = (id: string, level: number) => {
    if (degree.has(id)) return
    degree.set(id, level)
    levels.set(level, [...(levels.get(level) ?? []), id])
  }
  const spread = (from: number) => {
    for (let level = from; levels.has(level); level++) {
      for (const id of levels.get(level)!) for (const referred of referredBy.get(id) ?? []) reach(referred, level + 1)
    }
  }

  const referredByContact = new Set(edges.filter((edge) => edge.referrerContactId).map((edge) => edge.referredContactId))
  for (const contact of contacts) if (contact.source !== 'referral') reach(contact.id, 1)
  // Referred by a named person or by nobody on record: one step from the student.
  for (const contact of contacts) {
    if (contact.source === 'referral' && !referredByContact.has(contact.id)) reach(contact.id, 2)
  }
  spread(1)
  // What is still unreached was referred only within a loop of referred contacts: its referrer, too,
  // came through someone the student knows. Each such contact enters at degree 2.
  for (const contact of contacts) {
    if (degree.has(contact.id)) continue
    levels.clear()
    reach(contact.id, 2)
    spread(2)
  }
  return degree
}
