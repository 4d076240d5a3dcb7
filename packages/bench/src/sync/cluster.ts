/**
 * Pairwise on PostgreSQL as a server under test: a fresh database on the local PostgreSQL per launch
 * and, for a cluster kind, a private redis-server (the room bus) and N instances serving the same
 * rooms, each its own process. Every process of it is pinned to the server's core, so a cluster
 * gets the same one core as any single-process server and CPU comparisons stay fair.
 *
 * PAIRWISE_BENCH_POSTGRES_URL names the maintenance database to create scratch databases from
 * (default postgres://postgres@127.0.0.1:5432/postgres, trust auth).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { BENCH_DATABASE_URL_ENV, BENCH_REDIS_URL_ENV, clusterSize, type LoopDelay, type MemorySample, type ServerKind } from './ipc.js';
import { pinProcess } from './pinning.js';
import { DatabaseBackendCpu } from './postgres-cpu.js';
import { processCpuMs, processMemory } from './proc-stats.js';
import type { LaunchOptions, ProcessCpu, ServerHandle } from './servers.js';
import { sum } from './stats.js';

type LaunchChild = (kind: ServerKind, options: LaunchOptions) => Promise<ServerHandle>;

const REDIS_START_TIMEOUT_MS = 10_000;

/** redis-servers still running, so a crash or Ctrl-C can kill them with the servers (servers.ts). */
const liveRedisServers = new Set<ChildProcess>();

/** Synchronous, for process 'exit' and signal handlers. Scratch databases left behind are named pairwise_bench_*. */
export function killClusterHelpers(): void {
  for (const redis of liveRedisServers) redis.kill('SIGKILL');
}

export function liveClusterHelperCount(): number {
  return liveRedisServers.size;
}

export function usesPostgres(kind: ServerKind): boolean {
  return kind === 'pairwise-postgres' || clusterSize(kind) > 0;
}

/**
 * A scratch database, the cluster's redis-server, then its instances. Whatever was started is torn
 * down if a later step fails (instances that did start included).
 */
export async function launchPostgresBacked(kind: ServerKind, options: LaunchOptions, launchChild: LaunchChild): Promise<ServerHandle> {
  const teardown: Array<() => Promise<void>> = [];
  const tearDown = async (): Promise<void> => {
    for (let step = teardown.pop(); step; step = teardown.pop()) await step().catch(() => {});
  };
  try {
    const database = await createScratchDatabase();
    teardown.push(database.drop);
    const backendCpu = await DatabaseBackendCpu.watch(postgresAdminUrl(), database.name);
    teardown.push(() => backendCpu.stop());
    const redis = clusterSize(kind) > 0 ? await startRedis(options.cpus) : null;
    if (redis) teardown.push(redis.stop);
    const env = { ...options.env, [BENCH_DATABASE_URL_ENV]: database.url, ...(redis ? { [BENCH_REDIS_URL_ENV]: redis.url } : {}) };
    const launch = async (): Promise<ServerHandle> => {
      const instance = await launchChild(kind, { ...options, env });
      teardown.push(() => instance.stop());
      return instance;
    };
    // All at once, as a deployment starts them: the schema migration takes an advisory lock.
    const instances = await Promise.all(Array.from({ length: Math.max(1, clusterSize(kind)) }, launch));
    return clusterHandle(kind, instances, { redisPid: redis?.pid ?? null, backendCpu }, tearDown);
  } catch (err) {
    await tearDown();
    throw err;
  }
}

/** What serves the instances: the cluster's redis-server (none for one process) and the database's backends. */
interface Helpers {
  redisPid: number | null;
  backendCpu: DatabaseBackendCpu;
}

/**
 * The instances as one server: URLs of each, stopped together, CPU summed with Redis' and the
 * PostgreSQL backends' (storage work SQLite does in-process), memory summed with Redis'.
 */
