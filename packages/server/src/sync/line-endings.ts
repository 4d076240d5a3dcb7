import * as Y from 'yjs';
import { takeOver } from './transaction-marks.js';

/**
 * Line endings of the shared code text, kept LF-only by the server.
 *
 * Why: Monaco (y-monaco) normalises line endings in its model, so a `\r` in the Y.Text shifts every
 * later offset between the editor and the document and the two never agree again (field notes,
 * "Files and line endings"). `\r\n` becomes `\n` (the `\r` is deleted) and a lone `\r` becomes `\n`.
 */

const CR = '\r';
const LF = '\n';
const CR_BYTE = 0x0d;

/** Whether an encoded update can insert a `\r`: any string holding one encodes (UTF-8) to byte 0x0D. */
export const mayCarryCarriageReturn = (update: Uint8Array): boolean => update.includes(CR_BYTE);

/**
 * Items of `text` that `transaction` integrated and whose string holds a `\r`. Only the structs
 * created since the transaction began are looked at (each client's new clocks), never the whole text.
 */
export function carriageReturnItemsAddedIn(transaction: Y.Transaction, text: Y.Text): Set<Y.Item> {
  const found = new Set<Y.Item>();
  for (const [client, structs] of transaction.doc.store.clients) {
    const before = transaction.beforeState.get(client) ?? 0;
    const last = structs[structs.length - 1];
    if (!last || last.id.clock + last.length <= before) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i]!;
      if (struct instanceof Y.Item && struct.parent === text && holdsCarriageReturn(struct)) found.add(struct);
    }
  }
  return found;
}

/**
 * Rewrites the `\r`s found in `candidates` (every item of `text` when omitted) to LF line endings,
 * inside the caller's transaction. Returns whether the text changed.
 */
export function normaliseLineEndings(text: Y.Text, candidates?: ReadonlySet<Y.Item>): boolean {
  const found = findCarriageReturns(text, candidates);
  if (found.length === 0) return false;
  // Yjs keeps index shortcuts (search markers) in step with local edits only, and drops them once a
  // remote transaction's observers ran. Edits by index right after a remote update in the same
  // transaction would follow stale shortcuts and land elsewhere: drop them first.
  if (text._searchMarker) text._searchMarker.length = 0;
  // From the end backwards, so each index found on the original text is still right when used.
  for (let i = found.length - 1; i >= 0; i--) {
    const { index, beforeLf } = found[i]!;
    text.delete(index, 1);
    if (!beforeLf) text.insert(index, LF);
  }
  return true;
}

interface CarriageReturn {
  /** UTF-16 offset in the text, as Y.Text counts. */
  index: number;
  /** Followed by `\n` in the text as it was (decided before any rewrite, so `\r\r\n` gives two lines). */
  beforeLf: boolean;
}

/** One walk over the text's items; strings are searched only in candidate items. */
function findCarriageReturns(text: Y.Text, candidates?: ReadonlySet<Y.Item>): CarriageReturn[] {
  const found: CarriageReturn[] = [];
  let index = 0;
  // A `\r` ending the previous visible item: what follows it is in the next one.
  let trailing: number | null = null;
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    const str = item.content instanceof Y.ContentString ? item.content.str : null;
    if (trailing !== null) {
      found.push({ index: trailing, beforeLf: str?.startsWith(LF) ?? false });
      trailing = null;
    }
    if (str !== null && (candidates?.has(item) ?? true)) {
      for (let at = str.indexOf(CR); at !== -1; at = str.indexOf(CR, at + 1)) {
        if (at + 1 < str.length) found.push({ index: index + at, beforeLf: str[at + 1] === LF });
        else trailing = index + at;
      }
    }
    index += item.length;
  }
  if (trailing !== null) found.push({ index: trailing, beforeLf: false });
  return found;
}

function holdsCarriageReturn(item: Y.Item): boolean {
  return !item.deleted && item.content instanceof Y.ContentString && item.content.str.includes(CR);
}

/**
 * Rewrites `\r` a client's transaction brought into `text`, in the same transaction, so the one
 * update relayed holds the net effect and no editor ever sees a `\r`. Looks only when the applied
 * bytes can hold one.
 */
export function keepLineEndingsLf(transaction: Y.Transaction, text: Y.Text, applied: readonly Uint8Array[]): void {
  if (!applied.some(mayCarryCarriageReturn)) return;
  const added = carriageReturnItemsAddedIn(transaction, text);
  if (added.size === 0) return;
  takeOver(transaction);
  normaliseLineEndings(text, added);
}
