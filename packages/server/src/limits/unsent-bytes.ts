/** A connection as the budget sees it: how much it has not sent yet, and a way to send it away. */
export interface BufferedSink {
  /** Bytes accepted for sending that have not reached the operating system yet. */
  readonly bufferedAmount: number;
  /** Told to go away because the server holds too many unsent bytes; it stops counting at once. */
  shed(): void;
}

/**
 * A cap on the bytes waiting to be sent across all connections: one slow reader is already capped
 * per socket, but many at once (a big room's initial sync to hundreds of stalled clients) could still
 * exhaust memory. Past the cap, the connections with the most unsent bytes are shed until the total
 * is back under it: they are the ones least likely to catch up, and each frees the most.
 *
 * Summing every socket on every send would cost O(connections) per message. Instead each sink's
 * count is refreshed when something is sent to it (the only moment its buffer grows), which keeps
 * `total` an upper bound: buffers only shrink in between. Only when that bound passes the cap are
 * all sinks read again, exactly, and the result decides.
 */
export class UnsentBytesBudget {
  private readonly counted = new Map<BufferedSink, number>();
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  add(sink: BufferedSink): void {
    if (this.counted.has(sink)) return;
    const bytes = sink.bufferedAmount;
    this.counted.set(sink, bytes);
    this.total += bytes;
  }

  remove(sink: BufferedSink): void {
    const bytes = this.counted.get(sink);
    if (bytes === undefined) return;
    this.counted.delete(sink);
    this.total -= bytes;
  }

  /** Call after queueing a message on `sink`. */
  noteSent(sink: BufferedSink): void {
    const before = this.counted.get(sink);
    if (before === undefined) return;
    const now = sink.bufferedAmount;
    this.counted.set(sink, now);
    this.total += now - before;
    if (this.total > this.maxBytes) this.enforce();
  }

  /** The upper bound on unsent bytes the budget currently holds (exact right after a recount). */
  get unsentBytes(): number {
    return this.total;
  }

  private enforce(): void {
    this.recount();
    if (this.total <= this.maxBytes) return;
    const largestFirst = [...this.counted].sort((a, b) => b[1] - a[1]);
    for (const [sink] of largestFirst) {
      if (this.total <= this.maxBytes) return;
      this.remove(sink);
      sink.shed();
    }
  }

  private recount(): void {
    this.total = 0;
    for (const sink of this.counted.keys()) {
      const bytes = sink.bufferedAmount;
      this.counted.set(sink, bytes);
      this.total += bytes;
    }
  }
}
