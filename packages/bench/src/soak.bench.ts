/**
 * Soak: rooms open and close for a bounded run, and memory, loaded rooms, open handles and (with
 * `--redis`) Redis pub/sub channels must come back to where they started once idle rooms unload.
 *
 *   node --expose-gc dist/soak.bench.js [--rooms 2000] [--seconds 60] [--redis]
 *
 * Each round creates a room through the API, connects two stock y-websocket clients, types a few
 * edits, waits until both see them, and disconnects. Exits 1 if the check fails.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CODE_TEXT, type CreatedRoom } from '@pairwise/protocol';
import {
  createPairwiseServer,
  DEFAULT_LIMITS,
  loadConfig,
  LocalCompletionProvider,
  MemoryRoomStore,
  type PairwiseServer,
  RedisRoomBus,
} from '@pairwise/server';

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Short, so a closed room unloads (and leaves the bus) quickly. */
const ROOM_IDLE_MS = 100;
const EDITS_PER_CLIENT = 5;
const WARM_UP_ROOMS = 20;
/** Heap may grow this much after GC, absolute or relative to the start (whichever is larger). */
const HEAP_BOUND_BYTES = 20 * 1024 * 1024;
const HEAP_BOUND_RATIO = 0.25;
const SETTLE_TIMEOUT_MS = 10_000;
const MiB = 1024 * 1024;

type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>;
const WebSocketPolyfill = WebSocket as unknown as NonNullable<ProviderOptions['WebSocketPolyfill']>;

interface Snapshot {
  rss: number;
  heapUsed: number;
  roomsLoaded: number;
  handles: Record<string, number>;
  /** Redis only: presence channels subscribed under the prefix, room logs the bus reads. */
  channels?: number;
  streams?: number;
}

interface Soak {
  server: PairwiseServer;
  baseUrl: string;
  wsUrl: string;
  bus: RedisRoomBus | null;
  redis: Redis | null;
  keyPrefix: string;
}

function options(): { rooms: number; seconds: number; redis: boolean } {
  const { values } = parseArgs({
    options: {
      rooms: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '60' },
      redis: { type: 'boolean', default: false },
    },
  });
  const rooms = Number(values.rooms);
  const seconds = Number(values.seconds);
  if (!(rooms > 0) || !(seconds > 0)) throw new Error('--rooms and --seconds must be positive numbers');
  return { rooms, seconds, redis: values.redis };
}

async function startSoak(withRedis: boolean): Promise<Soak> {
  const keyPrefix = `bench:soak:${randomUUID()}:`;
  const bus = withRedis ? new RedisRoomBus({ url: REDIS_URL, keyPrefix }) : null;
  const store = new MemoryRoomStore();
  const server = await createPairwiseServer({
    store,
    ...(bus ? { bus } : {}),
    log: pino({ level: 'silent' }),
    webDistDir: null,
    flushWindowMs: 20,
    maxRoomBacklogBytes: 8 * MiB,
    maxBacklogBytes: 64 * MiB,
    shutdownRetryMs: 2_000,
    idleUnloadMs: ROOM_IDLE_MS,
    compactionThreshold: 500,
    maxMessageBytes: 4 * MiB,
    maxBufferedBytes: 4 * MiB,
    pingIntervalMs: 30_000,
    completionProvider: new LocalCompletionProvider(),
    autocompleteRequestsPerMinute: 600,
    // Every soak client is 127.0.0.1: lift the per-address limits, keep the rest as in production.
    limits: {
      ...DEFAULT_LIMITS,
      connectionsPerAddress: 1_000_000,
      connectsPerMinute: 1_000_000,
      apiRequestsPerMinute: 1_000_000,
      roomCreationsPerHour: 1_000_000,
    },
    allowedOrigins: null,
    trustProxy: false,
    auth: { ...loadConfig({}, '.', '.').auth, secret: randomUUID().repeat(2), maxRoomsPerUser: 1_000_000 },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const redis = withRedis ? new Redis(REDIS_URL) : null;
  return { server, baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws`, bus, redis, keyPrefix };
}

async function createRoom(soak: Soak): Promise<string> {
  const response = await fetch(`${soak.baseUrl}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ language: 'plaintext' }),
  });
  if (response.status !== 201) throw new Error(`create room: ${response.status} ${await response.text()}`);
  return ((await response.json()) as CreatedRoom).id;
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = SETTLE_TIMEOUT_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      console.error(`timed out waiting: ${what}`);
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** One room's life: two clients join, each types a few edits, both see all of them, both leave. */
async function roomRound(soak: Soak): Promise<void> {
  const roomId = await createRoom(soak);
  const clients = [0, 1].map(() => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(soak.wsUrl, roomId, doc, { WebSocketPolyfill, disableBc: true });
    return { doc, provider, text: doc.getText(CODE_TEXT) };
  });
  try {
    if (!(await waitUntil(() => clients.every((c) => c.provider.synced), `room ${roomId} synced`))) throw new Error('sync timed out');
    const before = clients[0]!.text.length;
    for (let i = 0; i < EDITS_PER_CLIENT; i++) {
      for (const [n, c] of clients.entries()) c.text.insert(0, `${n}:${i} `);
    }
    const expected = before + clients.length * EDITS_PER_CLIENT * '0:0 '.length;
    if (!(await waitUntil(() => clients.every((c) => c.text.length === expected), `room ${roomId} edits`)))
      throw new Error('edits timed out');
  } finally {
    for (const c of clients) {
      c.provider.destroy();
      c.provider.awareness.destroy();
      c.doc.destroy();
    }
  }
}

