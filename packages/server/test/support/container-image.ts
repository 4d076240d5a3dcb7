/**
 * The Dockerfile's image, built and run by deploy/test-image.sh: Debian's dockerd with its own data
 * root, a base image made with debootstrap, containers on the host network. It needs root and takes
 * minutes to build from cold, so its suite runs in CI (`CI=true`, where `.ci/run` runs as root) and
 * when asked (PAIRWISE_IMAGE_TEST=1); elsewhere it is skipped with a message.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../../../deploy/test-image.sh', import.meta.url));
/** A cold build (debootstrap, apt, npm ci, compiling better-sqlite3) took 6 minutes on two cores. */
export const IMAGE_BUILD_TIMEOUT_MS = 30 * 60_000;

export interface Container {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly wsUrl: string;
  /** `docker stop` (SIGTERM, the server drains); resolves with the exit code. */
  stop(): Promise<number>;
  /** Starts the stopped container again, with the same data directory; resolves once it is ready. */
  start(): Promise<void>;
  logs(): Promise<string>;
}

async function script(args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(SCRIPT, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`deploy/test-image.sh ${args.join(' ')} failed:\n${stderr ?? String(error)}`);
  }
}

/** The daemon (started if need be), the base image (made once) and the application image. */
export async function buildImage(): Promise<void> {
  await script(['build'], IMAGE_BUILD_TIMEOUT_MS);
}

/** Starts a container of the image on 127.0.0.1:`port` with `env`; resolves once `/ready` answers. */
export async function runContainer(name: string, port: number, env: Record<string, string> = {}): Promise<Container> {
  await script(['run', name, String(port), ...Object.entries(env).map(([key, value]) => `${key}=${value}`)]);
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    stop: async () => Number((await script(['stop', name])).trim()),
    start: async () => {
      await script(['start', name]);
    },
    logs: () => script(['logs', name]),
  };
}

/** Removes every test container and stops the daemon the script started. */
export async function removeContainers(): Promise<void> {
  await script(['down']);
}

/** `describe` for the image suite: runs in CI or with PAIRWISE_IMAGE_TEST=1, else skipped with a visible message. */
export function describeWithImage(name: string, body: () => void): void {
  if (process.env.CI === 'true' || process.env.PAIRWISE_IMAGE_TEST === '1') {
    describe(name, body);
    return;
  }
  const reason = 'set PAIRWISE_IMAGE_TEST=1 (root, Debian) to build and run the Dockerfile; CI always does';
  console.warn(`[skipped] ${name}: ${reason}`);
  describe.skip(`${name} (skipped: ${reason})`, body);
}
