import { createServer } from 'node:http';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { roomFromUrl } from '../ipc.js';
import { closeWsServer, listenLoopback, type BenchServer } from './bench-server.js';

/**
 * The upper bound: rebroadcasts every frame to the room's other sockets and keeps no document.
 * Clients still converge because stock y-websocket clients answer each other's sync step 1.
 */
export async function startRelay(): Promise<BenchServer> {
  const rooms = new Map<string, Set<WebSocket>>();
  const http = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (request, socket, head) => {
    const room = roomFromUrl(request.url);
    if (room === null) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => join(rooms, room, ws));
  });
  const port = await listenLoopback(http);
  return {
    port,
    createRooms: () => Promise.resolve(),
    stop: () => closeWsServer(wss, http),
  };
}

function join(rooms: Map<string, Set<WebSocket>>, room: string, ws: WebSocket): void {
  const members = rooms.get(room) ?? new Set<WebSocket>();
  rooms.set(room, members);
  members.add(ws);
  ws.on('error', () => ws.terminate());
  ws.on('close', () => {
    members.delete(ws);
    if (members.size === 0 && rooms.get(room) === members) rooms.delete(room);
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    for (const peer of members) {
      if (peer !== ws && peer.readyState === WebSocket.OPEN) peer.send(data, { binary: isBinary });
    }
  });
}
