import { describe } from 'vitest';
import { MemoryRoomStore, type Store } from '../../src/storage/index.js';

/**
 * Runs an access-control suite once per store. The in-memory store is the reference; the SQL
 * stores join once their account and access implementations land.
 */
export function describeEachStore(name: string, body: (openStore: () => Promise<Store>) => void): void {
  describe(`${name} [memory]`, () => body(async () => new MemoryRoomStore()));
}
