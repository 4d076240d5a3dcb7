import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killClusterHelpers, launchPostgresBacked, liveClusterHelperCount, usesPostgres } from './cluster.js';
import { processCpuMs, processMemory } from './proc-stats.js';
import { SYNC_PATH, type ChildMessage, type LoopDelay, type MemorySample, type ParentMessage, type ServerKind } from './ipc.js';

export const SERVER_LABELS: Record<ServerKind, string> = {
  'pairwise-memory': 'pairwise/mem',
  'pairwise-sqlite': 'pairwise/sqlite',
  'pairwise-sqlite-slow': 'sqlite+200ms',
  'pairwise-postgres': 'pairwise/pg',
  'pairwise-cluster': 'pairwise/2x pg+redis',
  'pairwise-cluster-1': 'pairwise/1x pg+redis',
  'pairwise-cluster-3': 'pairwise/3x pg+redis',
  'y-websocket-server': 'y-ws-server 0.1.1',
  'y-websocket-classic': 'y-websocket 1.5.4',
  hocuspocus: 'hocuspocus 3.4.4',
  'hocuspocus-sqlite': 'hocuspocus+sqlite',
  'ws-relay': 'ws relay',
};

/** A server under test running in its own child process. */
export interface ServerHandle {
  readonly kind: ServerKind;
  readonly pid: number;
  /** Base URL for `WebsocketProvider`: rooms live at `${wsUrl}/${room}`. */
  readonly wsUrl: string;
  /** The same, one per instance serving the same rooms: `[wsUrl]` for a single process, more for a cluster. */
  readonly wsUrls: readonly string[];
  /** `http://127.0.0.1:<port>` of the (first) instance, e.g. for Pairwise's `/metrics`. */
  readonly httpUrl: string;
  /** Whether the server keeps the document (answers sync step 1 itself); the relay does not. */
  readonly stateful: boolean;
  createRooms(ids: readonly string[]): Promise<void>;
  memory(): Promise<MemorySample>;
  /** Whether the room's document is in memory (on any instance); null where the server does not say (no storage to unload to). */
  isLoaded(roomId: string): Promise<boolean | null>;
  /** Event-loop delay since the previous call (call once to start a measurement window). */
  loopDelay(): Promise<LoopDelay>;
  /**
   * CPU time V8's helper threads (optimizing compiler, GC helpers) have used so far, ms, one figure
   * per Node process (a cluster's instances): while it climbs the server is still warming up.
   */
  v8HelperCpuMs(): Promise<number[]>;
  /** CPU time (user + system) the server's processes have used so far, ms (on PostgreSQL: with its backends and Redis). */
  cpuMs(): number;
  /**
   * The same, to the microsecond where the server can say: each Node process reports its own
   * `process.cpuUsage()` (every thread, exited ones too) over IPC; Redis and PostgreSQL backends are
   * read from /proc. /proc counts 10 ms clock ticks, which is a tenth of a quick crowded-room window's
   * whole CPU. Read it while the server is not busy: the answer waits for its event loop.
   */
  preciseCpuMs(): Promise<number>;
  /** The same, per process: 'server' for one process; each instance, 'redis' and 'postgres' (backends) on PostgreSQL. */
  cpuMsByProcess(): ProcessCpu[];
  /** RSS and peak RSS now (summed over a cluster's processes), read from /proc without disturbing the server (no forced GC). */
  residentMemory(): { rss: number; peakRss: number };
  /** Graceful stop, then SIGKILL if it takes too long; removes the server's temp directory. */
  stop(): Promise<void>;
  /**
   * Graceful stop that keeps the data directory, then a fresh process of the same kind (same cores
   * and environment) on it: what a server with storage loads after a restart. The returned handle
   * owns the directory; this one's `stop()` is then a no-op. Absent for PostgreSQL-backed kinds,
   * whose scratch database belongs to the launch.
   */
  restart?(): Promise<ServerHandle>;
}

export interface ProcessCpu {
  name: string;
  ms: number;
}

export interface LaunchOptions {
  /** Pin the server's processes to these cores (taskset list syntax, e.g. "0"). */
  cpus?: string;
  /** Extra environment of the child (e.g. the database a PostgreSQL-backed Pairwise uses). */
  env?: Record<string, string>;
  /** Reuse this data directory (a restart) instead of a fresh temp one. */
  dataDir?: string;
}

