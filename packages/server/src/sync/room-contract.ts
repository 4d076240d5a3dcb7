import { CLOSE_CODES, type RoomRole, type RunClientMessage } from '@pairwise/protocol';
import type { ConnectionSession } from '../access/session.js';
import type { OwnedIds } from './awareness-owners.js';
import type { ServerEvents } from '../observability/server-events.js';
import type { RoomLimits } from './room-limits.js';
import type { RoomMessage } from './role-matrix.js';
import type { UnresolvedLimits } from './unresolved-updates.js';

/** What a Room needs from around it and what it reports: sockets, hooks, options, and its errors. */

/**
 * Anything that can carry y-websocket frames to one client. The room never sees the transport,
 * so tests drive it with plain objects and other transports can be added without touching it.
 */
export interface SyncSocket {
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** One connected socket's standing in a room: its session (role reviewed while it is open) and what it sent. */
export interface RoomConnection {
  readonly session: ConnectionSession;
  /** Frames its role may not send, dropped. */
  ignoredFrames: number;
  /** Sync step 2 and update frames taken in: the web app's "Saved" compares it with the frames it sent. */
  editFrames: number;
  /** Sent the Pairwise hello: it also receives Pairwise's own messages (saved state, chat, runs). */
  subscribed: boolean;
  /** The awareness client ids it speaks for (PresenceRelay). */
  readonly awarenessIds: OwnedIds;
}

export interface RoomMeta {
  name?: string;
  language?: string;
  /** The owner's suggestions switch: server-only (clients' changes to it are undone). */
  aiCompletions?: boolean;
  /** The owner's switch for running the room's code: server-only too. */
  runCode?: boolean;
}

export interface RoomHooks {
  /** Every change the room applies, in order, with its transaction origin, for storage. Called synchronously. */
  onUpdate(update: Uint8Array, origin: unknown): void;
  /** A client changed the room's settings (`meta` map). Not called for `SERVER_ORIGIN` changes. */
  onMetaChange(meta: RoomMeta): void;
  /** False while storage cannot keep up (its backlog for this room is full): clients' new edits are refused. */
  acceptsEdits(): boolean;
  /** A sync step 2 or update frame from a socket that sent the hello was taken in (applied, its changes queued for storage). */
  onEditFrame?(socket: SyncSocket): void;
  /** The socket sent the Pairwise hello; from now on it also gets `Room.sendToSubscribers` messages. */
  onSubscribed?(socket: SyncSocket): void;
  /** A frame the sender's role may not send was dropped (role matrix); `count` is that connection's total. */
  onIgnoredFrame?(session: ConnectionSession, message: RoomMessage, count: number): void;
  /** A run message (validated) from a socket that sent the hello and whose role may send it. */
  onRunMessage?(socket: SyncSocket, session: ConnectionSession, message: RunClientMessage): void;
  /** The socket's role was changed (reviewed after an access change). */
  onRoleChanged?(socket: SyncSocket, role: RoomRole): void;
  /** The socket left the room (closed, refused, or the room closed). */
  onLeave?(socket: SyncSocket): void;
}

/** Transaction origin for changes the server makes itself (e.g. the rooms API). */
export const SERVER_ORIGIN = Symbol('pairwise-server');

export type ProtocolErrorHandler = (socket: SyncSocket, error: Error) => void;

export interface RoomOptions extends UnresolvedLimits {
  /** What rooms deleted earlier under this id held: content of theirs never enters this room. */
  retired: ReadonlyMap<number, number>;
  /** The stored life of the room this copy belongs to (a room re-created under its id gets a new one); '' when not stored. */
  incarnation: string;
  limits: Partial<RoomLimits>;
  /** What the room reports (messages, changes, fan-out, refusals); nothing when omitted. */
  events: ServerEvents;
}

/** A client change the room refuses for a reason the client can act on, with the close code that says it. */
export class RefusedChange extends Error {
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

/** Counts a refusal that closes a socket as the limit it hit, and bad input as a protocol error; the server's own failures are only logged. */
export function reportFailure(events: ServerEvents, error: Error): void {
  if (error instanceof RefusedChange) {
    if (error.closeCode === CLOSE_CODES.roomFull) events.limitHit('room_size');
  } else if (!(error instanceof ServerFailure)) events.protocolError('invalid_message');
}
