/** Binary min-heap of (key, node), ordered by key then node index, so pops are fully determined. */
export class MinHeap {
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
