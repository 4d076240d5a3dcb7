import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT, MESSAGE_PAIRWISE_HELLO, MESSAGE_STORED_STATE } from '@pairwise/protocol';
import type { Room } from './room.js';
import { clientOf, editOn, joinAll, newRoom, setUpRoomTests, updateFrame, type FakeSocket } from './room.testkit.js';
import { StoredStates } from './stored-state.js';

setUpRoomTests();

/** The MESSAGE_STORED_STATE frames a socket got since the last call: state vector and stored edit frames. */
function storedPoints(socket: FakeSocket): { vector: Map<number, number>; frames: number }[] {
  return socket.take().map((frame) => {
    const decoder = decoding.createDecoder(frame);
    expect(decoding.readVarUint(decoder)).toBe(MESSAGE_STORED_STATE);
    const vector = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
    return { vector, frames: decoding.readVarUint(decoder) };
  });
}

function storedVectors(socket: FakeSocket): Map<number, number>[] {
  return storedPoints(socket).map((point) => point.vector);
}

/** Whether the room has edits queued or being written, as the group commit would say. */
let holding = true;

/** A room with a tracker, one socket that sent the hello (told at once) and one stock socket. */
function trackedRoom(): { room: Room; states: StoredStates; hello: FakeSocket; stock: FakeSocket } {
  holding = true;
  const room = newRoom();
  const states = new StoredStates(() => holding);
  states.loaded(room);
  const [hello, stock] = joinAll(room, 'hello', 'stock');
  room.receive(hello!, Uint8Array.of(MESSAGE_PAIRWISE_HELLO));
  states.subscribed(room, hello!);
  return { room, states, hello: hello!, stock: stock! };
}

/** The client `doc` types `text` into the room through `socket`; returns its client id. */
function typeInto(room: Room, socket: FakeSocket, doc: Y.Doc, text: string): number {
  room.receive(socket, updateFrame(editOn(doc, (d) => d.getText(CODE_TEXT).insert(0, text))));
  return doc.clientID;
}

describe('StoredStates', () => {
  it('tells a connection on its hello what the loaded document holds', () => {
    const { room, hello, stock } = trackedRoom();
    expect(storedVectors(hello)).toEqual([Y.decodeStateVector(Y.encodeStateVector(room.doc))]);
    expect(stock.take()).toEqual([]);
  });

  it('after a write, says the vector the room had when the write took its queue, to hello connections only', () => {
    const { room, states, hello, stock } = trackedRoom();
    hello.take();
    const first = typeInto(room, stock, clientOf(room, 1001), 'abc');
    states.writing([room.id]);
    const second = typeInto(room, stock, clientOf(room, 1002), 'later');
    stock.take();
    hello.take();
    expect(storedVectors(hello)).toEqual([]);

    states.stored([room.id]);
    const [vector] = storedVectors(hello);
    expect(vector?.get(first)).toBe(3);
    expect(vector?.has(second)).toBe(false);
    expect(stock.take()).toEqual([]);
  });

  it('says nothing after a failed write, and the newer vector once a retry succeeds', () => {
    const { room, states, hello, stock } = trackedRoom();
    hello.take();
    const doc = clientOf(room, 1001);
    const client = typeInto(room, stock, doc, 'abc');
    states.writing([room.id]);
    // The write failed: no `stored`. The retry takes the room again, with what came meanwhile.
    typeInto(room, stock, doc, 'de');
    hello.take();
    states.writing([room.id]);
    states.stored([room.id]);
    expect(storedVectors(hello).map((v) => v.get(client))).toEqual([5]);
    // A hello now gets the stored vector, not the loaded one.
    const [late] = joinAll(room, 'late');
    states.subscribed(room, late!);
    expect(storedVectors(late!).map((v) => v.get(client))).toEqual([5]);
  });

  it('counts each connection’s edit frames in the write, so an edit that only deletes is told stored too', () => {
    const { room, states, hello } = trackedRoom();
    hello.take();
    const doc = clientOf(room, 1001);
    typeInto(room, hello, doc, 'abc');
    states.writing([room.id]);
    states.stored([room.id]);
    hello.take();
    // A deletion adds no struct: the vector cannot show it, the frame count can.
    room.receive(hello, updateFrame(editOn(doc, (d) => d.getText(CODE_TEXT).delete(0, 1))));
    hello.take();
    states.writing([room.id]);
    states.stored([room.id]);
    expect(storedPoints(hello).map((p) => p.frames)).toEqual([2]);
  });

  it('a frame that changed nothing, with nothing queued, is told stored at once; with a write in flight, when it ends', () => {
    const { room, states, hello } = trackedRoom();
    hello.take();
    holding = false;
    room.receive(hello, updateFrame(Y.encodeStateAsUpdate(new Y.Doc())));
    states.editFrame(room, hello);
    expect(storedPoints(hello).map((p) => p.frames)).toEqual([1]);
    holding = true;
    states.writing([room.id]);
    room.receive(hello, updateFrame(Y.encodeStateAsUpdate(new Y.Doc())));
    states.editFrame(room, hello);
    expect(hello.take()).toEqual([]);
    holding = false;
    states.stored([room.id]);
    expect(storedPoints(hello).map((p) => p.frames)).toEqual([2]);
  });

  it('takes no point while nobody listens; one who comes during a write is told no more than is stored, then all of it', () => {
    holding = true;
    const room = newRoom();
    const states = new StoredStates(() => holding);
    states.loaded(room);
    const [stock, listener] = joinAll(room, 'stock', 'listener');
    const doc = clientOf(room, 1001);
    const client = typeInto(room, stock!, doc, 'abc');
    states.writing([room.id]);
    // The hello comes while that write is in flight, with more queued: the point from the load.
    room.receive(listener!, Uint8Array.of(MESSAGE_PAIRWISE_HELLO));
    listener!.take();
    states.subscribed(room, listener!);
    expect(storedVectors(listener!).map((v) => v.get(client))).toEqual([undefined]);
    states.stored([room.id]);
    expect(listener!.take()).toEqual([]);
    // Once nothing is queued, a write ending tells it everything; so does a hello.
    typeInto(room, stock!, doc, 'd');
    listener!.take();
    states.writing([room.id]);
    holding = false;
    states.stored([room.id]);
    expect(storedVectors(listener!).map((v) => v.get(client))).toEqual([4]);
    states.subscribed(room, listener!);
    expect(storedVectors(listener!).map((v) => v.get(client))).toEqual([4]);
  });

  it('ignores rooms it does not hold and copies that were unloaded', () => {
    const { room, states, hello } = trackedRoom();
    hello.take();
    states.writing(['other-room']);
    states.stored(['other-room']);
    states.writing([room.id]);
    states.unloaded(room);
    states.stored([room.id]);
    states.subscribed(room, hello);
    expect(hello.take()).toEqual([]);
  });

  it('keeps tracking a newer copy of the room when an older one unloads', () => {
    const { room: older, states } = trackedRoom();
    const newer = newRoom();
    states.loaded(newer);
    states.unloaded(older);
    const [socket] = joinAll(newer, 'a');
    states.subscribed(newer, socket!);
    expect(storedVectors(socket!)).toHaveLength(1);
  });
});
