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

/** Search state of successive shortest paths, reset after every search, and scratch for sorting arcs. */
class Workspace {
  readonly dist: Float64Array
  readonly predArc: Int32Array
  readonly scanned: Uint8Array
  readonly touched: Int32Array
  readonly settled: Int32Array
  readonly heap: MinHeap
  // Scratch for sorting arc groups.
  sortKeys = new Float64Array(0)
  sortPerm = new Int32Array(0)
  sortInts = new Int32Array(0)

  constructor(nodes: number, edges: number) {
    this.dist = new Float64Array(nodes).fill(Infinity)
    this.predArc = new Int32Array(nodes)
    this.scanned = new Uint8Array(nodes)
    this.touched = new Int32Array(nodes)
    this.settled = new Int32Array(nodes)
    this.heap = new MinHeap(edges + 1)
  }

  reserveSort(n: number): void {
    if (this.sortKeys.length >= n) return
    this.sortKeys = new Float64Array(n)
    this.sortPerm = new Int32Array(n)
    this.sortInts = new Int32Array(n)
  }
}

/**
 * Successive shortest paths with one side as the sources ("left", one search per unit of supply)
 * and the other as the terminals ("right"). Nodes: left 0..L-1, right L..L+R-1, plus the sink T.
 * Resumable: run(work) does searches until the work budget is spent or every source is routed.
 */
class Direction {
  private readonly L: number
  private readonly supply: Int32Array
  private readonly capacity: Int32Array
  private readonly wMax: number
  private readonly ws: Workspace
  // Arcs grouped by left node, each group cheapest first (ties: lower edge index first). Arcs
  // that can never be used (an end with no room) are left out.
  private readonly arcStart: Int32Array
  private readonly arcRight: Int32Array // right node id (L + index)
  private readonly arcLeft: Int32Array
  private readonly arcEdge: Int32Array
  private readonly arcCost: Float64Array // W − weight ≥ 0
  private readonly flow: Uint8Array
  // Each right node's assigned arcs live in slots [slotStart[r], slotStart[r] + used[r]).
  private readonly slotStart: Int32Array
  private readonly slots: Int32Array
  private readonly used: Int32Array
  private readonly arcSlot: Int32Array
  private readonly pi: Float64Array
  private source = 0
  private units = -1 // units of supply the current source still has to route; −1: not started
  private lastWork = 0
  totalWork = 0

  constructor(
    L: number,
    R: number,
    supply: Int32Array,
    capacity: Int32Array,
    edgeLeft: Int32Array,
    edgeRight: Int32Array,
    edgeWeight: Float64Array,
    wMax: number,
    workspace: Workspace,
  ) {
    const E = edgeLeft.length
    this.L = L
    this.supply = supply
    this.capacity = capacity
    this.wMax = wMax
    this.ws = workspace
    const arcStart = new Int32Array(L + 1)
    for (let e = 0; e < E; e++) {
      const v = edgeLeft[e] as number
      if ((supply[v] as number) > 0 && (capacity[edgeRight[e] as number] as number) > 0) arcStart[v + 1] = (arcStart[v + 1] as number) + 1
    }
    for (let v = 0; v < L; v++) arcStart[v + 1] = (arcStart[v + 1] as number) + (arcStart[v] as number)
    const arcs = arcStart[L] as number
    const fill = arcStart.slice(0, L)
    const arcRight = new Int32Array(arcs)
    const arcLeft = new Int32Array(arcs)
    const arcEdge = new Int32Array(arcs)
    const arcCost = new Float64Array(arcs)
    for (let e = 0; e < E; e++) {
      const v = edgeLeft[e] as number
      const r = edgeRight[e] as number
      if ((supply[v] as number) === 0 || (capacity[r] as number) === 0) continue
      const p = fill[v] as number
      fill[v] = p + 1
      arcRight[p] = L + r
      arcLeft[p] = v
      arcEdge[p] = e
      arcCost[p] = wMax - (edgeWeight[e] as number)
    }
    for (let v = 0; v < L; v++) sortGroup(arcStart[v] as number, arcStart[v + 1] as number, arcCost, arcRight, arcEdge, workspace)
    this.arcStart = arcStart
    this.arcRight = arcRight
    this.arcLeft = arcLeft
    this.arcEdge = arcEdge
    this.arcCost = arcCost
    this.flow = new Uint8Array(arcs)
    const slotStart = new Int32Array(R + 1)
    for (let r = 0; r < R; r++) slotStart[r + 1] = (slotStart[r] as number) + (capacity[r] as number)
    this.slotStart = slotStart
    this.slots = new Int32Array(slotStart[R] as number)
    this.used = new Int32Array(R)
    this.arcSlot = new Int32Array(arcs)
    // Potentials: π(right) = 0, π(left) = −(its cheapest cost), so every left node's best arc is tight.
    const pi = new Float64Array(L + R)
    for (let v = 0; v < L; v++) pi[v] = (arcStart[v] as number) < (arcStart[v + 1] as number) ? -(arcCost[arcStart[v] as number] as number) : 0
    this.pi = pi
  }

