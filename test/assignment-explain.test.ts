// Cohort assignment explained (src/modules/programs/assignment.ts), on hand-built inputs: no app, no
// database. The fit of a pair is the suggestion score plus the preference bonus; among assignments of
// equal total fit the less-loaded host wins; every student left short gets the first stage of the
// funnel no host passes; the result does not depend on the order of the input; gini() is the Gini
// coefficient. Expected values are computed here independently (a direct score formula, a brute-force
// search, the double-sum Gini), not by calling the code under test a second way.
import { describe, expect, it } from 'vitest'
import {
  computeAssignment,
  gini,
  loadPreference,
  PREFERENCE_BONUS,
  type AssignmentHost,
  type AssignmentInput,
  type AssignmentOutcome,
  type AssignmentStudent,
  type Mode,
  type Pair,
} from '../src/modules/programs/assignment.js'

/** The school defaults (src/modules/schools/service.ts), written out so a change there shows here. */
const WEIGHTS = { field: 0.35, organization: 0.2, background: 0.15, capacity: 0.1, responsiveness: 0.2 }
const AVAILABLE = 'Mon 11 Mar, 09:00-17:00 (America/New_York)'

function host(hostId: string, overrides: Partial<AssignmentHost> = {}): AssignmentHost {
  return {
    hostId,
    capacity: 1,
    modes: ['video'],
    location: null,
    organization: 'Acme',
    industries: ['Healthcare'],
    occupations: [],
    backgroundTags: [],
    answeredCount: 0,
    expiredCount: 0,
    meetingsLeft: 4,
    maxMeetingsPerMonth: 4,
    firstAvailable: AVAILABLE,
    load: 0,
    ...overrides,
  }
}

function student(studentId: string, overrides: Partial<AssignmentStudent> = {}): AssignmentStudent {
  return {
    studentId,
    placements: 1,
    preferences: [],
    modes: null,
    location: null,
    fieldsOfInterest: ['Healthcare'],
    backgroundTags: [],
    shareBackgroundTags: true,
    ...overrides,
  }
}

function input(hosts: AssignmentHost[], students: AssignmentStudent[], extra: Partial<AssignmentInput> = {}): AssignmentInput {
  return { programModes: ['video', 'phone', 'in_person'], hosts, students, pins: [], forbidden: [], weights: WEIGHTS, ...extra }
}

const pairsOf = (outcome: AssignmentOutcome) => outcome.pairs.map((pair) => `${pair.studentId}|${pair.hostId}`)

// ---- independent re-statements of the rules, for expected values -------------------------------

const fold = (text: string) => text.trim().toLowerCase()
const round3 = (value: number) => Math.round(value * 1000) / 1000

/** The weights in thousandths, so the formula can be evaluated exactly, in integers. */
const WEIGHT_UNITS = { field: 350, background: 150, capacity: 100, responsiveness: 200 }

/**
 * The score as docs/hosts-and-matching.md states it, Σ weight·component / Σ weight over the components that apply,
 * evaluated exactly (components are fractions of small integers) and rounded half up to thousandths.
 * Returns the score in thousandths and whether the exact value lies halfway between two thousandths.
 */
function exactScore(s: AssignmentStudent, h: AssignmentHost): { units: number; halfway: boolean } {
  const parts: Array<[weight: number, numerator: number, denominator: number]> = []
  if (s.fieldsOfInterest.length > 0) {
    const hostFieldSet = new Set([...h.industries, ...h.occupations].map(fold))
    parts.push([WEIGHT_UNITS.field, s.fieldsOfInterest.some((field) => hostFieldSet.has(fold(field))) ? 1 : 0, 1])
  }
  if (s.shareBackgroundTags && s.backgroundTags.length > 0) {
    parts.push([WEIGHT_UNITS.background, Math.min(s.backgroundTags.filter((tag) => h.backgroundTags.includes(tag)).length, 2), 2])
  }
  parts.push(h.maxMeetingsPerMonth > 0 ? [WEIGHT_UNITS.capacity, Math.max(0, h.meetingsLeft), h.maxMeetingsPerMonth] : [WEIGHT_UNITS.capacity, 0, 1])
  parts.push([WEIGHT_UNITS.responsiveness, h.answeredCount + 1, h.answeredCount + h.expiredCount + 2])
  const common = parts.reduce((product, [, , denominator]) => product * denominator, 1)
  const numerator = parts.reduce((sum, [weight, n, d]) => sum + weight * n * (common / d), 0)
  const denominator = common * parts.reduce((sum, [weight]) => sum + weight, 0)
  // score·1000 = 1000·numerator / denominator, rounded half up.
  return { units: Math.floor((2000 * numerator + denominator) / (2 * denominator)), halfway: (2000 * numerator) % (2 * denominator) === denominator }
}

