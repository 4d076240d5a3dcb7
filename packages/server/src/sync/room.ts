import type * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CLOSE_CODES, CODE_TEXT, META_MAP, type PresenceUser, type RoomRole } from '@pairwise/protocol';
import type { ConnectionSession } from '../access/session.js';
import { NO_SERVER_EVENTS, type ServerEvents } from '../observability/server-events.js';
import { applyStoredUpdates } from '../storage/compaction.js';
import type { OnBehalfOf } from './history-authors.js';
import { keepLineEndingsLf, normaliseLineEndings } from './line-endings.js';
import { readIncoming, syncStep1Message, syncStep2Message, syncUpdateMessage } from './messages.js';
import { PresenceRelay } from './presence-relay.js';
import { mayEdit, verdictFor, type RoomMessage } from './role-matrix.js';
import { DEFAULT_ROOM_LIMITS, type RoomLimits } from './room-limits.js';
import { RoomSize } from './room-size.js';
import { RoomSettings } from './room-settings.js';
import { DEFAULT_UNRESOLVED_LIMITS, UnresolvedUpdates, type WaitingPart } from './unresolved-updates.js';
import { ChangeFeed } from './change-feed.js';
import { carriesNewStructs, EMPTY_STATE_VECTOR, overlapsStateVector, soleClientAtState } from './state-vectors.js';
import { ECHO_TO_SENDER, HOOK_FAILURE, runHook } from './transaction-marks.js';
import { assertValidUpdate } from './update-guard.js';
import {
  RefusedChange,
  reportFailure,
  SERVER_ORIGIN,
  ServerFailure,
  type ProtocolErrorHandler,
  type RoomConnection as Connection,
  type RoomHooks,
  type RoomMeta,
  type RoomOptions,
  type SyncSocket,
} from './room-contract.js';
import { newDoc } from '../storage/new-doc.js';

export { SERVER_ORIGIN, ServerFailure, type ProtocolErrorHandler, type RoomHooks, type RoomMeta, type RoomOptions, type SyncSocket };

/** One room's document, presence and connected sockets: the transport-free sync engine. */
export class Room {
  readonly doc = newDoc();
  /** The stored life of the room this copy belongs to (see RoomOptions). */
  readonly incarnation: string;
  /** Counted stored bytes; the registry reports compactions to it. */
  readonly size: RoomSize;
  private readonly people: PresenceRelay<SyncSocket>;
  private readonly sockets = new Map<SyncSocket, Connection>();
  private readonly unresolved: UnresolvedUpdates<SyncSocket>;
  private readonly retired: ReadonlyMap<number, number>;
  /** Of the room's limits only this one is the room's own; the others are handed to their parts below. */
  private readonly maxConnections: number;
  private readonly settings: RoomSettings;
  private readonly events: ServerEvents;
  private readonly changes: ChangeFeed;
  /** When the client frame being handled entered the room (for fan-out time); null between frames. */
  private frameArrivedAt: number | null = null;

