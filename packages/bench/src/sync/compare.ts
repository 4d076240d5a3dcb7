import { attempt, type Outcome } from './outcome.js';
import { allCpus, canPin, pinProcess } from './pinning.js';
import type { ComparedScenario, RunResult } from './compared-scenario.js';
import { withScope } from './scope.js';
import type { ServerKind } from './ipc.js';
import { launchServer, SERVER_LABELS } from './servers.js';

/**
 * The servers scenario 1 compares by default: Pairwise with durable storage (one process on SQLite,
 * and two instances on PostgreSQL + Redis) against every peer. Pairwise / best peer uses the first.
 */
export const PEER_COMPARISON_KINDS: readonly ServerKind[] = [
  'pairwise-sqlite',
  'pairwise-cluster',
  'y-websocket-classic',
  'y-websocket-server',
  'hocuspocus',
  'hocuspocus-sqlite',
];

/** The server a target is about, and the ones it is measured against (not the relay: it keeps no document). */
export function isPairwise(kind: ServerKind): boolean {
  return kind.startsWith('pairwise-');
}
export function isPeer(kind: ServerKind): boolean {
  return !isPairwise(kind) && kind !== 'ws-relay';
}

export interface Comparison<R extends RunResult> {
  scenario: ComparedScenario<R>;
  runCount: number;
  /** Server on core 0, this process (the load generator) on core 1. */
  pinned: boolean;
  /** Per server, one outcome per run, in run order. */
  runs: Map<ServerKind, Outcome<R>[]>;
}

const SERVER_CORE = '0';
const GENERATOR_CORE = '1';

/**
 * Runs `scenario` `runCount` times on every server it supports, interleaved (run 1 on every server, then run 2 on
 * every server, each round starting one server later), so drift in the machine's load is spread
 * over all of them rather than landing on one. Every run gets a fresh server process.
 */
export async function runComparison<R extends RunResult>(
  scenario: ComparedScenario<R>,
  allServers: readonly ServerKind[],
  runCount: number,
): Promise<Comparison<R>> {
  const servers = allServers.filter((kind) => scenario.supports?.(kind) ?? true);
  const pinned = canPin();
  if (pinned) pinProcess(process.pid, GENERATOR_CORE);
  const runs = new Map<ServerKind, Outcome<R>[]>(servers.map((kind) => [kind, []]));
  try {
    for (let round = 0; round < runCount; round++) {
      for (let i = 0; i < servers.length; i++) {
        const kind = servers[(i + round) % servers.length];
        if (kind === undefined) continue;
        const started = performance.now();
        const outcome = await attempt(() =>
          withScope(async (scope) => {
            const server = await launchServer(kind, pinned ? { cpus: SERVER_CORE } : {});
            scope.defer(() => server.stop());
            return scenario.run(server, scope);
          }),
        );
        runs.get(kind)?.push(outcome);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stderr.write(`  run ${round + 1}/${runCount} ${SERVER_LABELS[kind]}: ${seconds} s${describe(scenario, outcome)}\n`);
      }
    }
  } finally {
    if (pinned) pinProcess(process.pid, allCpus());
  }
  return { scenario, runCount, pinned, runs };
}

/** One progress line: the compared figures, the generator's load and the check. */
function describe<R extends RunResult>(scenario: ComparedScenario<R>, outcome: Outcome<R>): string {
  if (!outcome.ok) return ` FAILED: ${outcome.error}`;
  const r = outcome.value;
  const figures = scenario.metrics.filter((m) => m.better).map((m) => `${m.key} ${m.format(m.value(r))}`);
  const check = r.problems.length === 0 ? 'ok' : r.problems.join('; ');
  return `, ${figures.join(', ')}, generator ${r.generatorCpuPct.toFixed(0)}%, ${check}`;
}
