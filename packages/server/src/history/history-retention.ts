import type { Logger } from 'pino';
import type { Checkpoint, HistoryEntry } from '../storage/history.js';
import type { Store } from '../storage/store.js';
import { type HistoryRetentionPolicy, planThinning } from './history-thinning.js';

export interface HistoryRetentionOptions {
  store: Store;
  policy: HistoryRetentionPolicy;
  /** The full state after each update whose index is in `marks`, off the event loop (OffThreadSnapshotEncoder). */
  statesAfter(updates: readonly Uint8Array[], marks: readonly number[]): Promise<Uint8Array[]>;
  log: Logger;
  /** How often the sweep runs (hourly) and how many rooms one run thins (100). */
  intervalMs?: number;
  batchSize?: number;
  now?: () => number;
}

const READ_PAGE = 2000;

/**
 * Keeps every room's history within its retention policy: a sweep finds rooms whose log holds
 * updates older than the keep-all age and replaces them with one checkpoint per minute (older: per
 * hour) of activity, so a busy room's history does not grow without bound and every kept moment is
 * still reachable. Versions are separate and untouched (automatic ones expire with minute points).
 * Every instance may sweep: thinning the same room twice is harmless (checkpoints are added once).
 */
export class HistoryRetention {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;
  private closed = false;

  constructor(private readonly options: HistoryRetentionOptions) {}

  /** Sweeps soon, then every interval. */
  start(): void {
    this.schedule(1_000);
  }

  /** Thins every room that has something old, up to the batch size; returns how many were thinned. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepRooms().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sweeping?.catch(() => undefined);
  }

  /** Thins one room's old history; false when nothing in it is old enough. */
  async thinRoom(roomId: string): Promise<boolean> {
    const { store, policy } = this.options;
    const now = this.now();
    const points = await this.oldPoints(roomId, now - policy.keepAllMs);
    const plan = planThinning(points, policy, now);
    if (!plan) return false;
    const thinned = points.filter((point) => point.seq <= plan.through);
    const addCheckpoints = await this.checkpoints(roomId, thinned, plan.checkpointAt);
    await store.thinHistory(roomId, { addCheckpoints, logThrough: plan.through, dropCheckpoints: plan.drop });
    await store.deleteAutoVersionsBefore(roomId, now - policy.minutePointsMs);
    return true;
  }

  private async sweepRooms(): Promise<number> {
    const { store, policy, log } = this.options;
    const rooms = await store.roomsWithLogBefore(this.now() - policy.keepAllMs, this.options.batchSize ?? 100);
    let thinned = 0;
    for (const roomId of rooms) {
      if (this.closed) break;
      try {
        if (await this.thinRoom(roomId)) thinned++;
      } catch (err) {
        log.warn({ err, roomId }, 'thinning a room’s history failed; the next sweep tries again');
      }
    }
    if (thinned > 0) log.info({ rooms: thinned }, 'thinned old history');
    return thinned;
  }

  /** The room's points from the start up to (and one past) the first young one. */
  private async oldPoints(roomId: string, youngFrom: number): Promise<HistoryEntry[]> {
    const points: HistoryEntry[] = [];
    for (let after = 0; ; ) {
      const page = await this.options.store.readHistory(roomId, after, READ_PAGE);
      points.push(...page);
      const last = page.at(-1);
      if (!last || page.length < READ_PAGE || last.at >= youngFrom) return points;
      after = last.seq;
    }
  }

  /** States after the given log entries, replayed from the newest checkpoint before the first one. */
  private async checkpoints(roomId: string, points: readonly HistoryEntry[], seqs: readonly number[]): Promise<Checkpoint[]> {
    const entries = points.filter((point) => point.update !== null);
    const first = entries[0];
    if (seqs.length === 0 || !first) return [];
    const base = await this.options.store.checkpointAtOrBefore(roomId, first.seq - 1);
    const updates = [...(base ? [base.state] : []), ...entries.map((entry) => entry.update as Uint8Array)];
    const offset = base ? 1 : 0;
    const indexOf = new Map(entries.map((entry, i) => [entry.seq, i]));
    const marks = seqs.map((seq) => (indexOf.get(seq) ?? Number.NaN) + offset);
    const states = await this.options.statesAfter(updates, marks);
    return seqs.map((seq, i) => ({ seq, at: entries[indexOf.get(seq) ?? 0]?.at ?? 0, state: states[i] as Uint8Array }));
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.sweep()
        .catch((err: unknown) => this.options.log.warn({ err }, 'the history retention sweep failed'))
        .finally(() => this.schedule(this.options.intervalMs ?? 3_600_000));
    }, delayMs);
    this.timer.unref();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
