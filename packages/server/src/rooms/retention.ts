import type { Logger } from 'pino';
import type { RoomStore } from '../storage/store.js';
import type { RoomRegistry } from '../sync/room-registry.js';
import type { RoomService } from './room-service.js';

/** How often the sweep runs in production. */
export const RETENTION_SWEEP_INTERVAL_MS = 3600_000;
/** At most this many rooms are looked at (and deleted) per sweep, so one sweep never floods storage. */
export const RETENTION_SWEEP_BATCH = 100;

const DAY_MS = 24 * 3600_000;

export interface RoomRetentionOptions {
  /** ROOM_RETENTION_DAYS: rooms nobody opened for this many days are deleted. */
  retentionDays: number;
  store: Pick<RoomStore, 'touchRooms' | 'listRoomsNotOpenedSince'>;
  /** Deletes exactly as `DELETE /api/rooms/:id` does. */
  rooms: Pick<RoomService, 'delete'>;
  /** The rooms this instance holds in memory. */
  registry: Pick<RoomRegistry, 'loadedRooms' | 'loaded' | 'leaseCount'>;
  log: Logger;
  /** RETENTION_SWEEP_INTERVAL_MS when omitted; tests sweep more often. */
  intervalMs?: number;
  /** RETENTION_SWEEP_BATCH when omitted. */
  batchSize?: number;
  /** Epoch milliseconds; Date.now when omitted. */
  now?: () => number;
}

export interface SweepResult {
  /** Rooms deleted by this sweep, least recently opened first. */
  deleted: string[];
  /** Rooms listed as stale but skipped because this instance holds them in memory. */
  skipped: string[];
}

/**
 * Deletes rooms nobody has opened for ROOM_RETENTION_DAYS: once soon after start (a server
 * restarted more often than hourly would otherwise never sweep), then every interval.
 *
 * "Opened" is recorded when a room is loaded into and unloaded from an instance's memory (see
 * LastOpenedRecorder), and each sweep first records every room this instance holds in memory as
 * opened now. So a room open anywhere for weeks looks opened within the last sweep interval, as
 * long as every instance runs with the same ROOM_RETENTION_DAYS.
 *
 * Each stale room is deleted through RoomService.delete, the API's own path: this instance's copy
 * is evicted, the retired state vector is stored and the deletion is published to the other
 * instances, so a client still holding the room cannot bring its content back.
 */
export class RoomRetention {
  private readonly retentionMs: number;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  // Sweeps run one after another: a timer's and a test's never overlap.
  private sweeping: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: RoomRetentionOptions) {
    this.retentionMs = options.retentionDays * DAY_MS;
    this.intervalMs = options.intervalMs ?? RETENTION_SWEEP_INTERVAL_MS;
    this.batchSize = options.batchSize ?? RETENTION_SWEEP_BATCH;
    this.now = options.now ?? (() => Date.now());
  }

  /** Sweeps at once, then every interval until `close`. */
  start(): void {
    if (this.closed || this.timer) return;
    this.schedule(0);
  }

  /** One sweep, after any sweep under way. Never rejects: failures are logged and end the sweep early. */
  sweep(): Promise<SweepResult> {
    const result = this.sweeping.then(() => this.sweepOnce());
    this.sweeping = result;
    return result;
  }

  /** Stops the timer and waits for a sweep under way, which stops before its next deletion. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sweeping;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      void this.sweep().then(() => {
        if (!this.closed) this.schedule(this.intervalMs);
      });
    }, delayMs);
    // Never the reason the process stays up.
    this.timer.unref();
  }

  private async sweepOnce(): Promise<SweepResult> {
    const { store, registry, rooms, log } = this.options;
    const result: SweepResult = { deleted: [], skipped: [] };
    if (this.closed) return result;
    try {
      const now = this.now();
      const held = [...registry.loadedRooms()].map((room) => room.id);
      if (held.length > 0) await store.touchRooms(held, now);
      const stale = await store.listRoomsNotOpenedSince(now - this.retentionMs, this.batchSize);
      for (const { id } of stale) {
        if (this.closed) break;
        // Loaded here since it was listed: someone opened it just now, and deleting would throw them out.
        if (registry.loaded(id) !== undefined || registry.leaseCount(id) > 0) {
          result.skipped.push(id);
          continue;
        }
        if (await rooms.delete(id)) result.deleted.push(id);
      }
    } catch (err) {
      log.error({ err, deleted: result.deleted.length }, 'room retention sweep failed; the next sweep tries again');
    }
    if (result.deleted.length > 0) {
      log.info(
        { count: result.deleted.length, retentionDays: this.options.retentionDays },
        'deleted rooms nobody opened within the retention period',
      );
      log.debug({ roomIds: result.deleted }, 'rooms deleted by retention');
    }
    return result;
  }
}
