import { afterEach } from 'vitest';
import type { Store } from '../../src/storage/index.js';
import { describeEachBackend, type StoreBackend } from './backends.js';

/** Opens a store on a fresh database of its own; `sameDatabase` opens another on the last one (a second instance). */
export interface OpenStore {
  (): Promise<Store>;
  sameDatabase(): Promise<Store>;
}

/**
 * Runs an access-control suite once per real store (SQLite, PostgreSQL); each test's databases
 * are dropped after it. Call with top-level await.
 */
export function describeEachStore(name: string, body: (openStore: OpenStore) => void): Promise<void> {
  return describeEachBackend(name, (createBackend) => {
    const backends: StoreBackend[] = [];
    // Registered before the suite's own afterEach, so it runs after it (once the server has closed the store).
    afterEach(async () => {
      for (const backend of backends.splice(0)) await backend.destroy();
    });
    const openStore = async (): Promise<Store> => {
      const backend = await createBackend();
      backends.push(backend);
      return backend.open();
    };
    const sameDatabase = (): Promise<Store> => {
      const last = backends[backends.length - 1];
      if (!last) throw new Error('sameDatabase() before any store was opened');
      return last.open();
    };
    body(Object.assign(openStore, { sameDatabase }));
  });
}
