// Successive shortest paths (index.ts explains the method and why it is exact).
import { forwardArcs, markChosen, sortGroup, type Workspace } from './workspace.js'

/**
 * Successive shortest paths with one side as the sources ("left", one search per unit of supply)
 * and the other as the terminals ("right"). Nodes: left 0..L-1, right L..L+R-1, plus the sink T.
 * Resumable: run(work) does searches until the work budget is spent or every source is routed.
 */
export class Direction {
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
    this.L = L
    this.supply = supply
    this.capacity = capacity
    this.wMax = wMax
    this.ws = workspace
    const { start: arcStart, right: arcRight, left: arcLeft, edge: arcEdge, cost: arcCost } = forwardArcs({ supply, capacity, edgeLeft, edgeRight, edgeWeight, wMax }, 1, L)
    const arcs = arcStart[L] as number
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
    return markChosen(this.flow, this.arcEdge, chosen)
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

