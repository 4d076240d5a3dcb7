import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentDigest, repairFor } from './state-check.js';

function docWith(...updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

function edit(base: Y.Doc, change: (text: Y.Text) => void): Uint8Array {
  const before = Y.encodeStateVector(base);
  change(base.getText('code'));
  return Y.encodeStateAsUpdate(base, before);
}

/** Three updates from two writers: an insert each, then a deletion spanning both. */
function history(): Uint8Array[] {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const first = edit(a, (t) => t.insert(0, 'hello '));
  Y.applyUpdate(b, first);
  const second = edit(b, (t) => t.insert(6, 'world'));
  Y.applyUpdate(a, second);
  const third = edit(a, (t) => t.delete(3, 5));
  return [first, second, third];
}

const check = (doc: Y.Doc) => ({ vector: Y.encodeStateVector(doc), digest: documentDigest(doc) });

describe('documentDigest', () => {
  it('is equal for copies holding the same content, whatever order it arrived in', () => {
    const [first, second, third] = history() as [Uint8Array, Uint8Array, Uint8Array];
    expect(documentDigest(docWith(first, second, third))).toBe(documentDigest(docWith(third, second, first)));
  });

  it('differs when only a deletion is missing (deletions add nothing to the state vector)', () => {
    const a = new Y.Doc();
    const insert = edit(a, (t) => t.insert(0, 'abc'));
    const deletion = edit(a, (t) => t.delete(0, 1));
    const full = docWith(insert, deletion);
    const lacking = docWith(insert);
    expect(Y.encodeStateVector(lacking)).toEqual(Y.encodeStateVector(full));
    expect(documentDigest(full)).not.toBe(documentDigest(lacking));
  });
});

describe('repairFor', () => {
  it('answers nothing when both copies hold the same', () => {
    const updates = history();
    const { vector, digest } = check(docWith(...updates));
    expect(repairFor(docWith(...updates), vector, digest)).toBeNull();
  });

  it('answers with what the asker lacks, which brings it level', () => {
    const [first, second, third] = history() as [Uint8Array, Uint8Array, Uint8Array];
    const full = docWith(first, second, third);
    const asker = docWith(first);
    const { vector, digest } = check(asker);
    const repair = repairFor(full, vector, digest);
    expect(repair).not.toBeNull();
    Y.applyUpdate(asker, repair!);
    expect(documentDigest(asker)).toBe(documentDigest(full));
    expect(asker.getText('code').toString()).toBe(full.getText('code').toString());
  });

  it('answers a copy that lacks only deletions with the delete set', () => {
    const a = new Y.Doc();
    const insert = edit(a, (t) => t.insert(0, 'abcdef'));
    const deletion = edit(a, (t) => t.delete(1, 2));
    const asker = docWith(insert);
    expect(Y.encodeStateVector(asker)).toEqual(Y.encodeStateVector(a));
    const { vector, digest } = check(asker);
    const repair = repairFor(docWith(insert, deletion), vector, digest);
    Y.applyUpdate(asker, repair!);
    expect(asker.getText('code').toString()).toBe('adef');
  });

  it('answers nothing to a copy that is ahead: the behind side fetches with its own check', () => {
    const [first, second] = history() as [Uint8Array, Uint8Array];
    const { vector, digest } = check(docWith(first, second));
    expect(repairFor(docWith(first), vector, digest)).toBeNull();
  });
});