const expectedScore = (s: AssignmentStudent, h: AssignmentHost) => exactScore(s, h).units / 1000

/** Fit in thousandths: score plus the bonus of the student's rank for the host. */
function expectedFitUnits(s: AssignmentStudent, h: AssignmentHost): number {
  const rank = s.preferences.indexOf(h.hostId)
  return exactScore(s, h).units + (rank >= 0 ? [300, 240, 180, 120, 60][rank]! : 0)
}

/**
 * The fit computeAssignment itself gives a pair, in thousandths: the pair alone, pinned. (A fit
 * depends on the student and the host only, not on capacities or other participants.)
 */
function ownFitUnits(data: AssignmentInput, s: AssignmentStudent, h: AssignmentHost): number {
  const alone = computeAssignment({ ...data, hosts: [{ ...h, capacity: 1 }], students: [{ ...s, placements: 1 }], pins: [{ studentId: s.studentId, hostId: h.hostId }], forbidden: [] })
  return Math.round(alone.pairs[0]!.fit * 1000)
}

function isCandidate(programModes: Mode[], s: AssignmentStudent, h: AssignmentHost, forbidden: Pair[]): boolean {
  const wanted = s.modes ?? programModes
  const modeOk = (['video', 'phone', 'in_person'] as const).some(
    (mode) =>
      wanted.includes(mode) &&
      programModes.includes(mode) &&
      h.modes.includes(mode) &&
      !(mode === 'in_person' && s.location && h.location && fold(s.location) !== fold(h.location)),
  )
  const hostFieldSet = new Set([...h.industries, ...h.occupations].map(fold))
  const inField = s.fieldsOfInterest.length === 0 || s.preferences.includes(h.hostId) || s.fieldsOfInterest.some((field) => hostFieldSet.has(fold(field)))
  const available = h.firstAvailable !== null && h.capacity > 0
  const allowed = !forbidden.some((pair) => pair.studentId === s.studentId && pair.hostId === h.hostId)
  return modeOk && inField && available && allowed
}

/**
 * The best (total fit, then total loadPreference(load)) over every feasible assignment, by
 * enumeration, with the fit of each candidate pair as the code computes it.
 */
function bruteForce(data: AssignmentInput): { fitUnits: number; loadTerm: number } {
  const options = data.students.map((s) => {
    const candidates = data.hosts.filter((h) => isCandidate(data.programModes, s, h, data.forbidden))
    const subsets: AssignmentHost[][] = []
    for (let mask = 0; mask < 1 << candidates.length; mask++) {
      const subset = candidates.filter((_, index) => mask & (1 << index))
      if (subset.length <= s.placements) subsets.push(subset)
    }
    return subsets
  })
  let best = { fitUnits: -1, loadTerm: -1 }
  const used = new Map<string, number>()
  const walk = (index: number, fitUnits: number, loadTerm: number) => {
    if (index === data.students.length) {
      if (fitUnits > best.fitUnits || (fitUnits === best.fitUnits && loadTerm > best.loadTerm)) best = { fitUnits, loadTerm }
      return
    }
    const s = data.students[index]!
    for (const subset of options[index]!) {
      if (subset.some((h) => (used.get(h.hostId) ?? 0) + 1 > h.capacity)) continue
      for (const h of subset) used.set(h.hostId, (used.get(h.hostId) ?? 0) + 1)
      walk(
        index + 1,
        fitUnits + subset.reduce((sum, h) => sum + ownFitUnits(data, s, h), 0),
        loadTerm + subset.reduce((sum, h) => sum + loadPreference(h.load), 0),
      )
      for (const h of subset) used.set(h.hostId, used.get(h.hostId)! - 1)
    }
  }
  walk(0, 0, 0)
  return best
}

/** The Gini coefficient as its definition: Σ_i Σ_j |x_i − x_j| / (2·n²·mean). */
function giniDirect(values: number[]): number {
  const n = values.length
  const mean = values.reduce((sum, value) => sum + value, 0) / n
  if (n === 0 || mean === 0) return 0
  let sum = 0
  for (const a of values) for (const b of values) sum += Math.abs(a - b)
  return sum / (2 * n * n * mean)
}

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffle<T>(items: T[], next: () => number): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
  }
  return copy
}

