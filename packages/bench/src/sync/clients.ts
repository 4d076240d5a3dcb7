import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import type { Scope } from './scope.js';
import { waitUntil } from './wait.js';

type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>;

/**
 * `ws` implements the browser WebSocket API y-websocket expects, but its TypeScript class is not
 * the DOM one: this is the one cast at that boundary (as in y-websocket's own Node examples).
 */
const WebSocketPolyfill = WebSocket as unknown as NonNullable<ProviderOptions['WebSocketPolyfill']>;

/** A stock y-websocket client, as an editor tab would run it. */
export interface BenchClient {
  readonly doc: Y.Doc;
  readonly text: Y.Text;
  readonly provider: WebsocketProvider;
  /** Times the server closed or lost this client's socket: must stay 0 in a healthy run. */
  readonly disconnects: () => number;
  destroy(): void;
}

export function connectClient(wsUrl: string, room: string, scope: Scope): BenchClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, room, doc, {
    WebSocketPolyfill,
    // Without this, providers of one room in one process sync through lib0's in-process
    // BroadcastChannel and never need the server: the benchmark would measure nothing.
    disableBc: true,
  });
  let disconnects = 0;
  provider.on('connection-close', () => disconnects++);
  let destroyed = false;
  const client: BenchClient = {
    doc,
    text: doc.getText(CODE_TEXT),
    provider,
    disconnects: () => disconnects,
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      provider.destroy();
      provider.awareness.destroy();
      doc.destroy();
    },
  };
  scope.defer(client.destroy);
  return client;
}

/**
 * Connected, and synced with the server's document if it keeps one. A relay never answers sync
 * step 1 itself, so there "ready" is just "socket open".
 */
export function isReady(client: BenchClient, stateful: boolean): boolean {
  return client.provider.wsconnected && (!stateful || client.provider.synced);
}

export async function connectAll(
  wsUrl: string,
  rooms: readonly string[],
  stateful: boolean,
  scope: Scope,
  timeoutMs = 20_000,
): Promise<BenchClient[]> {
  const clients = rooms.map((room) => connectClient(wsUrl, room, scope));
  await waitUntil(() => clients.every((c) => isReady(c, stateful)), `${clients.length} clients to connect`, timeoutMs, 10);
  return clients;
}

/** Every client of the set holds the same text (and, if given, exactly `expected`). */
export function converged(clients: readonly BenchClient[], expectedLength?: number): boolean {
  const first = clients[0]?.text.toString() ?? '';
  if (expectedLength !== undefined && first.length !== expectedLength) return false;
  return clients.every((c) => c.text.length === first.length && c.text.toString() === first);
}

export function totalDisconnects(clients: readonly BenchClient[]): number {
  return clients.reduce((sum, c) => sum + c.disconnects(), 0);
}
