import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CLOSE_CODES, CODE_TEXT, META_KEYS, META_MAP, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from '@pairwise/protocol';
import { Room, SERVER_ORIGIN, type RoomHooks, type RoomMeta, type SyncSocket } from './room.js';

/**
 * The room without a transport: fake sockets record what the room sends, and every frame a
 * client sends is built with the real y-protocols encoders, exactly as y-websocket builds it.
 */

class FakeSocket implements SyncSocket {
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

type Frame =
  | { kind: 'step1'; stateVector: Uint8Array }
  | { kind: 'step2' | 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array };

function parseFrame(frame: Uint8Array): Frame {
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
function awarenessEntries(frame: Uint8Array): Map<number, unknown> {
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
function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}
const step1Frame = (doc: Y.Doc): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(e, doc);
  });
const step2Frame = (doc: Y.Doc, stateVector?: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeSyncStep2(e, doc, stateVector);
  });
const updateFrame = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeUpdate(e, update);
  });
const awarenessFrame = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, update);
  });
/** A hand-written awareness update: [clientId, clock, state][]. */
const awarenessUpdate = (entries: readonly [number, number, unknown][]): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const [clientId, clock, state] of entries) {
      encoding.writeVarUint(e, clientId);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, JSON.stringify(state));
    }
  });

const alice = { name: 'Alice', color: '#ff0000' };
const bob = { name: 'Bob', color: '#00ff00' };

/** The room's first stored update; built once, so every use holds the same client ids. */
const INITIAL_UPDATE = ((): Uint8Array => {
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
function clientOf(room: Room, clientId?: number): Y.Doc {
  const doc = new Y.Doc();
  if (clientId !== undefined) doc.clientID = clientId;
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc));
  docs.push(doc);
  return doc;
}

/** The update `edit` produces on `doc`. */
function editOn(doc: Y.Doc, edit: (doc: Y.Doc) => void): Uint8Array {
  const updates: Uint8Array[] = [];
  const onUpdate = (u: Uint8Array): void => void updates.push(u);
  doc.on('update', onUpdate);
  doc.transact(() => edit(doc));
  doc.off('update', onUpdate);
  if (updates.length !== 1) throw new Error(`edit produced ${updates.length} updates`);
  return updates[0]!;
}

const docs: Y.Doc[] = [];
let rooms: Room[] = [];
let stored: Uint8Array[];
let metaChanges: RoomMeta[];
let protocolErrors: { socket: SyncSocket; error: Error }[];

function newRoom(): Room {
  const hooks: RoomHooks = {
    onUpdate: (update) => void stored.push(update),
    onMetaChange: (meta) => void metaChanges.push(meta),
  };
  const room = new Room('room-test', [INITIAL_UPDATE], hooks, (socket, error) => void protocolErrors.push({ socket, error }));
  rooms.push(room);
  return room;
}

/** Joins fresh fake sockets and drops what the join sent, so assertions see only what follows. */
function joinAll(room: Room, ...names: string[]): FakeSocket[] {
  return names.map((name) => {
    const socket = new FakeSocket(name);
    room.join(socket);
    socket.take();
    return socket;
  });
}

/** The room's whole state, to prove a document is unchanged. */
const stateOf = (room: Room): Uint8Array => Y.encodeStateAsUpdate(room.doc);

beforeEach(() => {
  stored = [];
  metaChanges = [];
  protocolErrors = [];
});

afterEach(() => {
  for (const room of rooms) room.destroy();
  rooms = [];
  for (const doc of docs.splice(0)) doc.destroy();
  vi.useRealTimers();
});

