import type { Logger } from 'pino';
import { NO_SERVER_EVENTS, type ServerEvents } from '../observability/server-events.js';
import type { RoomMetaChange, RoomStore } from '../storage/store.js';
import { RoomBacklogs, type TakenWrite, type UnstoredRoom, type UpdateOrigin } from './room-backlogs.js';

export interface GroupCommitOptions {
  store: RoomStore;
  /** Longest time an accepted update waits before it is written. */
  windowMs: number;
  log: Logger;
  /** Unstored bytes one room may hold; past it the room takes no more edits (see `accepts`). */
  maxRoomBacklogBytes: number;
  /** Unstored bytes all rooms may hold together; past it, rooms whose writes fail take no more edits. */
  maxBacklogBytes: number;
  /** How long `close()` keeps retrying failed writes before it gives up and reports what is unstored. */
  closeRetryMs: number;
  /** Called after each successful write with the number of updates per room, e.g. to trigger compaction. */
  onCommitted?: (countsByRoom: ReadonlyMap<string, number>) => void;
  now?: () => number;
  /** Where each write's duration and the queue length are reported; nothing when omitted. */
  events?: ServerEvents;
}

const MAX_RETRY_DELAY_MS = 5_000;
/** How often rooms that queued nothing for a while are forgotten (RoomBacklogs.sweepIdle). */
const IDLE_SWEEP_MS = 10_000;

/** Told around each write (the room registry, which tells clients what is stored). Writes never overlap. */
export interface CommitObserver {
  /** These rooms' queues were just taken for one write, which starts now. */
  writing(roomIds: readonly string[]): void;
  /** That write succeeded. After a failure nothing is said; the retry takes the rooms again. */
  stored(roomIds: readonly string[]): void;
}

/** A write the caller waits for (flush) failed: storage is down or refusing writes; the edits stay queued. */
export class StorageUnavailableError extends Error {
  constructor(readonly roomIds: readonly string[]) {
    super(`storing edits failed for ${roomIds.length === 1 ? `room ${roomIds[0]}` : `${roomIds.length} rooms`}; they are kept and retried`);
    this.name = 'StorageUnavailableError';
  }
}

/** Thrown by `close()` when storage stayed down past the retry time: these edits are not stored. */
export class UnstoredEditsError extends Error {
  constructor(readonly rooms: UnstoredRoom[]) {
    super(`${rooms.length} room(s) have edits that could not be stored`);
    this.name = 'UnstoredEditsError';
  }
}

/**
 * Write-behind buffer between rooms and storage. Everything accepted within one window is written
 * in one transaction; writes never overlap, so each room's log keeps the order its updates were
 * accepted in. A failed write keeps its content and retries with back-off; a room whose writes keep
 * failing is then written on its own, so it never holds back the others, and its backlog is bounded.
 */
export class GroupCommitter {
  private readonly backlogs = new RoomBacklogs();
  private timer: NodeJS.Timeout | null = null;
  private timerDueAt = 0;
  /** The last write started; the next one starts after it settles. */
  private writes: Promise<unknown> = Promise.resolve();
  private closed = false;
  private observer: CommitObserver | null = null;
  private lastSweepAt: number;

  constructor(private readonly options: GroupCommitOptions) {
    this.lastSweepAt = this.now();
  }

  /** The one observer of writes. */
  observe(observer: CommitObserver): void {
    this.observer = observer;
  }

  get pendingCount(): number {
    return this.backlogs.updateCount;
  }

  /** True while some room's writes are failing (answered as not ready by /ready). */
  get failing(): boolean {
    return this.backlogs.failingRooms().length > 0;
  }

  /**
   * Whether the room may take more edits: false once its unstored backlog passes the per-room bound,
   * or while its writes fail and all rooms together are past the total bound.
   */
  accepts(roomId: string): boolean {
    const backlog = this.backlogs.get(roomId);
    if (!backlog) return true;
    if (backlog.queued.byteLength >= this.options.maxRoomBacklogBytes) return false;
    return !(backlog.failures > 0 && this.backlogs.bytes >= this.options.maxBacklogBytes);
  }

  /** Queues an accepted update; `origin` (when and who) goes into the history, unknown author when omitted. */
  enqueueUpdate(roomId: string, incarnation: string, update: Uint8Array, origin: UpdateOrigin = { at: this.now(), author: null }): void {
    this.assertOpen();
    this.backlogs.addUpdate(this.backlogs.open(roomId, incarnation), update, origin);
    this.reportQueue();
    this.scheduleWindow();
  }

  /** A settings change, stored with the room's next write; later changes win. */
  enqueueMeta(roomId: string, incarnation: string, meta: RoomMetaChange): void {
    this.assertOpen();
    const backlog = this.backlogs.open(roomId, incarnation);
    backlog.meta = { ...backlog.meta, ...meta };
    this.scheduleWindow();
  }

  /**
   * Resolves once everything queued for the room before this call is stored (after retries, if
   * writes fail); at once if nothing is queued. Never settles for a room deleted meanwhile.
   */
  whenStored(roomId: string): Promise<void> {
    return new Promise((resolve) => this.backlogs.whenStored(roomId, resolve));
  }

  /** True while the room has edits queued or being written: false means everything it accepted is stored. */
  holds(roomId: string): boolean {
    return this.backlogs.holds(roomId);
  }

  /** Forget what a deleted room had queued; returns its unstored updates. */
  discard(roomId: string): Uint8Array[] {
    const discarded = this.backlogs.discard(roomId);
    this.reportQueue();
    return discarded;
  }

