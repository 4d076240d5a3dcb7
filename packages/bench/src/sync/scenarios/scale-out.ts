import type { ComparedScenario, Metric } from '../compared-scenario.js';
import { clusterSize } from '../ipc.js';
import { fmt } from '../table.js';
import { type PairsOptions, type PairsResult, runPairs } from './pairs.js';

/** The busiest Pairwise instance's CPU, % of a core: the one that saturates first. */
function busiestInstancePct(r: PairsResult): number {
  return Math.max(...r.processCpuPct.filter((p) => p.name.startsWith('instance')).map((p) => p.pct));
}

function processPct(r: PairsResult, name: string): number {
  return r.processCpuPct.find((p) => p.name === name)?.pct ?? Number.NaN;
}

const METRICS: readonly Metric<PairsResult>[] = [
  { key: 'p50Ms', label: 'cross-instance p50 ms', value: (r) => r.latency.p50, format: fmt.ms, better: 'lower' },
  { key: 'p99Ms', label: 'cross-instance p99 ms', value: (r) => r.latency.p99, format: fmt.ms, better: 'lower' },
  {
    key: 'deliveredPerSecond',
    label: 'delivered updates/s (total)',
    value: (r) => r.deliveredPerSecond,
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
export function scaleOutScenario(options: PairsOptions): ComparedScenario<PairsResult> {
  return {
    name: 'scale-out',
    title: `Scale-out: ${options.rooms} rooms x 2 thin clients typing ${options.charsPerSecond} chars/s for ${options.durationMs / 1000} s on 1, 2, 3 instances (PostgreSQL + Redis)`,
    metrics: METRICS,
    notes: [
      "A room's partners are on different instances (instance r and r+1 of room r): with 2 or 3, every keystroke crosses",
      '  the Redis room bus; with 1 it is the same processes without a second hop (the baseline).',
      'Every instance and the redis-server are pinned to core 0 with the generator on core 1, as every server is, so the',
      '  cluster never gets more CPU than one process: the total throughput cannot grow with instances on this machine;',
      '  what the table shows is the cost of scale-out (CPU per update, latency of the extra hop) at the same load.',
      "Cluster CPU includes the PostgreSQL backends of the cluster's database (shared server, not pinned: they may use core 1).",
      'Same offered load on every size: delivered/s differs only where a cluster falls behind.',
    ],
    supports: (kind) => clusterSize(kind) > 0,
    run: (server, scope) => runPairs(server, options, scope),
  };
}
