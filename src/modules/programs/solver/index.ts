// Cohort assignment: an exact maximum-weight bipartite b-matching (a transportation problem).
//
// Problem. S students and H hosts. Student s may receive at most placements[s] placements, host h
// takes at most capacities[h] students. Each candidate edge (s, h, w) has a positive integer weight
// and can be used once. Choose edges maximising the total weight within the degree bounds; nobody
// has to be placed (weight, not cardinality, is maximised).
//
// Model. A min-cost flow. Let W = the largest weight and c(e) = W − w(e) ≥ 0. Every student s is a
// source of placements[s] units; one sink T absorbs them. Arcs: student → host (capacity 1, cost
// c(e)) for each edge, host → T (capacity capacities[h], cost 0), and a "bypass" student → T
// (capacity placements[s], cost W) that stands for a placement left empty. Every flow is feasible
// (the bypasses take everything), and a flow of cost C uses real edges of total weight
// W·Σplacements − C, so a minimum-cost flow is a maximum-weight b-matching. (The roles of the two
// sides can be swapped: hosts as sources, students as terminals, the same network mirrored.)
//
// Two exact algorithms solve it; solveAssignment tries the first within a budget, then the second.
//
// 1. Successive shortest paths (the Hungarian method generalised to capacities), class Direction.
//    One side's nodes are taken in index order and each unit of supply is sent along a shortest path
//    to T in the residual network: either the source's own bypass (the unit stays empty, and so do
//    its remaining units, since successive path costs never decrease), or an alternating path
//    s → h1 ⇢ t1 → h2 ⇢ … that ends at a node of the other side with room, or at the bypass of a
//    ti who gives up a place. Dijkstra on reduced costs c(u,v) + π(u) − π(v) ≥ 0 with potentials π
//    and a binary heap keyed by (distance, node index); it stops as soon as T is next to settle,
//    and then π(v) += d(v) − d(T) for the settled nodes, which keeps every residual reduced cost
//    ≥ 0 and makes the new path's arcs tight. Initially π(terminal side) = 0 and π(source) = −(its
//    cheapest cost), so each source's best arc is tight and early searches end after a few pops.
//    Each node's arcs are scanned cheapest first, so a scan stops once no further arc can beat d(T).
//    In dual terms y = W + π(source side) and z = −π(terminal side) are the b-matching duals; both
//    stay in [0, W], so every number handled is an integer of a few W at most.
//    Exact: SSP keeps the reduced-cost optimality conditions after every augmentation and may start
//    each augmentation at any node with supply left (Ahuja, Magnanti & Orlin, "Network Flows",
//    ch. 9), so once every supply is routed the flow is a minimum-cost flow.
//    Fast when the terminal side keeps plenty of room (typical: more students than seats, with
//    hosts as the sources: 5,000 × 1,000 with 250,000 edges takes ~1.3M units of work); slow when
//    both sides are scarce and many alternatives are nearly equal, because each of the last
//    searches then explores much of the graph.
//
// 2. Cost scaling (Goldberg & Tarjan's push-relabel with ε-scaling), class CostScaling, with the
//    global price update heuristic (Goldberg 1997). Costs are multiplied by K = n + 1 (n nodes);
//    ε shrinks by a factor of 16 per refine down to 1; each refine saturates the arcs of negative
//    reduced cost and then pushes excess along admissible arcs (reduced cost < 0), relabelling a
//    node (lowering its price to make its best arc admissible) when it has none; every 2n
//    relabels, and at the start of each refine, prices are recomputed from exact distances to the
//    nodes with a deficit. Exact: at the end every residual arc has reduced cost ≥ −1 in scaled
//    units, i.e. > −1/n in the original ones, so every residual cycle (≤ n arcs, integer cost) costs
//    ≥ 0, and a flow without negative residual cycles is optimal. Its work hardly depends on the
//    instance's shape (about 15-25M units for 5,000 students however hard), so it takes over when
//    the paths do not finish within 8·(edges + nodes) units of work. Scaled costs and prices must
//    stay exact integers in doubles (|value| ≤ 2^50); if they would not (weights near 2^31 with
//    hundreds of thousands of nodes), it stops and the paths finish the job instead.
//
// Determinism. Nodes are processed in index order or a FIFO queue, arcs in a fixed order (input
// order, or cost then input order), heaps are ordered by (key, node index), labels change only on
// strict improvement, and the budget is counted in units of work, not time. No randomness, no
// Map/Set iteration: the same input gives the same edges. Among equally good solutions the one
// this order reaches is returned; callers encode their own preferences in the integer weights.
//
// Why hand-written. This is the product's own optimisation core, and no well-kept npm package for
// min-cost flow or b-matching exists. HiGHS (a WebAssembly LP solver, a devDependency) serves only
// as the independent check in the tests and the benchmark: it is far slower (seconds where this
// takes tens of milliseconds) and too heavy for the request path. Everything here lives in typed
// arrays; input is validated first and rejected with a plain Error.
//
// The parts: this file (the problem, its checks, and the choice between the algorithms), paths.ts
// (successive shortest paths), cost-scaling.ts, workspace.ts (search state, arc sorting, the flow read
// back as chosen edges) and heap.ts.
import { CostScaling } from './cost-scaling.js'
import { Direction } from './paths.js'
import { Workspace } from './workspace.js'