  /** Routes sources until `work` units are spent (checked between searches); true when all are routed. */
  run(work: number): boolean {
    let spent = 0
    while (this.source < this.L) {
      if (this.units < 0) this.units = Math.min(this.supply[this.source] as number, (this.arcStart[this.source + 1] as number) - (this.arcStart[this.source] as number))
      if (this.units === 0) {
        this.source++
        this.units = -1
        continue
      }
      if (spent >= work) return false
      this.units--
      // False: the source's own bypass was shortest, so this unit and (path costs never decrease)
      // the rest of its units stay empty.
      if (!this.search(this.source)) this.units = 0
      spent += this.lastWork
      this.totalWork += this.lastWork
    }
    return true
  }

  markChosen(chosen: Uint8Array): number {
    let count = 0
    for (let p = 0; p < this.flow.length; p++) {
      if (this.flow[p] === 1) {
        chosen[this.arcEdge[p] as number] = 1
        count++
      }
    }
    return count
  }

  /**
   * One shortest path from `source` to T, the potential update and the augmentation. Returns false
   * when the path is the source's own bypass (nothing changes but the potentials).
   */
  private search(source: number): boolean {
    const { L, wMax, arcStart, arcRight, arcLeft, arcCost, flow, slotStart, slots, used, capacity, pi } = this
    const { dist, predArc, scanned, touched, settled, heap } = this.ws
    // dT is T's label; predT the node it is reached from: a right node with room, or a left node
    // whose bypass is taken.
    let dT = Infinity
    let predT = -1
    let touchedCount = 1
    let settledCount = 0
    let work = 0
    touched[0] = source
    dist[source] = 0
    heap.push(0, source)
    while (heap.size > 0) {
      const d = heap.topKey()
      const v = heap.pop()
      work++
      if (scanned[v] === 1 || d > (dist[v] as number)) continue
      if (d >= dT) break // T settles first (ties included)
      scanned[v] = 1
      settled[settledCount++] = v
      if (v < L) {
        const base = d + (pi[v] as number)
        // Bypass v → T (the unit stays empty, or v gives up a place). It always has residual
        // capacity here: the source still has supply, any other left node reached holds a place.
        if (base + wMax < dT) {
          dT = base + wMax
          predT = v
        }
        // Arcs cheapest first; π(right) ≤ 0, so once base + cost reaches dT no later arc can help.
        const first = arcStart[v] as number
        const end = arcStart[v + 1] as number
        let p = first
        for (; p < end; p++) {
          const lower = base + (arcCost[p] as number)
          if (lower >= dT) break
          if (flow[p] === 1) continue
          const u = arcRight[p] as number
          const nd = lower - (pi[u] as number)
          const du = dist[u] as number
          if (nd < du && nd < dT) {
            if (du === Infinity) touched[touchedCount++] = u
            dist[u] = nd
            predArc[u] = p
            heap.push(nd, u)
          }
        }
        work += p - first
      } else {
        const r = v - L
        const base = d + (pi[v] as number)
        if ((used[r] as number) < (capacity[r] as number)) {
          // Room left: r → T. (Such nodes keep π = 0, so nothing beyond them is closer.)
          if (base < dT) {
            dT = base
            predT = v
          }
          continue
        }
        const first = slotStart[r] as number
        const end = first + (used[r] as number)
        for (let i = first; i < end; i++) {
          const p = slots[i] as number
          const t = arcLeft[p] as number
          const nd = base - (arcCost[p] as number) - (pi[t] as number)
          const dt = dist[t] as number
          if (nd < dt && nd < dT) {
            if (dt === Infinity) touched[touchedCount++] = t
            dist[t] = nd
            predArc[t] = p
            heap.push(nd, t)
          }
        }
        work += end - first
      }
    }
    heap.clear()
    this.lastWork = work

    // Potentials: π(v) += d(v) − d(T) for every node settled before T.
    for (let i = 0; i < settledCount; i++) {
      const v = settled[i] as number
      pi[v] = (pi[v] as number) + (dist[v] as number) - dT
    }
    for (let i = 0; i < touchedCount; i++) {
      const v = touched[i] as number
      dist[v] = Infinity
      scanned[v] = 0
    }
    if (predT === source) return false

    // Augment along the path, walking back from T.
    let v = predT
    if (v >= L) {
      const r = v - L
      const p = predArc[v] as number
      const slot = (slotStart[r] as number) + (used[r] as number)
      used[r] = (used[r] as number) + 1
      slots[slot] = p
      this.arcSlot[p] = slot
      flow[p] = 1
      v = arcLeft[p] as number
    }
    for (let steps = 0; v !== source; steps++) {
      if (steps > L + capacity.length) throw new Error('assignment: internal error (augmenting path does not end)')
      // v was reached from right node u backwards through its assigned arc `out`; u was reached
      // through `into`: u trades v for the previous node on the path.
      const out = predArc[v] as number
      const u = arcRight[out] as number
      const into = predArc[u] as number
      flow[out] = 0
      flow[into] = 1
      const slot = this.arcSlot[out] as number
      slots[slot] = into
      this.arcSlot[into] = slot
      v = arcLeft[into] as number
    }
    return true
  }
}

