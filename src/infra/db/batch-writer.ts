// Writes that need not hold up the request they come from (audit events, stored idempotent
// responses): gathered for at most `flushMs`, or until `maxItems` wait, then written by one call for
// every school at once. One statement per interval instead of one per request is what makes them
// cheap: measured, a statement of its own per request cost 16-33 % of a route's throughput. A crash
// of the process in the interval loses what is gathered; callers say what that means for them.
export interface BatchWriterOptions<T> {
  flushMs: number
  maxItems: number
  write(items: T[]): Promise<void>
  /** A write that failed: the items are dropped (the caller logs why). */
  failed(error: unknown, items: T[]): void
}

export class BatchWriter<T> {
  #pending: T[] = []
  #timer: NodeJS.Timeout | null = null
  readonly #options: BatchWriterOptions<T>

  constructor(options: BatchWriterOptions<T>) {
    this.#options = options
  }

  add(item: T): void {
    this.#pending.push(item)
    if (this.#pending.length >= this.#options.maxItems) void this.flush()
    else this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushMs)
  }

  /** Writes what is gathered now (also on close). */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    const items = this.#pending
    this.#pending = []
    if (!items.length) return
    try {
      await this.#options.write(items)
    } catch (error) {
      this.#options.failed(error, items)
    }
  }
}
