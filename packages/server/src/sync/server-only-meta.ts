import type * as Y from 'yjs';
import { SERVER_ONLY_META_KEYS } from '@pairwise/protocol';

/**
 * Keys of the `meta` map that only the server writes (e.g. the owner's suggestions switch). Clients
 * can still send Yjs updates that touch them; the room undoes those in the same transaction, so
 * everyone converges on the server's value and the change is never relayed or stored on its own.
 */

/** Most rooms never set a server-only key; they share this instead of an empty Map each (184 bytes). */
const NONE_HELD: ReadonlyMap<string, unknown> = new Map();

/** The server-only keys present in `meta` and their values: what the server holds them to. */
export function readServerOnlyMeta(meta: Y.Map<unknown>): ReadonlyMap<string, unknown> {
  const present = SERVER_ONLY_META_KEYS.filter((key) => meta.has(key));
  return present.length === 0 ? NONE_HELD : new Map(present.map((key) => [key, meta.get(key)]));
}

/** The server-only keys `transaction` (a client's) changed away from their values in `held`. */
export function serverOnlyKeysChanged(transaction: Y.Transaction, meta: Y.Map<unknown>, held: ReadonlyMap<string, unknown>): string[] {
  // Keys of each type the transaction changed (Yjs fills this as it integrates and deletes items).
  const touched = (transaction.changed as ReadonlyMap<unknown, ReadonlySet<string | null>>).get(meta);
  if (!touched) return [];
  return SERVER_ONLY_META_KEYS.filter((key) => touched.has(key) && !holds(meta, key, held));
}

/** Puts `keys` back to their values in `held`, deleting those it has none for; call inside the same transaction. */
export function restoreServerOnlyKeys(meta: Y.Map<unknown>, keys: readonly string[], held: ReadonlyMap<string, unknown>): void {
  for (const key of keys) {
    if (held.has(key)) meta.set(key, held.get(key));
    else meta.delete(key);
  }
}

function holds(meta: Y.Map<unknown>, key: string, held: ReadonlyMap<string, unknown>): boolean {
  return held.has(key) ? meta.has(key) && Object.is(meta.get(key), held.get(key)) : !meta.has(key);
}
