/**
 * A redis-server of a test's own on a free port (no persistence), so a fault test can kill its
 * clients' connections or restart it without harming other suites on the shared Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';

export interface PrivateRedis {
  readonly url: string;
  /** A connection for the test's own commands (CLIENT KILL, PUBSUB, ...). */
  readonly admin: Redis;
  /** Kills the server (losing everything, as nothing is persisted) and starts a new one on the same port. */
  restart(): Promise<void>;
  /** Kills the server, so the port refuses connections until `start`. */
  stop(): Promise<void>;
  /** Starts an empty server on the same port again after `stop`; resolves once it answers. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const launch = (): ChildProcess =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let server: ChildProcess | null = launch();
  const url = `redis://127.0.0.1:${port}`;
  // Commands wait in the offline queue while the server is down or starting, retrying every 50 ms.
  const admin = new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: null });
  admin.on('error', () => {});
  await admin.ping();
  const kill = async () => {
    const running = server;
    server = null;
    if (!running) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  const start = async () => {
    server ??= launch();
    await admin.ping();
  };
  return {
    url,
    admin,
    restart: async () => {
      await kill();
      await start();
    },
    stop: kill,
    start,
    destroy: async () => {
      admin.disconnect();
      await kill();
    },
  };
}