function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

async function snapshot(soak: Soak): Promise<Snapshot> {
  // Two collections: the first can leave garbage only a second one frees (weak refs, finalizers).
  globalThis.gc?.();
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  const shot: Snapshot = { rss, heapUsed, roomsLoaded: [...soak.server.registry.loadedRooms()].length, handles: handleCounts() };
  if (soak.redis && soak.bus) {
    shot.channels = ((await soak.redis.pubsub('CHANNELS', `${soak.keyPrefix}*`)) as string[]).length;
    shot.streams = soak.bus.joinedRoomCount;
  }
  return shot;
}

function print(label: string, s: Snapshot): void {
  const handles = Object.entries(s.handles)
    .map(([type, n]) => `${type}=${n}`)
    .join(' ');
  const redis = s.channels === undefined ? '' : `  redis channels ${s.channels}  streams ${s.streams}`;
  console.log(
    `${label}: rss ${(s.rss / MiB).toFixed(1)} MiB  heap ${(s.heapUsed / MiB).toFixed(1)} MiB  rooms loaded ${s.roomsLoaded}${redis}  handles ${handles}`,
  );
}

/** What went wrong between the two snapshots; empty when the soak passes. */
function failures(start: Snapshot, end: Snapshot): string[] {
  const problems: string[] = [];
  const heapBound = Math.max(HEAP_BOUND_BYTES, start.heapUsed * HEAP_BOUND_RATIO);
  const growth = end.heapUsed - start.heapUsed;
  if (growth > heapBound) problems.push(`heap grew ${(growth / MiB).toFixed(1)} MiB (bound ${(heapBound / MiB).toFixed(1)} MiB)`);
  if (end.roomsLoaded !== start.roomsLoaded) problems.push(`rooms loaded ${start.roomsLoaded} -> ${end.roomsLoaded}`);
  if (end.channels !== start.channels) problems.push(`redis channels ${start.channels} -> ${end.channels}`);
  if (end.streams !== start.streams) problems.push(`bus streams ${start.streams} -> ${end.streams}`);
  for (const type of new Set([...Object.keys(start.handles), ...Object.keys(end.handles)])) {
    if (start.handles[type] !== end.handles[type])
      problems.push(`open ${type} handles ${start.handles[type] ?? 0} -> ${end.handles[type] ?? 0}`);
  }
  return problems;
}

/**
 * Rooms unloaded, so a snapshot counts only what stays. The bus keeps one stream and channel of
 * its own (the cluster-wide one), so its rooms are checked against the start, not against zero.
 */
async function settle(soak: Soak): Promise<void> {
  await waitUntil(() => [...soak.server.registry.loadedRooms()].length === 0, 'rooms unloaded');
  // Leaving the bus, closed sockets and the unload's timers finish on the next turns of the loop.
  await new Promise((resolve) => setTimeout(resolve, ROOM_IDLE_MS * 5));
}

async function stopSoak(soak: Soak): Promise<void> {
  await soak.server.close();
  if (soak.redis) {
    const keys = await soak.redis.keys(`${soak.keyPrefix}*`);
    if (keys.length > 0) await soak.redis.del(...keys);
    soak.redis.disconnect();
  }
}

async function main(): Promise<number> {
  const { rooms, seconds, redis } = options();
  if (!globalThis.gc) console.warn('run with node --expose-gc: memory is measured without a forced collection');
  const soak = await startSoak(redis);
  try {
    for (let i = 0; i < WARM_UP_ROOMS; i++) await roomRound(soak);
    await settle(soak);
    const start = await snapshot(soak);
    print('start', start);
    const deadline = Date.now() + seconds * 1000;
    let done = 0;
    while (done < rooms && Date.now() < deadline) {
      await roomRound(soak);
      done++;
    }
    await settle(soak);
    const end = await snapshot(soak);
    print(`end (${done} rooms)`, end);
    const problems = failures(start, end);
    for (const problem of problems) console.error(`FAIL: ${problem}`);
    if (problems.length === 0) console.log('PASS: memory, rooms, handles and channels back to their start values');
    return problems.length === 0 ? 0 : 1;
  } finally {
    await stopSoak(soak);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
