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