describe('Room', () => {
  describe('join', () => {
    it('sends sync step 1 with the room state vector, and nothing else when nobody is present', () => {
      const room = newRoom();
      const socket = new FakeSocket('a');
      room.join(socket);
      expect(socket.sent).toHaveLength(1);
      expect(parseFrame(socket.sent[0]!)).toEqual({ kind: 'step1', stateVector: Y.encodeStateVector(room.doc) });
      expect(room.connectionCount).toBe(1);
      expect(room.text.toString()).toBe('print("hi")\n');
    });

    it('sends sync step 1 then the awareness of everyone present', () => {
      const room = newRoom();
      const [a] = joinAll(room, 'a');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }]])));
      const late = new FakeSocket('late');
      room.join(late);
      expect(late.sent).toHaveLength(2);
      expect(parseFrame(late.sent[0]!).kind).toBe('step1');
      expect(awarenessEntries(late.sent[1]!)).toEqual(new Map([[11, { user: alice }]]));
    });

    it('the server itself is not in the presence list', () => {
      const room = newRoom();
      expect([...room.awareness.getStates().keys()]).toEqual([]);
      expect(room.presence()).toEqual([]);
    });
  });

  describe('sync', () => {
    it('answers a client sync step 1 with a step 2 that brings the client up to date', () => {
      const room = newRoom();
      const [a] = joinAll(room, 'a');
      const client = new Y.Doc();
      docs.push(client);
      room.receive(a!, step1Frame(client));
      expect(a!.sent).toHaveLength(1);
      const reply = parseFrame(a!.sent[0]!);
      expect(reply.kind).toBe('step2');
      if (reply.kind !== 'step2') return;
      Y.applyUpdate(client, reply.update);
      expect(client.getText(CODE_TEXT).toString()).toBe('print("hi")\n');
      expect(a!.closes).toEqual([]);
    });

    it('applies an update, stores it via onUpdate, broadcasts it to the others but not back to the sender', () => {
      const room = newRoom();
      const [a, b, c] = joinAll(room, 'a', 'b', 'c');
      const client = clientOf(room);
      const update = editOn(client, (d) => d.getText(CODE_TEXT).insert(0, '# edited\n'));

      room.receive(a!, updateFrame(update));

      expect(room.text.toString()).toBe('# edited\nprint("hi")\n');
      expect(stored).toHaveLength(1);
      // What is stored reproduces the edit on top of the initial state.
      const replay = new Y.Doc();
      Y.applyUpdate(replay, INITIAL_UPDATE);
      Y.applyUpdate(replay, stored[0]!);
      expect(replay.getText(CODE_TEXT).toString()).toBe('# edited\nprint("hi")\n');
      replay.destroy();

      expect(a!.sent).toEqual([]);
      expect(b!.sent).toHaveLength(1);
      expect(c!.sent).toHaveLength(1);
      const forwarded = parseFrame(b!.sent[0]!);
      expect(forwarded.kind).toBe('update');
      // Encoded once: the very same buffer object goes to every socket (Hocuspocus PR #1051).
      expect(c!.sent[0]).toBe(b!.sent[0]);
      expect(metaChanges).toEqual([]);
    });

    it('applies a client sync step 2 (offline edits a client brings back) like an update', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      const client = clientOf(room);
      const roomStateVector = Y.encodeStateVector(room.doc);
      client.getText(CODE_TEXT).insert(0, 'offline ');
      room.receive(a!, step2Frame(client, roomStateVector));
      expect(room.text.toString()).toBe('offline print("hi")\n');
      expect(stored).toHaveLength(1);
      expect(a!.sent).toEqual([]);
      expect(b!.sent).toHaveLength(1);
    });

    it('an update the room already has changes nothing and is neither stored nor broadcast', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, updateFrame(INITIAL_UPDATE));
      expect(stored).toEqual([]);
      expect(b!.sent).toEqual([]);
      expect(a!.closes).toEqual([]);
    });

    // Regression (fixed): an update whose dependencies are missing is neither applied nor rejected: Yjs parks it in
    // doc.store.pendingStructs, no 'update' event fires (so onUpdate never stores it), yet
    // encodeStateAsUpdate includes it, so every client that joins later receives it in sync step 2.
    // What clients see then differs from what is stored, the parked bytes vanish when the room is
    // unloaded, and a hostile client can grow pendingStructs without bound (each later apply
    // re-merges it: ~3,000 tiny updates cost seconds of CPU). Field notes: "Decoding untrusted updates".
    it('what a joining client is sent equals what is stored, even after an update with missing dependencies', () => {
      const room = newRoom();
      const [a] = joinAll(room, 'a');
      // Client 4242 at clock 5: clocks 0-4 never reach the server.
      const source = new Y.Doc();
      docs.push(source);
      source.clientID = 4242;
      source.getText(CODE_TEXT).insert(0, 'never');
      const missing = Y.encodeStateVector(source);
      source.getText(CODE_TEXT).insert(5, ' sent alone');
      room.receive(a!, updateFrame(Y.encodeStateAsUpdate(source, missing)));

      // A new client syncs from scratch.
      const [late] = joinAll(room, 'late');
      const fresh = new Y.Doc();
      docs.push(fresh);
      room.receive(late!, step1Frame(fresh));
      const reply = parseFrame(late!.sent[0]!);
      if (reply.kind !== 'step2') throw new Error(`expected step 2, got ${reply.kind}`);
      Y.applyUpdate(fresh, reply.update);

      const fromStorage = new Y.Doc();
      docs.push(fromStorage);
      for (const update of [INITIAL_UPDATE, ...stored]) Y.applyUpdate(fromStorage, update);
      expect(Y.encodeStateAsUpdate(fresh)).toEqual(Y.encodeStateAsUpdate(fromStorage));
      expect(room.doc.store.pendingStructs).toBeNull();
    });

    it('ignores frames from a socket that never joined or already left', () => {
      const room = newRoom();
      const [b] = joinAll(room, 'b');
      const stranger = new FakeSocket('stranger');
      const update = editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'x'));
      room.receive(stranger, updateFrame(update));
      const [gone] = joinAll(room, 'gone');
      room.leave(gone!);
      room.receive(gone!, updateFrame(update));
      expect(room.text.toString()).toBe('print("hi")\n');
      expect(b!.sent).toEqual([]);
      expect(stored).toEqual([]);
    });
  });

  describe('malformed frames close only the sender (1007) and leave the document unchanged', () => {
    const validUpdate = (): Uint8Array => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, INITIAL_UPDATE);
      const update = editOn(doc, (d) => d.getText(CODE_TEXT).insert(3, 'INSERTED TEXT'));
      doc.destroy();
      return update;
    };
    const hugeStructCount = frame((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, 0xffff_fff);
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, 0);
    });
    /** An embed whose JSON is broken: the guard passes it (structure is fine), Yjs throws while reading. */
    const badEmbed = frame((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, 77);
      encoding.writeVarUint(e, 0);
      encoding.writeUint8(e, 5); // embed, parent follows
      encoding.writeVarUint(e, 1);
      encoding.writeVarString(e, CODE_TEXT);
      encoding.writeVarString(e, '{not json');
      encoding.writeVarUint(e, 0);
    });

    const cases: Record<string, () => Uint8Array> = {
      'empty frame': () => new Uint8Array(0),
      'garbage bytes': () => Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff]),
      'unknown message type 2 (auth, unsupported)': () => Uint8Array.from([2, 0, 1, 1]),
      'unknown message type 4': () => Uint8Array.from([4, 1, 2, 3]),
      'unknown message type 127': () => Uint8Array.from([127]),
      'unknown sync step 3': () => frame((e) => {
        encoding.writeVarUint(e, MESSAGE_SYNC);
        encoding.writeVarUint(e, 3);
        encoding.writeVarUint8Array(e, validUpdate());
      }),
      'sync frame without a step': () => Uint8Array.from([MESSAGE_SYNC]),
      'truncated sync update (length prefix runs past the frame)': () => {
        const full = updateFrame(validUpdate());
        return full.subarray(0, full.length - 3);
      },
      'truncated update inside a correct length prefix': () => {
        const update = validUpdate();
        return updateFrame(update.subarray(0, update.length - 4));
      },
      'sync step 2 carrying garbage': () => frame((e) => {
        encoding.writeVarUint(e, MESSAGE_SYNC);
        encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
        encoding.writeVarUint8Array(e, Uint8Array.from([9, 9, 9, 9]));
      }),
      'update declaring a huge struct count': () => updateFrame(hugeStructCount),
      'update that passes the guard but carries broken JSON': () => updateFrame(badEmbed),
      'sync step 1 with a garbage state vector': () => frame((e) => {
        encoding.writeVarUint(e, MESSAGE_SYNC);
        encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
        encoding.writeVarUint8Array(e, Uint8Array.from([5, 0xff]));
      }),
      'awareness with garbage': () => awarenessFrame(Uint8Array.from([3, 0xff, 0xff])),
      'awareness with a non-object state': () => awarenessFrame(awarenessUpdate([[5, 1, 'a string']])),
      'awareness length prefix past the frame': () => Uint8Array.from([MESSAGE_AWARENESS, 50, 1, 2]),
    };

    for (const [name, make] of Object.entries(cases)) {
      it(name, () => {
        const room = newRoom();
        const [bad, good, other] = joinAll(room, 'bad', 'good', 'other');
        room.receive(good!, awarenessFrame(awarenessUpdate([[21, 1, { user: bob }]])));
        bad!.take();
        other!.take();
        const before = stateOf(room);
        stored = [];

        room.receive(bad!, make());

        expect(bad!.closes).toEqual([{ code: CLOSE_CODES.invalidMessage, reason: expect.any(String) }]);
        expect(protocolErrors.map((e) => e.socket)).toEqual([bad]);
        expect(good!.closes).toEqual([]);
        expect(other!.closes).toEqual([]);
        expect(stateOf(room)).toEqual(before);
        expect(room.text.toString()).toBe('print("hi")\n');
        expect(stored).toEqual([]);
        expect(good!.sent).toEqual([]);
        expect(other!.sent).toEqual([]);
        expect(room.connectionCount).toBe(2);

        // The closed socket is gone: even a valid frame from it is ignored now.
        room.receive(bad!, updateFrame(validUpdate()));
        expect(room.text.toString()).toBe('print("hi")\n');

        // The others carry on.
        const edit = editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, '# ok\n'));
        room.receive(good!, updateFrame(edit));
        expect(room.text.toString()).toBe('# ok\nprint("hi")\n');
        expect(other!.sent).toHaveLength(1);
        expect(room.presence()).toEqual([bob]);
      });
    }

    it('seeded corruptions of valid frames: receive never throws; a frame is either accepted or closes its sender with the doc unchanged', () => {
      const seed = Number(process.env.FUZZ_SEED ?? 1234567);
      let a = seed >>> 0;
      const random = (): number => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const base = updateFrame(validUpdate());
      let closed = 0;
      // Fresh rooms now and then: accepted corruptions with missing dependencies pile up in Yjs'
      // pendingStructs and make every later apply slower (see the regression test under 'sync').
      for (let r = 0; r < 8; r++) {
        const room = newRoom();
        const [watcher] = joinAll(room, 'watcher');
        for (let n = 0; n < 120; n++) {
          const corrupt = base.slice();
          for (let k = 1 + Math.floor(random() * 3); k > 0; k--) corrupt[Math.floor(random() * corrupt.length)] = Math.floor(random() * 256);
          const socket = new FakeSocket(`fuzz-${r}-${n}`);
          room.join(socket);
          const before = stateOf(room);
          const storedBefore = stored.length;
          const context = `seed ${seed} room ${r} #${n}: ${Buffer.from(corrupt).toString('hex')}`;
          expect(() => room.receive(socket, corrupt), context).not.toThrow();
          if (socket.closes.length > 0) {
            closed++;
            expect(socket.closes, context).toEqual([{ code: CLOSE_CODES.invalidMessage, reason: expect.any(String) }]);
            expect(stateOf(room), context).toEqual(before);
            expect(stored.length, context).toBe(storedBefore);
          } else {
            room.leave(socket);
          }
        }
        expect(watcher!.closes).toEqual([]);
      }
      expect(closed).toBeGreaterThan(0);
    });
  });

  describe('awareness', () => {
    it('a socket announces its own client id; the others receive it and presence lists it', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      const client = clientOf(room, 11);
      const awareness = new awarenessProtocol.Awareness(client);
      awareness.setLocalState({ user: alice });
      room.receive(a!, awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, [11])));
      awareness.destroy();

      expect(a!.sent).toEqual([]);
      expect(b!.sent).toHaveLength(1);
      expect(awarenessEntries(b!.sent[0]!)).toEqual(new Map([[11, { user: alice }]]));
      expect(room.presence()).toEqual([alice]);
    });

    it('awareness broadcasts are encoded once for every socket', () => {
      const room = newRoom();
      const [a, b, c] = joinAll(room, 'a', 'b', 'c');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }]])));
      expect(b!.sent).toHaveLength(1);
      expect(c!.sent[0]).toBe(b!.sent[0]);
    });

    it('a socket cannot overwrite another socket\'s client id; its own entries in the same update still apply', () => {
      const room = newRoom();
      const [a, b, c] = joinAll(room, 'a', 'b', 'c');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }]])));
      a!.take();
      c!.take();

      // b claims to be 11 with a much higher clock, and announces itself (22) in the same update.
      room.receive(b!, awarenessFrame(awarenessUpdate([[11, 99, { user: { name: 'Mallory', color: '#000000' } }], [22, 1, { user: bob }]])));

      expect(b!.closes).toEqual([]);
      expect(room.awareness.getStates().get(11)).toEqual({ user: alice });
      expect(room.awareness.getStates().get(22)).toEqual({ user: bob });
      expect(room.presence()).toEqual([alice, bob]);
      // The others hear about 22 only.
      expect(a!.sent).toHaveLength(1);
      expect(awarenessEntries(a!.sent[0]!)).toEqual(new Map([[22, { user: bob }]]));
      expect(awarenessEntries(c!.sent[0]!)).toEqual(new Map([[22, { user: bob }]]));
    });

    it('a socket cannot null (remove) another socket\'s client id', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }]])));
      a!.take();
      room.receive(b!, awarenessFrame(awarenessUpdate([[11, 50, null]])));
      expect(room.awareness.getStates().get(11)).toEqual({ user: alice });
      expect(a!.sent).toEqual([]);
      expect(b!.closes).toEqual([]);
    });

    it('an update that is entirely spoofed changes nothing and is not broadcast', () => {
      const room = newRoom();
      const [a, b, c] = joinAll(room, 'a', 'b', 'c');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }]])));
      c!.take();
      room.receive(b!, awarenessFrame(awarenessUpdate([[11, 7, { user: bob }]])));
      expect(c!.sent).toEqual([]);
      expect(room.presence()).toEqual([alice]);
    });

    it('a socket may update and remove its own state', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }]])));
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 2, { user: { ...alice, name: 'Alice B.' } }]])));
      expect(room.presence()).toEqual([{ ...alice, name: 'Alice B.' }]);
      b!.take();
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 3, null]])));
      expect(room.awareness.getStates().has(11)).toBe(false);
      expect(awarenessEntries(b!.sent[0]!)).toEqual(new Map([[11, null]]));
    });

    it('leave() removes that socket\'s states for everyone (no ghost cursor), and frees its client id', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }], [12, 1, { user: { name: 'Alice tab 2', color: '#ff0001' } }]])));
      room.receive(b!, awarenessFrame(awarenessUpdate([[22, 1, { user: bob }]])));
      b!.take();

      room.leave(a!);

      expect([...room.awareness.getStates().keys()]).toEqual([22]);
      expect(room.presence()).toEqual([bob]);
      expect(b!.sent).toHaveLength(1);
      expect(awarenessEntries(b!.sent[0]!)).toEqual(new Map([[11, null], [12, null]]));
      expect(room.connectionCount).toBe(1);

      // Id 11 belongs to nobody now; a reconnecting client may take it again.
      const [again] = joinAll(room, 'again');
      room.receive(again!, awarenessFrame(awarenessUpdate([[11, 5, { user: alice }]])));
      expect(room.awareness.getStates().get(11)).toEqual({ user: alice });
    });

    it('a socket closed for a malformed frame loses its presence too', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }]])));
      b!.take();
      room.receive(a!, Uint8Array.from([0xff, 0xff]));
      expect(a!.closes.map((c) => c.code)).toEqual([CLOSE_CODES.invalidMessage]);
      expect(room.presence()).toEqual([]);
      expect(awarenessEntries(b!.sent[0]!)).toEqual(new Map([[11, null]]));
    });

    it('answers query-awareness with every present state', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }]])));
      room.receive(b!, awarenessFrame(awarenessUpdate([[22, 1, { user: bob }]])));
      a!.take();
      b!.take();
      room.receive(a!, Uint8Array.from([MESSAGE_QUERY_AWARENESS]));
      expect(a!.sent).toHaveLength(1);
      expect(awarenessEntries(a!.sent[0]!)).toEqual(new Map<number, unknown>([[11, { user: alice }], [22, { user: bob }]]));
      expect(b!.sent).toEqual([]);
    });

    it('presence() lists valid `user` fields only', () => {
      const room = newRoom();
      const states: unknown[] = [
        { user: alice },
        { user: bob, cursor: { anchor: 1 } },
        {},
        { cursor: 1 },
        { user: null },
        { user: 'Alice' },
        { user: { name: 'No colour' } },
        { user: { name: 'Bad colour', color: 'red' } },
        { user: { name: '', color: '#123456' } },
        { user: { name: 'x'.repeat(65), color: '#123456' } },
        { user: { name: 42, color: '#123456' } },
      ];
      states.forEach((state, i) => {
        const [socket] = joinAll(room, `s${i}`);
        room.receive(socket!, awarenessFrame(awarenessUpdate([[100 + i, 1, state]])));
      });
      expect(room.awareness.getStates().size).toBe(states.length);
      expect(room.presence()).toEqual([alice, bob]);
    });
  });

  describe('meta', () => {
    it('a client changing the meta map calls onMetaChange with the new settings', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      const update = editOn(clientOf(room), (d) => d.getMap(META_MAP).set(META_KEYS.name, 'Renamed'));
      room.receive(a!, updateFrame(update));
      expect(metaChanges).toEqual([{ name: 'Renamed', language: 'python' }]);
      expect(room.meta()).toEqual({ name: 'Renamed', language: 'python' });
      expect(b!.sent).toHaveLength(1);
    });

    it('text edits do not call onMetaChange', () => {
      const room = newRoom();
      const [a] = joinAll(room, 'a');
      room.receive(a!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'x'))));
      expect(metaChanges).toEqual([]);
    });

    it('changeMeta (SERVER_ORIGIN) does not call onMetaChange, but is stored and broadcast to every socket', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.changeMeta({ name: 'From API', language: 'rust' });
      expect(metaChanges).toEqual([]);
      expect(room.meta()).toEqual({ name: 'From API', language: 'rust' });
      expect(stored).toHaveLength(1);
      expect(a!.sent).toHaveLength(1);
      expect(b!.sent[0]).toBe(a!.sent[0]);
      const client = clientOf(room);
      expect(client.getMap(META_MAP).get(META_KEYS.language)).toBe('rust');
      // Origin checks use the symbol itself, not anything a client can send.
      expect(typeof SERVER_ORIGIN).toBe('symbol');
    });

    it('meta() ignores values of the wrong type', () => {
      const room = newRoom();
      const [a] = joinAll(room, 'a');
      room.receive(a!, updateFrame(editOn(clientOf(room), (d) => d.getMap(META_MAP).set(META_KEYS.name, 42))));
      expect(room.meta()).toEqual({ language: 'python' });
    });
  });

  describe('destroy', () => {
    it('closes every socket (1001) and stops the awareness timer', () => {
      vi.useFakeTimers();
      const timersBefore = vi.getTimerCount();
      const room = new Room('room-timer', [INITIAL_UPDATE], { onUpdate: () => {}, onMetaChange: () => {} });
      // y-protocols' Awareness runs an interval to expire stale states.
      expect(vi.getTimerCount()).toBeGreaterThan(timersBefore);
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }]])));

      room.destroy();

      expect(a!.closes).toEqual([{ code: CLOSE_CODES.goingAway, reason: expect.any(String) }]);
      expect(b!.closes).toEqual([{ code: CLOSE_CODES.goingAway, reason: expect.any(String) }]);
      expect(room.connectionCount).toBe(0);
      expect(vi.getTimerCount()).toBe(timersBefore);
      expect(room.doc.isDestroyed).toBe(true);
    });

    it('closeAll closes each socket once with the given code', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.closeAll(CLOSE_CODES.roomNotFound, 'room deleted');
      expect(a!.closes).toEqual([{ code: CLOSE_CODES.roomNotFound, reason: 'room deleted' }]);
      expect(b!.closes).toEqual([{ code: CLOSE_CODES.roomNotFound, reason: 'room deleted' }]);
      expect(room.connectionCount).toBe(0);
    });
  });
});
