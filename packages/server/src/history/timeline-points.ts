import * as Y from 'yjs';
import type { TimelinePoint } from '@pairwise/protocol';
import type { HistoryEntry } from '../storage/history.js';

/**
 * Characters inserted in one change from which it counts as pasted (or a suggestion taken), not
 * typed: a keystroke inserts one, auto-closed brackets two, an indent a few.
 */
export const PASTE_CHARS = 16;

/** What one stored change did, read from its Yjs update: characters inserted and deleted. */
export function changeSize(update: Uint8Array): { inserted: number; deleted: number } {
  const { structs, ds } = Y.decodeUpdate(update);
  let inserted = 0;
  for (const struct of structs) {
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentString && !struct.deleted) inserted += struct.length;
  }
  let deleted = 0;
  for (const ranges of ds.clients.values()) for (const range of ranges) deleted += range.len;
  return { inserted, deleted };
}

/** A stored entry as a point of the timeline (a thinned checkpoint shows no change of its own). */
export function toTimelinePoint(entry: HistoryEntry): TimelinePoint {
  const { inserted, deleted } = entry.update ? changeSize(entry.update) : { inserted: 0, deleted: 0 };
  return {
    seq: entry.seq,
    at: new Date(entry.at).toISOString(),
    author: entry.authorId,
    inserted,
    deleted,
    paste: inserted >= PASTE_CHARS,
  };
}
