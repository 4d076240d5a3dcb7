// One group commit on the SQLite store, alone: CPU (this process, user + system) and WAL pages per
// commit of `SqliteRoomStore.writeRooms` with one small update for each of N rooms, on the real
// schema in a temporary file. No sockets, no worker thread, no other load: small changes to the
// storage path show here when a whole benchmark run's noise hides them (issue 9).
//
//   node bench/profiling/sqlite-commit.mjs [rooms=100] [commits=400]
// Needs a built server (npm run build).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase } from '../../packages/server/dist/storage/sqlite-schema.js';
import { SqliteRoomStore } from '../../packages/server/dist/storage/sqlite-store.js';
import { pairRoomCommits } from './pair-room-commits.mjs';

const rooms = Number(process.argv[2] ?? 100);
const commits = Number(process.argv[3] ?? 400);
const dir = mkdtempSync(join(tmpdir(), 'pairwise-commit-'));
const file = join(dir, 'rooms.sqlite');
const db = openSqliteDatabase(file);
const store = new SqliteRoomStore(db);
try {
  const commit = await pairRoomCommits(store, rooms);
  // Warm up, and give the log a history as long as a few minutes of typing.
  for (let i = 0; i < 300; i++) await commit();

  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  for (let i = 0; i < commits; i++) await commit();
  const cpu = process.cpuUsage(cpuBefore);
  const wall = performance.now() - wallBefore;

  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
  const walCommits = 50;
  for (let i = 0; i < walCommits; i++) await commit();
  const pageSize = db.pragma('page_size', { simple: true });
  const walPages = statSync(`${file}-wal`).size / pageSize / walCommits;

  const ms = (micros) => (micros / 1000 / commits).toFixed(3);
  console.log(
    `${rooms} rooms, ${commits} commits: CPU ${ms(cpu.user + cpu.system)} ms per commit ` +
      `(user ${ms(cpu.user)}, system ${ms(cpu.system)}), wall ${(wall / commits).toFixed(3)} ms, WAL ${walPages.toFixed(1)} pages per commit`,
  );
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
