import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { countableRanges, totalLength, unheldLength, visibleTextDeleted } from './countable-ranges.js';

const docs: Y.Doc[] = [];
afterEach(() => {
  for (const doc of docs.splice(0)) doc.destroy();
});

function docOf(clientId: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  docs.push(doc);
  return doc;
}

function edit(doc: Y.Doc, change: (text: Y.Text) => void): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.transact(() => change(doc.getText('t')));
  return Y.encodeStateAsUpdate(doc, before);
}

const rangesOf = (update: Uint8Array) => countableRanges(Y.decodeUpdate(update).structs);

describe('countable ranges', () => {
  it('counts the characters of an update typed in pieces, by client; format marks do not count', () => {
    const doc = docOf(7);
    const update = edit(doc, (t) => {
      t.insert(0, 'abc');
      t.insert(3, 'de', { bold: true });
      t.insert(0, 'é');
    });
    const ranges = rangesOf(update);
    expect(totalLength(ranges)).toBe(6);
    expect([...ranges.keys()]).toEqual([7]);
  });

  it('counts what the document lacks once, however many updates name it', () => {
    const writer = docOf(7);
    const first = edit(writer, (t) => t.insert(0, 'abc'));
    const second = edit(writer, (t) => t.insert(3, 'defg'));
    const room = docOf(1);
    expect(unheldLength([rangesOf(second), rangesOf(second), rangesOf(Y.mergeUpdates([first, second]))], room)).toBe(7);
    Y.applyUpdate(room, first);
    expect(unheldLength([rangesOf(Y.mergeUpdates([first, second]))], room)).toBe(4);
  });

  it('visible deleted text: only characters the document still shows, each once, only in the given text', () => {
    const room = docOf(1);
    Y.applyUpdate(
      room,
      edit(docOf(7), (t) => t.insert(0, 'abcdef')),
    );
    room.getMap('m').set('k', 'v');
    room.getText('t').delete(0, 2);
    const text = room.getText('t');
    const ds = (from: number, length: number) => {
      const set = Y.decodeUpdate(Y.encodeStateAsUpdate(room)).ds;
      set.clients.clear();
      set.clients.set(7, [new DeleteItemLike(from, length), new DeleteItemLike(from, length)]);
      return set;
    };
    // Clocks 0-1 are deleted already; 2-4 are visible; both ranges name them twice.
    expect(visibleTextDeleted(ds(0, 5), room, text, Infinity)).toBe(3);
    expect(visibleTextDeleted(ds(0, 1_000_000), room, text, Infinity)).toBe(4);
    expect(visibleTextDeleted(ds(0, 5), room, room.getText('other'), Infinity)).toBe(0);
  });
});

/** The shape of a Yjs delete set entry (its class is not exported). */
class DeleteItemLike {
  constructor(
    readonly clock: number,
    readonly len: number,
  ) {}
}