/**
 * Cost scaling: push-relabel with ε-scaling (Goldberg & Tarjan) and global price updates, on the
 * network of the header with students on the left. Costs are scaled by K = n + 1 (n = S + H + 1
 * nodes); after the refine with ε = 1 every residual arc has reduced cost ≥ −1/K > −1/n in original
 * units, so every residual cycle (at most n arcs, integer cost) costs ≥ 0: the flow is optimal.
 * solve() returns false, before doing anything wrong, if a price would leave the range in which
 * doubles are exact integers; the caller then uses successive shortest paths instead.
 */
class CostScaling {
  private readonly L: number
  private readonly R: number
  private readonly T: number // the sink's node id; left nodes 0..L-1, right nodes L..L+R-1
  private readonly supply: Int32Array
  private readonly capacity: Int32Array
  private readonly bypassCost: number // W·K
  private readonly maxCost: number
  // Left arcs (student → host), grouped by student in input order.
  private readonly arcStart: Int32Array
  private readonly arcRight: Int32Array // host index
  private readonly arcLeft: Int32Array
  private readonly arcEdge: Int32Array
  private readonly arcCost: Float64Array // (W − weight)·K
  private readonly flow: Uint8Array
  // Arcs into each host (all of them, for the global update) and its occupants (arcs with flow).
  private readonly inStart: Int32Array
  private readonly inArcs: Int32Array
  private readonly occupants: Int32Array // segment [inStart[r], inStart[r] + occupantCount[r])
  private readonly occupantCount: Int32Array
  private readonly occupantAt: Int32Array // arc → its index in `occupants`
  private readonly bypassFlow: Int32Array // per student: units left empty
  private readonly sinkFlow: Int32Array // per host: units on host → T
  private readonly price: Float64Array
  private readonly excess: Int32Array
  private readonly queue: Int32Array
  private readonly queued: Uint8Array
  // T's residual arcs (back to students with empty units, to hosts sending to T) by value, largest
  // first: keys are −(price + arc cost), stale ones are refreshed when they reach the top (prices
  // only ever decrease, so a stored key never understates its node).
  private readonly sinkArcs: MinHeap
  // Global update scratch: distances, settled flags, Dial's buckets as doubly linked lists.
  private readonly dist: Float64Array
  private readonly done: Uint8Array
  private readonly bucketHead: Int32Array
  private readonly bucketNext: Int32Array
  private readonly bucketPrev: Int32Array
  private bucketTop = 0
  private overflow = false
  private head = 0
  private tail = 0
  private relabels = 0
  work = 0

