// The cohort assignment solver (src/modules/programs/solver.ts) against independent references:
// HiGHS (a WebAssembly LP solver) on random instances, and brute force over all edge subsets on
// small ones. The b-matching LP (maximise Σ w·x subject to per-student and per-host degree rows,
// 0 ≤ x ≤ 1) has a totally unimodular constraint matrix (the incidence matrix of a bipartite graph)
// and integral bounds, so its optimum is attained at an integral vertex: the LP optimum equals the
// best integer assignment, and the objectives must match exactly.
// Random instances come from fast-check with fixed seeds (or a seeded PRNG), so runs are reproducible.
import fc from 'fast-check'
import highsModule from 'highs'
import { beforeAll, describe, expect, it } from 'vitest'
import { solveAssignment, solveAssignmentWith, type AssignmentInstance, type AssignmentSolution } from '../src/modules/programs/solver/index.js'

// highs describes its ES module build with a CommonJS-style declaration file, so under NodeNext
// TypeScript types the default import as the module object ({ default: loader }), while Node loads
// the ES module build, whose default export is the loader itself. Take whichever shape arrives.
type HighsLoader = typeof highsModule.default
const highsLoader: HighsLoader = (highsModule as unknown as { default?: HighsLoader }).default ?? (highsModule as unknown as HighsLoader)

type Highs = Awaited<ReturnType<typeof highsLoader>>

interface Edge {
  s: number
  h: number
  w: number
}

function instanceOf(studentCount: number, hostCount: number, placements: number[], capacities: number[], edges: Edge[]): AssignmentInstance {
  return {
    studentCount,
    hostCount,
    placements,
    capacities,
    edgeStudent: Int32Array.from(edges, (e) => e.s),
    edgeHost: Int32Array.from(edges, (e) => e.h),
    edgeWeight: Float64Array.from(edges, (e) => e.w),
  }
}

/** Random instances: sizes, bounds (including 0), and a weight scale from heavy ties to 2^31. */
function instances(maxStudents: number, maxHosts: number, maxEdges: number): fc.Arbitrary<AssignmentInstance> {
  return fc
    .record({
      S: fc.integer({ min: 1, max: maxStudents }),
      H: fc.integer({ min: 1, max: maxHosts }),
      scale: fc.constantFrom(2, 5, 100, 64_064, 2 ** 31),
      maxPlacements: fc.constantFrom(1, 1, 2, 4),
      maxCapacity: fc.constantFrom(1, 2, 3, 6),
    })
    .chain(({ S, H, scale, maxPlacements, maxCapacity }) =>
      fc.record({
        placements: fc.array(fc.integer({ min: 0, max: maxPlacements }), { minLength: S, maxLength: S }),
        capacities: fc.array(fc.integer({ min: 0, max: maxCapacity }), { minLength: H, maxLength: H }),
        edges: fc.uniqueArray(
          fc.record({ s: fc.integer({ min: 0, max: S - 1 }), h: fc.integer({ min: 0, max: H - 1 }), w: fc.integer({ min: 1, max: scale }) }),
          { selector: (e) => e.s * H + e.h, maxLength: Math.min(maxEdges, S * H) },
        ),
      }).map(({ placements, capacities, edges }) => instanceOf(S, H, placements, capacities, edges)),
    )
}

/** mulberry32, uniform in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Seeded instance like the product's: hosts differ in appeal, weights are score·64 + tie-break + 1. */
function seededInstance(seed: number, S: number, H: number, perStudent: number, maxCapacity: number, maxPlacements = 1): AssignmentInstance {
  const random = prng(seed)
  const appeal = Array.from({ length: H }, () => random())
  const capacities = Array.from({ length: H }, () => 1 + Math.floor(random() * maxCapacity))
  const placements = Array.from({ length: S }, () => 1 + Math.floor(random() * maxPlacements))
  const edges: Edge[] = []
  for (let s = 0; s < S; s++) {
    const hosts = new Set<number>()
    while (hosts.size < Math.min(perStudent, H)) hosts.add(Math.floor(random() * H))
    for (const h of [...hosts].sort((a, b) => a - b)) {
      const score = Math.round(1000 * (0.6 * (appeal[h] as number) + 0.4 * random()))
      edges.push({ s, h, w: score * 64 + Math.floor(random() * 64) + 1 })
    }
  }
  return instanceOf(S, H, placements, capacities, edges)
}

