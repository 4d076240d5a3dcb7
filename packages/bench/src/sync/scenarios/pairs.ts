import type { ComparedScenario } from '../compared-scenario.js';
import { checkRooms, connectRooms, type RoomClients } from '../rooms.js';
import type { Scope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { SampleBuffer } from '../stats.js';
import type { ThinClient } from '../thin-client.js';
import { preparedTypists, prepareKeystrokes, preparedTyping, timePartners } from '../prepared-typists.js';
import { docTypists, docTyping, observeDoc, type Typing } from '../typing.js';
import { waitQuiet } from '../wait.js';
import { measureTyping, TYPING_METRICS, type TypingResult } from './typing-window.js';
import { keystrokesPerTypist } from './warm-up.js';

export interface PairsOptions {
  rooms: number;
  /** Keystrokes per second per typist; both clients of every room type. */
  charsPerSecond: number;
  durationMs: number;
  /** See TypingWindow.settleMs. */
  settleMs: number;
  /**
   * Light typists send updates made before the window and time a partner's keystroke when its
   * frame lands, applying what they kept after the run (as the saturation climb does); full ones
   * insert into their Y.Docs and apply every update on arrival. Light by default: at 500 rooms
   * full typists put the generator's core past 80% (a run is then invalid), and their latency
   * carries the generator's own Yjs work.
   */
  lightTypists: boolean;
}

/** Scenario 1's figures: those of every typing scenario. */
export type PairsResult = TypingResult;

/** Scenario 1 as one of the compared scenarios. */
export function pairsScenario(options: PairsOptions): ComparedScenario<PairsResult> {
  return {
    name: 'pairs',
    title: `Pair rooms: ${options.rooms} rooms x 2 ${options.lightTypists ? 'light' : 'full'} thin clients typing ${options.charsPerSecond} chars/s for ${options.durationMs / 1000} s, each keystroke + a cursor update`,
    metrics: TYPING_METRICS,
    notes: [
      options.lightTypists
        ? `Propagation: sender's keystroke leaves -> its frame reaches the partner (light typists: updates made beforehand, applied after the run). CPU: first keystroke to ${options.settleMs / 1000} s after the last delivery.`
        : `Propagation: sender inserts -> the partner's Y.Doc holds it. CPU: first keystroke to ${options.settleMs / 1000} s after the last delivery.`,
      'Two instances (PG + Redis): partners on different instances; CPU of both, their redis-server and their PostgreSQL backends.',
      'PSI: % of wall time some task waited for a CPU; near 0 on a quiet machine, where latency means most.',
      'Generator lag: how late keystrokes left against their schedule (the generator falling behind).',
      "Server loop delay: how late the server's event loop ran a 5 ms timer (busy or blocked: what arriving keystrokes waited for).",
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
  const rooms = await connectPairRooms(server, options.rooms, scope, roomPrefix);
  // Joining work (room loads, presence exchange) must not be counted against the typing.
  await waitQuiet(() => server.cpuMs());

  const perClient = keystrokesPerTypist(options.charsPerSecond, options.durationMs);
  // First typists of every room, then the second ones: partners type half a period apart.
  const clients = firstThenSecond(rooms);
  const latencies = new SampleBuffer();
  const typing = options.lightTypists
    ? lightTyping(clients, options.rooms, perClient, latencies, scope)
    : fullTyping(clients, options.rooms, perClient, latencies);

  const window = { charsPerSecond: options.charsPerSecond, durationMs: options.durationMs, settleMs: options.settleMs };
  const measured = await measureTyping(server, { ...window, typing, latencies, receiversPerKeystroke: 1 }, scope);
  for (const client of clients) client.applyKeptUpdates();
  const tally = { typed: measured.typed, expectedDeliveries: measured.typed, deliveries: measured.deliveries };
  const problems = await checkRooms(server, rooms, tally, scope);
  return { ...measured, converged: problems.length === 0, problems };
}

/** Partners (client i and i + rooms) send prepared keystrokes and time each other's on arrival. */
function lightTyping(clients: readonly ThinClient[], rooms: number, keystrokes: number, latencies: SampleBuffer, scope: Scope): Typing {
  const typists = preparedTypists(clients, keystrokes, scope);
  prepareKeystrokes(typists, keystrokes);
  timePartners(typists, rooms, latencies);
  return preparedTyping(typists);
}

/** Partners type into their Y.Docs and time each other's keystrokes as their docs integrate them. */
function fullTyping(clients: readonly ThinClient[], rooms: number, keystrokes: number, latencies: SampleBuffer): Typing {
  const typists = docTypists(clients, keystrokes);
  for (let r = 0; r < rooms; r++) {
    const [a, b] = [typists[r], typists[r + rooms]];
    if (a && b) {
      observeDoc(b.client.doc, [a], latencies);
      observeDoc(a.client.doc, [b], latencies);
    }
  }
  return docTyping(typists);
}

/**
 * `count` rooms `<prefix>-<i>` of two thin clients each, every client synced with the server. On a
 * cluster a room's partners sit on different instances (see connectRooms).
 */
export function connectPairRooms(server: ServerHandle, count: number, scope: Scope, prefix = 'pair'): Promise<RoomClients[]> {
  return connectRooms(
    server,
    Array.from({ length: count }, (_, i) => `${prefix}-${i}`),
    2,
    scope,
  );
}

/** Every room's first client, then every room's second: partner i is at i + rooms. */
export function firstThenSecond(rooms: readonly RoomClients[]): ThinClient[] {
  return [0, 1].flatMap((slot) => rooms.flatMap((room) => room.clients.slice(slot, slot + 1)));
}
