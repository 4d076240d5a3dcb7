import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRoomStore } from '../storage/memory-store.js';
import type { PendingUpdate } from '../storage/store.js';
import { GroupCommitter, type GroupCommitOptions } from './group-commit.js';

/**
 * The write-behind buffer between rooms and storage, driven with fake timers. A scripted store
 * records every appendUpdates call, can hold a write open (gate) and can fail writes on demand.
 */

const WINDOW_MS = 100;
const log = pino({ level: 'silent' });

class ScriptedStore extends MemoryRoomStore {
  readonly calls: { batch: PendingUpdate[]; at: number }[] = [];
  /** How many of the next writes fail. */
  failNext = 0;
  /** While set, writes wait for it before they succeed or fail. */
  gate: Promise<void> | null = null;
  /** Fake time each write takes. */
  writeMs = 0;

  override async appendUpdates(batch: readonly PendingUpdate[], updatedAt: number): Promise<void> {
    this.calls.push({ batch: batch.map((p) => ({ ...p })), at: Date.now() });
    if (this.writeMs > 0) await new Promise((r) => setTimeout(r, this.writeMs));
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('disk full');
    }
    return super.appendUpdates(batch, updatedAt);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Update number n: one recognisable byte. */
const u = (n: number): Uint8Array => Uint8Array.of(n);

let store: ScriptedStore;
let committers: GroupCommitter[];
let committed: Map<string, number>[];

function committer(options: Partial<GroupCommitOptions> = {}): GroupCommitter {
  const c = new GroupCommitter({
    store,
    windowMs: WINDOW_MS,
    log,
    onCommitted: (counts) => void committed.push(new Map(counts)),
    ...options,
  });
  committers.push(c);
  return c;
}

/** The update numbers logged for a room, in log order (the create-time update is 0). */
async function logged(roomId: string): Promise<number[]> {
  const doc = await store.loadDocument(roomId);
  return (doc?.updates ?? []).map((bytes) => bytes[0]!);
}

const numbers = (batch: readonly PendingUpdate[]): string[] => batch.map((p) => `${p.roomId}:${p.update[0]}`);

beforeEach(async () => {
  vi.useFakeTimers();
  store = new ScriptedStore();
  committers = [];
  committed = [];
  for (const id of ['r1', 'r2']) {
    await store.createRoom({ id, name: id, language: 'python', createdAt: 0, updatedAt: 0 }, u(0));
  }
});

afterEach(async () => {
  store.failNext = 0;
  store.gate = null;
  store.writeMs = 0;
  for (const c of committers) {
    const closing = c.close().catch(() => {});
    await vi.runAllTimersAsync();
    await closing;
  }
  vi.useRealTimers();
});

describe('GroupCommitter', () => {
  it('batches everything accepted within one window into a single appendUpdates call, in order', async () => {
    const c = committer();
    c.enqueue('r1', u(1));
    await vi.advanceTimersByTimeAsync(30);
    c.enqueue('r2', u(2));
    c.enqueue('r1', u(3));
    await vi.advanceTimersByTimeAsync(WINDOW_MS - 31);
    expect(store.calls).toHaveLength(0);
    expect(c.pendingCount).toBe(3);

    await vi.advanceTimersByTimeAsync(1);
    expect(store.calls).toHaveLength(1);
    expect(numbers(store.calls[0]!.batch)).toEqual(['r1:1', 'r2:2', 'r1:3']);
    expect(c.pendingCount).toBe(0);
    expect(await logged('r1')).toEqual([0, 1, 3]);
    expect(await logged('r2')).toEqual([0, 2]);
  });

  it('keeps the accepted order across windows', async () => {
    const c = committer();
    for (let n = 1; n <= 30; n++) {
      c.enqueue('r1', u(n));
      await vi.advanceTimersByTimeAsync(17);
    }
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(store.calls.length).toBeGreaterThan(2);
    expect(await logged('r1')).toEqual([0, ...Array.from({ length: 30 }, (_, i) => i + 1)]);
  });

  it('flush() writes what is queued at once, and does nothing when the queue is empty', async () => {
    const c = committer();
    await c.flush();
    expect(store.calls).toHaveLength(0);
    c.enqueue('r1', u(1));
    await c.flush();
    expect(store.calls).toHaveLength(1);
    expect(await logged('r1')).toEqual([0, 1]);
    // The window timer was cancelled with the flush: nothing more is written later.
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 3);
    expect(store.calls).toHaveLength(1);
  });

  it('flush() waits for a write already in flight, then writes what came after it', async () => {
    const c = committer();
    const gate = deferred();
    store.gate = gate.promise;
    c.enqueue('r1', u(1));
    await vi.advanceTimersByTimeAsync(WINDOW_MS); // background write of [1] starts and hangs
    expect(store.calls).toHaveLength(1);
    c.enqueue('r1', u(2));

    let flushed = false;
    const flushing = c.flush().then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 5);
    expect(flushed).toBe(false);
    expect(store.calls).toHaveLength(1);

    store.gate = null;
    gate.resolve();
    await flushing;
    expect(numbers(store.calls[1]!.batch)).toEqual(['r1:2']);
    expect(await logged('r1')).toEqual([0, 1, 2]);
  });