const id = (prefix: string, n: number) => `${prefix}-${String(n).padStart(3, '0')}`

// ---------------------------------------------------------------------------------------------------

describe('computeAssignment', () => {
  describe('the tie-break toward the less-loaded host', () => {
    it('gives the student the host with the lower load when everything else is equal, and the other host when the loads swap', () => {
      const alone = [student('s-1')]
      const first = computeAssignment(input([host('h-a', { load: 5 }), host('h-b', { load: 0 })], alone))
      expect(pairsOf(first)).toEqual(['s-1|h-b'])
      const swapped = computeAssignment(input([host('h-a', { load: 0 }), host('h-b', { load: 5 })], alone))
      expect(pairsOf(swapped)).toEqual(['s-1|h-a'])
      // The same either way round in the input.
      expect(pairsOf(computeAssignment(input([host('h-b', { load: 5 }), host('h-a', { load: 0 })], alone)))).toEqual(['s-1|h-a'])
      // The fit is the same for both hosts; only the tie-break differs.
      expect(first.pairs[0]!.fit).toBe(swapped.pairs[0]!.fit)
      expect(first.objective).toBe(swapped.objective)
    })

    it('tells loads apart by doubling levels (0 | 1-2 | 3-6 | 7-14 | … | 127 and more alike)', () => {
      expect([0, 1, 2, 3, 6, 7, 14, 62, 63, 126, 127, 500].map(loadPreference)).toEqual([8, 7, 7, 6, 6, 5, 5, 3, 2, 2, 1, 1])
      const alone = [student('s-1')]
      expect(pairsOf(computeAssignment(input([host('h-a', { load: 3 }), host('h-b', { load: 2 })], alone)))).toEqual(['s-1|h-b'])
      expect(pairsOf(computeAssignment(input([host('h-a', { load: 2 }), host('h-b', { load: 3 })], alone)))).toEqual(['s-1|h-a'])
      // Within one level the load no longer decides; the result is still deterministic.
      const within = pairsOf(computeAssignment(input([host('h-a', { load: 3 }), host('h-b', { load: 6 })], alone)))
      expect(pairsOf(computeAssignment(input([host('h-b', { load: 6 }), host('h-a', { load: 3 })], alone)))).toEqual(within)
    })

    it('never lets the load outweigh 0.001 of fit, even summed over many students', () => {
      // h-a: 100 of 100 meetings left, score 0.846; h-b: 99 of 100, score 0.845. h-a is as loaded as can be.
      const a = host('h-a', { capacity: 5, meetingsLeft: 100, maxMeetingsPerMonth: 100, load: 500 })
      const b = host('h-b', { capacity: 5, meetingsLeft: 99, maxMeetingsPerMonth: 100, load: 0 })
      expect(expectedScore(student('x'), a)).toBe(0.846)
      expect(expectedScore(student('x'), b)).toBe(0.845)
      const students = [1, 2, 3, 4, 5].map((n) => student(id('s', n)))
      const outcome = computeAssignment(input([a, b], students))
      expect(pairsOf(outcome)).toEqual(students.map((s) => `${s.studentId}|h-a`))
      expect(outcome.objective).toBe(round3(5 * 0.846))
    })

    it('spreads equally good students over equally good hosts by load: with room for one each, the least loaded hosts are used', () => {
      const hosts = [host('h-a', { load: 3 }), host('h-b', { load: 1 }), host('h-c', { load: 7 }), host('h-d', { load: 0 })]
      const outcome = computeAssignment(input(hosts, [student('s-1'), student('s-2')]))
      expect(new Set(outcome.pairs.map((pair) => pair.hostId))).toEqual(new Set(['h-b', 'h-d']))
    })
  })

  describe('preferences and fit', () => {
    it('fit = score + the bonus of the student\'s rank (0.30, 0.24, 0.18, 0.12, 0.06), with a "preference" reason first', () => {
      expect(PREFERENCE_BONUS).toEqual([0.3, 0.24, 0.18, 0.12, 0.06])
      const hosts = [1, 2, 3, 4, 5, 6].map((n) => host(id('h', n), { capacity: 1 }))
      // Ranked in an order unrelated to the ids, and one host not ranked at all.
      const ranked = [id('h', 4), id('h', 2), id('h', 6), id('h', 1), id('h', 3)]
      const s = student('s-1', { placements: 6, preferences: ranked })
      const outcome = computeAssignment(input(hosts, [s]))
      expect(outcome.pairs).toHaveLength(6)
      for (const pair of outcome.pairs) {
        const rank = ranked.indexOf(pair.hostId)
        expect(pair.score).toBe(0.846)
        expect(pair.preferenceRank).toBe(rank >= 0 ? rank + 1 : null)
        expect(pair.fit).toBe(round3(0.846 + (rank >= 0 ? PREFERENCE_BONUS[rank]! : 0)))
        expect(pair.fit).toBe(expectedFitUnits(s, hosts.find((h) => h.hostId === pair.hostId)!) / 1000)
        if (rank >= 0) expect(pair.reasons[0]).toEqual({ code: 'preference', text: `The student's choice #${rank + 1}` })
        else expect(pair.reasons.map((reason) => reason.code)).not.toContain('preference')
      }
      expect(outcome.objective).toBe(round3(6 * 0.846 + 0.3 + 0.24 + 0.18 + 0.12 + 0.06))
    })

    it('a preference decides between hosts of equal score, even against the load tie-break', () => {
      const hosts = [host('h-a', { load: 0 }), host('h-b', { load: 40 })]
      expect(pairsOf(computeAssignment(input(hosts, [student('s-1')])))).toEqual(['s-1|h-a'])
      const preferring = computeAssignment(input(hosts, [student('s-1', { preferences: ['h-b'] })]))
      expect(pairsOf(preferring)).toEqual(['s-1|h-b'])
      expect(preferring.pairs[0]).toMatchObject({ score: 0.846, fit: 1.146, preferenceRank: 1 })
    })

    it('a ranked host outside the student\'s fields is still a candidate, with the out-of-field score plus the bonus', () => {
      // Out of field: score (0 + 0.1 + 0.1) / 0.65 = 0.308, fit 0.608; in field: 0.846.
      const hosts = [host('h-in'), host('h-out', { industries: ['Law'] })]
      const outcome = computeAssignment(input(hosts, [student('s-1', { preferences: ['h-out'] })]))
      expect(outcome.candidatePairs).toBe(2)
      expect(outcome.pairs).toHaveLength(1)
      expect(outcome.pairs[0]).toMatchObject({ hostId: 'h-in', score: 0.846, fit: 0.846, preferenceRank: null })
      // Two placements: both hosts, the ranked one with its bonus.
      const both = computeAssignment(input(hosts, [student('s-1', { placements: 2, preferences: ['h-out'] })]))
      expect(both.pairs.map((pair) => [pair.hostId, pair.score, pair.fit, pair.preferenceRank])).toEqual([
        ['h-in', 0.846, 0.846, null],
        ['h-out', 0.308, 0.608, 1],
      ])
    })

    it('the score and the reasons follow the components that apply', () => {
      const s = student('s-1', { fieldsOfInterest: ['healthcare ', 'Law'], backgroundTags: ['first-gen', 'rural'] })
      const h = host('h-1', { industries: ['Healthcare'], occupations: ['Nursing'], backgroundTags: ['first-gen'], answeredCount: 3, expiredCount: 1, meetingsLeft: 2, maxMeetingsPerMonth: 4 })
      // (0.35·1 + 0.15·0.5 + 0.1·0.5 + 0.2·(4/6)) / 0.8 = 0.7604…
      expect(expectedScore(s, h)).toBe(0.76)
      const outcome = computeAssignment(input([h], [s]))
      expect(outcome.pairs).toEqual([
        {
          studentId: 's-1',
          hostId: 'h-1',
          score: 0.76,
          fit: 0.76,
          preferenceRank: null,
          pinned: false,
          reasons: [
            { code: 'shared_field', text: 'Works in Healthcare, a field you are exploring' },
            { code: 'shared_background', text: 'Shares your background: first-gen' },
            { code: 'capacity_left', text: 'Has 2 of 4 meetings left that month' },
            { code: 'responsive', text: 'Answered 3 of 4 requests' },
            { code: 'available', text: `Available ${AVAILABLE}` },
          ],
        },
      ])
      // Not sharing background tags: that component does not apply. (0.35 + 0.05 + 0.1333) / 0.65 = 0.8205…
      const private_ = computeAssignment(input([h], [{ ...s, shareBackgroundTags: false }]))
      expect(private_.pairs[0]!.score).toBe(0.821)
      expect(private_.pairs[0]!.reasons.map((reason) => reason.code)).toEqual(['shared_field', 'capacity_left', 'responsive', 'available'])
    })

    it('rounds a score exactly halfway between two thousandths up, as "rounded to 3 decimals" says (0.6875 → 0.688)', () => {
      // A student sharing a background tag, in the field of a new host who shares none:
      // (0.35·1 + 0.15·0 + 0.1·1 + 0.2·0.5) / 0.8 = 0.6875 exactly.
      const s = student('s-1', { backgroundTags: ['first-gen'] })
      const h = host('h-1', { backgroundTags: ['veteran'] })
      expect(exactScore(s, h)).toEqual({ units: 688, halfway: true })
      const outcome = computeAssignment(input([h], [s]))
      expect(outcome.pairs[0]).toMatchObject({ score: 0.688, fit: 0.688 })
    })

    it('scores random pairs by the formula, exactly (away from values halfway between two thousandths)', () => {
      const next = random(99)
      const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!
      let checked = 0
      for (let round = 0; round < 2000; round++) {
        const max = pick([0, 1, 3, 4, 7, 10])
        const h = host('h-1', {
          industries: pick([['Healthcare'], ['Law'], ['Healthcare', 'Law'], []]),
          occupations: pick([[], ['Nursing']]),
          backgroundTags: pick([[], ['first-gen'], ['first-gen', 'rural'], ['rural', 'veteran', 'first-gen']]),
          answeredCount: Math.floor(next() * 9),
          expiredCount: Math.floor(next() * 9),
          maxMeetingsPerMonth: max,
          meetingsLeft: Math.floor(next() * (max + 1)),
        })
        const s = student('s-1', {
          fieldsOfInterest: pick([[], ['Healthcare'], ['law'], ['Nursing', 'Forestry'], ['Forestry']]),
          backgroundTags: pick([[], ['first-gen'], ['rural', 'first-gen'], ['veteran', 'rural', 'first-gen']]),
          shareBackgroundTags: next() < 0.7,
        })
        if (exactScore(s, h).halfway) continue
        // In field or not, the pair is a candidate when the student names the host.
        const outcome = computeAssignment(input([h], [{ ...s, preferences: ['h-1'] }]))
        expect(outcome.pairs[0]!.score, JSON.stringify({ s, h })).toBe(expectedScore(s, h))
        checked += 1
      }
      expect(checked).toBeGreaterThan(1500)
    })
  })

  describe('pins and forbidden pairs', () => {
    it('keeps a pin (against capacity, marked and explained) and never uses a forbidden pair', () => {
      const hosts = [host('h-a'), host('h-b')]
      const students = [student('s-1', { preferences: ['h-a'] }), student('s-2', { preferences: ['h-a'] })]
      const free = computeAssignment(input(hosts, students))
      expect(free.pairs.filter((pair) => pair.hostId === 'h-a')).toHaveLength(1)

      const pinned = computeAssignment(input(hosts, students, { pins: [{ studentId: 's-2', hostId: 'h-b' }] }))
      expect(pairsOf(pinned)).toEqual(['s-1|h-a', 's-2|h-b'])
      expect(pinned.pairs[1]).toMatchObject({ pinned: true, fit: 0.846, preferenceRank: null })
      expect(pinned.pairs[1]!.reasons[0]).toEqual({ code: 'pinned', text: 'Pinned by an advisor' })
      expect(pinned.pairs[0]!.pinned).toBe(false)

      const forbidden = computeAssignment(input(hosts, students, { forbidden: [{ studentId: 's-1', hostId: 'h-a' }] }))
      expect(pairsOf(forbidden)).toEqual(['s-1|h-b', 's-2|h-a'])
    })
  })

  describe('why a student is left short', () => {
    // Programme modes: video and in person. Hosts (all available with room unless said otherwise):
    // nurse (video, Healthcare/Nursing, room for 1), law (video, Legal/Law), forest-sat (video,
    // Forestry, no window in the programme), forest-full (video, Forestry, capacity 0), retail (in
    // person in Chicago, Retail).
    const hosts = [
      host('h-nurse', { industries: ['Healthcare'], occupations: ['Nursing'] }),
      host('h-law', { industries: ['Legal'], occupations: ['Law'] }),
      host('h-forest-sat', { industries: ['Forestry'], firstAvailable: null, capacity: 3 }),
      host('h-forest-full', { industries: ['Forestry'], capacity: 0 }),
      host('h-retail', { industries: ['Retail'], modes: ['in_person'], location: 'Chicago' }),
    ]
    const students = [
      student('s-mode', { fieldsOfInterest: ['Retail'], modes: ['in_person'], location: 'Boston' }),
      student('s-field', { fieldsOfInterest: ['Astronomy'] }),
      student('s-avail', { fieldsOfInterest: ['Forestry'] }),
      student('s-forbid', { fieldsOfInterest: ['Law'] }),
      student('s-full-a', { fieldsOfInterest: ['Nursing'], preferences: ['h-nurse'] }),
      student('s-full-b', { fieldsOfInterest: ['nursing'] }),
      student('s-retail', { fieldsOfInterest: ['Retail'], modes: ['in_person'], location: ' chicago' }),
    ]
    const data = input(hosts, students, { programModes: ['video', 'in_person'], forbidden: [{ studentId: 's-forbid', hostId: 'h-law' }] })

    it('names the first stage no host passes, with its detail, for each of the five reasons', () => {
      const outcome = computeAssignment(data)
      expect(pairsOf(outcome)).toEqual(['s-full-a|h-nurse', 's-retail|h-retail'])
      const byStudent = (studentId: string) => ({ studentId, placementsWanted: 1, placementsMade: 0 })
      expect(outcome.unmatched).toEqual([
        { ...byStudent('s-avail'), reason: 'no_host_available', detail: 'None of the 2 hosts in the student\'s field is available with capacity during the programme' },
        { ...byStudent('s-field'), reason: 'no_host_in_field', detail: 'None of the 5 hosts with a workable mode works in the student\'s fields' },
        { ...byStudent('s-forbid'), reason: 'all_pairs_forbidden', detail: 'Every one of the 1 fitting hosts is forbidden for this student' },
        { ...byStudent('s-full-b'), reason: 'all_fitting_hosts_full', detail: 'All 1 fitting hosts are full with students who fit them better' },
        { ...byStudent('s-mode'), reason: 'no_compatible_mode', detail: 'No host in the programme meets in a mode (and place) the student can do' },
      ])
      // s-field: all 5 hosts have a workable mode (h-retail meets in person and s-field names no place).
      // s-avail: 2 Forestry hosts, one without a window in the programme, one without room.
    })

    it('reports the same reasons whatever the order of hosts and students', () => {
      const next = random(7)
      const reference = computeAssignment(data)
      for (let round = 0; round < 5; round++) {
        const shuffled = computeAssignment({ ...data, hosts: shuffle(hosts, next), students: shuffle(students, next) })
        expect(shuffled.unmatched).toEqual(reference.unmatched)
        expect(shuffled.pairs).toEqual(reference.pairs)
      }
    })

    it('does not tell a student placed with every fitting host that those hosts are full', () => {
      // One fitting host with room for five; the student wants two placements and has the one host.
      const outcome = computeAssignment(input([host('h-1', { capacity: 5 })], [student('s-1', { placements: 2 })]))
      expect(pairsOf(outcome)).toEqual(['s-1|h-1'])
      expect(outcome.unmatched).toHaveLength(1)
      expect(outcome.unmatched[0]).toMatchObject({ studentId: 's-1', placementsWanted: 2, placementsMade: 1 })
      // "All 1 fitting hosts are full with students who fit them better" would be false: h-1 has 4 places left.
      expect(outcome.unmatched[0]!.reason).not.toBe('all_fitting_hosts_full')
    })

    it('a student with no placements wanted is never unmatched', () => {
      const outcome = computeAssignment(input(hosts, [student('s-zero', { placements: 0, fieldsOfInterest: ['Astronomy'] })]))
      expect(outcome.pairs).toEqual([])
      expect(outcome.unmatched).toEqual([])
    })
  })

  describe('optimality and determinism', () => {
    const FIELDS = ['Healthcare', 'Law', 'Forestry', 'Retail']
    const TAGS = ['first-gen', 'rural', 'veteran']

    function randomInstance(seed: number, size: { students: number; hosts: number }): AssignmentInput {
      const next = random(seed)
      const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!
      const some = <T>(items: T[], max: number) => shuffle(items, next).slice(0, Math.floor(next() * (max + 1)))
      const modes: Mode[][] = [['video'], ['video', 'in_person'], ['in_person'], ['phone', 'video']]
      const hosts = Array.from({ length: size.hosts }, (_, index) =>
        host(id('h', index), {
          capacity: pick([0, 1, 1, 2, 2]),
          modes: pick(modes),
          location: pick(['Chicago', 'Boston']),
          industries: some(FIELDS, 2),
          backgroundTags: some(TAGS, 2),
          answeredCount: Math.floor(next() * 4),
          expiredCount: Math.floor(next() * 3),
          meetingsLeft: Math.floor(next() * 5),
          maxMeetingsPerMonth: 4,
          firstAvailable: next() < 0.9 ? AVAILABLE : null,
          // Few distinct loads, some above 63, so ties and the cap both occur.
          load: pick([0, 0, 1, 7, 63, 80]),
        }),
      )
      const students = Array.from({ length: size.students }, (_, index) =>
        student(id('s', index), {
          placements: pick([0, 1, 1, 2, 2]),
          preferences: some(hosts.map((h) => h.hostId), 2),
          modes: next() < 0.5 ? null : pick(modes),
          location: next() < 0.5 ? null : pick(['chicago', 'Boston']),
          fieldsOfInterest: some(FIELDS, 2),
          backgroundTags: some(TAGS, 2),
          shareBackgroundTags: next() < 0.8,
        }),
      )
      const forbidden = students.flatMap((s) => hosts.filter(() => next() < 0.1).map((h) => ({ studentId: s.studentId, hostId: h.hostId })))
      return input(hosts, students, { programModes: pick([['video', 'in_person'], ['video', 'phone', 'in_person'], ['in_person']] as Mode[][]), forbidden })
    }

    it('reaches the brute-force optimum of total fit, then of the load tie-break, on 500 small random instances', () => {
      let withPairs = 0
      let withUnmatched = 0
      let withMultiplePlacements = 0
      for (let seed = 1; seed <= 500; seed++) {
        const data = randomInstance(seed, { students: 2 + (seed % 3), hosts: 2 + (seed % 2) })
        const outcome = computeAssignment(data)
        if (outcome.pairs.length > 0) withPairs += 1
        if (outcome.unmatched.length > 0) withUnmatched += 1
        if (data.students.some((s) => outcome.pairs.filter((pair) => pair.studentId === s.studentId).length > 1)) withMultiplePlacements += 1
        const best = bruteForce(data)
        const hostsById = new Map(data.hosts.map((h) => [h.hostId, h]))
        const studentsById = new Map(data.students.map((s) => [s.studentId, s]))
        const chosenUnits = outcome.pairs.reduce((sum, pair) => sum + Math.round(pair.fit * 1000), 0)
        const chosenLoad = outcome.pairs.reduce((sum, pair) => sum + loadPreference(hostsById.get(pair.hostId)!.load), 0)
        expect({ seed, fitUnits: chosenUnits, loadTerm: chosenLoad }).toEqual({ seed, ...best })
        expect({ seed, objective: outcome.objective }).toEqual({ seed, objective: best.fitUnits / 1000 })
        // Every pair is a candidate, within capacities and placements, and its fit is as stated.
        for (const pair of outcome.pairs) {
          const s = studentsById.get(pair.studentId)!
          const h = hostsById.get(pair.hostId)!
          expect(isCandidate(data.programModes, s, h, data.forbidden), `seed ${seed}: ${pair.studentId}|${pair.hostId}`).toBe(true)
          // fit = score + the bonus of the rank; the score is the formula's (checked exactly where the
          // value is not halfway between two thousandths; the halfway case has a test of its own).
          const rank = s.preferences.indexOf(h.hostId)
          expect(pair.preferenceRank).toBe(rank >= 0 ? rank + 1 : null)
          expect(pair.fit).toBe(round3(pair.score + (rank >= 0 ? PREFERENCE_BONUS[rank]! : 0)))
          if (!exactScore(s, h).halfway) expect(pair.score, `seed ${seed}`).toBe(expectedScore(s, h))
        }
        for (const h of data.hosts) expect(outcome.pairs.filter((pair) => pair.hostId === h.hostId).length).toBeLessThanOrEqual(Math.max(0, h.capacity))
        for (const s of data.students) {
          const made = outcome.pairs.filter((pair) => pair.studentId === s.studentId).length
          expect(made).toBeLessThanOrEqual(s.placements)
          expect(outcome.unmatched.some((entry) => entry.studentId === s.studentId)).toBe(made < s.placements)
        }
        const perHost = data.hosts.map((h) => outcome.pairs.filter((pair) => pair.hostId === h.hostId).length)
        expect(Math.abs(outcome.placementGini - giniDirect(perHost))).toBeLessThanOrEqual(0.001)
      }
      // The generator is not vacuous: most instances place someone, many leave someone short.
      expect(withPairs).toBeGreaterThan(350)
      expect(withUnmatched).toBeGreaterThan(200)
      expect(withMultiplePlacements).toBeGreaterThan(50)
    })

    it('gives identical pairs, unmatched students and objective whatever the order of hosts, students, pins and forbidden pairs', () => {
      for (const seed of [11, 12, 13]) {
        const data = randomInstance(seed, { students: 40, hosts: 12 })
        // Add pins that fit: the first students with placements, to hosts with room.
        const room = new Map(data.hosts.map((h) => [h.hostId, h.capacity]))
        const pins: Pair[] = []
        for (const s of data.students.slice(0, 6)) {
          const h = data.hosts.find((candidate) => (room.get(candidate.hostId) ?? 0) > 0 && !data.forbidden.some((pair) => pair.studentId === s.studentId && pair.hostId === candidate.hostId))
          if (!h || s.placements === 0) continue
          room.set(h.hostId, room.get(h.hostId)! - 1)
          pins.push({ studentId: s.studentId, hostId: h.hostId })
        }
        const withPins = { ...data, pins }
        const reference = computeAssignment(withPins)
        expect(reference.pairs.length).toBeGreaterThan(0)
        const next = random(seed * 101)
        for (let round = 0; round < 6; round++) {
          const shuffled = computeAssignment({
            ...withPins,
            hosts: shuffle(withPins.hosts, next),
            students: shuffle(withPins.students, next),
            pins: shuffle(withPins.pins, next),
            forbidden: shuffle(withPins.forbidden, next),
          })
          expect(shuffled.pairs).toEqual(reference.pairs)
          expect(shuffled.unmatched).toEqual(reference.unmatched)
          expect(shuffled.objective).toBe(reference.objective)
          expect(shuffled.candidatePairs).toBe(reference.candidatePairs)
          expect(shuffled.placementGini).toBe(reference.placementGini)
        }
      }
    })

    it('breaks ties between identical hosts of equal load the same way every time', () => {
      const hosts = [host('h-c'), host('h-a'), host('h-b')]
      const students = [student('s-2'), student('s-1')]
      const reference = computeAssignment(input(hosts, students))
      expect(reference.pairs).toHaveLength(2)
      const next = random(3)
      for (let round = 0; round < 10; round++) {
        expect(computeAssignment(input(shuffle(hosts, next), shuffle(students, next))).pairs).toEqual(reference.pairs)
      }
    })
  })
})

