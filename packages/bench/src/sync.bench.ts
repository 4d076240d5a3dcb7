/**
 * Sync benchmark: Pairwise against its peers (the classic y-websocket 1.5.4 server,
 * @y/websocket-server, Hocuspocus 3 in memory and with SQLite), in the same run, on the same
 * machine. Every server runs in its own child process on 127.0.0.1.
 *
 * The compared scenarios of issue 9 drive servers with thin y-protocols clients (thin-client.ts),
 * server pinned to core 0 and this process to core 1, and write bench/results/<date>.json (and
 * <date>-saturation.svg): `pairs` (1), `crowded` (2: one room of 100 clients, 10 typing),
 * `saturation` (3: pair rooms typing faster step by step until p99 passes 100 ms), `capacity`
 * (4: idle connections), `cold-load` (5: a long history), `storage` (6: Pairwise on SQLite and on
 * PostgreSQL, a rising typing rate) and `scale-out` (7: pair rooms on 1, 2, 3 instances on
 * PostgreSQL + Redis). The older scenarios (keystroke, fanout) use stock y-websocket providers, so
 * they run on the servers that speak plain y-websocket.
 *
 *   npm run bench                       (from the repository root; builds first: every scenario)
 *   npm run bench -- --quick            (the compared scenarios; small sizes; one saturation climb per server)
 *   node packages/bench/dist/sync.bench.js [--quick|--smoke]
 *        [only=pairs,crowded,saturation,capacity,cold-load,storage,scale-out,keystroke,fanout]
 *        [servers=pairwise-sqlite,...] [rooms=500] [connections=10000] [ops=250000] [runs=3]
 *        [seconds=10] [out=bench/results] [clients=2,16,64] [fanoutUpdates=1000] [watchers=light|full]
 *        [typists=light|full]         (pair rooms: updates made beforehand and timed on arrival, or Y.Docs)
 *   node packages/bench/dist/sync.bench.js only=fanout,keystroke servers=pairwise-sqlite,pairwise-sqlite-slow
 *                                       (fan-out with fast storage and with 200 ms commits, side by side)
 */
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { type Comparison, runComparison } from './sync/compare.js';
import { comparisonTable, scenarioResults, summarizeServer, writeResults } from './sync/compare-report.js';
import type { ComparedScenario, RunResult } from './sync/compared-scenario.js';
import type { ServerKind } from './sync/ipc.js';
import { attempt, type Outcome } from './sync/outcome.js';
import { fanoutTable, keystrokeTable } from './sync/report.js';
import { latencyChartSvg, saturationSeries } from './sync/saturation-chart.js';
import { capacityScenario } from './sync/scenarios/capacity.js';
import { coldLoadScenario } from './sync/scenarios/cold-load.js';
import { runFanout } from './sync/scenarios/fanout.js';
import { runKeystroke, type KeystrokeResult } from './sync/scenarios/keystroke.js';
import { crowdedScenario } from './sync/scenarios/crowded.js';
import { pairsScenario } from './sync/scenarios/pairs.js';
import { saturationScenario } from './sync/scenarios/saturation.js';
import { scaleOutScenario } from './sync/scenarios/scale-out.js';
import { storageScenario } from './sync/scenarios/storage.js';
import { withScope, type Scope } from './sync/scope.js';
import { parseSettings, type ScenarioName, type Settings } from './sync/settings.js';
import { killAllServers, launchServer, liveServerCount, SERVER_LABELS, type ServerHandle } from './sync/servers.js';
import { cpuPressureMeter } from './sync/stats.js';
import { fmt, formatTable, type Table } from './sync/table.js';

const KEYSTROKE = { ratePerClient: 10 } as const;
const FANOUT = { readers: 200, window: 100, verifiedReaders: 20 } as const;

/** Start `kind` in a fresh process, run `fn` against it, and always stop it and close what `fn` opened. */
function onServer<T>(kind: ServerKind, fn: (server: ServerHandle, scope: Scope) => Promise<T>): Promise<Outcome<T>> {
  return attempt(() =>
    withScope(async (scope) => {
      const server = await launchServer(kind);
      scope.defer(() => server.stop());
      return fn(server, scope);
    }),
  );
}

interface Runs<T> {
  outcomes: Outcome<T>[];
  /** CPU pressure (PSI) over each server's run, one cell per server. */
  pressure: string[];
}

