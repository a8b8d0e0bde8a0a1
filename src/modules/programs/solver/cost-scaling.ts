// Cost scaling (index.ts explains the method and why it is exact).
import { MinHeap } from './heap.js'
import { forwardArcs, markChosen } from './workspace.js'

/**
 * Cost scaling: push-relabel with ε-scaling (Goldberg & Tarjan) and global price updates, on the
 * network of the header with students on the left. Costs are scaled by K = n + 1 (n = S + H + 1
 * nodes); after the refine with ε = 1 every residual arc has reduced cost ≥ −1/K > −1/n in original
 * units, so every residual cycle (at most n arcs, integer cost) costs ≥ 0: the flow is optimal.
 * solve() returns false, before doing anything wrong, if a price would leave the range in which
 * doubles are exact integers; the caller then uses successive shortest paths instead.
 */
export class CostScaling {
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
    const arcs = forwardArcs({ supply: placements, capacity: capacities, edgeLeft: edgeStudent, edgeRight: edgeHost, edgeWeight, wMax }, K, 0)
    const arcCount = arcs.edge.length
    // The same arcs grouped by host: host r's are inArcs[inStart[r], inStart[r + 1]).
    const inStart = new Int32Array(H + 1)
    for (let p = 0; p < arcCount; p++) {
      const r = arcs.right[p] as number
      inStart[r + 1] = (inStart[r + 1] as number) + 1
    }
    for (let r = 0; r < H; r++) inStart[r + 1] = (inStart[r + 1] as number) + (inStart[r] as number)
    this.inArcs = new Int32Array(arcCount)
    const inFill = inStart.slice(0, H)
    for (let p = 0; p < arcCount; p++) {
      const r = arcs.right[p] as number
      const q = inFill[r] as number
      inFill[r] = q + 1
      this.inArcs[q] = p
    }
    this.arcRight = arcs.right
    this.arcLeft = arcs.left
    this.arcEdge = arcs.edge
    this.arcCost = arcs.cost
    const arcStart = arcs.start
    this.arcStart = arcStart
    this.inStart = inStart
    this.flow = new Uint8Array(arcCount)
    this.occupants = new Int32Array(arcCount)
    this.occupantCount = new Int32Array(H)
    this.occupantAt = new Int32Array(arcCount)
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
    return markChosen(this.flow, this.arcEdge, chosen)
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
    const { L, T, price, arcStart, arcRight, arcCost, flow, supply, capacity, bypassFlow, sinkFlow } = this
    const pT = price[T] as number
    for (let v = 0; v < L; v++) {
      const pv = price[v] as number
      for (let p = arcStart[v] as number, end = arcStart[v + 1] as number; p < end; p++) {
        const rc = (arcCost[p] as number) + pv - (price[L + (arcRight[p] as number)] as number)
        if (rc < 0 && flow[p] === 0) this.setFlow(p, true)
        else if (rc > 0 && flow[p] === 1) this.setFlow(p, false)
      }
      this.settleSinkArc(bypassFlow, v, v, supply[v] as number, this.bypassCost + pv - pT)
    }
    for (let r = 0; r < this.R; r++) this.settleSinkArc(sinkFlow, r, L + r, capacity[r] as number, (price[L + r] as number) - pT)
  }

  /** An arc into T from `node` (its flow arcFlow[i], its room `room`): filled when its reduced cost is negative, emptied when positive. */
  private settleSinkArc(arcFlow: Int32Array, i: number, node: number, room: number, reducedCost: number): void {
    const f = arcFlow[i] as number
    const d = reducedCost < 0 ? room - f : reducedCost > 0 ? -f : 0
    if (d === 0) return
    arcFlow[i] = f + d
    this.excess[node] = (this.excess[node] as number) - d
    this.excess[this.T] = (this.excess[this.T] as number) + d
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

