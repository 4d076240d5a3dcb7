import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { roomFromUrl } from '../ipc.js';
import { listenLoopback, type BenchServer } from './bench-server.js';

/** The parts of ws@6's server that y-websocket 1.5.4's `bin/server.js` uses. */
interface ClassicSocket {
  terminate(): void;
}
interface ClassicWsServer {
  readonly clients: Set<ClassicSocket>;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: ClassicSocket) => void): void;
  close(done: () => void): void;
}
type ClassicWsModule = { Server: new (options: { noServer: true }) => ClassicWsServer };
type ClassicUtils = {
  setupWSConnection(conn: ClassicSocket, request: IncomingMessage, options: { docName: string }): void;
};

/**
 * The classic y-websocket server (y-websocket@1.5.4, installed as `y-websocket-1`), wired as its
 * `bin/server.js` does: its own ws@6, `setupWSConnection` from `bin/utils`, documents in memory
 * (YPERSISTENCE unset). Only the room comes from our `/ws/<room>` URL. The package is CommonJS
 * without types, hence the narrow shapes above.
 */
export async function startClassic(): Promise<BenchServer> {
  // Resolve from the package itself so `ws` is its own ws@6, not the workspace's ws@8.
  const require = createRequire(createRequire(import.meta.url).resolve('y-websocket-1/package.json'));
  const ws = require('ws') as ClassicWsModule;
  const { setupWSConnection } = require('./bin/utils.js') as ClassicUtils;
  const wss = new ws.Server({ noServer: true });
  const http = createServer((_request, response) => response.writeHead(404).end());
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const docName = roomFromUrl(request.url);
    if (docName === null) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (conn) => setupWSConnection(conn, request, { docName }));
  });
  const port = await listenLoopback(http);
  return {
    port,
    createRooms: () => Promise.resolve(),
    stop: async () => {
      for (const conn of wss.clients) conn.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
