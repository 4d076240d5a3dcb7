import { MemoryRoomStore, type RoomWrite } from '../../src/storage/index.js';

/** A finished `writeRooms`: which rooms it stored and when (performance.now()). */
export interface FinishedWrite {
  readonly roomIds: readonly string[];
  readonly at: number;
}

/**
 * The memory store with writes slowed on purpose: each takes `delayMs`, and while `hold()` is on
 * writes wait until it is released. Reads stay fast. Records when each write started and finished,
 * so a test can tell whether something happened before or after the edits were stored.
 */
export class SlowedStore extends MemoryRoomStore {
  readonly started: { roomIds: readonly string[]; at: number }[] = [];
  readonly finished: FinishedWrite[] = [];
  private held: { promise: Promise<void>; release: () => void } | null = null;

  constructor(private readonly delayMs = 0) {
    super();
  }

  /** Writes from now on wait (after their delay) until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    const held = { promise, release };
    this.held = held;
    return () => {
      if (this.held === held) this.held = null;
      held.release();
    };
  }

  override async writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void> {
    const roomIds = writes.map((write) => write.roomId);
    this.started.push({ roomIds, at: performance.now() });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    while (this.held) await this.held.promise;
    await super.writeRooms(writes, updatedAt);
    this.finished.push({ roomIds, at: performance.now() });
  }
}
