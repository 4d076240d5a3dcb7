import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';

export interface TestClient {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  readonly text: Y.Text;
  /** Resolves when the provider has completed a sync with the server. */
  synced(): Promise<void>;
  destroy(): void;
}

/** A stock y-websocket client, exactly as a third-party app would use it. */
export function connectClient(
  wsUrl: string,
  roomId: string,
  options: { connect?: boolean; params?: Record<string, string> } = {},
): TestClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, roomId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    connect: options.connect ?? true,
    // Query parameters of every (re)connect, e.g. `name`/`color` for a guest or a role for a test resolver.
    params: options.params ?? {},
    // Clients in one process would otherwise sync through a BroadcastChannel and hide server bugs.
    disableBc: true,
    // Keep reconnects quick so tests that drop connections stay fast.
    maxBackoffTime: 300,
  });
  return {
    doc,
    provider,
    text: doc.getText(CODE_TEXT),
    synced: () =>
      provider.synced
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const onSync = (isSynced: boolean): void => {
              if (!isSynced) return;
              provider.off('sync', onSync);
              resolve();
            };
            provider.on('sync', onSync);
          }),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Polls until `check` returns true, failing with `message` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, message: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
