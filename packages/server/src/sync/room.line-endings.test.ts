import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { clientOf, deliver, docs, editOn, joinAll, newRoom, setUpRoomTests, stored, storedText, updateFrame } from './room.testkit.js';

/**
 * Room: the code text stays LF-only whatever line endings clients send.
 * Regression: a stock client inserting `one\r\ntwo\r\n` left the `\r`s in the shared Y.Text; Monaco
 * (y-monaco) normalises its model to LF, so every offset after a `\r` differed between the browser
 * and the document: text typed at the end landed inside an earlier word on the server, forever.
 */

setUpRoomTests();

/** A client at the room's state inserts `text` at `index`; the room receives it from `socket`. */
function insertFrom(room: ReturnType<typeof newRoom>, index: number, text: string, clientId?: number) {
  const client = clientOf(room, clientId);
  const update = editOn(client, (d) => d.getText(CODE_TEXT).insert(index, text));
  return { client, update };
}

describe('Room line endings', () => {
  it('CRLF from a client becomes LF in the same update, which goes to every socket including the sender', () => {
    const room = newRoom();
    const [a, b] = joinAll(room, 'a', 'b');
    const { client, update } = insertFrom(room, 0, 'one\r\ntwo\r\nthree\r\n');

    room.receive(a!, updateFrame(update));

    expect(room.text.toString()).toBe('one\ntwo\nthree\nprint("hi")\n');
    // One update holds the client's insert and the fix: browsers never see a `\r` in a delta.
    expect(stored).toHaveLength(1);
    expect(a!.sent).toHaveLength(1);
    expect(b!.sent[0]).toBe(a!.sent[0]);
    expect(a!.closes).toEqual([]);
    // The sender, which holds the `\r`s, ends with the same text as everyone.
    deliver(a!, client);
    expect(client.getText(CODE_TEXT).toString()).toBe(room.text.toString());
    expect(storedText()).toBe(room.text.toString());
  });

  it('a lone CR becomes LF; CR CR LF becomes two line breaks; UTF-16 offsets after emoji and combining marks hold', () => {
    const room = newRoom();
    const [a] = joinAll(room, 'a');
    const serverClientId = room.doc.clientID;
    room.receive(a!, updateFrame(insertFrom(room, 0, '😀a\rb\r\r\ne\u0301\r').update));
    expect(room.text.toString()).toBe('😀a\nb\n\ne\u0301\nprint("hi")\n');
    expect(storedText()).toBe(room.text.toString());
    // The server's own LF inserts keep its client id (Yjs changes it when a remote transaction writes under it).
    expect(room.doc.clientID).toBe(serverClientId);
  });

  it('a CR ending an insert right before an existing LF is removed (they form CRLF)', () => {
    const room = newRoom();
    const [a] = joinAll(room, 'a');
    const before = room.text.length - 1; // before the final '\n'
    room.receive(a!, updateFrame(insertFrom(room, before, ' # note\r').update));
    expect(room.text.toString()).toBe('print("hi") # note\n');
  });

  it('a CR in an update applied later (it waited for its dependencies) is normalised too', () => {
    const room = newRoom();
    const [a] = joinAll(room, 'a');
    const client = clientOf(room);
    const first = editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'x'));
    const second = editOn(client, (d) => d.getText(CODE_TEXT).insert(1, '\r\n'));
    room.receive(a!, updateFrame(second));
    room.receive(a!, updateFrame(first));
    expect(room.text.toString()).toBe('x\nprint("hi")\n');
    expect(storedText()).toBe('x\nprint("hi")\n');
  });

  // Regression (found by the convergence test): Yjs moves its index shortcuts (search markers) only
  // for local edits and resets them after a remote transaction; rewriting by index in the same
  // transaction as a remote update followed stale shortcuts and deleted the wrong characters.
  it('CRs after text another client inserted earlier in the same update are rewritten at the right offsets', () => {
    const room = newRoom();
    const [a, b] = joinAll(room, 'a', 'b');
    const lines = Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n');
    room.receive(a!, updateFrame(insertFrom(room, 0, lines).update));
    room.receive(a!, updateFrame(insertFrom(room, 300, '\r\n').update)); // the server now holds shortcuts near 300
    const expected = room.text.toString();
    const client = clientOf(room);
    const update = editOn(client, (d) => {
      d.getText(CODE_TEXT).insert(0, 'x'.repeat(50));
      d.getText(CODE_TEXT).insert(400, 'y\rz');
    });
    room.receive(b!, updateFrame(update));
    expect(room.text.toString()).toBe(`${'x'.repeat(50)}${expected.slice(0, 350)}y\nz${expected.slice(350)}`);
  });

  it('an update without CR whose bytes hold 0x0D (client id 13) changes nothing else and is not echoed', () => {
    const room = newRoom();
    const [a, b] = joinAll(room, 'a', 'b');
    const { update } = insertFrom(room, 0, 'plain', 13);
    expect(update.includes(0x0d)).toBe(true);
    room.receive(a!, updateFrame(update));
    expect(room.text.toString()).toBe('plainprint("hi")\n');
    expect(a!.sent).toEqual([]);
    expect(b!.sent).toHaveLength(1);
  });

  it('a room whose stored text holds CRs (stored before this fix) is normalised on load, and the fix is stored', () => {
    const legacy = new Y.Doc();
    docs.push(legacy);
    legacy.getText(CODE_TEXT).insert(0, 'a\r\nb\rc\r\n');
    const storedUpdates = [Y.encodeStateAsUpdate(legacy)];

    const room = newRoom({ storedUpdates });

    expect(room.text.toString()).toBe('a\nb\nc\n');
    expect(stored).toHaveLength(1);
    expect(storedText(storedUpdates)).toBe('a\nb\nc\n');
    // A joining client syncs to the normalised text.
    const [late] = joinAll(room, 'late');
    expect(late!.closes).toEqual([]);
    expect(clientOf(room).getText(CODE_TEXT).toString()).toBe('a\nb\nc\n');
  });

  it('a room stored with LF only is loaded without any change to store', () => {
    const room = newRoom();
    expect(stored).toEqual([]);
    expect(room.text.toString()).toBe('print("hi")\n');
  });
});
