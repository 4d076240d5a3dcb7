// One group commit on the PostgreSQL store, alone: wall time per commit of `PostgresRoomStore.writeRooms`
// with one small update for each of N rooms, in a scratch database on the local PostgreSQL (dropped
// afterwards). Most of a commit's cost is PostgreSQL's own, so wall time is the figure here
// (`sqlite-commit.mjs` is the SQLite counterpart, issue 9).
//
//   node bench/profiling/postgres-commit.mjs [rooms=500] [commits=200]
// Needs a built server (npm run build) and PostgreSQL on 127.0.0.1:5432 with trust auth.
import pg from 'pg';
import * as Y from 'yjs';
import { PostgresRoomStore } from '../../packages/server/dist/storage/postgres-store.js';

const rooms = Number(process.argv[2] ?? 500);
const commits = Number(process.argv[3] ?? 200);
const admin = new pg.Client('postgres://postgres@127.0.0.1:5432/postgres');
await admin.connect();
const database = `pairwise_bench_commit_${process.pid}`;
await admin.query(`CREATE DATABASE ${database}`);
const store = await PostgresRoomStore.open(`postgres://postgres@127.0.0.1:5432/${database}`);
try {
  const empty = Y.encodeStateAsUpdate(new Y.Doc());
  const ids = Array.from({ length: rooms }, (_, i) => `room-${i}`);
  for (const id of ids) await store.createRoom({ id, name: id, language: 'typescript', createdAt: 1, updatedAt: 1 }, empty);
  const incarnations = [];
  for (const id of ids) incarnations.push((await store.loadDocument(id)).incarnation);
  // About one keystroke's update, from one author, per room per 100 ms window (pair rooms).
  const update = new Uint8Array(40).fill(7);
  let now = Date.now();
  const commit = () => {
    now += 100;
    const writes = ids.map((roomId, i) => ({
      roomId,
      incarnation: incarnations[i],
      updates: [update],
      acceptedAt: [now],
      authorIds: ['ada'],
    }));
    return store.writeRooms(writes, now);
  };
  for (let i = 0; i < 50; i++) await commit();
  const started = performance.now();
  for (let i = 0; i < commits; i++) await commit();
  console.log(`${rooms} rooms, ${commits} commits: wall ${((performance.now() - started) / commits).toFixed(2)} ms per commit`);
} finally {
  await store.close();
  await admin.query(`DROP DATABASE ${database}`);
  await admin.end();
}
