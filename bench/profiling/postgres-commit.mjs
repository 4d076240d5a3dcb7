// One group commit on the PostgreSQL store, alone: wall time per commit of `PostgresRoomStore.writeRooms`
// with one small update for each of N rooms, in a scratch database on the local PostgreSQL (dropped
// afterwards). Most of a commit's cost is PostgreSQL's own, so wall time is the figure here
// (`sqlite-commit.mjs` is the SQLite counterpart, issue 9).
//
//   node bench/profiling/postgres-commit.mjs [rooms=500] [commits=200]
// Needs a built server (npm run build) and PostgreSQL on 127.0.0.1:5432 with trust auth.
import pg from 'pg';
import { PostgresRoomStore } from '../../packages/server/dist/storage/postgres-store.js';
import { pairRoomCommits } from './pair-room-commits.mjs';

const rooms = Number(process.argv[2] ?? 500);
const commits = Number(process.argv[3] ?? 200);
const admin = new pg.Client('postgres://postgres@127.0.0.1:5432/postgres');
await admin.connect();
const database = `pairwise_bench_commit_${process.pid}`;
await admin.query(`CREATE DATABASE ${database}`);
const store = await PostgresRoomStore.open(`postgres://postgres@127.0.0.1:5432/${database}`);
try {
  const commit = await pairRoomCommits(store, rooms);
  for (let i = 0; i < 50; i++) await commit();
  const started = performance.now();
  for (let i = 0; i < commits; i++) await commit();
  console.log(`${rooms} rooms, ${commits} commits: wall ${((performance.now() - started) / commits).toFixed(2)} ms per commit`);
} finally {
  await store.close();
  await admin.query(`DROP DATABASE ${database}`);
  await admin.end();
}
