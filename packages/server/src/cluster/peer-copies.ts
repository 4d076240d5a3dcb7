/**
 * Edits heard from other instances that their sender has not confirmed storing yet.
 *
 * Each instance stores only the edits it accepted (room-link.ts). An instance killed before its
 * group commit ran leaves those edits only with its peers (which applied them from the bus) and its
 * clients; a reconnecting client resends them, but a peer already holding them changes nothing, so
 * nothing would store them. Hence every copy waits here for the sender's confirmation ("stored
 * through my n-th publish") and is stored by this instance if none comes in time, or when the room
 * leaves memory first. A copy stored twice is harmless: applying a Yjs update again changes nothing,
 * and compaction drops the duplicate.
 */

interface HeldCopy {
  readonly update: Uint8Array;
  readonly heldAt: number;
}

export interface PeerCopiesOptions {
  /** How long a copy waits for its sender's confirmation before this instance stores it. */
  timeoutMs: number;
  /** Store these updates as this instance's own writes (never publishing them again). */
  store(updates: Uint8Array[]): void;
  now?: () => number;
}

export class PeerCopies {
  /** Copies by sending instance, oldest first: the order that sender published them in. */
  private readonly bySender = new Map<string, HeldCopy[]>();
  private timer: NodeJS.Timeout | null = null;
  private emptyWaiters: (() => void)[] = [];

  constructor(private readonly options: PeerCopiesOptions) {}

  /** Copies waiting for a confirmation, across senders. */
  get size(): number {
    let size = 0;
    for (const copies of this.bySender.values()) size += copies.length;
    return size;
  }

  /** Resolves once no copy is held (each confirmed by its sender, or stored here); at once when none is. */
  whenEmpty(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptyWaiters.push(resolve));
  }

  hold(sender: string, update: Uint8Array): void {
    let copies = this.bySender.get(sender);
    if (!copies) {
      copies = [];
      this.bySender.set(sender, copies);
    }
    copies.push({ update, heldAt: this.now() });
    this.arm(this.options.timeoutMs);
  }

  /**
   * The sender has published `published` updates to the room so far and stored the first `through`
   * of them. Its publications arrive in order, so the copies it has not stored are the last
   * `published - through` held (fewer if this instance joined late).
   */
  confirmed(sender: string, published: number, through: number): void {
    const copies = this.bySender.get(sender);
    if (!copies) return;
    const unstored = Math.max(0, published - through);
    copies.splice(0, Math.max(0, copies.length - unstored));
    if (copies.length === 0) this.bySender.delete(sender);
    this.settle();
  }

  /** Stores every copy still held (the room leaves memory, or the bus lost messages). Returns how many. */
  storeAll(): number {
    const updates = [...this.bySender.values()].flatMap((copies) => copies.map((copy) => copy.update));
    this.bySender.clear();
    this.disarm();
    if (updates.length > 0) this.options.store(updates);
    this.settle();
    return updates.length;
  }

  /** Forgets every copy without storing it (the room was deleted). */
  close(): void {
    this.bySender.clear();
    this.disarm();
    this.settle();
  }

  /** Stores the copies that waited longer than the timeout, then waits for the next to come due. */
  private storeOverdue(): void {
    this.timer = null;
    const now = this.now();
    const overdue: Uint8Array[] = [];
    let nextDue = Number.POSITIVE_INFINITY;
    for (const [sender, copies] of this.bySender) {
      const lastOverdue = copies.findLastIndex((copy) => now - copy.heldAt >= this.options.timeoutMs);
      overdue.push(...copies.splice(0, lastOverdue + 1).map((copy) => copy.update));
      const oldest = copies[0];
      if (oldest) nextDue = Math.min(nextDue, oldest.heldAt + this.options.timeoutMs);
      else this.bySender.delete(sender);
    }
    if (overdue.length > 0) this.options.store(overdue);
    this.settle();
    if (nextDue !== Number.POSITIVE_INFINITY) this.arm(Math.max(0, nextDue - now));
  }

  private settle(): void {
    if (this.size > 0) return;
    const waiters = this.emptyWaiters;
    this.emptyWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private arm(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.storeOverdue(), delayMs);
    // Never keeps the process alive: on shutdown the room unloads and stores what is held.
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}
