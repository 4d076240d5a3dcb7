import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { editOn, FakeSocket, sessionFor, updateFrame } from '../sync/room.testkit.js';
import type { Room } from '../sync/room.js';
import { BUS_ORIGIN } from './room-link.js';
import { ROOM, settle, storedText, storedUpdateCount, useLinkedCluster } from './room-link.testkit.js';

/**
 * What keeps two instances' copies of a room whole when something goes wrong: copies of a peer's
 * edits stored when the peer never confirms storing them (it died), and the periodic state check
 * repairing copies that missed an update or a deletion; and no repair at all when nothing went wrong.
 */

const cluster = useLinkedCluster();

/** A client typing into `room` through a socket of its own. */
function typist(room: Room, name: string): (edit: (text: Y.Text) => void) => void {
  const socket = new FakeSocket(name);
  room.join(socket, sessionFor(name));
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc));
  return (edit) => room.receive(socket, updateFrame(editOn(client, (doc) => edit(doc.getText('code')))));
}

/** An edit that reaches `room` but is never published: a log entry the other instance lost. */
function lostOnBus(room: Room, edit: (text: Y.Text) => void): void {
  Y.transact(room.doc, () => edit(room.text), BUS_ORIGIN);
}

async function until(condition: () => Promise<boolean> | boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await settle(10);
  }
}

describe('copies of a peer that died before storing', () => {
  it("are stored by the instance holding them once the peer's confirmation is overdue", async () => {
    const { store, a, b, roomA, roomB } = await cluster({ a: { windowMs: 60_000 }, b: { timing: { peerStoreMs: 100 } } });
    typist(roomA, 'writer')((text) => text.insert(0, 'typed on A '));
    await settle();
    expect(roomB.text.toString()).toContain('typed on A');

    // A is killed: its queue is gone and it never confirms.
    a.commits.discard(ROOM);
    await a.bus.close();
    expect(await storedText(store)).not.toContain('typed on A');

    await until(async () => (await storedText(store)).includes('typed on A'));
    expect(b.repairs).toContain('peer_unconfirmed');
  });

  it('are not stored again when their sender confirms storing them', async () => {
    const timing = { peerStoreMs: 100, confirmIntervalMs: 20 };
    const { store, b, roomA } = await cluster({ a: { timing }, b: { timing } });
    const before = await storedUpdateCount(store);
    const type = typist(roomA, 'writer');
    for (let i = 0; i < 5; i++) type((text) => text.insert(0, `${i};`));
    await settle(400);
    expect(await storedUpdateCount(store)).toBe(before + 5);
    expect(b.repairs).toEqual([]);
  });

  it('are stored when the room leaves memory before the sender confirmed', async () => {
    const { store, a, b, roomA } = await cluster({ a: { windowMs: 60_000 } });
    typist(roomA, 'writer')((text) => text.insert(0, 'unconfirmed '));
    await settle();
    a.commits.discard(ROOM);
    await a.bus.close();
    await b.registry.close();
    await b.commits.flush();
    expect(await storedText(store)).toContain('unconfirmed');
  });
});

describe('the periodic state check', () => {
  const timing = { checkIntervalMs: 40 };

  it('repairs a copy that missed an update, and counts the repair on that copy only', async () => {
    const { a, b, roomA, roomB } = await cluster({ a: { timing }, b: { timing } });
    lostOnBus(roomA, (text) => text.insert(0, 'lost entry '));
    expect(roomB.text.toString()).not.toContain('lost entry');
    await until(() => roomB.text.toString() === roomA.text.toString());
    expect(b.repairs).toContain('state_check');
    expect(a.repairs).toEqual([]);
  });

  it('repairs a copy that missed only a deletion (which leaves the state vector unchanged)', async () => {
    const { b, roomA, roomB } = await cluster({ a: { timing }, b: { timing } });
    typist(roomA, 'writer')((text) => text.insert(0, 'keep DROP keep'));
    await until(() => roomB.text.toString().includes('DROP'));
    lostOnBus(roomA, (text) => text.delete(text.toString().indexOf('DROP'), 5));
    await until(() => !roomB.text.toString().includes('DROP'));
    expect(roomB.text.toString()).toBe(roomA.text.toString());
    expect(b.repairs).toContain('state_check');
  });

  it('finds nothing to repair while both sides type concurrently and the bus loses nothing', async () => {
    const fast = { checkIntervalMs: 10 };
    const { a, b, roomA, roomB } = await cluster({ a: { timing: fast }, b: { timing: fast } });
    const onA = typist(roomA, 'on-a');
    const onB = typist(roomB, 'on-b');
    for (let i = 0; i < 60; i++) {
      (i % 2 === 0 ? onA : onB)((text) => text.insert(Math.floor(text.length / 2), `${i},`));
      if (i % 7 === 0) (i % 2 === 0 ? onB : onA)((text) => text.length > 4 && text.delete(1, 2));
      await settle(3);
    }
    await until(() => roomA.text.toString() === roomB.text.toString());
    await settle(50);
    expect([a.repairs, b.repairs]).toEqual([[], []]);
  });
});
