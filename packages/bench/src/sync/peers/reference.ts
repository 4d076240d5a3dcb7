import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';
import { roomFromUrl } from '../ipc.js';
import { closeWsServer, listenLoopback, type BenchServer } from './bench-server.js';

/**
 * The reference y-websocket server (@y/websocket-server 0.1.1), wired as its own `src/server.js`
 * does but with a ws@8 server and the room taken from our `/ws/<room>` URL. No persistence
 * (YPERSISTENCE unset), which is how it is usually benchmarked and run behind a custom store.
 */
export async function startReference(): Promise<BenchServer> {
  const http = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (request, socket, head) => {
    const docName = roomFromUrl(request.url);
    if (docName === null) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => setupWSConnection(ws, request, { docName }));
  });
  const port = await listenLoopback(http);
  return {
    port,
    createRooms: () => Promise.resolve(),
    stop: () => closeWsServer(wss, http),
  };
}
