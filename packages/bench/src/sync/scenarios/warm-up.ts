import type { Scope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { sum } from '../stats.js';
import { typeOnSchedule } from '../typing.js';

/**
 * The warm-up before every measured typing window: typed and checked, not counted. A server runs
 * for days, so steady state is what the comparison is about, and a fresh process is not there
 * after a fixed second: V8 keeps optimizing the hot path on its helper threads for several seconds,
 * on the server's one core. Measured in 100 pair rooms at 1,000 keystrokes/s on 2026-12-02:
 * Pairwise's helper threads spent 0.9-1.1 s of CPU over the first 5-6 s (234 functions optimized),
 * @y/websocket-server's 0.5 s over 3 s (124). With a 1 s warm-up that work was much of Pairwise's
 * CPU gap at that size (1.48x; settled, in four runs, 0.93-1.45x), and its compile threads,
 * preempting the event loop, made its p99 (116 ms against 12; settled, within 1.1x).
 *
 * So the warm-up lasts until the server's V8 helper threads go quiet, the same rule for every
 * server: at least `minMs`, then until `quietSlices` slices in a row in which no process of the
 * server spent more there than `quietCpuMsPerSlice` or `quietShare` of the server's CPU in the
 * slice, at most `maxMs`. The share is for the GC's helpers, which keep working in steady state in
 * proportion to the load: 6% of a core against 74% for the whole server in 500 pair rooms, where an
 * absolute bound alone never let any server settle; compiling, the helpers spent 40-100% of what
 * the event loop did. The time it took and the helper CPU spent are reported beside the window.
 */
export interface WarmUpRule {
  minMs: number;
  maxMs: number;
  sliceMs: number;
  quietCpuMsPerSlice: number;
  quietShare: number;
  quietSlices: number;
}

export const WARM_UP: WarmUpRule = {
  minMs: 1_000,
  maxMs: 10_000,
  sliceMs: 500,
  quietCpuMsPerSlice: 25,
  quietShare: 0.15,
  quietSlices: 2,
};

export interface WarmUp {
  ms: number;
  /** CPU of the server's V8 helper threads during the warm-up, summed over its processes. */
  helperCpuMs: number;
  /** The helpers went quiet before `maxMs`; false: the window was measured anyway, still warming up. */
  settled: boolean;
}

/** Types on the open-loop schedule, slice by slice, until the server's JIT has settled (see WARM_UP). */
export async function warmUp(
  server: Pick<ServerHandle, 'v8HelperCpuMs' | 'cpuMs'>,
  typistCount: number,
  charsPerSecond: number,
  scope: Scope,
  type: (typist: number) => void,
  rule: WarmUpRule = WARM_UP,
): Promise<WarmUp> {
  const started = performance.now();
  let before = await server.v8HelperCpuMs();
  let serverBefore = server.cpuMs();
  let helperCpuMs = 0;
  let quiet = 0;
  let settled = false;
  while (!settled && performance.now() - started < rule.maxMs) {
    await typeOnSchedule(typistCount, charsPerSecond, rule.sliceMs, scope, type);
    const after = await server.v8HelperCpuMs();
    const serverAfter = server.cpuMs();
    const spent = after.map((ms, i) => ms - (before[i] ?? ms));
    const bound = Math.max(rule.quietCpuMsPerSlice, rule.quietShare * (serverAfter - serverBefore));
    helperCpuMs += sum(spent);
    quiet = spent.every((ms) => ms <= bound) ? quiet + 1 : 0;
    before = after;
    serverBefore = serverAfter;
    settled = quiet >= rule.quietSlices && performance.now() - started >= rule.minMs;
  }
  return { ms: performance.now() - started, helperCpuMs, settled };
}

/** Keystrokes each typist needs room for: the longest warm-up and the measured window. */
export function keystrokesPerTypist(charsPerSecond: number, durationMs: number, rule: WarmUpRule = WARM_UP): number {
  // Each slice's schedule starts over at the first typist: a slice may give one typist a keystroke
  // more. A slice ends at its last keystroke, one gap early: at a slow rate there are more of them.
  const slices = Math.ceil((2 * rule.maxMs) / rule.sliceMs) + 1;
  return Math.ceil(((rule.maxMs + rule.sliceMs + durationMs) / 1000) * charsPerSecond) + slices + 2;
}
