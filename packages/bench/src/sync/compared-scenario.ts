import type { ServerKind } from './ipc.js';
import type { Scope } from './scope.js';
import type { ServerHandle } from './servers.js';

/** One figure of a scenario's result, as a row of its table and a key in the results JSON. */
export interface Metric<R> {
  key: string;
  label: string;
  value: (result: R) => number;
  format: (value: number) => string;
  /**
   * How Pairwise is compared with the best peer on this figure: 'lower' (latency, CPU, memory) or
   * 'higher' (throughput) is better. Absent: shown, not compared (e.g. the generator's lag).
   */
  better?: 'lower' | 'higher';
}

/** What every result of a compared scenario carries, whatever else it measures. */
export interface RunResult {
  /** The load generator's CPU over the measured window, % of its core: above 80% the run is invalid. */
  generatorCpuPct: number;
  /** Everything the end-of-run check found wrong (lost edits, documents that differ, disconnects). */
  problems: string[];
}

/**
 * A scenario of issue 9 that runs on every server, Pairwise and its peers, in one interleaved
 * comparison (compare.ts) and reports side by side with Pairwise / best peer (compare-report.ts).
 * `run` gets a fresh server process (pinned to core 0; this process is on core 1) and must close
 * whatever it opens through `scope`.
 */
export interface ComparedScenario<R extends RunResult> {
  /** Key in the results JSON and in `only=`. */
  readonly name: string;
  /** Table heading: the workload in one line. */
  readonly title: string;
  readonly metrics: readonly Metric<R>[];
  /** Lines under the table: how each figure is measured. */
  readonly notes: readonly string[];
  /** Servers this scenario runs on, when not every server of the comparison can take it. */
  supports?(kind: ServerKind): boolean;
  run(server: ServerHandle, scope: Scope): Promise<R>;
}
