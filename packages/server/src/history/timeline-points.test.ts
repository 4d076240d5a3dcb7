import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { changeSize, toTimelinePoint } from './timeline-points.js';

function editOf(doc: Y.Doc, change: (text: Y.Text) => void): Uint8Array {
  let update: Uint8Array | null = null;
  const keep = (u: Uint8Array) => {
    update = u;
  };
  doc.on('update', keep);
  doc.transact(() => change(doc.getText('code')));
  doc.off('update', keep);
  if (!update) throw new Error('no update');
  return update;
}

describe('timeline points', () => {
  it('counts the characters a change inserted and deleted, and marks large insertions as pastes', () => {
    const doc = new Y.Doc();
    const pasted = editOf(doc, (t) => t.insert(0, 'def main():\n    return 42\n'));
    const typed = editOf(doc, (t) => t.insert(3, 'x'));
    const removed = editOf(doc, (t) => t.delete(0, 5));
    expect(changeSize(pasted)).toEqual({ inserted: 26, deleted: 0 });
    expect(changeSize(typed)).toEqual({ inserted: 1, deleted: 0 });
    expect(changeSize(removed)).toEqual({ inserted: 0, deleted: 5 });
    expect(toTimelinePoint({ seq: 3, at: 0, authorId: 'user:a', update: pasted })).toEqual({
      seq: 3,
      at: '1970-01-01T00:00:00.000Z',
      author: 'user:a',
      inserted: 26,
      deleted: 0,
      paste: true,
    });
    expect(toTimelinePoint({ seq: 4, at: 0, authorId: null, update: typed }).paste).toBe(false);
  });

  it('a checkpoint left by retention is a point without a change of its own', () => {
    expect(toTimelinePoint({ seq: 9, at: 1_000, authorId: null, update: null })).toMatchObject({ inserted: 0, deleted: 0, paste: false });
  });
});
