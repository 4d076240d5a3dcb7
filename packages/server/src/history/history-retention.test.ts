import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { describeEachStore } from '../../test/support/store-kinds.js';
import { readUpdatesAsDocument, statesAfter } from '../storage/compaction.js';
import { MemoryRoomStore } from '../storage/memory-store.js';
import type { Store } from '../storage/store.js';
import { DAY_MS } from './history-thinning.js';
import { HistoryRetention } from './history-retention.js';
import { RoomHistory } from './room-history.js';

const NOW = Date.UTC(2026, 11, 1, 12);
const policy = { keepAllMs: 7 * DAY_MS, minutePointsMs: 30 * DAY_MS };

/**
 * A room typed in three sessions: 40 days ago, 10 days ago, and today, 4 edits a minute for 10
 * minutes each. Retention keeps today's every edit, one point per minute for the 10-day-old
 * session, one per hour for the 40-day-old one, and every kept point shows exactly the text it had.
 */
async function typeSessions(store: Store): Promise<Map<number, string>> {
  const doc = new Y.Doc();
  const texts = new Map<number, string>();
  await store.createRoom(
    { id: 'r', name: 'r', language: 'python', createdAt: NOW - 41 * DAY_MS, updatedAt: NOW - 41 * DAY_MS },
    Y.encodeStateAsUpdate(doc),
  );
  const created = await store.loadDocument('r');
  const incarnation = created?.incarnation ?? '';
  texts.set(created?.lastSeq ?? 0, '');
  for (const start of [NOW - 40 * DAY_MS, NOW - 10 * DAY_MS, NOW - 60 * 60_000]) {
    for (let i = 0; i < 40; i++) {
      const updates: Uint8Array[] = [];
      const keep = (update: Uint8Array) => void updates.push(update);
      doc.on('update', keep);
      doc.getText(CODE_TEXT).insert(doc.getText(CODE_TEXT).length, String.fromCharCode(97 + (i % 26)));
      doc.off('update', keep);
      const at = start + i * 15_000;
      await store.writeRooms(
        [
          {
            roomId: 'r',
            incarnation,
            updates,
            acceptedAt: [at],
            authorIds: ['user:a'],
            authors: [{ id: 'user:a', name: 'a', color: '#000000' }],
          },
        ],
        at,
      );
      const [point] = (await store.readHistory('r', 0, 10_000)).slice(-1);
      texts.set(point?.seq ?? 0, doc.getText(CODE_TEXT).toString());
    }
  }
  return texts;
}

function historyOf(store: Store): RoomHistory {
  return new RoomHistory({
    store,
    flushRoom: async () => {},
    read: async (updates) => readUpdatesAsDocument(updates),
    loaded: () => undefined,
    withRoom: async () => null,
  });
}

await describeEachStore('history retention', (openStore) => {
  let store: Store | null = null;
  afterEach(async () => {
    await store?.close();
  });

  it('thins old history by age and every kept point still shows its exact text', async () => {
    store = await openStore();
    const texts = await typeSessions(store);
    const auto = { roomId: 'r', code: '', state: new Uint8Array([0, 0]), seq: 1, authorIds: [] };
    await store.addVersion({ ...auto, id: 'named-old', name: 'kept forever', auto: false, createdAt: NOW - 40 * DAY_MS });
    await store.addVersion({ ...auto, id: 'auto-old', name: 'After a pause', auto: true, createdAt: NOW - 40 * DAY_MS });
    await store.addVersion({ ...auto, id: 'auto-new', name: 'After a pause', auto: true, createdAt: NOW - 10 * DAY_MS });
    const retention = new HistoryRetention({
      store,
      policy,
      statesAfter: async (updates, marks) => statesAfter(updates, marks),
      log: pino({ level: 'silent' }),
      now: () => NOW,
    });

    expect(await retention.sweep()).toBe(1);
    const points = await store.readHistory('r', 0, 10_000);
    const ages = points.map((point) => NOW - point.at);
    // The room's creation (41 days ago) and the 40-day-old session (ten minutes within one hour): one
    // point per hour, so two; 10 days ago: one per minute (10); today: all 40.
    expect(ages.filter((age) => age > 30 * DAY_MS)).toHaveLength(2);
    expect(ages.filter((age) => age > 7 * DAY_MS && age < 30 * DAY_MS)).toHaveLength(10);
    expect(ages.filter((age) => age < DAY_MS)).toHaveLength(40);
    const history = historyOf(store);
    for (const point of points) expect((await history.textAt('r', point.seq, false))?.code).toBe(texts.get(point.seq));
    const loaded = readUpdatesAsDocument((await store.loadDocument('r'))?.updates ?? []);
    expect(loaded.code).toBe([...texts.values()].at(-1));
    expect((await store.listVersions('r')).map((v) => v.id).sort()).toEqual(['auto-new', 'named-old']);

    // Nothing old is left in the log; a second sweep finds nothing to do.
    expect(await store.roomsWithLogBefore(NOW - policy.keepAllMs, 10)).toEqual([]);
    expect(await retention.sweep()).toBe(0);
  });
});

it('a room with nothing old is left alone', async () => {
  const store = new MemoryRoomStore();
  await store.createRoom({ id: 'young', name: 'y', language: 'python', createdAt: NOW, updatedAt: NOW }, new Uint8Array([0, 0]));
  const retention = new HistoryRetention({ store, policy, statesAfter: async () => [], log: pino({ level: 'silent' }), now: () => NOW });
  expect(await retention.thinRoom('young')).toBe(false);
  expect(await store.readHistory('young', 0, 10)).toHaveLength(1);
});
