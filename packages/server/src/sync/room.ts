import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  CLOSE_CODES, CODE_TEXT, META_KEYS, META_MAP, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC,
  presenceUserSchema, type PresenceUser,
} from '@pairwise/protocol';
import { applyStoredUpdates } from '../storage/compaction.js';
import { decodeAwarenessUpdate, encodeAwarenessEntries } from './awareness-update.js';
import { awarenessMessage, syncStep1Message, syncStep2Message, syncUpdateMessage } from './messages.js';
import { assertValidUpdate } from './update-guard.js';

/**
 * Anything that can carry y-websocket frames to one client. The room never sees the transport,
 * so tests drive it with plain objects and other transports can be added without touching it.
 */
export interface SyncSocket {
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface RoomMeta {
  name?: string;
  language?: string;
}

export interface RoomHooks {
  /** Every change the room accepts, in order, for storage. Called synchronously. */
  onUpdate(update: Uint8Array): void;
  /** A client changed the room's settings (`meta` map). Not called for `SERVER_ORIGIN` changes. */
  onMetaChange(meta: RoomMeta): void;
}

/** Transaction origin for changes the server makes itself (e.g. the rooms API). */
export const SERVER_ORIGIN = Symbol('pairwise-server');

export type ProtocolErrorHandler = (socket: SyncSocket, error: Error) => void;

/** One room's document, presence and connected sockets: the transport-free sync engine. */
export class Room {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Each socket with the awareness client ids it speaks for. */
  private readonly sockets = new Map<SyncSocket, Set<number>>();
  private readonly owners = new Map<number, SyncSocket>();

  constructor(
    readonly id: string,
    storedUpdates: readonly Uint8Array[],
    private readonly hooks: RoomHooks,
    private readonly onProtocolError: ProtocolErrorHandler = () => {},
  ) {
    applyStoredUpdates(this.doc, storedUpdates);
    // The server is not a participant: it must not show up in anyone's presence list.
    this.awareness.setLocalState(null);
    this.doc.on('update', this.handleDocUpdate);
    this.awareness.on('update', this.handleAwarenessUpdate);
    this.doc.getMap(META_MAP).observe(this.handleMetaChange);
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  get text(): Y.Text {
    return this.doc.getText(CODE_TEXT);
  }

  meta(): RoomMeta {
    const map = this.doc.getMap<unknown>(META_MAP);
    const name = map.get(META_KEYS.name);
    const language = map.get(META_KEYS.language);
    return {
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof language === 'string' ? { language } : {}),
    };
  }

  /** People in the room, from the `user` field of each awareness state. */
  presence(): PresenceUser[] {
    const users: PresenceUser[] = [];
    for (const state of this.awareness.getStates().values()) {
      const user = presenceUserSchema.safeParse((state as { user?: unknown }).user);
      if (user.success) users.push(user.data);
    }
    return users;
  }

  join(socket: SyncSocket): void {
    this.sockets.set(socket, new Set());
    socket.send(syncStep1Message(this.doc));
    if (this.awareness.getStates().size > 0) socket.send(this.everyoneAwarenessMessage());
  }

  /** Handle one frame. A malformed frame closes that socket only; the room is untouched. */
  receive(socket: SyncSocket, message: Uint8Array): void {
    if (!this.sockets.has(socket)) return;
    try {
      this.dispatch(socket, message);
    } catch (err) {
      this.onProtocolError(socket, err as Error);
      socket.close(CLOSE_CODES.invalidMessage, 'invalid message');
      this.leave(socket);
    }
  }

  /** Forget a socket and remove its users' presence for everyone at once (no ghost cursors). */
  leave(socket: SyncSocket): void {
    const owned = this.sockets.get(socket);
    if (!owned) return;
    this.sockets.delete(socket);
    if (owned.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...owned], socket);
  }

  /** Close every socket, e.g. when the room is deleted or the server shuts down. */
  closeAll(code: number, reason: string): void {
    for (const socket of [...this.sockets.keys()]) {
      socket.close(code, reason);
      this.leave(socket);
    }
  }

