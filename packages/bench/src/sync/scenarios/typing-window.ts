import type { Metric } from '../compared-scenario.js';
import type { Scope } from '../scope.js';
import type { LoopDelay } from '../ipc.js';
import type { ServerHandle } from '../servers.js';
import { cpuPressureMeter, type SampleBuffer, sum, summarize, type Summary } from '../stats.js';
import { fmt } from '../table.js';
import { generatorCpuMeter, type Typing, typeOnSchedule } from '../typing.js';
import { sleep, waitUntil } from '../wait.js';
import { type WarmUp, warmUp } from './warm-up.js';

/** What a scenario of typists in rooms (pair rooms, the crowded room) measures. */
export interface TypingResult {
  /** Keystrokes and deliveries of the whole run, warm-up included (for the end-of-run check). */
  typed: number;
  deliveries: number;
  /** Sender's insert to each receiver holding it, ms: the measured window (after the warm-up). */
  latency: Summary;
  deliveredPerSecond: number;
  /** Server CPU time per 1,000 delivered edits, from the first keystroke until the server settled. */
  serverCpuMsPer1000: number;
  serverCpuPct: number;
  /** The part of it V8's helper threads (compiler, GC helpers) spent, % of a core: high means still warming up. */
  helperCpuPct: number;
  /** The same window's CPU of each of the server's processes (a cluster's instances and Redis), % of a core. */
  processCpuPct: Array<{ name: string; pct: number }>;
  /** The load generator's CPU over the typing window, % of its core: above 80% the run is invalid. */
  generatorCpuPct: number;
  /** How late keystrokes left against their schedule (the generator falling behind), p99 ms. */
  scheduleLagP99Ms: number;
  /**
   * How late the server's (first instance's) event loop ran a 5 ms timer over the measured window, p99
   * and max ms: time it was busy or blocked, which every keystroke arriving then waited for.
   */
  serverLoopDelay: LoopDelay;
  rss: number;
  peakRss: number;
  /** Share of the measured window in which some task on the machine waited for a CPU (PSI). */
  cpuPressurePct: number;
  /** Before the measured window: how long until the server's JIT settled, and its compile CPU (warm-up.ts). */
  warmUp: WarmUp;
  /** The end-of-run check passed (room-check.ts). */
  converged: boolean;
  problems: string[];
}

export const TYPING_METRICS: readonly Metric<TypingResult>[] = [
  { key: 'p50Ms', label: 'propagation p50 ms', value: (r) => r.latency.p50, format: fmt.ms, better: 'lower' },
  { key: 'p95Ms', label: 'propagation p95 ms', value: (r) => r.latency.p95, format: fmt.ms, better: 'lower' },
  { key: 'p99Ms', label: 'propagation p99 ms', value: (r) => r.latency.p99, format: fmt.ms, better: 'lower' },
  { key: 'cpuMsPer1000', label: 'server CPU ms / 1,000 updates', value: (r) => r.serverCpuMsPer1000, format: fmt.ms, better: 'lower' },
  { key: 'rssMb', label: 'server RSS MB', value: (r) => r.rss / 2 ** 20, format: (v) => v.toFixed(1), better: 'lower' },
  { key: 'peakRssMb', label: 'server peak RSS MB', value: (r) => r.peakRss / 2 ** 20, format: (v) => v.toFixed(1), better: 'lower' },
  { key: 'deliveredPerSecond', label: 'delivered updates/s', value: (r) => r.deliveredPerSecond, format: fmt.int },
  { key: 'serverCpuPct', label: 'server CPU % of its core', value: (r) => r.serverCpuPct, format: fmt.pct },
  { key: 'helperCpuPct', label: '  of it V8 helper threads', value: (r) => r.helperCpuPct, format: fmt.pct },
  { key: 'scheduleLagP99Ms', label: 'generator lag p99 ms', value: (r) => r.scheduleLagP99Ms, format: fmt.ms },
  { key: 'serverLoopDelayP99Ms', label: 'server loop delay p99 ms', value: (r) => r.serverLoopDelay.p99Ms, format: fmt.ms },
  { key: 'serverLoopDelayMaxMs', label: 'server loop delay max ms', value: (r) => r.serverLoopDelay.maxMs, format: fmt.ms },
  { key: 'cpuPressurePct', label: 'machine CPU pressure (PSI)', value: (r) => r.cpuPressurePct, format: fmt.pct },
  { key: 'warmUpS', label: 'warm-up s (JIT settled)', value: (r) => r.warmUp.ms / 1000, format: (v) => v.toFixed(1), better: 'lower' },
  { key: 'warmUpHelperCpuMs', label: 'warm-up V8 helper CPU ms', value: (r) => r.warmUp.helperCpuMs, format: fmt.int, better: 'lower' },
];

