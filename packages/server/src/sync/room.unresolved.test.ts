import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CLOSE_CODES, CODE_TEXT } from '@pairwise/protocol';
import {
  clientOf,
  deliver,
  docs,
  editOn,
  joinAll,
  newRoom,
  protocolErrors,
  setUpRoomTests,
  stateOf,
  step1Frame,
  stored,
  storedText,
  step2UpdateFrame,
  updateFrame,
} from './room.testkit.js';

/**
 * Room: updates that depend on changes the room does not have yet wait for them, per socket.
 * Regression: the room closed a socket (1007) as soon as an update had missing dependencies. A
 * client reconnecting with offline edits while its user kept typing sends that typing before its
 * sync step 2 (which carries what the typing depends on): it was cut off, reconnected, and could hit
 * the same race again.
 */

setUpRoomTests();

/** A client whose offline edit (not yet sent) is followed by typing that depends on it. */
function offlineThenTyping(room: ReturnType<typeof newRoom>) {
  const client = clientOf(room, 4242);
  const offline = editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'offline '));
  const typing = editOn(client, (d) => d.getText(CODE_TEXT).insert(8, 'typed '));
  return { client, offline, typing };
}

describe('Room updates waiting for their dependencies', () => {
  it('typing sent before the sync step 2 it depends on waits, then both are applied, relayed and stored; the socket stays open', () => {
    const room = newRoom();
    const [a, b] = joinAll(room, 'a', 'b');
    const atB = clientOf(room);
    const { offline, typing } = offlineThenTyping(room);

    room.receive(a!, updateFrame(typing));
    expect(a!.closes).toEqual([]);
    expect(room.text.toString()).toBe('print("hi")\n');
    expect(stored).toEqual([]);
    expect(b!.sent).toEqual([]);

    room.receive(a!, step2UpdateFrame(offline));

    expect(a!.closes).toEqual([]);
    expect(room.text.toString()).toBe('offline typed print("hi")\n');
    expect(storedText()).toBe('offline typed print("hi")\n');
    deliver(b!, atB);
    expect(atB.getText(CODE_TEXT).toString()).toBe('offline typed print("hi")\n');
    expect(a!.sent).toEqual([]);
    expect(room.doc.store.pendingStructs).toBeNull();
    expect(protocolErrors).toEqual([]);
  });

  it('waiting parts are never served to a joining client nor stored while they wait', () => {
    const room = newRoom();
    const [a] = joinAll(room, 'a');
    const before = stateOf(room);
    room.receive(a!, updateFrame(offlineThenTyping(room).typing));
    const [late] = joinAll(room, 'late');
    const fresh = new Y.Doc();
    docs.push(fresh);
    room.receive(late!, step1Frame(fresh));
    expect(stateOf(room)).toEqual(before);
    expect(stored).toEqual([]);
  });

  it('a delete of text the client has not sent yet waits for it too', () => {
    const room = newRoom();
    const [a] = joinAll(room, 'a');
    const client = clientOf(room, 77);
    const offline = editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'oops '));
    const undo = editOn(client, (d) => d.getText(CODE_TEXT).delete(0, 5));
    room.receive(a!, updateFrame(undo));
    room.receive(a!, step2UpdateFrame(offline));
    expect(a!.closes).toEqual([]);
    expect(room.text.toString()).toBe('print("hi")\n');
    expect(room.doc.store.pendingDs).toBeNull();
  });

  it('a dependency arriving from another socket releases the waiting part, relayed to that other socket too', () => {
    const room = newRoom();
    const [a, b] = joinAll(room, 'a', 'b');
    const atB = clientOf(room);
    const { offline, typing } = offlineThenTyping(room);
    room.receive(a!, updateFrame(typing));
    Y.applyUpdate(atB, offline); // b holds the offline edit (e.g. relayed to it some other way) and sends it
    room.receive(b!, updateFrame(offline));
    expect(room.text.toString()).toBe('offline typed print("hi")\n');
    expect(storedText()).toBe('offline typed print("hi")\n');
    deliver(b!, atB);
    expect(atB.getText(CODE_TEXT).toString()).toBe('offline typed print("hi")\n');
    expect(a!.closes).toEqual([]);
    expect(b!.closes).toEqual([]);
  });

  it('a socket whose update stays unresolvable past the time bound is closed (1007) and nothing of it is kept', () => {
    vi.useFakeTimers();
    const room = newRoom({ maxWaitMs: 1_000 });
    const [a, b] = joinAll(room, 'a', 'b');
    const before = stateOf(room);
    room.receive(a!, updateFrame(offlineThenTyping(room).typing));

    vi.advanceTimersByTime(999);
    expect(a!.closes).toEqual([]);
    vi.advanceTimersByTime(1);

    expect(a!.closes).toEqual([{ code: CLOSE_CODES.invalidMessage, reason: expect.any(String) }]);
    expect(b!.closes).toEqual([]);
    expect(room.connectionCount).toBe(1);
    expect(stateOf(room)).toEqual(before);
    expect(stored).toEqual([]);
  });

  it('a socket holding more waiting bytes than the bound is closed (1007) at once', () => {
    const room = newRoom({ maxBytes: 64 });
    const [a] = joinAll(room, 'a');
    const client = clientOf(room);
    editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'never sent'));
    room.receive(a!, updateFrame(editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'x'.repeat(100)))));
    expect(a!.closes).toEqual([{ code: CLOSE_CODES.invalidMessage, reason: expect.any(String) }]);
  });

  it('leaving, closing and destroying leave no timer behind', () => {
    vi.useFakeTimers();
    const room = newRoom();
    const timersBefore = vi.getTimerCount();
    const [a, b] = joinAll(room, 'a', 'b');
    room.receive(a!, updateFrame(offlineThenTyping(room).typing));
    room.receive(b!, updateFrame(offlineThenTyping(room).typing));
    expect(vi.getTimerCount()).toBe(timersBefore + 2);
    room.leave(a!);
    expect(vi.getTimerCount()).toBe(timersBefore + 1);
    room.destroy();
    expect(vi.getTimerCount()).toBe(0);
  });
});
