import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** The part of bench/results/<date>.json this test reads. */
interface Results {
  scenarios: Record<string, { servers: Array<{ kind: string; failedRuns: number; converged: boolean; problems: string[] }> }>;
}

const COMPARED_SCENARIOS = ['pairs', 'capacity', 'cold-load'];
const EVERY_SERVER = ['hocuspocus', 'hocuspocus-sqlite', 'pairwise-sqlite', 'y-websocket-classic', 'y-websocket-server'];

// Keeps the peer benchmark from rotting: every compared scenario at tiny sizes on Pairwise and
// every peer (separate processes, pinned as in a real run). Speed is not asserted, only that every
// server ran every scenario and passed its check (rooms converged, connections synced, joiners
// got the whole history, from storage too).
it('`npm run bench -- --smoke` runs every compared scenario on every server and every check passes', async () => {
  const out = await mkdtemp(join(tmpdir(), 'pairwise-bench-smoke-'));
  dirs.push(out);
  const child = spawn(process.execPath, [join(root, 'packages/bench/dist/sync.bench.js'), '--smoke', `out=${out}`], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(code, output).toBe(0);
  const files = await readdir(out);
  expect(files, output).toHaveLength(1);
  const results = JSON.parse(await readFile(join(out, files[0] ?? ''), 'utf8')) as Results;
  expect(Object.keys(results.scenarios), output).toEqual(expect.arrayContaining(COMPARED_SCENARIOS));
  for (const name of COMPARED_SCENARIOS) {
    const servers = results.scenarios[name]?.servers ?? [];
    expect(servers.map((s) => s.kind).sort(), `${name}\n${output}`).toEqual([...EVERY_SERVER].sort());
    for (const server of servers) {
      expect({ name, kind: server.kind, failedRuns: server.failedRuns, converged: server.converged, problems: server.problems }).toEqual({
        name,
        kind: server.kind,
        failedRuns: 0,
        converged: true,
        problems: [],
      });
    }
  }
  expect(output).toContain('server processes left running: 0');
}, 300_000);
