import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  CLOSE_CODES,
  CODE_TEXT,
  META_KEYS,
  META_MAP,
  MESSAGE_AWARENESS,
  MESSAGE_QUERY_AWARENESS,
  MESSAGE_SYNC,
  presenceUserSchema,
  type PresenceUser,
} from '@pairwise/protocol';
import { applyStoredUpdates } from '../storage/compaction.js';
import { decodeAwarenessUpdate, encodeAwarenessEntries } from './awareness-update.js';
import { carriageReturnItemsAddedIn, mayCarryCarriageReturn, normaliseLineEndings } from './line-endings.js';
import { awarenessMessage, syncStep1Message, syncStep2Message, syncUpdateMessage } from './messages.js';
import { DEFAULT_UNRESOLVED_LIMITS, UnresolvedUpdates, type UnresolvedLimits, type WaitingPart } from './unresolved-updates.js';
import { carriesNewStructs, overlapsStateVector, type StateVector } from './state-vectors.js';
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
  /** False while storage cannot keep up (its backlog for this room is full): clients' new edits are refused. */
  acceptsEdits(): boolean;
}

/** Transaction origin for changes the server makes itself (e.g. the rooms API). */
export const SERVER_ORIGIN = Symbol('pairwise-server');

export type ProtocolErrorHandler = (socket: SyncSocket, error: Error) => void;

export interface RoomOptions extends UnresolvedLimits {
  /** What rooms deleted earlier under this id held: content of theirs never enters this room. */
  retired: StateVector;
}

/** A client change the room refuses for a reason the client can act on, with the close code that says it. */
class RefusedChange extends Error {
  constructor(
    readonly closeCode: number,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'RefusedChange';
  }
}

/** The server failed while handling a client's message (e.g. storage refused a change): not the client's fault. */
export class ServerFailure extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ServerFailure';
  }
}

/** Transaction meta keys: a hook's failure, and a change whose sender must receive it too. */
const HOOK_FAILURE = Symbol('hook-failure');
const ECHO_TO_SENDER = Symbol('echo-to-sender');

/** One room's document, presence and connected sockets: the transport-free sync engine. */
export class Room {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Each socket with the awareness client ids it speaks for. */
  private readonly sockets = new Map<SyncSocket, Set<number>>();
  private readonly owners = new Map<number, SyncSocket>();
  private readonly unresolved: UnresolvedUpdates<SyncSocket>;
  private readonly retired: StateVector;

