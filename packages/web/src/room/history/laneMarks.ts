import type { TimelinePoint } from '@pairwise/protocol';

/** How many slots a lane has across the timeline: marks stay readable, memory stays fixed. */
export const LANE_SLOTS = 160;

const TYPED = 1;
const PASTED = 2;

export interface LaneMark {
  /** 0..1 across [firstSeq, lastSeq]. */
  position: number;
  paste: boolean;
}

export interface Lane {
  authorId: string;
  marks: LaneMark[];
}

/** The slot a point falls in; the range may hold other rooms' numbers, only order matters. */
export function slotOf(seq: number, firstSeq: number, lastSeq: number, slots = LANE_SLOTS): number {
  if (lastSeq <= firstSeq) return 0;
  const share = (seq - firstSeq) / (lastSeq - firstSeq);
  return Math.min(slots - 1, Math.max(0, Math.floor(share * slots)));
}

/**
 * Who typed where along the timeline, one lane per author, in slots: a room of 100,000 edits
 * costs the same few hundred bytes per author as one of ten. A paste outranks typing in its slot.
 */
export class LaneMarks {
  private readonly lanes = new Map<string, Uint8Array>();

  constructor(
    readonly firstSeq: number,
    readonly lastSeq: number,
  ) {}

  add(points: readonly TimelinePoint[]): void {
    for (const point of points) {
      if (point.author === null) continue;
      let lane = this.lanes.get(point.author);
      if (!lane) {
        lane = new Uint8Array(LANE_SLOTS);
        this.lanes.set(point.author, lane);
      }
      const slot = slotOf(point.seq, this.firstSeq, this.lastSeq);
      lane[slot] = Math.max(lane[slot] ?? 0, point.paste ? PASTED : TYPED);
    }
  }

  /** Lanes in the order their authors first appeared. */
  rows(): Lane[] {
    return [...this.lanes].map(([authorId, slots]) => {
      const marks: LaneMark[] = [];
      slots.forEach((mark, slot) => {
        if (mark !== 0) marks.push({ position: slot / LANE_SLOTS, paste: mark === PASTED });
      });
      return { authorId, marks };
    });
  }
}
