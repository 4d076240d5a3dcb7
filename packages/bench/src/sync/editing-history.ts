import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { seededRandom } from './wait.js';

/** A document's whole editing history, as the messages its author's client sent. */
export interface EditingHistory {
  ops: number;
  /** One Yjs update per `opsPerMessage` consecutive ops, in order. */
  messages: Uint8Array[];
  /** The text after the last op. */
  text: string;
  /** The whole document encoded as one update (what a joining client downloads). */
  encodedBytes: number;
}

/**
 * Shaped like the automerge-paper trace (crdt-benchmarks: 260k ops, ~30% deletions, 104k chars
 * left): mostly typing at a cursor, backspaces, now and then a jump elsewhere or a selected word
 * deleted. No npm package ships that trace, so it is generated, seeded, the same for every server.
 */
const JUMP_CHANCE = 0.02;
const BACKSPACE_CHANCE = 0.28;
const SELECTION_DELETE_CHANCE = 0.005;
const MAX_SELECTION = 20;
const ALPHABET = 'eeeettaaooiinnsshhrrdlcumwfgypbvk       ,.\n';

const cache = new Map<string, EditingHistory>();

/**
 * The history of `ops` single edits (one character typed, or one deletion) by one author. Ops are
 * grouped `opsPerMessage` to a transaction, which is what merging their one-op updates by time
 * window gives: Yjs merges adjacent items of one client either way, so the document is the same.
 * Built once per process: 250,000 ops take a few seconds.
 */
export function editingHistory(ops: number, opsPerMessage: number): EditingHistory {
  const key = `${ops}/${opsPerMessage}`;
  let history = cache.get(key);
  if (!history) {
    history = buildEditingHistory(ops, opsPerMessage);
    cache.set(key, history);
  }
  return history;
}

function buildEditingHistory(ops: number, opsPerMessage: number): EditingHistory {
  const random = seededRandom(260_000);
  const doc = new Y.Doc();
  const text = doc.getText(CODE_TEXT);
  const messages: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => messages.push(update));
  let cursor = 0;
  const edit = (): void => {
    if (random() < JUMP_CHANCE) cursor = Math.floor(random() * (text.length + 1));
    const roll = random();
    if (roll < SELECTION_DELETE_CHANCE && text.length > 0) {
      cursor = Math.min(cursor, text.length - 1);
      text.delete(cursor, Math.min(text.length - cursor, 1 + Math.floor(random() * MAX_SELECTION)));
    } else if (roll < SELECTION_DELETE_CHANCE + BACKSPACE_CHANCE && cursor > 0) {
      cursor--;
      text.delete(cursor, 1);
    } else {
      text.insert(cursor, ALPHABET[Math.floor(random() * ALPHABET.length)] ?? ' ');
      cursor++;
    }
  };
  for (let done = 0; done < ops; done += opsPerMessage) {
    doc.transact(() => {
      for (let i = done; i < Math.min(ops, done + opsPerMessage); i++) edit();
    });
  }
  const history = { ops, messages, text: text.toString(), encodedBytes: Y.encodeStateAsUpdate(doc).byteLength };
  doc.destroy();
  return history;
}
