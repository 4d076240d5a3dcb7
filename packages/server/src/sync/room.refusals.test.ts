import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE_CODES, CODE_TEXT } from '@pairwise/protocol';
import {
  alice,
  awarenessFrame,
  awarenessUpdate,
  clientOf,
  docs,
  editOn,
  joinAll,
  newRoom,
  setUpRoomTests,
  step1Frame,
  step2Frame,
  stored,
  updateFrame,
  joinAs,
} from './room.testkit.js';

/**
 * Room: client changes refused for a reason the client can act on. Content of a room deleted
 * earlier under the same id (4404), and new edits while storage cannot take them (4503).
 */

setUpRoomTests();

/** A client of the room that was deleted: its own document, edited, and the state vector storage retired. */
function deletedRoomClient(): { oldClient: Y.Doc; retired: Map<number, number> } {
  const oldRoom = new Y.Doc();
  docs.push(oldRoom);
  oldRoom.getText(CODE_TEXT).insert(0, 'old starter\n');
  const oldClient = new Y.Doc();
  docs.push(oldClient);
  Y.applyUpdate(oldClient, Y.encodeStateAsUpdate(oldRoom));
  oldClient.getText(CODE_TEXT).insert(0, 'typed in the deleted room\n');
  Y.applyUpdate(oldRoom, Y.encodeStateAsUpdate(oldClient));
  return { oldClient, retired: Y.decodeStateVector(Y.encodeStateVector(oldRoom)) };
}

describe('Room refusals', () => {
  // Regression: a tab left open on a deleted room pushed its content into a new room with the same id.
  it("a sync step 2 carrying a deleted room's content closes that socket with 4404; the room is untouched", () => {
    const { oldClient, retired } = deletedRoomClient();
    const room = newRoom({ retired });
    const before = room.text.toString();
    const [oldTab, other] = joinAll(room, 'old-tab', 'other');
    room.receive(oldTab!, step1Frame(oldClient));
    room.receive(oldTab!, step2Frame(oldClient, Y.encodeStateVector(room.doc)));
    expect(oldTab!.closes).toEqual([{ code: CLOSE_CODES.roomNotFound, reason: 'room deleted' }]);
    expect(room.text.toString()).toBe(before);
    expect(other!.take()).toEqual([]);
    expect(stored).toEqual([]);
  });

  it("a new client's edits pass even though the room once had other content", () => {
    const { retired } = deletedRoomClient();
    const room = newRoom({ retired });
    const [writer] = joinAll(room, 'writer');
    room.receive(writer!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'new '))));
    expect(writer!.closes).toEqual([]);
    expect(room.text.toString().startsWith('new ')).toBe(true);
  });

  it('while storage takes no more edits, a new edit closes its sender with 4503 and is not applied', () => {
    let accepting = false;
    const room = newRoom({ acceptsEdits: () => accepting });
    const [writer, reader] = joinAll(room, 'writer', 'reader');
    const before = room.text.toString();
    room.receive(writer!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'x'))));
    expect(writer!.closes).toEqual([{ code: CLOSE_CODES.storageUnavailable, reason: 'storage unavailable' }]);
    expect(room.text.toString()).toBe(before);
    expect(reader!.closes).toEqual([]);

    accepting = true;
    const [again] = joinAll(room, 'writer-again');
    room.receive(again!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'x'))));
    expect(again!.closes).toEqual([]);
    expect(room.text.toString()).toBe(`x${before}`);
  });

  it('while storage takes no more edits, readers still sync (an empty step 2) and share presence', () => {
    const room = newRoom({ acceptsEdits: () => false });
    const reader = clientOf(room);
    const socket = joinAs(room, 'reader', { presence: alice });
    room.receive(socket, step1Frame(reader));
    room.receive(socket!, step2Frame(reader, Y.encodeStateVector(room.doc)));
    room.receive(socket!, awarenessFrame(awarenessUpdate([[reader.clientID, 1, { user: alice }]])));
    expect(socket!.closes).toEqual([]);
    expect(room.presence()).toEqual([alice]);
  });
});
