// Cohort assignment for a programme: which students go to which hosts. Pure: the service loads the
// participants and this module decides, so tests and the benchmark call it directly.
//
// A pair (student, host) is a candidate when
// - a mode works for both: the student's modes ∩ the programme's ∩ the host's is not empty, and an
//   in-person-only pair is in the student's location when they gave one;
// - the host works in one of the student's fields of interest (students without fields take any
//   field; a host the student ranked is always in their field);
// - the host has an available window within the programme's dates and capacity in it;
// - the advisor did not forbid it.
// Each candidate's fit is the suggestion score (scoring.ts) plus a bonus for the student's ranked
// preferences: 0.30, 0.24, 0.18, 0.12, 0.06 for ranks 1-5. The assignment maximizes the total fit
// (to 0.001) subject to host capacities and students' placements, exactly (solver.ts). Among
// assignments of equal total fit it prefers less-loaded hosts: the integer weight of a pair is
// fit·1000·M + loadPreference(host load) (1-8, by doubling load levels) with M = 8·(P + 1) and P
// the most placements possible, so the load term can never outweigh 0.001 of fit (it sums to less
// than M over any assignment).
import type { MatchingWeights } from '../schools/settings.js'
import { hostFields, type HostFacts, scoreFit, type Reason } from '../matching/scoring.js'
import { solveAssignment } from './solver/index.js'
import type { UNMATCHED_REASONS } from './schemas.js'

export type Mode = 'in_person' | 'video' | 'phone'

/** A host in a run: what scoring reads of every host (HostFacts), and what a programme adds. */
export interface AssignmentHost extends HostFacts {
  hostId: string
  capacity: number
  modes: Mode[]
  location: string | null
  /** The first available window in the programme, as the host reads it; null: none. */
  firstAvailable: string | null
  /** Requests and placements the host already carries in the school (for tie-breaks). */
  load: number
}

export interface AssignmentStudent {
  studentId: string
  placements: number
  preferences: string[]
  modes: Mode[] | null
  location: string | null
  fieldsOfInterest: string[]
  backgroundTags: string[]
  shareBackgroundTags: boolean
}

export interface Pair {
  studentId: string
  hostId: string
}

export interface AssignmentInput {
  programModes: Mode[]
  hosts: AssignmentHost[]
  students: AssignmentStudent[]
  pins: Pair[]
  forbidden: Pair[]
  weights: MatchingWeights
}

export interface AssignedPair {
  studentId: string
  hostId: string
  score: number
  fit: number
  preferenceRank: number | null
  pinned: boolean
  reasons: Reason[]
}

export interface Unmatched {
  studentId: string
  placementsWanted: number
  placementsMade: number
  reason: (typeof UNMATCHED_REASONS)[number]
  detail: string
}

export interface AssignmentOutcome {
  objective: number
  pairs: AssignedPair[]
  unmatched: Unmatched[]
  candidatePairs: number
  solveMs: number
  placementGini: number
}

export const PREFERENCE_BONUS = [0.3, 0.24, 0.18, 0.12, 0.06] as const
const FIT_UNITS = 1000
/** Load levels for the tie-break: 0 | 1-2 | 3-6 | 7-14 | … | 127+ requests (doubling, so busy hosts are not split hairs over). */
const LOAD_LEVELS = 8

/** 8 for an unasked host down to 1 for one with 64 or more requests: the tie-break term of a pair's weight. */
export function loadPreference(load: number): number {
  return LOAD_LEVELS - Math.min(LOAD_LEVELS - 1, Math.floor(Math.log2(Math.max(0, load) + 1)))
}

const fold = (text: string) => text.trim().toLocaleLowerCase('en')

