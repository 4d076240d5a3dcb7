import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { applyStoredUpdates, type RoomStore } from '../../src/storage/index.js';
import { type TestClient, waitFor } from './clients.js';
import { seededRandom } from './random.js';
import { TokenLedger } from './token-editing.js';

/** How far typing has got: what a `step` of `typeTokensWhile` decides on. */
export interface TypingProgress {
  elapsedMs: number;
  keystrokes: number;
}

/**
 * Three (or more) users typing unique tokens, one keystroke every ~20 ms, while `step` (called before
 * each keystroke) breaks or repairs something; typing stops when `step` returns false. Returns the
 * ledger of what was typed. A step that waits for the system under test by keystrokes or conditions,
 * not by elapsed time, holds on a loaded machine, where keystrokes come slower.
 */
export async function typeTokensWhile(
  clients: readonly TestClient[],
  seed: number,
  step: (progress: TypingProgress) => Promise<boolean>,
): Promise<TokenLedger> {
  console.info(`fault typing seed ${seed} (replay with PAIRWISE_SEED=${seed})`);
  const random = seededRandom(seed);
  const ledger = new TokenLedger();
  const started = Date.now();
  for (let keystrokes = 0; await step({ elapsedMs: Date.now() - started, keystrokes }); keystrokes++) {
    const typists = clients.slice(0, 3);
    const index = Math.floor(random() * typists.length);
    ledger.insert(typists[index]!.text, index, random);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return ledger;
}

/** `typeTokensWhile` for `durationMs`, with `fault(elapsedMs)` before each keystroke. */
export function typeTokens(
  clients: readonly TestClient[],
  seed: number,
  durationMs: number,
  fault: (elapsedMs: number) => Promise<void>,
): Promise<TokenLedger> {
  return typeTokensWhile(clients, seed, async ({ elapsedMs }) => {
    if (elapsedMs >= durationMs) return false;
    await fault(elapsedMs);
    return true;
  });
}

/** The room's text as a fresh load from `store` sees it. */
export async function storedTextOf(store: RoomStore, roomId: string): Promise<string> {
  const stored = await store.loadDocument(roomId);
  if (!stored) throw new Error(`room ${roomId} not stored`);
  const doc = new Y.Doc();
  try {
    applyStoredUpdates(doc, stored.updates);
    return doc.getText(CODE_TEXT).toString();
  } finally {
    doc.destroy();
  }
}

/** Waits until every client is synced with its server and all hold the same text; returns that text. */
export async function convergedText(clients: readonly TestClient[], timeoutMs = 20_000): Promise<string> {
  const texts = () => new Set(clients.map((c) => c.text.toString()));
  await waitFor(() => clients.every((c) => c.provider.synced) && texts().size === 1, 'clients converge', timeoutMs);
  return clients[0]!.text.toString();
}
