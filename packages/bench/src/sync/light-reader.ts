import WebSocket from 'ws';
import type { Scope } from './scope.js';

const MESSAGE_SYNC = 0;
const SYNC_UPDATE = 2;

/**
 * A passive reader that keeps the Yjs updates it receives (for a correctness check afterwards)
 * and hands each to `onUpdate`. Two hundred full Y.Docs applying every update in this one
 * process would make the client, not the server, the bottleneck of the fan-out scenario.
 */
export class LightReader {
  readonly payloads: Uint8Array[] = [];
  private readonly ws: WebSocket;

  constructor(url: string, onUpdate: (update: Uint8Array) => void, scope: Scope) {
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws.on('error', () => {});
    this.ws.on('message', (data: Buffer) => {
      const payload = updatePayload(data);
      if (payload === null) return;
      this.payloads.push(payload);
      onUpdate(payload);
    });
    scope.defer(() => this.ws.terminate());
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  get closed(): boolean {
    return this.ws.readyState === WebSocket.CLOSED;
  }
}

/**
 * The Yjs update of a sync-update frame (copied: ws may hand out a slice of a larger buffer), else
 * null. Decoded by hand because the frame is just three varUints and a payload, and lib0 is not a
 * dependency of this package.
 */
function updatePayload(data: Buffer): Uint8Array | null {
  const cursor = { pos: 0 };
  if (readVarUint(data, cursor) !== MESSAGE_SYNC) return null;
  if (readVarUint(data, cursor) !== SYNC_UPDATE) return null;
  const length = readVarUint(data, cursor);
  return new Uint8Array(data.subarray(cursor.pos, cursor.pos + length));
}

function readVarUint(data: Buffer, cursor: { pos: number }): number {
  let value = 0;
  for (let shift = 0; cursor.pos < data.length; shift += 7) {
    const byte = data[cursor.pos++] ?? 0;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value;
  }
  return -1;
}
