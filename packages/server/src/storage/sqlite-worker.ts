/**
 * Worker-thread entry of SqliteWorkerStore: owns the one SqliteRoomStore (synchronous
 * better-sqlite3) so its commits, fsyncs and busy waits block this thread, never the event loop
 * that fans edits out.
 */
import { workerData } from 'node:worker_threads';
import { SqliteRoomStore } from './sqlite-store.js';
import type { RoomStore } from './store.js';
import { serveCalls, type CallHandler } from './worker-host.js';

export interface SqliteWorkerData {
  filePath: string;
  /** Test and bench only: block this thread this long before each write transaction, as a slow fsync would. */
  simulatedCommitDelayMs: number;
}

/** The RoomStore methods that run a write transaction. */
const WRITES = new Set<keyof RoomStore>(['createRoom', 'deleteRoom', 'writeRooms', 'compactDocument']);

const { filePath, simulatedCommitDelayMs } = workerData as SqliteWorkerData;

function blockThisThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function methodsOf(store: SqliteRoomStore): CallHandler['methods'] {
  const methods: Record<string, (...args: never[]) => unknown> = {};
  for (const name of Object.getOwnPropertyNames(SqliteRoomStore.prototype) as (keyof RoomStore)[]) {
    if (name === ('constructor' as string) || name === 'close') continue;
    const method = store[name].bind(store) as (...args: never[]) => unknown;
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
  const store = await SqliteRoomStore.open(filePath);
  return { methods: methodsOf(store), close: () => store.close() };
});