  constructor(S: number, H: number, placements: Int32Array, capacities: Int32Array, edgeStudent: Int32Array, edgeHost: Int32Array, edgeWeight: Float64Array, wMax: number) {
    const n = S + H + 1
    const K = n + 1
    this.L = S
    this.R = H
    this.T = S + H
    this.supply = placements
    this.capacity = capacities
    this.bypassCost = wMax * K
    this.maxCost = wMax * K
    const E = edgeStudent.length
    const arcStart = new Int32Array(S + 1)
    const inStart = new Int32Array(H + 1)
    for (let e = 0; e < E; e++) {
      const v = edgeStudent[e] as number
      const r = edgeHost[e] as number
      if ((placements[v] as number) === 0 || (capacities[r] as number) === 0) continue
      arcStart[v + 1] = (arcStart[v + 1] as number) + 1
      inStart[r + 1] = (inStart[r + 1] as number) + 1
    }
    for (let v = 0; v < S; v++) arcStart[v + 1] = (arcStart[v + 1] as number) + (arcStart[v] as number)
    for (let r = 0; r < H; r++) inStart[r + 1] = (inStart[r + 1] as number) + (inStart[r] as number)
    const arcs = arcStart[S] as number
    this.arcRight = new Int32Array(arcs)
    this.arcLeft = new Int32Array(arcs)
    this.arcEdge = new Int32Array(arcs)
    this.arcCost = new Float64Array(arcs)
    this.inArcs = new Int32Array(arcs)
    const fill = arcStart.slice(0, S)
    const inFill = inStart.slice(0, H)
    for (let e = 0; e < E; e++) {
      const v = edgeStudent[e] as number
      const r = edgeHost[e] as number
      if ((placements[v] as number) === 0 || (capacities[r] as number) === 0) continue
      const p = fill[v] as number
      fill[v] = p + 1
      this.arcRight[p] = r
      this.arcLeft[p] = v
      this.arcEdge[p] = e
      this.arcCost[p] = (wMax - (edgeWeight[e] as number)) * K
      const q = inFill[r] as number
      inFill[r] = q + 1
      this.inArcs[q] = p
    }
    this.arcStart = arcStart
    this.inStart = inStart
    this.flow = new Uint8Array(arcs)
    this.occupants = new Int32Array(arcs)
    this.occupantCount = new Int32Array(H)
    this.occupantAt = new Int32Array(arcs)
    this.bypassFlow = new Int32Array(S)
    this.sinkFlow = new Int32Array(H)
    this.price = new Float64Array(n)
    this.excess = new Int32Array(n)
    let total = 0
    for (let v = 0; v < S; v++) {
      this.excess[v] = placements[v] as number
      total += placements[v] as number
    }
    this.excess[this.T] = -total
    this.queue = new Int32Array(n + 1)
    this.queued = new Uint8Array(n)
    this.dist = new Float64Array(n)
    this.done = new Uint8Array(n)
    this.bucketHead = new Int32Array(n + 1).fill(-1)
    this.bucketNext = new Int32Array(n)
    this.bucketPrev = new Int32Array(n)
    this.sinkArcs = new MinHeap(n)
  }

  solve(): boolean {
    if (!(this.maxCost <= PRICE_LIMIT)) return false
    const n = this.T + 1
    // The empty flow with zero prices is 0-optimal (all costs are ≥ 0), so it is maxCost-optimal.
    let eps = this.maxCost
    while (eps > 1) {
      eps = Math.max(1, Math.floor(eps / SCALING_FACTOR))
      this.saturateNegativeArcs()
      if (!this.updatePrices(eps)) return false
      for (let a = 0; a < n; a++) if ((this.excess[a] as number) > 0) this.activate(a)
      while (this.head !== this.tail) {
        const a = this.queue[this.head] as number
        this.head = this.head === n ? 0 : this.head + 1
        this.queued[a] = 0
        const ok = a < this.L ? this.dischargeLeft(a, eps) : a < this.T ? this.dischargeRight(a - this.L, eps) : this.dischargeSink(eps)
        if (!ok) return false
        if (this.relabels > 2 * n) {
          this.relabels = 0
          if (!this.updatePrices(eps)) return false
        }
      }
    }
    return true
  }

  markChosen(chosen: Uint8Array): number {
    let count = 0
    for (let p = 0; p < this.flow.length; p++) {
      if (this.flow[p] === 1) {
        chosen[this.arcEdge[p] as number] = 1
        count++
      }
    }
    return count
  }

  /** Queues a node that has excess (and is not queued yet). */
  private activate(a: number): void {
    if (this.queued[a] === 1 || (this.excess[a] as number) <= 0) return
    this.queued[a] = 1
    this.queue[this.tail] = a
    this.tail = this.tail === this.T + 1 ? 0 : this.tail + 1
  }

  private addOccupant(r: number, p: number): void {
    const i = this.occupantCount[r] as number
    this.occupantCount[r] = i + 1
    this.occupants[(this.inStart[r] as number) + i] = p
    this.occupantAt[p] = i
  }

  private removeOccupant(r: number, p: number): void {
    const base = this.inStart[r] as number
    const last = (this.occupantCount[r] as number) - 1
    const i = this.occupantAt[p] as number
    const moved = this.occupants[base + last] as number
    this.occupants[base + i] = moved
    this.occupantAt[moved] = i
    this.occupantCount[r] = last
  }

  /** Student-host arc p: flow 0 → 1 (place) or 1 → 0 (evict), moving one unit of excess. */
  private setFlow(p: number, on: boolean): void {
    const v = this.arcLeft[p] as number
    const r = this.arcRight[p] as number
    const u = this.L + r
    if (on) {
      this.flow[p] = 1
      this.addOccupant(r, p)
      this.excess[v] = (this.excess[v] as number) - 1
      this.excess[u] = (this.excess[u] as number) + 1
    } else {
      this.flow[p] = 0
      this.removeOccupant(r, p)
      this.excess[u] = (this.excess[u] as number) - 1
      this.excess[v] = (this.excess[v] as number) + 1
    }
  }