  it('updates that arrive during a write get a window of their own', async () => {
    const c = committer();
    store.writeMs = 40;
    c.enqueue('r1', u(1));
    await vi.advanceTimersByTimeAsync(WINDOW_MS + 10); // write of [1] in progress
    c.enqueue('r1', u(2));
    await vi.advanceTimersByTimeAsync(30); // write of [1] done
    expect(store.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS + 40);
    expect(store.calls).toHaveLength(2);
    expect(await logged('r1')).toEqual([0, 1, 2]);
  });

  it('a failed write keeps its batch and retries with back-off; nothing is lost and order is kept', async () => {
    const c = committer();
    store.failNext = 2;
    c.enqueue('r1', u(1));
    c.enqueue('r2', u(2));
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(store.calls).toHaveLength(1); // failed
    expect(c.pendingCount).toBe(2);
    c.enqueue('r1', u(3)); // arrives between attempts

    // Second attempt after 2 windows, third after 4 more.
    await vi.advanceTimersByTimeAsync(2 * WINDOW_MS - 1);
    expect(store.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.calls).toHaveLength(2); // failed again
    await vi.advanceTimersByTimeAsync(4 * WINDOW_MS - 1);
    expect(store.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.calls).toHaveLength(3); // succeeded

    expect(numbers(store.calls[2]!.batch)).toEqual(['r1:1', 'r2:2', 'r1:3']);
    expect(await logged('r1')).toEqual([0, 1, 3]);
    expect(await logged('r2')).toEqual([0, 2]);
    expect(c.pendingCount).toBe(0);
    // onCommitted only for the write that succeeded.
    expect(committed).toEqual([new Map([['r1', 2], ['r2', 1]])]);

    // Back-off resets after a success: the next batch goes out one window after it arrives.
    c.enqueue('r1', u(4));
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(store.calls).toHaveLength(4);
  });

  it('back-off is capped at 5 s while the store stays down', async () => {
    const c = committer();
    store.failNext = 12;
    c.enqueue('r1', u(1));
    await vi.advanceTimersByTimeAsync(60_000);
    const gaps = store.calls.slice(1).map((call, i) => call.at - store.calls[i]!.at);
    expect(gaps.slice(0, 5)).toEqual([200, 400, 800, 1600, 3200]);
    expect(Math.max(...gaps)).toBe(5_000);
    expect(await logged('r1')).toEqual([0, 1]);
  });

  // Regression (fixed): the back-off is bypassed whenever an update arrives while a write is in flight. commit()
  // clears the timer before writing; enqueue() then arms a fresh one-window timer; when the write
  // fails, commitInBackground's `this.timer ??= setTimeout(..., retryDelayMs)` keeps that window
  // timer. With users typing during a store outage every write sees such an update, so the
  // committer retries (and logs an error) once per window forever instead of backing off.
  it('retries keep backing off while the store is down even when updates keep arriving during writes', async () => {
    const c = committer();
    store.failNext = Number.POSITIVE_INFINITY;
    store.writeMs = 30; // a failing store answers slowly, so typing lands during every write
    for (let t = 0; t < 3_000; t += 20) {
      c.enqueue('r1', u(t % 250));
      await vi.advanceTimersByTimeAsync(20);
    }
    // With back-off (100 -> 200 -> 400 -> 800 -> 1,600 ms) about 5 attempts fit in 3 s; one per window would be ~25.
    expect(store.calls.length).toBeLessThanOrEqual(8);
  });

  it('flush() rejects when the store fails, and the updates stay queued for the next try', async () => {
    const c = committer();
    store.failNext = 1;
    c.enqueue('r1', u(1));
    await expect(c.flush()).rejects.toThrow('disk full');
    expect(c.pendingCount).toBe(1);
    await c.flush();
    expect(await logged('r1')).toEqual([0, 1]);
  });

  it('close() flushes everything queued, leaves no timer behind, and refuses later updates', async () => {
    const timersBefore = vi.getTimerCount();
    const c = committer();
    c.enqueue('r1', u(1));
    c.enqueue('r2', u(2));
    await c.close();
    expect(await logged('r1')).toEqual([0, 1]);
    expect(await logged('r2')).toEqual([0, 2]);
    expect(vi.getTimerCount()).toBe(timersBefore);
    expect(() => c.enqueue('r1', u(3))).toThrow(/closed/);
  });

  it('close() waits for a write in flight', async () => {
    const c = committer();
    const gate = deferred();
    store.gate = gate.promise;
    c.enqueue('r1', u(1));
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    c.enqueue('r1', u(2));
    let closed = false;
    const closing = c.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(closed).toBe(false);
    store.gate = null;
    gate.resolve();
    await closing;
    expect(await logged('r1')).toEqual([0, 1, 2]);
  });

  it('onCommitted reports the number of updates per room of each successful write', async () => {
    const c = committer();
    c.enqueue('r1', u(1));
    c.enqueue('r2', u(2));
    c.enqueue('r1', u(3));
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    c.enqueue('r2', u(4));
    await c.flush();
    expect(committed).toEqual([new Map([['r1', 2], ['r2', 1]]), new Map([['r2', 1]])]);
  });

  it('stamps writes with the injected clock', async () => {
    const c = committer({ now: () => 1_234_567 });
    c.enqueue('r1', u(1));
    await c.flush();
    expect((await store.getRoom('r1'))?.updatedAt).toBe(1_234_567);
  });
});
