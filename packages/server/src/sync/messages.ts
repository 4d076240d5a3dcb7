import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import {
  MESSAGE_AWARENESS,
  MESSAGE_PAIRWISE_HELLO,
  MESSAGE_QUERY_AWARENESS,
  MESSAGE_RUN,
  MESSAGE_SYNC,
  type RunClientMessage,
  runClientMessageSchema,
} from '@pairwise/protocol';
import { prefixedFrame } from './frame-bytes.js';
import type { RoomMessage } from './role-matrix.js';

/** A client's frame, named as the role matrix names it, with its payload (still to be validated). */
export type IncomingFrame =
  | { message: Exclude<RoomMessage, 'awarenessQuery' | 'hello' | 'chat' | 'run'>; payload: Uint8Array }
  | { message: 'awarenessQuery' | 'hello' }
  | { message: 'run'; run: RunClientMessage };

const SYNC_STEPS = new Map<number, 'syncStep1' | 'syncStep2' | 'update'>([
  [syncProtocol.messageYjsSyncStep1, 'syncStep1'],
  [syncProtocol.messageYjsSyncStep2, 'syncStep2'],
  [syncProtocol.messageYjsUpdate, 'update'],
]);

/**
 * Reads a y-websocket frame's type and payload; throws on an unknown type or sync step, a short frame,
 * or a run message that is not valid JSON of a RunClientMessage (bad input, as any other malformed frame).
 */
export function readIncoming(frame: Uint8Array): IncomingFrame {
  const decoder = decoding.createDecoder(frame);
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case MESSAGE_SYNC: {
      const step = decoding.readVarUint(decoder);
      const message = SYNC_STEPS.get(step);
      if (message === undefined) throw new Error(`unknown sync step ${step}`);
      return { message, payload: decoding.readVarUint8Array(decoder) };
    }
    case MESSAGE_AWARENESS:
      return { message: 'awareness', payload: decoding.readVarUint8Array(decoder) };
    case MESSAGE_QUERY_AWARENESS:
      return { message: 'awarenessQuery' };
    case MESSAGE_PAIRWISE_HELLO:
      return { message: 'hello' };
    case MESSAGE_RUN:
      return { message: 'run', run: runClientMessageSchema.parse(JSON.parse(decoding.readVarString(decoder))) };
    default:
      throw new Error(`unknown message type ${type}`);
  }
}

// Encoders for the y-websocket frames the server sends. Each builds one buffer to send to many sockets.

export function syncStep1Message(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

export function syncStep2Message(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep2(encoder, doc, stateVector);
  return encoding.toUint8Array(encoder);
}

/** Built without lib0's encoder: one per keystroke, relayed to every socket (frame-bytes.ts). */
export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  return prefixedFrame([MESSAGE_SYNC, syncProtocol.messageYjsUpdate], update);
}

export function awarenessMessage(awarenessUpdate: Uint8Array): Uint8Array {
  return prefixedFrame([MESSAGE_AWARENESS], awarenessUpdate);
}
