import { describe, expect, it, vi } from 'vitest';
import { deferred, numbers, u, useGroupCommitHarness, WINDOW_MS } from './group-commit.testkit.js';

/** The write-behind buffer between rooms and storage: batching, order, flush and close while storage works. */

const h = useGroupCommitHarness();

describe('GroupCommitter', () => {
  it('batches everything accepted within one window into a single write, in order per room', async () => {
    const c = h.committer();
    h.enqueue(c, 'r1', 1);
    await vi.advanceTimersByTimeAsync(30);
    h.enqueue(c, 'r2', 2);
    h.enqueue(c, 'r1', 3);
    await vi.advanceTimersByTimeAsync(WINDOW_MS - 31);
    expect(h.store.calls).toHaveLength(0);
    expect(c.pendingCount).toBe(3);

    await vi.advanceTimersByTimeAsync(1);
    expect(h.store.calls).toHaveLength(1);
    expect(numbers(h.store.calls[0]!)).toEqual(['r1:1,3', 'r2:2']);
    expect(c.pendingCount).toBe(0);
    expect(await h.logged('r1')).toEqual([0, 1, 3]);
    expect(await h.logged('r2')).toEqual([0, 2]);
  });

  it('keeps the accepted order across windows', async () => {
    const c = h.committer();
    for (let n = 1; n <= 30; n++) {
      h.enqueue(c, 'r1', n);
      await vi.advanceTimersByTimeAsync(17);
    }
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(h.store.calls.length).toBeGreaterThan(2);
    expect(await h.logged('r1')).toEqual([0, ...Array.from({ length: 30 }, (_, i) => i + 1)]);
  });

  it('once quiet, forgets the rooms it wrote within two sweep periods and leaves no timer behind', async () => {
    const c = h.committer();
    h.enqueue(c, 'r1', 1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(h.store.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);

    await vi.advanceTimersByTimeAsync(20_000);
    expect(vi.getTimerCount()).toBe(0);
    h.enqueue(c, 'r1', 2);
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(await h.logged('r1')).toEqual([0, 1, 2]);
  });

  it('flush() writes what is queued at once, and does nothing when the queue is empty', async () => {
    const c = h.committer();
    await c.flush();
    expect(h.store.calls).toHaveLength(0);
    h.enqueue(c, 'r1', 1);
    await c.flush();
    expect(h.store.calls).toHaveLength(1);
    expect(await h.logged('r1')).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 3);
    expect(h.store.calls).toHaveLength(1);
  });

  it('flush() waits for a write already in flight, then writes what came after it', async () => {
    const c = h.committer();
    const gate = deferred();
    h.store.gate = gate.promise;
    h.enqueue(c, 'r1', 1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS); // background write of [1] starts and hangs
    expect(h.store.calls).toHaveLength(1);
    h.enqueue(c, 'r1', 2);

    let flushed = false;
    const flushing = c.flush().then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(WINDOW_MS * 5);
    expect(flushed).toBe(false);
    expect(h.store.calls).toHaveLength(1);

    h.store.gate = null;
    gate.resolve();
    await flushing;
    expect(numbers(h.store.calls[1]!)).toEqual(['r1:2']);
    expect(await h.logged('r1')).toEqual([0, 1, 2]);
  });

  it('flushRoom() writes only that room, after any write in flight', async () => {
    const c = h.committer();
    h.enqueue(c, 'r1', 1);
    h.enqueue(c, 'r2', 2);
    await c.flushRoom('r1');
    expect(numbers(h.store.calls[0]!)).toEqual(['r1:1']);
    expect(c.pendingCount).toBe(1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(await h.logged('r2')).toEqual([0, 2]);
  });

  it('updates that arrive during a write get a window of their own', async () => {
    const c = h.committer();
    h.store.writeMs = 40;
    h.enqueue(c, 'r1', 1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS + 10); // write of [1] in progress
    h.enqueue(c, 'r1', 2);
    await vi.advanceTimersByTimeAsync(30); // write of [1] done
    expect(h.store.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS + 40);
    expect(h.store.calls).toHaveLength(2);
    expect(await h.logged('r1')).toEqual([0, 1, 2]);
  });

  it("settings changes are stored with the room's next write, later changes winning field by field", async () => {
    const c = h.committer({ now: () => 5_000 });
    c.enqueueMeta('r1', h.incarnation('r1'), { name: 'first' });
    h.enqueue(c, 'r1', 1);
    c.enqueueMeta('r1', h.incarnation('r1'), { language: 'go' });
    c.enqueueMeta('r1', h.incarnation('r1'), { name: 'second' });
    await c.flush();
    expect(h.store.calls).toHaveLength(1);
    expect(h.store.calls[0]!.writes[0]!.meta).toEqual({ name: 'second', language: 'go' });
    expect(await h.store.getRoom('r1')).toMatchObject({ name: 'second', language: 'go', updatedAt: 5_000 });
  });

  // Regression: settings were stored fire-and-forget on a connection pool, so two quick renames
  // could be stored out of order and leave the older name in the rooms index.
  it('two quick renames end with the later name stored, even when the first write is still in flight', async () => {
    const c = h.committer();
    const gate = deferred();
    h.store.gate = gate.promise;
    c.enqueueMeta('r1', h.incarnation('r1'), { name: 'older' });
    const first = c.flush();
    c.enqueueMeta('r1', h.incarnation('r1'), { name: 'newer' });
    const second = c.flush();
    h.store.gate = null;
    gate.resolve();
    await Promise.all([first, second]);
    expect((await h.store.getRoom('r1'))?.name).toBe('newer');
  });

  it("discard() forgets a deleted room's queue: nothing of it is written", async () => {
    const c = h.committer();
    h.enqueue(c, 'r1', 1);
    h.enqueue(c, 'r2', 2);
    expect(c.discard('r1')).toEqual([u(1)]);
    await c.flush();
    expect(numbers(h.store.calls[0]!)).toEqual(['r2:2']);
    expect(await h.logged('r1')).toEqual([0]);
  });

  it('updates queued for an older incarnation are dropped when the room is re-created under the same id', async () => {
    const c = h.committer();
    const old = h.incarnation('r1');
    c.enqueueUpdate('r1', old, u(1));
    await h.store.deleteRoom('r1', new Uint8Array([0]));
    await h.store.createRoom({ id: 'r1', name: 'new', language: 'python', createdAt: 1, updatedAt: 1 }, u(9));
    await c.flush();
    expect(await h.logged('r1')).toEqual([9]);
  });

  it('close() flushes everything queued, leaves no timer behind, and refuses later updates', async () => {
    const timersBefore = vi.getTimerCount();
    const c = h.committer();
    h.enqueue(c, 'r1', 1);
    h.enqueue(c, 'r2', 2);
    await c.close();
    expect(await h.logged('r1')).toEqual([0, 1]);
    expect(await h.logged('r2')).toEqual([0, 2]);
    expect(vi.getTimerCount()).toBe(timersBefore);
    expect(() => h.enqueue(c, 'r1', 3)).toThrow(/closed/);
  });

  it('close() waits for a write in flight', async () => {
    const c = h.committer();
    const gate = deferred();
    h.store.gate = gate.promise;
    h.enqueue(c, 'r1', 1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    h.enqueue(c, 'r1', 2);
    let closed = false;
    const closing = c.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(closed).toBe(false);
    h.store.gate = null;
    gate.resolve();
    await closing;
    expect(await h.logged('r1')).toEqual([0, 1, 2]);
  });

  it('onCommitted reports the number of updates per room of each successful write', async () => {
    const c = h.committer();
    h.enqueue(c, 'r1', 1);
    h.enqueue(c, 'r2', 2);
    h.enqueue(c, 'r1', 3);
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    h.enqueue(c, 'r2', 4);
    await c.flush();
    expect(h.committed).toEqual([
      new Map([
        ['r1', 2],
        ['r2', 1],
      ]),
      new Map([['r2', 1]]),
    ]);
  });

  it('stamps writes with the injected clock', async () => {
    const c = h.committer({ now: () => 1_234_567 });
    h.enqueue(c, 'r1', 1);
    await c.flush();
    expect((await h.store.getRoom('r1'))?.updatedAt).toBe(1_234_567);
  });
});
