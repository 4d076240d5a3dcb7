/**
 * What an hour of typing costs in storage now that the log is the history: one person typing code
 * for an hour (about 3 keystrokes a second, one in ten a deletion, each keystroke its own update),
 * stored in one-second group commits with author and time, a checkpoint every 500 entries (the
 * default COMPACTION_THRESHOLD) and an automatic version every ten minutes, on SQLite and PostgreSQL.
 *
 *   node packages/bench/dist/history-storage.bench.js [minutes=60] [perSecond=3]
 *
 * SQLite: growth of the database file (WAL folded in on close). PostgreSQL: growth of the history
 * tables with their indexes (pg_total_relation_size) in a scratch database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactStoredDocument, encodeUpdatesAsSnapshot, PostgresRoomStore, SqliteWorkerStore, type Store } from '@pairwise/server';
import { Client } from 'pg';
import * as Y from 'yjs';

const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.split('=') as [string, string]));
const MINUTES = Number(args.minutes ?? 60);
const PER_SECOND = Number(args.perSecond ?? 3);
const ADMIN_URL = process.env.PAIRWISE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SOURCE = 'def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\n';
// A signed-in user's id as the server keys it: `user:` and a UUID, stored with every update.
const AUTHOR = { id: `user:${randomUUID()}`, name: 'bench', color: '#3366cc' };

interface Totals {
  updates: number;
  updateBytes: number;
  checkpoints: number;
  versions: number;
  finalChars: number;
}

/** Types the hour into `store`, as the server would store it. */
async function typeAnHour(store: Store, startAt: number): Promise<Totals> {
  const doc = new Y.Doc();
  const text = doc.getText('code');
  await store.createRoom(
    { id: 'hour', name: 'hour', language: 'python', createdAt: startAt, updatedAt: startAt },
    Y.encodeStateAsUpdate(doc),
  );
  const incarnation = (await store.loadDocument('hour'))?.incarnation ?? '';
  const totals: Totals = { updates: 0, updateBytes: 0, checkpoints: 0, versions: 0, finalChars: 0 };
  let typed = 0;
  let sinceCheckpoint = 0;
  for (let second = 0; second < MINUTES * 60; second++) {
    const updates: Uint8Array[] = [];
    const keep = (update: Uint8Array) => void updates.push(update);
    doc.on('update', keep);
    for (let k = 0; k < PER_SECOND; k++) {
      if ((typed + k) % 10 === 9 && text.length > 0) text.delete(text.length - 1, 1);
      else text.insert(text.length, SOURCE[typed % SOURCE.length] ?? ' ');
      typed++;
    }
    doc.off('update', keep);
    const at = startAt + second * 1000;
    const acceptedAt = updates.map(() => at);
    await store.writeRooms(
      [{ roomId: 'hour', incarnation, updates, acceptedAt, authorIds: updates.map(() => AUTHOR.id), authors: [AUTHOR] }],
      at,
    );
    totals.updates += updates.length;
    totals.updateBytes += updates.reduce((sum, u) => sum + u.byteLength, 0);
    sinceCheckpoint += updates.length;
    if (sinceCheckpoint >= 500) {
      await compactStoredDocument(store, 'hour', encodeUpdatesAsSnapshot);
      totals.checkpoints++;
      sinceCheckpoint = 0;
    }
    if ((second + 1) % 600 === 0) {
      const stored = await store.loadDocument('hour');
      const state = Y.encodeStateAsUpdate(doc);
      const version = {
        id: randomUUID(),
        roomId: 'hour',
        name: 'auto',
        auto: true,
        createdAt: at,
        seq: stored?.lastSeq ?? 0,
        authorIds: [AUTHOR.id],
      };
      await store.addVersion({ ...version, code: text.toString(), state });
      totals.versions++;
    }
  }
  totals.finalChars = text.length;
  return totals;
}

async function sqlite(): Promise<{ bytes: number; totals: Totals }> {
  const dir = await mkdtemp(join(tmpdir(), 'pairwise-history-bench-'));
  const file = join(dir, 'bench.sqlite');
  try {
    const empty = await SqliteWorkerStore.open(file);
    await empty.close();
    const before = (await stat(file)).size;
    const store = await SqliteWorkerStore.open(file);
    const totals = await typeAnHour(store, Date.now());
    await store.close();
    return { bytes: (await stat(file)).size - before, totals };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const HISTORY_TABLES = ['room_updates', 'room_checkpoints', 'room_versions', 'room_authors'];

async function postgres(): Promise<{ bytes: number; totals: Totals }> {
  const name = `pairwise_bench_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    const store = await PostgresRoomStore.open(url.toString(), { max: 2 });
    const size = async (): Promise<number> => {
      const client = new Client({ connectionString: url.toString() });
      await client.connect();
      const sql = HISTORY_TABLES.map((t) => `pg_total_relation_size('${t}')`).join(' + ');
      const { rows } = await client.query<{ bytes: string }>(`SELECT ${sql} AS bytes`);
      await client.end();
      return Number(rows[0]?.bytes ?? 0);
    };
    const before = await size();
    const totals = await typeAnHour(store, Date.now());
    await store.close();
    return { bytes: (await size()) - before, totals };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
const results = [
  { name: 'SQLite', ...(await sqlite()) },
  { name: 'PostgreSQL', ...(await postgres()) },
];
const { totals } = results[0] ?? { totals: null };
console.log(
  `${MINUTES} min of typing: ${totals?.updates} updates (${kib(totals?.updateBytes ?? 0)} of Yjs updates), ` +
    `${totals?.checkpoints} checkpoints, ${totals?.versions} automatic versions, ${totals?.finalChars} characters of code at the end`,
);
for (const result of results) console.log(`${result.name.padEnd(10)} storage grew by ${kib(result.bytes)}`);
