import type { RunClientMessage } from '@pairwise/protocol';
import type { ConnectionSession } from '../access/session.js';
import { BUS_ORIGIN, type RoomLink } from '../cluster/room-link.js';
import type { RoomRegistryOptions } from './room-registry-options.js';
import { authorOfOrigin } from './history-authors.js';
import { indexedSettings } from './room-settings.js';
import type { RoomMessage } from './role-matrix.js';
import type { Room, RoomHooks, RoomMeta, SyncSocket } from './room.js';
import type { StoredStates } from './stored-state.js';

/** What every loaded room of a registry reports to: one object, shared by all its rooms' hooks. */
export interface RoomHookTargets extends Pick<RoomRegistryOptions, 'commits' | 'log' | 'runs'> {
  storedStates: StoredStates;
}

/**
 * Where a loaded room's changes, settings and connections go: storage (the group commit), the
 * other instances (its room link), the stored-state badges and the runs. One object with its
 * methods on the prototype: as nine closures over the load, they and their context took 600 bytes
 * of every loaded room (heap snapshot of 5,000 small rooms, issue 9).
 */
export class LoadedRoomHooks implements RoomHooks {
  /** Set once the room is built: it takes these hooks in its constructor, before any frame arrives. */
  room: Room | null = null;
  /** The room's link to the other instances, once made; null on a single instance. */
  link: Pick<RoomLink, 'publishUpdate'> | null = null;

  constructor(
    private readonly targets: RoomHookTargets,
    private readonly roomId: string,
    private readonly incarnation: string,
  ) {}

  onUpdate(update: Uint8Array, origin: unknown): void {
    // The instance that accepted an update stores and publishes it; one heard on the bus, neither.
    if (origin === BUS_ORIGIN) return;
    const author = authorOfOrigin(origin, (socket) => this.room?.sessionOf(socket));
    this.targets.commits.enqueueUpdate(this.roomId, this.incarnation, update, { at: Date.now(), author });
    this.link?.publishUpdate(update);
  }

  /** Keeps the rooms index in step with settings users change in the document; invalid values are not indexed. */
  onMetaChange(meta: RoomMeta): void {
    const change = indexedSettings(meta);
    // Through the group commit, so settings are stored in the order they were made.
    if (change) this.targets.commits.enqueueMeta(this.roomId, this.incarnation, change);
  }

  acceptsEdits(): boolean {
    return this.targets.commits.accepts(this.roomId);
  }

  onSubscribed(socket: SyncSocket): void {
    if (this.room) this.targets.storedStates.subscribed(this.room, socket);
  }

  onEditFrame(socket: SyncSocket): void {
    if (this.room) this.targets.storedStates.editFrame(this.room, socket);
  }

  onIgnoredFrame(session: ConnectionSession, message: RoomMessage, count: number): void {
    this.targets.log.debug({ roomId: this.roomId, message, count, role: session.role }, 'ignored a frame the role may not send');
  }

  onRunMessage(socket: SyncSocket, session: ConnectionSession, message: RunClientMessage): void {
    if (this.room) this.targets.runs?.receive(this.room, socket, session, message);
  }

  onRoleChanged(socket: SyncSocket, role: ConnectionSession['role']): void {
    if (this.room) this.targets.runs?.roleChanged(this.room, socket, role);
  }

  onLeave(socket: SyncSocket): void {
    if (this.room) this.targets.runs?.left(this.room, socket);
  }
}
