import { fileURLToPath } from 'node:url';
import { PEER_COMPARISON_KINDS } from './compare.js';
import { SERVER_KINDS, type ServerKind, wireOf } from './ipc.js';
import type { CapacityOptions } from './scenarios/capacity.js';
import type { ColdLoadOptions } from './scenarios/cold-load.js';
import type { CrowdedOptions } from './scenarios/crowded.js';
import type { PairsOptions } from './scenarios/pairs.js';
import type { SaturationOptions } from './scenarios/saturation.js';
import type { ScaleOutOptions } from './scenarios/scale-out.js';
import type { StorageOptions } from './scenarios/storage.js';

export const SCENARIOS = [
  'pairs',
  'crowded',
  'saturation',
  'capacity',
  'cold-load',
  'storage',
  'scale-out',
  'keystroke',
  'fanout',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** What --smoke runs unless `only=` says otherwise: every compared scenario of issue 9, tiny. */
const COMPARED_SCENARIOS: readonly ScenarioName[] = ['pairs', 'crowded', 'saturation', 'capacity', 'cold-load', 'storage', 'scale-out'];
/**
 * What --quick runs: the three scenarios the latency, CPU and throughput targets are about, on
 * Pairwise (one process) and every peer, in under 5 minutes. Memory, cold load, storage and
 * scale-out (and the two-instance column) need the full run: `npm run bench`, or `only=`.
 */
const QUICK_SCENARIOS: readonly ScenarioName[] = ['pairs', 'crowded', 'saturation'];

/** The older scenarios' default servers: they drive stock y-websocket providers. */
const PROVIDER_SCENARIO_KINDS: readonly ServerKind[] = [
  'pairwise-memory',
  'pairwise-sqlite',
  'pairwise-sqlite-slow',
  'y-websocket-server',
  'ws-relay',
];

/** Scenario 6 compares Pairwise's two stores; scenario 7, one to three instances on PostgreSQL + Redis. */
const STORAGE_KINDS: readonly ServerKind[] = ['pairwise-sqlite', 'pairwise-postgres'];
const SCALE_OUT_KINDS: readonly ServerKind[] = ['pairwise-cluster-1', 'pairwise-cluster', 'pairwise-cluster-3'];

export interface Settings {
  scenarios: ScenarioName[];
  /** Servers of the pair-rooms comparison. */
  peerServers: ServerKind[];
  /** Servers of the stock-provider scenarios (keystroke, fanout). */
  providerServers: ServerKind[];
  /** Servers of scenario 6 (storage) and 7 (scale-out); `servers=` picks among them too. */
  storageServers: ServerKind[];
  scaleOutServers: ServerKind[];
  pairs: PairsOptions;
  crowded: CrowdedOptions;
  saturation: SaturationOptions;
  capacity: CapacityOptions;
  coldLoad: ColdLoadOptions;
  storage: StorageOptions;
  /** The pair-rooms workload again, on one to three instances, and a saturation ramp at full size. */
  scaleOut: ScaleOutOptions;
  runs: number;
  /** Runs of the saturation climb: its longest scenario, so --quick climbs once per server. */
  saturationRuns: number;
  /** Where the pair-rooms results JSON goes. */
  resultsDir: string;
  /** Room sizes of the keystroke scenario. */
  clients: number[];
  fanoutUpdates: number;
  keystrokeSeconds: number;
}

/**
 * Sizes. Full is the (500 pair rooms x 2 x 5 chars/s; a room of 100 with 10 typists;
 * saturation climbing from 1,000 keystrokes/s in 3 s steps; 10,000 idle connections; a
 * 250,000-op history). Quick shortens every compared scenario (3 interleaved runs; one
 * saturation climb per server, 1 s steps from 1,500/s); smoke only proves the harness works (part
 * of `npm test`).
 * Scale-out runs the pair-rooms workload lighter (500 keystrokes/s): the whole cluster shares the
 * server's one core, and two instances spend about that core at 1,000 updates/s (measured: 0.8-1 s
 * of CPU per 1,000), where a saturated run says nothing about the extra hop's latency; its
 * saturation ramp (full size only: it triples the scenario's time) finds each size's limit. It settles 0.5 s, not 2.5: it
 * runs Pairwise only, which stores within its 100 ms window. Storage rates double each step until
 * the server stops keeping up (or the last is reached); a step ends as soon as its edits are stored.
 */
const PRESETS = {
  full: {
    rooms: 500,
    seconds: 10,
    runs: 3,
    settleMs: 2_500,
    crowd: { clients: 100, typists: 10, seconds: 10 },
    climb: { rooms: 100, startCharsPerSecond: 5, growth: 1.5, stepMs: 3_000, maxSteps: 12, refineSteps: 2 },
    climbRuns: 3,
    capacity: { connections: 10_000 },
    coldLoad: { ops: 250_000, coldJoins: 5 },
    scaleOut: { rooms: 50, seconds: 10, settleMs: 500, saturationRates: [2, 4, 6, 8, 12, 16], saturationStepMs: 3_000 },
    storage: { rooms: 50, stepMs: 5_000, rates: [1_000, 2_000, 4_000, 8_000, 12_000, 16_000, 24_000, 32_000] },
  },
  quick: {
    rooms: 100,
    seconds: 3,
    runs: 3,
    // Hocuspocus' store debounce (2 s) then lands outside the window: counted against nobody but
    // Hocuspocus, in its favour. Pairwise's 100 ms commit window lands inside. Full runs settle 2.5 s;
    // quick ones spend their time on the warm-up instead (until the JIT settled: warm-up.ts).
    settleMs: 500,
    crowd: { clients: 50, typists: 5, seconds: 2 },
    climb: { rooms: 50, startCharsPerSecond: 15, growth: 1.6, stepMs: 1_000, maxSteps: 8, refineSteps: 1 },
    climbRuns: 1,
    capacity: { connections: 1_000 },
    coldLoad: { ops: 50_000, coldJoins: 2 },
    scaleOut: { rooms: 50, seconds: 2, settleMs: 500, saturationRates: [], saturationStepMs: 0 },
    storage: { rooms: 20, stepMs: 1_000, rates: [2_000, 4_000, 8_000, 16_000] },
  },
  // Its CPU figures mean nothing anyway: no need to wait for deferred storage work.
  smoke: {
    rooms: 3,
    seconds: 1,
    runs: 1,
    settleMs: 200,
    crowd: { clients: 6, typists: 2, seconds: 1 },
    climb: { rooms: 2, startCharsPerSecond: 5, growth: 2, stepMs: 500, maxSteps: 2, refineSteps: 1 },
    climbRuns: 1,
    capacity: { connections: 20 },
    coldLoad: { ops: 2_000, coldJoins: 1 },
    scaleOut: { rooms: 3, seconds: 1, settleMs: 200, saturationRates: [10], saturationStepMs: 500 },
    storage: { rooms: 3, stepMs: 500, rates: [100, 200] },
  },
} as const;
const P99_LIMIT_MS = 100;
/** Capacity: clients connecting at once, text per room, pause before reading memory. */
const CAPACITY = { batch: 250, roomChars: 200, settleMs: 500 } as const;
/**
 * Cold load: a paste-sized message of 100 ops keeps a 250,000-op ingest to 2,500 messages. The
 * settle outlasts Hocuspocus' 2 s store debounce at every size: a graceful `destroy()` within it
 * sometimes lost the document in our runs.
 */
const COLD_LOAD = { opsPerMessage: 100, warmJoins: 5, settleMs: 2_500 } as const;
const CHARS_PER_SECOND = 5;

const SETTING_KEYS = [
  'only',
  'servers',
  'rooms',
  'runs',
  'out',
  'clients',
  'fanoutUpdates',
  'seconds',
  'connections',
  'ops',
  'watchers',
  'typists',
];
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
  // rooms= and seconds= size both pair-room workloads.
  const pairRooms = (sizes: { rooms: number; seconds: number; settleMs: number }): PairsOptions => ({
    rooms: Math.round(positive('rooms', sizes.rooms)),
    charsPerSecond: CHARS_PER_SECOND,
    durationMs: (seconds ?? sizes.seconds) * 1000,
    settleMs: sizes.settleMs,
    lightTypists: list('typists', ['light', 'full'], ['light'])[0] === 'light',
  });
  return {
    scenarios: list(
      'only',
      SCENARIOS,
      flags.has('--quick') ? QUICK_SCENARIOS : comparedOnly ? COMPARED_SCENARIOS : SCENARIOS,
    ) as ScenarioName[],
    peerServers: chosen ?? PEER_COMPARISON_KINDS.filter((kind) => !flags.has('--quick') || kind !== 'pairwise-cluster'),
    providerServers: (chosen ?? PROVIDER_SCENARIO_KINDS).filter((kind) => wireOf(kind) === 'y-websocket'),
    storageServers: (chosen ?? STORAGE_KINDS).filter((kind) => STORAGE_KINDS.includes(kind)),
    scaleOutServers: (chosen ?? SCALE_OUT_KINDS).filter((kind) => SCALE_OUT_KINDS.includes(kind)),
    pairs: pairRooms(preset),
    capacity: {
      ...CAPACITY,
      connections: Math.round(positive('connections', preset.capacity.connections)),
      settleMs: Math.min(CAPACITY.settleMs, preset.settleMs),
    },
    coldLoad: { ...COLD_LOAD, ops: Math.round(positive('ops', preset.coldLoad.ops)), coldJoins: preset.coldLoad.coldJoins },
    storage: { ...preset.storage, rates: [...preset.storage.rates] },
    scaleOut: {
      load: pairRooms(preset.scaleOut),
      saturationRates: [...preset.scaleOut.saturationRates],
      saturationStepMs: preset.scaleOut.saturationStepMs,
    },
    crowded: {
      clients: preset.crowd.clients,
      typists: preset.crowd.typists,
      durationMs: (seconds ?? preset.crowd.seconds) * 1000,
      charsPerSecond: CHARS_PER_SECOND,
      settleMs: preset.settleMs,
      lightWatchers: list('watchers', ['light', 'full'], ['light'])[0] === 'light',
    },
    saturation: { ...preset.climb, p99LimitMs: P99_LIMIT_MS },
    runs: Math.round(positive('runs', preset.runs)),
    saturationRuns: Math.round(positive('runs', preset.climbRuns)),
    resultsDir: args.get('out') ?? DEFAULT_RESULTS_DIR,
    clients: list('clients', ['2', '16', '64']).map(Number),
    fanoutUpdates: Math.round(positive('fanoutUpdates', 1_000)),
    keystrokeSeconds: seconds ?? 3,
  };
}
