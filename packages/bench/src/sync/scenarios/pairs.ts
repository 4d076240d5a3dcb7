import * as Y from 'yjs';
import type { ComparedScenario, Metric } from '../compared-scenario.js';
import { wireOf } from '../ipc.js';
import type { Scope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { cpuPressureMeter, SampleBuffer, summarize, type Summary } from '../stats.js';
import { fmt } from '../table.js';
import { ThinClient } from '../thin-client.js';
import { seededRandom, sleep, waitQuiet, waitUntil } from '../wait.js';

export interface PairsOptions {
  rooms: number;
  /** Keystrokes per second per typist; both clients of every room type. */
  charsPerSecond: number;
  durationMs: number;
  /**
   * Wait after the last delivery before reading the server's CPU time: longer than Hocuspocus'
   * 2 s store debounce, so storage work a server defers is counted.
   */
  settleMs: number;
}

export interface PairsResult {
  typed: number;
  deliveries: number;
  /** Sender's insert to the partner's document holding it, ms. */
  latency: Summary;
  deliveredPerSecond: number;
  /** Server CPU time per 1,000 delivered edits, from the first keystroke until the server settled. */
  serverCpuMsPer1000: number;
  serverCpuPct: number;
  /** The same window's CPU of each of the server's processes (a cluster's instances and Redis), % of a core. */
  processCpuPct: Array<{ name: string; pct: number }>;
  /** The load generator's CPU over the typing window, % of its core: above 80% the run is invalid. */
  generatorCpuPct: number;
  /** How late keystrokes left against their schedule (the generator falling behind), p99 ms. */
  scheduleLagP99Ms: number;
  rss: number;
  peakRss: number;
  /** Share of the measured window in which some task on the machine waited for a CPU (PSI). */
  cpuPressurePct: number;
  /** Every room's two clients, and a fresh client joining a sample of rooms, hold identical texts. */
  converged: boolean;
  problems: string[];
}

const CONNECT_TIMEOUT_MS = 60_000;
const DRAIN_TIMEOUT_MS = 20_000;
const VERIFIED_ROOMS = 3;

interface Typist {
  client: ThinClient;
  /** Send time of each of this client's keystrokes, by Yjs clock. */
  sentAt: Float64Array;
  cursor: number;
  random: () => number;
}

const METRICS: readonly Metric<PairsResult>[] = [
  { key: 'p50Ms', label: 'propagation p50 ms', value: (r) => r.latency.p50, format: fmt.ms, better: 'lower' },
  { key: 'p95Ms', label: 'propagation p95 ms', value: (r) => r.latency.p95, format: fmt.ms, better: 'lower' },
  { key: 'p99Ms', label: 'propagation p99 ms', value: (r) => r.latency.p99, format: fmt.ms, better: 'lower' },
  { key: 'cpuMsPer1000', label: 'server CPU ms / 1,000 updates', value: (r) => r.serverCpuMsPer1000, format: fmt.ms, better: 'lower' },
  { key: 'rssMb', label: 'server RSS MB', value: (r) => r.rss / 2 ** 20, format: (v) => v.toFixed(1), better: 'lower' },
  { key: 'peakRssMb', label: 'server peak RSS MB', value: (r) => r.peakRss / 2 ** 20, format: (v) => v.toFixed(1), better: 'lower' },
  { key: 'deliveredPerSecond', label: 'delivered updates/s', value: (r) => r.deliveredPerSecond, format: fmt.int },
  { key: 'serverCpuPct', label: 'server CPU % of its core', value: (r) => r.serverCpuPct, format: fmt.pct },
  { key: 'scheduleLagP99Ms', label: 'generator lag p99 ms', value: (r) => r.scheduleLagP99Ms, format: fmt.ms },
  { key: 'cpuPressurePct', label: 'machine CPU pressure (PSI)', value: (r) => r.cpuPressurePct, format: fmt.pct },
];

/** Scenario 1 as one of the compared scenarios. */
export function pairsScenario(options: PairsOptions): ComparedScenario<PairsResult> {
  return {
    name: 'pairs',
    title: `Pair rooms: ${options.rooms} rooms x 2 thin clients typing ${options.charsPerSecond} chars/s for ${options.durationMs / 1000} s, each keystroke + a cursor update`,
    metrics: METRICS,
    notes: [
      `Propagation: sender inserts -> the partner holds it. CPU: first keystroke to ${options.settleMs / 1000} s after the last delivery.`,
      'Two instances (PG + Redis): partners on different instances; CPU of both, their redis-server and their PostgreSQL backends.',
      'PSI: % of wall time some task waited for a CPU; near 0 on a quiet machine, where latency means most.',
      'Generator lag: how late keystrokes left against their schedule (the generator falling behind).',
      'Check: both clients of every room and a fresh client of 3 rooms hold identical text, nothing lost.',
    ],
    run: (server, scope) => runPairs(server, options, scope),
  };
}

/**
 * Scenario 1, pair rooms: `rooms` rooms of two thin clients, both typing `charsPerSecond` on an
 * open-loop schedule (a keystroke leaves at its time whether or not earlier ones arrived), each
 * keystroke followed by a cursor (awareness) update, as editors send them.
 */
export async function runPairs(server: ServerHandle, options: PairsOptions, scope: Scope, roomPrefix = 'pair'): Promise<PairsResult> {
  const roomIds = Array.from({ length: options.rooms }, (_, i) => `${roomPrefix}-${i}`);
  await server.createRooms(roomIds);
  const wire = wireOf(server.kind);
  // A cluster's instances take turns, and a room's partners always sit on different instances:
  // every keystroke then crosses the room bus, which is what this scenario measures for a cluster.
  const urls = server.wsUrls;
  const connect = (room: string, instance: number): ThinClient =>
    new ThinClient(`${urls[instance % urls.length] ?? server.wsUrl}/${room}`, room, wire, scope);
  const first = roomIds.map((room, r) => connect(room, r));
  const second = roomIds.map((room, r) => connect(room, r + 1));
  const clients = [...first, ...second];
  await waitUntil(() => clients.every((c) => c.synced), `${clients.length} clients to sync`, CONNECT_TIMEOUT_MS, 10);
  // Joining work (room loads, presence exchange) must not be counted against the typing.
  await waitQuiet(() => server.cpuMs());

  const perClient = Math.ceil((options.durationMs / 1000) * options.charsPerSecond) + 1;
  // First typists of every room, then the second ones: partners type half a period apart.
  const typists: Typist[] = clients.map((client, i) => ({
    client,
    sentAt: new Float64Array(perClient).fill(Number.NaN),
    cursor: 0,
    random: seededRandom(i + 1),
  }));
  const latencies = new SampleBuffer();
  roomIds.forEach((_, r) => {
    const [a, b] = [typists[r], typists[r + options.rooms]];
    if (a && b) {
      observe(b.client.doc, a, latencies);
      observe(a.client.doc, b, latencies);
    }
  });

  const pressure = cpuPressureMeter();
  const serverCpuStart = server.cpuMs();
  const processCpuStart = server.cpuMsByProcess();
  const generatorCpuStart = process.cpuUsage();
  const started = performance.now();
  const lag = await typeOnSchedule(typists, options, scope);
  const typingMs = performance.now() - started;
  const generatorCpu = process.cpuUsage(generatorCpuStart);
  const memory = server.residentMemory();
  const typed = typists.reduce((sum, t) => sum + Y.getState(t.client.doc.store, t.client.doc.clientID), 0);
  await waitUntil(() => latencies.length >= typed, 'every keystroke to reach the partner', DRAIN_TIMEOUT_MS, 5).catch(() => {});
  const drainedAt = performance.now();
  await sleep(options.settleMs);
  const serverCpuMs = server.cpuMs() - serverCpuStart;
  const measuredMs = performance.now() - started;
  const processCpuPct = server
    .cpuMsByProcess()
    .map(({ name, ms }, i) => ({ name, pct: (100 * (ms - (processCpuStart[i]?.ms ?? NaN))) / measuredMs }));
  const cpuPressurePct = pressure();

  const problems = await checkRooms(server, roomIds, { first, second }, { typed, deliveries: latencies.length }, scope);
  return {
    typed,
    deliveries: latencies.length,
    latency: summarize(latencies.values()),
    deliveredPerSecond: (latencies.length * 1000) / (drainedAt - started),
    serverCpuMsPer1000: (serverCpuMs * 1000) / latencies.length,
    serverCpuPct: (100 * serverCpuMs) / measuredMs,
    processCpuPct,
    generatorCpuPct: (100 * (generatorCpu.user + generatorCpu.system)) / 1000 / typingMs,
    scheduleLagP99Ms: summarize(lag.values()).p99,
    rss: memory.rss,
    peakRss: memory.peakRss,
    cpuPressurePct,
    converged: problems.length === 0,
    problems,
  };
}

/** Records, for each of `sender`'s keystrokes that reaches `doc`, the time since it was typed. */
function observe(doc: Y.Doc, sender: Typist, latencies: SampleBuffer): void {
  const senderId = sender.client.doc.clientID;
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    if (tr.local) return;
    const after = tr.afterState.get(senderId) ?? 0;
    const now = performance.now();
    for (let clock = tr.beforeState.get(senderId) ?? 0; clock < after; clock++) {
      const t0 = sender.sentAt[clock];
      if (t0 !== undefined && !Number.isNaN(t0)) latencies.push(now - t0);
    }
  });
}

