import type { ComparedScenario, Metric } from '../compared-scenario.js';
import { GENERATOR_CPU_LIMIT_PCT } from '../compare-report.js';
import { clusterSize } from '../ipc.js';
import { type Scope, withScope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { fmt } from '../table.js';
import { type PairsOptions, type PairsResult, runPairs } from './pairs.js';

export interface ScaleOutOptions {
  /** The offered load every size gets. */
  load: PairsOptions;
  /** Keystrokes/s per typist of the saturation steps, rising; empty: no saturation ramp. */
  saturationRates: readonly number[];
  saturationStepMs: number;
}

/** One step of the saturation ramp: fresh rooms of the same count, typing faster. */
export interface SaturationStep {
  charsPerSecond: number;
  deliveredPerSecond: number;
  p99Ms: number;
  generatorCpuPct: number;
}

export interface ScaleOutResult extends PairsResult {
  saturation: SaturationStep[];
  /** Delivered updates/s of the fastest step whose p99 stayed within the bound (NaN: no ramp, or not even the first). */
  saturatedPerSecond: number;
}

/** Scenario 3's bound: the highest load a server sustains with p99 propagation under it. */
const SATURATION_P99_MS = 100;

/** The busiest Pairwise instance's CPU, % of a core: the one that saturates first. */
function busiestInstancePct(r: ScaleOutResult): number {
  return Math.max(...r.processCpuPct.filter((p) => p.name.startsWith('instance')).map((p) => p.pct));
}

function processPct(r: ScaleOutResult, name: string): number {
  return r.processCpuPct.find((p) => p.name === name)?.pct ?? Number.NaN;
}

const METRICS: readonly Metric<ScaleOutResult>[] = [
  { key: 'p50Ms', label: 'cross-instance p50 ms', value: (r) => r.latency.p50, format: fmt.ms, better: 'lower' },
  { key: 'p99Ms', label: 'cross-instance p99 ms', value: (r) => r.latency.p99, format: fmt.ms, better: 'lower' },
  {
    key: 'deliveredPerSecond',
    label: 'delivered updates/s (total)',
    value: (r) => r.deliveredPerSecond,
    format: fmt.int,
    better: 'higher',
  },
  {
    key: 'saturatedPerSecond',
    label: `saturation: delivered/s, p99 <= ${SATURATION_P99_MS} ms`,
    value: (r) => r.saturatedPerSecond,
    format: fmt.int,
    better: 'higher',
  },
  { key: 'cpuMsPer1000', label: 'cluster CPU ms / 1,000 updates', value: (r) => r.serverCpuMsPer1000, format: fmt.ms, better: 'lower' },
  { key: 'serverCpuPct', label: 'cluster CPU % (all on core 0)', value: (r) => r.serverCpuPct, format: fmt.pct },
  { key: 'busiestInstanceCpuPct', label: 'busiest instance CPU %', value: busiestInstancePct, format: fmt.pct },
  { key: 'redisCpuPct', label: 'redis-server CPU %', value: (r) => processPct(r, 'redis'), format: fmt.pct },
  { key: 'postgresCpuPct', label: 'PostgreSQL backends CPU %', value: (r) => processPct(r, 'postgres'), format: fmt.pct },
  { key: 'rssMb', label: 'cluster RSS MB (with Redis)', value: (r) => r.rss / 2 ** 20, format: (v) => v.toFixed(1) },
  { key: 'scheduleLagP99Ms', label: 'generator lag p99 ms', value: (r) => r.scheduleLagP99Ms, format: fmt.ms },
  { key: 'cpuPressurePct', label: 'machine CPU pressure (PSI)', value: (r) => r.cpuPressurePct, format: fmt.pct },
];

/**
 * Scenario 7: the pair-rooms workload on 1, 2 and 3 Pairwise instances (PostgreSQL + Redis), a
 * room's two clients always on different instances once there are several, at the same offered load.
 */
export function scaleOutScenario(options: ScaleOutOptions): ComparedScenario<ScaleOutResult> {
  const { load } = options;
  return {
    name: 'scale-out',
    title: `Scale-out: ${load.rooms} rooms x 2 thin clients typing ${load.charsPerSecond} chars/s for ${load.durationMs / 1000} s on 1, 2, 3 instances (PostgreSQL + Redis)`,
    metrics: METRICS,
    notes: [
      "A room's partners are on different instances (instance r and r+1 of room r): with 2 or 3, every keystroke crosses",
      '  the Redis room bus; with 1 it is the same processes without a second hop (the baseline).',
      'Every instance and the redis-server are pinned to core 0 with the generator on core 1, as every server is, so the',
      '  cluster never gets more CPU than one process: the total throughput cannot grow with instances on this machine;',
      '  what the table shows is the cost of scale-out (CPU per update, latency of the extra hop) at the same load.',
      "Cluster CPU includes the PostgreSQL backends of the cluster's database (shared server, not pinned: they may use core 1).",
      'Same offered load on every size: delivered/s differs only where a cluster falls behind.',
      options.saturationRates.length === 0
        ? 'Saturation: not run at this size (full size only).'
        : `Saturation: then fresh rooms (as many) typing ${options.saturationRates.join(', ')} chars/s, ${options.saturationStepMs / 1000} s each, until p99 passes ${SATURATION_P99_MS} ms or the generator ${GENERATOR_CPU_LIMIT_PCT}%; the fastest step under both.`,
    ],
    supports: (kind) => clusterSize(kind) > 0,
    run: (server, scope) => runScaleOut(server, options, scope),
  };
}

/** The same-load run, then (if asked) the saturation ramp on the same cluster, each step in fresh rooms. */
async function runScaleOut(server: ServerHandle, options: ScaleOutOptions, scope: Scope): Promise<ScaleOutResult> {
  const result = await runPairs(server, options.load, scope);
  const saturation: SaturationStep[] = [];
  const problems = [...result.problems];
  for (const charsPerSecond of options.saturationRates) {
    const load = { ...options.load, charsPerSecond, durationMs: options.saturationStepMs, settleMs: 0 };
    const run = await withScope((stepScope) => runPairs(server, load, stepScope, `saturation-${charsPerSecond}`));
    const step = {
      charsPerSecond,
      deliveredPerSecond: run.deliveredPerSecond,
      p99Ms: run.latency.p99,
      generatorCpuPct: run.generatorCpuPct,
    };
    saturation.push(step);
    // A saturated server may be slow, never wrong: whatever the check finds counts.
    problems.push(...run.problems.map((p) => `at ${charsPerSecond} chars/s: ${p}`));
    process.stderr.write(`    ${charsPerSecond} chars/s: ${fmt.int(step.deliveredPerSecond)} delivered/s, p99 ${fmt.ms(step.p99Ms)} ms\n`);
    if (!withinBound(step) || run.problems.length > 0) break;
  }
  const sustained = saturation.filter(withinBound).map((s) => s.deliveredPerSecond);
  return { ...result, problems, saturation, saturatedPerSecond: sustained.length > 0 ? Math.max(...sustained) : Number.NaN };
}

/** Under the p99 bound, with the generator still trusted to have kept its schedule. */
function withinBound(step: SaturationStep): boolean {
  return step.p99Ms <= SATURATION_P99_MS && step.generatorCpuPct <= GENERATOR_CPU_LIMIT_PCT;
}