describe('gini', () => {
  it('equals the double-sum formula Σ|xi−xj|/(2n²·mean) on random vectors, to its 3 decimals', () => {
    const next = random(2024)
    for (let round = 0; round < 500; round++) {
      const n = 1 + Math.floor(next() * 30)
      const values: number[] = Array.from({ length: n }, () => (next() < 0.3 ? 0 : Math.floor(next() * 50)))
      if (!values.some((value) => value > 0)) values[0] = 1
      const expected = giniDirect(values)
      const actual = gini(values)
      expect(Math.abs(actual - expected), `${JSON.stringify(values)}: ${actual} vs ${expected}`).toBeLessThanOrEqual(0.001)
      expect(actual).toBe(Math.round(actual * 1000) / 1000)
      // Order does not matter.
      expect(gini(shuffle(values, next))).toBe(actual)
    }
  })

  it('is 0 for equal values, for all zeros and for no values', () => {
    expect(gini([4, 4, 4, 4])).toBe(0)
    expect(gini([1])).toBe(0)
    expect(gini([0, 0, 0])).toBe(0)
    expect(gini([])).toBe(0)
  })

  it('is (n − 1)/n when one value holds everything', () => {
    expect(gini([0, 0, 0, 10])).toBe(0.75)
    expect(gini([7, 0])).toBe(0.5)
    expect(gini([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toBe(0.9)
  })

  it('matches hand-computed values', () => {
    // [1, 2, 3]: Σ|xi−xj| = 8, 2·9·2 = 36 → 0.222
    expect(gini([1, 2, 3])).toBe(0.222)
    // [2, 1, 0]: Σ = 8, 2·9·1 = 18 → 0.444
    expect(gini([2, 1, 0])).toBe(0.444)
    expect(gini([1, 0, 0])).toBe(0.667)
  })
})
