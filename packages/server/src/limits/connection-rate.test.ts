import { describe, expect, it } from 'vitest';
import { MESSAGE_AWARENESS } from '@pairwise/protocol';
import { DEFAULT_LIMITS } from './config.js';
import { ConnectionRate } from './connection-rate.js';

/**
 * The default per-connection limits against simulated traffic (time is simulated, so minutes of
 * typing take milliseconds). Sizes are those measured from y-websocket and y-monaco frames: a
 * keystroke update ~30-60 bytes, an awareness frame with a selection ~200 bytes.
 */
const limits = DEFAULT_LIMITS.connection;
const MiB = 1024 * 1024;

interface Traffic {
  /** Time of each message (ms) and its size. */
  events: [at: number, bytes: number][];
  /** Awareness frames of others relayed to the connection (ms, size): a stock client sends each back 1 ms later. */
  relayed?: [at: number, bytes: number][];
}

/** Regular messages of `bytes` at `perSecond` from `from` to `to` (ms). */
function every(perSecond: number, bytes: number, from: number, to: number): [number, number][] {
  const events: [number, number][] = [];
  for (let at = from; at < to; at += 1000 / perSecond) events.push([at, bytes]);
  return events;
}

/** The time of the first refused message, or null if all were admitted. */
function firstRefusal({ events, relayed = [] }: Traffic): number | null {
  const rate = new ConnectionRate(limits, 0);
  const timeline: [at: number, bytes: number, kind: 'in' | 'out'][] = [
    ...events.map(([at, bytes]): [number, number, 'in'] => [at, bytes, 'in']),
    ...relayed.map(([at, bytes]): [number, number, 'out'] => [at, bytes, 'out']),
    ...relayed.map(([at, bytes]): [number, number, 'in'] => [at + 1, bytes, 'in']),
  ];
  for (const [at, bytes, kind] of timeline.sort((a, b) => a[0] - b[0] || (a[2] === 'out' ? -1 : 1))) {
    if (kind === 'out') rate.noteSent(awarenessFrameOf(bytes), false, at);
    else if (!rate.admit(bytes, at)) return at;
  }
  return null;
}

function awarenessFrameOf(bytes: number): Uint8Array {
  const frame = new Uint8Array(bytes);
  frame[0] = MESSAGE_AWARENESS;
  return frame;
}

describe('ConnectionRate with the default limits', () => {
  const tenMinutes = 10 * 60_000;

  it('never refuses a fast typist: 15 keystrokes/s, each with its cursor update, and the cursor dragged at 144 Hz, for ten minutes', () => {
    const events = [...every(15, 60, 0, tenMinutes), ...every(15, 200, 1, tenMinutes), ...every(144, 200, 2, tenMinutes)];
    expect(firstRefusal({ events })).toBeNull();
  });

  it('never refuses a paste of 1 MB amid typing, nor a reconnect that pushes a message of the largest accepted size', () => {
    const events = [
      ...every(15, 60, 0, 60_000),
      ...every(60, 200, 1, 60_000),
      [10_000, MiB] as [number, number],
      [10_050, 3 * MiB] as [number, number], // the same paste as UTF-8 of non-ASCII text
      [30_000, 16 * MiB] as [number, number],
    ];
    expect(firstRefusal({ events })).toBeNull();
  });

  it('never refuses a quiet member of a busy room: nine others move their cursors at 60 Hz and the stock client echoes each update', () => {
    const twoMinutes = 2 * 60_000;
    const relayed = Array.from({ length: 9 }, (_, i) => every(60, 200, i * 0.1, twoMinutes)).flat();
    const events = [...every(15, 60, 0, twoMinutes), ...every(60, 200, 2, twoMinutes)];
    expect(firstRefusal({ events, relayed })).toBeNull();
    // The same traffic, were echoes charged, would be refused within seconds.
    expect(firstRefusal({ events: [...events, ...relayed.map(([at, bytes]): [number, number] => [at + 1, bytes])] })).toBeLessThan(10_000);
  });

  it('gives no credit for replies to the connection’s own frames: asking for awareness as fast as possible is refused', () => {
    const rate = new ConnectionRate(limits, 0);
    const reply = awarenessFrameOf(200);
    let at = 0;
    while (rate.admit(2, at)) {
      rate.noteSent(reply, true, at);
      at += 0.1; // 10,000 queries/s
      if (at > 60_000) throw new Error('never refused');
    }
    expect(at).toBeLessThan(1_000);
  });

  it('credits only awareness frames sent to it, not document updates', () => {
    const rate = new ConnectionRate({ messagesPerSecond: 1, messageBurst: 1, bytesPerSecond: 1024, bytesBurst: 1024 }, 0);
    expect(rate.admit(10, 0)).toBe(true);
    rate.noteSent(new Uint8Array([0, 2, 1, 1]), false, 0);
    expect(rate.admit(10, 0)).toBe(false);
    rate.noteSent(awarenessFrameOf(10), false, 0);
    expect(rate.admit(10, 0)).toBe(true);
  });

  it('refuses a flood of small frames within a second', () => {
    const refusedAt = firstRefusal({ events: every(5_000, 20, 0, 10_000) });
    expect(refusedAt).not.toBeNull();
    expect(refusedAt!).toBeLessThan(1_000);
  });

  it('refuses a flood of big frames within a second, even at a modest frame rate', () => {
    const refusedAt = firstRefusal({ events: every(50, 2 * MiB, 0, 10_000) });
    expect(refusedAt).not.toBeNull();
    expect(refusedAt!).toBeLessThan(1_000);
  });

  it('refuses a sustained rate just above the limit once the burst is spent, not before', () => {
    const perSecond = limits.messagesPerSecond * 1.5;
    const refusedAt = firstRefusal({ events: every(perSecond, 20, 0, 60_000) });
    // The burst lasts burst / (rate - refill) seconds.
    const burstLastsMs = (limits.messageBurst / (perSecond - limits.messagesPerSecond)) * 1000;
    expect(refusedAt).not.toBeNull();
    expect(refusedAt!).toBeGreaterThan(burstLastsMs * 0.95);
    expect(refusedAt!).toBeLessThan(burstLastsMs * 1.05);
  });
});