function clusterHandle(
  kind: ServerKind,
  instances: readonly ServerHandle[],
  helpers: Helpers,
  tearDown: () => Promise<void>,
): ServerHandle {
  const [first] = instances;
  if (!first) throw new Error('a cluster needs an instance');
  const { redisPid, backendCpu } = helpers;
  /** Redis and the PostgreSQL backends: read from /proc, never over IPC. */
  const storageCpu = (): ProcessCpu[] => [
    ...(redisPid === null ? [] : [{ name: 'redis', ms: processCpuMs(redisPid) }]),
    { name: 'postgres', ms: backendCpu.cpuMs() },
  ];
  const cpuMsByProcess = (): ProcessCpu[] => [
    ...instances.map((instance, i) => ({ name: `instance ${i + 1}`, ms: instance.cpuMs() })),
    ...storageCpu(),
  ];
  let stopping: Promise<void> | null = null;
  return {
    kind,
    pid: first.pid,
    wsUrl: first.wsUrl,
    wsUrls: instances.map((instance) => instance.wsUrl),
    httpUrl: first.httpUrl,
    stateful: true,
    // One database behind every instance: rooms made through one exist for all.
    createRooms: (ids) => first.createRooms(ids),
    memory: async () => sumMemory(await Promise.all(instances.map((instance) => instance.memory()))),
    isLoaded: async (roomId) => {
      const answers = await Promise.all(instances.map((instance) => instance.isLoaded(roomId)));
      return answers.includes(true) ? true : answers.includes(false) ? false : null;
    },
    loopDelay: async () => worstDelay(await Promise.all(instances.map((instance) => instance.loopDelay()))),
    v8HelperCpuMs: async () => (await Promise.all(instances.map((instance) => instance.v8HelperCpuMs()))).flat(),
    cpuMs: () => sum(cpuMsByProcess().map((p) => p.ms)),
    preciseCpuMs: async () => {
      const instancesMs = await Promise.all(instances.map((instance) => instance.preciseCpuMs()));
      return sum([...instancesMs, ...storageCpu().map((process) => process.ms)]);
    },
    cpuMsByProcess,
    residentMemory: () => {
      const samples = [...instances.map((instance) => instance.residentMemory()), ...(redisPid === null ? [] : [processMemory(redisPid)])];
      return { rss: sum(samples.map((m) => m.rss)), peakRss: sum(samples.map((m) => m.peakRss)) };
    },
    stop: () => {
      stopping ??= tearDown();
      return stopping;
    },
  };
}

function sumMemory(samples: readonly MemorySample[]): MemorySample {
  return {
    rss: sum(samples.map((m) => m.rss)),
    heapUsed: sum(samples.map((m) => m.heapUsed)),
    peakRss: sum(samples.map((m) => m.peakRss)),
  };
}

/** A client waits on the slowest instance it may be connected to. */
function worstDelay(samples: readonly LoopDelay[]): LoopDelay {
  return { p99Ms: Math.max(...samples.map((d) => d.p99Ms)), maxMs: Math.max(...samples.map((d) => d.maxMs)) };
}

function postgresAdminUrl(): string {
  return process.env.PAIRWISE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createScratchDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  // Generated, never input, so it is safe to splice into DDL (which takes no parameters).
  const name = `pairwise_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A redis-server of this launch's own on a free port, no persistence, pinned like the instances. */
async function startRedis(cpus: string | undefined): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  liveRedisServers.add(server);
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  void exited.then(() => liveRedisServers.delete(server));
  server.on('error', () => {});
  const stop = async (): Promise<void> => {
    server.kill('SIGKILL');
    await exited;
  };
  try {
    if (server.pid === undefined) throw new Error('redis-server did not start (is it installed?)');
    if (cpus !== undefined) pinProcess(server.pid, cpus);
    const url = `redis://127.0.0.1:${port}`;
    await waitForRedis(url);
    return { url, pid: server.pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitForRedis(url: string): Promise<void> {
  // The ping waits in the offline queue, reconnecting every 50 ms, until the server listens.
  const probe = new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: null });
  probe.on('error', () => {});
  const timer = setTimeout(() => probe.disconnect(), REDIS_START_TIMEOUT_MS);
  try {
    await probe.ping();
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
