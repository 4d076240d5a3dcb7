import { describe, expect, it, vi } from 'vitest';
import { UnstoredEditsError } from './group-commit.js';
import { deferred, numbers, useGroupCommitHarness, WINDOW_MS } from './group-commit.testkit.js';

/** The group commit while storage fails: nothing lost, order kept, failures isolated per room, memory bounded. */

const h = useGroupCommitHarness();

describe('GroupCommitter when writes fail', () => {
  it('a failed write keeps its content and retries with back-off; nothing is lost and order is kept', async () => {
    const c = h.committer();
    h.store.failNext = 1;
    h.enqueue(c, 'r1', 1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(h.store.calls).toHaveLength(1); // failed
    expect(c.pendingCount).toBe(1);
    expect(c.failing).toBe(true);
    h.enqueue(c, 'r1', 2); // arrives between attempts

    await vi.advanceTimersByTimeAsync(2 * WINDOW_MS - 1);
    expect(h.store.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.store.calls).toHaveLength(2); // succeeded
    expect(numbers(h.store.calls[1]!)).toEqual(['r1:1,2']);
    expect(await h.logged('r1')).toEqual([0, 1, 2]);
    expect(c.failing).toBe(false);
    expect(h.committed).toEqual([new Map([['r1', 2]])]);

    // Back-off resets after a success: the next update goes out one window after it arrives.
    h.enqueue(c, 'r1', 3);
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(h.store.calls).toHaveLength(3);
  });

  it('back-off doubles and is capped at 5 s while the store stays down', async () => {
    const c = h.committer();
    h.store.failNext = 12;
    h.enqueue(c, 'r1', 1);
    await vi.advanceTimersByTimeAsync(60_000);
    const gaps = h.store.calls.slice(1).map((call, i) => call.at - h.store.calls[i]!.at);
    expect(gaps.slice(0, 5)).toEqual([200, 400, 800, 1600, 3200]);
    expect(Math.max(...gaps)).toBe(5_000);
    expect(await h.logged('r1')).toEqual([0, 1]);
  });

  it('retries keep backing off while the store is down even when updates keep arriving during writes', async () => {
    const c = h.committer();
    h.store.failNext = Number.POSITIVE_INFINITY;
    h.store.writeMs = 30; // a failing store answers slowly, so typing lands during every write
    for (let t = 0; t < 3_000; t += 20) {
      h.enqueue(c, 'r1', t % 250);
      await vi.advanceTimersByTimeAsync(20);
    }
    // With back-off (100 -> 200 -> 400 -> 800 -> 1,600 ms) about 5 attempts fit in 3 s; one per window would be ~25.
    expect(h.store.calls.length).toBeLessThanOrEqual(8);
  });

  // Regression: one batch that failed every time was retried forever at the front of a single queue,
  // and no other room's edits were stored meanwhile.
  it('a room whose writes always fail is written on its own; the other rooms keep being stored every window', async () => {
    const c = h.committer();
    h.store.failingRooms.add('r1');
    h.enqueue(c, 'r1', 1);
    h.enqueue(c, 'r2', 2);
    await vi.advanceTimersByTimeAsync(WINDOW_MS); // together: fails
    expect(await h.logged('r2')).toEqual([0]);
    await vi.advanceTimersByTimeAsync(2 * WINDOW_MS); // r2 was failing too, retried alone: stored
    expect(await h.logged('r2')).toEqual([0, 2]);

    for (let n = 3; n < 10; n++) {
      h.enqueue(c, 'r2', n);
      h.enqueue(c, 'r3', n);
      await vi.advanceTimersByTimeAsync(WINDOW_MS);
      expect(await h.logged('r2'), `window ${n}`).toContain(n);
      expect(await h.logged('r3'), `window ${n}`).toContain(n);
    }
    expect(await h.logged('r1')).toEqual([0]);
    expect(c.failing).toBe(true);
    for (const call of h.store.calls.slice(2)) {
      const rooms = call.writes.map((w) => w.roomId);
      if (rooms.includes('r1')) expect(rooms).toEqual(['r1']);
    }
  });

  // Regression: every room load flushed the whole queue, so one failing room made every load wait.
  it("flushRoom() of a healthy room succeeds while another room's writes fail", async () => {
    const c = h.committer();
    h.store.failingRooms.add('r1');
    h.enqueue(c, 'r1', 1);
    h.enqueue(c, 'r2', 2);
    await c.flushRoom('r2');
    await expect(c.flushRoom('r1')).rejects.toThrow(/r1/);
    expect(await h.logged('r2')).toEqual([0, 2]);
  });

  it('a room past its backlog bound stops taking edits; it takes them again once its writes succeed', async () => {
    const c = h.committer({ maxRoomBacklogBytes: 10 });
    h.store.failNext = Number.POSITIVE_INFINITY;
    for (let n = 1; n <= 9; n++) h.enqueue(c, 'r1', n);
    expect(c.accepts('r1')).toBe(true);
    h.enqueue(c, 'r1', 10);
    expect(c.accepts('r1')).toBe(false);
    expect(c.accepts('r2')).toBe(true);
    h.store.failNext = 0;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(c.accepts('r1')).toBe(true);
    expect((await h.logged('r1')).length).toBe(11);
  });

  it('past the total bound, only rooms whose writes fail stop taking edits', async () => {
    const c = h.committer({ maxRoomBacklogBytes: 100, maxBacklogBytes: 20 });
    h.store.failingRooms.add('r1');
    for (let n = 1; n <= 20; n++) h.enqueue(c, 'r1', n);
    expect(c.accepts('r1')).toBe(true); // not failing yet: no write tried
    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    expect(c.accepts('r1')).toBe(false);
    h.enqueue(c, 'r2', 1);
    expect(c.accepts('r2')).toBe(true);
  });

  it('close() during an outage stores everything once storage is back within the retry time', async () => {
    const c = h.committer({ closeRetryMs: 5_000 });
    h.store.failNext = 3;
    h.enqueue(c, 'r1', 1);
    const closing = c.close();
    await vi.advanceTimersByTimeAsync(5_000);
    await closing;
    expect(await h.logged('r1')).toEqual([0, 1]);
  });

  it('close() gives up after the retry time and reports exactly which rooms kept unstored edits', async () => {
    const c = h.committer({ closeRetryMs: 2_000 });
    h.store.failingRooms.add('r1');
    h.enqueue(c, 'r1', 1);
    h.enqueue(c, 'r1', 2);
    h.enqueue(c, 'r2', 3);
    const closing = c.close().catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(2_500);
    const err = await closing;
    expect(err).toBeInstanceOf(UnstoredEditsError);
    expect((err as UnstoredEditsError).rooms).toEqual([
      { roomId: 'r1', incarnation: h.incarnation('r1'), updates: 2, bytes: 2, settings: false },
    ]);
    expect(await h.logged('r2')).toEqual([0, 3]);
  });

  it('a room deleted while its failed write was in flight does not get its content back', async () => {
    const c = h.committer();
    const gate = deferred();
    h.store.gate = gate.promise;
    h.store.failNext = 1;
    h.enqueue(c, 'r1', 1);
    await vi.advanceTimersByTimeAsync(WINDOW_MS); // the write is in flight, held at the gate
    c.discard('r1');
    h.store.gate = null;
    gate.resolve();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(c.pendingCount).toBe(0);
    expect(h.store.calls).toHaveLength(1);
  });
});
