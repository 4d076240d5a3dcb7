import { describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES, CODE_TEXT, MESSAGE_PAIRWISE_HELLO, META_KEYS, META_MAP } from '@pairwise/protocol';
import { Room, SERVER_ORIGIN } from './room.js';
import {
  INITIAL_UPDATE,
  alice,
  awarenessFrame,
  awarenessUpdate,
  clientOf,
  editOn,
  joinAll,
  metaChanges,
  newRoom,
  setUpRoomTests,
  protocolErrors,
  stored,
  updateFrame,
} from './room.testkit.js';

/** Room: the meta map (name, language) and shutting a room down. */

setUpRoomTests();

describe('Room', () => {
  describe("Pairwise's own messages", () => {
    it('reach only the connections that sent the hello, so stock clients never see an unknown type', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, Uint8Array.from([MESSAGE_PAIRWISE_HELLO]));
      room.sendToSubscribers(Uint8Array.from([101, 0]));
      expect(a!.take()).toEqual([Uint8Array.from([101, 0])]);
      expect(b!.take()).toEqual([]);
      expect(protocolErrors).toEqual([]);
    });
  });

  describe('meta', () => {
    it('a client changing the meta map calls onMetaChange with the new settings', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      const update = editOn(clientOf(room), (d) => d.getMap(META_MAP).set(META_KEYS.name, 'Renamed'));
      room.receive(a!, updateFrame(update));
      expect(metaChanges).toEqual([{ name: 'Renamed', language: 'python' }]);
      expect(room.meta()).toEqual({ name: 'Renamed', language: 'python' });
      expect(b!.sent).toHaveLength(1);
    });

    it('text edits do not call onMetaChange', () => {
      const room = newRoom();
      const [a] = joinAll(room, 'a');
      room.receive(a!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'x'))));
      expect(metaChanges).toEqual([]);
    });

    it('changeMeta (SERVER_ORIGIN) does not call onMetaChange, but is stored and broadcast to every socket', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.changeMeta({ name: 'From API', language: 'rust' });
      expect(metaChanges).toEqual([]);
      expect(room.meta()).toEqual({ name: 'From API', language: 'rust' });
      expect(stored).toHaveLength(1);
      expect(a!.sent).toHaveLength(1);
      expect(b!.sent[0]).toBe(a!.sent[0]);
      const client = clientOf(room);
      expect(client.getMap(META_MAP).get(META_KEYS.language)).toBe('rust');
      // Origin checks use the symbol itself, not anything a client can send.
      expect(typeof SERVER_ORIGIN).toBe('symbol');
    });

    it('meta() ignores values of the wrong type', () => {
      const room = newRoom();
      const [a] = joinAll(room, 'a');
      room.receive(a!, updateFrame(editOn(clientOf(room), (d) => d.getMap(META_MAP).set(META_KEYS.name, 42))));
      expect(room.meta()).toEqual({ language: 'python' });
    });
  });

  describe('destroy', () => {
    it('closes every socket (1001) and stops the awareness timer', () => {
      vi.useFakeTimers();
      const timersBefore = vi.getTimerCount();
      const room = new Room('room-timer', [INITIAL_UPDATE], { onUpdate: () => {}, onMetaChange: () => {}, acceptsEdits: () => true });
      // y-protocols' Awareness runs an interval to expire stale states.
      expect(vi.getTimerCount()).toBeGreaterThan(timersBefore);
      const [a, b] = joinAll(room, 'a', 'b');
      room.receive(a!, awarenessFrame(awarenessUpdate([[11, 1, { user: alice }]])));

      room.destroy();

      expect(a!.closes).toEqual([{ code: CLOSE_CODES.goingAway, reason: expect.any(String) }]);
      expect(b!.closes).toEqual([{ code: CLOSE_CODES.goingAway, reason: expect.any(String) }]);
      expect(room.connectionCount).toBe(0);
      expect(vi.getTimerCount()).toBe(timersBefore);
      expect(room.doc.isDestroyed).toBe(true);
    });

    it('closeAll closes each socket once with the given code', () => {
      const room = newRoom();
      const [a, b] = joinAll(room, 'a', 'b');
      room.closeAll(CLOSE_CODES.roomNotFound, 'room deleted');
      expect(a!.closes).toEqual([{ code: CLOSE_CODES.roomNotFound, reason: 'room deleted' }]);
      expect(b!.closes).toEqual([{ code: CLOSE_CODES.roomNotFound, reason: 'room deleted' }]);
      expect(room.connectionCount).toBe(0);
    });
  });
});
