import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Comparison, isPairwise, isPeer } from './compare.js';
import type { ServerKind } from './ipc.js';
import type { Outcome } from './outcome.js';
import { GENERATOR_CPU_LIMIT_PCT, type PairsResult } from './scenarios/pairs.js';
import { SERVER_LABELS } from './servers.js';
import { fmt, type Table } from './table.js';

interface Metric {
  key: string;
  label: string;
  value: (r: PairsResult) => number;
  format: (v: number) => string;
}

const METRICS: readonly Metric[] = [
  { key: 'p50Ms', label: 'propagation p50 ms', value: (r) => r.latency.p50, format: fmt.ms },
  { key: 'p95Ms', label: 'propagation p95 ms', value: (r) => r.latency.p95, format: fmt.ms },
  { key: 'p99Ms', label: 'propagation p99 ms', value: (r) => r.latency.p99, format: fmt.ms },
  { key: 'cpuMsPer1000', label: 'server CPU ms / 1,000 updates', value: (r) => r.serverCpuMsPer1000, format: fmt.ms },
  { key: 'rssMb', label: 'server RSS MB', value: (r) => r.rss / 2 ** 20, format: (v) => v.toFixed(1) },
  { key: 'peakRssMb', label: 'server peak RSS MB', value: (r) => r.peakRss / 2 ** 20, format: (v) => v.toFixed(1) },
  { key: 'deliveredPerSecond', label: 'delivered updates/s', value: (r) => r.deliveredPerSecond, format: fmt.int },
  { key: 'serverCpuPct', label: 'server CPU % of its core', value: (r) => r.serverCpuPct, format: fmt.pct },
  { key: 'scheduleLagP99Ms', label: 'generator lag p99 ms', value: (r) => r.scheduleLagP99Ms, format: fmt.ms },
  { key: 'cpuPressurePct', label: 'machine CPU pressure (PSI)', value: (r) => r.cpuPressurePct, format: fmt.pct },
];

/** The figures a target compares, where lower is better, for "Pairwise / best peer". */
const COMPARED = new Set(['p50Ms', 'p95Ms', 'p99Ms', 'cpuMsPer1000', 'rssMb', 'peakRssMb']);

interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface ServerSummary {
  kind: ServerKind;
  label: string;
  /** Runs whose generator stayed under the CPU limit and that completed. */
  validRuns: number;
  failedRuns: number;
  /** Every completed run converged. */
  converged: boolean;
  problems: string[];
  maxGeneratorCpuPct: number;
  /** Over the valid runs, or over every completed run if none was valid. */
  metrics: Record<string, Spread>;
}

export function isValid(r: PairsResult): boolean {
  return r.generatorCpuPct <= GENERATOR_CPU_LIMIT_PCT;
}

