import type { RunDetails, TimelinePoint } from '@pairwise/protocol';

/** A run at its place in the player: the last timeline point at or before its start. */
export interface PlacedRun {
  run: RunDetails;
  /** The point the run is shown at, where the code is what the run ran: playing past it shows the run. */
  seq: number;
  /** 0..1 across [firstSeq, lastSeq], as the lanes and the playhead are laid out. */
  position: number;
  /** How many runs before this one sit at (nearly) the same position: drawn side by side, not hidden under each other. */
  stack: number;
}

/** Runs closer than this share of the timeline count as one place (a marker is about this wide). */
export const SAME_PLACE = 0.02;

/** Where `seq` falls across [firstSeq, lastSeq] (0 when the range is a single point). */
export function shareOf(seq: number, firstSeq: number, lastSeq: number): number {
  if (lastSeq <= firstSeq) return 0;
  return Math.min(1, Math.max(0, (seq - firstSeq) / (lastSeq - firstSeq)));
}

/**
 * Places runs on the player, whose lanes are laid out by edit order (seq), not by time: a run goes
 * to the last point at or before its start, so jumping to it shows the code it ran (a run started
 * before the first point goes to the first). Points stream through `add` page by page, oldest first,
 * so the timeline is never held in memory; only the runs are.
 */
export class RunPlacer {
  /** Oldest first; `next` is the first not placed yet. */
  private readonly pending: { run: RunDetails; startedAt: number }[];
  private next = 0;
  private readonly placed: PlacedRun[] = [];
  /** The newest point seen so far. */
  private previousSeq: number | null = null;

  constructor(
    runs: readonly RunDetails[],
    readonly firstSeq: number,
    readonly lastSeq: number,
  ) {
    this.pending = runs.map((run) => ({ run, startedAt: Date.parse(run.startedAt) })).sort((a, b) => a.startedAt - b.startedAt);
  }

  /** The next points of the timeline, in order: a point after a run's start places it at the one before. */
  add(points: readonly Pick<TimelinePoint, 'seq' | 'at'>[]): void {
    for (const point of points) {
      if (point.seq > this.lastSeq) break;
      const at = Date.parse(point.at);
      while (this.next < this.pending.length && (this.pending[this.next]?.startedAt ?? Number.POSITIVE_INFINITY) < at) {
        this.place(this.next++, this.previousSeq ?? point.seq);
      }
      this.previousSeq = point.seq;
    }
  }

  /** The timeline is read to its end: the runs started after its last point go there. */
  finish(): void {
    while (this.next < this.pending.length) this.place(this.next++, this.previousSeq ?? this.lastSeq);
  }

  /** The runs placed so far, oldest first. */
  runs(): PlacedRun[] {
    return [...this.placed];
  }

  private place(index: number, seq: number): void {
    const pending = this.pending[index];
    if (!pending) return;
    const position = shareOf(seq, this.firstSeq, this.lastSeq);
    const before = this.placed.at(-1);
    const stack = before && position - before.position < SAME_PLACE ? before.stack + 1 : 0;
    this.placed.push({ run: pending.run, seq, position, stack });
  }
}

/**
 * The newest run the player went past when it moved from `fromSeq` to `toSeq` (forward, as
 * playing does), or null. A jump backwards passes nothing.
 */
export function passedRun(placed: readonly PlacedRun[], fromSeq: number, toSeq: number): PlacedRun | null {
  let passed: PlacedRun | null = null;
  for (const mark of placed) if (mark.seq > fromSeq && mark.seq <= toSeq) passed = mark;
  return passed;
}
