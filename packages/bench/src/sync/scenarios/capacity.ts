import { readFileSync } from 'node:fs';
import type { ComparedScenario, Metric } from '../compared-scenario.js';
import { type MemorySample, wireOf } from '../ipc.js';
import type { Scope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { ThinClient } from '../thin-client.js';
import { sleep, waitQuiet, waitUntil } from '../wait.js';

export interface CapacityOptions {
  /** Connections in all; two per room. */
  connections: number;
  /** Connections opened at once; the next batch starts when every one of them is synced. */
  batch: number;
  /** Characters the first client of every room types (one transaction) before the second joins. */
  roomChars: number;
  /** Pause after the server goes quiet, before its memory is read. */
  settleMs: number;
}

export interface CapacityResult {
  /** Sum over the batches of first connect to every client of the batch synced, ms. */
  acceptMs: number;
  empty: MemorySample;
  /** One client per room, every room loaded with its text. */
  oneEach: MemorySample;
  /** Two clients per room. */
  full: MemorySample;
  /** (full - oneEach) / rooms: the second, idle connection of a room. */
  rssPerConnection: number;
  heapPerConnection: number;
  /** (oneEach - empty) / rooms: a loaded small room with its first connection. */
  rssPerRoom: number;
  heapPerRoom: number;
  generatorCpuPct: number;
  problems: string[];
}

const BATCH_TIMEOUT_MS = 60_000;
/** Descriptors this process and the server need beside the sockets (modules, SQLite, IPC, stdio). */
const SPARE_FILE_DESCRIPTORS = 500;
const KiB = 1024;
const oneDecimal = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '-');

const METRICS: readonly Metric<CapacityResult>[] = [
  { key: 'acceptS', label: 'time to accept all s', value: (r) => r.acceptMs / 1000, format: (v) => v.toFixed(2), better: 'lower' },
  {
    key: 'rssPerConnectionKb',
    label: 'RSS KB per idle connection',
    value: (r) => r.rssPerConnection / KiB,
    format: oneDecimal,
    better: 'lower',
  },
  { key: 'rssPerRoomKb', label: 'RSS KB per loaded small room', value: (r) => r.rssPerRoom / KiB, format: oneDecimal, better: 'lower' },
  { key: 'heapPerConnectionKb', label: 'heap KB per idle connection', value: (r) => r.heapPerConnection / KiB, format: oneDecimal },
  { key: 'heapPerRoomKb', label: 'heap KB per loaded small room', value: (r) => r.heapPerRoom / KiB, format: oneDecimal },
  { key: 'fullRssMb', label: 'server RSS MB, all connected', value: (r) => r.full.rss / 2 ** 20, format: oneDecimal },
];

/** Scenario 4 as one of the compared scenarios. */
export function capacityScenario(options: CapacityOptions): ComparedScenario<CapacityResult> {
  const rooms = roomCount(options);
  return {
    name: 'capacity',
    title: `Idle capacity: ${options.connections.toLocaleString('en-US')} thin clients over ${rooms.toLocaleString('en-US')} rooms (2 per room), ${options.batch} connecting at a time`,
    metrics: METRICS,
    notes: [
      'Accept: first connect to every client synced (sync step 2 applied), summed over the batches of both passes.',
      `Memory after a forced GC in the server: empty (rooms created), 1 client per room (a small room: ${options.roomChars} chars typed by that client as one update), 2 per room.`,
      'Per loaded small room: (1 per room - empty) / rooms. Per idle connection: (2 per room - 1 per room) / rooms.',
      'Every client did the real handshake: sync step 1/2 and one awareness state; thin clients, each with a Y.Doc.',
      "Check: every connection open and synced at the end; each room's second client holds its first client's text.",
    ],
    run: (server, scope) => runCapacity(server, options, scope),
  };
}

function roomCount(options: CapacityOptions): number {
  return Math.max(1, Math.floor(options.connections / 2));
}

