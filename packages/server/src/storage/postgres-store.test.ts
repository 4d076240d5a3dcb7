import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../../test/support/postgres.js';
import { compactStoredDocument } from './compaction.js';
import { PostgresRoomStore } from './postgres-store.js';
import { append, describeRoomStoreContract, EditingSession, rebuild, room } from './store.contract.js';

await describeWithPostgres('PostgresRoomStore', () => {
  describeRoomStoreContract('PostgresRoomStore', async () => {
    const db = await createTestDatabase();
    const store = await PostgresRoomStore.open(db.url, { max: 4 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await db.drop();
      },
    };
  });

  describe('PostgresRoomStore with several instances', () => {
    let db: TestDatabase;
    let stores: PostgresRoomStore[];
    beforeEach(async () => {
      db = await createTestDatabase();
      // Opened at once on an empty database: the schema migration must not race with itself.
      stores = await Promise.all([0, 1, 2].map(() => PostgresRoomStore.open(db.url, { max: 3 })));
    });
    afterEach(async () => {
      await Promise.all(stores.map((store) => store.close()));
      await db.drop();
    });

    it('loses nothing when two instances write and compact the same room at once', async () => {
      const [a, b] = stores as [PostgresRoomStore, PostgresRoomStore];
      const session = new EditingSession(42);
      await a.createRoom(room('doc', 1_000), session.initialUpdate());
      const writers = [a, b, a, b].map(async (store) => {
        for (let i = 0; i < 30; i += 1) await append(store, 'doc', 2_000 + i, ...session.edit(1 + (i % 4)));
      });
      const compactors = [a, b].map(async (store) => {
        for (let i = 0; i < 12; i += 1) await compactStoredDocument(store, 'doc');
      });
      await Promise.all([...writers, ...compactors]);

      expect(await rebuild(a, 'doc')).toEqual(session.state());
      await Promise.all([compactStoredDocument(a, 'doc'), compactStoredDocument(b, 'doc')]);
      expect(await rebuild(b, 'doc')).toEqual(session.state());
      expect((await b.loadDocument('doc'))?.logLength).toBe(0);
    });

    it('closes idempotently', async () => {
      const store = stores[2] as PostgresRoomStore;
      await store.close();
      await store.close();
      await expect(store.ping()).rejects.toThrow();
    });
  });
});
