// A student's network as a graph. Degree 1: contacts the student knows directly (personally, through
// an organization or the alumni network, or reached cold). A referred contact's degree is one more
// than that of the contact who referred them (the nearest, when several did). A referred contact whose
// referrer is only named (not a contact), or not on record, was referred by someone the student knows:
// degree 2. Breadth-first from those entry points gives every contact its shortest degree and visits
// each once, so chains of any length come out right and cycles end.
export interface NetworkContact {
  id: string
  source: string
}

export interface NetworkEdge {
  referrerContactId: string | null
  referredContactId: string
}

export function degrees(contacts: NetworkContact[], edges: NetworkEdge[]): Map<string, number> {
  const known = new Set(contacts.map((contact) => contact.id))
  /** Referrer → the contacts they referred. Edges to or from contacts not in the list are ignored. */
  const referred = new Map<string, string[]>()
  const referredByContact = new Set<string>()
  for (const edge of edges) {
    const from = edge.referrerContactId
    if (!from || !known.has(from) || !known.has(edge.referredContactId)) continue
    let list = referred.get(from)
    if (!list) referred.set(from, (list = []))
    list.push(edge.referredContactId)
    referredByContact.add(edge.referredContactId)
  }

  const direct = contacts.filter((contact) => contact.source !== 'referral').map((contact) => contact.id)
  // Referred by a named person or by nobody on record: one step from the student.
  const viaSomeoneKnown = contacts.filter((contact) => contact.source === 'referral' && !referredByContact.has(contact.id)).map((contact) => contact.id)

  // What those entry points do not reach was referred only from within a loop of referred contacts
  // (or from what such a loop referred): the first of them, too, came through someone the student
  // knows. Every such contact enters at degree 2, all at once, so the result does not depend on the
  // order of the contacts.
  const reachable = new Set([...direct, ...viaSomeoneKnown])
  const stack = [...reachable]
  while (stack.length > 0) {
    for (const next of referred.get(stack.pop()!) ?? []) {
      if (!reachable.has(next)) {
        reachable.add(next)
        stack.push(next)
      }
    }
  }
  const withinLoops = contacts.filter((contact) => !reachable.has(contact.id)).map((contact) => contact.id)

  const degree = new Map<string, number>()
  const levels: string[][] = []
  const reach = (id: string, level: number) => {
    if (degree.has(id)) return
    degree.set(id, level)
    ;(levels[level] ??= []).push(id)
  }
  for (const id of direct) reach(id, 1)
  for (const id of [...viaSomeoneKnown, ...withinLoops]) reach(id, 2)
  for (let level = 1; level < levels.length; level++) {
    for (const id of levels[level] ?? []) for (const next of referred.get(id) ?? []) reach(next, level + 1)
  }
  return degree
}

/**
 * Where each referral stands in a student's network, by the same degrees as above (the network and
 * the reports use this one definition):
 * - its depth: the number of referral steps from someone the student knew without one, along the
 *   shortest chain to its referrer, counting this referral. A referrer known directly, named only
 *   (not a contact) or not on record gives depth 1; a referrer of degree d gives depth d. On the
 *   referred contact's shortest chain this is the contact's degree minus one.
 * - or, instead of a depth, that it closes a cycle: it leads back to a contact who can reach its
 *   referrer through referrals and was reached no later than the referrer (degree not greater).
 *   Only the referral that closes a cycle counts; the others on the cycle keep their depths.
 */
export function referralDepths(contacts: NetworkContact[], edges: Array<NetworkEdge & { id: string }>): Map<string, { depth: number } | { closesCycle: true }> {
  const degreeOf = degrees(contacts, edges)
  const referredBy = new Map<string, string[]>()
  for (const edge of edges) {
    if (!edge.referrerContactId || !degreeOf.has(edge.referrerContactId) || !degreeOf.has(edge.referredContactId)) continue
    let list = referredBy.get(edge.referrerContactId)
    if (!list) referredBy.set(edge.referrerContactId, (list = []))
    list.push(edge.referredContactId)
  }
  /** Whether `to` is reached from `from` through referrals. */
  const reaches = (from: string, to: string) => {
    const seen = new Set([from])
    const stack = [from]
    while (stack.length > 0) {
      const at = stack.pop()!
      if (at === to) return true
      for (const next of referredBy.get(at) ?? []) {
        if (!seen.has(next)) {
          seen.add(next)
          stack.push(next)
        }
      }
    }
    return false
  }
  const result = new Map<string, { depth: number } | { closesCycle: true }>()
  for (const edge of edges) {
    const from = edge.referrerContactId
    const fromDegree = from ? degreeOf.get(from) : undefined
    const toDegree = degreeOf.get(edge.referredContactId)
    if (from && fromDegree !== undefined && toDegree !== undefined && toDegree <= fromDegree && reaches(edge.referredContactId, from)) {
      result.set(edge.id, { closesCycle: true })
    } else {
      result.set(edge.id, { depth: fromDegree ?? 1 })
    }
  }
  return result
}
