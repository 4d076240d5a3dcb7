import { describe, expect, it } from 'vitest';
import type { HistoryAuthor } from '@pairwise/protocol';
import { RoomBacklogs, type TakenWrite } from './room-backlogs.js';

/**
 * Entries outlive their writes and are swept only after a quiet period: deleting a room's entry
 * after each write made the maps rehash every window, which got each write's content promoted to
 * V8's old generation (see the class comment).
 */

const ORIGIN = { at: 0, author: null };

function queued(backlogs: RoomBacklogs, roomId: string): void {
  backlogs.addUpdate(backlogs.open(roomId, 'inc-1'), Uint8Array.of(1), ORIGIN);
}

function write(backlogs: RoomBacklogs, roomId: string): void {
  const taken = backlogs.take(roomId);
  if (!taken) throw new Error(`nothing queued for ${roomId}`);
  backlogs.stored(taken);
}

describe('RoomBacklogs', () => {
  it('keeps the entry of a room that queues between sweeps, and forgets one that stayed quiet for a whole sweep period', () => {
    const backlogs = new RoomBacklogs();
    queued(backlogs, 'busy');
    queued(backlogs, 'quiet');
    write(backlogs, 'busy');
    write(backlogs, 'quiet');
    expect(backlogs.roomCount).toBe(2);
    expect(backlogs.holds('quiet')).toBe(false);

    backlogs.sweepIdle();
    expect(backlogs.roomCount).toBe(2);
    queued(backlogs, 'busy');
    write(backlogs, 'busy');
    backlogs.sweepIdle();
    expect(backlogs.roomCount).toBe(1);
    expect(backlogs.get('quiet')).toBeUndefined();
    expect(backlogs.get('busy')).toBeDefined();
  });

  it('never forgets a room with a write in flight or failing, and holds() and whenStored follow the write', () => {
    const backlogs = new RoomBacklogs();
    queued(backlogs, 'r1');
    const taken = backlogs.take('r1');
    if (!taken) throw new Error('nothing taken');
    backlogs.sweepIdle();
    backlogs.sweepIdle();
    expect(backlogs.holds('r1')).toBe(true);
    let stored = false;
    backlogs.whenStored('r1', () => (stored = true));

    expect(backlogs.restore(taken, () => 0)).toBe(1);
    expect(stored).toBe(false);
    backlogs.sweepIdle();
    backlogs.sweepIdle();
    expect(backlogs.roomCount).toBe(1);

    write(backlogs, 'r1');
    expect(stored).toBe(true);
    expect(backlogs.holds('r1')).toBe(false);
    backlogs.sweepIdle();
    backlogs.sweepIdle();
    expect(backlogs.roomCount).toBe(0);
    expect(backlogs.holds('r1')).toBe(false);
  });

  it('names in a write only the authors new or changed since the room last stored them; a failed write names them again', () => {
    const backlogs = new RoomBacklogs();
    const ada = { id: 'a', name: 'Ada', color: '#111111' };
    const grace = { id: 'g', name: 'Grace', color: '#222222' };
    const typed = (incarnation: string, author: HistoryAuthor) =>
      backlogs.addUpdate(backlogs.open('r1', incarnation), Uint8Array.of(1), { at: 0, author });
    const names = (taken: TakenWrite | null) => (taken?.write.authors ?? []).map((author) => author.name);
    const take = () => backlogs.take('r1');

    typed('inc-1', ada);
    typed('inc-1', grace);
    const first = take();
    expect(names(first)).toEqual(['Ada', 'Grace']);
    if (first) backlogs.stored(first);

    typed('inc-1', ada);
    typed('inc-1', { ...grace, name: 'Grace H.' });
    const failing = take();
    expect(names(failing)).toEqual(['Grace H.']);
    if (failing) backlogs.restore(failing, () => 0);
    const retry = take();
    expect(names(retry)).toEqual(['Grace H.']);
    if (retry) backlogs.stored(retry);

    typed('inc-1', { ...grace, name: 'Grace H.' });
    expect(names(take())).toEqual([]);

    // The room was deleted and made again: its author rows went with it.
    typed('inc-2', ada);
    expect(names(take())).toEqual(['Ada']);
  });

  it('has healthy content only while a room that is not failing holds something to write, as due() lists it', () => {
    const backlogs = new RoomBacklogs();
    queued(backlogs, 'written');
    write(backlogs, 'written');
    expect(backlogs.hasHealthyContent()).toBe(false);

    queued(backlogs, 'failing');
    const taken = backlogs.take('failing');
    if (!taken) throw new Error('nothing taken');
    backlogs.restore(taken, () => 0);
    expect(backlogs.due(0, true)).toEqual({ healthy: [], retrying: ['failing'] });
    expect(backlogs.hasHealthyContent()).toBe(false);

    queued(backlogs, 'written');
    expect(backlogs.due(0, true).healthy).toEqual(['written']);
    expect(backlogs.hasHealthyContent()).toBe(true);
  });
});
