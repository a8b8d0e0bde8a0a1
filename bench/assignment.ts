// Cohort assignment benchmark: the hand-written solver (src/modules/programs/solver.ts) against
// HiGHS (WebAssembly LP solver, devDependency) on the same seeded instances.
//
// Instances: S students, H = S/5 hosts with capacities uniform in 1..5, 50 distinct candidate hosts
// per student, one placement each. Weights are what the product will send: a score in 0..1000 times
// 64 plus a tie-break in 0..63, plus 1 to keep them positive. Scores are correlated across students
// (each host has an appeal that accounts for 60% of the score, the rest is per pair), so popular
// hosts are contested. Roughly 3 seats per 5 students, so many students stay unplaced.
//
// Vantage time: median of 3 runs for 1k and 5k students, 1 run for 20k. HiGHS: one solve, timing
// only highs.solve (the LP string is built outside the timing). The bipartite b-matching LP is
// totally unimodular, so HiGHS's LP optimum is the integer optimum and the objectives must match.
// For 20k students (1M columns; HiGHS then needs about 2.5 GB and tens of seconds) HiGHS runs under
// a time limit and is skipped above a size budget; then highsMs, ratio and objectiveEqual are null.
//
// Run: npx tsx bench/assignment.ts   (prints a markdown table)
import { pathToFileURL } from 'node:url'
import highsModule from 'highs'
import { solveAssignment, solveAssignmentWith, type AssignmentInstance } from '../src/modules/programs/solver/index.js'

// highs describes its ES module build with a CommonJS-style declaration file, so under NodeNext
// TypeScript types the default import as the module object ({ default: loader }), while Node loads
// the ES module build, whose default export is the loader itself. Take whichever shape arrives.
type HighsLoader = typeof highsModule.default
const highsLoader: HighsLoader = (highsModule as unknown as { default?: HighsLoader }).default ?? (highsModule as unknown as HighsLoader)

export interface AssignmentBenchRow {
  students: number
  hosts: number
  edges: number
  vantageMs: number
  highsMs: number | null
  ratio: number | null
  objectiveEqual: boolean | null
}

const CANDIDATES_PER_STUDENT = 50
/** HiGHS on 20k students is attempted only under these budgets. */
const HIGHS_TIME_LIMIT_S = Number(process.env.BENCH_HIGHS_TIME_LIMIT ?? 300)
const HIGHS_MAX_COLUMNS = Number(process.env.BENCH_HIGHS_MAX_COLUMNS ?? 1_200_000)

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function generateInstance(students: number, seed: number): AssignmentInstance {
  const random = prng(seed)
  const hosts = Math.max(1, Math.floor(students / 5))
  const capacities = new Int32Array(hosts)
  const appeal = new Float64Array(hosts)
  for (let h = 0; h < hosts; h++) {
    capacities[h] = 1 + Math.floor(random() * 5)
    appeal[h] = random()
  }
  const perStudent = Math.min(CANDIDATES_PER_STUDENT, hosts)
  const edgeCount = students * perStudent
  const edgeStudent = new Int32Array(edgeCount)
  const edgeHost = new Int32Array(edgeCount)
  const edgeWeight = new Float64Array(edgeCount)
  const mark = new Int32Array(hosts).fill(-1)
  let e = 0
  for (let s = 0; s < students; s++) {
    for (let k = 0; k < perStudent; k++) {
      let h = Math.floor(random() * hosts)
      while (mark[h] === s) h = Math.floor(random() * hosts)
      mark[h] = s
      const score = Math.round(1000 * (0.6 * (appeal[h] as number) + 0.4 * random()))
      edgeStudent[e] = s
      edgeHost[e] = h
      edgeWeight[e] = score * 64 + Math.floor(random() * 64) + 1
      e++
    }
  }
  return { studentCount: students, hostCount: hosts, placements: new Int32Array(students).fill(1), capacities, edgeStudent, edgeHost, edgeWeight }
}

