import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { CODE_TEXT } from '@pairwise/protocol';
import { editingHistory } from './editing-history.js';

describe('editingHistory', () => {
  it('replays to its final text, one message per window of ops, with deletions like a real trace', () => {
    const history = editingHistory(5_000, 100);
    expect(history.messages).toHaveLength(50);
    const doc = new Y.Doc();
    for (const message of history.messages) Y.applyUpdate(doc, message);
    expect(doc.getText(CODE_TEXT).toString()).toBe(history.text);
    // About 70% of ops type and 30% delete, as in the automerge-paper trace.
    expect(history.text.length).toBeGreaterThan(1_500);
    expect(history.text.length).toBeLessThan(2_800);
  });

  it('is the same history every time, whatever the window', () => {
    expect(editingHistory(3_000, 1).text).toBe(editingHistory(3_000, 50).text);
    expect(editingHistory(3_000, 1).messages).toHaveLength(3_000);
  });
});
