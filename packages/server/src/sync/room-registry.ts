import * as Y from 'yjs';
import { type ChatMessage, CLOSE_CODES, type RunServerMessage } from '@pairwise/protocol';
import { OPEN_ACCESS } from '../access/open-access.js';
import { chatFrame } from '../chat/chat-frame.js';
import { runFrame } from '../runs/run-frame.js';
import type { AccessEvents, ConnectionSession } from '../access/session.js';
import type { ClusterBridge } from '../cluster/cluster-bridge.js';
import type { CompactionObserver } from '../persistence/compaction-scheduler.js';
import { NO_SERVER_EVENTS, type ServerEvents } from '../observability/server-events.js';
import type { RoomMetaChange } from '../storage/store.js';
import { AccessReviews, type Admission } from './access-reviews.js';
import { EMPTY_STATE_VECTOR, mergeStateVectors, stateVectorOfUpdates, type StateVector } from './state-vectors.js';
import { indexedSettings } from './room-settings.js';
import { Room, type RoomMeta, type SyncSocket } from './room.js';
import type { RoomRegistryOptions } from './room-registry-options.js';
import { bridgeRooms } from './registry-bridge.js';
import { LoadedRoomHooks, type RoomHookTargets } from './loaded-room-hooks.js';
import { StoredStates } from './stored-state.js';

export type { RoomRegistryOptions };

/** A settings change by the server: the indexed settings plus the server-only switches. */
export type RoomSettingsChange = RoomMetaChange & Pick<RoomMeta, 'aiCompletions' | 'runCode'>;

/** A hold on a loaded room; the room stays in memory while any lease is held. */
export interface RoomLease {
  readonly room: Room;
  release(): void;
}

interface Entry {
  /** The loaded room (it knows its stored life, `Room.incarnation`, which every write carries). */
  readonly ready: Promise<Room | null>;
  room: Room | null;
  leases: number;
  idleTimer: NodeJS.Timeout | null;
}

/**
 * One hold on a loaded room. An object rather than a closure over the registry's entry: a lease
 * lives as long as its connection, and the closure, its context and the lease object were 160
 * bytes per connection (issue 9: connection memory).
 */
class EntryLease implements RoomLease {
  private released = false;

  constructor(
    readonly room: Room,
    private readonly entry: Entry,
    private readonly onRelease: (roomId: string, entry: Entry) => void,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease(this.room.id, this.entry);
  }
}

/**
 * Owns every room held in memory: loads each once however many connect at the same moment,
 * and unloads it a while after the last lease is released. Carries access changes to the open
 * connections of its rooms (AccessEvents) and each compaction's snapshot size to its room.
 */
export class RoomRegistry implements AccessEvents, CompactionObserver {
  private readonly entries = new Map<string, Entry>();
  private readonly reviews: AccessReviews;
  private readonly events: ServerEvents;
  private readonly cluster: ClusterBridge | null;
  private readonly storedStates: StoredStates;
  private readonly hookTargets: RoomHookTargets;

  constructor(private readonly options: RoomRegistryOptions) {
    this.reviews = new AccessReviews(options.sessions ?? OPEN_ACCESS, this, options.log);
    this.events = options.events ?? NO_SERVER_EVENTS;
    const bridged = { reviews: this.reviews, loaded: (id: string) => this.loaded(id), evict: (id: string) => this.evict(id) };
    this.cluster = options.bus ? bridgeRooms(options.bus, bridged, options, this.events) : null;
    options.compaction.observe(this);
    this.storedStates = new StoredStates((roomId) => options.commits.holds(roomId));
    this.hookTargets = { commits: options.commits, log: options.log, runs: options.runs, storedStates: this.storedStates };
    options.commits.observe(this.storedStates);
  }

  /** The room if it is in memory now; never loads. */
  loaded(roomId: string): Room | undefined {
    return this.entries.get(roomId)?.room ?? undefined;
  }

  /**
   * Stores what this instance holds of the room: its own queued edits, and those other instances
   * sent it, once they confirm storing them (waiting at most `waitMs`: while someone types on
   * another instance, new ones keep coming). Versions call it so they include every edit seen here.
   */
  async storeHeldEdits(roomId: string, waitMs: number): Promise<void> {
    const room = this.loaded(roomId);
    if (room) await this.cluster?.peerEditsStored(room, waitMs);
    await this.options.commits.flushRoom(roomId);
  }

  /** Every room in memory now. */
  *loadedRooms(): Generator<Room> {
    for (const entry of this.entries.values()) {
      if (entry.room) yield entry.room;
    }
  }

