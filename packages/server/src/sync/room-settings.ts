import type * as Y from 'yjs';
import { languageSchema, META_KEYS, roomNameSchema } from '@pairwise/protocol';
import type { RoomMetaChange } from '../storage/store.js';
import type { RoomMeta } from './room-contract.js';
import { readServerOnlyMeta, restoreServerOnlyKeys, serverOnlyKeysChanged } from './server-only-meta.js';
import { takeOver } from './transaction-marks.js';

/**
 * A room's settings in its document's `meta` map: read, changed by the server, and held to the
 * server's values where only the server may write (server-only-meta.ts). The Room runs the
 * transactions; this knows the keys.
 */
export class RoomSettings {
  /** Server-only keys and the values the server holds them to; replaced, never changed in place (it may be shared). */
  private serverOnly: ReadonlyMap<string, unknown>;

  constructor(private readonly map: Y.Map<unknown>) {
    this.serverOnly = readServerOnlyMeta(map);
  }

  read(): RoomMeta {
    const name = this.map.get(META_KEYS.name);
    const language = this.map.get(META_KEYS.language);
    const aiCompletions = this.map.get(META_KEYS.aiCompletions);
    const runCode = this.map.get(META_KEYS.runCode);
    return {
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof language === 'string' ? { language } : {}),
      ...(typeof aiCompletions === 'boolean' ? { aiCompletions } : {}),
      ...(typeof runCode === 'boolean' ? { runCode } : {}),
    };
  }

  /** The server's change; call inside a transaction. */
  write(change: RoomMeta): void {
    if (change.aiCompletions !== undefined || change.runCode !== undefined) {
      const held = new Map(this.serverOnly);
      if (change.aiCompletions !== undefined) held.set(META_KEYS.aiCompletions, change.aiCompletions);
      if (change.runCode !== undefined) held.set(META_KEYS.runCode, change.runCode);
      this.serverOnly = held;
    }
    if (change.name !== undefined) this.map.set(META_KEYS.name, change.name);
    if (change.language !== undefined) this.map.set(META_KEYS.language, change.language);
    if (change.aiCompletions !== undefined) this.map.set(META_KEYS.aiCompletions, change.aiCompletions);
    if (change.runCode !== undefined) this.map.set(META_KEYS.runCode, change.runCode);
  }

  /** Holds the server-only keys to the values the document has now (another instance's server changed them). */
  adoptServerOnly(): void {
    this.serverOnly = readServerOnlyMeta(this.map);
  }

  /** Undoes, in the same transaction, a client's change to a key only the server writes. */
  keepServerOnly(transaction: Y.Transaction): void {
    const changed = serverOnlyKeysChanged(transaction, this.map, this.serverOnly);
    if (changed.length === 0) return;
    takeOver(transaction);
    restoreServerOnlyKeys(this.map, changed, this.serverOnly);
  }
}

/** The settings the rooms index keeps (name, language), valid values only; null when none is left. */
export function indexedSettings(meta: RoomMeta): RoomMetaChange | null {
  const name = roomNameSchema.safeParse(meta.name);
  const language = languageSchema.safeParse(meta.language);
  const change: RoomMetaChange = {
    ...(name.success ? { name: name.data } : {}),
    ...(language.success ? { language: language.data } : {}),
  };
  return Object.keys(change).length > 0 ? change : null;
}
