import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Comparison, isPairwise, isPeer } from './compare.js';
import type { ComparedScenario, RunResult } from './compared-scenario.js';
import type { ServerKind } from './ipc.js';
import type { Outcome } from './outcome.js';
import { SERVER_LABELS } from './servers.js';
import { fmt, type Table } from './table.js';

/** The most generator CPU at which its timestamps are still trusted. */
export const GENERATOR_CPU_LIMIT_PCT = 80;

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
  /** Every completed run passed its end-of-run check. */
  converged: boolean;
  problems: string[];
  maxGeneratorCpuPct: number;
  /** Over the valid runs, or over every completed run if none was valid. */
  metrics: Record<string, Spread>;
}

export function isValid(r: RunResult): boolean {
  return r.generatorCpuPct <= GENERATOR_CPU_LIMIT_PCT;
}

export function summarizeServer<R extends RunResult>(
  scenario: ComparedScenario<R>,
  kind: ServerKind,
  outcomes: readonly Outcome<R>[],
): ServerSummary {
  const done = outcomes.flatMap((o) => (o.ok ? [o.value] : []));
  const valid = done.filter(isValid);
  const basis = valid.length > 0 ? valid : done;
  const metrics: Record<string, Spread> = {};
  for (const m of scenario.metrics) metrics[m.key] = spread(basis.map(m.value));
  return {
    kind,
    label: SERVER_LABELS[kind],
    validRuns: valid.length,
    failedRuns: outcomes.length - done.length,
    converged: done.length > 0 && done.every((r) => r.problems.length === 0),
    problems: [...new Set([...done.flatMap((r) => r.problems), ...outcomes.flatMap((o) => (o.ok ? [] : [o.error]))])],
    maxGeneratorCpuPct: Math.max(...done.map((r) => r.generatorCpuPct)),
    metrics,
  };
}

function spread(values: readonly number[]): Spread {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median =
    sorted.length === 0 ? NaN : sorted.length % 2 ? (sorted[Math.floor(mid)] ?? NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

/**
 * Pairwise's median over the best peer median, per compared metric, oriented so that below 1 is
 * always a win: for 'higher is better' figures it is the best peer over Pairwise.
 */
export function pairwiseOverBestPeer<R extends RunResult>(
  scenario: ComparedScenario<R>,
  summaries: readonly ServerSummary[],
): Record<string, number> {
  const pairwise = summaries.find((s) => s.kind === 'pairwise-sqlite') ?? summaries.find((s) => isPairwise(s.kind));
  const peers = summaries.filter((s) => isPeer(s.kind));
  const ratios: Record<string, number> = {};
  if (!pairwise || peers.length === 0) return ratios;
  for (const { key, better } of scenario.metrics) {
    if (!better) continue;
    const medians = peers.map((p) => p.metrics[key]?.median ?? NaN).filter(Number.isFinite);
    // No peer measured this figure (e.g. from storage, with no storage peer among the servers): no ratio.
    if (medians.length === 0) continue;
    const ours = pairwise.metrics[key]?.median ?? NaN;
    ratios[key] = better === 'lower' ? ours / Math.min(...medians) : Math.max(...medians) / ours;
  }
  return ratios;
}

export function comparisonTable<R extends RunResult>(comparison: Comparison<R>, summaries: readonly ServerSummary[]): Table {
  const { scenario, runCount } = comparison;
  const ratios = pairwiseOverBestPeer(scenario, summaries);
  const hasRatio = Object.keys(ratios).length > 0;
  const cell = (s: Spread | undefined, format: (v: number) => string): string =>
    !s || !Number.isFinite(s.median) ? '-' : runCount > 1 ? `${format(s.median)} (${format(s.min)}-${format(s.max)})` : format(s.median);
  const rows: Array<readonly [string, ...string[]]> = scenario.metrics.map((m) => [
    m.label,
    ...summaries.map((s) => cell(s.metrics[m.key], m.format)),
    ...(hasRatio ? [m.better ? ratioCell(ratios[m.key]) : ''] : []),
  ]);
  rows.push(['generator CPU max', ...summaries.map((s) => fmt.pct(s.maxGeneratorCpuPct)), ...(hasRatio ? [''] : [])]);
  rows.push([
    'valid runs / check',
    ...summaries.map((s) => `${s.validRuns}/${runCount} ${s.failedRuns > 0 ? 'FAIL' : s.converged ? 'ok' : 'WRONG'}`),
    ...(hasRatio ? [''] : []),
  ]);
  const problems = summaries.flatMap((s) => s.problems.map((p) => `${s.label}: ${p}`));
  return {
    title: scenario.title,
    columns: [...summaries.map((s) => s.label), ...(hasRatio ? ['Pairwise / best peer'] : [])],
    rows,
    notes: [
      `Median of ${runCount} interleaved runs (min-max); a fresh server process per run.`,
      comparison.pinned
        ? 'Server pinned to core 0, load generator (this process) to core 1 (taskset).'
        : 'NOT pinned (fewer than 2 cores or no taskset): server and generator share the cores.',
      `A run is invalid if the generator's CPU passed ${GENERATOR_CPU_LIMIT_PCT}% of its core; medians use valid runs only.`,
      'Pairwise / best peer: below 1.00x Pairwise wins (for throughput: best peer / Pairwise).',
      ...scenario.notes,
      ...problems.map((p) => `problem ${p}`),
    ],
  };
}

function ratioCell(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '-' : `${ratio.toFixed(2)}x`;
}

/** One scenario's part of the results file. */
export function scenarioResults<R extends RunResult>(comparison: Comparison<R>, summaries: readonly ServerSummary[]): unknown {
  return {
    title: comparison.scenario.title,
    runCount: comparison.runCount,
    pinned: comparison.pinned,
    pairwiseOverBestPeer: pairwiseOverBestPeer(comparison.scenario, summaries),
    servers: summaries.map((s) => ({ ...s, runs: comparison.runs.get(s.kind) ?? [] })),
  };
}

/** Writes `<dir>/<date>.json` (then `<date>-2.json`, ... on the same day); returns the path. */
export async function writeResults(dir: string, results: { machine: unknown; scenarios: Record<string, unknown> }): Promise<string> {
  await mkdir(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  let path = join(dir, `${date}.json`);
  for (let n = 2; existsSync(path); n++) path = join(dir, `${date}-${n}.json`);
  await writeFile(path, `${JSON.stringify({ finishedAt: new Date().toISOString(), ...results }, null, 2)}\n`);
  return path;
}
