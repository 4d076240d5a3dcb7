import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

/** Client id -> the clock after that client's last struct, as Yjs state vectors count. */
export type StateVector = Map<number, number>;

/** No clients at all; shared, so the many rooms with nothing retired hold no map of their own. */
export const EMPTY_STATE_VECTOR: ReadonlyMap<number, number> = new Map();

/** The state vector covering every struct in `updates`, read without building a document. */
export function stateVectorOfUpdates(updates: Iterable<Uint8Array>): StateVector {
  return mergeStateVectors([...updates].map((update) => Y.parseUpdateMeta(update).to));
}

/** For each client, the highest clock any of the vectors has. */
export function mergeStateVectors(vectors: Iterable<StateVector>): StateVector {
  const merged: StateVector = new Map();
  for (const vector of vectors) {
    for (const [client, clock] of vector) merged.set(client, Math.max(clock, merged.get(client) ?? 0));
  }
  return merged;
}

/** Whether `update` carries any struct that `covered` already accounts for (same client, lower clock). */
export function overlapsStateVector(update: Uint8Array, covered: ReadonlyMap<number, number>): boolean {
  if (covered.size === 0) return false;
  const { from } = Y.parseUpdateMeta(update);
  for (const [client, clock] of from) {
    if (clock < (covered.get(client) ?? 0)) return true;
  }
  return false;
}

/** Whether `update` holds any struct `doc` does not have yet (deletions alone do not count). */
export function carriesNewStructs(update: Uint8Array, doc: Y.Doc): boolean {
  const { to } = Y.parseUpdateMeta(update);
  for (const [client, clock] of to) {
    if (clock > Y.getState(doc.store, client)) return true;
  }
  return false;
}

/** What `soleClientAtState` returns for an update that carries deletions and no structs. */
export const NO_STRUCTS = -1;

/**
 * The client whose structs `update` carries, when they all come from one client and start exactly
 * at the clock `doc` has for it: nothing in it is known yet (as an editor's keystroke). NO_STRUCTS
 * for an update of deletions alone; null for several clients or structs the document already has.
 * Reads only the first section's header; `update` must have passed `assertValidUpdate`.
 */
export function soleClientAtState(update: Uint8Array, doc: Y.Doc): number | null {
  const decoder = decoding.createDecoder(update);
  const clients = decoding.readVarUint(decoder);
  if (clients === 0) return NO_STRUCTS;
  if (clients !== 1) return null;
  decoding.readVarUint(decoder); // struct count
  const client = decoding.readVarUint(decoder);
  const clock = decoding.readVarUint(decoder);
  return clock === Y.getState(doc.store, client) ? client : null;
}
