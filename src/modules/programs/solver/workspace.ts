// Scratch shared by the solver's algorithms: search state, arc sorting, and the flow read back as edges.
import { MinHeap } from './heap.js'

/** Search state of successive shortest paths, reset after every search, and scratch for sorting arcs. */
export class Workspace {
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

/** The usable edges (supply on the left, capacity on the right) as arcs grouped by their left node. */
export interface ForwardArcs {
  /** Left node v's arcs are [start[v], start[v + 1]), in edge order. */
  readonly start: Int32Array
  readonly left: Int32Array
  /** The right node, plus `rightOffset`. */
  readonly right: Int32Array
  readonly edge: Int32Array
  /** (wMax − weight) × `scale`: a cost to minimise, never negative. */
  readonly cost: Float64Array
}

/** A transportation problem: left node v supplies supply[v], right node r takes capacity[r], edge e joins edgeLeft[e] to edgeRight[e] with weight edgeWeight[e] ≤ wMax. */
export interface Transport {
  readonly supply: Int32Array
  readonly capacity: Int32Array
  readonly edgeLeft: Int32Array
  readonly edgeRight: Int32Array
  readonly edgeWeight: Float64Array
  readonly wMax: number
}

export function forwardArcs({ supply, capacity, edgeLeft, edgeRight, edgeWeight, wMax }: Transport, scale: number, rightOffset: number): ForwardArcs {
  const L = supply.length
  const E = edgeLeft.length
  const usable = (e: number) => (supply[edgeLeft[e] as number] as number) > 0 && (capacity[edgeRight[e] as number] as number) > 0
  const start = new Int32Array(L + 1)
  for (let e = 0; e < E; e++) {
    if (!usable(e)) continue
    const v = edgeLeft[e] as number
    start[v + 1] = (start[v + 1] as number) + 1
  }
  for (let v = 0; v < L; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number)
  const arcs = start[L] as number
  const fill = start.slice(0, L)
  const left = new Int32Array(arcs)
  const right = new Int32Array(arcs)
  const edge = new Int32Array(arcs)
  const cost = new Float64Array(arcs)
  for (let e = 0; e < E; e++) {
    if (!usable(e)) continue
    const v = edgeLeft[e] as number
    const p = fill[v] as number
    fill[v] = p + 1
    left[p] = v
    right[p] = rightOffset + (edgeRight[e] as number)
    edge[p] = e
    cost[p] = (wMax - (edgeWeight[e] as number)) * scale
  }
  return { start, left, right, edge, cost }
}

/** Sorts arcs [from, to) by (cost, edge index), moving arcRight and arcEdge along. */
export function sortGroup(from: number, to: number, arcCost: Float64Array, arcRight: Int32Array, arcEdge: Int32Array, ws: Workspace): void {
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


/** Marks the edges a flow uses (one unit on an edge's arc) in `chosen`; returns how many. */
export function markChosen(flow: ArrayLike<number>, arcEdge: ArrayLike<number>, chosen: Uint8Array): number {
  let count = 0
  for (let p = 0; p < flow.length; p++) {
    if (flow[p] === 1) {
      chosen[arcEdge[p] as number] = 1
      count++
    }
  }
  return count
}