  constructor(
    readonly id: string,
    storedUpdates: readonly Uint8Array[],
    private readonly hooks: RoomHooks,
    private readonly onProtocolError: ProtocolErrorHandler = () => {},
    options: Partial<RoomOptions> = {},
  ) {
    this.retired = options.retired ?? new Map();
    this.unresolved = new UnresolvedUpdates({ ...DEFAULT_UNRESOLVED_LIMITS, ...options }, (socket) =>
      this.fail(socket, new Error('update depends on changes the client never sent')),
    );
    applyStoredUpdates(this.doc, storedUpdates);
    // The server is not a participant: it must not show up in anyone's presence list.
    this.awareness.setLocalState(null);
    this.doc.on('update', this.handleDocUpdate);
    this.awareness.on('update', this.handleAwarenessUpdate);
    this.doc.getMap(META_MAP).observe(this.handleMetaChange);
    // Text stored before the server kept line endings LF: fix it once, stored like any change.
    this.transactAndReport(SERVER_ORIGIN, () => normaliseLineEndings(this.text));
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
      this.fail(socket, err as Error);
    }
  }

  /** Forget a socket and remove its users' presence for everyone at once (no ghost cursors). */
  leave(socket: SyncSocket): void {
    const owned = this.sockets.get(socket);
    if (!owned) return;
    this.sockets.delete(socket);
    this.unresolved.forget(socket);
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
  changeMeta(change: RoomMeta & { aiCompletions?: boolean }): void {
    const map = this.doc.getMap<unknown>(META_MAP);
    this.transactAndReport(SERVER_ORIGIN, () => {
      if (change.name !== undefined) map.set(META_KEYS.name, change.name);
      if (change.language !== undefined) map.set(META_KEYS.language, change.language);
      if (change.aiCompletions !== undefined) map.set(META_KEYS.aiCompletions, change.aiCompletions);
    });
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
        this.receiveSync(socket, decoder);
        return;
      case MESSAGE_AWARENESS:
        this.receiveAwareness(socket, decoding.readVarUint8Array(decoder));
        return;
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
      case syncProtocol.messageYjsUpdate:
        this.applyClientUpdate(socket, decoding.readVarUint8Array(decoder));
        return;
      default:
        throw new Error(`unknown sync step ${step}`);
    }
  }

  /**
   * The one way a client changes the document (sync step 2 and update alike). Parts that depend on
   * changes the room does not have yet wait for them beside the document (UnresolvedUpdates).
   */
  private applyClientUpdate(socket: SyncSocket, update: Uint8Array): void {
    assertValidUpdate(update);
    this.assertAcceptable(update);
    this.transactAndReport(socket, (transaction) => {
      try {
        Y.applyUpdate(this.doc, update);
      } finally {
        this.unresolved.park(socket, this.doc.store);
      }
      const retried = this.applyReadyParts(socket);
      this.keepLineEndingsLf(transaction, [update, ...retried]);
    });
    if (this.unresolved.overBudget(socket)) throw new Error('too many bytes of updates waiting for their dependencies');
    this.settleWaitingSockets();
  }

  /**
   * Refuses content of a room deleted earlier under this id (a tab left open on it, reconnecting),
   * and new edits while storage cannot take them; an update with nothing new (a reader's sync
   * step 2) always passes, so readers stay connected.
   */
  private assertAcceptable(update: Uint8Array): void {
    if (overlapsStateVector(update, this.retired)) throw new RefusedChange(CLOSE_CODES.roomNotFound, 'room deleted');
    if (!this.hooks.acceptsEdits() && carriesNewStructs(update, this.doc)) {
      throw new RefusedChange(CLOSE_CODES.storageUnavailable, 'storage unavailable');
    }
  }

  /** Applies the socket's waiting parts whose dependencies arrived, again until none is ready; returns what was applied. */
  private applyReadyParts(socket: SyncSocket): Uint8Array[] {
    const { store } = this.doc;
    const applied: Uint8Array[] = [];
    for (let ready = this.unresolved.takeReady(socket, store); ready.length > 0; ready = this.unresolved.takeReady(socket, store)) {
      for (const part of ready) applied.push(...this.applyWaitingPart(socket, part));
    }
    return applied;
  }

  private applyWaitingPart(socket: SyncSocket, part: WaitingPart): Uint8Array[] {
    const encoded = [part.structs, part.deletes].filter((bytes) => bytes !== null);
    for (const bytes of encoded) {
      Y.applyUpdateV2(this.doc, bytes);
      this.unresolved.park(socket, this.doc.store, part.arrivedAt);
    }
    return encoded;
  }

  /** A change may unblock other sockets' waiting parts: each is applied as that socket's change. */
  private settleWaitingSockets(): void {
    for (
      let ready = this.unresolved.socketsWithReadyParts(this.doc.store);
      ready.length > 0;
      ready = this.unresolved.socketsWithReadyParts(this.doc.store)
    ) {
      for (const socket of ready) {
        try {
          this.transactAndReport(socket, (transaction) => this.keepLineEndingsLf(transaction, this.applyReadyParts(socket)));
        } catch (err) {
          this.fail(socket, err as Error);
        }
      }
    }
  }

  /**
   * Rewrites `\r` the transaction brought in, in the same transaction, so the one update relayed holds
   * the net effect and no editor ever sees a `\r`. Looks only when the applied bytes can hold one.
   */
  private keepLineEndingsLf(transaction: Y.Transaction, applied: readonly Uint8Array[]): void {
    if (!applied.some(mayCarryCarriageReturn)) return;
    const added = carriageReturnItemsAddedIn(transaction, this.text);
    if (added.size === 0) return;
    // Applying a client's update marked the transaction remote; left so, Yjs would take the server's
    // own insert in it for another client using the server's id, and change that id each time.
    transaction.local = true;
    normaliseLineEndings(this.text, added);
    // The sender holds the `\r` too: it must receive the fix.
    transaction.meta.set(ECHO_TO_SENDER, true);
  }

  /**
   * Runs `change` in one transaction, then throws a ServerFailure if a hook failed meanwhile. Hooks
   * never throw inside Yjs: a listener throwing during its cleanup leaves the document unable to
   * finish any later transaction (no more 'update' events: nothing stored or relayed again).
   */
  private transactAndReport(origin: unknown, change: (transaction: Y.Transaction) => void): void {
    const transaction = this.doc.transact((t) => {
      change(t);
      return t;
    }, origin);
    const failure: unknown = transaction.meta.get(HOOK_FAILURE);
    if (failure === undefined) return;
    const reason = failure instanceof Error ? failure.message : String(failure);
    throw new ServerFailure(`storing or reporting a change failed: ${reason}`, { cause: failure });
  }

  /** Closes one socket after its message failed: 1011 when the server failed, 1007 for bad input. */
  private fail(socket: SyncSocket, error: Error): void {
    this.onProtocolError(socket, error);
    if (error instanceof RefusedChange) socket.close(error.closeCode, error.reason);
    else if (error instanceof ServerFailure) socket.close(CLOSE_CODES.internalError, 'server error');
    else socket.close(CLOSE_CODES.invalidMessage, 'invalid message');
    this.leave(socket);
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

  private readonly handleDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    // Relayed before storing: should storing fail, every client still holds what this room holds.
    this.broadcast(syncUpdateMessage(update), transaction.meta.has(ECHO_TO_SENDER) ? null : origin);
    runHook(transaction, () => this.hooks.onUpdate(update));
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
    if (transaction.origin !== SERVER_ORIGIN) runHook(transaction, () => this.hooks.onMetaChange(this.meta()));
  };

  private everyoneAwarenessMessage(): Uint8Array {
    const present = [...this.awareness.getStates().keys()];
    return awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, present));
  }

  /** Encodes once, sends the same buffer to every socket but the one it came from (none when `except` is null). */
  private broadcast(message: Uint8Array, except: unknown): void {
    for (const socket of this.sockets.keys()) {
      if (socket !== except) socket.send(message);
    }
  }
}

/** Runs a hook inside a Yjs listener; its failure is kept on the transaction for transactAndReport. */
function runHook(transaction: Y.Transaction, hook: () => void): void {
  try {
    hook();
  } catch (err) {
    if (!transaction.meta.has(HOOK_FAILURE)) transaction.meta.set(HOOK_FAILURE, err);
  }
}
