import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { prefixedFrame, varUintLength, writeVarUintAt } from './frame-bytes.js';

/** The same bytes built with lib0, the encoder every Yjs client uses. */
function lib0Frame(prefix: readonly number[], payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  for (const n of prefix) encoding.writeVarUint(encoder, n);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

describe('frame bytes', () => {
  it('writes varuints exactly as lib0 does, at every length boundary', () => {
    for (const n of [0, 1, 127, 128, 16_383, 16_384, 2 ** 21 - 1, 2 ** 21, 2 ** 31 + 5, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, n);
      const expected = encoding.toUint8Array(encoder);
      const written = new Uint8Array(10);
      expect(writeVarUintAt(written, 0, n), `length of ${n}`).toBe(expected.length);
      expect(varUintLength(n)).toBe(expected.length);
      expect(written.subarray(0, expected.length)).toEqual(expected);
    }
  });

  it('builds a prefixed frame byte for byte like lib0, small and large', () => {
    for (const size of [0, 1, 60, 127, 128, 5_000, 70_000]) {
      const payload = Uint8Array.from({ length: size }, (_, i) => (i * 31) % 256);
      expect(prefixedFrame([0, 2], payload)).toEqual(lib0Frame([0, 2], payload));
      expect(prefixedFrame([1], payload)).toEqual(lib0Frame([1], payload));
    }
  });

  it('gives every frame its own bytes, though small ones share a pool', () => {
    const a = prefixedFrame([0, 2], Uint8Array.of(1, 2, 3));
    const b = prefixedFrame([0, 2], Uint8Array.of(4, 5, 6));
    expect([...a]).toEqual([0, 2, 3, 1, 2, 3]);
    expect([...b]).toEqual([0, 2, 3, 4, 5, 6]);
    expect(Object.getPrototypeOf(a)).toBe(Uint8Array.prototype);
    a.slice(0, 1)[0] = 9;
    expect(a[0]).toBe(0);
  });
});
