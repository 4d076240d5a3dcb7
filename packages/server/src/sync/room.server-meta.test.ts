import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT, META_KEYS, META_MAP } from '@pairwise/protocol';
import {
  INITIAL_UPDATE,
  clientOf,
  deliver,
  editOn,
  joinAs,
  metaChanges,
  newRoom,
  setUpRoomTests,
  stored,
  updateFrame,
} from './room.testkit.js';

/**
 * Room: keys of the `meta` map only the server writes (SERVER_ONLY_META_KEYS: the owner's suggestions
 * switch). A client update touching one, from any role, is undone in the same transaction.
 */

setUpRoomTests();

const meta = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>(META_MAP);

/** What storage holds, replayed into a fresh document. */
function storedDoc(): Y.Doc {
  const doc = new Y.Doc();
  for (const update of [INITIAL_UPDATE, ...stored]) Y.applyUpdate(doc, update);
  return doc;
}

describe('Room server-only meta keys', () => {
  it('the server sets aiCompletions (changeMeta): stored and broadcast like any change', () => {
    const room = newRoom();
    const watcher = joinAs(room, 'watcher');
    const atWatcher = clientOf(room);
    room.changeMeta({ aiCompletions: false });
    expect(room.meta().aiCompletions).toBe(false);
    deliver(watcher, atWatcher);
    expect(meta(atWatcher).get(META_KEYS.aiCompletions)).toBe(false);
    expect(meta(storedDoc()).get(META_KEYS.aiCompletions)).toBe(false);
    expect(metaChanges).toEqual([]);
  });

  for (const role of ['editor', 'owner'] as const) {
    it(`an ${role}'s raw update flipping it is undone in the same transaction; everyone converges on the server's value`, () => {
      const room = newRoom();
      room.changeMeta({ aiCompletions: false });
      const sender = joinAs(room, 'sender', { role });
      const watcher = joinAs(room, 'watcher');
      const atSender = clientOf(room);
      const atWatcher = clientOf(room);
      const storedBefore = stored.length;

      const flip = editOn(atSender, (d) => meta(d).set(META_KEYS.aiCompletions, true));
      room.receive(sender, updateFrame(flip));

      expect(room.meta().aiCompletions).toBe(false);
      expect(sender.closes).toEqual([]);
      // One relayed update with the net effect, to the sender too (it holds the flip).
      expect(watcher.sent).toHaveLength(1);
      expect(sender.sent).toHaveLength(1);
      deliver(watcher, atWatcher);
      deliver(sender, atSender);
      expect(meta(atWatcher).get(META_KEYS.aiCompletions)).toBe(false);
      expect(meta(atSender).get(META_KEYS.aiCompletions)).toBe(false);
      expect(stored.length - storedBefore).toBe(1);
      expect(meta(storedDoc()).get(META_KEYS.aiCompletions)).toBe(false);
    });
  }

  it('deleting it is undone; setting it where the server never did is deleted again', () => {
    const room = newRoom();
    const editor = joinAs(room, 'editor');
    const client = clientOf(room);
    room.receive(editor, updateFrame(editOn(client, (d) => meta(d).set(META_KEYS.aiCompletions, false))));
    expect(meta(room.doc).has(META_KEYS.aiCompletions)).toBe(false);

    room.changeMeta({ aiCompletions: true });
    deliver(editor, client);
    room.receive(editor, updateFrame(editOn(client, (d) => meta(d).delete(META_KEYS.aiCompletions))));
    expect(meta(room.doc).get(META_KEYS.aiCompletions)).toBe(true);
  });

  it('the rest of the same update stands: an editor still renames the room and types', () => {
    const room = newRoom();
    room.changeMeta({ aiCompletions: true });
    const editor = joinAs(room, 'editor');
    const client = clientOf(room);
    const mixed = editOn(client, (d) => {
      meta(d).set(META_KEYS.aiCompletions, false);
      meta(d).set(META_KEYS.name, 'Renamed by the editor');
      d.getText(CODE_TEXT).insert(0, '# hi\n');
    });
    room.receive(editor, updateFrame(mixed));
    expect(room.meta()).toEqual({ name: 'Renamed by the editor', language: 'python', aiCompletions: true });
    expect(room.text.toString()).toBe('# hi\nprint("hi")\n');
    expect(metaChanges.at(-1)).toMatchObject({ name: 'Renamed by the editor' });
  });

  it('a value loaded from storage is the one held', () => {
    const seeded = new Y.Doc();
    Y.applyUpdate(seeded, INITIAL_UPDATE);
    meta(seeded).set(META_KEYS.aiCompletions, false);
    const room = newRoom({ storedUpdates: [Y.encodeStateAsUpdate(seeded)] });
    seeded.destroy();
    const editor = joinAs(room, 'editor');
    room.receive(editor, updateFrame(editOn(clientOf(room), (d) => meta(d).set(META_KEYS.aiCompletions, true))));
    expect(room.meta().aiCompletions).toBe(false);
  });

  it("rooms that never set a key share no held values: one room's setting is not another's", () => {
    // Rooms with no server-only key share one empty value set (issue 9: room memory); a write must
    // replace it, never change it in place.
    const setting = newRoom();
    const other = newRoom();
    setting.changeMeta({ runCode: false });
    const editor = joinAs(other, 'editor');
    other.receive(editor, updateFrame(editOn(clientOf(other), (d) => meta(d).set(META_KEYS.runCode, true))));
    expect(meta(other.doc).has(META_KEYS.runCode)).toBe(false);
    expect(other.meta().runCode).toBeUndefined();

    const third = newRoom();
    const thirdEditor = joinAs(third, 'editor');
    third.receive(thirdEditor, updateFrame(editOn(clientOf(third), (d) => meta(d).set(META_KEYS.runCode, false))));
    expect(meta(third.doc).has(META_KEYS.runCode)).toBe(false);
    expect(setting.meta().runCode).toBe(false);
  });
});
