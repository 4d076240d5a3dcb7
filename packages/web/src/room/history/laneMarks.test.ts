import { describe, expect, it } from 'vitest';
import type { TimelinePoint } from '@pairwise/protocol';
import { LANE_SLOTS, LaneMarks, slotOf } from './laneMarks';

const point = (seq: number, author: string | null, paste = false): TimelinePoint => ({
  seq,
  at: '2026-01-01T00:00:00Z',
  author,
  inserted: 1,
  deleted: 0,
  paste,
});

describe('LaneMarks', () => {
  it('puts each author on a lane in order of appearance, with pastes marked over typing', () => {
    const marks = new LaneMarks(100, 100 + LANE_SLOTS - 1);
    marks.add([point(100, 'ada'), point(101, 'bob'), point(101, 'bob', true), point(150, 'ada'), point(120, null)]);
    const rows = marks.rows();
    expect(rows.map((r) => r.authorId)).toEqual(['ada', 'bob']);
    expect(rows[0]!.marks).toEqual([
      { position: 0, paste: false },
      { position: 50 / LANE_SLOTS, paste: false },
    ]);
    expect(rows[1]!.marks).toEqual([{ position: 1 / LANE_SLOTS, paste: true }]);
  });

  it('keeps a fixed size however many points a lane gets', () => {
    const marks = new LaneMarks(1, 100_000);
    const points = Array.from({ length: 100_000 }, (_, i) => point(i + 1, 'ada', i === 50_000));
    marks.add(points);
    const [lane] = marks.rows();
    expect(lane!.marks).toHaveLength(LANE_SLOTS);
    expect(lane!.marks.filter((m) => m.paste)).toHaveLength(1);
  });

  it('slots clamp to the range and a one-point range is slot 0', () => {
    expect(slotOf(5, 5, 5)).toBe(0);
    expect(slotOf(0, 10, 20)).toBe(0);
    expect(slotOf(99, 10, 20)).toBe(LANE_SLOTS - 1);
  });
});
