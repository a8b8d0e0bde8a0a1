// degrees(): the degree of every contact in a student's network (src/modules/referrals/network.ts).
// Degree 1: known directly (any source but 'referral'). A referral-sourced contact with no contact
// as referrer (a named referrer, or none on record): 2. Otherwise 1 + the least degree among the
// contacts who referred them. Contacts that only a loop of referred contacts leads to: 2.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { degrees, type NetworkContact, type NetworkEdge } from '../src/modules/referrals/network.js'

const SOURCES = ['personal', 'referral', 'organization', 'alumni_network', 'cold'] as const

const known = (id: string, source = 'personal'): NetworkContact => ({ id, source })
const referred = (id: string): NetworkContact => ({ id, source: 'referral' })
const edge = (from: string | null, to: string): NetworkEdge => ({ referrerContactId: from, referredContactId: to })
const asObject = (map: Map<string, number>) => Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)))

describe('degrees()', () => {
  it('gives nothing for an empty network', () => {
    expect(degrees([], [])).toEqual(new Map())
  })

  it('every source but referral is degree 1, even when someone also referred the contact', () => {
    const contacts = [known('p', 'personal'), known('o', 'organization'), known('a', 'alumni_network'), known('c', 'cold'), referred('r')]
    const result = degrees(contacts, [edge('r', 'o'), edge('p', 'r'), edge(null, 'c')])
    expect(asObject(result)).toEqual({ a: 1, c: 1, o: 1, p: 1, r: 2 })
  })

  it('counts along a long chain, whatever order the contacts and referrals come in', () => {
    const length = 500
    const contacts = [known('c0'), ...Array.from({ length }, (_, index) => referred(`c${index + 1}`))]
    const edges = Array.from({ length }, (_, index) => edge(`c${index}`, `c${index + 1}`))
    const expected = Object.fromEntries(contacts.map((contact, index) => [contact.id, index + 1]))
    expect(Object.fromEntries(degrees(contacts, edges))).toEqual(expected)
    expect(Object.fromEntries(degrees([...contacts].reverse(), [...edges].reverse()))).toEqual(expected)
  })

  it('ends on a cycle and gives each contact its shortest degree', () => {
    // A (known) → B → C → D, and D refers B again.
    const contacts = [known('A'), referred('B'), referred('C'), referred('D')]
    const edges = [edge('A', 'B'), edge('B', 'C'), edge('C', 'D'), edge('D', 'B')]
    expect(asObject(degrees(contacts, edges))).toEqual({ A: 1, B: 2, C: 3, D: 4 })
    // A two-contact cycle hanging off a known contact.
    expect(asObject(degrees([known('K'), referred('X'), referred('Y')], [edge('X', 'Y'), edge('Y', 'X'), edge('K', 'Y')]))).toEqual({ K: 1, X: 3, Y: 2 })
  })

  it('with several referrers, the nearest one wins', () => {
    // X is referred by A (1) and D (4): 2. Y by C (3) and D (4): 4.
    const contacts = [known('A'), referred('B'), referred('C'), referred('D'), referred('X'), referred('Y')]
    const edges = [edge('A', 'B'), edge('B', 'C'), edge('C', 'D'), edge('D', 'X'), edge('A', 'X'), edge('D', 'Y'), edge('C', 'Y')]
    expect(asObject(degrees(contacts, edges))).toEqual({ A: 1, B: 2, C: 3, D: 4, X: 2, Y: 4 })
  })

  it('a named referrer makes a referred contact degree 2, and what they refer degree 3', () => {
    const contacts = [referred('N'), referred('M')]
    expect(asObject(degrees(contacts, [edge(null, 'N'), edge('N', 'M')]))).toEqual({ M: 3, N: 2 })
  })

  it('a contact referrer counts over a named one: 1 + that contact\'s degree', () => {
    const contacts = [known('A'), referred('B'), referred('C'), referred('X')]
    const edges = [edge('A', 'B'), edge('B', 'C'), edge(null, 'X'), edge('C', 'X')]
    expect(asObject(degrees(contacts, edges))).toEqual({ A: 1, B: 2, C: 3, X: 4 })
  })

  it('a referral-sourced contact with no referral on record is degree 2', () => {
    expect(asObject(degrees([referred('R'), referred('S')], [edge('R', 'S')]))).toEqual({ R: 2, S: 3 })
    expect(asObject(degrees([referred('R')], []))).toEqual({ R: 2 })
  })

  it('an isolated loop of referral-sourced contacts: each is degree 2, in any order of the contacts', () => {
    const edges = [edge('X', 'Y'), edge('Y', 'Z'), edge('Z', 'X')]
    const loop = [referred('X'), referred('Y'), referred('Z')]
    for (let shift = 0; shift < loop.length; shift++) {
      const rotated = [...loop.slice(shift), ...loop.slice(0, shift)]
      expect(asObject(degrees(rotated, edges)), `rotation ${shift}`).toEqual({ X: 2, Y: 2, Z: 2 })
      expect(asObject(degrees(rotated, [...edges].reverse())), `rotation ${shift}, edges reversed`).toEqual({ X: 2, Y: 2, Z: 2 })
    }
  })

  it('what only a loop leads to is degree 2 too; a known chain that a loop contact also refers into counts from the loop', () => {
    // Loop X ⇄ Y; Y referred W, which nothing else leads to. A (known) → B → C → D, and X also referred D.
    const contacts = [known('A'), referred('B'), referred('C'), referred('D'), referred('X'), referred('Y'), referred('W')]
    const edges = [edge('X', 'Y'), edge('Y', 'X'), edge('Y', 'W'), edge('A', 'B'), edge('B', 'C'), edge('C', 'D'), edge('X', 'D')]
    expect(asObject(degrees(contacts, edges))).toEqual({ A: 1, B: 2, C: 3, D: 3, W: 2, X: 2, Y: 2 })
  })

  it('gives a degree to every contact listed and to no one else', () => {
    const result = degrees([known('A'), referred('B')], [edge('A', 'B'), edge('A', 'ghost'), edge('ghost', 'B')])
    expect(asObject(result)).toEqual({ A: 1, B: 2 })
  })

  describe('against a brute-force shortest-path computation', () => {
    /**
     * Independent of the implementation: start every contact at its own degree (1 known, 2 with no
     * contact referrer, unknown otherwise), relax over every referral until nothing changes
     * (Bellman-Ford), give what is still unknown 2 (reached only through loops), and relax again.
     */
    function bruteForce(contacts: NetworkContact[], edges: NetworkEdge[]): Map<string, number> {
      const referredByContact = new Set(edges.filter((e) => e.referrerContactId !== null).map((e) => e.referredContactId))
      const degree = new Map(
        contacts.map((contact) => [contact.id, contact.source !== 'referral' ? 1 : referredByContact.has(contact.id) ? Infinity : 2] as const),
      )
      const relax = () => {
        for (let round = 0; round <= contacts.length; round++) {
          let changed = false
          for (const { referrerContactId: from, referredContactId: to } of edges) {
            if (from === null) continue
            const via = degree.get(from)! + 1
            if (via < degree.get(to)!) {
              degree.set(to, via)
              changed = true
            }
          }
          if (!changed) return
        }
        throw new Error('relaxation did not settle')
      }
      relax()
      for (const [id, value] of degree) if (value === Infinity) degree.set(id, 2)
      relax()
      return degree
    }

    const source = fc.oneof(
      { arbitrary: fc.constant('referral'), weight: 3 },
      { arbitrary: fc.constantFrom(...SOURCES.filter((s) => s !== 'referral')), weight: 1 },
    )
    /** Up to 30 contacts, up to 3 referrals each on average: named ones, chains, cycles, self-loops left out (the database refuses them). */
    const network = fc.integer({ min: 1, max: 30 }).chain((size) =>
      fc.record({
        contacts: fc.array(source, { minLength: size, maxLength: size }).map((sources) => sources.map((s, index) => ({ id: `c${index}`, source: s }))),
        edges: fc
          .array(fc.record({ from: fc.option(fc.nat(size - 1), { nil: null, freq: 6 }), to: fc.nat(size - 1) }), { maxLength: size * 3 })
          .map((pairs) => pairs.filter(({ from, to }) => from !== to).map(({ from, to }) => edge(from === null ? null : `c${from}`, `c${to}`))),
      }),
    )

    it('gives the same degree to every contact on random networks', () => {
      fc.assert(
        fc.property(network, ({ contacts, edges }) => {
          expect(asObject(degrees(contacts, edges))).toEqual(asObject(bruteForce(contacts, edges)))
        }),
        { numRuns: 1000 },
      )
    })

    it('does not depend on the order of the contacts or of the referrals', () => {
      fc.assert(
        fc.property(
          network.chain(({ contacts, edges }) =>
            fc.record({ contacts: fc.shuffledSubarray(contacts, { minLength: contacts.length }), edges: fc.shuffledSubarray(edges, { minLength: edges.length }) }),
          ),
          ({ contacts, edges }) => {
            expect(asObject(degrees(contacts, edges))).toEqual(asObject(bruteForce(contacts, edges)))
          },
        ),
        { numRuns: 300 },
      )
    })

    it('the brute force itself agrees with hand-computed cases', () => {
      expect(asObject(bruteForce([known('A'), referred('B'), referred('C'), referred('D')], [edge('A', 'B'), edge('B', 'C'), edge('C', 'D'), edge('D', 'B')]))).toEqual({
        A: 1,
        B: 2,
        C: 3,
        D: 4,
      })
      expect(asObject(bruteForce([referred('X'), referred('Y'), referred('W')], [edge('X', 'Y'), edge('Y', 'X'), edge('Y', 'W')]))).toEqual({ W: 2, X: 2, Y: 2 })
    })
  })
})