export interface AssignmentInstance {
  studentCount: number
  hostCount: number
  placements: ArrayLike<number> // per student
  capacities: ArrayLike<number> // per host
  edgeStudent: Int32Array // edge i: student index
  edgeHost: Int32Array // edge i: host index
  edgeWeight: Float64Array // edge i: positive integer weight
}

export interface AssignmentSolution {
  edges: Int32Array // indices of the chosen edges, ascending
  objective: number // sum of their weights
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0
}

function validate(instance: AssignmentInstance): void {
  const { studentCount, hostCount, placements, capacities, edgeStudent, edgeHost, edgeWeight } = instance
  if (!isCount(studentCount) || studentCount > 0x3fffffff) throw new Error(`assignment: studentCount must be a non-negative integer, got ${studentCount}`)
  if (!isCount(hostCount) || hostCount > 0x3fffffff) throw new Error(`assignment: hostCount must be a non-negative integer, got ${hostCount}`)
  if (studentCount + hostCount > 0x3fffffff) throw new Error('assignment: too many students and hosts')
  if (placements.length !== studentCount) throw new Error(`assignment: placements has ${placements.length} entries, expected ${studentCount} (one per student)`)
  if (capacities.length !== hostCount) throw new Error(`assignment: capacities has ${capacities.length} entries, expected ${hostCount} (one per host)`)
  if (!(edgeStudent instanceof Int32Array) || !(edgeHost instanceof Int32Array) || !(edgeWeight instanceof Float64Array)) {
    throw new Error('assignment: edgeStudent and edgeHost must be Int32Arrays and edgeWeight a Float64Array')
  }
  const edgeCount = edgeStudent.length
  if (edgeHost.length !== edgeCount || edgeWeight.length !== edgeCount) {
    throw new Error(`assignment: edge arrays differ in length (edgeStudent ${edgeCount}, edgeHost ${edgeHost.length}, edgeWeight ${edgeWeight.length})`)
  }
  for (let s = 0; s < studentCount; s++) {
    const value = placements[s] as number
    if (!isCount(value)) throw new Error(`assignment: placements[${s}] must be a non-negative integer, got ${value}`)
  }
  for (let h = 0; h < hostCount; h++) {
    const value = capacities[h] as number
    if (!isCount(value)) throw new Error(`assignment: capacities[${h}] must be a non-negative integer, got ${value}`)
  }
  let total = 0
  for (let e = 0; e < edgeCount; e++) {
    const s = edgeStudent[e] as number
    const h = edgeHost[e] as number
    const w = edgeWeight[e] as number
    if (s < 0 || s >= studentCount) throw new Error(`assignment: edge ${e} has student ${s}, outside 0..${studentCount - 1}`)
    if (h < 0 || h >= hostCount) throw new Error(`assignment: edge ${e} has host ${h}, outside 0..${hostCount - 1}`)
    if (!Number.isSafeInteger(w) || w <= 0) throw new Error(`assignment: edge ${e} has weight ${w}; weights must be positive integers`)
    total += w
  }
  // The objective, every potential and every distance are integers bounded by a few times the total
  // weight; keeping that total a safe integer keeps all floating-point arithmetic exact.
  if (!(total <= Number.MAX_SAFE_INTEGER / 4)) throw new Error('assignment: the weights are too large (their total must stay below 2^51)')

  // No pair twice: group the edges by student (counting sort) and mark each student's hosts.
  const start = new Int32Array(studentCount + 1)
  for (let e = 0; e < edgeCount; e++) {
    const next = (edgeStudent[e] as number) + 1
    start[next] = (start[next] as number) + 1
  }
  for (let s = 0; s < studentCount; s++) start[s + 1] = (start[s + 1] as number) + (start[s] as number)
  const byStudent = new Int32Array(edgeCount)
  for (let e = 0; e < edgeCount; e++) {
    const s = edgeStudent[e] as number
    byStudent[start[s] as number] = e
    start[s] = (start[s] as number) + 1
  }
  const owner = new Int32Array(hostCount).fill(-1) // last student seen with an edge to the host
  const firstEdge = new Int32Array(hostCount)
  for (let i = 0; i < edgeCount; i++) {
    const e = byStudent[i] as number
    const s = edgeStudent[e] as number
    const h = edgeHost[e] as number
    if (owner[h] === s) throw new Error(`assignment: edges ${firstEdge[h] as number} and ${e} both join student ${s} and host ${h}`)
    owner[h] = s
    firstEdge[h] = e
  }
}