  accessChanged(roomId: string): void {
    this.reviews.accessChanged(roomId);
    this.cluster?.publishToRoom(roomId, { type: 'access-changed' });
  }

  sessionEnded(sessionId: string): void {
    this.reviews.sessionEnded(sessionId);
    this.cluster?.sessionEnded(sessionId);
  }

  /**
   * The room was deleted from storage: its runs here end (also one started on a copy evicted before
   * the delete), and the other instances close their copies of that incarnation.
   */
  roomDeleted(roomId: string, incarnation: string): void {
    this.options.runs?.roomDeleted(roomId, incarnation);
    this.cluster?.publishToRoom(roomId, { type: 'room-deleted', incarnation });
  }

  /** A chat message was stored: subscribers in the room get it now, here and on the other instances. */
  chatPosted(roomId: string, message: ChatMessage): void {
    this.loaded(roomId)?.sendToSubscribers(chatFrame(message));
    this.cluster?.publishToRoom(roomId, { type: 'chat', message });
  }

  /** A run message for everyone in the room: subscribers get it now, here and on the other instances. */
  runRelayed(roomId: string, message: RunServerMessage): void {
    this.loaded(roomId)?.sendToSubscribers(runFrame(message));
    this.cluster?.publishToRoom(roomId, { type: 'run', message });
  }

  /**
   * Starts admitting a connection to a room: call before resolving its session, so that access
   * changes made while it resolves and the room loads still reach it. End with `join` or `abandon`.
   */
  admit(roomId: string): Admission {
    return this.reviews.admit(roomId);
  }

  /** Joins the admitted socket to its leased room; false if the room refused it (full). */
  join(admission: Admission, lease: RoomLease, socket: SyncSocket, session: ConnectionSession): boolean {
    if (!lease.room.join(socket, session)) {
      this.reviews.abandon(admission);
      return false;
    }
    this.reviews.joined(admission, lease.room, socket, session);
    return true;
  }

  abandon(admission: Admission): void {
    this.reviews.abandon(admission);
  }

  compactionStarted(roomId: string): void {
    this.loaded(roomId)?.size.compactionStarted();
  }

  compacted(roomId: string, snapshotBytes: number): void {
    this.loaded(roomId)?.size.compacted(snapshotBytes);
  }

  /** How many leases on a room are held (or waiting for it to load); 0 if it is not in memory. */
  leaseCount(roomId: string): number {
    return this.entries.get(roomId)?.leases ?? 0;
  }

  /**
   * Load (or share) a room. Resolves null if the room does not exist; rejects if it could not be
   * loaded, in which case nothing is cached and the next call tries again.
   */
  async acquire(roomId: string): Promise<RoomLease | null> {
    let entry = this.entries.get(roomId);
    if (!entry) {
      entry = { ready: this.load(roomId), room: null, leases: 0, idleTimer: null };
      this.entries.set(roomId, entry);
    }
    entry.leases++;
    this.cancelUnload(entry);
    let loaded: Room | null;
    try {
      loaded = await entry.ready;
    } catch (err) {
      this.dropFailed(roomId, entry);
      throw err;
    }
    // Null also when the room was deleted while it loaded: its evicted copy must not get a new socket.
    if (!loaded || this.entries.get(roomId) !== entry) {
      this.dropFailed(roomId, entry);
      return null;
    }
    return this.lease(entry, loaded);
  }

  /** Run `fn` with the room loaded; null if it does not exist. */
  async withRoom<T>(roomId: string, fn: (room: Room) => T | Promise<T>): Promise<T | null> {
    const lease = await this.acquire(roomId);
    if (!lease) return null;
    try {
      return await fn(lease.room);
    } finally {
      lease.release();
    }
  }

  /**
   * Change a room's settings as the server (the rooms API): everyone connected sees it, and it is
   * stored in order with the room's edits. False if the room does not exist.
   */
  async changeSettings(roomId: string, change: RoomSettingsChange): Promise<boolean> {
    const lease = await this.acquire(roomId);
    if (!lease) return false;
    try {
      lease.room.changeMeta(change);
      // The committer may have forgotten a room whose queue was just written; the entry still knows.
      const loaded = await this.entries.get(roomId)?.ready;
      const indexed = indexedSettings(change);
      if (loaded && indexed) this.options.commits.enqueueMeta(roomId, loaded.incarnation, indexed);
      await this.options.commits.flushRoom(roomId);
      return true;
    } finally {
      lease.release();
    }
  }

