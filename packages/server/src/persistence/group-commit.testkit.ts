import { pino } from 'pino';
import { afterEach, beforeEach, vi } from 'vitest';
import { MemoryRoomStore } from '../storage/memory-store.js';
import type { RoomWrite } from '../storage/store.js';
import { GroupCommitter, type GroupCommitOptions } from './group-commit.js';

/**
 * Shared set-up of the group-commit tests, driven with fake timers: a scripted store records every
 * write, can hold a write open (gate), and can fail writes on demand, for every room or some.
 */

export const WINDOW_MS = 100;

export class ScriptedStore extends MemoryRoomStore {
  readonly calls: { writes: RoomWrite[]; at: number }[] = [];
  /** How many of the next writes fail. */
  failNext = 0;
  /** Writes that include any of these rooms fail. */
  readonly failingRooms = new Set<string>();
  /** While set, writes wait for it before they succeed or fail. */
  gate: Promise<void> | null = null;
  /** Fake time each write takes. */
  writeMs = 0;

  override async writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void> {
    this.calls.push({ writes: writes.map((w) => ({ ...w, updates: [...w.updates] })), at: Date.now() });
    if (this.writeMs > 0) await new Promise((r) => setTimeout(r, this.writeMs));
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('disk full');
    }
    if (writes.some((w) => this.failingRooms.has(w.roomId))) throw new Error('constraint violated');
    return super.writeRooms(writes, updatedAt);
  }
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Update number n: one recognisable byte. */
export const u = (n: number): Uint8Array => Uint8Array.of(n);

/** Each write of a call as `room:update,update`, e.g. `['r1:1,3', 'r2:2']`. */
export const numbers = (call: { writes: readonly RoomWrite[] }): string[] =>
  call.writes.map((w) => `${w.roomId}:${w.updates.map((update) => update[0]).join(',')}`);

export interface Harness {
  store: ScriptedStore;
  committed: Map<string, number>[];
  /** A committer on the scripted store; closed after the test. */
  committer(options?: Partial<GroupCommitOptions>): GroupCommitter;
  /** Queue update n for a room (in its current incarnation). */
  enqueue(c: GroupCommitter, roomId: string, n: number): void;
  incarnation(roomId: string): string;
  /** The update numbers logged for a room, in log order (the create-time update is 0). */
  logged(roomId: string): Promise<number[]>;
}

/** Registers before/after hooks; rooms r1, r2 and r3 exist in every test. */
export function useGroupCommitHarness(): Harness {
  const incarnations = new Map<string, string>();
  let committers: GroupCommitter[] = [];
  const harness: Harness = {
    store: new ScriptedStore(),
    committed: [],
    committer(options = {}) {
      const c = new GroupCommitter({
        store: harness.store,
        windowMs: WINDOW_MS,
        log: pino({ level: 'silent' }),
        maxRoomBacklogBytes: 1_000,
        maxBacklogBytes: 10_000,
        closeRetryMs: 1_000,
        onCommitted: (counts) => void harness.committed.push(new Map(counts)),
        ...options,
      });
      committers.push(c);
      return c;
    },
    enqueue: (c, roomId, n) => c.enqueueUpdate(roomId, harness.incarnation(roomId), u(n)),
    incarnation: (roomId) => incarnations.get(roomId) ?? 'unknown',
    async logged(roomId) {
      const doc = await harness.store.loadDocument(roomId);
      return (doc?.updates ?? []).map((bytes) => bytes[0]!);
    },
  };

  beforeEach(async () => {
    vi.useFakeTimers();
    harness.store = new ScriptedStore();
    harness.committed = [];
    committers = [];
    for (const id of ['r1', 'r2', 'r3']) {
      await harness.store.createRoom({ id, name: id, language: 'python', createdAt: 0, updatedAt: 0 }, u(0));
      incarnations.set(id, (await harness.store.loadDocument(id))!.incarnation);
    }
  });

  afterEach(async () => {
    harness.store.failNext = 0;
    harness.store.failingRooms.clear();
    harness.store.gate = null;
    harness.store.writeMs = 0;
    for (const c of committers) {
      const closing = c.close().catch(() => {});
      await vi.runAllTimersAsync();
      await closing;
    }
    vi.useRealTimers();
  });

  return harness;
}
