import { describe, expect, it } from 'vitest';
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
}

/** Regular messages of `bytes` at `perSecond` from `from` to `to` (ms). */
function every(perSecond: number, bytes: number, from: number, to: number): [number, number][] {
  const events: [number, number][] = [];
  for (let at = from; at < to; at += 1000 / perSecond) events.push([at, bytes]);
  return events;
}

/** The time of the first refused message, or null if all were admitted. */
function firstRefusal({ events }: Traffic): number | null {
  const rate = new ConnectionRate(limits, 0);
  for (const [at, bytes] of [...events].sort((a, b) => a[0] - b[0])) {
    if (!rate.admit(bytes, at)) return at;
  }
  return null;
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
