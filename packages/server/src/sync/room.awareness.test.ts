import { describe, expect, it, vi } from 'vitest';
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
  joinAs,
  newRoom,
  setUpRoomTests,
} from './room.testkit.js';

/** Room: awareness relay, presence from sessions, client-id ownership and reservations. */

setUpRoomTests();

/** What others see of a guest session showing `user`. */
const asGuest = (user: { name: string; color: string }) => ({ ...user, guest: true });
const adaAccount = { kind: 'user', userId: 'u-ada', username: 'ada', sessionId: 's-1' } as const;

describe('Room', () => {
  describe('awareness', () => {
    it('a socket announces its own client id; the others receive it with the user of its session', () => {
      const room = newRoom();
      const a = joinAs(room, 'a', { presence: alice });
      const b = joinAs(room, 'b');
      const client = clientOf(room, 11);
      const awareness = new awarenessProtocol.Awareness(client);
      awareness.setLocalState({ user: { name: 'Whatever I typed', color: '#123456' }, cursor: { anchor: 3 } });
      room.receive(a, awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, [11])));
      awareness.destroy();

      expect(a.sent).toEqual([]);
      expect(b.sent).toHaveLength(1);
      expect(awarenessEntries(b.sent[0]!)).toEqual(new Map([[11, { user: asGuest(alice), cursor: { anchor: 3 } }]]));
      expect(room.presence()).toEqual([alice]);
    });

    it("nobody can claim another's name: a guest claiming a signed-in user's name shows as itself, marked guest", () => {
      const room = newRoom();
      const ada = joinAs(room, 'ada', { presence: { name: 'Ada', color: '#ff0000' }, principal: adaAccount });
      const mallory = joinAs(room, 'mallory', { presence: { name: 'Mallory', color: '#000000' } });
      room.receive(ada, awarenessFrame(awarenessUpdate([[11, 1, {}]])));
      room.receive(mallory, awarenessFrame(awarenessUpdate([[22, 1, { user: { name: 'Ada', color: '#ff0000', guest: false } }]])));
      expect(room.awareness.getStates().get(11)).toEqual({ user: { name: 'Ada', color: '#ff0000', guest: false } });
      expect(room.awareness.getStates().get(22)).toEqual({ user: { name: 'Mallory', color: '#000000', guest: true } });
    });

    it('relays only the entries y-protocols applied: a stale clock in the same frame is not passed on', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 5, { cursor: { anchor: 1 } }]])));
      room.receive(
        a!,
        awarenessFrame(
          awarenessUpdate([
            [11, 4, { cursor: { anchor: 2 } }],
            [12, 1, { cursor: { anchor: 3 } }],
          ]),
        ),
      );
      expect(b!.sent).toHaveLength(2);
      expect(awarenessEntries(b!.sent[1]!)).toEqual(new Map([[12, { user: expect.anything(), cursor: { anchor: 3 } }]]));
      expect(room.awareness.getStates().get(11)).toMatchObject({ cursor: { anchor: 1 } });
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
      const a = joinAs(room, 'a', { presence: alice });
      const b = joinAs(room, 'b', { presence: bob });
      const c = joinAs(room, 'c');
      room.receive(a, awarenessFrame(awarenessUpdate([[11, 1, { cursor: 1 }]])));
      a.take();
      c.take();

      // b claims to be 11 with a much higher clock, and announces itself (22) in the same update.
      room.receive(
        b,
        awarenessFrame(
          awarenessUpdate([
            [11, 99, { cursor: 666 }],
            [22, 1, { cursor: 2 }],
          ]),
        ),
      );

      expect(b.closes).toEqual([]);
      expect(room.awareness.getStates().get(11)).toEqual({ cursor: 1, user: asGuest(alice) });
      expect(room.awareness.getStates().get(22)).toEqual({ cursor: 2, user: asGuest(bob) });
      expect(room.presence()).toEqual([alice, bob]);
      // The others hear about 22 only.
      expect(a.sent).toHaveLength(1);
      expect(awarenessEntries(a.sent[0]!)).toEqual(new Map([[22, { cursor: 2, user: asGuest(bob) }]]));
      expect(awarenessEntries(c.sent[0]!)).toEqual(new Map([[22, { cursor: 2, user: asGuest(bob) }]]));
    });

    it("a socket cannot null (remove) another socket's client id", () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, {}]])));
      a!.take();
      room.receive(b!, awarenessFrame(awarenessUpdate([[11, 50, null]])));
      expect(room.awareness.getStates().has(11)).toBe(true);
      expect(a!.sent).toEqual([]);
      expect(b!.closes).toEqual([]);
    });

    it('an update that is entirely spoofed changes nothing and is not broadcast', () => {
      const room = newRoom();
      const [a, b, c] = joinAll(room, 'a', 'b', 'c');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, {}]])));
      c!.take();
      room.receive(b!, awarenessFrame(awarenessUpdate([[11, 7, { cursor: 5 }]])));
      expect(c!.sent).toEqual([]);
      expect(room.awareness.getStates().get(11)).toEqual({ user: asGuest({ name: 'a', color: '#000000' }) });
    });

    it('a socket may update and remove its own state', () => {
      const room = newRoom();
      const a = joinAs(room, 'a', { presence: alice });
      const b = joinAs(room, 'b');
      room.receive(a, awarenessFrame(awarenessUpdate([[11, 1, { cursor: 1 }]])));
      room.receive(a, awarenessFrame(awarenessUpdate([[11, 2, { cursor: 2 }]])));
      expect(room.awareness.getStates().get(11)).toEqual({ cursor: 2, user: asGuest(alice) });
      b.take();
      room.receive(a, awarenessFrame(awarenessUpdate([[11, 3, null]])));
      expect(room.awareness.getStates().has(11)).toBe(false);
      expect(awarenessEntries(b.sent[0]!)).toEqual(new Map([[11, null]]));
    });

    it('a connection speaks for at most maxAwarenessIdsPerConnection ids; entries for more are dropped', () => {
      const room = newRoom({ limits: { maxAwarenessIdsPerConnection: 2 } });
      const [a] = joinAll(room, 'a');
      room.receive(a!, awarenessFrame(awarenessUpdate([1, 2, 3].map((id) => [id, 1, {}]))));
      room.receive(a!, awarenessFrame(awarenessUpdate([[4, 1, {}]])));
      expect([...room.awareness.getStates().keys()]).toEqual([1, 2]);
      expect(a!.closes).toEqual([]);
    });

    it("leave() removes that socket's states for everyone (no ghost cursor)", () => {
      const room = newRoom();
      const a = joinAs(room, 'a', { presence: alice });
      const b = joinAs(room, 'b', { presence: bob });
      room.receive(
        a,
        awarenessFrame(
          awarenessUpdate([
            [11, 1, {}],
            [12, 1, {}],
          ]),
        ),
      );
      room.receive(b, awarenessFrame(awarenessUpdate([[22, 1, {}]])));
      b.take();

      room.leave(a);

      expect([...room.awareness.getStates().keys()]).toEqual([22]);
      expect(room.presence()).toEqual([bob]);
      expect(b.sent).toHaveLength(1);
      expect(awarenessEntries(b.sent[0]!)).toEqual(
        new Map([
          [11, null],
          [12, null],
        ]),
      );
      expect(room.connectionCount).toBe(1);
    });

    it('an id freed by a disconnect stays reserved for the same person during the grace period', () => {
      vi.useFakeTimers({ now: 1_000_000 });
      const room = newRoom({ limits: { awarenessIdGraceMs: 30_000 } });
      const ada = joinAs(room, 'ada', { presence: alice, principal: adaAccount });
      room.receive(ada, awarenessFrame(awarenessUpdate([[11, 5, { cursor: 1 }]])));
      room.leave(ada);

      // Another session cannot take the id over while its owner reconnects.
      const mallory = joinAs(room, 'mallory', { presence: bob });
      vi.advanceTimersByTime(29_000);
      room.receive(mallory, awarenessFrame(awarenessUpdate([[11, 6, { cursor: 666 }]])));
      expect(room.awareness.getStates().has(11)).toBe(false);
      expect(mallory.closes).toEqual([]);

      // The same person reconnecting gets it back, even re-announcing the clock it last sent.
      const adaAgain = joinAs(room, 'ada-again', { presence: alice, principal: adaAccount });
      room.receive(adaAgain, awarenessFrame(awarenessUpdate([[11, 5, { cursor: 1 }]])));
      expect(room.awareness.getStates().get(11)).toEqual({ cursor: 1, user: { ...alice, guest: false } });

      // Once the grace period has passed after a disconnect, the id is free for anyone.
      room.leave(adaAgain);
      vi.advanceTimersByTime(30_000);
      room.receive(mallory, awarenessFrame(awarenessUpdate([[11, 7, { cursor: 2 }]])));
      expect(room.awareness.getStates().get(11)).toEqual({ cursor: 2, user: asGuest(bob) });
    });

    it('a socket closed for a malformed frame loses its presence too', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, {}]])));
      b!.take();
      room.receive(a!, Uint8Array.from([0xff, 0xff]));
      expect(a!.closes.map((c) => c.code)).toEqual([CLOSE_CODES.invalidMessage]);
      expect(room.presence()).toEqual([]);
      expect(awarenessEntries(b!.sent[0]!)).toEqual(new Map([[11, null]]));
    });

    it('an oversized awareness state closes that socket (1007) and is relayed to nobody', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { junk: 'x'.repeat(AWARENESS_STATE_MAX) }]])));
      expect(a!.closes.map((c) => c.code)).toEqual([CLOSE_CODES.invalidMessage]);
      expect(b!.sent).toEqual([]);
      expect(room.awareness.getStates().size).toBe(0);
      // A state just under the cap is fine.
      const c = joinAs(room, 'c', { presence: bob });
      room.receive(c, awarenessFrame(awarenessUpdate([[12, 1, { note: 'x'.repeat(AWARENESS_STATE_MAX - 100) }]])));
      expect(c.closes).toEqual([]);
      expect(room.presence()).toEqual([bob]);
    });

    it('answers query-awareness with every present state', () => {
      const room = newRoom();
      const a = joinAs(room, 'a', { presence: alice });
      const b = joinAs(room, 'b', { presence: bob });
      room.receive(a, awarenessFrame(awarenessUpdate([[11, 1, {}]])));
      room.receive(b, awarenessFrame(awarenessUpdate([[22, 1, {}]])));
      a.take();
      b.take();
      room.receive(a, Uint8Array.from([MESSAGE_QUERY_AWARENESS]));
      expect(a.sent).toHaveLength(1);
      expect(awarenessEntries(a.sent[0]!)).toEqual(
        new Map<number, unknown>([
          [11, { user: asGuest(alice) }],
          [22, { user: asGuest(bob) }],
        ]),
      );
      expect(b.sent).toEqual([]);
    });

    it('presence() lists the session presence of every present state, whatever the state held', () => {
      const room = newRoom();
      const states: unknown[] = [{}, { cursor: 1 }, { user: null }, { user: 'Alice' }, { user: { name: 42 } }];
      states.forEach((state, i) => {
        const socket = joinAs(room, `s${i}`, { presence: { name: `Person ${i}`, color: '#123456' } });
        room.receive(socket, awarenessFrame(awarenessUpdate([[100 + i, 1, state]])));
      });
      expect(room.presence()).toEqual(states.map((_, i) => ({ name: `Person ${i}`, color: '#123456' })));
    });
  });
});
