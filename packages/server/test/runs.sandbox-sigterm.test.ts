import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { RunList } from '@pairwise/protocol';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import { api } from './support/http-api.js';
import { type ServerProcess, spawnServer } from './support/server-process.js';

const dirs: string[] = [];
const processes: ServerProcess[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const p of processes.splice(0)) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Processes whose cgroup is one of server `pid`'s sandbox groups (`pairwise-sandbox/<pid>.<random>/...`). */
function sandboxedProcessesOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cgroup`, 'utf8').includes(`/pairwise-sandbox/${pid}.`)) found.push(Number(entry));
    } catch {
      // Gone while listing.
    }
  }
  return found;
}

/** Server `pid`'s sandbox cgroups left in the pids controller (the server shares this test's own cgroup). */
function sandboxGroupsOf(pid: number): string[] {
  const own = /^\d+:pids:(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1] ?? '/';
  const parent = join('/sys/fs/cgroup/pids', own, 'pairwise-sandbox');
  // The shared group goes with the last sandbox of the machine's servers.
  if (!existsSync(parent)) return [];
  return readdirSync(parent).filter((name) => name.startsWith(`${pid}.`));
}

it('SIGTERM stops the running sandbox, stores its run as stopped, and leaves no sandboxed process', { timeout: 60_000 }, async () => {
  const env = {
    RUNNER: 'sandbox',
    RUN_TIME_LIMIT_MS: '30000',
    SANDBOX_DIR: tempDir('pw-sigterm-sandbox-'),
    DATA_DIR: tempDir('pw-sigterm-data-'),
  };
  const first = await spawnServer(env);
  processes.push(first);
  const created = await api(first, 'POST', '/api/rooms', { language: 'python' });
  const roomId = (created.body as { id: string }).id;
  const client = connectClient(first.wsUrl, roomId);
  clients.push(client);
  await client.synced();
  client.text.insert(0, 'import time\nprint("long", flush=True)\ntime.sleep(60)\n');
  await waitFor(
    async () => (await api(first, 'POST', `/api/rooms/${roomId}/runs`, {})).status === 202,
    'the run starts once the code arrived',
  );
  const runs = async (server: ServerProcess) => ((await api(server, 'GET', `/api/rooms/${roomId}/runs`)).body as RunList).runs;
  await waitFor(async () => (await runs(first))[0]?.output[0]?.text === 'long\n', 'the program printed');
  expect(sandboxedProcessesOf(first.child.pid!).length).toBeGreaterThan(0);
  expect(sandboxGroupsOf(first.child.pid!)).toHaveLength(1);

  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(sandboxedProcessesOf(first.child.pid!)).toEqual([]);
  expect(sandboxGroupsOf(first.child.pid!)).toEqual([]);
  expect(readdirSync(env.SANDBOX_DIR)).toEqual([]);

  const second = await spawnServer(env);
  processes.push(second);
  const [stored] = await runs(second);
  expect(stored).toMatchObject({ status: 'stopped', exitCode: null });
  expect(stored?.output.map((chunk) => chunk.text).join('')).toBe('long\n\n[the server is shutting down]\n');
});
