import * as Y from 'yjs';
import type { ComparedScenario, Metric } from '../compared-scenario.js';
import { usesPostgres } from '../cluster.js';
import { type EditingHistory, editingHistory } from '../editing-history.js';
import { type ServerKind, wireOf } from '../ipc.js';
import type { Scope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { summarize } from '../stats.js';
import { fmt } from '../table.js';
import { ThinClient } from '../thin-client.js';
import { sleep, waitQuiet } from '../wait.js';

export interface ColdLoadOptions {
  /** Edits in the room's history (the automerge-paper trace has 260k). */
  ops: number;
  /** Consecutive ops the author's client sends as one update. */
  opsPerMessage: number;
  /** Fresh clients timed one after another while the room is loaded. */
  warmJoins: number;
  /** Timed joins that load the room from storage, each after the server unloaded it. */
  coldJoins: number;
  /** Wait after the ingest before timing joins: longer than Hocuspocus' 2 s store debounce. */
  settleMs: number;
}

export interface ColdLoadResult {
  /** Author's first message to the server's answer to a sync step 1 sent after the last, ms. */
  ingestMs: number;
  ingestServerCpuMs: number;
  /** Median (nearest rank) time from opening a fresh client to it holding the whole document, room in memory, ms. */
  fromMemoryMs: number;
  /** Same once the server unloaded the room (in storage only); NaN where the server keeps no storage. */
  fromStorageMs: number;
  /** Same as the first join after a graceful restart of the server process; NaN without storage. */
  afterRestartMs: number;
  /** Median time the joiner itself spent applying the document (part of every figure above), ms. */
  joinerApplyMs: number;
  /** The server's part: median over the joins from memory, and from storage, of the join less the joiner's apply, ms. */
  serverPartFromMemoryMs: number;
  serverPartFromStorageMs: number;
  /** Size of the sync step 2 the last joiner received while the room was in memory, bytes. */
  step2Bytes: number;
  generatorCpuPct: number;
  problems: string[];
}

const JOIN_TIMEOUT_MS = 60_000;
const UNLOAD_TIMEOUT_MS = 15_000;
const INGEST_TIMEOUT_MS = 600_000;
const ROOM = 'cold-load';

/** Servers that unload a room to durable storage (those on SQLite are also restarted: see ServerHandle.restart). */
export function keepsStorage(kind: ServerKind): boolean {
  return kind === 'pairwise-sqlite' || kind === 'pairwise-sqlite-slow' || kind === 'hocuspocus-sqlite' || usesPostgres(kind);
}

const METRICS: readonly Metric<ColdLoadResult>[] = [
  { key: 'fromMemoryMs', label: 'sync from memory ms', value: (r) => r.fromMemoryMs, format: fmt.ms, better: 'lower' },
  { key: 'fromStorageMs', label: 'sync from storage ms (room unloaded)', value: (r) => r.fromStorageMs, format: fmt.ms, better: 'lower' },
  { key: 'afterRestartMs', label: 'sync after a server restart ms', value: (r) => r.afterRestartMs, format: fmt.ms, better: 'lower' },
  { key: 'joinerApplyMs', label: "joiner's own apply of the document ms", value: (r) => r.joinerApplyMs, format: fmt.ms },
  { key: 'serverPartFromMemoryMs', label: 'from memory less that apply ms', value: (r) => r.serverPartFromMemoryMs, format: fmt.ms },
  { key: 'serverPartFromStorageMs', label: 'from storage less that apply ms', value: (r) => r.serverPartFromStorageMs, format: fmt.ms },
  { key: 'step2Kb', label: 'sync step 2 size KB (from memory)', value: (r) => r.step2Bytes / 1024, format: fmt.int },
  { key: 'ingestMs', label: 'ingest of the history ms', value: (r) => r.ingestMs, format: fmt.int },
  { key: 'ingestServerCpuMs', label: 'server CPU for the ingest ms', value: (r) => r.ingestServerCpuMs, format: fmt.int },
];

/** Scenario 5 as one of the compared scenarios. */
export function coldLoadScenario(options: ColdLoadOptions): ComparedScenario<ColdLoadResult> {
  const messages = Math.ceil(options.ops / options.opsPerMessage);
  return {
    name: 'cold-load',
    title: `Cold load: a room with a ${options.ops.toLocaleString('en-US')}-op editing history; a fresh thin client joins`,
    metrics: METRICS,
    notes: [
      `History: generated, seeded, shaped like the automerge-paper trace (typing at a moving cursor, ~30% deletions); no npm package ships the trace.`,
      `Loaded as its author's client sends it: ${messages.toLocaleString('en-US')} update messages of ${options.opsPerMessage} consecutive ops each.`,
      `Sync: opening a fresh client to its sync step 2 applied (holding the whole text); from memory: median of ${options.warmJoins} joins, author still connected.`,
      `From storage: the author gone, the server unloaded the room (asked over IPC, not assumed), then a join: median of ${options.coldJoins}.`,
      'After a restart: the first join after a graceful restart of the server process on the same data directory (a cold process: its first decode, no JIT warm-up); SQLite servers only.',
      "'-': the server keeps no storage (or, after a restart, is PostgreSQL-backed: its scratch database belongs to the launch).",
      "The joiner's own decode and apply of the document is part of every sync figure and the same work for every server;",
      "the 'less that apply' rows are the server's part. Generator CPU: this process's load while it waits for the server (apply left out).",
      'Check: every joiner holds exactly the final text of the history.',
    ],
    run: (server, scope) => runColdLoad(server, editingHistory(options.ops, options.opsPerMessage), options, scope),
  };
}

/**
 * Scenario 5: the author's client sends the whole history, then fresh clients join and are timed
 * until they hold the document: while the room is loaded; for servers with storage, once the
 * server unloaded the room, and first after a restart of the server process.
 */
export async function runColdLoad(
  first: ServerHandle,
  history: EditingHistory,
  options: ColdLoadOptions,
  scope: Scope,
): Promise<ColdLoadResult> {
  await first.createRooms([ROOM]);
  const author = new ThinClient(`${first.wsUrl}/${ROOM}`, ROOM, wireOf(first.kind), scope);
  await withTimeout(author.whenSynced(), JOIN_TIMEOUT_MS, 'the author to sync');
  const problems: string[] = [];
  const { ingestMs, ingestServerCpuMs } = await ingest(first, author, history);
  // Storage a server defers (Hocuspocus' debounce) must not land inside a timed join.
  await sleep(options.settleMs);
  await waitQuiet(() => first.cpuMs());

  const joins = new JoinTimer(history.text, problems, scope);
  const warm: Join[] = [];
  for (let i = 0; i < options.warmJoins; i++) warm.push(await joins.time(first));
  const step2Bytes = joins.lastStep2Bytes;
  if (author.closed) problems.push('the author was disconnected');

  const cold: Join[] = [];
  let afterRestartMs = Number.NaN;
  if (keepsStorage(first.kind)) {
    author.close();
    for (let i = 0; i < options.coldJoins; i++) {
      await waitUnloaded(first);
      cold.push(await joins.time(first));
    }
    const restarted = await first.restart?.();
    if (restarted) {
      scope.defer(() => restarted.stop());
      afterRestartMs = (await joins.time(restarted)).ms;
    }
  }
  return {
    ingestMs,
    ingestServerCpuMs,
    fromMemoryMs: summarize(warm.map((j) => j.ms)).p50,
    fromStorageMs: summarize(cold.map((j) => j.ms)).p50,
    afterRestartMs,
    joinerApplyMs: summarize(joins.applyMs).p50,
    serverPartFromMemoryMs: summarize(warm.map((j) => j.ms - j.applyMs)).p50,
    serverPartFromStorageMs: summarize(cold.map((j) => j.ms - j.applyMs)).p50,
    step2Bytes,
    generatorCpuPct: joins.generatorCpuPct(),
    problems: [...new Set(problems)],
  };
}

/** Sends every message of the history, then waits for the server's answer to a sync step 1 sent after them. */
async function ingest(
  server: ServerHandle,
  author: ThinClient,
  history: EditingHistory,
): Promise<{ ingestMs: number; ingestServerCpuMs: number }> {
  const cpuBefore = server.cpuMs();
  const started = performance.now();
  for (const message of history.messages) Y.applyUpdate(author.doc, message);
  await withTimeout(author.resync(), INGEST_TIMEOUT_MS, 'the server to take the history');
  return { ingestMs: performance.now() - started, ingestServerCpuMs: server.cpuMs() - cpuBefore };
}

/** Until the server says the room left memory (Pairwise after its 1 s idle unload, Hocuspocus once stored). */
async function waitUnloaded(server: ServerHandle): Promise<void> {
  const deadline = performance.now() + UNLOAD_TIMEOUT_MS;
  while ((await server.isLoaded(ROOM)) !== false) {
    if (performance.now() > deadline) throw new Error(`the room was not unloaded within ${UNLOAD_TIMEOUT_MS} ms`);
    await sleep(50);
  }
}

interface Join {
  /** Opening the socket to the document applied. */
  ms: number;
  /** The joiner's own decode and apply of the document, within `ms`. */
  applyMs: number;
}

/** Times fresh clients from opening to holding the server's document; keeps the generator's CPU over those windows. */
class JoinTimer {
  readonly applyMs: number[] = [];
  lastStep2Bytes = Number.NaN;
  private waitingWallMs = 0;
  private waitingCpuMs = 0;

  constructor(
    private readonly expected: string,
    private readonly problems: string[],
    private readonly scope: Scope,
  ) {}

  /** A wrong text is a problem, not a time. */
  async time(server: ServerHandle): Promise<Join> {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    const joiner = new ThinClient(`${server.wsUrl}/${ROOM}`, ROOM, wireOf(server.kind), this.scope);
    await withTimeout(joiner.whenSynced(), JOIN_TIMEOUT_MS, 'a fresh client to sync');
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuStart);
    // The apply is CPU-bound work the figure is meant to include; the rest of the window is waiting on the server.
    this.applyMs.push(joiner.step2ApplyMs);
    this.lastStep2Bytes = joiner.step2Bytes;
    this.waitingWallMs += ms - joiner.step2ApplyMs;
    this.waitingCpuMs += (cpu.user + cpu.system) / 1000 - joiner.step2ApplyMs;
    const text = joiner.text.toString();
    if (text !== this.expected) this.problems.push(`a joiner got ${text.length} chars, expected ${this.expected.length}`);
    joiner.close();
    return { ms, applyMs: joiner.step2ApplyMs };
  }

  generatorCpuPct(): number {
    return (100 * Math.max(0, this.waitingCpuMs)) / this.waitingWallMs;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
