import { fileURLToPath } from 'node:url';
import { PEER_COMPARISON_KINDS } from './compare.js';
import { SERVER_KINDS, type ServerKind, wireOf } from './ipc.js';
import type { CapacityOptions } from './scenarios/capacity.js';
import type { ColdLoadOptions } from './scenarios/cold-load.js';
import type { PairsOptions } from './scenarios/pairs.js';

export const SCENARIOS = ['pairs', 'capacity', 'cold-load', 'keystroke', 'fanout'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** What --quick and --smoke run: the issue-9 scenarios compared on every server. */
const COMPARED_SCENARIOS: readonly ScenarioName[] = ['pairs', 'capacity', 'cold-load'];

/** The older scenarios' default servers: they drive stock y-websocket providers. */
const PROVIDER_SCENARIO_KINDS: readonly ServerKind[] = [
  'pairwise-memory',
  'pairwise-sqlite',
  'pairwise-sqlite-slow',
  'y-websocket-server',
  'ws-relay',
];

export interface Settings {
  scenarios: ScenarioName[];
  /** Servers of the pair-rooms comparison. */
  peerServers: ServerKind[];
  /** Servers of the stock-provider scenarios (keystroke, fanout). */
  providerServers: ServerKind[];
  pairs: PairsOptions;
  capacity: CapacityOptions;
  coldLoad: ColdLoadOptions;
  runs: number;
  /** Where the pair-rooms results JSON goes. */
  resultsDir: string;
  /** Room sizes of the keystroke scenario. */
  clients: number[];
  fanoutUpdates: number;
  keystrokeSeconds: number;
}

/**
 * Sizes. Full is the (500 pair rooms x 2 x 5 chars/s; 10,000 idle connections; a
 * 250,000-op history); quick keeps 3 interleaved runs of 5 servers under 5 minutes; smoke only
 * proves the harness works (part of `npm test`).
 */
const PRESETS = {
  full: { rooms: 500, seconds: 10, runs: 3, settleMs: 2_500, connections: 10_000, ops: 250_000, coldJoins: 5 },
  quick: { rooms: 100, seconds: 5, runs: 3, settleMs: 2_500, connections: 1_000, ops: 50_000, coldJoins: 2 },
  // Its CPU figures mean nothing anyway: no need to wait for deferred storage work.
  smoke: { rooms: 3, seconds: 1, runs: 1, settleMs: 200, connections: 20, ops: 2_000, coldJoins: 1 },
} as const;
/** Capacity: clients connecting at once, text per room, pause before reading memory. */
const CAPACITY = { batch: 250, roomChars: 200, settleMs: 500 } as const;
/**
 * Cold load: a paste-sized message of 100 ops keeps a 250,000-op ingest to 2,500 messages. The
 * settle outlasts Hocuspocus' 2 s store debounce at every size: its `destroy()` does not flush a
 * pending store, so a restart sooner loses the document.
 */
const COLD_LOAD = { opsPerMessage: 100, warmJoins: 5, settleMs: 2_500 } as const;
const CHARS_PER_SECOND = 5;

const SETTING_KEYS = ['only', 'servers', 'rooms', 'runs', 'out', 'clients', 'fanoutUpdates', 'seconds', 'connections', 'ops'];
const FLAGS = ['--quick', '--smoke'];

const DEFAULT_RESULTS_DIR = fileURLToPath(new URL('../../../../bench/results', import.meta.url));

export function parseSettings(argv: readonly string[]): Settings {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  for (const flag of flags) if (!FLAGS.includes(flag)) throw new Error(`unknown flag ${flag}; use ${FLAGS.join(' or ')}`);
  const preset = flags.has('--smoke') ? PRESETS.smoke : flags.has('--quick') ? PRESETS.quick : PRESETS.full;
  const args = new Map<string, string>();
  for (const arg of argv.filter((a) => !a.startsWith('--'))) {
    const eq = arg.indexOf('=');
    const key = arg.slice(0, eq);
    if (eq < 0 || !SETTING_KEYS.includes(key)) throw new Error(`unknown argument ${arg}; use ${SETTING_KEYS.join('=, ')}=`);
    args.set(key, arg.slice(eq + 1));
  }
  const list = (key: string, all: readonly string[], fallback: readonly string[] = all): string[] => {
    const values = args.get(key)?.split(',').filter(Boolean) ?? [...fallback];
    for (const v of values) if (!all.includes(v)) throw new Error(`unknown ${key} value ${v}; one of ${all.join(', ')}`);
    return values;
  };
  const positive = (key: string, fallback: number): number => {
    const value = Number(args.get(key) ?? fallback);
    if (!(value > 0)) throw new Error(`${key} must be a positive number`);
    return value;
  };
  const comparedOnly = flags.has('--quick') || flags.has('--smoke');
  const chosen = args.has('servers') ? (list('servers', SERVER_KINDS) as ServerKind[]) : null;
  const seconds = args.has('seconds') ? positive('seconds', 1) : null;
  return {
    scenarios: list('only', SCENARIOS, comparedOnly ? COMPARED_SCENARIOS : SCENARIOS) as ScenarioName[],
    peerServers: chosen ?? [...PEER_COMPARISON_KINDS],
    providerServers: (chosen ?? PROVIDER_SCENARIO_KINDS).filter((kind) => wireOf(kind) === 'y-websocket'),
    pairs: {
      rooms: Math.round(positive('rooms', preset.rooms)),
      charsPerSecond: CHARS_PER_SECOND,
      durationMs: (seconds ?? preset.seconds) * 1000,
      settleMs: preset.settleMs,
    },
    capacity: {
      ...CAPACITY,
      connections: Math.round(positive('connections', preset.connections)),
      settleMs: Math.min(CAPACITY.settleMs, preset.settleMs),
    },
    coldLoad: {
      ...COLD_LOAD,
      ops: Math.round(positive('ops', preset.ops)),
      coldJoins: preset.coldJoins,
    },
    runs: Math.round(positive('runs', preset.runs)),
    resultsDir: args.get('out') ?? DEFAULT_RESULTS_DIR,
    clients: list('clients', ['2', '16', '64']).map(Number),
    fanoutUpdates: Math.round(positive('fanoutUpdates', 1_000)),
    keystrokeSeconds: seconds ?? 3,
  };
}
