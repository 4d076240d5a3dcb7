import { connectAll, converged, totalDisconnects, type BenchClient } from '../clients.js';
import type { MemorySample } from '../ipc.js';
import type { Scope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { sleep, waitQuiet, waitUntil } from '../wait.js';

export interface IdleOptions {
  rooms: number;
  clientsPerRoom: number;
  /** Clients connected per batch: a burst of hundreds of handshakes would only measure the accept backlog. */
  batch: number;
  settleMs: number;
}

export interface IdleResult {
  empty: MemorySample;
  /** One client per room: every room loaded. */
  oneEach: MemorySample;
  full: MemorySample;
  /** (full - oneEach) / the connections added: the cost of a connection, rooms already paid for. */
  rssPerConnection: number;
  heapPerConnection: number;
  /** (oneEach - empty) / rooms: a loaded room with its first connection. */
  rssPerRoom: number;
  correct: boolean;
  disconnects: number;
}

/** Memory of a server holding many idle connections, measured after a forced GC in the server. */
export async function runIdle(server: ServerHandle, options: IdleOptions, scope: Scope): Promise<IdleResult> {
  const rooms = Array.from({ length: options.rooms }, (_, i) => `idle-${i}`);
  await server.createRooms(rooms);
  const empty = await server.memory();
  const first = await connectBatched(server, rooms, options, scope);
  await settle(server, options.settleMs);
  const oneEach = await server.memory();
  const rest = await connectBatched(
    server,
    rooms.flatMap((r) => Array<string>(options.clientsPerRoom - 1).fill(r)),
    options,
    scope,
  );
  await settle(server, options.settleMs);
  const full = await server.memory();
  const clients = [...first, ...rest];
  const added = rest.length;
  return {
    empty,
    oneEach,
    full,
    rssPerConnection: (full.rss - oneEach.rss) / added,
    heapPerConnection: (full.heapUsed - oneEach.heapUsed) / added,
    rssPerRoom: (oneEach.rss - empty.rss) / options.rooms,
    correct: await everyRoomStillSyncs(clients, rooms),
    disconnects: totalDisconnects(clients),
  };
}

/** Let joins finish, then give the allocator a moment before memory is read. */
async function settle(server: ServerHandle, ms: number): Promise<void> {
  await waitQuiet(() => server.cpuMs());
  await sleep(ms);
}

async function connectBatched(server: ServerHandle, rooms: readonly string[], options: IdleOptions, scope: Scope): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  for (let i = 0; i < rooms.length; i += options.batch) {
    clients.push(...(await connectAll(server.wsUrl, rooms.slice(i, i + options.batch), server.stateful, scope)));
  }
  return clients;
}

/** After sitting idle, one edit per room still reaches every client of that room. */
async function everyRoomStillSyncs(clients: readonly BenchClient[], rooms: readonly string[]): Promise<boolean> {
  const byRoom = new Map<string, BenchClient[]>();
  for (const c of clients) byRoom.set(c.provider.roomname, [...(byRoom.get(c.provider.roomname) ?? []), c]);
  for (const room of rooms) byRoom.get(room)?.[0]?.text.insert(0, room);
  try {
    await waitUntil(() => rooms.every((room) => converged(byRoom.get(room) ?? [], room.length)), 'every room to converge', 10_000, 10);
    return true;
  } catch {
    return false;
  }
}
