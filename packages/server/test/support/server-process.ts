import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

/** The built server entry point; `npm test` builds it before running tests. */
export const SERVER_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  readonly wsUrl: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
  output(): string;
}

/**
 * Starts `node dist/main.js` as a child process, for tests that must kill the server for real.
 * Resolves once it logs that it is listening (so LOG_LEVEL must show `info`; see `spawnQuietServer`).
 */
export async function spawnServer(env: Record<string, string>, timeoutMs = 20_000): Promise<ServerProcess> {
  const started = spawnMain(env);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running: it would hold its database and Redis long after the test.
      started.child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${started.output()}`));
    }, timeoutMs);
    const onData = (): void => {
      const match = /Pairwise listening on http:\/\/[^:]+:(\d+)/.exec(started.output());
      if (!match) return;
      clearTimeout(timer);
      started.child.stdout!.off('data', onData);
      resolve(Number(match[1]));
    };
    started.child.stdout!.on('data', onData);
    void started.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${started.output()}`));
    });
  });
  return { ...started, port, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws` };
}

/**
 * `spawnServer` for any LOG_LEVEL (e.g. `warn`, which hides the "listening" line): it listens on a
 * free port picked here and counts as started once `/health` answers.
 */
export async function spawnQuietServer(env: Record<string, string>, timeoutMs = 20_000): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = spawnMain({ ...env, PORT: String(port) });
  let exitedWith: number | NodeJS.Signals | null = null;
  void started.exited.then((code) => (exitedWith = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitedWith !== null) throw new Error(`server exited (${exitedWith}) before listening:\n${started.output()}`);
    if (Date.now() > deadline) {
      started.child.kill('SIGKILL');
      throw new Error(`server did not start:\n${started.output()}`);
    }
    const answered = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return { ...started, port, url, wsUrl: `ws://127.0.0.1:${port}/ws` };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type SpawnedMain = Pick<ServerProcess, 'child' | 'exited' | 'output'>;

function spawnMain(env: Record<string, string>): SpawnedMain {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [SERVER_MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', WEB_DIST_DIR: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    // 'close', not 'exit': by then everything the process wrote has been read.
    child.on('close', (code, signal) => resolve(signal ?? code ?? -1)),
  );
  return { child, exited, output: () => output };
}
