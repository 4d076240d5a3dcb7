import { describe, expect, it, vi } from 'vitest';
import { deferred, useGroupCommitHarness, WINDOW_MS } from './group-commit.testkit.js';

/**
 * whenStored: the barrier an instance waits on before it tells the others it has stored what it
 * published (scale-out). It must never resolve before the content queued ahead of it is stored.
 */

const h = useGroupCommitHarness();

function watch(promise: Promise<void>): { readonly done: boolean } {
  const state = { done: false };
  void promise.then(() => (state.done = true));
  return state;
}

describe('GroupCommitter.whenStored', () => {
  it('resolves at once when nothing is queued for the room', async () => {
    const c = h.committer();
    h.enqueue(c, 'r2', 1);
    const r1 = watch(c.whenStored('r1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(r1.done).toBe(true);
  });

  it('resolves only after the write holding what was queued before it', async () => {
    const c = h.committer();
    h.enqueue(c, 'r1', 1);
    const barrier = watch(c.whenStored('r1'));
    await vi.advanceTimersByTimeAsync(WINDOW_MS - 1);
    expect(barrier.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await h.logged('r1')).toEqual([0, 1]);
    expect(barrier.done).toBe(true);
  });

  it('waits for a write in flight even when nothing else is queued', async () => {
    const c = h.committer();
    const gate = deferred();
    h.store.gate = gate.promise;
    h.enqueue(c, 'r1', 1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS); // the write of [1] starts and hangs
    const barrier = watch(c.whenStored('r1'));
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 3);
    expect(barrier.done).toBe(false);
    gate.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(barrier.done).toBe(true);
  });

  it('does not resolve with a write in flight that misses content queued after it started', async () => {
    const c = h.committer();
    const gate = deferred();
    h.store.gate = gate.promise;
    h.enqueue(c, 'r1', 1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    h.enqueue(c, 'r1', 2);
    const barrier = watch(c.whenStored('r1'));
    gate.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(barrier.done).toBe(false);
    h.store.gate = null;
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(await h.logged('r1')).toEqual([0, 1, 2]);
    expect(barrier.done).toBe(true);
  });

  it('keeps waiting through failed writes and resolves once the retry stores the content', async () => {
    const c = h.committer();
    h.store.failNext = 2;
    h.enqueue(c, 'r1', 1);
    const barrier = watch(c.whenStored('r1'));
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 3);
    expect(barrier.done).toBe(false);
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 8);
    expect(await h.logged('r1')).toEqual([0, 1]);
    expect(barrier.done).toBe(true);
  });

  it('never resolves for a room whose queue was discarded (deleted): nothing of it was stored', async () => {
    const c = h.committer();
    h.enqueue(c, 'r1', 1);
    const barrier = watch(c.whenStored('r1'));
    c.discard('r1');
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 5);
    expect(barrier.done).toBe(false);
  });
});
