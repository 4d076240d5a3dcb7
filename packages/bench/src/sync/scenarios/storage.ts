import * as Y from 'yjs';
import type { ComparedScenario, Metric } from '../compared-scenario.js';
import { wireOf } from '../ipc.js';
import { counterDelta, histogramQuantile, type MetricSamples, sampleValue, scrapeMetrics } from '../prom-metrics.js';
import type { Scope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { fmt } from '../table.js';
import { ThinClient } from '../thin-client.js';
import { randomLetter, typeOnSchedule } from '../typing.js';
import { seededRandom, sleep, waitQuiet, waitUntil } from '../wait.js';

export interface StorageOptions {
  /** Rooms, one writer each: the store sees this many rooms per group commit. */
  rooms: number;
  /** Offered keystrokes per second over all writers, one step after another, rising. */
  rates: readonly number[];
  stepMs: number;
}

/** One step of the ramp: what was offered and what the server stored, from its /metrics. */
export interface StorageStep {
  offeredPerSecond: number;
  typedPerSecond: number;
  /** The step's updates over the time from its first keystroke until the server had stored them all. */
  storedPerSecond: number;
  /** From the step's last keystroke until all its updates were stored (NaN: not within the limit). */
  drainMs: number;
  commits: number;
  commitP50Ms: number;
  commitP99Ms: number;
  serverCpuPct: number;
  generatorCpuPct: number;
  /** Why the ramp stopped here; null while the server kept up. */
  limit: string | null;
}

export interface StorageResult {
  /** Stored updates/s of the highest step the server kept up with (0 if not even the first). */
  sustainedStoredPerSecond: number;
  /** The commit p99 and server CPU of that step. */
  commitP99Ms: number;
  serverCpuPct: number;
  /** The generator's CPU in the last step run: above 80% the ramp stopped on the generator, not the server. */
  generatorCpuPct: number;
  steps: StorageStep[];
  problems: string[];
}

/**
 * Past either, the server is no longer keeping up: a step's edits still not all stored a second
 * after its last keystroke (a server that keeps up needs one 100 ms window and a commit), or
 * commits slower than a second.
 */
const MAX_DRAIN_MS = 1_000;
const MAX_COMMIT_P99_MS = 1_000;
/** Below this share of the offered rate, the generator fell behind its schedule: the ramp measures it, not the server. */
const MIN_TYPED_SHARE = 0.9;
const DRAIN_POLL_MS = 50;
const CONNECT_TIMEOUT_MS = 30_000;
const DRAIN_TIMEOUT_MS = 30_000;
const COMMIT_SECONDS = 'pairwise_store_commit_seconds';
const STORED_UPDATES = 'pairwise_stored_updates_total';

const METRICS: readonly Metric<StorageResult>[] = [
  {
    key: 'sustainedStoredPerSecond',
    label: 'sustained stored updates/s',
    value: (r) => r.sustainedStoredPerSecond,
    format: fmt.int,
    better: 'higher',
  },
  { key: 'commitP99Ms', label: 'commit p99 ms at that rate', value: (r) => r.commitP99Ms, format: fmt.ms, better: 'lower' },
  { key: 'serverCpuPct', label: 'server CPU % at that rate', value: (r) => r.serverCpuPct, format: fmt.pct },
  { key: 'steps', label: 'steps run', value: (r) => r.steps.length, format: fmt.int },
];

/** Scenario 6: Pairwise only, SQLite against PostgreSQL, through the real server. */
export function storageScenario(options: StorageOptions): ComparedScenario<StorageResult> {
  return {
    name: 'storage',
    title: `Storage: ${options.rooms} rooms x 1 thin client typing, ${options.rates.map(fmt.int).join(' / ')} keystrokes/s in steps of ${options.stepMs / 1000} s, 100 ms commit window`,
    metrics: METRICS,
    notes: [
      'Driven through the real server (WebSocket in, group commit, store), so a figure is what a deployment sustains,',
      "  server CPU included; commit times and stored counts are the server's own /metrics (pairwise_store_commit_seconds,",
      '  interpolated within its buckets: 1-2.5-5 per decade). No cursor updates: awareness is never stored.',
      `Stored/s: a step's updates over the time from its first keystroke until the server had stored them all. The ramp stops`,
      `  at the first step not all stored ${MAX_DRAIN_MS} ms after its last keystroke, or with commit p99 over ${MAX_COMMIT_P99_MS} ms,`,
      `  or where the generator typed under ${MIN_TYPED_SHARE * 100}% of the offered rate; per-step figures are in the results JSON.`,
      "Server CPU on PostgreSQL includes the database's backends (the machine's shared server, not pinned), as SQLite's is in-process.",
      "Check: after the ramp every typed update is stored and a fresh client of one room gets the writer's text.",
    ],
    supports: (kind) => kind === 'pairwise-sqlite' || kind === 'pairwise-postgres',
    run: (server, scope) => runStorage(server, options, scope),
  };
}

export async function runStorage(server: ServerHandle, options: StorageOptions, scope: Scope): Promise<StorageResult> {
  const roomIds = Array.from({ length: options.rooms }, (_, i) => `storage-${i}`);
  await server.createRooms(roomIds);
  const writers = roomIds.map((room) => new ThinClient(`${server.wsUrl}/${room}`, room, wireOf(server.kind), scope));
  await waitUntil(() => writers.every((w) => w.synced), `${writers.length} writers to sync`, CONNECT_TIMEOUT_MS, 10);
  await waitQuiet(() => server.cpuMs());
  const storedAtStart = sampleValue(await scrapeMetrics(server.httpUrl), STORED_UPDATES);

  const random = seededRandom(6);
  const steps: StorageStep[] = [];
  for (const rate of options.rates) {
    const step = await runStep(server, writers, rate, options.stepMs, random, scope);
    steps.push(step);
    process.stderr.write(`    ${describeStep(step)}\n`);
    if (step.limit !== null) break;
  }
  const kept = steps.filter((s) => s.limit === null);
  const best = kept[kept.length - 1];
  const problems = await checkStored(server, writers, storedAtStart, scope);
  return {
    sustainedStoredPerSecond: best?.storedPerSecond ?? 0,
    commitP99Ms: best?.commitP99Ms ?? Number.NaN,
    serverCpuPct: best?.serverCpuPct ?? Number.NaN,
    generatorCpuPct: steps[steps.length - 1]?.generatorCpuPct ?? Number.NaN,
    steps,
    problems,
  };
}

/** Types at `rate` for `stepMs` on an open-loop schedule, the writers taking turns, and reads what was stored meanwhile. */
async function runStep(
  server: ServerHandle,
  writers: readonly ThinClient[],
  rate: number,
  stepMs: number,
  random: () => number,
  scope: Scope,
): Promise<StorageStep> {
  const before = await scrapeMetrics(server.httpUrl);
  const serverCpuStart = server.cpuMs();
  const generatorCpuStart = process.cpuUsage();
  const started = performance.now();
  const typed = await typeAtRate(writers, rate, stepMs, random, scope);
  const typingMs = performance.now() - started;
  const generatorCpu = process.cpuUsage(generatorCpuStart);
  const { after, drainMs } = await untilStored(server, before, typed);
  const step: StorageStep = {
    offeredPerSecond: rate,
    typedPerSecond: (typed * 1000) / typingMs,
    storedPerSecond: Number.isNaN(drainMs) ? Number.NaN : (typed * 1000) / (typingMs + drainMs),
    drainMs,
    commits: counterDelta(before, after, `${COMMIT_SECONDS}_count`),
    commitP50Ms: histogramQuantile(before, after, COMMIT_SECONDS, 0.5) * 1000,
    commitP99Ms: histogramQuantile(before, after, COMMIT_SECONDS, 0.99) * 1000,
    serverCpuPct: (100 * (server.cpuMs() - serverCpuStart)) / (performance.now() - started),
    generatorCpuPct: (100 * (generatorCpu.user + generatorCpu.system)) / 1000 / typingMs,
    limit: null,
  };
  return { ...step, limit: limitOf(step) };
}

/** Scrapes until the server has stored `typed` more updates than at `before`, for at most MAX_DRAIN_MS. */
async function untilStored(server: ServerHandle, before: MetricSamples, typed: number): Promise<{ after: MetricSamples; drainMs: number }> {
  const started = performance.now();
  for (;;) {
    const after = await scrapeMetrics(server.httpUrl);
    const drainMs = performance.now() - started;
    if (counterDelta(before, after, STORED_UPDATES) >= typed) return { after, drainMs };
    if (drainMs > MAX_DRAIN_MS) return { after, drainMs: Number.NaN };
    await sleep(DRAIN_POLL_MS);
  }
}

function limitOf(step: StorageStep): string | null {
  if (step.typedPerSecond < MIN_TYPED_SHARE * step.offeredPerSecond) return 'the generator fell behind';
  if (Number.isNaN(step.drainMs)) return `not stored ${MAX_DRAIN_MS} ms after the last keystroke`;
  if (!(step.commitP99Ms <= MAX_COMMIT_P99_MS)) return `commit p99 over ${MAX_COMMIT_P99_MS} ms`;
  return null;
}

function describeStep(s: StorageStep): string {
  return (
    `offered ${fmt.int(s.offeredPerSecond)}/s: typed ${fmt.int(s.typedPerSecond)}/s, stored ${fmt.int(s.storedPerSecond)}/s ` +
    `(drained in ${fmt.ms(s.drainMs)} ms) in ${s.commits} commits, p50 ${fmt.ms(s.commitP50Ms)} ms, p99 ${fmt.ms(s.commitP99Ms)} ms, ` +
    `server ${fmt.pct(s.serverCpuPct)}, generator ${fmt.pct(s.generatorCpuPct)}${s.limit ? `: ${s.limit}` : ''}`
  );
}

/** Keystrokes at `rate` in all on typing.ts's open-loop schedule, the writers taking turns; returns how many were typed. */
async function typeAtRate(
  writers: readonly ThinClient[],
  rate: number,
  durationMs: number,
  random: () => number,
  scope: Scope,
): Promise<number> {
  let typed = 0;
  await typeOnSchedule(writers.length, rate / writers.length, durationMs, scope, (i) => {
    const writer = writers[i];
    writer?.text.insert(writer.text.length, randomLetter(random));
    typed++;
  });
  return typed;
}

/** Every typed keystroke was stored (the server's own count), and the store gives a fresh client the text. */
async function checkStored(server: ServerHandle, writers: readonly ThinClient[], storedAtStart: number, scope: Scope): Promise<string[]> {
  const problems: string[] = [];
  const typed = writers.reduce((sum, w) => sum + Y.getState(w.doc.store, w.doc.clientID), 0);
  let metrics: MetricSamples = await scrapeMetrics(server.httpUrl);
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (sampleValue(metrics, STORED_UPDATES) - storedAtStart < typed && performance.now() < deadline) {
    await sleep(100);
    metrics = await scrapeMetrics(server.httpUrl);
  }
  const stored = sampleValue(metrics, STORED_UPDATES) - storedAtStart;
  if (stored !== typed) problems.push(`stored ${stored} of ${typed} updates`);
  const closed = writers.filter((w) => w.closed).length;
  if (closed > 0) problems.push(`${closed} disconnects`);
  const [writer] = writers;
  if (writer) {
    const room = 'storage-0';
    const reader = new ThinClient(`${server.wsUrl}/${room}`, room, wireOf(server.kind), scope);
    const synced = await waitUntil(() => reader.synced, 'a fresh client to sync', 10_000).then(
      () => true,
      () => false,
    );
    if (!synced) problems.push('fresh client did not sync');
    else if (reader.text.toString() !== writer.text.toString()) problems.push("server's document differs");
  }
  return problems;
}
