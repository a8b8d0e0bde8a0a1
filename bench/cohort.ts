// Cohort assignment end to end: computeAssignment (candidate pairs, scoring, the exact solve and the
// explanations) on synthetic programmes of 1k, 5k and 20k students with a host per five students
// (capacities 1-5), a field per 25 hosts, one field per student (about 50 candidate hosts each before
// modes and locations), modes and preferences. bench/assignment.ts times the solver alone against HiGHS on the same kind of instance.
import { DEFAULT_MATCHING_WEIGHTS } from '../src/modules/schools/settings.js'
import { computeAssignment, type AssignmentHost, type AssignmentInput, type AssignmentStudent, type Mode } from '../src/modules/programs/assignment.js'
import { prng } from './assignment.js'

export interface CohortBenchRow {
  students: number
  hosts: number
  candidatePairs: number
  totalMs: number
  solveMs: number
  placements: number
  unmatched: number
}

const MODES: Mode[][] = [['video'], ['in_person'], ['video', 'phone', 'in_person']]

const id = (prefix: number, n: number) => `0190${prefix.toString(16).padStart(4, '0')}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`

export function cohortInput(students: number, seed: number): AssignmentInput {
  const random = prng(seed)
  const pick = (n: number) => Math.floor(random() * n)
  const hostCount = Math.round(students / 5)
  // A field per 25 hosts: each field has about 25 hosts by industry and 25 by occupation.
  const FIELDS = Math.max(1, Math.round(hostCount / 25))
  const hosts: AssignmentHost[] = Array.from({ length: hostCount }, (_, n) => {
    const field = `Field ${n % FIELDS}`
    return {
      hostId: id(1, n),
      capacity: 1 + pick(5),
      modes: MODES[pick(3)]!,
      location: `City ${pick(5)}`,
      organization: `Org ${pick(200)}`,
      industries: [field],
      occupations: [`Field ${(n + 7) % FIELDS}`],
      backgroundTags: random() < 0.3 ? ['first-generation'] : [],
      answeredCount: pick(10),
      expiredCount: pick(3),
      meetingsLeft: 1 + pick(4),
      maxMeetingsPerMonth: 5,
      firstAvailable: 'Mon 11 Jan, 09:00-12:00 (America/New_York)',
      load: pick(20),
    }
  })
  const list: AssignmentStudent[] = Array.from({ length: students }, (_, n) => ({
    studentId: id(2, n),
    placements: 1,
    preferences: random() < 0.3 ? [hosts[pick(hostCount)]!.hostId] : [],
    modes: random() < 0.5 ? null : MODES[pick(3)]!,
    location: `City ${pick(5)}`,
    fieldsOfInterest: [`Field ${pick(FIELDS)}`],
    backgroundTags: random() < 0.3 ? ['first-generation'] : [],
    shareBackgroundTags: random() < 0.9,
  }))
  return { programModes: ['video', 'phone', 'in_person'], hosts, students: list, pins: [], forbidden: [], weights: DEFAULT_MATCHING_WEIGHTS }
}

export function benchCohort(log: (line: string) => void): CohortBenchRow[] {
  const rows: CohortBenchRow[] = []
  for (const students of [1_000, 5_000, 20_000]) {
    const input = cohortInput(students, 4_242 + students)
    const runs = students >= 20_000 ? 1 : 3
    const times: number[] = []
    let outcome = computeAssignment(input)
    for (let r = 0; r < runs; r++) {
      const started = performance.now()
      outcome = computeAssignment(input)
      times.push(performance.now() - started)
    }
    const totalMs = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!
    log(`cohort: ${students} students, ${input.hosts.length} hosts, ${outcome.candidatePairs} candidate pairs: ${totalMs.toFixed(0)} ms (solve ${outcome.solveMs} ms)`)
    rows.push({ students, hosts: input.hosts.length, candidatePairs: outcome.candidatePairs, totalMs, solveMs: outcome.solveMs, placements: outcome.pairs.length, unmatched: outcome.unmatched.length })
  }
  return rows
}
