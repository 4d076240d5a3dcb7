import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { seededRandom } from './wait.js';

export interface SeedDocument {
  /** One Yjs update per edit, in order. */
  updates: Uint8Array[];
  text: string;
  /** Size of the whole document encoded as one update (what a joining client downloads). */
  encodedBytes: number;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz    ();{}.=\n';
const INSERT_CHARS = 12;
const DELETE_CHARS = 8;
/** Every tenth edit is a deletion, so the document carries tombstones like a real one. */
const DELETE_EVERY = 10;

/**
 * A document built from `edits` edits at scattered positions (so Yjs cannot merge them into a
 * few items): 90% inserts of 12 characters, 10% deletions of 8. 20,000 edits make 200,000 chars.
 */
export function buildSeedDocument(edits: number): SeedDocument {
  const random = seededRandom(42);
  const doc = new Y.Doc();
  const text = doc.getText(CODE_TEXT);
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 1; i <= edits; i++) {
    if (i % DELETE_EVERY === 0 && text.length > DELETE_CHARS) {
      text.delete(Math.floor(random() * (text.length - DELETE_CHARS)), DELETE_CHARS);
    } else {
      let chunk = '';
      for (let c = 0; c < INSERT_CHARS; c++) chunk += ALPHABET[Math.floor(random() * ALPHABET.length)];
      text.insert(Math.floor(random() * (text.length + 1)), chunk);
    }
  }
  const result = { updates, text: text.toString(), encodedBytes: Y.encodeStateAsUpdate(doc).byteLength };
  doc.destroy();
  return result;
}