export interface TypingWindow {
  /** Who types and how (typing.ts: into Y.Docs; prepared-typists.ts: updates made beforehand). */
  typing: Typing;
  charsPerSecond: number;
  durationMs: number;
  /**
   * Wait after the last delivery before reading the server's CPU time: longer than Hocuspocus'
   * 2 s store debounce, so storage work a server defers is counted.
   */
  settleMs: number;
  /** Where the receivers record one latency per keystroke they hold. */
  latencies: SampleBuffer;
  /** How many receivers each keystroke must reach. */
  receiversPerKeystroke: number;
}

const DRAIN_TIMEOUT_MS = 20_000;

/**
 * Types on the open-loop schedule, waits for every keystroke to reach every
 * receiver (or the drain timeout), lets the server settle, and measures all of it. The caller
 * connects the clients before and runs the end-of-run check after (with `typed` and `deliveries`).
 */
export async function measureTyping(
  server: ServerHandle,
  window: TypingWindow,
  scope: Scope,
): Promise<Omit<TypingResult, 'converged' | 'problems'>> {
  const { typing, latencies } = window;
  const typedSoFar = (): number => typing.typed();
  const drained = (typed: number) =>
    waitUntil(
      () => latencies.length >= typed * window.receiversPerKeystroke,
      'every keystroke to reach every receiver',
      DRAIN_TIMEOUT_MS,
      5,
    ).catch(() => {});
  const warm = await warmUp(server, typing.count, window.charsPerSecond, scope, typing.type);
  await drained(typedSoFar());
  const warmDeliveries = latencies.length;
  const pressure = cpuPressureMeter();
  const serverCpuStart = await server.preciseCpuMs();
  const helperCpuStart = sum(await server.v8HelperCpuMs());
  const processCpuStart = server.cpuMsByProcess();
  const generatorCpu = generatorCpuMeter();
  await server.loopDelay();
  const started = performance.now();
  const lag = await typeOnSchedule(typing.count, window.charsPerSecond, window.durationMs, scope, typing.type);
  const generatorCpuPct = generatorCpu();
  const memory = server.residentMemory();
  const typed = typedSoFar();
  await drained(typed);
  const drainedAt = performance.now();
  const serverLoopDelay = await server.loopDelay();
  await sleep(window.settleMs);
  const serverCpuMs = (await server.preciseCpuMs()) - serverCpuStart;
  const helperCpuMs = sum(await server.v8HelperCpuMs()) - helperCpuStart;
  const measuredMs = performance.now() - started;
  const processCpuPct = server
    .cpuMsByProcess()
    .map(({ name, ms }, i) => ({ name, pct: (100 * (ms - (processCpuStart[i]?.ms ?? Number.NaN))) / measuredMs }));
  const measuredDeliveries = latencies.length - warmDeliveries;
  return {
    typed,
    deliveries: latencies.length,
    latency: summarize(latencies.values().subarray(warmDeliveries)),
    deliveredPerSecond: (measuredDeliveries * 1000) / (drainedAt - started),
    serverCpuMsPer1000: (serverCpuMs * 1000) / measuredDeliveries,
    serverCpuPct: (100 * serverCpuMs) / measuredMs,
    helperCpuPct: (100 * helperCpuMs) / measuredMs,
    processCpuPct,
    generatorCpuPct,
    scheduleLagP99Ms: summarize(lag.values()).p99,
    serverLoopDelay,
    rss: memory.rss,
    peakRss: memory.peakRss,
    cpuPressurePct: pressure(),
    warmUp: warm,
  };
}
