import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const SERVER_MAIN = join(REPO_ROOT, 'packages/server/dist/main.js');
export const WEB_DIST = join(REPO_ROOT, 'packages/web/dist');

export interface RunningServer {
  baseUrl: string;
  port: number;
  /** Server output so far, for failure messages. */
  output(): string;
  /** Stops the server (SIGTERM) and starts it again on the same port with the same data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The server process on `port` with `dataDir`, once `GET /health` answers; stopped again if it never does. */
async function spawnServer(options: {
  port: number;
  dataDir: string;
  env: Record<string, string>;
  startTimeoutMs: number;
}): Promise<{ child: ChildProcess; output: () => string; stop: () => Promise<void> }> {
  let log = '';
  const child = spawn(process.execPath, [SERVER_MAIN], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'warn',
      WEB_DIST_DIR: WEB_DIST,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited(child);
    clearTimeout(killer);
  };

  const deadline = Date.now() + options.startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} during start:\n${log}`);
    try {
      const res = await fetch(`http://127.0.0.1:${options.port}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return { child, output: () => log, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`server did not answer /health within the timeout:\n${log}`);
}

/**
 * Starts the built server (`npm run build` first) on a free port with a throwaway SQLite dir,
 * and resolves once `GET /health` answers.
 */
export async function startServer(options: { startTimeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunningServer> {
  for (const [what, path] of [
    ['server build', SERVER_MAIN],
    ['web build', join(WEB_DIST, 'index.html')],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${what} missing at ${path}: run \`npm run build\` first`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'pairwise-web-test-'));
  const spawnOptions = { port: await freePort(), dataDir, env: options.env ?? {}, startTimeoutMs: options.startTimeoutMs ?? 20_000 };
  let running = await spawnServer(spawnOptions).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    baseUrl: `http://127.0.0.1:${spawnOptions.port}`,
    port: spawnOptions.port,
    output: () => running.output(),
    restart: async () => {
      await running.stop();
      running = await spawnServer(spawnOptions);
    },
    stop: async () => {
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