  /** Start of a refine: saturate every residual arc with negative reduced cost (the pseudoflow becomes 0-optimal). */
  private saturateNegativeArcs(): void {
    const { L, T, price, arcStart, arcRight, arcCost, flow, supply, capacity, bypassFlow, sinkFlow, excess } = this
    const pT = price[T] as number
    for (let v = 0; v < L; v++) {
      const pv = price[v] as number
      for (let p = arcStart[v] as number, end = arcStart[v + 1] as number; p < end; p++) {
        const rc = (arcCost[p] as number) + pv - (price[L + (arcRight[p] as number)] as number)
        if (rc < 0 && flow[p] === 0) this.setFlow(p, true)
        else if (rc > 0 && flow[p] === 1) this.setFlow(p, false)
      }
      const rc = this.bypassCost + pv - pT
      const bf = bypassFlow[v] as number
      if (rc < 0 && bf < (supply[v] as number)) {
        const d = (supply[v] as number) - bf
        bypassFlow[v] = bf + d
        excess[v] = (excess[v] as number) - d
        excess[T] = (excess[T] as number) + d
      } else if (rc > 0 && bf > 0) {
        bypassFlow[v] = 0
        excess[v] = (excess[v] as number) + bf
        excess[T] = (excess[T] as number) - bf
      }
    }
    for (let r = 0; r < this.R; r++) {
      const u = L + r
      const rc = (price[u] as number) - pT
      const f = sinkFlow[r] as number
      if (rc < 0 && f < (capacity[r] as number)) {
        const d = (capacity[r] as number) - f
        sinkFlow[r] = f + d
        excess[u] = (excess[u] as number) - d
        excess[T] = (excess[T] as number) + d
      } else if (rc > 0 && f > 0) {
        sinkFlow[r] = 0
        excess[u] = (excess[u] as number) + f
        excess[T] = (excess[T] as number) - f
      }
    }
  }

  private setPrice(a: number, value: number): boolean {
    this.price[a] = value
    this.relabels++
    return Math.abs(value) <= PRICE_LIMIT
  }

  /** Pushes a student's excess along admissible arcs (reduced cost < 0), relabelling when none is left. */
  private dischargeLeft(v: number, eps: number): boolean {
    const { L, T, price, arcStart, arcRight, arcCost, flow, excess, supply, bypassFlow } = this
    while ((excess[v] as number) > 0) {
      const pv = price[v] as number
      let best = -Infinity
      let bestArc = -1 // −2: the bypass
      const first = arcStart[v] as number
      const end = arcStart[v + 1] as number
      this.work += end - first + 1
      for (let p = first; p < end; p++) {
        if (flow[p] === 1) continue
        const u = L + (arcRight[p] as number)
        const value = (price[u] as number) - (arcCost[p] as number) // admissible iff value > pv
        if (value > pv) {
          this.setFlow(p, true)
          this.activate(u)
          if ((excess[v] as number) === 0) return true
        } else if (value > best) {
          best = value
          bestArc = p
        }
      }
      const room = (supply[v] as number) - (bypassFlow[v] as number)
      if (room > 0) {
        const value = (price[T] as number) - this.bypassCost
        if (value > pv) {
          const d = Math.min(excess[v] as number, room)
          if ((bypassFlow[v] as number) === 0) this.sinkArcs.push(-(pv + this.bypassCost), v)
          bypassFlow[v] = (bypassFlow[v] as number) + d
          excess[v] = (excess[v] as number) - d
          excess[T] = (excess[T] as number) + d
          this.activate(T)
          if ((excess[v] as number) === 0) return true
        } else if (value > best) {
          best = value
          bestArc = -2
        }
      }
      if (best === -Infinity) throw new Error('assignment: internal error (a student has excess and no residual arc)')
      // Relabel: the best arc becomes admissible (reduced cost −ε), every other stays ≥ −ε; push on it.
      if (!this.setPrice(v, best - eps)) return false
      if (bestArc >= 0) {
        this.setFlow(bestArc, true)
        this.activate(L + (arcRight[bestArc] as number))
      } else {
        const d = Math.min(excess[v] as number, (supply[v] as number) - (bypassFlow[v] as number))
        if ((bypassFlow[v] as number) === 0) this.sinkArcs.push(-((price[v] as number) + this.bypassCost), v)
        bypassFlow[v] = (bypassFlow[v] as number) + d
        excess[v] = (excess[v] as number) - d
        excess[T] = (excess[T] as number) + d
        this.activate(T)
      }
    }
    return true
  }