/** CPLEX LP text of the b-matching LP. */
function lpText(instance: AssignmentInstance): string {
  const E = instance.edgeStudent.length
  const lines = ['Maximize', ' obj:']
  for (let e = 0; e < E; e += 10) {
    const terms: string[] = []
    for (let k = e; k < Math.min(E, e + 10); k++) terms.push(`+ ${instance.edgeWeight[k]} x${k}`)
    lines.push(` ${terms.join(' ')}`)
  }
  if (E === 0) lines.push(' 0 x0')
  lines.push('Subject To')
  const rows = (prefix: string, count: number, of: Int32Array, bounds: ArrayLike<number>) => {
    const members: number[][] = Array.from({ length: count }, () => [])
    for (let e = 0; e < E; e++) members[of[e] as number]!.push(e)
    members.forEach((vars, i) => {
      if (vars.length === 0) return
      lines.push(` ${prefix}${i}:`)
      for (let k = 0; k < vars.length; k += 10) lines.push(` ${vars.slice(k, k + 10).map((e) => `+ x${e}`).join(' ')}`)
      lines.push(` <= ${bounds[i] as number}`)
    })
  }
  rows('s', instance.studentCount, instance.edgeStudent, instance.placements)
  rows('h', instance.hostCount, instance.edgeHost, instance.capacities)
  lines.push('Bounds')
  for (let e = 0; e < Math.max(E, 1); e++) lines.push(` 0 <= x${e} <= ${E === 0 ? 0 : 1}`)
  lines.push('End')
  return lines.join('\n')
}

let highs: Highs
let highsSolves = 0

/** The LP optimum from HiGHS. A fresh HiGHS module every 100 solves keeps its WebAssembly heap small. */
async function lpOptimum(instance: AssignmentInstance): Promise<number> {
  if (highsSolves > 0 && highsSolves % 100 === 0) highs = await highsLoader()
  highsSolves++
  const result = highs.solve(lpText(instance), { output_flag: false })
  expect(result.Status).toBe('Optimal')
  return result.ObjectiveValue
}

/** Best objective over all edge subsets (small instances only). */
function bruteForce(instance: AssignmentInstance): number {
  const E = instance.edgeStudent.length
  let best = 0
  const studentUse = new Int32Array(instance.studentCount)
  const hostUse = new Int32Array(instance.hostCount)
  for (let mask = 0; mask < 1 << E; mask++) {
    studentUse.fill(0)
    hostUse.fill(0)
    let total = 0
    let ok = true
    for (let e = 0; e < E && ok; e++) {
      if ((mask & (1 << e)) === 0) continue
      const s = instance.edgeStudent[e] as number
      const h = instance.edgeHost[e] as number
      ok = ++studentUse[s]! <= (instance.placements[s] as number) && ++hostUse[h]! <= (instance.capacities[h] as number)
      total += instance.edgeWeight[e] as number
    }
    if (ok && total > best) best = total
  }
  return best
}

/** The solution is a valid assignment: ascending unique edges, bounds respected, objective summed. */
function expectFeasible(instance: AssignmentInstance, solution: AssignmentSolution): void {
  const { edges, objective } = solution
  expect(edges).toBeInstanceOf(Int32Array)
  const studentUse = new Array<number>(instance.studentCount).fill(0)
  const hostUse = new Array<number>(instance.hostCount).fill(0)
  let total = 0
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i] as number
    expect(e).toBeGreaterThanOrEqual(0)
    expect(e).toBeLessThan(instance.edgeStudent.length)
    if (i > 0) expect(e).toBeGreaterThan(edges[i - 1] as number)
    studentUse[instance.edgeStudent[e] as number]!++
    hostUse[instance.edgeHost[e] as number]!++
    total += instance.edgeWeight[e] as number
  }
  studentUse.forEach((used, s) => expect(used).toBeLessThanOrEqual(instance.placements[s] as number))
  hostUse.forEach((used, h) => expect(used).toBeLessThanOrEqual(instance.capacities[h] as number))
  expect(objective).toBe(total)
}

beforeAll(async () => {
  highs = await highsLoader()
})