/** Gini coefficient of non-negative values: 0 when equal (or all zero), towards 1 when one holds all. */
export function gini(values: number[]): number {
  const n = values.length
  const total = values.reduce((sum, value) => sum + value, 0)
  if (n === 0 || total === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  // Σ_i (2i − n − 1)·x_i / (n·Σx), with i from 1 on the sorted values: the mean absolute difference form.
  const weighted = sorted.reduce((sum, value, index) => sum + (2 * (index + 1) - n - 1) * value, 0)
  return Math.round((weighted / (n * total)) * 1000) / 1000
}

class Candidates {
  readonly #hosts: AssignmentHost[]
  readonly #programModes: Set<Mode>
  readonly #fields: Array<Set<string>>
  readonly #forbidden: Set<string>

  constructor(input: AssignmentInput) {
    this.#hosts = input.hosts
    this.#programModes = new Set(input.programModes)
    this.#fields = input.hosts.map((host) => new Set(hostFields(host).keys()))
    this.#forbidden = new Set(input.forbidden.map((pair) => `${pair.studentId}|${pair.hostId}`))
  }

  modeFor(student: AssignmentStudent, host: AssignmentHost): Mode | null {
    const wanted = student.modes ?? [...this.#programModes]
    for (const mode of ['video', 'phone', 'in_person'] as const) {
      if (!wanted.includes(mode) || !this.#programModes.has(mode) || !host.modes.includes(mode)) continue
      if (mode === 'in_person' && student.location && host.location && fold(student.location) !== fold(host.location)) continue
      return mode
    }
    return null
  }

  inField(student: AssignmentStudent, hostIndex: number): boolean {
    if (student.fieldsOfInterest.length === 0) return true
    if (student.preferences.includes(this.#hosts[hostIndex]!.hostId)) return true
    const fields = this.#fields[hostIndex]!
    return student.fieldsOfInterest.some((field) => fields.has(fold(field)))
  }

  available(hostIndex: number): boolean {
    const host = this.#hosts[hostIndex]!
    return host.firstAvailable !== null && host.capacity > 0
  }

  forbidden(student: AssignmentStudent, hostIndex: number): boolean {
    return this.#forbidden.has(`${student.studentId}|${this.#hosts[hostIndex]!.hostId}`)
  }

  /** The first stage of the funnel that no host passes, for a student left short. */
  blocker(student: AssignmentStudent, placedWith: ReadonlySet<string>): Pick<Unmatched, 'reason' | 'detail'> {
    let modes = 0
    let field = 0
    let available = 0
    let allowed = 0
    let open = 0
    this.#hosts.forEach((host, index) => {
      if (!this.modeFor(student, host)) return
      modes += 1
      if (!this.inField(student, index)) return
      field += 1
      if (!this.available(index)) return
      available += 1
      if (this.forbidden(student, index)) return
      allowed += 1
      if (!placedWith.has(host.hostId)) open += 1
    })
    if (modes === 0) return { reason: 'no_compatible_mode', detail: 'No host in the programme meets in a mode (and place) the student can do' }
    if (field === 0) return { reason: 'no_host_in_field', detail: `None of the ${modes} hosts with a workable mode works in the student's fields` }
    if (available === 0) return { reason: 'no_host_available', detail: `None of the ${field} hosts in the student's field is available with capacity during the programme` }
    if (allowed === 0) return { reason: 'all_pairs_forbidden', detail: `Every one of the ${available} fitting hosts is forbidden for this student` }
    if (open === 0) return { reason: 'too_few_fitting_hosts', detail: `The student is placed with every one of the ${allowed} fitting hosts; a host takes a student once` }
    return { reason: 'all_fitting_hosts_full', detail: `All ${open} fitting hosts are full with students who fit them better` }
  }
}

export function computeAssignment(input: AssignmentInput): AssignmentOutcome {
  const hosts = [...input.hosts].sort((a, b) => (a.hostId < b.hostId ? -1 : a.hostId > b.hostId ? 1 : 0))
  const students = [...input.students].sort((a, b) => (a.studentId < b.studentId ? -1 : a.studentId > b.studentId ? 1 : 0))
  const candidates = new Candidates({ ...input, hosts })
  const hostIndex = new Map(hosts.map((host, index) => [host.hostId, index]))
  const studentIndex = new Map(students.map((student, index) => [student.studentId, index]))

  const capacities = hosts.map((host) => host.capacity)
  const placements = students.map((student) => student.placements)
  const pinned = new Set<string>()
  for (const pin of input.pins) {
    const h = hostIndex.get(pin.hostId)!
    const s = studentIndex.get(pin.studentId)!
    capacities[h]! -= 1
    placements[s]! -= 1
    pinned.add(`${pin.studentId}|${pin.hostId}`)
  }

  // Hosts by field, so a student's candidates come from the hosts in their fields, not all hosts.
  const byField = new Map<string, number[]>()
  hosts.forEach((host, index) => {
    for (const field of hostFields(host).keys()) {
      const list = byField.get(field) ?? []
      list.push(index)
      byField.set(field, list)
    }
  })

  const fitOf = (student: AssignmentStudent, host: AssignmentHost) => {
    const fit = scoreFit(student, {}, host, input.weights)
    const rank = student.preferences.indexOf(host.hostId)
    const bonus = rank >= 0 ? PREFERENCE_BONUS[rank]! : 0
    return { ...fit, rank: rank >= 0 ? rank + 1 : null, units: Math.round((fit.score + bonus) * FIT_UNITS) }
  }

  const edgeStudent: number[] = []
  const edgeHost: number[] = []
  const edgeUnits: number[] = []
  students.forEach((student, s) => {
    if (placements[s]! <= 0) return
    let pool: Iterable<number>
    if (student.fieldsOfInterest.length === 0) {
      pool = hosts.keys()
    } else {
      const indices = new Set<number>()
      for (const field of student.fieldsOfInterest) for (const index of byField.get(fold(field)) ?? []) indices.add(index)
      for (const preferred of student.preferences) {
        const index = hostIndex.get(preferred)
        if (index !== undefined) indices.add(index)
      }
      pool = [...indices].sort((a, b) => a - b)
    }
    for (const h of pool) {
      const host = hosts[h]!
      if (capacities[h]! <= 0 || !candidates.available(h) || candidates.forbidden(student, h)) continue
      if (pinned.has(`${student.studentId}|${host.hostId}`) || !candidates.modeFor(student, host) || !candidates.inField(student, h)) continue
      edgeStudent.push(s)
      edgeHost.push(h)
      edgeUnits.push(fitOf(student, host).units)
    }
  })

  const most = Math.min(
    placements.reduce((sum, value) => sum + Math.max(0, value), 0),
    capacities.reduce((sum, value) => sum + Math.max(0, value), 0),
  )
  const scale = LOAD_LEVELS * (most + 1)
  const edgeWeight = new Float64Array(edgeUnits.length)
  edgeUnits.forEach((units, index) => {
    edgeWeight[index] = units * scale + loadPreference(hosts[edgeHost[index]!]!.load)
  })
  const started = performance.now()
  const solution = solveAssignment({
    studentCount: students.length,
    hostCount: hosts.length,
    placements: placements.map((value) => Math.max(0, value)),
    capacities: capacities.map((value) => Math.max(0, value)),
    edgeStudent: Int32Array.from(edgeStudent),
    edgeHost: Int32Array.from(edgeHost),
    edgeWeight,
  })
  const solveMs = Math.round((performance.now() - started) * 10) / 10

  const chosen: Array<{ s: number; h: number; pinned: boolean }> = [
    ...input.pins.map((pin) => ({ s: studentIndex.get(pin.studentId)!, h: hostIndex.get(pin.hostId)!, pinned: true })),
    ...Array.from(solution.edges, (edge) => ({ s: edgeStudent[edge]!, h: edgeHost[edge]!, pinned: false })),
  ].sort((a, b) => a.s - b.s || a.h - b.h)

  const made = new Array<number>(students.length).fill(0)
  const perHost = new Array<number>(hosts.length).fill(0)
  let objectiveUnits = 0
  const pairs = chosen.map(({ s, h, pinned: isPinned }) => {
    const student = students[s]!
    const host = hosts[h]!
    made[s]! += 1
    perHost[h]! += 1
    const fit = fitOf(student, host)
    objectiveUnits += fit.units
    const reasons: Reason[] = [...fit.reasons]
    if (fit.rank) reasons.unshift({ code: 'preference', text: `The student's choice #${fit.rank}` })
    if (host.firstAvailable) reasons.push({ code: 'available', text: `Available ${host.firstAvailable}` })
    if (isPinned) reasons.unshift({ code: 'pinned', text: 'Pinned by an advisor' })
    return { studentId: student.studentId, hostId: host.hostId, score: fit.score, fit: fit.units / FIT_UNITS, preferenceRank: fit.rank, pinned: isPinned, reasons }
  })

  const placedWith = students.map(() => new Set<string>())
  for (const { s, h } of chosen) placedWith[s]!.add(hosts[h]!.hostId)
  const unmatched = students.flatMap((student, s) =>
    made[s]! < student.placements
      ? [{ studentId: student.studentId, placementsWanted: student.placements, placementsMade: made[s]!, ...candidates.blocker(student, placedWith[s]!) }]
      : [],
  )

  return {
    objective: objectiveUnits / FIT_UNITS,
    pairs,
    unmatched,
    candidatePairs: edgeUnits.length,
    solveMs,
    placementGini: gini(perHost),
  }
}
