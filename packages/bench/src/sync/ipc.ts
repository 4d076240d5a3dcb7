/** Messages between the benchmark (parent) and a server under test (child), over Node's IPC channel. */

/**
 * `pairwise-sqlite-slow`: every SQLite commit takes 200 ms more (a slow fsync), to show it never delays fan-out.
 * `pairwise-postgres`: one process on a fresh PostgreSQL database. `pairwise-cluster`: two such processes on
 * one database and a private redis-server (the room bus); `-1` and `-3` are the same with one and three.
 * `y-websocket-classic` is y-websocket@1.5.4's `bin/utils` server; `hocuspocus*` is @hocuspocus/server 3.
 */
export const SERVER_KINDS = [
  'pairwise-memory',
  'pairwise-sqlite',
  'pairwise-sqlite-slow',
  'pairwise-postgres',
  'pairwise-cluster',
  'pairwise-cluster-1',
  'pairwise-cluster-3',
  'y-websocket-server',
  'y-websocket-classic',
  'hocuspocus',
  'hocuspocus-sqlite',
  'ws-relay',
] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/**
 * How a server frames its messages. Hocuspocus prefixes every message with the document name and
 * wants an auth message first, so stock y-websocket providers cannot talk to it; only the thin
 * driver (thin-client.ts) speaks both.
 */
export type Wire = 'y-websocket' | 'hocuspocus';

export function wireOf(kind: ServerKind): Wire {
  return kind === 'hocuspocus' || kind === 'hocuspocus-sqlite' ? 'hocuspocus' : 'y-websocket';
}

/** How many Pairwise instances a cluster kind runs (PostgreSQL + Redis); 0 for every other server. */
export function clusterSize(kind: ServerKind): number {
  switch (kind) {
    case 'pairwise-cluster-1':
      return 1;
    case 'pairwise-cluster':
      return 2;
    case 'pairwise-cluster-3':
      return 3;
    default:
      return 0;
  }
}

export function isServerKind(value: string): value is ServerKind {
  return (SERVER_KINDS as readonly string[]).includes(value);
}

/** The environment a PostgreSQL-backed Pairwise child reads its database (and room bus) from. */
export const BENCH_DATABASE_URL_ENV = 'PAIRWISE_BENCH_DATABASE_URL';
export const BENCH_REDIS_URL_ENV = 'PAIRWISE_BENCH_REDIS_URL';

/** Every server is reached at `ws://127.0.0.1:<port>${SYNC_PATH}/<room>`, Pairwise's own URL scheme. */
export const SYNC_PATH = '/ws';

export interface MemorySample {
  /** Resident set size after a forced GC, bytes. */
  rss: number;
  heapUsed: number;
  /** Peak RSS of the process so far (VmHWM), bytes. */
  peakRss: number;
}

/** How late the server's event loop ran since the previous reading: a stall delays every client. */
export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

export type ParentMessage =
  | { id: number; type: 'createRooms'; roomIds: string[] }
  | { id: number; type: 'memory' }
  | { id: number; type: 'loopDelay' }
  | { id: number; type: 'v8HelperCpu' }
  | { id: number; type: 'cpuUsage' }
  | { id: number; type: 'isLoaded'; roomId: string }
  | { id: number; type: 'stop' };

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'failed'; error: string }
  | {
      type: 'reply';
      id: number;
      memory?: MemorySample;
      loopDelay?: LoopDelay;
      v8HelperCpuMs?: number;
      cpuUsageMs?: number;
      loaded?: boolean;
      error?: string;
    };

/** The room id of a `/ws/<room>` request URL, or null. */
export function roomFromUrl(url: string | undefined): string | null {
  const path = (url ?? '').split('?', 1)[0] ?? '';
  const prefix = `${SYNC_PATH}/`;
  if (!path.startsWith(prefix)) return null;
  const room = path.slice(prefix.length);
  return /^[A-Za-z0-9_-]{1,64}$/.test(room) ? room : null;
}