describe('solveAssignment: optimality', () => {
  it('matches HiGHS on 300 random instances up to 40 students × 15 hosts', async () => {
    const samples = fc.sample(instances(40, 15, 200), { numRuns: 300, seed: 20_261_126 })
    for (const instance of samples) {
      const solution = solveAssignment(instance)
      expectFeasible(instance, solution)
      const lp = await lpOptimum(instance)
      // The LP optimum is integral (total unimodularity); rounding only removes floating-point noise.
      expect(Math.abs(lp - Math.round(lp))).toBeLessThan(1e-6 * Math.max(1, Math.abs(lp)))
      expect(solution.objective).toBe(Math.round(lp))
      // Both algorithms, whichever the default picked.
      const scaled = solveAssignmentWith(instance, { method: 'scaling' })
      expectFeasible(instance, scaled)
      expect(scaled.objective).toBe(Math.round(lp))
    }
  })

  it('matches HiGHS on medium instances (300 students × 60 hosts)', async () => {
    const cases = [
      seededInstance(1, 300, 60, 12, 5),
      seededInstance(2, 300, 60, 12, 3, 2),
      seededInstance(3, 300, 60, 20, 8),
      seededInstance(4, 300, 100, 10, 1),
    ]
    for (const instance of cases) {
      const lp = Math.round(await lpOptimum(instance))
      for (const method of ['paths', 'scaling'] as const) {
        const run = solveAssignmentWith(instance, { method })
        expectFeasible(instance, run)
        expect(run.objective).toBe(lp)
      }
    }
  })

  it('matches brute force over all edge subsets on small instances', () => {
    fc.assert(
      fc.property(instances(6, 3, 12), (instance) => {
        const solution = solveAssignment(instance)
        expectFeasible(instance, solution)
        expect(solution.objective).toBe(bruteForce(instance))
      }),
      { numRuns: 400, seed: 7 },
    )
  })

  it('gives the same optimum with either algorithm, from either side, and when the paths hand over to scaling', () => {
    const samples = fc.sample(instances(60, 25, 400), { numRuns: 150, seed: 99 })
    samples.push(seededInstance(5, 400, 80, 15, 5), seededInstance(6, 400, 40, 15, 5, 3), seededInstance(7, 300, 300, 10, 1))
    for (const instance of samples) {
      const objective = solveAssignment(instance).objective
      for (const options of [
        { method: 'paths', sources: 'students' },
        { method: 'paths', sources: 'hosts' },
        { method: 'scaling' },
        // A tiny budget: the paths stop after a few searches and cost scaling starts afresh.
        { method: 'auto', pathWork: 5 },
      ] as const) {
        const run = solveAssignmentWith(instance, options)
        expectFeasible(instance, run)
        expect(run.objective).toBe(objective)
      }
    }
  })

  it('matches brute force with cost scaling too', () => {
    fc.assert(
      fc.property(instances(6, 3, 12), (instance) => {
        const run = solveAssignmentWith(instance, { method: 'scaling' })
        expect(run.method).toBe('scaling')
        expectFeasible(instance, run)
        expect(run.objective).toBe(bruteForce(instance))
      }),
      { numRuns: 300, seed: 11 },
    )
  })

  it('hands hard instances to cost scaling and easy ones to the paths, with the same optimum', async () => {
    // Both sides scarce, with student- and host-side appeal: the paths exceed their budget.
    const random = prng(12)
    const S = 600
    const H = 200
    const strength = Array.from({ length: S }, () => random())
    const appeal = Array.from({ length: H }, () => random())
    const edges: Edge[] = []
    for (let s = 0; s < S; s++) {
      const hosts = new Set<number>()
      while (hosts.size < 12) hosts.add(Math.floor(random() * H))
      for (const h of [...hosts].sort((a, b) => a - b)) edges.push({ s, h, w: 1 + 64 * Math.round(1000 * (0.4 * (appeal[h] as number) + 0.3 * (strength[s] as number) + 0.3 * random())) })
    }
    const hard = instanceOf(S, H, new Array(S).fill(1), new Array(H).fill(3), edges)
    const auto = solveAssignmentWith(hard, { pathWork: 20_000 })
    expect(auto.method).toBe('scaling')
    const paths = solveAssignmentWith(hard, { method: 'paths' })
    expect(paths.method).toBe('paths')
    expectFeasible(hard, auto)
    expect(auto.objective).toBe(paths.objective)
    expect(auto.objective).toBe(Math.round(await lpOptimum(hard)))
    expect(solveAssignmentWith(seededInstance(13, 200, 40, 10, 3)).method).toBe('paths')
  })

  it('falls back to the paths when the scaled costs would not stay exact', () => {
    const huge = 2 ** 49
    const instance = instanceOf(3, 2, [1, 1, 1], [1, 1], [
      { s: 0, h: 0, w: huge },
      { s: 1, h: 0, w: huge - 1 },
      { s: 1, h: 1, w: 3 },
      { s: 2, h: 1, w: 5 },
    ])
    const run = solveAssignmentWith(instance, { method: 'scaling' })
    expect(run.method).toBe('paths')
    expect(run.objective).toBe(huge + 5)
    expect(Array.from(run.edges)).toEqual([0, 3])
  })
})

