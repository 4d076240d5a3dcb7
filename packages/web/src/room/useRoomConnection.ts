import { useEffect, useRef, useState } from 'react';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import { CODE_TEXT, MESSAGE_PAIRWISE_HELLO, MESSAGE_STORED_STATE, META_MAP } from '@pairwise/protocol';
import type { PresenceState } from '@pairwise/protocol';
import { closeKind, rateLimitDelayMs, type SocketStatus } from '../lib/connectionStatus';
import { isEditFrame, storedFramesOf, UnsavedEdits } from '../lib/unsavedEdits';

export interface RoomConnection {
  doc: Y.Doc;
  text: Y.Text;
  meta: Y.Map<unknown>;
  awareness: Awareness;
  provider: WebsocketProvider;
}

export interface ConnectionState {
  socket: SocketStatus;
  synced: boolean;
  everSynced: boolean;
  online: boolean;
  /**
   * This tab's edits the server has not yet said are in durable storage (see UnsavedEdits); 0 is
   * "Saved". They live in the Y.Doc and go out on reconnect.
   */
  unsavedEdits: number;
  /**
   * The server closed the socket because it cannot store edits (4503); cleared by the next sync.
   * The provider keeps retrying with back-off.
   */
  storageDown: boolean;
  /** After a 4429: when the next attempt is due (epoch ms); cleared by the next sync. */
  retryAt: number | null;
  /** Set when the server closed the socket for good (4400-4499 but 4429); the provider stops retrying. */
  closed: { code: number; reason: string } | null;
}

const INITIAL_STATE: ConnectionState = {
  socket: 'connecting',
  synced: false,
  everSynced: false,
  online: true,
  unsavedEdits: 0,
  storageDown: false,
  retryAt: null,
  closed: null,
};

export function websocketBase(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
}

function sameState(a: ConnectionState, b: ConnectionState): boolean {
  return (
    a.socket === b.socket &&
    a.synced === b.synced &&
    a.everSynced === b.everSynced &&
    a.online === b.online &&
    a.unsavedEdits === b.unsavedEdits &&
    a.storageDown === b.storageDown &&
    a.retryAt === b.retryAt &&
    a.closed === b.closed
  );
}

