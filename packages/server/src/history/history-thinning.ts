import type { HistoryEntry } from '../storage/history.js';

/** How much of a room's history is kept, by age. Versions are not thinned (named ones are kept forever). */
export interface HistoryRetentionPolicy {
  /** Every stored update is kept this long. */
  keepAllMs: number;
  /** After that, one point per minute of activity is kept until this age; older, one per hour. */
  minutePointsMs: number;
}

export const DAY_MS = 24 * 60 * 60_000;
export const DEFAULT_HISTORY_RETENTION: HistoryRetentionPolicy = { keepAllMs: 7 * DAY_MS, minutePointsMs: 30 * DAY_MS };

/** What thinning one room's old history does, worked out from its points (pure: no storage, no Yjs). */
export interface ThinningPlan {
  /** The oldest points up to and including this seq are thinned; later ones are kept as they are. */
  through: number;
  /** Seqs of log entries (within `through`) whose state becomes a checkpoint: the last of their minute or hour. */
  checkpointAt: number[];
  /** Points within `through` that stop being points (log entries go with the log; checkpoints are dropped). */
  drop: number[];
}

/**
 * Plans thinning for a room's oldest points, oldest first as `readHistory` gives them: the run of
 * points accepted before the keep-all age, each bucketed by the minute (or, past the minute-points
 * age, the hour) it was accepted in; the last point of each bucket stays. Null when nothing is old.
 */
export function planThinning(points: readonly HistoryEntry[], policy: HistoryRetentionPolicy, now: number): ThinningPlan | null {
  const keepAllFrom = now - policy.keepAllMs;
  const minutesFrom = now - policy.minutePointsMs;
  const old: HistoryEntry[] = [];
  for (const point of points) {
    // In seq order; an instance whose clock lags may store a later seq with an earlier time: stop at the first young one.
    if (point.at >= keepAllFrom) break;
    old.push(point);
  }
  if (old.length === 0) return null;
  const bucketOf = (at: number): string => (at < minutesFrom ? `h${Math.floor(at / 3_600_000)}` : `m${Math.floor(at / 60_000)}`);
  const lastOfBucket = new Map<string, HistoryEntry>();
  for (const point of old) lastOfBucket.set(bucketOf(point.at), point);
  const kept = new Set([...lastOfBucket.values()].map((point) => point.seq));
  return {
    through: old[old.length - 1]?.seq ?? 0,
    checkpointAt: old.filter((point) => kept.has(point.seq) && point.update !== null).map((point) => point.seq),
    drop: old.filter((point) => !kept.has(point.seq)).map((point) => point.seq),
  };
}