/** CPLEX LP text for the b-matching LP: maximise Σ w x subject to degree rows, 0 ≤ x ≤ 1. */
export function toLp(instance: AssignmentInstance): string {
  const { edgeStudent, edgeHost, edgeWeight } = instance
  const E = edgeStudent.length
  const out: string[] = ['Maximize', ' obj:']
  let line = ''
  for (let e = 0; e < E; e++) {
    line += ` + ${edgeWeight[e]} x${e}`
    if (e % 16 === 15) {
      out.push(line)
      line = ''
    }
  }
  if (E === 0) line += ' 0 x_dummy'
  if (line) out.push(line)
  out.push('Subject To')
  const byStudent: number[][] = Array.from({ length: instance.studentCount }, () => [])
  const byHost: number[][] = Array.from({ length: instance.hostCount }, () => [])
  for (let e = 0; e < E; e++) {
    byStudent[edgeStudent[e] as number]!.push(e)
    byHost[edgeHost[e] as number]!.push(e)
  }
  const row = (name: string, vars: number[], bound: number) => {
    if (vars.length === 0) return
    out.push(` ${name}:`)
    for (let i = 0; i < vars.length; i += 16) out.push(vars.slice(i, i + 16).map((e) => ` + x${e}`).join(''))
    out.push(` <= ${bound}`)
  }
  byStudent.forEach((vars, s) => row(`s${s}`, vars, instance.placements[s] as number))
  byHost.forEach((vars, h) => row(`h${h}`, vars, instance.capacities[h] as number))
  out.push('Bounds')
  for (let e = 0; e < E; e++) out.push(` 0 <= x${e} <= 1`)
  if (E === 0) out.push(' x_dummy = 0')
  out.push('End')
  return out.join('\n')
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

export async function benchAssignment(log: (line: string) => void): Promise<AssignmentBenchRow[]> {
  const highs = await highsLoader()
  const rows: AssignmentBenchRow[] = []
  for (const students of [1_000, 5_000, 20_000]) {
    const instance = generateInstance(students, 20_260_000 + students)
    const edges = instance.edgeStudent.length
    log(`assignment: ${students} students, ${instance.hostCount} hosts, ${edges} edges`)
    const runs = students >= 20_000 ? 1 : 3
    const times: number[] = []
    let objective = 0
    for (let r = 0; r < runs; r++) {
      const started = performance.now()
      const solution = solveAssignment(instance)
      times.push(performance.now() - started)
      objective = solution.objective
    }
    const vantageMs = median(times)
    const run = solveAssignmentWith(instance) // untimed: which algorithm answered, and its work
    log(`  vantage: ${vantageMs.toFixed(1)} ms (runs: ${times.map((t) => t.toFixed(1)).join(', ')}), objective ${objective}, ${run.method}, ${(run.work / 1e6).toFixed(1)}M units of work`)

    let highsMs: number | null = null
    let objectiveEqual: boolean | null = null
    if (edges > HIGHS_MAX_COLUMNS) {
      log(`  highs: skipped (${edges} columns exceed the budget of ${HIGHS_MAX_COLUMNS})`)
    } else {
      const lp = toLp(instance)
      log(`  highs: LP text ${(lp.length / 1e6).toFixed(1)} MB, solving (time limit ${HIGHS_TIME_LIMIT_S} s)`)
      try {
        const started = performance.now()
        const result = highs.solve(lp, { output_flag: false, time_limit: HIGHS_TIME_LIMIT_S })
        const elapsed = performance.now() - started
        if (result.Status === 'Optimal') {
          highsMs = elapsed
          objectiveEqual = Math.round(result.ObjectiveValue) === objective
          log(`  highs: ${elapsed.toFixed(1)} ms, objective ${result.ObjectiveValue}${objectiveEqual ? '' : ' (DIFFERENT)'}`)
        } else {
          log(`  highs: no optimum after ${elapsed.toFixed(0)} ms (status ${result.Status}); reported as null`)
        }
      } catch (error) {
        log(`  highs: failed (${error instanceof Error ? error.message : String(error)}); reported as null`)
      }
    }
    rows.push({
      students,
      hosts: instance.hostCount,
      edges,
      vantageMs,
      highsMs,
      ratio: highsMs === null ? null : highsMs / vantageMs,
      objectiveEqual,
    })
  }
  return rows
}

function table(rows: AssignmentBenchRow[]): string {
  const lines = [
    '| students | hosts | edges | Vantage ms | HiGHS ms | HiGHS / Vantage | objectives equal |',
    '|---:|---:|---:|---:|---:|---:|:---:|',
  ]
  for (const r of rows) {
    lines.push(
      `| ${r.students} | ${r.hosts} | ${r.edges} | ${r.vantageMs.toFixed(1)} | ${r.highsMs === null ? 'n/a' : r.highsMs.toFixed(0)} | ${
        r.ratio === null ? 'n/a' : `${r.ratio.toFixed(0)}×`
      } | ${r.objectiveEqual === null ? 'n/a' : r.objectiveEqual ? 'yes' : 'NO'} |`,
    )
  }
  return lines.join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchAssignment((line) => console.error(line))
  console.log(table(rows))
}
