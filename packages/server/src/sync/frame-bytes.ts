/**
 * Exact-size frame building for the frames the server sends most (an update or a cursor move per
 * keystroke). lib0's Encoder starts every message with a 100-byte buffer, which V8 allocates off
 * the heap, then copies into a second one; per keystroke that was several off-heap allocations
 * and most of the server's GC time. Here a frame is measured first and written once into a
 * `Buffer.allocUnsafe` slice, which small sizes take from Node's shared pool. The bytes are the
 * same lib0 varuint encoding (7 bits per byte, low first, high bit = more).
 */

/** Bytes a lib0 varuint takes for `n` (a non-negative safe integer). */
export function varUintLength(n: number): number {
  let length = 1;
  for (let rest = n; rest > 0x7f; rest = Math.floor(rest / 128)) length++;
  return length;
}

/** Writes `n` as a lib0 varuint at `offset`; returns the offset after it. */
export function writeVarUintAt(target: Uint8Array, offset: number, n: number): number {
  let at = offset;
  let rest = n;
  while (rest > 0x7f) {
    target[at++] = 0x80 | (rest % 128);
    rest = Math.floor(rest / 128);
  }
  target[at++] = rest;
  return at;
}

/** Uninitialised bytes the caller overwrites entirely; small sizes come from Node's pool. */
export function frameBuffer(size: number): Buffer {
  return Buffer.allocUnsafe(size);
}

/**
 * A plain Uint8Array over a frame's bytes. Callers get what the types promise: `Buffer` differs
 * in ways that bite (its `slice` shares memory where Uint8Array's copies).
 */
export function plainBytes(buffer: Buffer, start = 0): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset + start, buffer.byteLength - start);
}

/** `prefix` varuints, then `payload` as a lib0 varUint8Array (its length, then its bytes). */
export function prefixedFrame(prefix: readonly number[], payload: Uint8Array): Uint8Array {
  let size = varUintLength(payload.byteLength) + payload.byteLength;
  for (const n of prefix) size += varUintLength(n);
  const frame = frameBuffer(size);
  let at = 0;
  for (const n of prefix) at = writeVarUintAt(frame, at, n);
  at = writeVarUintAt(frame, at, payload.byteLength);
  frame.set(payload, at);
  return plainBytes(frame);
}
