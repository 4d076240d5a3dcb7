import { describe, expect, it } from 'vitest';
import { QueuedUpdates } from './queued-updates.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const plain = (updates: Uint8Array[]) => updates.map((update) => [...update]);

describe('QueuedUpdates', () => {
  it('gives back every update with its time and author, in order, and is empty after', () => {
    const queue = new QueuedUpdates();
    queue.push(bytes(1, 2), 10, 'ada');
    queue.push(bytes(), 11, null);
    queue.push(bytes(3), 12, 'grace');
    queue.push(bytes(4, 5, 6), 13, 'ada');
    expect([queue.count, queue.byteLength]).toEqual([4, 6]);

    const taken = queue.take();
    expect(plain(taken.updates)).toEqual([[1, 2], [], [3], [4, 5, 6]]);
    expect(taken.acceptedAt).toEqual([10, 11, 12, 13]);
    expect(taken.authorIds).toEqual(['ada', null, 'grace', 'ada']);
    expect([queue.count, queue.byteLength]).toEqual([0, 0]);
    expect(queue.take()).toEqual({ updates: [], acceptedAt: [], authorIds: [] });
  });

  it('keeps a taken write intact while the reused buffers fill again (the write is still in flight)', () => {
    const queue = new QueuedUpdates();
    queue.push(bytes(1, 1, 1), 1, 'ada');
    const inFlight = queue.take();
    queue.push(bytes(9, 9, 9), 2, 'grace');
    expect(plain(inFlight.updates)).toEqual([[1, 1, 1]]);
    expect(inFlight.authorIds).toEqual(['ada']);
    expect(plain(queue.take().updates)).toEqual([[9, 9, 9]]);
  });

  it('does not keep the caller’s update: changing it afterwards changes nothing queued', () => {
    const queue = new QueuedUpdates();
    const update = bytes(7, 7);
    queue.push(update, 1, null);
    update.fill(0);
    expect(plain(queue.take().updates)).toEqual([[7, 7]]);
  });

  it('grows past its first buffers for many updates and for a big paste, and starts small again after', () => {
    const queue = new QueuedUpdates();
    const paste = new Uint8Array(200_000).map((_, i) => i % 251);
    for (let i = 0; i < 3000; i++) queue.push(bytes(i % 256, (i >> 8) % 256), i, i % 2 === 0 ? 'ada' : null);
    queue.push(paste, 3000, 'grace');
    const taken = queue.take();
    expect(taken.updates).toHaveLength(3001);
    expect([...(taken.updates[2999] ?? [])]).toEqual([2999 % 256, (2999 >> 8) % 256]);
    expect(taken.updates[3000]).toEqual(paste);
    expect(taken.acceptedAt[1234]).toBe(1234);
    expect(taken.authorIds.slice(0, 3)).toEqual(['ada', null, 'ada']);
    expect(taken.authorIds[3000]).toBe('grace');

    queue.push(bytes(5), 1, null);
    expect(plain(queue.take().updates)).toEqual([[5]]);
  });

  it('puts a failed write back in front of what was queued since (pushAll)', () => {
    const queue = new QueuedUpdates();
    queue.push(bytes(1), 1, 'ada');
    const failed = queue.take();
    queue.push(bytes(2), 2, 'grace');
    const since = queue.take();
    queue.pushAll(failed);
    queue.pushAll(since);
    const retry = queue.take();
    expect(plain(retry.updates)).toEqual([[1], [2]]);
    expect(retry.acceptedAt).toEqual([1, 2]);
    expect(retry.authorIds).toEqual(['ada', 'grace']);
  });
});