/** Same keys and values, in any order: decides whether the socket URL changed. */
function sameParams(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/**
 * One Y.Doc + y-websocket provider per room, torn down on unmount or room change.
 * The user's identity goes into awareness as soon as the socket opens. `params` go on the socket
 * URL (credentials, a guest's name); the server reads them once per connection, so a change
 * reconnects. `onRoleChanged` runs when the server closes the socket because our role was lowered
 * (4100); the provider reconnects by itself. On every connect it sends the Pairwise hello, so the
 * server tells it what it has stored (MESSAGE_STORED_STATE) and sends it the room's chat
 * (MESSAGE_CHAT, handled by useChat).
 */
export function useRoomConnection(
  roomId: string,
  user: { name: string; color: string },
  params: Record<string, string>,
  onRoleChanged: () => void,
): { connection: RoomConnection | null; state: ConnectionState } {
  const [connection, setConnection] = useState<RoomConnection | null>(null);
  const [state, setState] = useState<ConnectionState>(INITIAL_STATE);
  const userRef = useRef(user);
  userRef.current = user;
  const paramsRef = useRef(params);
  paramsRef.current = params;
  const onRoleChangedRef = useRef(onRoleChanged);
  onRoleChangedRef.current = onRoleChanged;

  useEffect(() => {
    const doc = new Y.Doc();
    const unsaved = new UnsavedEdits();
    // Subscribed before the provider is: a local edit is counted before y-websocket sends its frame.
    doc.on('update', (_update: Uint8Array, origin: unknown) => {
      if (!(origin instanceof WebsocketProvider)) unsaved.edited();
    });
    // connect: false so no status event fires before the listeners below are attached.
    const provider = new WebsocketProvider(`${websocketBase(window.location)}/ws`, roomId, doc, {
      connect: false,
      params: { ...paramsRef.current },
    });
    const awareness = provider.awareness;
    const localPresence = (): PresenceState => ({ user: { ...userRef.current } });
    awareness.setLocalState(localPresence());

    let current: ConnectionState = { ...INITIAL_STATE, online: navigator.onLine };
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    /** 4429s in a row since the last sync, for the back-off. */
    let rateLimitedInARow = 0;
    const publish = (patch: Partial<ConnectionState>) => {
      const next = { ...current, ...patch };
      if (sameState(next, current)) return;
      current = next;
      setState(next);
    };

    provider.messageHandlers[MESSAGE_STORED_STATE] = (_reply, decoder) => {
      const frames = storedFramesOf(decoder);
      if (frames === null) return;
      unsaved.stored(frames);
      publish({ unsavedEdits: unsaved.count });
    };
    const onStatus = ({ status }: { status: SocketStatus }) => {
      // Emitted from the socket's open event, before y-websocket's own first message.
      const ws = provider.ws;
      if (status === 'connected' && ws) {
        unsaved.connected();
        // The server says how many of this socket's edit frames it stored; y-websocket has no hook
        // for frames it sends, so they are counted on their way out.
        const send = ws.send.bind(ws);
        ws.send = (frame) => {
          if (isEditFrame(frame)) unsaved.frameSent();
          send(frame);
        };
        send(Uint8Array.of(MESSAGE_PAIRWISE_HELLO));
      }
      publish({ socket: status, synced: provider.synced });
    };
    const onSync = (synced: boolean) => {
      if (synced) rateLimitedInARow = 0;
      publish(synced ? { synced, everSynced: true, storageDown: false, retryAt: null } : { synced });
    };
    const onClosed = (event: { code: number; reason: string }) => {
      if (closeKind(event.code) !== 'rate-limited') {
        publish({ closed: { code: event.code, reason: event.reason } });
        return;
      }
      // The provider retries within 2.5 s at most, which would only get refused again: wait longer, growing.
      const delay = rateLimitDelayMs(rateLimitedInARow++);
      publish({ retryAt: Date.now() + delay });
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => provider.connect(), delay);
    };
    const onConnectionClose = (event: CloseEvent | null) => {
      const kind = event ? closeKind(event.code) : 'drop';
      if (kind === 'storage-down') publish({ storageDown: true });
      if (kind === 'role-changed') onRoleChangedRef.current();
    };
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin !== provider) publish({ unsavedEdits: unsaved.count });
    };
    const onOnline = () => {
      publish({ online: true });
      // Skip the rest of the reconnect backoff: the network is back now.
      if (provider.ws === null && current.closed === null) provider.connect();
    };
    const onOffline = () => publish({ online: false });
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (current.unsavedEdits > 0) {
        event.preventDefault();
        // Older browsers only prompt when returnValue is set.
        event.returnValue = '';
      }
    };
    // Clear presence as the tab goes away, so partners never keep a ghost cursor.
    const onPageHide = () => awareness.setLocalState(null);
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) awareness.setLocalState(localPresence());
    };

    provider.on('status', onStatus);
    provider.on('sync', onSync);
    provider.on('closed', onClosed);
    provider.on('connection-close', onConnectionClose);
    doc.on('update', onUpdate);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    window.addEventListener('beforeunload', onBeforeUnload);
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);

    setState(current);
    setConnection({ doc, text: doc.getText(CODE_TEXT), meta: doc.getMap<unknown>(META_MAP), awareness, provider });
    provider.connect();

    return () => {
      clearTimeout(retryTimer);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('beforeunload', onBeforeUnload);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
      doc.off('update', onUpdate);
      provider.off('status', onStatus);
      provider.off('sync', onSync);
      provider.off('closed', onClosed);
      provider.off('connection-close', onConnectionClose);
      // Tell the others we left while the socket is still open, then close it.
      awareness.setLocalState(null);
      provider.destroy();
      awareness.destroy();
      doc.destroy();
      setConnection(null);
    };
  }, [roomId]);

  useEffect(() => {
    if (!connection) return;
    const { awareness } = connection;
    if (awareness.getLocalState() === null) return;
    awareness.setLocalStateField('user', { name: user.name, color: user.color });
  }, [connection, user.name, user.color]);

  // Compared by value: a new object with the same entries changes nothing.
  useEffect(() => {
    const provider = connection?.provider;
    if (!provider || sameParams(provider.params, params)) return;
    provider.params = { ...params };
    if (provider.ws === null) return;
    // Reconnect so the server reads the new parameters; the Y.Doc and its edits stay.
    provider.disconnect();
    provider.connect();
  }, [connection, params]);

  return { connection, state };
}
