import * as Y from 'yjs';
import { connectClient, isReady, type BenchClient } from '../clients.js';
import type { LoopDelay } from '../ipc.js';
import type { Scope } from '../scope.js';
import type { SeedDocument } from '../seed.js';
import type { ServerHandle } from '../servers.js';
import { summarize, type Summary } from '../stats.js';
import { sleep, waitUntil } from '../wait.js';

export interface JoinOptions {
  joins: number;
  /** Wait this long after the last client leaves before the cold join (Pairwise unloads idle rooms). */
  coldAfterMs: number;
}

export interface JoinResult {
  /** Time for the server to take all edits and pass them to a connected client. */
  ingestMs: number;
  ingestLoopDelay: LoopDelay;
  /** Server CPU time to take in every edit (including any storage work it triggered meanwhile). */
  ingestServerCpuMs: number;
  warm: Summary;
  /** Join after every client left and the room was unloaded; null where the server cannot. */
  coldMs: number | null;
  correct: boolean;
}

const INGEST_TIMEOUT_MS = 60_000;
const JOIN_TIMEOUT_MS = 20_000;

/**
 * A seeder sends a ~200 KB document as thousands of separate edits while a probe client watches;
 * then fresh clients join one after another and are timed until they hold the whole text.
 * The seeder stays connected: on the relay it is the only one who can answer a joiner's step 1.
 */
export async function runJoin(server: ServerHandle, seed: SeedDocument, options: JoinOptions, scope: Scope): Promise<JoinResult> {
  const room = 'join';
  await server.createRooms([room]);
  const seeder = connectClient(server.wsUrl, room, scope);
  const probe = connectClient(server.wsUrl, room, scope);
  await waitUntil(() => isReady(seeder, server.stateful) && isReady(probe, server.stateful), 'seeder and probe', 10_000);

  await server.loopDelay();
  const cpuBefore = server.cpuMs();
  const ingestStarted = performance.now();
  for (const update of seed.updates) Y.applyUpdate(seeder.doc, update);
  await waitUntil(() => probe.text.length === seed.text.length, 'the probe to receive every edit', INGEST_TIMEOUT_MS);
  const ingestMs = performance.now() - ingestStarted;
  const ingestServerCpuMs = server.cpuMs() - cpuBefore;
  const ingestLoopDelay = await server.loopDelay();
  let correct = probe.text.toString() === seed.text;

  const warm: number[] = [];
  for (let i = 0; i < options.joins; i++) {
    const { ms, text } = await timeJoin(server, room, seed.text.length, scope);
    warm.push(ms);
    correct &&= text === seed.text;
  }

  let coldMs: number | null = null;
  if (server.kind.startsWith('pairwise')) {
    seeder.destroy();
    probe.destroy();
    await sleep(options.coldAfterMs);
    const cold = await timeJoin(server, room, seed.text.length, scope);
    coldMs = cold.ms;
    correct &&= cold.text === seed.text;
  }
  return { ingestMs, ingestLoopDelay, ingestServerCpuMs, warm: summarize(warm), coldMs, correct };
}

/** From creating a stock client to the moment it is synced and holds `length` characters. */
async function timeJoin(server: ServerHandle, room: string, length: number, scope: Scope): Promise<{ ms: number; text: string }> {
  const started = performance.now();
  const client = connectClient(server.wsUrl, room, scope);
  try {
    await whenHolds(client, length);
    return { ms: performance.now() - started, text: client.text.toString() };
  } finally {
    client.destroy();
  }
}

/** Event-driven (not polled) so the measured time is not rounded up to a polling period. */
function whenHolds(client: BenchClient, length: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (!client.provider.synced || client.text.length !== length) return;
      finish();
      resolve();
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`join did not complete in ${JOIN_TIMEOUT_MS} ms`));
    }, JOIN_TIMEOUT_MS);
    const finish = (): void => {
      clearTimeout(timer);
      client.provider.off('sync', check);
      client.doc.off('update', check);
    };
    client.provider.on('sync', check);
    client.doc.on('update', check);
  });
}