const LAUNCHER = fileURLToPath(new URL('./server-main.js', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** Every child still running and its temp directory, so a crash or Ctrl-C can clean up after them. */
const liveChildren = new Map<ChildProcess, string>();

/** Synchronous, so it can run from a process 'exit' or signal handler. */
export function killAllServers(): void {
  for (const [child, dataDir] of liveChildren) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  killClusterHelpers();
}

/** Server processes still running, a cluster's redis-server included. */
export function liveServerCount(): number {
  return liveChildren.size + liveClusterHelperCount();
}

/** Starts `kind`: one child process, or (PostgreSQL-backed Pairwise) a database, a Redis and instances around them. */
export function launchServer(kind: ServerKind, options: LaunchOptions = {}): Promise<ServerHandle> {
  return usesPostgres(kind) ? launchPostgresBacked(kind, options, launchProcess) : launchProcess(kind, options);
}

/** One server in one child process. */
async function launchProcess(kind: ServerKind, options: LaunchOptions): Promise<ServerHandle> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'pairwise-sync-bench-')));
  const child = fork(LAUNCHER, [kind, dataDir, ...(options.cpus === undefined ? [] : [options.cpus])], {
    env: { ...process.env, ...options.env },
    // Extra node flags for the servers only, e.g. SYNC_BENCH_SERVER_NODE_ARGS=--trace-gc-nvp to trace their GC
    // (with SYNC_BENCH_SERVER_STDOUT=inherit, where V8 prints it; bench/profiling/ reads it).
    execArgv: ['--expose-gc', ...(process.env.SYNC_BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    stdio: ['ignore', process.env.SYNC_BENCH_SERVER_STDOUT === 'inherit' ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  liveChildren.set(child, dataDir);
  // Send failures reach the request that made them; without a listener they would crash the bench.
  child.on('error', () => {});
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => liveChildren.delete(child));
  const cleanup = async (): Promise<void> => {
    child.kill('SIGKILL');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await waitReady(child);
    return handle(kind, child, port, exited, { ...options, dataDir });
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function waitReady(child: ChildProcess): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const settle = (fn: () => void): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      fn();
    };
    const onMessage = (message: ChildMessage): void => {
      if (message.type === 'ready') settle(() => resolve(message.port));
      if (message.type === 'failed') settle(() => reject(new Error(`server failed to start: ${message.error}`)));
    };
    const onExit = (code: number | null): void => settle(() => reject(new Error(`server exited (${code}) while starting`)));
    const timer = setTimeout(() => settle(() => reject(new Error('server did not start in time'))), START_TIMEOUT_MS);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function handle(
  kind: ServerKind,
  child: ChildProcess,
  port: number,
  exited: Promise<void>,
  options: LaunchOptions & { dataDir: string },
): ServerHandle {
  const pid = child.pid ?? -1;
  const request = requester(child);
  let stopping: Promise<void> | null = null;
  const stopChild = (keepData: boolean): Promise<void> => {
    stopping ??= (async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      try {
        if (child.connected) await request({ type: 'stop' }).catch(() => child.kill('SIGKILL'));
        await exited;
      } finally {
        clearTimeout(timer);
        if (!keepData) await rm(options.dataDir, { recursive: true, force: true });
      }
    })();
    return stopping;
  };
  const wsUrl = `ws://127.0.0.1:${port}${SYNC_PATH}`;
  return {
    kind,
    pid,
    wsUrl,
    wsUrls: [wsUrl],
    httpUrl: `http://127.0.0.1:${port}`,
    stateful: kind !== 'ws-relay',
    createRooms: async (roomIds) => void (await request({ type: 'createRooms', roomIds: [...roomIds] })),
    memory: async () => {
      const reply = await request({ type: 'memory' });
      if (!reply.memory) throw new Error('server sent no memory sample');
      return reply.memory;
    },
    isLoaded: async (roomId) => (await request({ type: 'isLoaded', roomId })).loaded ?? null,
    loopDelay: async () => {
      const reply = await request({ type: 'loopDelay' });
      if (!reply.loopDelay) throw new Error('server sent no event-loop delay');
      return reply.loopDelay;
    },
    v8HelperCpuMs: async () => {
      const reply = await request({ type: 'v8HelperCpu' });
      if (reply.v8HelperCpuMs === undefined) throw new Error('server sent no helper-thread CPU');
      return [reply.v8HelperCpuMs];
    },
    cpuMs: () => processCpuMs(pid),
    preciseCpuMs: async () => {
      const reply = await request({ type: 'cpuUsage' });
      if (reply.cpuUsageMs === undefined) throw new Error('server sent no CPU usage');
      return reply.cpuUsageMs;
    },
    cpuMsByProcess: () => [{ name: 'server', ms: processCpuMs(pid) }],
    residentMemory: () => processMemory(pid),
    stop: () => stopChild(false),
    restart: async () => {
      await stopChild(true);
      return launchProcess(kind, options);
    },
  };
}

type Reply = Extract<ChildMessage, { type: 'reply' }>;
type Request = ParentMessage extends infer M ? (M extends ParentMessage ? Omit<M, 'id'> : never) : never;

/** Request/reply over IPC; a request fails if the child dies or does not answer in time. */
function requester(child: ChildProcess): (message: Request) => Promise<Reply> {
  let nextId = 1;
  const pending = new Map<number, { resolve: (reply: Reply) => void; reject: (err: Error) => void }>();
  child.on('message', (message: ChildMessage) => {
    if (message.type !== 'reply') return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message);
  });
  child.once('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`server exited (${code})`));
    pending.clear();
  });
  return (message) =>
    new Promise<Reply>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`server did not answer ${message.type} in time`));
      }, REQUEST_TIMEOUT_MS);
      const done =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          fn(value);
        };
      pending.set(id, { resolve: done(resolve), reject: done(reject) });
      const failed = (err: Error): void => {
        pending.delete(id);
        done(reject)(err);
      };
      if (!child.connected) return failed(new Error(`server is gone (${message.type})`));
      child.send({ ...message, id } as ParentMessage, (err) => err && failed(err));
    });
}
