import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UnsavedEdits, storedClockOf } from './unsavedEdits';

describe('UnsavedEdits', () => {
  it('counts local transactions until a stored clock covers them', () => {
    const unsaved = new UnsavedEdits();
    expect(unsaved.count).toBe(0);
    unsaved.edited(3);
    unsaved.edited(5);
    unsaved.edited(9);
    expect(unsaved.count).toBe(3);
    unsaved.stored(5);
    expect(unsaved.count).toBe(1);
    unsaved.stored(9);
    expect(unsaved.count).toBe(0);
  });

  it('never goes back: an older or lower stored clock (another server, a late message) changes nothing', () => {
    const unsaved = new UnsavedEdits();
    unsaved.stored(10);
    unsaved.edited(12);
    unsaved.stored(4);
    expect(unsaved.count).toBe(1);
    // An edit at or below what is stored (a deletion adds no struct) is saved at once.
    unsaved.edited(10);
    expect(unsaved.count).toBe(1);
  });

  it('reads our clock from a stored-state payload, 0 when it does not name us, null when malformed', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'hello');
    const payload = (vector: Uint8Array) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint8Array(encoder, vector);
      return decoding.createDecoder(encoding.toUint8Array(encoder));
    };
    expect(storedClockOf(payload(Y.encodeStateVector(doc)), doc.clientID)).toBe(5);
    expect(storedClockOf(payload(Y.encodeStateVector(doc)), doc.clientID + 1)).toBe(0);
    expect(storedClockOf(decoding.createDecoder(Uint8Array.of(5, 1)), doc.clientID)).toBeNull();
    doc.destroy();
  });
});
