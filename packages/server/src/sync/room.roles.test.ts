import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import {
  alice,
  awarenessEntries,
  awarenessFrame,
  awarenessUpdate,
  clientOf,
  deliver,
  editOn,
  ignoredFrames,
  joinAs,
  newRoom,
  parseFrame,
  setUpRoomTests,
  stateOf,
  step1Frame,
  step2Frame,
  step2UpdateFrame,
  stored,
  updateFrame,
} from './room.testkit.js';

/** Room: what each role may send (role matrix), per connection, and role changes on an open socket. */

setUpRoomTests();

const START = 'print("hi")\n';

describe('Room roles', () => {
  describe('a viewer', () => {
    it('sending an update changes nothing: not applied, relayed or stored; it stays connected and the frame is counted', () => {
      const room = newRoom();
      const viewer = joinAs(room, 'viewer', { role: 'viewer' });
      const editor = joinAs(room, 'editor');
      const before = stateOf(room);

      room.receive(viewer, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'vandalism '))));

      expect(stateOf(room)).toEqual(before);
      expect(stored).toEqual([]);
      expect(editor.sent).toEqual([]);
      expect(viewer.sent).toEqual([]);
      expect(viewer.closes).toEqual([]);
      expect(room.connectionCount).toBe(2);
      expect(ignoredFrames).toEqual([{ name: 'viewer', message: 'update', count: 1 }]);
    });

    it('a sync step 2, even one carrying offline edits, is ignored too', () => {
      const room = newRoom();
      const viewer = joinAs(room, 'viewer', { role: 'viewer' });
      const offline = clientOf(room);
      offline.getText(CODE_TEXT).insert(0, 'typed while offline ');
      const before = stateOf(room);

      room.receive(viewer, step2Frame(offline, Y.encodeStateVector(room.doc)));
      room.receive(viewer, step2UpdateFrame(Y.encodeStateAsUpdate(offline)));

      expect(stateOf(room)).toEqual(before);
      expect(room.text.toString()).toBe(START);
      expect(stored).toEqual([]);
      expect(viewer.closes).toEqual([]);
      expect(ignoredFrames.map((f) => [f.message, f.count])).toEqual([
        ['syncStep2', 1],
        ['syncStep2', 2],
      ]);
    });

    it('is answered on sync step 1, and receives the edits of others', () => {
      const room = newRoom();
      const viewer = joinAs(room, 'viewer', { role: 'viewer' });
      const editor = joinAs(room, 'editor');
      const atViewer = new Y.Doc();
      room.receive(viewer, step1Frame(atViewer));
      expect(viewer.sent.map((f) => parseFrame(f).kind)).toEqual(['step2']);
      deliver(viewer, atViewer);
      expect(atViewer.getText(CODE_TEXT).toString()).toBe(START);

      room.receive(editor, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, '# by the editor\n'))));
      deliver(viewer, atViewer);
      expect(atViewer.getText(CODE_TEXT).toString()).toBe(`# by the editor\n${START}`);
      atViewer.destroy();
    });

    it('shares its cursor: awareness is allowed', () => {
      const room = newRoom();
      const viewer = joinAs(room, 'viewer', { role: 'viewer', presence: alice });
      const editor = joinAs(room, 'editor');
      room.receive(viewer, awarenessFrame(awarenessUpdate([[31, 1, { cursor: 4 }]])));
      expect(awarenessEntries(editor.sent[0]!)).toEqual(new Map([[31, { cursor: 4, user: { ...alice, guest: true } }]]));
      expect(room.presence()).toEqual([alice]);
      expect(ignoredFrames).toEqual([]);
    });
  });

  it("roles belong to the connection: a viewer in the room does not stop an editor's edits", () => {
    const room = newRoom();
    joinAs(room, 'viewer', { role: 'viewer' });
    const editor = joinAs(room, 'editor');
    const owner = joinAs(room, 'owner', { role: 'owner' });
    room.receive(editor, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'e '))));
    room.receive(owner, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'o '))));
    expect(room.text.toString()).toBe(`o e ${START}`);
    expect(stored).toHaveLength(2);
  });

  describe('changeRole', () => {
    it('editor to viewer: the next edits of the open socket are ignored', () => {
      const room = newRoom();
      const socket = joinAs(room, 'someone');
      const client = clientOf(room);
      room.receive(socket, updateFrame(editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'allowed '))));
      room.changeRole(socket, 'viewer');
      room.receive(socket, updateFrame(editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'refused '))));
      expect(room.text.toString()).toBe(`allowed ${START}`);
      expect(socket.closes).toEqual([]);
      expect(room.connections()[0]![1].role).toBe('viewer');
    });

    it('editor to viewer drops the updates it left waiting for their dependencies', () => {
      const room = newRoom();
      const socket = joinAs(room, 'someone');
      const client = clientOf(room, 4242);
      const offline = editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'offline '));
      const typing = editOn(client, (d) => d.getText(CODE_TEXT).insert(8, 'typed '));
      room.receive(socket, updateFrame(typing));
      room.changeRole(socket, 'viewer');
      // The dependency arrives from another editor: the waiting part must not come in with it.
      const other = joinAs(room, 'other');
      room.receive(other, step2UpdateFrame(offline));
      expect(room.text.toString()).toBe(`offline ${START}`);
    });

    it('viewer to editor: the socket is asked for what it holds (sync step 1), and its edits now apply', () => {
      const room = newRoom();
      const socket = joinAs(room, 'someone', { role: 'viewer' });
      const client = clientOf(room);
      room.receive(socket, updateFrame(editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'kept locally '))));
      expect(room.text.toString()).toBe(START);

      room.changeRole(socket, 'editor');
      expect(socket.take().map((f) => parseFrame(f).kind)).toEqual(['step1']);
      // What a stock client answers: everything the room lacks.
      room.receive(socket, step2Frame(client, Y.encodeStateVector(room.doc)));
      room.receive(socket, updateFrame(editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'new '))));
      expect(room.text.toString()).toBe(`new kept locally ${START}`);
      expect(socket.closes).toEqual([]);
    });

    it('a socket that left is not affected', () => {
      const room = newRoom();
      const socket = joinAs(room, 'gone');
      room.leave(socket);
      room.changeRole(socket, 'viewer');
      expect(room.connections()).toEqual([]);
      expect(socket.sent).toEqual([]);
    });
  });
});
