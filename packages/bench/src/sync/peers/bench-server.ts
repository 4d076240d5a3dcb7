import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocketServer } from 'ws';

/** A server under test, as seen by the child-process launcher. */
export interface BenchServer {
  readonly port: number;
  /** Rooms must exist before clients join (Pairwise refuses unknown rooms); a no-op for the others. */
  createRooms(ids: readonly string[]): Promise<void>;
  /** Whether the room's document is in memory; only servers that unload rooms to storage say. */
  isLoaded?(roomId: string): boolean;
  stop(): Promise<void>;
}

/** Listen on an ephemeral loopback port. */
export async function listenLoopback(http: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  return (http.address() as AddressInfo).port;
}

/** Terminate every socket, then close the WebSocket and HTTP servers. */
export async function closeWsServer(wss: WebSocketServer, http: Server): Promise<void> {
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  await new Promise<void>((resolve) => http.close(() => resolve()));
}