export function summarizeServer(kind: ServerKind, outcomes: readonly Outcome<PairsResult>[]): ServerSummary {
  const done = outcomes.flatMap((o) => (o.ok ? [o.value] : []));
  const valid = done.filter(isValid);
  const basis = valid.length > 0 ? valid : done;
  const metrics: Record<string, Spread> = {};
  for (const m of METRICS) metrics[m.key] = spread(basis.map(m.value));
  return {
    kind,
    label: SERVER_LABELS[kind],
    validRuns: valid.length,
    failedRuns: outcomes.length - done.length,
    converged: done.length > 0 && done.every((r) => r.converged),
    problems: [...new Set([...done.flatMap((r) => r.problems), ...outcomes.flatMap((o) => (o.ok ? [] : [o.error]))])],
    maxGeneratorCpuPct: Math.max(...done.map((r) => r.generatorCpuPct)),
    metrics,
  };
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median =
    sorted.length === 0 ? NaN : sorted.length % 2 ? (sorted[Math.floor(mid)] ?? NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

/** Pairwise's median over the best (lowest) peer median, per compared metric: below 1 is a win. */
export function pairwiseOverBestPeer(summaries: readonly ServerSummary[]): Record<string, number> {
  const pairwise = summaries.find((s) => s.kind === 'pairwise-sqlite') ?? summaries.find((s) => isPairwise(s.kind));
  const peers = summaries.filter((s) => isPeer(s.kind));
  const ratios: Record<string, number> = {};
  if (!pairwise || peers.length === 0) return ratios;
  for (const key of COMPARED) {
    const best = Math.min(...peers.map((p) => p.metrics[key]?.median ?? NaN).filter(Number.isFinite));
    ratios[key] = (pairwise.metrics[key]?.median ?? NaN) / best;
  }
  return ratios;
}

export function comparisonTable(comparison: Comparison, summaries: readonly ServerSummary[]): Table {
  const { pairs, runs } = comparison.settings;
  const ratios = pairwiseOverBestPeer(summaries);
  const hasRatio = Object.keys(ratios).length > 0;
  const cell = (s: Spread | undefined, format: (v: number) => string): string =>
    !s || !Number.isFinite(s.median) ? '-' : runs > 1 ? `${format(s.median)} (${format(s.min)}-${format(s.max)})` : format(s.median);
  const rows: Array<readonly [string, ...string[]]> = METRICS.map((m) => [
    m.label,
    ...summaries.map((s) => cell(s.metrics[m.key], m.format)),
    ...(hasRatio ? [COMPARED.has(m.key) ? ratioCell(ratios[m.key]) : ''] : []),
  ]);
  rows.push(['generator CPU max', ...summaries.map((s) => fmt.pct(s.maxGeneratorCpuPct)), ...(hasRatio ? [''] : [])]);
  rows.push([
    'valid runs / check',
    ...summaries.map((s) => `${s.validRuns}/${runs} ${s.failedRuns > 0 ? 'FAIL' : s.converged ? 'ok' : 'WRONG'}`),
    ...(hasRatio ? [''] : []),
  ]);
  const problems = summaries.flatMap((s) => s.problems.map((p) => `${s.label}: ${p}`));
  return {
    title: `Pair rooms: ${pairs.rooms} rooms x 2 thin clients typing ${pairs.charsPerSecond} chars/s for ${pairs.durationMs / 1000} s, each keystroke + a cursor update`,
    columns: [...summaries.map((s) => s.label), ...(hasRatio ? ['Pairwise / best peer'] : [])],
    rows,
    notes: [
      `Median of ${runs} interleaved runs (min-max); a fresh server process per run.`,
      comparison.pinned
        ? 'Server pinned to core 0, load generator (this process) to core 1 (taskset).'
        : 'NOT pinned (fewer than 2 cores or no taskset): server and generator share the cores.',
      `A run is invalid if the generator's CPU passed ${GENERATOR_CPU_LIMIT_PCT}% of its core; medians use valid runs only.`,
      `Propagation: sender inserts -> the partner holds it. CPU: first keystroke to ${pairs.settleMs / 1000} s after the last delivery.`,
      'PSI: % of wall time some task waited for a CPU; near 0 on a quiet machine, where latency means most.',
      'Generator lag: how late keystrokes left against their schedule (the generator falling behind).',
      'Check: both clients of every room and a fresh client of 3 rooms hold identical text, nothing lost.',
      ...problems.map((p) => `problem ${p}`),
    ],
  };
}

function ratioCell(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '-' : `${ratio.toFixed(2)}x`;
}

/** Writes `<dir>/<date>.json` (then `<date>-2.json`, ... on the same day); returns the path. */
export async function writeResults(
  dir: string,
  comparison: Comparison,
  summaries: readonly ServerSummary[],
  machine: unknown,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  let path = join(dir, `${date}.json`);
  for (let n = 2; existsSync(path); n++) path = join(dir, `${date}-${n}.json`);
  const results = {
    scenario: 'pairs',
    finishedAt: new Date().toISOString(),
    machine,
    settings: comparison.settings,
    pinned: comparison.pinned,
    pairwiseOverBestPeer: pairwiseOverBestPeer(summaries),
    servers: summaries.map((s) => ({ ...s, runs: comparison.runs.get(s.kind) ?? [] })),
  };
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
