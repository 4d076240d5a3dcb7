import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { isEditFrame, storedFramesOf, UnsavedEdits } from './unsavedEdits';

describe('UnsavedEdits', () => {
  it('counts local transactions until the last frame that carried one is stored', () => {
    const unsaved = new UnsavedEdits();
    unsaved.connected();
    unsaved.frameSent(); // the sync step 2 on connect: nothing of ours waiting
    unsaved.stored(0);
    expect(unsaved.count).toBe(0);
    unsaved.edited();
    unsaved.frameSent();
    unsaved.edited();
    unsaved.frameSent();
    expect(unsaved.count).toBe(2);
    unsaved.stored(2);
    expect(unsaved.count).toBe(2);
    unsaved.stored(3);
    expect(unsaved.count).toBe(0);
  });

  it('an edit that only deletes is as unsaved as any other until its frame is stored', () => {
    const unsaved = new UnsavedEdits();
    unsaved.connected();
    unsaved.frameSent();
    unsaved.stored(1);
    unsaved.edited(); // a backspace: no new struct, but a frame
    unsaved.frameSent();
    unsaved.stored(1);
    expect(unsaved.count).toBe(1);
    unsaved.stored(2);
    expect(unsaved.count).toBe(0);
  });

  it('edits made offline wait for the next socket’s sync step 2 to be stored, never for an older socket’s count', () => {
    const unsaved = new UnsavedEdits();
    unsaved.connected();
    unsaved.edited();
    unsaved.edited();
    expect(unsaved.count).toBe(2);
    // The hello's answer on the new socket comes before its sync step 2 is stored.
    unsaved.connected();
    unsaved.stored(0);
    expect(unsaved.count).toBe(2);
    unsaved.frameSent();
    unsaved.stored(1);
    expect(unsaved.count).toBe(0);
  });

  it('tells edit frames from the rest, and reads the stored count after the state vector', () => {
    expect(isEditFrame(Uint8Array.of(0, 2, 1, 0))).toBe(true);
    expect(isEditFrame(Uint8Array.of(0, 1, 1, 0))).toBe(true);
    expect(isEditFrame(Uint8Array.of(0, 0, 1, 0))).toBe(false);
    expect(isEditFrame(Uint8Array.of(1, 5))).toBe(false);
    expect(isEditFrame('text')).toBe(false);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint8Array(encoder, Uint8Array.of(1, 7, 3));
    encoding.writeVarUint(encoder, 300);
    expect(storedFramesOf(decoding.createDecoder(encoding.toUint8Array(encoder)))).toBe(300);
    expect(storedFramesOf(decoding.createDecoder(Uint8Array.of(5, 1)))).toBeNull();
  });
});
