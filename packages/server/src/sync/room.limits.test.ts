import * as encoding from 'lib0/encoding';
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CLOSE_CODES, CODE_TEXT } from '@pairwise/protocol';
import {
  INITIAL_UPDATE,
  FakeSocket,
  clientOf,
  editOn,
  joinAll,
  joinAs,
  newRoom,
  sessionFor,
  setUpRoomTests,
  stateOf,
  step2UpdateFrame,
  stored,
  storedText,
  updateFrame,
} from './room.testkit.js';
import { DEFAULT_UNRESOLVED_LIMITS } from './unresolved-updates.js';

/** Room: connections per room (4429) and room size (4413: text length and stored bytes). */

setUpRoomTests();

const START = 'print("hi")\n';
const roomFull = (reason: string) => [{ code: CLOSE_CODES.roomFull, reason }];

describe('Room limits', () => {
  it('refuses a connection past maxConnections with 4429; a place freed is taken again', () => {
    const room = newRoom({ limits: { maxConnections: 2 } });
    const [a] = joinAll(room, 'a', 'b');
    const third = new FakeSocket('third');
    expect(room.join(third, sessionFor('third'))).toBe(false);
    expect(third.closes).toEqual([{ code: CLOSE_CODES.rateLimited, reason: 'too many connections in this room' }]);
    expect(third.sent).toEqual([]);
    expect(room.connectionCount).toBe(2);

    room.leave(a!);
    expect(room.join(new FakeSocket('fourth'), sessionFor('fourth'))).toBe(true);
  });

  describe('text length', () => {
    const limit = START.length + 20;

    it('an edit that would pass MAX_ROOM_TEXT_LENGTH is not applied and closes its sender with 4413; the room is untouched', () => {
      const room = newRoom({ limits: { maxTextLength: limit } });
      const [writer, other] = joinAll(room, 'writer', 'other');
      const before = stateOf(room);
      room.receive(writer!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'x'.repeat(21)))));
      expect(writer!.closes).toEqual(roomFull(`room text would exceed ${limit} characters`));
      expect(stateOf(room)).toEqual(before);
      expect(stored).toEqual([]);
      expect(other!.sent).toEqual([]);
      expect(other!.closes).toEqual([]);
      expect(room.connectionCount).toBe(1);
    });

    it('an edit up to the limit is applied', () => {
      const room = newRoom({ limits: { maxTextLength: limit } });
      const [writer] = joinAll(room, 'writer');
      room.receive(writer!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'x'.repeat(20)))));
      expect(writer!.closes).toEqual([]);
      expect(room.text.length).toBe(limit);
    });

    it('counts characters, not bytes: multi-byte text up to the limit is applied', () => {
      const room = newRoom({ limits: { maxTextLength: limit } });
      const [writer] = joinAll(room, 'writer');
      room.receive(writer!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'é'.repeat(20)))));
      expect(writer!.closes).toEqual([]);
      expect(room.text.length).toBe(limit);
    });

    it('a refused update leaves nothing waiting: its dependent part does not come in with its dependency later', () => {
      const room = newRoom({ limits: { maxTextLength: limit } });
      const [writer, other] = joinAll(room, 'writer', 'other');
      const client = clientOf(room, 4242);
      const small = editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'ok '));
      const huge = editOn(client, (d) => d.getText(CODE_TEXT).insert(3, 'y'.repeat(40)));
      room.receive(writer!, updateFrame(huge));
      expect(writer!.closes).toEqual(roomFull(`room text would exceed ${limit} characters`));
      expect(room.doc.store.pendingStructs).toBeNull();
      room.receive(other!, step2UpdateFrame(small));
      expect(room.text.toString()).toBe(`ok ${START}`);
    });

    it('an update waiting for its dependency keeps its place: what came meanwhile cannot take it, so the room never passes the limit', () => {
      // Regression: the waiting part was counted only on arrival and applied later unchecked.
      const room = newRoom({ limits: { maxTextLength: limit } });
      const [writer, other] = joinAll(room, 'writer', 'other');
      const client = clientOf(room, 4242);
      const small = editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'ok '));
      const dependent = editOn(client, (d) => d.getText(CODE_TEXT).insert(3, 'y'.repeat(15)));
      room.receive(writer!, updateFrame(dependent));
      expect(writer!.closes).toEqual([]);

      room.receive(other!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'z'.repeat(15)))));
      expect(other!.closes).toEqual(roomFull(`room text would exceed ${limit} characters`));

      room.receive(writer!, step2UpdateFrame(small));
      expect(writer!.closes).toEqual([]);
      expect(room.text.toString()).toBe(`ok ${'y'.repeat(15)}${START}`);
      expect(storedText()).toBe(room.text.toString());
    });

    it('a waiting update counts once when its client sends it again with what it depends on (sync step 2 after typing)', () => {
      const room = newRoom({ limits: { maxTextLength: limit } });
      const [writer] = joinAll(room, 'writer');
      const client = clientOf(room, 4242);
      const server = Y.encodeStateVector(room.doc);
      editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'o'.repeat(10)));
      const typing = editOn(client, (d) => d.getText(CODE_TEXT).insert(10, 't'.repeat(10)));
      room.receive(writer!, updateFrame(typing));
      room.receive(writer!, step2UpdateFrame(Y.encodeStateAsUpdate(client, server)));
      expect(writer!.closes).toEqual([]);
      expect(room.text.length).toBe(limit);
    });

    it('a waiting update that never resolves gives its place back when its socket is closed', () => {
      vi.useFakeTimers();
      const room = newRoom({ limits: { maxTextLength: limit } });
      const [writer, other] = joinAll(room, 'writer', 'other');
      const client = clientOf(room, 4242);
      editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'never sent '));
      room.receive(writer!, updateFrame(editOn(client, (d) => d.getText(CODE_TEXT).insert(11, 'y'.repeat(15)))));
      vi.advanceTimersByTime(DEFAULT_UNRESOLVED_LIMITS.maxWaitMs);
      expect(writer!.closes.map(({ code }) => code)).toEqual([CLOSE_CODES.invalidMessage]);

      room.receive(other!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'z'.repeat(20)))));
      expect(other!.closes).toEqual([]);
      expect(room.text.length).toBe(limit);
    });

    it('a replace counts what it deletes: a full room takes a replace of the same length, not a longer one', () => {
      const room = newRoom({ limits: { maxTextLength: START.length } });
      const [writer, other] = joinAll(room, 'writer', 'other');
      room.receive(writer!, updateFrame(replaceStart(clientOf(room), 5, 'PRINT')));
      expect(writer!.closes).toEqual([]);
      expect(room.text.toString()).toBe('PRINT("hi")\n');

      room.receive(other!, updateFrame(replaceStart(clientOf(room), 5, 'PRINTS')));
      expect(other!.closes).toEqual(roomFull(`room text would exceed ${START.length} characters`));
      expect(room.text.toString()).toBe('PRINT("hi")\n');
    });

    it('a replace gets no credit for text deleted already, nor for naming the same deletion twice', () => {
      const room = newRoom({ limits: { maxTextLength: START.length } });
      const [writer, stale, twice] = joinAll(room, 'writer', 'stale', 'twice');
      const staleClient = clientOf(room);
      room.receive(writer!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).delete(0, 5))));
      room.receive(stale!, updateFrame(replaceStart(staleClient, 5, 'SHOW!!')));
      expect(stale!.closes).toEqual(roomFull(`room text would exceed ${START.length} characters`));

      // 7 characters left; 9 inserted and 3 deleted would make 13, but 3 deleted twice would make 10.
      const insert = editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'a'.repeat(9)));
      const visible = room.text._start!.right!.id;
      room.receive(
        twice!,
        updateFrame(
          withDeletions(insert, visible.client, [
            [visible.clock, 3],
            [visible.clock, 3],
          ]),
        ),
      );
      expect(twice!.closes).toEqual(roomFull(`room text would exceed ${START.length} characters`));
      expect(room.text.toString()).toBe('("hi")\n');
    });

    it('a full room can always be made smaller: deletions pass', () => {
      const room = newRoom({ limits: { maxTextLength: START.length } });
      const [writer] = joinAll(room, 'writer');
      const client = clientOf(room);
      room.receive(writer!, updateFrame(editOn(client, (d) => d.getText(CODE_TEXT).delete(0, 6))));
      expect(writer!.closes).toEqual([]);
      expect(room.text.toString()).toBe('"hi")\n');
    });
  });

  describe('stored bytes', () => {
    it('counts what was loaded plus what is stored, and refuses an edit past MAX_ROOM_BYTES with 4413', () => {
      const maxBytes = INITIAL_UPDATE.byteLength + 200;
      const room = newRoom({ limits: { maxBytes } });
      expect(room.size.bytes).toBe(INITIAL_UPDATE.byteLength);
      const [writer, other] = joinAll(room, 'writer', 'other');
      const client = clientOf(room);
      const fits = editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'a'.repeat(100)));
      room.receive(writer!, updateFrame(fits));
      expect(writer!.closes).toEqual([]);
      expect(room.size.bytes).toBe(INITIAL_UPDATE.byteLength + stored[0]!.byteLength);

      const before = stateOf(room);
      room.receive(other!, updateFrame(editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'b'.repeat(100)))));
      expect(other!.closes).toEqual(roomFull(`room would exceed ${maxBytes} bytes`));
      expect(stateOf(room)).toEqual(before);
      expect(stored).toHaveLength(1);
    });

    it('an update waiting for its dependency keeps its bytes: what came meanwhile cannot take them', () => {
      const maxBytes = INITIAL_UPDATE.byteLength + 200;
      const room = newRoom({ limits: { maxBytes } });
      const [writer, other] = joinAll(room, 'writer', 'other');
      const client = clientOf(room, 4242);
      const small = editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'ok '));
      room.receive(writer!, updateFrame(editOn(client, (d) => d.getText(CODE_TEXT).insert(3, 'y'.repeat(100)))));
      room.receive(other!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'z'.repeat(100)))));
      expect(other!.closes).toEqual(roomFull(`room would exceed ${maxBytes} bytes`));

      room.receive(writer!, step2UpdateFrame(small));
      expect(writer!.closes).toEqual([]);
      expect(room.size.bytes).toBeLessThanOrEqual(maxBytes);
    });

    it('a compaction replaces what it covered with the size of its snapshot, so deleted text stops counting', () => {
      const maxBytes = INITIAL_UPDATE.byteLength + 250;
      const room = newRoom({ limits: { maxBytes } });
      const [writer] = joinAll(room, 'writer');
      const client = clientOf(room);
      room.receive(writer!, updateFrame(editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'a'.repeat(150)))));
      room.receive(writer!, updateFrame(editOn(client, (d) => d.getText(CODE_TEXT).delete(0, 150))));
      const next = editOn(client, (d) => d.getText(CODE_TEXT).insert(0, 'b'.repeat(100)));
      expect(room.size.refusal(next, room.doc, room.text)).toBe(`room would exceed ${maxBytes} bytes`);

      room.size.compactionStarted();
      const afterStart = joinAs(room, 'late');
      room.receive(afterStart, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'c'))));
      expect(afterStart.closes).toEqual([]);
      const storedSinceStart = stored.at(-1)!.byteLength;
      const snapshot = Y.encodeStateAsUpdate(room.doc).byteLength - storedSinceStart;
      room.size.compacted(snapshot);
      expect(room.size.bytes).toBe(snapshot + storedSinceStart);
      room.receive(writer!, updateFrame(next));
      expect(writer!.closes).toEqual([]);
      expect(room.text.length).toBe(101 + START.length);
    });
  });
});

/** The update replacing the first `length` characters of `doc`'s text with `by`, in one transaction (a paste over a selection). */
function replaceStart(doc: Y.Doc, length: number, by: string): Uint8Array {
  return editOn(doc, (d) => {
    d.getText(CODE_TEXT).delete(0, length);
    d.getText(CODE_TEXT).insert(0, by);
  });
}

/** `update` (which deletes nothing) with a delete set naming `ranges` of `client`, as given: duplicates are kept. */
function withDeletions(update: Uint8Array, client: number, ranges: readonly [clock: number, length: number][]): Uint8Array {
  const e = encoding.createEncoder();
  // A v1 update ends with its delete set; an empty one is the single byte 0.
  encoding.writeUint8Array(e, update.subarray(0, update.byteLength - 1));
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, ranges.length);
  for (const [clock, length] of ranges) {
    encoding.writeVarUint(e, clock);
    encoding.writeVarUint(e, length);
  }
  return encoding.toUint8Array(e);
}
