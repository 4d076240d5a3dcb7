import { afterEach, describe, expect, it } from 'vitest';
import { Scope } from '../scope.js';
import { keystrokesPerTypist, type WarmUpRule, warmUp } from './warm-up.js';

/** Short slices, so a test takes a few hundred ms; the rule is the same as the benchmark's. */
const RULE: WarmUpRule = { minMs: 60, maxMs: 600, sliceMs: 30, quietCpuMsPerSlice: 25, quietShare: 0.15, quietSlices: 2 };

interface FakeServer {
  v8HelperCpuMs: () => Promise<number[]>;
  cpuMs: () => number;
  readings: () => number;
}

/**
 * A server whose helper threads spend `perSlice[i]` ms (one figure per process) in its i-th slice,
 * then nothing, while the whole server spends `serverPerSlice` ms in each.
 */
function serverSpending(perSlice: number[][], serverPerSlice = 100): FakeServer {
  let reading = 0;
  let totals = (perSlice[0] ?? []).map(() => 0);
  return {
    v8HelperCpuMs: async () => {
      // The first reading is the baseline; each later one closes a slice.
      if (reading > 0) totals = totals.map((ms, i) => ms + (perSlice[reading - 1]?.[i] ?? 0));
      reading++;
      return totals;
    },
    // Read right after the helpers, once per slice.
    cpuMs: () => Math.max(0, reading - 1) * serverPerSlice,
    readings: () => reading,
  };
}

describe('warmUp', () => {
  let scope: Scope;
  afterEach(async () => await scope.close());

  it('types until the helper threads stay quiet for two slices, and counts what they spent', async () => {
    scope = new Scope();
    const server = serverSpending([[300], [200], [40], [10], [0]]);
    let typed = 0;
    const result = await warmUp(server, 2, 100, scope, () => typed++, RULE);
    expect(result.settled).toBe(true);
    // Busy for three slices, quiet for the fourth and fifth: five slices typed.
    expect(server.readings()).toBe(6);
    expect(result.helperCpuMs).toBe(550);
    // A slice ends at its last keystroke, one gap (5 ms here) before its full length.
    expect(result.ms).toBeGreaterThanOrEqual(5 * (RULE.sliceMs - 5));
    expect(typed).toBeGreaterThan(0);
  });

  it('does not end on one quiet slice between busy ones', async () => {
    scope = new Scope();
    const server = serverSpending([[300], [0], [300], [0], [0]]);
    const result = await warmUp(server, 1, 100, scope, () => {}, RULE);
    expect(result.settled).toBe(true);
    expect(server.readings()).toBe(6);
  });

  it("counts helpers as quiet under a share of a busy server's CPU: the GC helpers of a heavy load", async () => {
    scope = new Scope();
    // 60 ms a slice: over the absolute bound, but 12% of a server spending 500.
    const server = serverSpending([[300], [60], [60], [60]], 500);
    const result = await warmUp(server, 1, 100, scope, () => {}, RULE);
    expect(result.settled).toBe(true);
    expect(server.readings()).toBe(4);
  });

  it('types for at least the minimum even when the helpers are quiet from the start', async () => {
    scope = new Scope();
    const server = serverSpending([[0], [0], [0], [0]]);
    const result = await warmUp(server, 1, 100, scope, () => {}, RULE);
    expect(result.settled).toBe(true);
    expect(result.ms).toBeGreaterThanOrEqual(RULE.minMs - 5);
  });

  it('waits for every process of a cluster, and gives up unsettled at the maximum', async () => {
    scope = new Scope();
    // The second instance never settles.
    const server = serverSpending(Array.from({ length: 100 }, () => [0, 100]));
    const result = await warmUp(server, 1, 100, scope, () => {}, RULE);
    expect(result.settled).toBe(false);
    expect(result.ms).toBeGreaterThanOrEqual(RULE.maxMs);
    expect(result.ms).toBeLessThan(RULE.maxMs + 10 * RULE.sliceMs);
  });
});

describe('keystrokesPerTypist', () => {
  it('holds the longest warm-up, its last slice and the measured window', () => {
    // 5 chars/s: 10 s + a slice + 3 s of typing = 67.5 keystrokes, plus one per slice (the schedule
    // restarts), slices being as short as half their length.
    expect(keystrokesPerTypist(5, 3_000)).toBeGreaterThanOrEqual(68 + 40);
  });
});