  constructor(
    readonly id: string,
    storedUpdates: readonly Uint8Array[],
    private readonly hooks: RoomHooks,
    private readonly onProtocolError: ProtocolErrorHandler = () => {},
    options: Partial<RoomOptions> = {},
  ) {
    this.retired = options.retired ?? EMPTY_STATE_VECTOR;
    this.incarnation = options.incarnation ?? '';
    // Merged here and not kept: each part keeps the numbers it checks (a limits object per room was 64 bytes).
    const limits: RoomLimits = { ...DEFAULT_ROOM_LIMITS, ...options.limits };
    this.maxConnections = limits.maxConnections;
    this.events = options.events ?? NO_SERVER_EVENTS;
    // Only the two limits: spreading all of `options` kept a copy of every option per room (344 bytes).
    const { maxWaitMs = DEFAULT_UNRESOLVED_LIMITS.maxWaitMs, maxBytes = DEFAULT_UNRESOLVED_LIMITS.maxBytes } = options;
    this.unresolved = new UnresolvedUpdates({ maxWaitMs, maxBytes }, (socket) =>
      this.fail(socket, new Error('update depends on changes the client never sent')),
    );
    applyStoredUpdates(this.doc, storedUpdates);
    this.size = new RoomSize(limits, storedUpdates);
    this.settings = new RoomSettings(this.doc.getMap<unknown>(META_MAP));
    this.people = new PresenceRelay(
      this.doc,
      { maxIdsPerConnection: limits.maxAwarenessIdsPerConnection, graceMs: limits.awarenessIdGraceMs },
      (message, except) => this.broadcast(message, except),
    );
    this.changes = new ChangeFeed(this.doc, this.handleDocUpdate);
    this.doc.getMap<unknown>(META_MAP).observe(this.handleMetaChange);
    // Text stored before the server kept line endings LF: fix it once, stored like any change.
    this.transactAndReport(SERVER_ORIGIN, () => normaliseLineEndings(this.text));
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  get text(): Y.Text {
    return this.doc.getText(CODE_TEXT);
  }

  get awareness(): awarenessProtocol.Awareness {
    return this.people.awareness;
  }

  meta(): RoomMeta {
    return this.settings.read();
  }

  /** People in the room, from the `user` field of each awareness state (set from their sessions). */
  presence(): PresenceUser[] {
    return this.people.users();
  }

  /** The session of an open connection; undefined for a socket not in the room. */
  sessionOf(socket: unknown): ConnectionSession | undefined {
    return this.sockets.get(socket as SyncSocket)?.session;
  }

  /** Every open connection with its session, e.g. to review roles after access changed. */
  connections(): [SyncSocket, ConnectionSession][] {
    return [...this.sockets].map(([socket, { session }]) => [socket, session]);
  }

  /** Takes a socket in with its session; a full room refuses it (4429) and returns false. */
  join(socket: SyncSocket, session: ConnectionSession): boolean {
    if (this.sockets.size >= this.maxConnections) {
      this.events.limitHit('room_connections');
      socket.close(CLOSE_CODES.rateLimited, 'too many connections in this room');
      return false;
    }
    this.sockets.set(socket, { session, ignoredFrames: 0, editFrames: 0, subscribed: false, awarenessIds: this.people.join(session) });
    socket.send(syncStep1Message(this.doc));
    if (this.awareness.getStates().size > 0) socket.send(this.people.everyoneMessage());
    return true;
  }

  /** Handle one frame. A malformed frame closes that socket only; the room is untouched. */
  receive(socket: SyncSocket, message: Uint8Array): void {
    const connection = this.sockets.get(socket);
    if (!connection) return;
    this.frameArrivedAt = performance.now();
    try {
      this.dispatch(socket, connection, message);
    } catch (err) {
      this.fail(socket, err as Error);
    } finally {
      this.frameArrivedAt = null;
    }
  }

  /**
   * Applies a reviewed role to the connection's next frames. Updates it left waiting for their
   * dependencies are dropped when it may no longer edit; when it may edit again, it is asked for
   * what it holds (sync step 1), so edits it made meanwhile come in.
   */
  changeRole(socket: SyncSocket, role: RoomRole): void {
    const connection = this.sockets.get(socket);
    if (!connection) return;
    const couldEdit = mayEdit(connection.session.role);
    connection.session.role = role;
    if (couldEdit && !mayEdit(role)) this.unresolved.forget(socket);
    if (!couldEdit && mayEdit(role)) socket.send(syncStep1Message(this.doc));
    this.hooks.onRoleChanged?.(socket, role);
  }

  /** Forget a socket and remove its users' presence for everyone at once (no ghost cursors). */
  leave(socket: SyncSocket): void {
    const connection = this.sockets.get(socket);
    if (!connection) return;
    this.sockets.delete(socket);
    this.unresolved.forget(socket);
    this.people.leave(socket, connection.awarenessIds);
    this.hooks.onLeave?.(socket);
  }

  /** Close one socket with `code` and forget it. */
  disconnect(socket: SyncSocket, code: number, reason: string): void {
    if (!this.sockets.has(socket)) return;
    socket.close(code, reason);
    this.leave(socket);
  }

  /** Close every socket, e.g. when the room is deleted or the server shuts down. */
  closeAll(code: number, reason: string): void {
    for (const socket of [...this.sockets.keys()]) this.disconnect(socket, code, reason);
  }

  /** Apply a change made by the server (not a client), stored and broadcast like any other. */
  changeMeta(change: RoomMeta): void {
    this.transactAndReport(SERVER_ORIGIN, () => this.settings.write(change));
  }

  /** Changes the code for someone (restoring a version): stored under their name and broadcast like any edit. */
  editTextFor(origin: OnBehalfOf, edit: (text: Y.Text) => void): void {
    this.transactAndReport(origin, () => edit(this.text));
  }

  /** Holds server-only meta keys to the values the document has now: another instance's server changed them. */
  adoptServerOnlyMeta(): void {
    this.settings.adoptServerOnly();
  }

  destroy(): void {
    this.closeAll(CLOSE_CODES.goingAway, 'room closed');
    this.changes.destroy();
    this.people.destroy();
    this.doc.destroy();
  }

  private dispatch(socket: SyncSocket, connection: Connection, frame: Uint8Array): void {
    const incoming = readIncoming(frame);
    this.events.messageReceived(incoming.message);
    if (!this.permits(connection, incoming.message)) return;
    switch (incoming.message) {
      case 'syncStep1':
        socket.send(syncStep2Message(this.doc, incoming.payload));
        return;
      case 'syncStep2':
      case 'update':
        connection.editFrames++;
        this.applyClientUpdate(socket, incoming.payload);
        if (connection.subscribed) this.hooks.onEditFrame?.(socket);
        return;
      case 'awareness':
        this.people.receive(socket, connection.awarenessIds, connection.session, incoming.payload);
        return;
      case 'awarenessQuery':
        socket.send(this.people.everyoneMessage());
        return;
      case 'hello':
        connection.subscribed = true;
        this.hooks.onSubscribed?.(socket);
        return;
      case 'run':
        if (connection.subscribed) this.hooks.onRunMessage?.(socket, connection.session, incoming.run);
        return;
    }
  }

  /** Whether the connection's role may send this message (role matrix); a frame it may not send is dropped and counted. */
  private permits(connection: Connection, message: RoomMessage): boolean {
    if (verdictFor(connection.session.role, message) === 'allowed') return true;
    connection.ignoredFrames++;
    this.hooks.onIgnoredFrame?.(connection.session, message, connection.ignoredFrames);
    return false;
  }

  /**
   * The one way a client changes the document (sync step 2 and update alike). Parts that depend on
   * changes the room does not have yet wait for them beside the document (UnresolvedUpdates).
   */
  private applyClientUpdate(socket: SyncSocket, update: Uint8Array): void {
    assertValidUpdate(update);
    this.assertAcceptable(update);
    const client = soleClientAtState(update, this.doc);
    this.transactAndReport(socket, (transaction) => {
      let parked = false;
      try {
        Y.applyUpdate(this.doc, update);
      } finally {
        parked = this.unresolved.park(socket, this.doc.store);
      }
      const retried = this.applyReadyParts(socket);
      keepLineEndingsLf(transaction, this.text, [update, ...retried]);
      this.settings.keepServerOnly(transaction);
      // All of it new, all of it applied, and nothing else changed: the change is the update as sent.
      if (client !== null && !parked && retried.length === 0 && !transaction.meta.has(ECHO_TO_SENDER)) {
        this.changes.appliedAsSent(transaction, update, client);
      }
    });
    if (this.unresolved.overBudget(socket)) throw new Error('too many bytes of updates waiting for their dependencies');
    this.settleWaitingSockets();
  }

  /**
   * Refuses content of a room deleted earlier under this id (a tab left open on it, reconnecting),
   * new edits while storage cannot take them, and edits that would make the room too big (counting
   * what other updates waiting for their dependencies will add: they were accepted). Refused
   * before anything is applied, so a refusal leaves no trace. An update with nothing new (a reader's
   * sync step 2) always passes, so readers stay connected.
   */
  private assertAcceptable(update: Uint8Array): void {
    if (overlapsStateVector(update, this.retired)) throw new RefusedChange(CLOSE_CODES.roomNotFound, 'room deleted');
    if (!this.hooks.acceptsEdits() && carriesNewStructs(update, this.doc)) {
      throw new RefusedChange(CLOSE_CODES.storageUnavailable, 'storage unavailable');
    }
    const tooBig = this.size.refusal(update, this.doc, this.text, this.unresolved.waiting());
    if (tooBig !== null) throw new RefusedChange(CLOSE_CODES.roomFull, tooBig);
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
          this.transactAndReport(socket, (transaction) => {
            keepLineEndingsLf(transaction, this.text, this.applyReadyParts(socket));
            this.settings.keepServerOnly(transaction);
          });
        } catch (err) {
          this.fail(socket, err as Error);
        }
      }
    }
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
    reportFailure(this.events, error);
    if (error instanceof RefusedChange) socket.close(error.closeCode, error.reason);
    else if (error instanceof ServerFailure) socket.close(CLOSE_CODES.internalError, 'server error');
    else socket.close(CLOSE_CODES.invalidMessage, 'invalid message');
    this.leave(socket);
  }

  private readonly handleDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    const startedAt = this.frameArrivedAt ?? performance.now();
    // Relayed before storing: should storing fail, every client still holds what this room holds.
    this.broadcast(syncUpdateMessage(update), transaction.meta.has(ECHO_TO_SENDER) ? null : origin);
    this.events.fanout((performance.now() - startedAt) / 1000);
    this.events.updateApplied(update.byteLength);
    this.size.noteStored(update);
    runHook(transaction, () => this.hooks.onUpdate(update, origin));
  };

  private readonly handleMetaChange = (_event: Y.YMapEvent<unknown>, transaction: Y.Transaction): void => {
    if (transaction.origin !== SERVER_ORIGIN) runHook(transaction, () => this.hooks.onMetaChange(this.meta()));
  };

  /** Sends one of Pairwise's own messages (the same, or one per socket) to every connection that sent the hello, or to `only` of them; stock clients never get them. */
  sendToSubscribers(message: Uint8Array | ((socket: SyncSocket) => Uint8Array), only?: SyncSocket): void {
    for (const [socket, connection] of this.sockets) {
      if (connection.subscribed && (only === undefined || only === socket))
        socket.send(typeof message === 'function' ? message(socket) : message);
    }
  }

  /** Whether any open connection sent the hello (stock clients never do). */
  hasSubscribers(): boolean {
    for (const connection of this.sockets.values()) if (connection.subscribed) return true;
    return false;
  }

  /** Sync step 2 and update frames the room has taken from each open connection so far. */
  editFrames(): Map<SyncSocket, number> {
    return new Map([...this.sockets].map(([socket, connection]) => [socket, connection.editFrames]));
  }

  /** Encodes once, sends the same buffer to every socket but the one it came from (none when `except` is null). */
  private broadcast(message: Uint8Array, except: unknown): void {
    for (const socket of this.sockets.keys()) {
      if (socket !== except) socket.send(message);
    }
  }
}