export function solveAssignment(instance: AssignmentInstance): AssignmentSolution {
  const { edges, objective } = solveAssignmentWith(instance)
  return { edges, objective }
}

/** Internal choices of solveAssignment, exposed for the tests and the benchmark. */
export interface AssignmentOptions {
  /**
   * 'auto' (default): successive shortest paths within a work budget, then cost scaling.
   * 'paths': successive shortest paths only. 'scaling': cost scaling (paths if the numbers are
   * too large for it).
   */
  method?: 'auto' | 'paths' | 'scaling'
  /** The side successive shortest paths searches from; by default chosen from the instance. */
  sources?: 'students' | 'hosts'
  /** Work budget of the shortest-paths attempt in 'auto' (default 8·(edges + students + hosts), at least 2^20). */
  pathWork?: number
}

export interface AssignmentRun extends AssignmentSolution {
  /** The algorithm that produced the answer. */
  method: 'paths' | 'scaling'
  /** Units of work done in all (arcs examined plus nodes settled), a machine-independent measure. */
  work: number
}

export function solveAssignmentWith(instance: AssignmentInstance, options: AssignmentOptions = {}): AssignmentRun {
  validate(instance)
  const { studentCount: S, hostCount: H, edgeStudent, edgeHost, edgeWeight } = instance
  const E = edgeStudent.length
  let wMax = 0
  for (let e = 0; e < E; e++) if ((edgeWeight[e] as number) > wMax) wMax = edgeWeight[e] as number
  const placements = effectiveBounds(S, instance.placements, edgeStudent)
  const capacities = effectiveBounds(H, instance.capacities, edgeHost)
  let studentUnits = 0
  let hostUnits = 0
  for (let s = 0; s < S; s++) studentUnits += placements[s] as number
  for (let h = 0; h < H; h++) hostUnits += capacities[h] as number
  const method = options.method ?? 'auto'

  // Successive shortest paths. Searches stay short while the other side has plenty of room, and
  // when the terminals are alike (hosts differ in appeal, so students searching for the last free
  // seats need long chains). So the hosts are the sources unless the students are clearly fewer.
  const studentsAreSources = options.sources === undefined ? studentUnits * 5 < hostUnits * 4 : options.sources === 'students'
  const paths = () =>
    studentsAreSources
      ? new Direction(S, H, placements, capacities, edgeStudent, edgeHost, edgeWeight, wMax, new Workspace(S + H, E))
      : new Direction(H, S, capacities, placements, edgeHost, edgeStudent, edgeWeight, wMax, new Workspace(S + H, E))

  // On easy instances (the usual case) the paths finish within a small budget. On hard ones (many
  // near-equal alternatives, both sides scarce) their last searches each explore much of the graph;
  // cost scaling, whose work hardly depends on the instance's shape, then starts afresh.
  let solver: Direction | CostScaling | null = null
  let direction: Direction | null = null
  let work = 0
  if (method !== 'scaling') {
    direction = paths()
    const budget = method === 'paths' ? Infinity : Math.max(1, options.pathWork ?? Math.max(1 << 20, 8 * (E + S + H)))
    if (direction.run(budget)) solver = direction
    work = direction.totalWork
  }
  let used: 'paths' | 'scaling' = 'paths'
  if (solver === null) {
    const scaling = new CostScaling(S, H, placements, capacities, edgeStudent, edgeHost, edgeWeight, wMax)
    const ok = scaling.solve()
    work += scaling.work
    if (ok) {
      solver = scaling
      used = 'scaling'
    } else {
      // Weights too large for the scaled costs to stay exact: the paths are exact for any weight.
      direction ??= paths()
      const before = direction.totalWork
      direction.run(Infinity)
      work += direction.totalWork - before
      solver = direction
    }
  }

  const chosen = new Uint8Array(E)
  const count = solver.markChosen(chosen)
  const edges = new Int32Array(count)
  let objective = 0
  for (let e = 0, k = 0; e < E; e++) {
    if (chosen[e] === 1) {
      edges[k++] = e
      objective += edgeWeight[e] as number
    }
  }
  return { edges, objective, method: used, work }
}

/** min(bound, degree) per node, as an Int32Array (no node can use more than its edges). */
function effectiveBounds(count: number, bounds: ArrayLike<number>, edgeNode: Int32Array): Int32Array {
  const degree = new Int32Array(count)
  for (let e = 0; e < edgeNode.length; e++) {
    const v = edgeNode[e] as number
    degree[v] = (degree[v] as number) + 1
  }
  for (let v = 0; v < count; v++) degree[v] = Math.min(degree[v] as number, bounds[v] as number)
  return degree
}