  /** Pushes a host's excess to T (room left) or back to occupants (evicting them), relabelling when stuck. */
  private dischargeRight(r: number, eps: number): boolean {
    const { L, T, price, arcLeft, arcCost, occupants, occupantCount, inStart, excess, capacity, sinkFlow } = this
    const u = L + r
    while ((excess[u] as number) > 0) {
      const pu = price[u] as number
      let best = -Infinity
      let bestArc = -1 // −2: host → T
      const room = (capacity[r] as number) - (sinkFlow[r] as number)
      if (room > 0) {
        const value = price[T] as number
        if (value > pu) {
          const d = Math.min(excess[u] as number, room)
          if ((sinkFlow[r] as number) === 0) this.sinkArcs.push(-pu, u)
          sinkFlow[r] = (sinkFlow[r] as number) + d
          excess[u] = (excess[u] as number) - d
          excess[T] = (excess[T] as number) + d
          this.activate(T)
          if ((excess[u] as number) === 0) return true
        } else {
          best = value
          bestArc = -2
        }
      }
      const base = inStart[r] as number
      this.work += (occupantCount[r] as number) + 1
      // Backwards, so that evicting (swap with the last) never skips an occupant.
      for (let i = (occupantCount[r] as number) - 1; i >= 0; i--) {
        const p = occupants[base + i] as number
        const v = arcLeft[p] as number
        const value = (price[v] as number) + (arcCost[p] as number) // reverse arc admissible iff value > pu
        if (value > pu) {
          this.setFlow(p, false)
          this.activate(v)
          if ((excess[u] as number) === 0) return true
        } else if (value > best) {
          best = value
          bestArc = p
        }
      }
      if (best === -Infinity) throw new Error('assignment: internal error (a host has excess and no residual arc)')
      if (!this.setPrice(u, best - eps)) return false
      if (bestArc >= 0) {
        this.setFlow(bestArc, false)
        this.activate(arcLeft[bestArc] as number)
      } else {
        const d = Math.min(excess[u] as number, (capacity[r] as number) - (sinkFlow[r] as number))
        if ((sinkFlow[r] as number) === 0) this.sinkArcs.push(-(price[u] as number), u)
        sinkFlow[r] = (sinkFlow[r] as number) + d
        excess[u] = (excess[u] as number) - d
        excess[T] = (excess[T] as number) + d
        this.activate(T)
      }
    }
    return true
  }

  /** T with excess: send it back along the reverse of bypass or host → T flow, best arcs first. */
  private dischargeSink(eps: number): boolean {
    const { L, T, price, excess, bypassFlow, sinkFlow, sinkArcs } = this
    while ((excess[T] as number) > 0) {
      // The residual arc of largest value: drop entries whose arc has no flow left, refresh stale keys.
      let node = -1
      let value = 0
      while (sinkArcs.size > 0) {
        this.work++
        const a = sinkArcs.topNode()
        const flow = a < L ? (bypassFlow[a] as number) : (sinkFlow[a - L] as number)
        if (flow === 0) {
          sinkArcs.pop()
          continue
        }
        const current = a < L ? (price[a] as number) + this.bypassCost : (price[a] as number)
        if (-sinkArcs.topKey() !== current) {
          sinkArcs.pop()
          sinkArcs.push(-current, a)
          continue
        }
        node = a
        value = current
        break
      }
      if (node < 0) throw new Error('assignment: internal error (the sink has excess and no residual arc)')
      if (value > (price[T] as number)) {
        // Admissible (reduced cost < 0): push back.
        if (node < L) {
          const d = Math.min(excess[T] as number, bypassFlow[node] as number)
          bypassFlow[node] = (bypassFlow[node] as number) - d
          excess[T] = (excess[T] as number) - d
          excess[node] = (excess[node] as number) + d
        } else {
          const d = Math.min(excess[T] as number, sinkFlow[node - L] as number)
          sinkFlow[node - L] = (sinkFlow[node - L] as number) - d
          excess[T] = (excess[T] as number) - d
          excess[node] = (excess[node] as number) + d
        }
        this.activate(node)
      } else if (!this.setPrice(T, value - eps)) return false
    }
    return true
  }

