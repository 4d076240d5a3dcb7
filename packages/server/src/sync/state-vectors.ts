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
