/**
 * Worker-thread entry of SqliteWorkerStore: owns the one SQLite connection (synchronous
 * better-sqlite3) and the parts of the store that use it, so their commits, fsyncs and
 * busy waits block this thread, never the event loop that fans edits out.
 */
import { workerData } from 'node:worker_threads';
import { SqliteAccess } from './sqlite-access.js';
import { type PackedRoomWrites, unpackRoomWrites } from './packed-updates.js';
import { SqliteAccounts } from './sqlite-accounts.js';
import { SqliteChat } from './sqlite-chat.js';
import { SqliteHistory } from './sqlite-history.js';
import { SqliteRuns } from './sqlite-runs.js';
import { openSqliteDatabase } from './sqlite-schema.js';
import { SqliteRoomStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { serveCalls, type CallHandler } from './worker-host.js';

export interface SqliteWorkerData {
  filePath: string;
  /** Test and bench only: block this thread this long before each write transaction, as a slow fsync would. */
  simulatedCommitDelayMs: number;
}

/** The Store methods that run a write transaction. */
const WRITES = new Set<string>([
  'createRoom',
  'deleteRoom',
  'writeRooms',
  'touchRooms',
  'storeCheckpoint',
  'addVersion',
  'thinHistory',
  'deleteAutoVersionsBefore',
  'createUser',
  'createSession',
  'revokeSession',
  'ensureSecret',
  'updateAccess',
  'setMember',
  'removeMember',
  'createLink',
  'revokeLink',
  'appendChat',
  'createRun',
  'saveRun',
  'loseStaleRuns',
] satisfies (keyof Store)[]);

const { filePath, simulatedCommitDelayMs } = workerData as SqliteWorkerData;

function blockThisThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Every method of `part` (its class's own, except the constructor and close) by name. */
function methodsOf(part: object): CallHandler['methods'] {
  const methods: Record<string, (...args: never[]) => unknown> = {};
  const prototype = Object.getPrototypeOf(part) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const member = prototype[name];
    if (name === 'constructor' || name === 'close' || typeof member !== 'function') continue;
    const method = (member as (...args: never[]) => unknown).bind(part);
    methods[name] =
      simulatedCommitDelayMs > 0 && WRITES.has(name)
        ? (...args) => {
            blockThisThread(simulatedCommitDelayMs);
            return method(...args);
          }
        : method;
  }
  return methods;
}

await serveCalls(async () => {
  const db = openSqliteDatabase(filePath);
  const rooms = new SqliteRoomStore(db);
  const methods = {
    ...methodsOf(rooms),
    ...methodsOf(new SqliteAccounts(db)),
    ...methodsOf(new SqliteAccess(db)),
    ...methodsOf(new SqliteChat(db)),
    ...methodsOf(new SqliteHistory(db)),
    ...methodsOf(new SqliteRuns(db)),
  };
  const { writeRooms } = methods;
  if (!writeRooms) throw new Error('SqliteRoomStore has no writeRooms');
  // Group commits arrive packed (packed-updates.ts): one buffer instead of a clone per update.
  const writePackedRooms = (packed: PackedRoomWrites, updatedAt: number) =>
    (writeRooms as (...args: unknown[]) => unknown)(unpackRoomWrites(packed), updatedAt);
  return { methods: { ...methods, writePackedRooms }, close: () => rooms.close() };
});
