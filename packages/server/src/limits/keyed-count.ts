/**
 * How many things (open connections) each key (a client address) holds at once, capped at `max`.
 * Keys holding nothing are forgotten at once, so memory follows what is open.
 */
export class KeyedCount {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts one more for `key` if it holds fewer than `max`; false (nothing counted) otherwise. */
  tryAcquire(key: string): boolean {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.max) return false;
    this.counts.set(key, count + 1);
    return true;
  }

  /** Gives back one that `tryAcquire` counted. */
  release(key: string): void {
    const count = this.counts.get(key) ?? 0;
    if (count <= 1) this.counts.delete(key);
    else this.counts.set(key, count - 1);
  }

  held(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** How many keys hold something. */
  get size(): number {
    return this.counts.size;
  }
}
