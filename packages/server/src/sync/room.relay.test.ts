import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT, META_MAP } from '@pairwise/protocol';
import {
  clientOf,
  deliver,
  editOn,
  joinAll,
  newRoom,
  parseFrame,
  setUpRoomTests,
  stored,
  storedText,
  updateFrame,
} from './room.testkit.js';
import type { Room } from './room.js';

/**
 * Room: a client's update that applied exactly as sent is relayed and stored as the bytes it sent,
 * without Yjs encoding the change again; every other change is relayed and stored as Yjs encodes it
 * (only what was new, with the server's fixes), and the listener that takes it is there again.
 */

setUpRoomTests();

/** The update payloads of the sync frames `socket` was sent since the last call. */
function relayed(socket: { take(): Uint8Array[] }): Uint8Array[] {
  return socket.take().flatMap((sent) => {
    const parsed = parseFrame(sent);
    return parsed.kind === 'update' ? [parsed.update] : [];
  });
}

/** Whether Yjs would encode the next change: it does so only while the document has an 'update' listener. */
const encodesChanges = (room: Room): boolean => room.doc._observers.has('update');

describe('Room relaying what a client sent', () => {
  it("relays and stores a keystroke as the client's own bytes, and Yjs does not encode it again", () => {
    const room = newRoom();
    const [a, b] = joinAll(room, 'a', 'b');
    const typist = clientOf(room);
    const keystroke = editOn(typist, (d) => d.getText(CODE_TEXT).insert(0, 'x'));

    room.receive(a!, updateFrame(keystroke));

    expect(relayed(b!)).toEqual([keystroke]);
    expect(stored).toEqual([keystroke]);
    expect(a!.sent).toEqual([]);
    expect(encodesChanges(room)).toBe(false);
    expect(room.text.toString()).toBe('xprint("hi")\n');
  });

  it('relays a deletion alone as sent, and the same deletion again not at all (it changes nothing)', () => {
    const room = newRoom();
    const [a, b] = joinAll(room, 'a', 'b');
    const typist = clientOf(room);
    const deletion = editOn(typist, (d) => d.getText(CODE_TEXT).delete(0, 5));

    room.receive(a!, updateFrame(deletion));
    room.receive(a!, updateFrame(deletion));

    expect(relayed(b!)).toEqual([deletion]);
    expect(stored).toEqual([deletion]);
    expect(room.text.toString()).toBe('("hi")\n');
  });

  it('relays and stores only what is new of an update that carries content the room has', () => {
    const room = newRoom();
    const [a, b] = joinAll(room, 'a', 'b');
    const partner = clientOf(room);
    const typist = clientOf(room);
    const before = Y.encodeStateVector(room.doc);
    room.receive(a!, updateFrame(editOn(typist, (d) => d.getText(CODE_TEXT).insert(0, 'one '))));
    typist.getText(CODE_TEXT).insert(4, 'two ');
    // Both edits in one update (a client resending what it is unsure arrived).
    const both = Y.encodeStateAsUpdate(typist, before);

    room.receive(a!, updateFrame(both));

    const updates = relayed(b!);
    expect(updates).toHaveLength(2);
    const second = updates[1]!;
    expect(second).not.toEqual(both);
    // It starts where the first edit ended: four characters after the client's first clock.
    expect(Y.parseUpdateMeta(second).from.get(typist.clientID)).toBe(4);
    for (const update of updates) Y.applyUpdate(partner, update);
    expect(partner.getText(CODE_TEXT).toString()).toBe('one two print("hi")\n');
    expect(storedText()).toBe('one two print("hi")\n');
    expect(encodesChanges(room)).toBe(true);
  });

  it('relays what applied of an update with a gap, and the rest once the gap is filled', () => {
    const room = newRoom();
    const [a, b] = joinAll(room, 'a', 'b');
    const partner = clientOf(room);
    const typist = clientOf(room);
    const x = editOn(typist, (d) => d.getText(CODE_TEXT).insert(0, 'x'));
    const y = editOn(typist, (d) => d.getText(CODE_TEXT).insert(1, 'y'));
    const z = editOn(typist, (d) => d.getText(CODE_TEXT).insert(2, 'z'));

    // x, a skip where y belongs, then z: z waits for y.
    room.receive(a!, updateFrame(Y.mergeUpdates([x, z])));
    expect(room.text.toString()).toBe('xprint("hi")\n');
    // Only x went out and into storage: z, which the room does not hold yet, is in neither.
    const [first] = relayed(b!);
    expect(first && Y.parseUpdateMeta(first).to.get(typist.clientID)).toBe(1);
    expect(stored.map((update) => Y.parseUpdateMeta(update).to.get(typist.clientID))).toEqual([1]);
    Y.applyUpdate(partner, first!);
    room.receive(a!, updateFrame(y));

    deliver(b!, partner);
    expect(partner.getText(CODE_TEXT).toString()).toBe('xyzprint("hi")\n');
    expect(storedText()).toBe('xyzprint("hi")\n');
  });

  it('relays an update with several clients as Yjs encodes it, and both clients converge', () => {
    const room = newRoom();
    const [a, b] = joinAll(room, 'a', 'b');
    const partner = clientOf(room);
    const one = clientOf(room);
    const two = clientOf(room);
    const before = Y.encodeStateVector(room.doc);
    Y.applyUpdate(
      two,
      editOn(one, (d) => d.getText(CODE_TEXT).insert(0, 'one ')),
    );
    two.getText(CODE_TEXT).insert(4, 'two ');

    room.receive(a!, updateFrame(Y.encodeStateAsUpdate(two, before)));

    deliver(b!, partner);
    expect(partner.getText(CODE_TEXT).toString()).toBe('one two print("hi")\n');
    expect(storedText()).toBe('one two print("hi")\n');
  });

  it("still relays the server's own changes and fixes after a keystroke went out as sent", () => {
    const room = newRoom();
    const [a, b] = joinAll(room, 'a', 'b');
    const partner = clientOf(room);
    const typist = clientOf(room);
    room.receive(a!, updateFrame(editOn(typist, (d) => d.getText(CODE_TEXT).insert(0, 'x'))));
    expect(encodesChanges(room)).toBe(false);

    room.changeMeta({ language: 'rust' });
    // A carriage return the server takes out: the fix goes to everyone, the sender included.
    room.receive(a!, updateFrame(editOn(typist, (d) => d.getText(CODE_TEXT).insert(1, '\r\n'))));

    deliver(b!, partner);
    expect(partner.getText(CODE_TEXT).toString()).toBe('x\nprint("hi")\n');
    expect(room.meta().language).toBe('rust');
    expect(partner.getMap(META_MAP).toJSON()).toEqual(room.doc.getMap(META_MAP).toJSON());
    deliver(a!, typist);
    expect(typist.getText(CODE_TEXT).toString()).toBe('x\nprint("hi")\n');
    expect(storedText()).toBe('x\nprint("hi")\n');
  });

  // Randomized: typists whose updates arrive at once, late and out of order (gaps), again together
  // with ones already sent (overlaps) or bundled, with carriage returns now and then. Whatever path
  // each took, every client and storage must end with the room's text and nothing lost.
  it.each([1, 2, 3, 4, 5])('converges and stores everything, whatever the updates carry (seed %i)', (seed) => {
    const gen = prng.create(seed);
    const room = newRoom();
    const sockets = joinAll(room, 'a', 'b', 'c');
    const typists = sockets.map((socket) => ({ socket, doc: clientOf(room), unsent: [] as Uint8Array[], sent: [] as Uint8Array[] }));
    const send = (typist: (typeof typists)[number], update: Uint8Array): void => {
      room.receive(typist.socket, updateFrame(update));
      typist.sent.push(update);
    };
    const flush = (typist: (typeof typists)[number]): void => {
      // Out of order, each alone: the later ones wait for the earlier ones.
      for (const update of typist.unsent.splice(0).reverse()) send(typist, update);
    };
    for (let op = 0; op < 150; op++) {
      const typist = prng.oneOf(gen, typists);
      const text = typist.doc.getText(CODE_TEXT);
      const at = prng.int31(gen, 0, text.length);
      const update = editOn(typist.doc, () => {
        if (text.length > 0 && prng.int31(gen, 0, 3) === 0) text.delete(at === text.length ? at - 1 : at, 1);
        else text.insert(at, prng.int31(gen, 0, 9) === 0 ? 'a\r\nb' : prng.word(gen, 1, 3));
      });
      const way = prng.int31(gen, 0, 9);
      if (way < 5) send(typist, update);
      else if (way < 7) typist.unsent.push(update);
      else if (way < 8) send(typist, Y.mergeUpdates([...typist.sent.slice(-2), update]));
      else {
        send(typist, Y.mergeUpdates([...typist.unsent.splice(0), update]));
      }
      if (prng.int31(gen, 0, 4) === 0) flush(typist);
      for (const other of typists) if (prng.bool(gen)) deliver(other.socket, other.doc);
    }
    for (const typist of typists) flush(typist);
    for (const typist of typists) deliver(typist.socket, typist.doc);

    const expected = room.text.toString();
    expect(expected).not.toContain('\r');
    for (const { socket, doc } of typists) {
      expect(doc.getText(CODE_TEXT).toString(), socket.name).toBe(expected);
      expect(socket.closes, socket.name).toEqual([]);
    }
    expect(storedText()).toBe(expected);
    expect(room.doc.store.pendingStructs).toBeNull();
  });
});