  /**
   * Drop a deleted room from memory, telling its clients it is gone, and forget its queued writes and its runs.
   * Resolves with the state vector of everything this instance held for it, stored or not.
   */
  async evict(roomId: string): Promise<StateVector> {
    const discarded = this.options.commits.discard(roomId);
    const entry = this.entries.get(roomId);
    if (entry) {
      this.entries.delete(roomId);
      this.cancelUnload(entry);
    }
    this.options.compaction.forget(roomId);
    const loaded = await entry?.ready.catch(() => null);
    // Before its sockets close: a tab's run ends with the room, not as `lost` in it.
    if (loaded) this.options.runs?.roomDeleted(roomId, loaded.incarnation);
    loaded?.closeAll(CLOSE_CODES.roomNotFound, 'room deleted');
    const held = loaded ? Y.decodeStateVector(Y.encodeStateVector(loaded.doc)) : new Map<number, number>();
    if (loaded) this.unload(loaded, { deleted: true });
    return mergeStateVectors([held, stateVectorOfUpdates(discarded)]);
  }

  /** Unload every room (closing its sockets) and wait for pending loads. Updates stay queued for the committer. */
  async close(): Promise<void> {
    const entries = [...this.entries.entries()];
    this.entries.clear();
    await Promise.all(
      entries.map(async ([, entry]) => {
        this.cancelUnload(entry);
        const loaded = await entry.ready.catch(() => null);
        if (loaded) this.unload(loaded);
      }),
    );
  }

  private async load(roomId: string): Promise<Room | null> {
    // Updates from a copy of this room unloaded a moment ago may still be queued: store them first
    // so this load sees them. Only this room's: another room's failing writes must not block it.
    await this.options.commits.flushRoom(roomId);
    const stored = await this.options.store.loadDocument(roomId);
    if (!stored) return null;
    const { incarnation } = stored;
    const { runs } = this.options;
    const hooks = new LoadedRoomHooks(this.hookTargets, roomId, incarnation);
    const room = new Room(
      roomId,
      stored.updates,
      hooks,
      (_socket: SyncSocket, err: Error) => this.options.log.warn({ roomId, err: err.message }, 'closing socket after a refused message'),
      {
        retired:
          stored.retiredStateVectors.length === 0
            ? EMPTY_STATE_VECTOR
            : mergeStateVectors(stored.retiredStateVectors.map((encoded) => Y.decodeStateVector(encoded))),
        incarnation,
        limits: this.options.roomLimits ?? {},
        events: this.events,
      },
    );
    hooks.room = room;
    // Before the link: edits heard from other instances are not in this instance's storage yet.
    this.storedStates.loaded(room);
    try {
      hooks.link = (await this.cluster?.link(room, incarnation)) ?? null;
    } catch (err) {
      this.storedStates.unloaded(room);
      room.destroy();
      throw err;
    }
    this.events.roomLoaded();
    runs?.loaded(room);
    this.options.opens?.roomOpened(roomId);
    this.options.compaction.noteLogGrowth(roomId, stored.logLength);
    return room;
  }

  private lease(entry: Entry, room: Room): RoomLease {
    entry.room = room;
    return new EntryLease(room, entry, this.leaseReleased);
  }

  /** Shared by every lease: one function, not a closure per lease (see EntryLease). */
  private readonly leaseReleased = (roomId: string, entry: Entry): void => {
    entry.leases--;
    if (entry.leases === 0 && this.entries.get(roomId) === entry) this.scheduleUnload(roomId, entry);
  };

  private scheduleUnload(roomId: string, entry: Entry): void {
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = null;
      if (entry.leases > 0 || this.entries.get(roomId) !== entry) return;
      // While its edits are not stored (a full disk, a database down) the loaded room is their only readable
      // copy: a reload would have to store them first and fail. It stays until they are stored.
      if (this.options.commits.holds(roomId)) {
        void this.options.commits.whenStored(roomId).then(() => {
          const stillIdle = entry.leases === 0 && entry.idleTimer === null && this.entries.get(roomId) === entry;
          if (stillIdle) this.scheduleUnload(roomId, entry);
        });
        return;
      }
      this.entries.delete(roomId);
      if (entry.room) this.unload(entry.room);
      this.options.log.debug({ roomId }, 'unloaded idle room');
    }, this.options.idleUnloadMs);
  }

  private unload(room: Room, { deleted } = { deleted: false }): void {
    this.cluster?.unlink(room, { keepCopies: !deleted });
    this.storedStates.unloaded(room);
    room.destroy();
    this.events.roomUnloaded();
    // Also at unload, so a room held open for weeks does not look idle.
    if (!deleted) this.options.opens?.roomOpened(room.id);
  }

  private cancelUnload(entry: Entry): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
  }

  private dropFailed(roomId: string, entry: Entry): void {
    entry.leases--;
    if (this.entries.get(roomId) === entry) this.entries.delete(roomId);
  }
}
