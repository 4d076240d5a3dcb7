/**
 * Debian's nginx, run by a test on loopback with the sample configuration (deploy/nginx.conf)
 * rendered into a temporary prefix directory: pid, logs and temp files all stay inside it.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { waitFor } from './clients.js';
import { freePort } from './free-port.js';

const SAMPLE_CONFIG = new URL('../../../../deploy/nginx.conf', import.meta.url);
const TEMP_PATHS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

export interface TestNginx {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Debian puts nginx in /usr/sbin, which a non-root PATH often lacks. */
const NGINX = spawnSync('nginx', ['-v']).error === undefined ? 'nginx' : '/usr/sbin/nginx';

export function nginxAvailable(): boolean {
  return spawnSync(NGINX, ['-v']).error === undefined;
}

/**
 * `describe` for suites that need nginx. Without it, fails in CI (CI=true), so a broken CI setup
 * cannot pass silently, and elsewhere skips with a visible message.
 */
export function describeWithNginx(name: string, body: () => void): void {
  if (nginxAvailable()) {
    describe(name, body);
    return;
  }
  const reason = 'nginx is not installed (apt-get install -y nginx)';
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has nginx to run against', () => {
        throw new Error(`${reason}. CI must run the nginx suite: .ci/run installs it.`);
      });
    });
    return;
  }
  console.warn(`[skipped] ${name}: ${reason}`);
  describe.skip(`${name} (skipped: ${reason})`, body);
}

/** The sample configuration with the instances at `upstreamPorts`, listening on loopback `port`, kept inside `dir`. */
export async function renderSampleConfig(dir: string, port: number, upstreamPorts: readonly [number, number]): Promise<string> {
  const sample = await readFile(SAMPLE_CONFIG, 'utf8');
  const tempPaths = TEMP_PATHS.map((name) => `  ${name}_temp_path ${join(dir, `${name}_temp`)};`).join('\n');
  const replacements: [string, string][] = [
    ['server app1:3000 ', `server 127.0.0.1:${upstreamPorts[0]} `],
    ['server app2:3000 ', `server 127.0.0.1:${upstreamPorts[1]} `],
    ['listen 80;', `listen 127.0.0.1:${port};`],
    ['http {\n', `http {\n  access_log off;\n${tempPaths}\n`],
  ];
  let config = `pid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')} warn;\n${sample}`;
  for (const [from, to] of replacements) {
    // The test must notice when the sample changes shape, rather than run some other configuration.
    if (!config.includes(from)) throw new Error(`deploy/nginx.conf no longer contains "${from.trim()}"`);
    config = config.replace(from, to);
  }
  return config;
}

export async function startNginx(upstreamPorts: readonly [number, number]): Promise<TestNginx> {
  const dir = await mkdtemp(join(tmpdir(), 'pairwise-nginx-'));
  // Run as root, nginx's workers run as `nobody`: they must reach the temp directories inside.
  await chmod(dir, 0o755);
  const port = await freePort();
  const configPath = join(dir, 'nginx.conf');
  await writeFile(configPath, await renderSampleConfig(dir, port, upstreamPorts));
  await promisify(execFile)(NGINX, ['-p', dir, '-c', configPath]);
  const pid = Number((await readFile(join(dir, 'nginx.pid'), 'utf8')).trim());
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      process.kill(pid, 'SIGTERM');
      await waitFor(() => !alive(pid), 'nginx stopped');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
