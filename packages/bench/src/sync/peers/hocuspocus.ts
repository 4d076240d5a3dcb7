import { join } from 'node:path';
import { SQLite } from '@hocuspocus/extension-sqlite';
import { Server } from '@hocuspocus/server';
import type { BenchServer } from './bench-server.js';

/**
 * Hocuspocus 3 (@hocuspocus/server) with its documented defaults (debounce 2 s, maxDebounce 10 s,
 * timeout 30 s), in memory or with @hocuspocus/extension-sqlite storing each document to a file
 * in `dataDir`. Documents are named in every message, so the URL path is ignored and rooms need
 * no creating. `quiet` and `stopOnSignals: false` only silence the banner and leave signals to us.
 */
export async function startHocuspocus(storage: 'memory' | 'sqlite', dataDir: string): Promise<BenchServer> {
  const server = new Server({
    port: 0,
    address: '127.0.0.1',
    quiet: true,
    stopOnSignals: false,
    extensions: storage === 'sqlite' ? [new SQLite({ database: join(dataDir, 'hocuspocus.sqlite') })] : [],
  });
  await server.listen();
  return {
    port: server.address.port,
    createRooms: () => Promise.resolve(),
    isLoaded: (roomId) => server.hocuspocus.documents.has(roomId),
    stop: () => server.destroy(),
  };
}