  /**
   * Global price update: exact distances from every node to the nodes with a deficit, with arc
   * lengths floor(reduced cost / ε) + 1 ≥ 0 (backwards, Dial's buckets), then price −= ε · distance.
   * Arcs on the shortest-path trees become admissible and every residual arc keeps reduced cost
   * ≥ −ε. The search stops once every node with excess is reached, or at distance B = n; nodes not
   * reached move by that frontier, which keeps the bound (their distance is at least the frontier).
   */
  private updatePrices(eps: number): boolean {
    const { L, R, T, price, excess, arcStart, arcRight, arcLeft, arcCost, flow, inStart, inArcs, supply, capacity, bypassFlow, sinkFlow, dist, done, bucketHead } = this
    const n = T + 1
    const B = bucketHead.length
    dist.fill(Infinity)
    done.fill(0)
    this.bucketTop = 0
    this.overflow = false
    let active = 0
    for (let a = 0; a < n; a++) {
      const x = excess[a] as number
      if (x < 0) this.reach(a, 0)
      else if (x > 0) active++
    }
    let frontier = 0
    for (let d = 0; d < B && active > 0; d++) {
      while (active > 0) {
        const b = bucketHead[d] as number
        if (b < 0) break
        this.unlink(b, d)
        done[b] = 1
        frontier = d
        if ((excess[b] as number) > 0) active--
        const pb = price[b] as number
        if (b < L) {
          // Into a student: from hosts holding it (reverse arcs), and from T if some of it is empty.
          const first = arcStart[b] as number
          const end = arcStart[b + 1] as number
          this.work += end - first + 1
          for (let p = first; p < end; p++) {
            if (flow[p] === 0) continue
            const u = L + (arcRight[p] as number)
            if (done[u] === 0) this.reach(u, d + Math.floor((-(arcCost[p] as number) + (price[u] as number) - pb) / eps) + 1)
          }
          if ((bypassFlow[b] as number) > 0 && done[T] === 0) this.reach(T, d + Math.floor((-this.bypassCost + (price[T] as number) - pb) / eps) + 1)
        } else if (b < T) {
          // Into a host: from students not holding it, and from T if the host sends flow to T.
          const r = b - L
          const first = inStart[r] as number
          const end = inStart[r + 1] as number
          this.work += end - first + 1
          for (let i = first; i < end; i++) {
            const p = inArcs[i] as number
            if (flow[p] === 1) continue
            const v = arcLeft[p] as number
            if (done[v] === 0) this.reach(v, d + Math.floor(((arcCost[p] as number) + (price[v] as number) - pb) / eps) + 1)
          }
          if ((sinkFlow[r] as number) > 0 && done[T] === 0) this.reach(T, d + Math.floor(((price[T] as number) - pb) / eps) + 1)
        } else {
          // Into T: from students with room on the bypass, and hosts with room on host → T.
          this.work += L + R
          for (let v = 0; v < L; v++) {
            if ((bypassFlow[v] as number) < (supply[v] as number) && done[v] === 0) this.reach(v, d + Math.floor((this.bypassCost + (price[v] as number) - pb) / eps) + 1)
          }
          for (let r = 0; r < R; r++) {
            if ((sinkFlow[r] as number) < (capacity[r] as number) && done[L + r] === 0) this.reach(L + r, d + Math.floor(((price[L + r] as number) - pb) / eps) + 1)
          }
        }
      }
    }
    if (active > 0 && this.overflow) frontier = B
    bucketHead.fill(-1, 0, this.bucketTop + 1)
    let ok = true
    for (let a = 0; a < n; a++) {
      const value = (price[a] as number) - eps * (done[a] === 1 ? (dist[a] as number) : frontier)
      price[a] = value
      if (!(Math.abs(value) <= PRICE_LIMIT)) ok = false
    }
    this.relabels = 0
    // Every price moved: rebuild T's arcs.
    this.sinkArcs.clear()
    for (let v = 0; v < L; v++) if ((bypassFlow[v] as number) > 0) this.sinkArcs.push(-((price[v] as number) + this.bypassCost), v)
    for (let r = 0; r < R; r++) if ((sinkFlow[r] as number) > 0) this.sinkArcs.push(-(price[L + r] as number), L + r)
    return ok
  }

  /** Global update: a tentative distance for node a (moved to its bucket if it improves). */
  private reach(a: number, d: number): void {
    const old = this.dist[a] as number
    if (!(d < old)) return
    const B = this.bucketHead.length
    if (old < B) this.unlink(a, old)
    this.dist[a] = d
    if (d >= B) {
      this.overflow = true
      return
    }
    const head = this.bucketHead[d] as number
    this.bucketNext[a] = head
    this.bucketPrev[a] = -1
    if (head >= 0) this.bucketPrev[head] = a
    this.bucketHead[d] = a
    if (d > this.bucketTop) this.bucketTop = d
  }