  /** Write everything queued now, back-off or not. Rejects if any room's write fails; that content stays queued. */
  async flush(): Promise<void> {
    const failed = await this.serially(() => this.writeDue(true));
    if (failed.length > 0) throw new StorageUnavailableError(failed);
  }

  /** Write one room's queue now (e.g. before loading it again). Rejects if that write fails. */
  async flushRoom(roomId: string): Promise<void> {
    const failed = await this.serially(() => this.writeRooms([roomId]));
    if (failed) throw new StorageUnavailableError([roomId]);
  }

  /**
   * Stop taking updates and store what is queued, retrying for up to `closeRetryMs` while storage
   * fails. Past that, logs each room with unstored edits and rejects with UnstoredEditsError.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    const deadline = this.now() + this.options.closeRetryMs;
    let delayMs = this.options.windowMs;
    for (;;) {
      const failed = await this.serially(() => this.writeDue(true));
      if (failed.length === 0) return;
      const left = deadline - this.now();
      if (left <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(delayMs, left)));
      delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS);
    }
    const rooms = this.backlogs.describe();
    this.options.log.error(
      { rooms },
      'shutting down with edits that could not be stored; clients that still hold them push them again when they reconnect',
    );
    throw new UnstoredEditsError(rooms);
  }

  /** Runs writes one after another, in the order they were asked for. */
  private serially<T>(write: () => Promise<T>): Promise<T> {
    const result = this.writes.then(write);
    this.writes = result.catch(() => {});
    return result;
  }

  /** Healthy rooms in one transaction; failing ones each on their own. Returns the rooms that failed. */
  private async writeDue(ignoreBackoff: boolean): Promise<string[]> {
    const { healthy, retrying } = this.backlogs.due(this.now(), ignoreBackoff);
    const failed: string[] = [];
    if (healthy.length > 0 && (await this.writeRooms(healthy))) failed.push(...healthy);
    for (const roomId of retrying) {
      if (await this.writeRooms([roomId])) failed.push(roomId);
    }
    return failed;
  }

  /** One transaction for these rooms' queues. Returns true if it failed (the content is queued again). */
  private async writeRooms(roomIds: readonly string[]): Promise<boolean> {
    const taken = roomIds.map((id) => this.backlogs.take(id)).filter((t): t is TakenWrite => t !== null);
    if (taken.length === 0) return false;
    const roomIdsTaken = taken.map((t) => t.write.roomId);
    this.observer?.writing(roomIdsTaken);
    const started = performance.now();
    try {
      await this.options.store.writeRooms(
        taken.map((t) => t.write),
        this.now(),
      );
    } catch (err) {
      const failures = taken.map((t) => this.backlogs.restore(t, (n) => this.now() + retryDelayMs(this.options.windowMs, n)));
      this.reportQueue();
      this.options.log.error(
        { err, rooms: roomIds, failures: Math.max(...failures), unstoredBytes: this.backlogs.bytes },
        'storing edits failed; kept in memory and retried',
      );
      return true;
    }
    const ms = performance.now() - started;
    for (const t of taken) this.backlogs.stored(t);
    this.observer?.stored(roomIdsTaken);
    const counts = new Map(taken.map((t) => [t.write.roomId, t.write.updates.length]));
    this.events.storeCommitted(
      ms / 1000,
      taken.reduce((sum, t) => sum + t.write.updates.length, 0),
    );
    this.reportQueue();
    this.options.log.debug({ rooms: taken.length, ms: Math.round(ms) }, 'stored updates');
    this.options.onCommitted?.(counts);
    return false;
  }

  /**
   * One commit cycle from the timer; then the next one is scheduled for whatever is still queued,
   * or, once all is quiet, a last one that forgets the rooms that stayed idle.
   */
  private async commitInBackground(): Promise<void> {
    this.timer = null;
    await this.serially(() => this.writeDue(false));
    if (this.closed) return;
    if (this.now() - this.lastSweepAt >= IDLE_SWEEP_MS) {
      this.backlogs.sweepIdle();
      this.lastSweepAt = this.now();
    }
    if (this.backlogs.hasHealthyContent()) {
      this.schedule(this.options.windowMs);
      return;
    }
    const retryAt = this.backlogs.nextRetryAt();
    if (retryAt !== null) this.schedule(Math.max(0, retryAt - this.now()));
    else if (this.backlogs.roomCount > 0) this.schedule(IDLE_SWEEP_MS);
  }

  /** New content waits at most one window, even when the next cycle was a later retry. */
  private scheduleWindow(): void {
    if (!this.timer || this.timerDueAt > this.now() + this.options.windowMs) this.schedule(this.options.windowMs);
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    if (this.closed) return;
    this.timerDueAt = this.now() + delayMs;
    this.timer = setTimeout(() => void this.commitInBackground(), delayMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private get events(): ServerEvents {
    return this.options.events ?? NO_SERVER_EVENTS;
  }

  /** Updates waiting to be stored (not counting a write in flight); reported after every change to the queue. */
  private reportQueue(): void {
    this.events.storeQueue(this.backlogs.updateCount);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('group committer is closed');
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}

/** Exponential back-off from the window, capped: 2, 4, 8 ... windows, at most 5 s. */
function retryDelayMs(windowMs: number, failures: number): number {
  return Math.min(windowMs * 2 ** failures, MAX_RETRY_DELAY_MS);
}
