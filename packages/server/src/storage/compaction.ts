import * as Y from 'yjs';
// The layout constants alone: this module also runs in the rebuild thread, where the whole protocol's schemas doubled each start (210 ms of CPU, not 105).
import { CODE_TEXT } from '@pairwise/protocol/document';
import type { RoomStore } from './store.js';
import { newDoc } from './new-doc.js';

/** Folds a stored document's updates into one snapshot; OffThreadSnapshotEncoder does it off the event loop. */
export type SnapshotEncoder = (updates: Uint8Array[]) => Promise<Uint8Array> | Uint8Array;

export interface CompactionResult {
  /** How many stored updates (snapshot included) the new snapshot replaces. */
  updatesBefore: number;
  /** Size of the new snapshot in bytes. */
  bytesAfter: number;
}

/**
 * Apply stored updates to `doc` in one transaction, so observers fire once and Yjs
 * integrates the whole log in a single pass instead of once per update.
 *
 * A log may hold an update before one it depends on: with several instances, a peer stores another
 * instance's edits only after CLUSTER_PEER_STORE_MS, after later edits that build on them. Yjs parks
 * such updates (`pendingStructs`) and retries them as their dependencies arrive, but over many of
 * them its bookkeeping can leave content out for good although the log holds all of it (Yjs
 * 13.6.33; found by the process-level kill -9 test). Applied once more as one merged update,
 * dependencies resolve within that update. Only then: merging the whole log is superlinear.
 */
export function applyStoredUpdates(doc: Y.Doc, updates: readonly Uint8Array[], origin: unknown = null): void {
  Y.transact(
    doc,
    () => {
      for (const update of updates) Y.applyUpdate(doc, update);
      if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) Y.applyUpdate(doc, Y.mergeUpdates([...updates]));
    },
    origin,
  );
}

/** Fold updates into one, by way of a Y.Doc: `Y.mergeUpdates` is superlinear on long logs. */
export function encodeUpdatesAsSnapshot(updates: readonly Uint8Array[]): Uint8Array {
  const doc = newDoc();
  try {
    applyStoredUpdates(doc, updates);
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/** A document's code text and full state after `updates` (a version, a moment of the timeline). */
export interface DocumentReading {
  code: string;
  state: Uint8Array;
}

export function readUpdatesAsDocument(updates: readonly Uint8Array[]): DocumentReading {
  const doc = newDoc();
  try {
    applyStoredUpdates(doc, updates);
    return { code: doc.getText(CODE_TEXT).toString(), state: Y.encodeStateAsUpdate(doc) };
  } finally {
    doc.destroy();
  }
}

/** The full state after each update whose index is in `marks` (checkpoints for history retention). */
export function statesAfter(updates: readonly Uint8Array[], marks: readonly number[]): Uint8Array[] {
  const doc = newDoc();
  try {
    const wanted = new Set(marks);
    const states = new Map<number, Uint8Array>();
    updates.forEach((update, i) => {
      Y.applyUpdate(doc, update);
      if (wanted.has(i)) states.set(i, Y.encodeStateAsUpdate(doc));
    });
    return marks.map((i) => {
      const state = states.get(i);
      if (!state) throw new RangeError(`no update at index ${i}`);
      return state;
    });
  } finally {
    doc.destroy();
  }
}

/**
 * Replace a room's stored snapshot and log with one snapshot.
 *
 * Works from what is stored, not from an in-memory document, so it stays correct when several
 * server instances write the same room: the snapshot covers exactly the log entries read, and
 * entries appended meanwhile keep a later seq and survive. Returns null when the room does not
 * exist or its log is already empty. `encode` does the rebuild (in this thread unless told otherwise).
 */
export async function compactStoredDocument(
  store: RoomStore,
  roomId: string,
  encode: SnapshotEncoder = encodeUpdatesAsSnapshot,
): Promise<CompactionResult | null> {
  const stored = await store.loadDocument(roomId);
  if (stored === null || stored.logLength === 0) return null;
  const snapshot = await encode(stored.updates);
  await store.storeCheckpoint(roomId, snapshot, stored.lastSeq);
  return { updatesBefore: stored.updates.length, bytesAfter: snapshot.byteLength };
}
