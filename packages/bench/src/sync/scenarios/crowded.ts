import type { ComparedScenario } from '../compared-scenario.js';
import { checkRooms, connectRooms } from '../rooms.js';
import type { Scope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { SampleBuffer } from '../stats.js';
import { docTypists, docTyping, observeDoc, recordArrivals } from '../typing.js';
import { waitQuiet } from '../wait.js';
import { measureTyping, TYPING_METRICS, type TypingResult } from './typing-window.js';
import { keystrokesPerTypist } from './warm-up.js';

export interface CrowdedOptions {
  clients: number;
  /** How many of the clients type; the rest hold a presence state and watch. */
  typists: number;
  charsPerSecond: number;
  durationMs: number;
  /** See TypingWindow.settleMs. */
  settleMs: number;
  /**
   * Watchers keep the updates they receive and apply them after the run (ThinClient.keepUpdates)
   * instead of integrating each on arrival, so the generator's core does not run out first.
   */
  lightWatchers: boolean;
}

const ROOM = 'crowded';

/** Scenario 2 as one of the compared scenarios. */
export function crowdedScenario(options: CrowdedOptions): ComparedScenario<TypingResult> {
  const watchers = options.clients - options.typists;
  return {
    name: 'crowded',
    title: `Crowded room: 1 room, ${options.clients} thin clients, ${options.typists} typing ${options.charsPerSecond} chars/s for ${options.durationMs / 1000} s (each keystroke + a cursor update), ${watchers} watching`,
    metrics: TYPING_METRICS,
    notes: [
      `Propagation: sender inserts -> each of the other ${options.clients - 1} clients holds it (one sample per keystroke and receiver).`,
      `Delivered updates = keystrokes x ${options.clients - 1} receivers. CPU: first keystroke to ${options.settleMs / 1000} s after the last delivery.`,
      options.lightWatchers
        ? 'Watchers time an update when it lands and decode only its Yjs ids; they apply everything after the run. Typists apply on arrival.'
        : 'Every client applies every update to its Y.Doc on arrival.',
      `Check: all ${options.clients} clients and a fresh joiner hold identical text, nothing lost, no disconnects.`,
    ],
    run: (server, scope) => runCrowded(server, options, scope),
  };
}

/**
 * Scenario 2, crowded room: one room of `clients` thin clients. The first `typists` type on an
 * open-loop schedule, each keystroke followed by a cursor (awareness) update; the others joined
 * with one presence state (the thin client's hello) and receive everything.
 */
export async function runCrowded(server: ServerHandle, options: CrowdedOptions, scope: Scope): Promise<TypingResult> {
  const rooms = await connectRooms(server, [ROOM], options.clients, scope);
  const clients = rooms[0]?.clients ?? [];
  // Joining work (the room's load, 100 presence states to everyone) must not be counted.
  await waitQuiet(() => server.cpuMs());

  const perClient = keystrokesPerTypist(options.charsPerSecond, options.durationMs);
  const typists = docTypists(clients.slice(0, options.typists), perClient);
  const latencies = new SampleBuffer();
  for (const typist of typists) observeDoc(typist.client.doc, typists, latencies);
  for (const watcher of clients.slice(options.typists)) {
    if (options.lightWatchers) watcher.keepUpdates(recordArrivals(typists, latencies));
    else observeDoc(watcher.doc, typists, latencies);
  }

  const typing = { charsPerSecond: options.charsPerSecond, durationMs: options.durationMs, settleMs: options.settleMs };
  const receiversPerKeystroke = options.clients - 1;
  const measured = await measureTyping(server, { ...typing, typing: docTyping(typists), latencies, receiversPerKeystroke }, scope);
  for (const client of clients) client.applyKeptUpdates();
  const tally = { typed: measured.typed, expectedDeliveries: measured.typed * receiversPerKeystroke, deliveries: measured.deliveries };
  const problems = await checkRooms(server, rooms, tally, scope);
  return { ...measured, converged: problems.length === 0, problems };
}