describe('solveAssignment: determinism', () => {
  it('returns identical edges for the same instance, and for an identical copy of it', () => {
    const cases = [...fc.sample(instances(40, 15, 200), { numRuns: 50, seed: 3 }), seededInstance(8, 500, 100, 20, 5)]
    // Heavy ties: every weight equal, so many optimal solutions exist.
    cases.push(instanceOf(30, 10, new Array(30).fill(1), new Array(10).fill(2), Array.from({ length: 150 }, (_, i) => ({ s: i % 30, h: Math.floor(i / 15), w: 7 }))))
    for (const instance of cases) {
      const first = solveAssignment(instance)
      const again = solveAssignment(instance)
      const copy = solveAssignment({
        ...instance,
        placements: Array.from(instance.placements),
        capacities: Array.from(instance.capacities),
        edgeStudent: instance.edgeStudent.slice(),
        edgeHost: instance.edgeHost.slice(),
        edgeWeight: instance.edgeWeight.slice(),
      })
      expect(Array.from(again.edges)).toEqual(Array.from(first.edges))
      expect(Array.from(copy.edges)).toEqual(Array.from(first.edges))
      expect(again.objective).toBe(first.objective)
      const scaled = solveAssignmentWith(instance, { method: 'scaling' })
      expect(Array.from(solveAssignmentWith(instance, { method: 'scaling' }).edges)).toEqual(Array.from(scaled.edges))
    }
  })

  it('does not modify its input', () => {
    const instance = seededInstance(9, 100, 20, 10, 3)
    const before = JSON.stringify([instance.placements, instance.capacities, [...instance.edgeStudent], [...instance.edgeHost], [...instance.edgeWeight]])
    solveAssignment(instance)
    expect(JSON.stringify([instance.placements, instance.capacities, [...instance.edgeStudent], [...instance.edgeHost], [...instance.edgeWeight]])).toBe(before)
  })
})

