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

const SERVERS = ['hocuspocus', 'hocuspocus-sqlite', 'pairwise-sqlite', 'y-websocket-classic', 'y-websocket-server'];

// Keeps the peer benchmark from rotting: the compared scenarios (pair rooms, crowded room,
// saturation) at tiny sizes on Pairwise and every peer (separate processes, pinned as in a real
// run). Speed is not asserted, only that every server ran every scenario and every room converged.
it('`npm run bench -- --smoke` runs every compared scenario on every server, every room converges, the chart is written', async () => {
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
  expect(files, output).toHaveLength(2);
  const json = files.find((f) => f.endsWith('.json'));
  const svg = files.find((f) => f.endsWith('.svg'));
  expect(svg).toBe(json?.replace(/\.json$/, '-saturation.svg'));
  const chart = await readFile(join(out, svg ?? ''), 'utf8');
  expect(chart.match(/<polyline /g)).toHaveLength(SERVERS.length);
  const results = JSON.parse(await readFile(join(out, json ?? ''), 'utf8')) as Results;
  for (const name of ['pairs', 'crowded', 'saturation']) {
    const scenario = results.scenarios[name];
    expect(scenario, `${name}\n${output}`).toBeDefined();
    expect(scenario?.servers.map((s) => s.kind).sort()).toEqual([...SERVERS].sort());
    for (const server of scenario?.servers ?? []) {
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
