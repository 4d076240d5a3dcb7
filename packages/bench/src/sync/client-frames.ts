/*
 * WebSocket frames as a client sends them (RFC 6455 section 5), built by hand so a keystroke's
 * messages (its update and its cursor) can be encoded before the step and leave in one socket
 * write. On 2 cores the load generator needs about as much CPU per update as the server it drives;
 * `ws.send` spends a random mask, a masking pass and a write per message. The masking key here is
 * zero: every key is valid on the wire, and the servers under test (all on `ws`) unmask at the same
 * cost whatever the key. Only the bench's clients send these; the server never does.
 */

/** Frame opcodes (RFC 6455 section 5.2). */
export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
const FIN = 0x80;
const MASKED = 0x80;
const MASKING_KEY_BYTES = 4;

/** One final, masked frame carrying `payload`: binary unless told (a pong, a close). */
export function clientFrame(payload: Uint8Array, opcode: number = OPCODE.binary): Buffer {
  return clientFrames([payload], opcode);
}

/** Several frames back to back, one per payload, in one buffer (one write sends them all). */
export function clientFrames(payloads: readonly Uint8Array[], opcode: number = OPCODE.binary): Buffer {
  const size = payloads.reduce((sum, p) => sum + headerLength(p.byteLength) + p.byteLength, 0);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const payload of payloads) {
    at = writeHeader(out, at, opcode, payload.byteLength);
    out.set(payload, at);
    at += payload.byteLength;
  }
  return out;
}

function headerLength(length: number): number {
  const lengthBytes = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
  return 2 + lengthBytes + MASKING_KEY_BYTES;
}

/** Writes the header (zero masking key included) at `at`; returns where the payload goes. */
function writeHeader(out: Buffer, at: number, opcode: number, length: number): number {
  out[at++] = FIN | opcode;
  if (length < 126) {
    out[at++] = MASKED | length;
  } else if (length <= 0xffff) {
    out[at++] = MASKED | 126;
    out.writeUInt16BE(length, at);
    at += 2;
  } else {
    out[at++] = MASKED | 127;
    out.writeBigUInt64BE(BigInt(length), at);
    at += 8;
  }
  out.fill(0, at, at + MASKING_KEY_BYTES);
  return at + MASKING_KEY_BYTES;
}
