/**
 * The periodic state check between instances holding a room (room-link.ts): each instance
 * publishes what its copy holds; a peer that holds something the sender lacks answers with exactly
 * that. The Redis log is not expected to lose entries, so an answer that changes anything means the
 * instances disagreed and were repaired (`pairwise_cluster_repairs_total{reason="state_check"}`).
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';

/**
 * A digest of everything a document holds: its state vector and delete set. Yjs writes both sorted
 * by client, with deleted ranges merged, so copies holding the same content give the same digest.
 */
export function documentDigest(doc: Y.Doc): string {
  return createHash('sha256')
    .update(Y.encodeSnapshot(Y.snapshot(doc)))
    .digest('base64url');
}

/**
 * What `doc` should send a peer that reported `vector` and `digest`, or null if it has nothing to add.
 * Structs past the peer's vector are sent with the whole delete set. With equal vectors but another
 * digest only the delete sets differ: the delete set is sent (the peer skips what it has). A peer
 * that is ahead gets nothing: this instance's own check fetches what it lacks from that peer.
 */
export function repairFor(doc: Y.Doc, vector: Uint8Array, digest: string): Uint8Array | null {
  if (documentDigest(doc) === digest) return null;
  const theirs = Y.decodeStateVector(vector);
  const ours = Y.decodeStateVector(Y.encodeStateVector(doc));
  let ahead = false;
  let behind = false;
  for (const [client, clock] of ours) if (clock > (theirs.get(client) ?? 0)) ahead = true;
  for (const [client, clock] of theirs) if (clock > (ours.get(client) ?? 0)) behind = true;
  if (ahead || !behind) return Y.encodeStateAsUpdate(doc, vector);
  return null;
}
