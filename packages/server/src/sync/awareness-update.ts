import * as decoding from 'lib0/decoding';
import { MESSAGE_AWARENESS } from '@pairwise/protocol';
import { frameBuffer, plainBytes, varUintLength, writeVarUintAt } from './frame-bytes.js';

/**
 * Decoding of awareness updates, so the room can check which client ids a socket speaks for
 * before handing the update to y-protocols. y-protocols applies any entry with a higher clock,
 * which lets one socket overwrite or null another user's presence (field notes: outline #13804).
 */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The state exactly as sent: a JSON object, or `null` for "this client left". */
  stateJson: string;
  /** `stateJson` parsed; null when removed. */
  state: Record<string, unknown> | null;
  removed: boolean;
}

export class InvalidAwarenessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAwarenessError';
  }
}

/**
 * Largest awareness state accepted, in UTF-16 code units of its JSON. Real states (name, colour,
 * cursor, selection) are a few hundred bytes; without a cap one client could make the server relay
 * megabytes to every user on each cursor move.
 */
export const AWARENESS_STATE_MAX = 16 * 1024;

export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const entries: AwarenessEntry[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const stateJson = decoding.readVarString(decoder);
      if (stateJson.length > AWARENESS_STATE_MAX) {
        throw new InvalidAwarenessError(`awareness state of ${stateJson.length} characters exceeds ${AWARENESS_STATE_MAX}`);
      }
      const state = parseState(stateJson);
      entries.push({ clientId, clock, stateJson, state, removed: state === null });
    }
  } catch (err) {
    if (err instanceof InvalidAwarenessError) throw err;
    throw new InvalidAwarenessError(`malformed awareness update: ${(err as Error).message}`);
  }
  return entries;
}

function parseState(json: string): Record<string, unknown> | null {
  const state: unknown = JSON.parse(json);
  if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
    throw new InvalidAwarenessError('awareness state must be an object or null');
  }
  return state as Record<string, unknown> | null;
}

type EncodableEntry = Pick<AwarenessEntry, 'clientId' | 'clock' | 'stateJson'>;

/**
 * The awareness frame for `entries` (message type, length, update) and the update inside it, in
 * one allocation: the update is a view into the frame.
 */
export function encodeAwarenessFrame(entries: readonly EncodableEntry[]): { frame: Uint8Array; update: Uint8Array } {
  const jsonBytes = entries.map((entry) => Buffer.byteLength(entry.stateJson));
  let updateSize = varUintLength(entries.length);
  entries.forEach((entry, i) => {
    const bytes = jsonBytes[i] ?? 0;
    updateSize += varUintLength(entry.clientId) + varUintLength(entry.clock) + varUintLength(bytes) + bytes;
  });
  const headerSize = varUintLength(MESSAGE_AWARENESS) + varUintLength(updateSize);
  const frame = frameBuffer(headerSize + updateSize);
  let at = writeVarUintAt(frame, writeVarUintAt(frame, 0, MESSAGE_AWARENESS), updateSize);
  at = writeVarUintAt(frame, at, entries.length);
  entries.forEach((entry, i) => {
    at = writeVarUintAt(frame, at, entry.clientId);
    at = writeVarUintAt(frame, at, entry.clock);
    at = writeVarUintAt(frame, at, jsonBytes[i] ?? 0);
    at += frame.write(entry.stateJson, at, 'utf8');
  });
  return { frame: plainBytes(frame), update: plainBytes(frame, headerSize) };
}

export function encodeAwarenessEntries(entries: readonly EncodableEntry[]): Uint8Array {
  return encodeAwarenessFrame(entries).update;
}
