import { attempt, type Outcome } from './outcome.js';
import { allCpus, canPin, pinProcess } from './pinning.js';
import { type PairsOptions, type PairsResult, runPairs } from './scenarios/pairs.js';
import { withScope } from './scope.js';
import type { ServerKind } from './ipc.js';
import { launchServer, SERVER_LABELS } from './servers.js';

/** The servers scenario 1 compares by default: Pairwise with durable storage against every peer. */
export const PEER_COMPARISON_KINDS: readonly ServerKind[] = [
  'pairwise-sqlite',
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

export interface ComparisonSettings {
  servers: readonly ServerKind[];
  pairs: PairsOptions;
  runs: number;
}

export interface Comparison {
  settings: ComparisonSettings;
  /** Server on core 0, this process (the load generator) on core 1. */
  pinned: boolean;
  /** Per server, one outcome per run, in run order. */
  runs: Map<ServerKind, Outcome<PairsResult>[]>;
}

const SERVER_CORE = '0';
const GENERATOR_CORE = '1';

/**
 * Runs scenario 1 `runs` times on every server, interleaved (run 1 on every server, then run 2 on
 * every server, each round starting one server later), so drift in the machine's load is spread
 * over all of them rather than landing on one. Every run gets a fresh server process.
 */
export async function runComparison(settings: ComparisonSettings): Promise<Comparison> {
  const pinned = canPin();
  if (pinned) pinProcess(process.pid, GENERATOR_CORE);
  const runs = new Map<ServerKind, Outcome<PairsResult>[]>(settings.servers.map((kind) => [kind, []]));
  try {
    for (let round = 0; round < settings.runs; round++) {
      for (let i = 0; i < settings.servers.length; i++) {
        const kind = settings.servers[(i + round) % settings.servers.length];
        if (kind === undefined) continue;
        const started = performance.now();
        const outcome = await attempt(() =>
          withScope(async (scope) => {
            const server = await launchServer(kind, pinned ? { cpus: SERVER_CORE } : {});
            scope.defer(() => server.stop());
            return runPairs(server, settings.pairs, scope);
          }),
        );
        runs.get(kind)?.push(outcome);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stderr.write(`  run ${round + 1}/${settings.runs} ${SERVER_LABELS[kind]}: ${seconds} s${describe(outcome)}\n`);
      }
    }
  } finally {
    if (pinned) pinProcess(process.pid, allCpus());
  }
  return { settings, pinned, runs };
}

function describe(outcome: Outcome<PairsResult>): string {
  if (!outcome.ok) return ` FAILED: ${outcome.error}`;
  const r = outcome.value;
  const check = r.converged ? 'converged' : r.problems.join('; ');
  return `, p99 ${r.latency.p99.toFixed(1)} ms, ${r.serverCpuMsPer1000.toFixed(0)} ms CPU/1k, generator ${r.generatorCpuPct.toFixed(0)}%, ${check}`;
}
