import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeEach, vi } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CODE_TEXT, META_KEYS, META_MAP, MESSAGE_AWARENESS, MESSAGE_SYNC, type PresenceUser, type RoomRole } from '@pairwise/protocol';
import type { ConnectionSession, Principal } from '../access/session.js';
import { encodeAwarenessEntries } from './awareness-update.js';
import type { RoomMessage } from './role-matrix.js';
import { Room, type RoomHooks, type RoomMeta, type RoomOptions, type SyncSocket } from './room.js';

/**
 * The room without a transport: fake sockets record what the room sends, and every frame a
 * client sends is built with the real y-protocols encoders, exactly as y-websocket builds it.
 */

export class FakeSocket implements SyncSocket {
  sent: Uint8Array[] = [];
  readonly closes: { code: number; reason: string }[] = [];
  constructor(readonly name: string) {}
  send(message: Uint8Array): void {
    this.sent.push(message);
  }
  close(code: number, reason: string): void {
    this.closes.push({ code, reason });
  }
  /** What the room sent since the last call. */
  take(): Uint8Array[] {
    const sent = this.sent;
    this.sent = [];
    return sent;
  }
}

export type Frame =
  | { kind: 'step1'; stateVector: Uint8Array }
  | { kind: 'step2' | 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array };

export function parseFrame(frame: Uint8Array): Frame {
  const d = decoding.createDecoder(frame);
  const type = decoding.readVarUint(d);
  if (type === MESSAGE_AWARENESS) return { kind: 'awareness', update: decoding.readVarUint8Array(d) };
  if (type !== MESSAGE_SYNC) throw new Error(`server sent message type ${type}`);
  const step = decoding.readVarUint(d);
  const payload = decoding.readVarUint8Array(d);
  if (step === syncProtocol.messageYjsSyncStep1) return { kind: 'step1', stateVector: payload };
  if (step === syncProtocol.messageYjsSyncStep2) return { kind: 'step2', update: payload };
  if (step === syncProtocol.messageYjsUpdate) return { kind: 'update', update: payload };
  throw new Error(`server sent sync step ${step}`);
}

/** Awareness entries of an awareness frame as clientId -> state (null = removed). */
export function awarenessEntries(frame: Uint8Array): Map<number, unknown> {
  const parsed = parseFrame(frame);
  if (parsed.kind !== 'awareness') throw new Error(`expected an awareness frame, got ${parsed.kind}`);
  const d = decoding.createDecoder(parsed.update);
  const entries = new Map<number, unknown>();
  for (let n = decoding.readVarUint(d); n > 0; n--) {
    const clientId = decoding.readVarUint(d);
    decoding.readVarUint(d);
    entries.set(clientId, JSON.parse(decoding.readVarString(d)));
  }
  return entries;
}

// Client-side frames, built with y-protocols as y-websocket does.
export function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}
export const step1Frame = (doc: Y.Doc): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(e, doc);
  });
export const step2Frame = (doc: Y.Doc, stateVector?: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeSyncStep2(e, doc, stateVector);
  });
/** A sync step 2 carrying exactly `update` (a client answering the server's step 1). */
export const step2UpdateFrame = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(e, update);
  });
export const updateFrame = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeUpdate(e, update);
  });
export const awarenessFrame = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, update);
  });
/** An awareness update from [clientId, clock, state] triples, encoded by the room's own encoder. */
export const awarenessUpdate = (entries: readonly [number, number, unknown][]): Uint8Array =>
  encodeAwarenessEntries(entries.map(([clientId, clock, state]) => ({ clientId, clock, stateJson: JSON.stringify(state) })));

export const alice = { name: 'Alice', color: '#ff0000' };
export const bob = { name: 'Bob', color: '#00ff00' };

/** The room's first stored update; built once, so every use holds the same client ids. */
export const INITIAL_UPDATE = ((): Uint8Array => {
  const doc = new Y.Doc();
  doc.transact(() => {
    doc.getMap(META_MAP).set(META_KEYS.name, 'Room');
    doc.getMap(META_MAP).set(META_KEYS.language, 'python');
    doc.getText(CODE_TEXT).insert(0, 'print("hi")\n');
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
})();

/** A client's doc, in sync with the room at the time of the call. */
export function clientOf(room: Room, clientId?: number): Y.Doc {
  const doc = new Y.Doc();
  if (clientId !== undefined) doc.clientID = clientId;
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc));
  docs.push(doc);
  return doc;
}

