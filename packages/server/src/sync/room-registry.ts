import type { Logger } from 'pino';
import { CLOSE_CODES, languageSchema, roomNameSchema } from '@pairwise/protocol';
import type { CompactionScheduler } from '../persistence/compaction-scheduler.js';
import type { GroupCommitter } from '../persistence/group-commit.js';
import type { RoomMetaChange, RoomStore } from '../storage/store.js';
import { Room, type RoomMeta, type SyncSocket } from './room.js';

export interface RoomRegistryOptions {
  store: RoomStore;
  commits: GroupCommitter;
  compaction: CompactionScheduler;
  /** How long a room with no users stays in memory before it is unloaded. */
  idleUnloadMs: number;
  log: Logger;
}

/** A hold on a loaded room; the room stays in memory while any lease is held. */
export interface RoomLease {
  readonly room: Room;
  release(): void;
}

interface Entry {
  readonly ready: Promise<Room | null>;
  room: Room | null;
  leases: number;
  idleTimer: NodeJS.Timeout | null;
}

/**
 * Owns every room held in memory: loads each once however many connect at the same moment,
 * and unloads it a while after the last lease is released.
 */
export class RoomRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: RoomRegistryOptions) {}

  /** The room if it is in memory now; never loads. */
  loaded(roomId: string): Room | undefined {
    return this.entries.get(roomId)?.room ?? undefined;
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
    let room: Room | null;
    try {
      room = await entry.ready;
    } catch (err) {
      this.dropFailed(roomId, entry);
      throw err;
    }
    // Null also when the room was deleted while it loaded: its evicted copy must not get a new socket.
    if (!room || this.entries.get(roomId) !== entry) {
      this.dropFailed(roomId, entry);
      return null;
    }
    return this.lease(roomId, entry, room);
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

  /** Drop a deleted room from memory, telling its clients it is gone. */
  evict(roomId: string): void {
    const entry = this.entries.get(roomId);
    if (!entry) return;
    this.entries.delete(roomId);
    this.cancelUnload(entry);
    this.options.compaction.forget(roomId);
    void entry.ready.then(
      (room) => {
        room?.closeAll(CLOSE_CODES.roomNotFound, 'room deleted');
        room?.destroy();
      },
      () => {},
    );
  }

  /** Unload every room (closing its sockets) and wait for pending loads. Updates stay queued for the committer. */
  async close(): Promise<void> {
    const entries = [...this.entries.entries()];
    this.entries.clear();
    await Promise.all(
      entries.map(async ([, entry]) => {
        this.cancelUnload(entry);
        const room = await entry.ready.catch(() => null);
        room?.destroy();
      }),
    );
  }

  private async load(roomId: string): Promise<Room | null> {
    // Updates from a copy of this room unloaded a moment ago may still be queued: store them first
    // so this load sees them.
    await this.options.commits.flush();
    const stored = await this.options.store.loadDocument(roomId);
    if (!stored) return null;
    const room = new Room(
      roomId,
      stored.updates,
      {
        onUpdate: (update) => this.options.commits.enqueue(roomId, update),
        onMetaChange: (meta) => void this.storeMeta(roomId, meta),
      },
      (socket: SyncSocket, err: Error) =>
        this.options.log.warn({ roomId, err: err.message }, 'closing socket after invalid message'),
    );
    this.options.compaction.noteLogGrowth(roomId, stored.logLength);
    return room;
  }

  private lease(roomId: string, entry: Entry, room: Room): RoomLease {
    entry.room = room;
    let released = false;
    return {
      room,
      release: () => {
        if (released) return;
        released = true;
        entry.leases--;
        if (entry.leases === 0 && this.entries.get(roomId) === entry) this.scheduleUnload(roomId, entry);
      },
    };
  }

  private scheduleUnload(roomId: string, entry: Entry): void {
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = null;
      if (entry.leases > 0 || this.entries.get(roomId) !== entry) return;
      this.entries.delete(roomId);
      entry.room?.destroy();
      this.options.log.debug({ roomId }, 'unloaded idle room');
    }, this.options.idleUnloadMs);
  }

  private cancelUnload(entry: Entry): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
  }

  private dropFailed(roomId: string, entry: Entry): void {
    entry.leases--;
    if (this.entries.get(roomId) === entry) this.entries.delete(roomId);
  }

  /** Keep the rooms index in step with settings users change in the document; invalid values are not indexed. */
  private async storeMeta(roomId: string, meta: RoomMeta): Promise<void> {
    const change: RoomMetaChange = {};
    const name = roomNameSchema.safeParse(meta.name);
    const language = languageSchema.safeParse(meta.language);
    if (name.success) change.name = name.data;
    if (language.success) change.language = language.data;
    if (change.name === undefined && change.language === undefined) return;
    try {
      await this.options.store.updateRoomMeta(roomId, change, Date.now());
    } catch (err) {
      this.options.log.error({ err, roomId }, 'storing room settings failed');
    }
  }
}
