import diff from 'fast-diff';
import type * as Y from 'yjs';

/**
 * Turns `text` into `target` with exact character edits (fast-diff), so text a restore leaves alone
 * stays the same Yjs items: an edit someone else makes concurrently in an unchanged region survives
 * the restore instead of being wiped by a delete-everything-and-insert.
 */
export function replaceTextMinimally(text: Y.Text, target: string): void {
  let index = 0;
  for (const [op, chunk] of diff(text.toString(), target)) {
    if (op === diff.EQUAL) index += chunk.length;
    else if (op === diff.DELETE) text.delete(index, chunk.length);
    else {
      text.insert(index, chunk);
      index += chunk.length;
    }
  }
}