  private unlink(a: number, d: number): void {
    const next = this.bucketNext[a] as number
    const prev = this.bucketPrev[a] as number
    if (prev >= 0) this.bucketNext[prev] = next
    else this.bucketHead[d] = next
    if (next >= 0) this.bucketPrev[next] = prev
  }
}

/** ε shrinks by this factor from one refine to the next. */
const SCALING_FACTOR = 16
/** Prices and scaled costs stay within ±2^50, so reduced costs (sums of three) are exact in doubles. */
const PRICE_LIMIT = 2 ** 50

/** Sorts arcs [from, to) by (cost, edge index), moving arcRight and arcEdge along. */
function sortGroup(from: number, to: number, arcCost: Float64Array, arcRight: Int32Array, arcEdge: Int32Array, ws: Workspace): void {
  const n = to - from
  if (n < 2) return
  if (n <= 24) {
    // Insertion sort; within a group edge indices ascend already, so the sort is stable by edge index.
    for (let i = from + 1; i < to; i++) {
      const c = arcCost[i] as number
      const r = arcRight[i] as number
      const e = arcEdge[i] as number
      let j = i - 1
      while (j >= from && (arcCost[j] as number) > c) {
        arcCost[j + 1] = arcCost[j] as number
        arcRight[j + 1] = arcRight[j] as number
        arcEdge[j + 1] = arcEdge[j] as number
        j--
      }
      arcCost[j + 1] = c
      arcRight[j + 1] = r
      arcEdge[j + 1] = e
    }
    return
  }
  ws.reserveSort(n)
  const { sortKeys: keys, sortPerm: perm, sortInts: ints } = ws
  let maxCost = 0
  for (let i = from; i < to; i++) if ((arcCost[i] as number) > maxCost) maxCost = arcCost[i] as number
  if ((maxCost + 1) * n <= Number.MAX_SAFE_INTEGER) {
    // (cost, position) packed into one exact double; the native numeric sort does the rest.
    const packed = keys.subarray(0, n)
    for (let i = 0; i < n; i++) packed[i] = (arcCost[from + i] as number) * n + i
    packed.sort()
    for (let i = 0; i < n; i++) perm[i] = (packed[i] as number) % n
  } else {
    const positions = Array.from({ length: n }, (_, i) => i)
    positions.sort((a, b) => (arcCost[from + a] as number) - (arcCost[from + b] as number) || a - b)
    for (let i = 0; i < n; i++) perm[i] = positions[i] as number
  }
  for (let i = 0; i < n; i++) keys[i] = arcCost[from + (perm[i] as number)] as number
  arcCost.set(keys.subarray(0, n), from)
  for (let i = 0; i < n; i++) ints[i] = arcRight[from + (perm[i] as number)] as number
  arcRight.set(ints.subarray(0, n), from)
  for (let i = 0; i < n; i++) ints[i] = arcEdge[from + (perm[i] as number)] as number
  arcEdge.set(ints.subarray(0, n), from)
}

/** Binary min-heap of (key, node), ordered by key then node index, so pops are fully determined. */
class MinHeap {
  private keys: Float64Array
  private nodes: Int32Array
  size = 0

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity)
    this.nodes = new Int32Array(capacity)
  }

  clear(): void {
    this.size = 0
  }

  topKey(): number {
    return this.keys[0] as number
  }

  topNode(): number {
    return this.nodes[0] as number
  }

  push(key: number, node: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(Math.max(16, 2 * this.size))
      const nodes = new Int32Array(keys.length)
      keys.set(this.keys)
      nodes.set(this.nodes)
      this.keys = keys
      this.nodes = nodes
    }
    const keys = this.keys
    const nodes = this.nodes
    let i = this.size++
    while (i > 0) {
      const parent = (i - 1) >> 1
      const pk = keys[parent] as number
      if (pk < key || (pk === key && (nodes[parent] as number) < node)) break
      keys[i] = pk
      nodes[i] = nodes[parent] as number
      i = parent
    }
    keys[i] = key
    nodes[i] = node
  }

  pop(): number {
    const keys = this.keys
    const nodes = this.nodes
    const top = nodes[0] as number
    const n = --this.size
    if (n === 0) return top
    const key = keys[n] as number
    const node = nodes[n] as number
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= n) break
      const right = child + 1
      if (right < n) {
        const ck = keys[child] as number
        const rk = keys[right] as number
        if (rk < ck || (rk === ck && (nodes[right] as number) < (nodes[child] as number))) child = right
      }
      const ck = keys[child] as number
      if (key < ck || (key === ck && node < (nodes[child] as number))) break
      keys[i] = ck
      nodes[i] = nodes[child] as number
      i = child
    }
    keys[i] = key
    nodes[i] = node
    return top
  }
}
