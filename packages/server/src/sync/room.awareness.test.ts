import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CLOSE_CODES, MESSAGE_QUERY_AWARENESS } from '@pairwise/protocol';
import { AWARENESS_STATE_MAX } from './awareness-update.js';
import {
  alice,
  awarenessEntries,
  awarenessFrame,
  awarenessUpdate,
  bob,
  clientOf,
  joinAll,
  newRoom,
  setUpRoomTests,
} from './room.testkit.js';

/** Room: awareness relay, spoofing protection and the presence list. */

setUpRoomTests();

describe('Room', () => {
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

    it("a socket cannot overwrite another socket's client id; its own entries in the same update still apply", () => {
      const room = newRoom();
      const [a, b, c] = joinAll(room, 'a', 'b', 'c');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }]])));
      a!.take();
      c!.take();

      // b claims to be 11 with a much higher clock, and announces itself (22) in the same update.
      room.receive(
        b!,
        awarenessFrame(
          awarenessUpdate([
            [11, 99, { user: { name: 'Mallory', color: '#000000' } }],
            [22, 1, { user: bob }],
          ]),
        ),
      );

      expect(b!.closes).toEqual([]);
      expect(room.awareness.getStates().get(11)).toEqual({ user: alice });
      expect(room.awareness.getStates().get(22)).toEqual({ user: bob });
      expect(room.presence()).toEqual([alice, bob]);
      // The others hear about 22 only.
      expect(a!.sent).toHaveLength(1);
      expect(awarenessEntries(a!.sent[0]!)).toEqual(new Map([[22, { user: bob }]]));
      expect(awarenessEntries(c!.sent[0]!)).toEqual(new Map([[22, { user: bob }]]));
    });

    it("a socket cannot null (remove) another socket's client id", () => {
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

    it("leave() removes that socket's states for everyone (no ghost cursor), and frees its client id", () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(
        a!,
        awarenessFrame(
          awarenessUpdate([
            [11, 1, { user: alice }],
            [12, 1, { user: { name: 'Alice tab 2', color: '#ff0001' } }],
          ]),
        ),
      );
      room.receive(b!, awarenessFrame(awarenessUpdate([[22, 1, { user: bob }]])));
      b!.take();

      room.leave(a!);

      expect([...room.awareness.getStates().keys()]).toEqual([22]);
      expect(room.presence()).toEqual([bob]);
      expect(b!.sent).toHaveLength(1);
      expect(awarenessEntries(b!.sent[0]!)).toEqual(
        new Map([
          [11, null],
          [12, null],
        ]),
      );
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

    it('an oversized awareness state closes that socket (1007) and is relayed to nobody', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice, junk: 'x'.repeat(AWARENESS_STATE_MAX) }]])));
      expect(a!.closes.map((c) => c.code)).toEqual([CLOSE_CODES.invalidMessage]);
      expect(b!.sent).toEqual([]);
      expect(room.awareness.getStates().size).toBe(0);
      // A state just under the cap is fine.
      const [c] = joinAll(room, 'c');
      room.receive(c!, awarenessFrame(awarenessUpdate([[12, 1, { user: bob, note: 'x'.repeat(AWARENESS_STATE_MAX - 100) }]])));
      expect(c!.closes).toEqual([]);
      expect(room.presence()).toEqual([bob]);
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
      expect(awarenessEntries(a!.sent[0]!)).toEqual(
        new Map<number, unknown>([
          [11, { user: alice }],
          [22, { user: bob }],
        ]),
      );
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
});
