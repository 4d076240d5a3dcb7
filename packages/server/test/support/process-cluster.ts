/**
 * Several Pairwise instances as separate `node dist/main.js` processes serving the same rooms: one
 * PostgreSQL database and a redis-server of the cluster's own, so a test can kill an instance for
 * real (SIGKILL), restart Redis or cut its connections without harming other suites.
 *
 * Clients reach each instance through a front proxy of its own (a loopback TCP proxy), which the
 * test can point at another instance once one died, as a load balancer would: stock y-websocket
 * clients then reconnect to a live instance without knowing anything changed.
 */
import { afterEach } from 'vitest';
import { CREDENTIALS, type CreatedRoom } from '@pairwise/protocol';
import { PostgresRoomStore } from '../../src/storage/postgres-store.js';
import { storedTextOf } from './fault-typing.js';
import { createTestDatabase } from './postgres.js';
import { type PrivateRedis, startPrivateRedis } from './private-redis.js';
import { type ServerProcess, spawnQuietServer } from './server-process.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export interface ClusterInstance {
  readonly process: ServerProcess;
  /** The HTTP API, straight to this process. */
  readonly url: string;
  /** Base URL for y-websocket clients, through this instance's front proxy. */
  readonly wsUrl: string;
  /** The front proxy clients of this instance connect through. */
  readonly front: TcpProxy;
}

export interface ProcessClusterOptions {
  /** Environment of instance `index` on top of the cluster's (e.g. FLUSH_WINDOW_MS). */
  env?: (index: number) => Record<string, string>;
  /** A database to use instead of a fresh one on the shared PostgreSQL (e.g. a private server's). */
  databaseUrl?: string;
}

export class ProcessCluster {
  readonly instances: ClusterInstance[] = [];
  private readonly ownerKeys = new Map<string, string>();

  private constructor(
    readonly databaseUrl: string,
    readonly redis: PrivateRedis,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  /** The cluster's own environment: its database, its Redis, quiet logs. */
  get env(): Record<string, string> {
    return { DATABASE_URL: this.databaseUrl, REDIS_URL: this.redis.url, LOG_LEVEL: 'warn' };
  }

  /** Starts one more instance; `env` overrides the cluster's. */
  async add(env: Record<string, string> = {}): Promise<ClusterInstance> {
    const instance = await this.launch(env);
    this.instances.push(instance);
    return instance;
  }

  private async launch(env: Record<string, string> = {}): Promise<ClusterInstance> {
    // Generous: three Node processes starting at once on a loaded 2-core machine.
    const process = await spawnQuietServer({ ...this.env, ...env }, 45_000);
    const front = await startTcpProxy(process.port);
    return { process, url: process.url, wsUrl: `ws://127.0.0.1:${front.port}/ws`, front };
  }

  /** `kill -9`: the process gets no chance to store, tell its peers or close its sockets cleanly. */
  async kill(instance: ClusterInstance): Promise<void> {
    instance.process.child.kill('SIGKILL');
    await instance.process.exited;
  }

  /** SIGTERM and wait: resolves with the exit code (0 when it stored every accepted edit). */
  async stop(instance: ClusterInstance): Promise<number | NodeJS.Signals> {
    instance.process.child.kill('SIGTERM');
    return instance.process.exited;
  }

  /** New connections to `from`'s front proxy go to `to` from now on (`from` died). */
  failOver(from: ClusterInstance, to: ClusterInstance): void {
    from.front.retarget(to.process.port);
  }

  /** Creates a room through `on`'s API as a guest; its owner key is kept for `asOwner`. */
  async createRoom(on: ClusterInstance, body: Record<string, unknown> = {}): Promise<string> {
    const response = await fetch(`${on.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`create room: ${response.status} ${await response.text()}`);
    const created = (await response.json()) as CreatedRoom;
    if (created.ownerKey !== undefined) this.ownerKeys.set(created.id, created.ownerKey);
    return created.id;
  }

  /** Headers that make a request the owner of a room made by `createRoom`. */
  asOwner(roomId: string): Record<string, string> {
    const key = this.ownerKeys.get(roomId);
    if (key === undefined) throw new Error(`no owner key for room ${roomId}: create it with createRoom()`);
    return { [CREDENTIALS.ownerKeyHeader]: key };
  }

  /** The room's text as a fresh load from the database sees it now. */
  async storedText(roomId: string): Promise<string> {
    const store = await PostgresRoomStore.open(this.databaseUrl, { onError: () => {} });
    try {
      return await storedTextOf(store, roomId);
    } finally {
      await store.close();
    }
  }

  /** Kills whatever still runs, then drops the database and the Redis server. */
  async close(): Promise<void> {
    await Promise.all(
      this.instances.splice(0).map(async ({ process, front }) => {
        process.child.kill('SIGKILL');
        await process.exited;
        await front.close();
      }),
    );
    await this.redis.destroy();
    await this.dropDatabase();
  }

  static async start(size: number, options: ProcessClusterOptions = {}): Promise<ProcessCluster> {
    const database = options.databaseUrl ? { url: options.databaseUrl, drop: async () => {} } : await createTestDatabase();
    const redis = await startPrivateRedis();
    const cluster = new ProcessCluster(database.url, redis, database.drop);
    try {
      // All at once, as a deployment starts them: the schema migration takes an advisory lock.
      const started = await Promise.allSettled(Array.from({ length: size }, (_, i) => cluster.launch(options.env?.(i))));
      for (const instance of started) if (instance.status === 'fulfilled') cluster.instances.push(instance.value);
      const failed = started.find((instance) => instance.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }
}

/** Starts clusters for a test file; each one is closed (processes killed, database dropped) after its test. */
export function processClustersClosedAfterEach(): (size: number, options?: ProcessClusterOptions) => Promise<ProcessCluster> {
  const started: ProcessCluster[] = [];
  afterEach(async () => {
    for (const cluster of started.splice(0)) await cluster.close();
  });
  return async (size, options) => {
    const cluster = await ProcessCluster.start(size, options);
    started.push(cluster);
    return cluster;
  };
}
