/**
 * Child-process entry for one server under test: `node --expose-gc server-main.js <kind> <dataDir>`.
 * Runs in its own process so the server never shares an event loop (or a core's time slice) with
 * the measuring clients. Talks to the benchmark only over the IPC channel and dies with it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  BENCH_DATABASE_URL_ENV,
  BENCH_REDIS_URL_ENV,
  isServerKind,
  type ChildMessage,
  type LoopDelay,
  type MemorySample,
  type ParentMessage,
  type ServerKind,
} from './ipc.js';
import type { BenchServer } from './peers/bench-server.js';
import { pinProcess } from './pinning.js';
import { threadCpuMs } from './proc-stats.js';

/** How much longer each SQLite commit takes for `pairwise-sqlite-slow`: fsyncs of 5-230 ms were seen under disk load. */
const SLOW_COMMIT_MS = 200;

/**
 * The threads this process has before any server code runs: besides the main thread, V8's platform
 * workers, which run its optimizing compiler and the GC's parallel and concurrent helpers. Their CPU
 * tells when a server's JIT has settled (scenarios/warm-up.ts). Threads a server starts later
 * (Pairwise's SQLite worker, libuv's pool) are not among them.
 */
const v8HelperThreads = readdirSync('/proc/self/task')
  .map(Number)
  .filter((tid) => tid !== process.pid);

function v8HelperCpuMs(): number {
  // A thread that has exited no longer counts (NaN); V8 keeps its workers for the process' life.
  return v8HelperThreads.reduce((sum, tid) => sum + (threadCpuMs(process.pid, tid) || 0), 0);
}

/** This process' CPU time in µs resolution, every thread counted (exited ones too: getrusage). */
function cpuUsageMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

/** Imports only the server asked for: loading all of them would slow every start and skew RSS. */
async function start(kind: ServerKind, dataDir: string): Promise<BenchServer> {
  switch (kind) {
    case 'pairwise-memory':
      return (await import('./peers/pairwise.js')).startPairwise('memory', dataDir);
    case 'pairwise-sqlite':
      return (await import('./peers/pairwise.js')).startPairwise('sqlite', dataDir);
    case 'pairwise-sqlite-slow':
      return (await import('./peers/pairwise.js')).startPairwise('sqlite', dataDir, SLOW_COMMIT_MS);
    case 'pairwise-postgres':
    case 'pairwise-cluster':
    case 'pairwise-cluster-1':
    case 'pairwise-cluster-3': {
      // servers.ts made the database (and the cluster's redis-server) and passes them in the environment.
      const databaseUrl = process.env[BENCH_DATABASE_URL_ENV];
      if (!databaseUrl) throw new Error(`${kind} needs ${BENCH_DATABASE_URL_ENV}`);
      const redisUrl = process.env[BENCH_REDIS_URL_ENV] ?? null;
      return (await import('./peers/pairwise.js')).startPairwiseOnPostgres(databaseUrl, redisUrl, dataDir);
    }
    case 'y-websocket-server':
      return (await import('./peers/reference.js')).startReference();
    case 'y-websocket-classic':
      return (await import('./peers/classic.js')).startClassic();
    case 'hocuspocus':
      return (await import('./peers/hocuspocus.js')).startHocuspocus('memory', dataDir);
    case 'hocuspocus-sqlite':
      return (await import('./peers/hocuspocus.js')).startHocuspocus('sqlite', dataDir);
    case 'ws-relay':
      return (await import('./peers/relay.js')).startRelay();
  }
}

function memorySample(): MemorySample {
  // Two collections: the first can leave garbage that only a second one frees (weak refs, finalizers).
  globalThis.gc?.();
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return { rss, heapUsed, peakRss: hwm ? Number(hwm[1]) * 1024 : rss };
}

/** Sampled every 5 ms; measured the same way whatever server runs in this process. */
const LOOP_DELAY_RESOLUTION_MS = 5;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
loopDelay.enable();

/**
 * Delay since the previous reading (the histogram is reset each time): how late the timer ran. Node
 * records each whole interval between the timer's runs, so its period comes off.
 */
function loopDelaySample(): LoopDelay {
  const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_DELAY_RESOLUTION_MS);
  const sample = { p99Ms: late(loopDelay.percentile(99)), maxMs: late(loopDelay.max) };
  loopDelay.reset();
  return sample;
}

async function handle(server: BenchServer, message: ParentMessage): Promise<void> {
  try {
    switch (message.type) {
      case 'createRooms':
        await server.createRooms(message.roomIds);
        return send({ type: 'reply', id: message.id });
      case 'memory':
        return send({ type: 'reply', id: message.id, memory: memorySample() });
      case 'loopDelay':
        return send({ type: 'reply', id: message.id, loopDelay: loopDelaySample() });
      case 'v8HelperCpu':
        return send({ type: 'reply', id: message.id, v8HelperCpuMs: v8HelperCpuMs() });
      case 'cpuUsage':
        return send({ type: 'reply', id: message.id, cpuUsageMs: cpuUsageMs() });
      case 'isLoaded':
        return send({ type: 'reply', id: message.id, loaded: server.isLoaded?.(message.roomId) });
      case 'stop':
        loopDelay.disable();
        await server.stop();
        send({ type: 'reply', id: message.id });
        process.disconnect();
        return;
    }
  } catch (err) {
    send({ type: 'reply', id: message.id, error: (err as Error).message });
  }
}

async function main(): Promise<void> {
  // The benchmark gone (crashed, killed) means nobody will stop us: exit rather than linger.
  process.on('disconnect', () => process.exit(0));
  const [kind = '', dataDir = '', cpus] = process.argv.slice(2);
  if (!isServerKind(kind)) throw new Error(`unknown server kind ${kind}`);
  // Before any server code runs: worker threads it starts later (Pairwise's SQLite worker, libuv's pool) inherit the mask.
  if (cpus !== undefined) pinProcess(process.pid, cpus);
  const server = await start(kind, dataDir);
  process.on('message', (message: ParentMessage) => void handle(server, message));
  send({ type: 'ready', port: server.port });
}

main().catch((err: unknown) => {
  send({ type: 'failed', error: (err as Error).message });
  process.exit(1);
});
