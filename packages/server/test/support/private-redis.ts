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
  destroy(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const launch = (): ChildProcess =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let server = launch();
  const url = `redis://127.0.0.1:${port}`;
  // Commands wait in the offline queue while the server starts, retrying every 50 ms.
  const admin = new Redis(url, { retryStrategy: () => 50 });
  admin.on('error', () => {});
  await admin.ping();
  const kill = async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
  };
  return {
    url,
    admin,
    restart: async () => {
      await kill();
      server = launch();
      await admin.ping();
    },
    destroy: async () => {
      admin.disconnect();
      await kill();
    },
  };
}