/** The update `edit` produces on `doc`. */
export function editOn(doc: Y.Doc, edit: (doc: Y.Doc) => void): Uint8Array {
  const updates: Uint8Array[] = [];
  const onUpdate = (u: Uint8Array): void => void updates.push(u);
  doc.on('update', onUpdate);
  doc.transact(() => edit(doc));
  doc.off('update', onUpdate);
  if (updates.length !== 1) throw new Error(`edit produced ${updates.length} updates`);
  return updates[0]!;
}

export const docs: Y.Doc[] = [];
const rooms: Room[] = [];
/** What the current test's rooms stored (onUpdate), reported (onMetaChange) and closed sockets for; emptied before each test. */
export const stored: Uint8Array[] = [];
export const metaChanges: RoomMeta[] = [];
export const protocolErrors: { socket: SyncSocket; error: Error }[] = [];
/** Frames the current test's rooms ignored (role matrix), with each connection's running count. */
export const ignoredFrames: { name: string; message: RoomMessage; count: number }[] = [];

export interface TestRoomOptions extends Partial<RoomOptions> {
  /** What storage holds for the room; INITIAL_UPDATE by default. */
  storedUpdates?: readonly Uint8Array[];
  /** Runs before the update is recorded in `stored`, e.g. to make storing fail. */
  beforeStore?: (update: Uint8Array) => void;
  /** Whether storage takes more edits; always by default. */
  acceptsEdits?: () => boolean;
}

export function newRoom({
  storedUpdates = [INITIAL_UPDATE],
  beforeStore,
  acceptsEdits = () => true,
  ...options
}: TestRoomOptions = {}): Room {
  const hooks: RoomHooks = {
    onUpdate: (update) => {
      beforeStore?.(update);
      stored.push(update);
    },
    onMetaChange: (meta) => void metaChanges.push(meta),
    acceptsEdits,
    onIgnoredFrame: (session, message, count) => void ignoredFrames.push({ name: session.presence.name, message, count }),
  };
  const room = new Room('room-test', storedUpdates, hooks, (socket, error) => void protocolErrors.push({ socket, error }), options);
  rooms.push(room);
  return room;
}

export interface JoinOptions {
  /** `editor` by default. */
  role?: RoomRole;
  /** What the session shows to others; named after the socket by default. */
  presence?: PresenceUser;
  /** A guest of its own (`guest:<name>`) by default. */
  principal?: Principal;
}

/** A session as the access layer would give it. */
export function sessionFor(name: string, { role = 'editor', presence, principal }: JoinOptions = {}): ConnectionSession {
  const who: Principal = principal ?? { kind: 'guest', guestId: name };
  return {
    principal: who,
    presented: { ownerKey: null, linkToken: null },
    role,
    presence: { ...(presence ?? { name, color: '#000000' }), guest: who.kind === 'guest' },
  };
}

/** Joins a fresh fake socket with a session and drops what the join sent, so assertions see only what follows. */
export function joinAs(room: Room, name: string, options: JoinOptions = {}): FakeSocket {
  const socket = new FakeSocket(name);
  room.join(socket, sessionFor(name, options));
  socket.take();
  return socket;
}

/** Joins fresh fake sockets, each a guest editor of its own. */
export function joinAll(room: Room, ...names: string[]): FakeSocket[] {
  return names.map((name) => joinAs(room, name));
}

/** The text a fresh document holds after applying what the room stored on top of `base`. */
export function storedText(base: readonly Uint8Array[] = [INITIAL_UPDATE]): string {
  const replay = new Y.Doc();
  docs.push(replay);
  for (const update of [...base, ...stored]) Y.applyUpdate(replay, update);
  return replay.getText(CODE_TEXT).toString();
}

/** Applies every sync update the socket was sent to `doc` (what a stock client does). */
export function deliver(socket: FakeSocket, doc: Y.Doc): void {
  for (const sent of socket.take()) {
    const parsed = parseFrame(sent);
    if (parsed.kind === 'update' || parsed.kind === 'step2') Y.applyUpdate(doc, parsed.update);
  }
}

/** The room's whole state, to prove a document is unchanged. */
export const stateOf = (room: Room): Uint8Array => Y.encodeStateAsUpdate(room.doc);

/** Registers the per-test reset and cleanup of the room tests; call once at the top of each room test file. */
export function setUpRoomTests(): void {
  beforeEach(() => {
    stored.length = 0;
    metaChanges.length = 0;
    protocolErrors.length = 0;
    ignoredFrames.length = 0;
  });

  afterEach(() => {
    for (const room of rooms.splice(0)) room.destroy();
    for (const doc of docs.splice(0)) doc.destroy();
    vi.useRealTimers();
  });
}
