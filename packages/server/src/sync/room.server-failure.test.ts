import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, CODE_TEXT, META_KEYS, META_MAP } from '@pairwise/protocol';
import { ServerFailure } from './room.js';
import { clientOf, editOn, joinAll, newRoom, protocolErrors, setUpRoomTests, stored, updateFrame } from './room.testkit.js';

/**
 * Room: the server's own failures while handling a client message are not the client's fault.
 * Regression: when storing failed (e.g. the committer was closed), the sender was closed with 1007
 * "invalid message", and the throwing 'update' listener left Yjs unable to finish any later
 * transaction: the room never stored or relayed another change.
 */

setUpRoomTests();

const failOnce = (): ((update: Uint8Array) => void) => {
  let failed = false;
  return () => {
    if (failed) return;
    failed = true;
    throw new Error('group committer is closed');
  };
};

describe('Room server failures', () => {
  it('storing a client change fails: the sender is closed with 1011, the others still receive the change', () => {
    const room = newRoom({ beforeStore: failOnce() });
    const [a, b] = joinAll(room, 'a', 'b');
    room.receive(a!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'x'))));
    expect(a!.closes).toEqual([{ code: CLOSE_CODES.internalError, reason: expect.any(String) }]);
    expect(protocolErrors.map((e) => e.error)).toEqual([expect.any(ServerFailure)]);
    expect(b!.sent).toHaveLength(1);
    expect(b!.closes).toEqual([]);
  });

  it('after a failed store the room still stores and relays later changes', () => {
    const room = newRoom({ beforeStore: failOnce() });
    const [a, b, c] = joinAll(room, 'a', 'b', 'c');
    room.receive(a!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'x'))));
    c!.take();
    room.receive(b!, updateFrame(editOn(clientOf(room), (d) => d.getText(CODE_TEXT).insert(0, 'y'))));
    expect(b!.closes).toEqual([]);
    expect(stored).toHaveLength(1);
    expect(c!.sent).toHaveLength(1);
    expect(room.text.toString()).toBe('yxprint("hi")\n');
  });

  it('a server change (changeMeta) whose storing fails throws a ServerFailure after the change is applied', () => {
    const room = newRoom({ beforeStore: failOnce() });
    const [a] = joinAll(room, 'a');
    expect(() => room.changeMeta({ name: 'Renamed' })).toThrow(ServerFailure);
    expect(room.doc.getMap(META_MAP).get(META_KEYS.name)).toBe('Renamed');
    expect(a!.sent).toHaveLength(1);
  });
});