/**
 * Fires keystrokes at fixed times: typist i's k-th at `start + (k * typists + i) * gap`. One timer
 * wakes for whatever is due, so a slow turn makes the next one send more, not later.
 */
function typeOnSchedule(typists: readonly Typist[], options: PairsOptions, scope: Scope): Promise<SampleBuffer> {
  const gapMs = 1000 / (options.charsPerSecond * typists.length);
  const total = Math.floor(options.durationMs / gapMs);
  const lag = new SampleBuffer();
  const start = performance.now();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  scope.defer(() => clearTimeout(timer));
  return new Promise<SampleBuffer>((resolve) => {
    const tick = (): void => {
      for (let now = performance.now(); next < total && start + next * gapMs <= now; next++) {
        const typist = typists[next % typists.length];
        if (typist) keystroke(typist);
        lag.push(performance.now() - (start + next * gapMs));
      }
      if (next >= total) resolve(lag);
      else timer = setTimeout(tick, Math.max(0, start + next * gapMs - performance.now()));
    };
    tick();
  });
}

/** One typed character at the typist's cursor, then the cursor's new place as presence. */
function keystroke(typist: Typist): void {
  const { client } = typist;
  const clock = Y.getState(client.doc.store, client.doc.clientID);
  if (clock >= typist.sentAt.length) return;
  const position = Math.min(typist.cursor, client.text.length);
  typist.sentAt[clock] = performance.now();
  client.text.insert(position, String.fromCharCode(97 + Math.floor(typist.random() * 26)));
  typist.cursor = position + 1;
  client.sendAwareness({ user: { name: `user-${client.doc.clientID}` }, cursor: { anchor: position + 1, head: position + 1 } });
}