  /** Apply a change made by the server (not a client), stored and broadcast like any other. */
  changeMeta(change: RoomMeta): void {
    const map = this.doc.getMap<unknown>(META_MAP);
    this.doc.transact(() => {
      if (change.name !== undefined) map.set(META_KEYS.name, change.name);
      if (change.language !== undefined) map.set(META_KEYS.language, change.language);
    }, SERVER_ORIGIN);
  }

  destroy(): void {
    this.closeAll(CLOSE_CODES.goingAway, 'room closed');
    this.doc.off('update', this.handleDocUpdate);
    this.awareness.off('update', this.handleAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  private dispatch(socket: SyncSocket, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MESSAGE_SYNC:
        return this.receiveSync(socket, decoder);
      case MESSAGE_AWARENESS:
        return this.receiveAwareness(socket, decoding.readVarUint8Array(decoder));
      case MESSAGE_QUERY_AWARENESS:
        socket.send(this.everyoneAwarenessMessage());
        return;
      default:
        throw new Error(`unknown message type ${type}`);
    }
  }

  private receiveSync(socket: SyncSocket, decoder: decoding.Decoder): void {
    const step = decoding.readVarUint(decoder);
    switch (step) {
      case syncProtocol.messageYjsSyncStep1:
        socket.send(syncStep2Message(this.doc, decoding.readVarUint8Array(decoder)));
        return;
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate: {
        const update = decoding.readVarUint8Array(decoder);
        assertValidUpdate(update);
        Y.applyUpdate(this.doc, update, socket);
        this.dropUnresolvedDependencies();
        return;
      }
      default:
        throw new Error(`unknown sync step ${step}`);
    }
  }

  /**
   * Parts of an update that depend on changes this room never saw are parked by Yjs: never stored,
   * yet served to every joining client, and re-merged on every later update. Drop them and close
   * the socket instead; the client still holds them and sends them again, with what they depend
   * on, when it resyncs after reconnecting.
   */
  private dropUnresolvedDependencies(): void {
    const { store } = this.doc;
    if (store.pendingStructs === null && store.pendingDs === null) return;
    store.pendingStructs = null;
    store.pendingDs = null;
    throw new Error('update depends on changes the server does not have');
  }

  /** Applies only entries for client ids this socket owns or that nobody owns yet. */
  private receiveAwareness(socket: SyncSocket, update: Uint8Array): void {
    const entries = decodeAwarenessUpdate(update);
    const allowed = entries.filter((e) => {
      const owner = this.owners.get(e.clientId);
      return owner === undefined || owner === socket;
    });
    if (allowed.length === 0) return;
    const filtered = allowed.length === entries.length ? update : encodeAwarenessEntries(allowed);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, filtered, socket);
  }

  private readonly handleDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.hooks.onUpdate(update);
    this.broadcast(syncUpdateMessage(update), origin);
  };

  private readonly handleAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const owned = this.sockets.get(origin as SyncSocket);
    if (owned) {
      for (const id of [...added, ...updated]) {
        owned.add(id);
        this.owners.set(id, origin as SyncSocket);
      }
    }
    for (const id of removed) {
      this.sockets.get(this.owners.get(id) as SyncSocket)?.delete(id);
      this.owners.delete(id);
    }
    const changed = [...added, ...updated, ...removed];
    this.broadcast(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)), origin);
  };

  private readonly handleMetaChange = (_event: Y.YMapEvent<unknown>, transaction: Y.Transaction): void => {
    if (transaction.origin !== SERVER_ORIGIN) this.hooks.onMetaChange(this.meta());
  };

  private everyoneAwarenessMessage(): Uint8Array {
    const present = [...this.awareness.getStates().keys()];
    return awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, present));
  }

  /** Encodes once, sends the same buffer to every socket but the one it came from. */
  private broadcast(message: Uint8Array, except: unknown): void {
    for (const socket of this.sockets.keys()) {
      if (socket !== except) socket.send(message);
    }
  }
}
