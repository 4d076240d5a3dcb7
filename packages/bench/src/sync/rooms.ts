import { wireOf } from './ipc.js';
import type { Scope } from './scope.js';
import type { ServerHandle } from './servers.js';
import { ThinClient } from './thin-client.js';
import { waitUntil } from './wait.js';

/** A room and every client the scenario kept in it. */
export interface RoomClients {
  id: string;
  clients: readonly ThinClient[];
}

export interface Tally {
  /** Keystrokes sent, over every room. */
  typed: number;
  /** Arrivals the scenario should have seen (keystrokes x receivers) and the ones it saw. */
  expectedDeliveries: number;
  deliveries: number;
}

const JOIN_TIMEOUT_MS = 10_000;
/** How long a joiner's copy may take to receive edits still crossing between instances. */
const CONVERGE_TIMEOUT_MS = 3_000;
const CONNECT_TIMEOUT_MS = 60_000;

/**
 * Rooms `ids` of `clientsPerRoom` thin clients each, every client synced with the server. A
 * cluster's instances take turns: client j of room r connects to instance r + j, so the clients of
 * a room sit on different instances and every keystroke crosses the room bus, which is what a
 * scenario measures for a cluster.
 */
export async function connectRooms(
  server: Pick<ServerHandle, 'kind' | 'wsUrl' | 'wsUrls' | 'stateful' | 'createRooms'>,
  ids: readonly string[],
  clientsPerRoom: number,
  scope: Scope,
): Promise<RoomClients[]> {
  await server.createRooms(ids);
  const wire = wireOf(server.kind);
  const urls = server.wsUrls;
  const rooms = ids.map((id, r) => ({
    id,
    clients: Array.from(
      { length: clientsPerRoom },
      (_, j) => new ThinClient(`${urls[(r + j) % urls.length] ?? server.wsUrl}/${id}`, id, wire, scope),
    ),
  }));
  const clients = rooms.flatMap((room) => room.clients);
  if (!server.stateful) await askAgainThroughRelay(clients);
  await waitUntil(() => clients.every((c) => c.synced), `${clients.length} clients to sync`, CONNECT_TIMEOUT_MS, 10);
  return rooms;
}

/**
 * A relay keeps no document: a client's sync step 1 reaches only the clients already in its room, so
 * the first of a room to arrive is never answered. Once all are connected, each asks its room again.
 */
export async function askAgainThroughRelay(clients: readonly ThinClient[]): Promise<void> {
  await waitUntil(() => clients.every((c) => c.open), `${clients.length} clients to connect`, CONNECT_TIMEOUT_MS, 10);
  for (const client of clients) void client.resync();
}

/**
 * The end-of-run check every scenario shares: nothing lost, no client disconnected, every client
 * of a room holds the same text, the texts hold every keystroke, and a fresh client joining the
 * first `verified` rooms gets that text from the server. Returns what is wrong (empty: all good).
 */
export async function checkRooms(
  server: ServerHandle,
  rooms: readonly RoomClients[],
  tally: Tally,
  scope: Scope,
  verified = 3,
): Promise<string[]> {
  const problems: string[] = [];
  if (tally.deliveries < tally.expectedDeliveries) {
    problems.push(`lost ${tally.expectedDeliveries - tally.deliveries}/${tally.expectedDeliveries} deliveries`);
  }
  const closed = rooms.reduce((n, room) => n + room.clients.filter((c) => c.closed).length, 0);
  if (closed > 0) problems.push(`${closed} disconnects`);
  const texts = rooms.map((room) => room.clients.map((c) => c.text.toString()));
  const differ = texts.filter((room) => room.some((text) => text !== room[0])).length;
  if (differ > 0) problems.push(`${differ} rooms differ`);
  const length = texts.reduce((sum, room) => sum + (room[0]?.length ?? 0), 0);
  if (length !== tally.typed) problems.push(`texts hold ${length} of ${tally.typed} chars`);
  const sample = rooms.slice(0, verified);
  // On the last instance: with several, not the one the first client typed on.
  const joinUrl = server.wsUrls[server.wsUrls.length - 1] ?? server.wsUrl;
  const joiners = sample.map((room) => new ThinClient(`${joinUrl}/${room.id}`, room.id, wireOf(server.kind), scope));
  const joined = await waitUntil(() => joiners.every((j) => j.synced), 'fresh clients to sync', JOIN_TIMEOUT_MS).then(
    () => true,
    () => false,
  );
  // With several instances the joiner's instance may still be receiving the last keystrokes over the
  // bus when it answers the sync: what counts is that it holds them all within a bound, not at once.
  const same = () => sample.every((room, i) => joiners[i]?.text.toString() === room.clients[0]?.text.toString());
  const converged =
    joined &&
    (await waitUntil(same, "the joiners' instance to hold every edit", CONVERGE_TIMEOUT_MS).then(
      () => true,
      () => false,
    ));
  if (!joined) problems.push('fresh clients did not sync');
  else if (!converged) problems.push("server's document differs");
  return problems;
}
