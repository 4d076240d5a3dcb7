/**
 * Storage benchmark: how long a room with a long typing history takes to load, before and after
 * compaction, on SQLite and PostgreSQL.
 *
 *   node packages/bench/dist/storage.bench.js [updates=100000] [batch=50]
 *
 * PAIRWISE_BENCH_POSTGRES_URL names the maintenance database to create a scratch database from
 * (default postgres://postgres@127.0.0.1:5432/postgres); PostgreSQL is skipped if unreachable.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  applyStoredUpdates,
  compactStoredDocument,
  OffThreadSnapshotEncoder,
  PostgresRoomStore,
  SqliteWorkerStore,
  type RoomStore,
} from '@pairwise/server';
import { Client } from 'pg';
import * as Y from 'yjs';

const ROOM_ID = 'bench-room';

interface Workload {
  initialUpdate: Uint8Array;
  /** Each group commit's updates, in order. */
  batches: Uint8Array[][];
  updateCount: number;
  finalText: string;
}

interface Measurement {
  appendMs: number;
  commitCount: number;
  loadMs: number;
  applyMs: number;
  compactMs: number;
  snapshotBytes: number;
  compactedLoadMs: number;
  compactedApplyMs: number;
}

interface Backend {
  name: string;
  open: () => Promise<{ store: RoomStore; cleanup: () => Promise<void> }>;
}

/** A typing session: mostly keystrokes at the cursor, some backspaces, now and then a jump. */
function typingSession(updateCount: number, batchSize: number): Workload {
  const doc = new Y.Doc();
  const text = doc.getText('code');
  const initialUpdate = Y.encodeStateAsUpdate(doc);
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const alphabet = 'abcdefghijklmnopqrstuvwxyz    ();{}.=\n';
  let cursor = 0;
  let seed = 1;
  const random = (): number => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  while (updates.length < updateCount) {
    const roll = random();
    if (roll < 0.01) {
      cursor = Math.floor(random() * (text.length + 1));
    } else if (roll < 0.11 && cursor > 0) {
      text.delete(cursor - 1, 1);
      cursor -= 1;
    } else {
      text.insert(cursor, alphabet[Math.floor(random() * alphabet.length)] ?? 'x');
      cursor += 1;
    }
  }
  const batches: Uint8Array[][] = [];
  for (let i = 0; i < updates.length; i += batchSize) {
    batches.push(updates.slice(i, i + batchSize));
  }
  const finalText = text.toString();
  doc.destroy();
  return { initialUpdate, batches, updateCount: updates.length, finalText };
}

async function time<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/** Load the room and apply it to a fresh Y.Doc, timing each step; checks the text survived. */
async function loadAndApply(store: RoomStore, expectedText: string): Promise<{ loadMs: number; applyMs: number }> {
  const load = await time(() => store.loadDocument(ROOM_ID));
  if (load.value === null) throw new Error('benchmark room vanished');
  const updates = load.value.updates;
  const doc = new Y.Doc();
  const apply = await time(() => applyStoredUpdates(doc, updates));
  const text = doc.getText('code').toString();
  doc.destroy();
  if (text !== expectedText) throw new Error('document rebuilt from storage differs from the one typed');
  return { loadMs: load.ms, applyMs: apply.ms };
}

async function measure(store: RoomStore, workload: Workload): Promise<Measurement> {
  const now = Date.now();
  await store.createRoom({ id: ROOM_ID, name: 'bench', language: 'typescript', createdAt: now, updatedAt: now }, workload.initialUpdate);
  const { incarnation } = (await store.loadDocument(ROOM_ID))!;
  const append = await time(async () => {
    for (const updates of workload.batches) await store.writeRooms([{ roomId: ROOM_ID, incarnation, updates }], Date.now());
  });
  const before = await loadAndApply(store, workload.finalText);
  // As the server compacts: the rebuild runs in a worker thread.
  const compaction = await time(() => compactStoredDocument(store, ROOM_ID, new OffThreadSnapshotEncoder().encode));
  const after = await loadAndApply(store, workload.finalText);
  return {
    appendMs: append.ms,
    commitCount: workload.batches.length,
    loadMs: before.loadMs,
    applyMs: before.applyMs,
    compactMs: compaction.ms,
    snapshotBytes: compaction.value?.bytesAfter ?? 0,
    compactedLoadMs: after.loadMs,
    compactedApplyMs: after.applyMs,
  };
}

function sqliteBackend(): Backend {
  return {
    name: 'SQLite',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pairwise-bench-'));
      const store = await SqliteWorkerStore.open(join(dir, 'bench.sqlite'));
      return {
        store,
        cleanup: async () => {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function postgresBackend(adminUrl: string): Backend {
  return {
    name: 'PostgreSQL',
    open: async () => {
      const name = `pairwise_bench_${randomBytes(6).toString('hex')}`;
      await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const store = await PostgresRoomStore.open(url.toString(), { max: 2 });
      return {
        store,
        cleanup: async () => {
          await store.close();
          await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        },
      };
    },
  };
}

async function postgresReachable(adminUrl: string): Promise<boolean> {
  try {
    await adminQuery(adminUrl, 'SELECT 1');
    return true;
  } catch {
    return false;
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function formatTable(results: { name: string; m: Measurement }[], workload: Workload): string {
  const count = workload.updateCount.toLocaleString('en-US');
  const rows: [string, (m: Measurement) => string][] = [
    [`append ${count} updates`, (m) => formatMs(m.appendMs)],
    ['  per group commit (mean)', (m) => formatMs(m.appendMs / m.commitCount)],
    ['uncompacted: loadDocument', (m) => formatMs(m.loadMs)],
    ['uncompacted: apply to Y.Doc', (m) => formatMs(m.applyMs)],
    ['uncompacted: load + apply', (m) => formatMs(m.loadMs + m.applyMs)],
    ['compaction', (m) => formatMs(m.compactMs)],
    ['snapshot size', (m) => `${(m.snapshotBytes / 1024).toFixed(1)} KiB`],
    ['compacted: loadDocument', (m) => formatMs(m.compactedLoadMs)],
    ['compacted: apply to Y.Doc', (m) => formatMs(m.compactedApplyMs)],
    ['compacted: load + apply', (m) => formatMs(m.compactedLoadMs + m.compactedApplyMs)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const header = ['', ...results.map((r) => r.name)];
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(width) : cell.padStart(14))).join('');
  return [line(header), ...rows.map(([label, value]) => line([label, ...results.map((r) => value(r.m))]))].join('\n');
}

async function main(): Promise<void> {
  const updateCount = Number(process.argv[2] ?? 100_000);
  const batchSize = Number(process.argv[3] ?? 50);
  const adminUrl = process.env.PAIRWISE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const workload = typingSession(updateCount, batchSize);
  console.log(
    `Storage: ${workload.updateCount.toLocaleString('en-US')} single-keystroke Yjs updates, ` +
      `${workload.batches.length.toLocaleString('en-US')} group commits of ${batchSize}, ` +
      `final text ${workload.finalText.length.toLocaleString('en-US')} chars\n`,
  );
  const backends = [sqliteBackend()];
  if (await postgresReachable(adminUrl)) backends.push(postgresBackend(adminUrl));
  else console.log(`PostgreSQL skipped: not reachable at ${adminUrl}\n`);

  const results: { name: string; m: Measurement }[] = [];
  for (const backend of backends) {
    const { store, cleanup } = await backend.open();
    try {
      results.push({ name: backend.name, m: await measure(store, workload) });
    } finally {
      await cleanup();
    }
  }
  console.log(formatTable(results, workload));
}

await main();
