import { Client } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../../test/support/postgres.js';
import { describeAccessStoreContract } from './access.contract.js';
import { describeChatStoreContract } from './chat.contract.js';
import { describeRunStoreContract } from './runs.contract.js';
import { describeHistoryStoreContract } from './history.contract.js';
import { DEFAULT_ROOM_ACCESS } from './access.js';
import { describeLastOpenedContract } from './last-opened.contract.js';
import { describeAccountStoreContract, type OpenedFullStore } from './accounts.contract.js';
import { compactStoredDocument } from './compaction.js';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';
import { PostgresRoomStore } from './postgres-store.js';
import { append, describeRoomStoreContract, EditingSession, rebuild, room } from './store.contract.js';

/** A store on a fresh database; `openAnother` opens more instances (pools) on the same database. */
async function openPostgresStore(): Promise<OpenedFullStore> {
  const db = await createTestDatabase();
  const store = await PostgresRoomStore.open(db.url, { max: 4 });
  const instances = [store];
  return {
    store,
    openAnother: async () => {
      const another = await PostgresRoomStore.open(db.url, { max: 2 });
      instances.push(another);
      return another;
    },
    cleanup: async () => {
      await Promise.all(instances.map((instance) => instance.close()));
      await db.drop();
    },
  };
}

await describeWithPostgres('PostgresRoomStore', () => {
  describeRoomStoreContract('PostgresRoomStore', openPostgresStore);
  describeLastOpenedContract('PostgresRoomStore', openPostgresStore);
  describeAccountStoreContract('PostgresRoomStore', openPostgresStore);
  describeAccessStoreContract('PostgresRoomStore', openPostgresStore);
  describeChatStoreContract('PostgresRoomStore', openPostgresStore);
  describeRunStoreContract('PostgresRoomStore', openPostgresStore);
  describeHistoryStoreContract('PostgresRoomStore', openPostgresStore);

  describe('PostgresRoomStore schema', () => {
    let db: TestDatabase;
    beforeEach(async () => {
      db = await createTestDatabase();
    });
    afterEach(async () => {
      await db.drop();
    });

    it('upgrades a database from before accounts: its rooms keep their content, get the default access and count as opened when last changed', async () => {
      const old = new Client({ connectionString: db.url });
      await old.connect();
      try {
        for (const sql of POSTGRES_MIGRATIONS.slice(0, 2)) await old.query(sql);
        await old.query('CREATE TABLE pairwise_schema_version (version integer NOT NULL); INSERT INTO pairwise_schema_version VALUES (2)');
        await old.query(`INSERT INTO rooms VALUES ('r', 'Room', 'go', 1, 2, 'inc-1')`);
        await old.query(`INSERT INTO room_updates (room_id, data) VALUES ('r', '\\x0102')`);
      } finally {
        await old.end();
      }

      const store = await PostgresRoomStore.open(db.url, { max: 2 });
      try {
        expect(await store.getAccess('r')).toEqual(DEFAULT_ROOM_ACCESS);
        expect(await store.loadDocument('r')).toMatchObject({ incarnation: 'inc-1', updates: [new Uint8Array([1, 2])] });
        await store.createUser({ id: 'u', username: 'alice', passwordHash: 'h', createdAt: 3 });
        expect(await store.setMember('r', 'u', 'editor', 4)).toBe(true);
        expect((await store.listRoomsOf('u', 10, null)).rooms).toEqual(
          [room('r', 2, 'Room')].map((r) => ({ ...r, language: 'go', createdAt: 1, access: DEFAULT_ROOM_ACCESS, memberRole: 'editor' })),
        );
        // Rooms from before last-opened tracking count as opened when they last changed.
        expect(await store.listRoomsNotOpenedSince(3, 10)).toEqual([{ id: 'r', lastOpenedAt: 2 }]);
      } finally {
        await store.close();
      }
    });

    it('refuses a database written by a newer schema', async () => {
      await (await PostgresRoomStore.open(db.url, { max: 1 })).close();
      const client = new Client({ connectionString: db.url });
      await client.connect();
      await client.query('UPDATE pairwise_schema_version SET version = 99');
      await client.end();
      await expect(PostgresRoomStore.open(db.url, { max: 1 })).rejects.toThrow(/newer/);
    });
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
