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

/** Pairwise (one process on SQLite, two instances on PostgreSQL + Redis) and every peer. */
const PEER_COMPARISON = [
  'hocuspocus',
  'hocuspocus-sqlite',
  'pairwise-cluster',
  'pairwise-sqlite',
  'y-websocket-classic',
  'y-websocket-server',
];

// Keeps the peer benchmark from rotting: the compared scenarios at tiny sizes: pair rooms, the
// crowded room, saturation, idle capacity and cold load on Pairwise (one process on SQLite, two
// instances on PostgreSQL + Redis) and every peer, storage on both stores, scale-out on one to three
// instances (separate processes, pinned as in a real run). Needs the local PostgreSQL and
// redis-server, as the server's tests do: without them the clusters fail, and so does this. Speed is
// not asserted, only that every server ran and passed its check (rooms converged, connections
// synced, joiners got the whole history) and that the saturation chart was written.
it('`npm run bench -- --smoke` runs every compared scenario on its servers, every check passes, the chart is written', async () => {
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
  expect(chart.match(/<polyline /g)).toHaveLength(PEER_COMPARISON.length);
  const results = JSON.parse(await readFile(join(out, json ?? ''), 'utf8')) as Results;
  const serversOf = (scenario: string): string[] | undefined => results.scenarios[scenario]?.servers.map((s) => s.kind).sort();
  for (const scenario of ['pairs', 'crowded', 'saturation', 'capacity', 'cold-load'])
    expect(serversOf(scenario), `${scenario}\n${output}`).toEqual([...PEER_COMPARISON].sort());
  expect(serversOf('storage'), output).toEqual(['pairwise-postgres', 'pairwise-sqlite']);
  expect(serversOf('scale-out'), output).toEqual(['pairwise-cluster', 'pairwise-cluster-1', 'pairwise-cluster-3']);
  for (const [scenario, { servers }] of Object.entries(results.scenarios)) {
    for (const server of servers) {
      expect({
        scenario,
        kind: server.kind,
        failedRuns: server.failedRuns,
        converged: server.converged,
        problems: server.problems,
      }).toEqual({
        scenario,
        kind: server.kind,
        failedRuns: 0,
        converged: true,
        problems: [],
      });
    }
  }
  expect(output).toContain('server processes left running: 0');
}, 420_000);