/** Partners hold the same text with every keystroke; fresh clients of a few rooms get it from the server. */
async function checkRooms(
  server: ServerHandle,
  roomIds: readonly string[],
  { first, second }: { first: readonly ThinClient[]; second: readonly ThinClient[] },
  { typed, deliveries }: { typed: number; deliveries: number },
  scope: Scope,
): Promise<string[]> {
  const problems: string[] = [];
  if (deliveries < typed) problems.push(`lost ${typed - deliveries}/${typed}`);
  const closed = [...first, ...second].filter((c) => c.closed).length;
  if (closed > 0) problems.push(`${closed} disconnects`);
  let differ = 0;
  let length = 0;
  first.forEach((a, r) => {
    const b = second[r];
    length += a.text.length;
    if (!b || a.text.toString() !== b.text.toString()) differ++;
  });
  if (differ > 0) problems.push(`${differ} rooms differ`);
  if (length !== typed) problems.push(`texts hold ${length} of ${typed} chars`);
  const sample = first.slice(0, VERIFIED_ROOMS).map((a, r) => ({ a, room: roomIds[r] ?? '' }));
  // On the last instance: with several, not the one the first partner typed on.
  const joinUrl = server.wsUrls[server.wsUrls.length - 1] ?? server.wsUrl;
  const joiners = sample.map(({ room }) => new ThinClient(`${joinUrl}/${room}`, room, wireOf(server.kind), scope));
  const joined = await waitUntil(() => joiners.every((j) => j.synced), 'fresh clients to sync', 10_000).then(
    () => true,
    () => false,
  );
  if (!joined) problems.push('fresh clients did not sync');
  else if (sample.some(({ a }, i) => joiners[i]?.text.toString() !== a.text.toString())) problems.push("server's document differs");
  return problems;
}