async function eachServer<T>(settings: Settings, fn: (server: ServerHandle, scope: Scope) => Promise<T>): Promise<Runs<T>> {
  const outcomes: Outcome<T>[] = [];
  const pressureCells: string[] = [];
  for (const kind of settings.providerServers) {
    const pressure = cpuPressureMeter();
    const started = performance.now();
    outcomes.push(await onServer(kind, fn));
    pressureCells.push(fmt.pct(pressure()));
    process.stderr.write(`  ${SERVER_LABELS[kind]}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return { outcomes, pressure: pressureCells };
}

/** Appends the pressure row: a column measured while other work fought for the CPU is not comparable. */
function withPressure(table: Table, pressure: readonly string[]): Table {
  return {
    ...table,
    rows: [...table.rows, ['machine CPU pressure (PSI)', ...pressure]],
    notes: [...(table.notes ?? []), 'PSI: % of wall time some task waited for a CPU; near 0 on a quiet machine.'],
  };
}

/** What the compared scenarios leave for the files: their part of bench/results/<date>.json, and charts. */
interface Output {
  results: Record<string, unknown>;
  /** SVG text by the suffix of its file name beside the results JSON (`<date>-<suffix>.svg`). */
  charts: Map<string, string>;
}

/** Runs one compared scenario on Pairwise and every peer; keeps its results for the file. */
async function comparedTable<R extends RunResult>(
  scenario: ComparedScenario<R>,
  servers: readonly ServerKind[],
  settings: Settings,
  output: Output,
  runs = settings.runs,
): Promise<{ table: Table; comparison: Comparison<R> }> {
  const comparison = await runComparison(scenario, servers, runs);
  const summaries = [...comparison.runs].map(([kind, outcomes]) => summarizeServer(scenario, kind, outcomes));
  output.results[scenario.name] = scenarioResults(comparison, summaries);
  return { table: comparisonTable(comparison, summaries), comparison };
}

async function scenarioTable(name: ScenarioName, settings: Settings, output: Output): Promise<Table> {
  process.stderr.write(`${name}\n`);
  const columns = settings.providerServers.map((kind) => SERVER_LABELS[kind]);
  switch (name) {
    case 'pairs':
      return (await comparedTable(pairsScenario(settings.pairs), settings.peerServers, settings, output)).table;
    case 'crowded':
      return (await comparedTable(crowdedScenario(settings.crowded), settings.peerServers, settings, output)).table;
    case 'saturation': {
      const scenario = saturationScenario(settings.saturation);
      const { table, comparison } = await comparedTable(scenario, settings.peerServers, settings, output, settings.saturationRuns);
      output.charts.set('saturation', latencyChartSvg(scenario.title, saturationSeries(comparison), settings.saturation.p99LimitMs));
      return table;
    }
    case 'capacity':
      return (await comparedTable(capacityScenario(settings.capacity), settings.peerServers, settings, output)).table;
    case 'cold-load':
      return (await comparedTable(coldLoadScenario(settings.coldLoad), settings.peerServers, settings, output)).table;
    case 'storage':
      return (await comparedTable(storageScenario(settings.storage), settings.storageServers, settings, output)).table;
    case 'scale-out':
      return (await comparedTable(scaleOutScenario(settings.scaleOut), settings.scaleOutServers, settings, output)).table;
    case 'keystroke': {
      const durationMs = settings.keystrokeSeconds * 1000;
      const { outcomes, pressure } = await eachServer(settings, async (server) => {
        const perSize: Outcome<KeystrokeResult>[] = [];
        for (const clients of settings.clients) {
          const options = { clients, durationMs, ratePerClient: KEYSTROKE.ratePerClient };
          perSize.push(await attempt(() => withScope((scope) => runKeystroke(server, options, scope))));
        }
        return perSize;
      });
      return withPressure(
        keystrokeTable(columns, settings.clients, outcomes, KEYSTROKE.ratePerClient, settings.keystrokeSeconds),
        pressure,
      );
    }
    case 'fanout': {
      const options = { ...FANOUT, updates: settings.fanoutUpdates };
      const { outcomes, pressure } = await eachServer(settings, (server, scope) => runFanout(server, options, scope));
      return withPressure(fanoutTable(columns, outcomes, FANOUT.readers, options.updates, FANOUT.window), pressure);
    }
  }
}

function machineInfo(): { cores: number; model: string; memoryGiB: number; os: string; node: string; loadAverage: number[] } {
  const cpu = cpus();
  return {
    cores: cpu.length,
    model: cpu[0]?.model.trim() ?? 'unknown',
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

function machineLine(): string {
  const m = machineInfo();
  return `machine: ${m.cores} cores (${m.model}), ${m.memoryGiB} GiB, ${m.os}, node ${m.node}, load average at start ${m.loadAverage.join(' ')}`;
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  // Every y-websocket provider adds a process 'exit' listener; hundreds of them are expected here.
  process.setMaxListeners(Math.max(...settings.clients) + FANOUT.readers + 100);
  const started = performance.now();
  console.log('# Pairwise sync benchmark');
  console.log(machineLine());
  console.log('servers: one child process each, 127.0.0.1; clients in this process:');
  console.log(
    '  pairs, capacity, cold-load, storage, scale-out: thin y-protocols clients (a Y.Doc, the sync and awareness messages, nothing else);',
  );
  console.log('  keystroke, fanout: stock y-websocket WebsocketProvider (disableBc)');
  let failed = false;
  const output: Output = { results: {}, charts: new Map() };
  for (const name of settings.scenarios) {
    const table = await scenarioTable(name, settings, output);
    failed ||= table.rows.some((r) => r.some((cell) => /\b(FAIL|WRONG)\b/.test(cell)));
    console.log(formatTable(table));
  }
  if (Object.keys(output.results).length > 0) {
    const path = await writeResults(settings.resultsDir, { machine: machineInfo(), scenarios: output.results });
    console.log(`\nresults: ${path}`);
    for (const [suffix, svg] of output.charts) {
      const chartPath = path.replace(/\.json$/, `-${suffix}.svg`);
      await writeFile(chartPath, svg);
      console.log(`chart: ${chartPath}`);
    }
  }
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(
    `\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s; load average at end ${load}; server processes left running: ${liveServerCount()}`,
  );
  if (failed) process.exitCode = 1;
}

// A crash or Ctrl-C must not leave server processes behind.
process.on('exit', killAllServers);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllServers();
    process.exit(130);
  });
}

main().then(
  () => {
    // Everything is closed by now; if some handle still keeps the process alive, say so and exit.
    setTimeout(() => {
      process.stderr.write('sync bench: handles still open after the run; exiting\n');
      process.exit(process.exitCode ?? 1);
    }, 5_000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`sync bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