/** Scenario 4: memory of a server holding many idle connections over small rooms, and how fast it takes them. */
export async function runCapacity(server: ServerHandle, options: CapacityOptions, scope: Scope): Promise<CapacityResult> {
  checkFileLimit(options.connections);
  const rooms = Array.from({ length: roomCount(options) }, (_, i) => `idle-${i}`);
  await server.createRooms(rooms);
  const text = roomText(options.roomChars);
  const accept = new AcceptTimer();

  const empty = await server.memory();
  const first = await accept.connect(server, rooms, options.batch, scope, (client) => client.text.insert(0, text));
  await settle(server, options.settleMs);
  const oneEach = await server.memory();
  const second = await accept.connect(server, rooms, options.batch, scope);
  await settle(server, options.settleMs);
  const full = await server.memory();

  return {
    acceptMs: accept.wallMs,
    empty,
    oneEach,
    full,
    rssPerConnection: (full.rss - oneEach.rss) / rooms.length,
    heapPerConnection: (full.heapUsed - oneEach.heapUsed) / rooms.length,
    rssPerRoom: (oneEach.rss - empty.rss) / rooms.length,
    heapPerRoom: (oneEach.heapUsed - empty.heapUsed) / rooms.length,
    generatorCpuPct: accept.generatorCpuPct(),
    problems: check(first, second, text),
  };
}

/** Opens clients batch by batch, timing each batch from its first connect to all of it synced. */
class AcceptTimer {
  wallMs = 0;
  private cpuMs = 0;

  async connect(
    server: ServerHandle,
    rooms: readonly string[],
    batch: number,
    scope: Scope,
    onSynced: (client: ThinClient) => void = () => {},
  ): Promise<ThinClient[]> {
    const clients: ThinClient[] = [];
    for (let i = 0; i < rooms.length; i += batch) {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      const opened = rooms.slice(i, i + batch).map((room) => new ThinClient(`${server.wsUrl}/${room}`, room, wireOf(server.kind), scope));
      await waitUntil(() => opened.every((c) => c.synced), `${opened.length} clients to sync`, BATCH_TIMEOUT_MS, 1);
      this.wallMs += performance.now() - started;
      const cpu = process.cpuUsage(cpuStart);
      this.cpuMs += (cpu.user + cpu.system) / 1000;
      opened.forEach(onSynced);
      clients.push(...opened);
    }
    return clients;
  }

  generatorCpuPct(): number {
    return (100 * this.cpuMs) / this.wallMs;
  }
}

/** Fails at once, saying what to do, rather than as a batch timing out on EMFILE (the server inherits the limit). */
function checkFileLimit(connections: number): void {
  const limit = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? Number.POSITIVE_INFINITY);
  if (limit < connections + SPARE_FILE_DESCRIPTORS) {
    throw new Error(
      `open-file limit ${limit} is too low for ${connections} connections: raise it (ulimit -n ${2 * connections}) and run again`,
    );
  }
}

/** Let joins and stores finish, then give the allocator a moment before memory is read. */
async function settle(server: ServerHandle, ms: number): Promise<void> {
  await waitQuiet(() => server.cpuMs());
  await sleep(ms);
}

/** Source-like text of `length` characters, the same in every room. */
function roomText(length: number): string {
  const line = 'const value = compute(input); // ';
  return line.repeat(Math.ceil(length / line.length)).slice(0, length);
}

/** Every connection still open and synced; every room's second client got the first one's text from the server. */
function check(first: readonly ThinClient[], second: readonly ThinClient[], text: string): string[] {
  const problems: string[] = [];
  const all = [...first, ...second];
  const closed = all.filter((c) => !c.open).length;
  if (closed > 0) problems.push(`${closed} of ${all.length} connections closed`);
  const unsynced = all.filter((c) => !c.synced).length;
  if (unsynced > 0) problems.push(`${unsynced} connections not synced`);
  const wrong = second.filter((c, i) => c.text.toString() !== text || first[i]?.text.toString() !== text).length;
  if (wrong > 0) problems.push(`${wrong} rooms without their text`);
  return problems;
}