describe('solveAssignment: edge cases', () => {
  it('handles no edges, no students and no hosts', () => {
    for (const instance of [instanceOf(3, 2, [1, 1, 1], [1, 1], []), instanceOf(0, 2, [], [1, 1], []), instanceOf(2, 0, [1, 1], [], []), instanceOf(0, 0, [], [], [])]) {
      const solution = solveAssignment(instance)
      expect(Array.from(solution.edges)).toEqual([])
      expect(solution.objective).toBe(0)
    }
  })

  it('assigns nothing to hosts with zero capacity or students with zero placements', () => {
    const edges = [
      { s: 0, h: 0, w: 10 },
      { s: 0, h: 1, w: 5 },
      { s: 1, h: 0, w: 8 },
      { s: 1, h: 1, w: 9 },
      { s: 2, h: 1, w: 100 },
    ]
    const zeroHost = solveAssignment(instanceOf(3, 2, [1, 1, 1], [0, 1], edges))
    expect(Array.from(zeroHost.edges)).toEqual([4])
    expect(zeroHost.objective).toBe(100)
    const zeroStudent = solveAssignment(instanceOf(3, 2, [1, 1, 0], [1, 1], edges))
    expect(Array.from(zeroStudent.edges)).toEqual([0, 3])
    expect(zeroStudent.objective).toBe(19)
    const nothing = solveAssignment(instanceOf(3, 2, [0, 0, 0], [1, 1], edges))
    expect(nothing.edges.length).toBe(0)
    const noRoom = solveAssignment(instanceOf(3, 2, [1, 1, 1], [0, 0], edges))
    expect(noRoom.edges.length).toBe(0)
  })

  it('prefers weight to cardinality', () => {
    // One heavy edge beats two light ones that would place both students.
    const solution = solveAssignment(
      instanceOf(2, 2, [1, 1], [1, 1], [
        { s: 0, h: 0, w: 10 },
        { s: 0, h: 1, w: 4 },
        { s: 1, h: 0, w: 5 },
      ]),
    )
    expect(Array.from(solution.edges)).toEqual([0])
    expect(solution.objective).toBe(10)
  })

  it('gives a student with many placements its best distinct hosts', () => {
    const weights = [3, 9, 1, 7, 7, 2, 8, 5]
    const edges = weights.map((w, h) => ({ s: 0, h, w }))
    const solution = solveAssignment(instanceOf(1, 8, [5], new Array(8).fill(1), edges))
    expect(solution.objective).toBe(9 + 8 + 7 + 7 + 5)
    expect(Array.from(solution.edges)).toEqual([1, 3, 4, 6, 7])
    // Placements beyond the student's edges, and a capacity far beyond the host's edges, are fine.
    const all = solveAssignment(instanceOf(1, 8, [1_000_000], new Array(8).fill(2 ** 40), edges))
    expect(all.edges.length).toBe(8)
    const bigHost = solveAssignment(instanceOf(4, 1, [1, 1, 1, 1], [1e9], [0, 1, 2, 3].map((s) => ({ s, h: 0, w: s + 1 }))))
    expect(bigHost.objective).toBe(10)
  })

  it('takes a host with several seats from its best candidates, and shifts others to make room', () => {
    // Host 0 has two seats; student 2 also likes host 1, so moving it there is worth more.
    const solution = solveAssignment(
      instanceOf(3, 2, [1, 1, 1], [2, 1], [
        { s: 0, h: 0, w: 10 },
        { s: 1, h: 0, w: 9 },
        { s: 2, h: 0, w: 8 },
        { s: 2, h: 1, w: 7 },
      ]),
    )
    expect(Array.from(solution.edges)).toEqual([0, 1, 3])
    expect(solution.objective).toBe(26)
  })

  it('handles weights up to 2^31 exactly', () => {
    const big = 2 ** 31
    const solution = solveAssignment(
      instanceOf(2, 2, [1, 1], [1, 1], [
        { s: 0, h: 0, w: big },
        { s: 0, h: 1, w: big - 1 },
        { s: 1, h: 0, w: big - 1 },
        { s: 1, h: 1, w: 1 },
      ]),
    )
    expect(solution.objective).toBe(2 * big - 2)
    expect(Array.from(solution.edges)).toEqual([1, 2])
  })

  it('rejects invalid input with a clear error', () => {
    const base = () => instanceOf(2, 2, [1, 1], [1, 1], [
      { s: 0, h: 0, w: 3 },
      { s: 1, h: 1, w: 4 },
    ])
    const cases: Array<[string, (i: AssignmentInstance) => AssignmentInstance, RegExp]> = [
      ['placements length', (i) => ({ ...i, placements: [1] }), /placements has 1 entries, expected 2/],
      ['capacities length', (i) => ({ ...i, capacities: [1, 1, 1] }), /capacities has 3 entries, expected 2/],
      ['negative placement', (i) => ({ ...i, placements: [1, -1] }), /placements\[1\] must be a non-negative integer/],
      ['fractional capacity', (i) => ({ ...i, capacities: [1.5, 1] }), /capacities\[0\] must be a non-negative integer/],
      ['NaN capacity', (i) => ({ ...i, capacities: [1, Number.NaN] }), /capacities\[1\] must be a non-negative integer/],
      ['student count', (i) => ({ ...i, studentCount: -1 }), /studentCount must be a non-negative integer/],
      ['host count', (i) => ({ ...i, hostCount: 1.5 }), /hostCount must be a non-negative integer/],
      ['edge length mismatch', (i) => ({ ...i, edgeWeight: new Float64Array([3]) }), /edge arrays differ in length/],
      ['student out of range', (i) => ({ ...i, edgeStudent: new Int32Array([0, 2]) }), /edge 1 has student 2, outside 0\.\.1/],
      ['negative host', (i) => ({ ...i, edgeHost: new Int32Array([-1, 1]) }), /edge 0 has host -1, outside 0\.\.1/],
      ['zero weight', (i) => ({ ...i, edgeWeight: new Float64Array([0, 4]) }), /edge 0 has weight 0; weights must be positive integers/],
      ['negative weight', (i) => ({ ...i, edgeWeight: new Float64Array([3, -4]) }), /edge 1 has weight -4/],
      ['fractional weight', (i) => ({ ...i, edgeWeight: new Float64Array([3, 4.5]) }), /edge 1 has weight 4.5/],
      ['infinite weight', (i) => ({ ...i, edgeWeight: new Float64Array([Infinity, 4]) }), /edge 0 has weight Infinity/],
      ['NaN weight', (i) => ({ ...i, edgeWeight: new Float64Array([3, Number.NaN]) }), /edge 1 has weight NaN/],
      ['huge weights', (i) => ({ ...i, edgeWeight: new Float64Array([2 ** 52, 4]) }), /weights are too large/],
      [
        'duplicate pair',
        (i) => ({ ...i, edgeStudent: new Int32Array([1, 0, 1]), edgeHost: new Int32Array([1, 0, 1]), edgeWeight: new Float64Array([3, 4, 5]) }),
        /edges 0 and 2 both join student 1 and host 1/,
      ],
      ['plain arrays for edges', (i) => ({ ...i, edgeStudent: [0, 1] as unknown as Int32Array }), /must be Int32Arrays/],
    ]
    for (const [name, mutate, message] of cases) {
      expect(() => solveAssignment(mutate(base())), name).toThrow(message)
    }
    expect(() => solveAssignment(base())).not.toThrow()
  })
})
