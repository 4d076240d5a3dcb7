import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PeerCopies } from './peer-copies.js';

const TIMEOUT_MS = 1_000;
const u = (n: number): Uint8Array => Uint8Array.of(n);

let stored: number[][];
let copies: PeerCopies;

beforeEach(() => {
  vi.useFakeTimers();
  stored = [];
  copies = new PeerCopies({ timeoutMs: TIMEOUT_MS, store: (updates) => void stored.push(updates.map((x) => x[0]!)) });
});

afterEach(() => {
  copies.close();
  vi.useRealTimers();
});

describe('PeerCopies', () => {
  it('tells when no copy is held any more: confirmed by their sender or stored here once overdue', async () => {
    await copies.whenEmpty();
    let settled = 0;
    copies.hold('x', u(1));
    copies.hold('y', u(2));
    void copies.whenEmpty().then(() => settled++);
    copies.confirmed('x', 1, 1);
    await Promise.resolve();
    expect(settled).toBe(0);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(stored).toEqual([[2]]);
    expect(settled).toBe(1);
  });

  it('forgets copies their sender confirmed storing, and stores nothing', async () => {
    copies.hold('x', u(1));
    copies.hold('x', u(2));
    copies.confirmed('x', 2, 2);
    expect(copies.size).toBe(0);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS * 3);
    expect(stored).toEqual([]);
  });

  it('keeps the copies published after the confirmed point: the last `published - through`', async () => {
    for (const n of [1, 2, 3, 4]) copies.hold('x', u(n));
    // x published 4 and stored its first 2: copies 3 and 4 are still only here.
    copies.confirmed('x', 4, 2);
    expect(copies.size).toBe(2);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(stored).toEqual([[3, 4]]);
  });

  it('counts from the end, so an instance that joined late (heard fewer) keeps the right ones', () => {
    copies.hold('x', u(9)); // x's 10th publish; this instance missed the first 9
    copies.confirmed('x', 10, 9);
    expect(copies.size).toBe(1);
    copies.confirmed('x', 10, 10);
    expect(copies.size).toBe(0);
  });

  it('stores copies nobody confirmed within the timeout (the sender died), oldest first, once', async () => {
    copies.hold('x', u(1));
    await vi.advanceTimersByTimeAsync(400);
    copies.hold('x', u(2));
    copies.hold('y', u(7));
    await vi.advanceTimersByTimeAsync(600);
    expect(stored).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(400);
    expect(stored).toEqual([[1], [2, 7]]);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS * 5);
    expect(stored).toHaveLength(2);
    expect(copies.size).toBe(0);
  });

  it('senders are independent: one confirming does not clear another', () => {
    copies.hold('x', u(1));
    copies.hold('y', u(2));
    copies.confirmed('x', 1, 1);
    expect(copies.size).toBe(1);
  });

  it('storeAll stores everything held at once (the room unloads) and cancels the timer', async () => {
    copies.hold('x', u(1));
    copies.hold('y', u(2));
    expect(copies.storeAll()).toBe(2);
    expect(stored).toEqual([[1, 2]]);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS * 2);
    expect(stored).toHaveLength(1);
    expect(copies.storeAll()).toBe(0);
    expect(stored).toHaveLength(1);
  });

  it('close forgets without storing (the room was deleted)', async () => {
    copies.hold('x', u(1));
    copies.close();
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS * 2);
    expect(stored).toEqual([]);
  });
});
