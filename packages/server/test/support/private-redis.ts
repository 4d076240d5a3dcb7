/**
 * A redis-server of a test's own on a free port (no persistence), so a fault test can kill its
 * clients' connections or restart it without harming other suites on the shared Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface PrivateRedis {
  readonly url: string;
  /** A connection for the test's own commands (CLIENT KILL, XLEN, ...). */
  readonly admin: Redis;
  destroy(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  // Commands wait in the offline queue while the server starts, retrying every 50 ms.
  const admin = new Redis(url, { retryStrategy: () => 50 });
  admin.on('error', () => {});
  await admin.ping();
  return {
    url,
    admin,
    destroy: async () => {
      admin.disconnect();
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGKILL');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
