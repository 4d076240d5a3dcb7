import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { applyStoredUpdates, type RoomStore } from '../../src/storage/index.js';
import type { TestClient } from './clients.js';
import { seededRandom } from './random.js';
import { TokenLedger } from './token-editing.js';

/**
 * Three (or more) users typing unique tokens for `durationMs`, one keystroke every ~20 ms, while
 * `fault(elapsedMs)` breaks something between keystrokes. Returns the ledger of what was typed.
 */
export async function typeTokens(
  clients: readonly TestClient[],
  seed: number,
  durationMs: number,
  fault: (elapsedMs: number) => Promise<void>,
): Promise<TokenLedger> {
  console.info(`fault typing seed ${seed} (replay with PAIRWISE_SEED=${seed})`);
  const random = seededRandom(seed);
  const ledger = new TokenLedger();
  const started = Date.now();
  for (let elapsed = 0; elapsed < durationMs; elapsed = Date.now() - started) {
    const typists = clients.slice(0, 3);
    const index = Math.floor(random() * typists.length);
    ledger.insert(typists[index]!.text, index, random);
    await fault(elapsed);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return ledger;
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
