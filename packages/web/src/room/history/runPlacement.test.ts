import { describe, expect, it } from 'vitest';
import type { RunDetails } from '@pairwise/protocol';
import { passedRun, RunPlacer, shareOf } from './runPlacement';

const at = (second: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, second)).toISOString();

function run(id: string, startSecond: number): RunDetails {
  return {
    id,
    language: 'python',
    startedBy: { id: 'a', name: 'Ada', color: '#f00' },
    startedAt: at(startSecond),
    finishedAt: at(startSecond + 1),
    status: 'exited',
    exitCode: 0,
    durationMs: 1000,
    outputBytes: 0,
    truncated: false,
    output: [],
  };
}

/** Points 10, 20, ... 100 typed at seconds 1..10 (seq numbers need not be dense: other rooms share them). */
const points = Array.from({ length: 10 }, (_, i) => ({ seq: (i + 1) * 10, at: at(i + 1) }));

function placeAll(runs: RunDetails[], pageSize: number) {
  const placer = new RunPlacer(runs, 10, 100);
  for (let i = 0; i < points.length; i += pageSize) placer.add(points.slice(i, i + pageSize));
  placer.finish();
  return placer.runs();
}

describe('placing runs on the playback timeline', () => {
  it('puts a run at the first point at or after its start, wherever the page breaks fall', () => {
    const runs = [run('exact', 3), run('before-all', 0), run('after-all', 30)];
    for (const pageSize of [1, 3, 10]) {
      const placed = placeAll(runs, pageSize);
      expect(placed.map((p) => [p.run.id, p.seq])).toEqual([
        ['before-all', 10],
        ['exact', 30],
        ['after-all', 100],
      ]);
    }
  });

  it('a run started between two points goes to the later one; its position is that point’s share of the range', () => {
    const between = { ...run('between', 0), startedAt: new Date(Date.parse(at(4)) + 500).toISOString() };
    const [placed] = placeAll([between], 4);
    expect(placed?.seq).toBe(50);
    expect(placed?.position).toBeCloseTo(40 / 90);
  });

  it('leaves runs unplaced until the points reach them, and points past the range out', () => {
    const placer = new RunPlacer([run('late', 9)], 10, 50);
    placer.add(points.slice(0, 3));
    expect(placer.runs()).toEqual([]);
    placer.add(points.slice(3));
    expect(placer.runs()).toEqual([]);
    placer.finish();
    expect(placer.runs().map((p) => [p.seq, p.position])).toEqual([[50, 1]]);
  });

  it('shares clamp to the range, and a one-point range is all at 0', () => {
    expect(shareOf(5, 10, 20)).toBe(0);
    expect(shareOf(25, 10, 20)).toBe(1);
    expect(shareOf(15, 10, 20)).toBe(0.5);
    expect(shareOf(10, 10, 10)).toBe(0);
  });

  it('playing forward past a run shows it (the newest one passed); jumping back passes nothing', () => {
    const placed = placeAll([run('one', 2), run('two', 4)], 10);
    expect(passedRun(placed, 10, 20)?.run.id).toBe('one');
    expect(passedRun(placed, 20, 30)).toBeNull();
    expect(passedRun(placed, 10, 40)?.run.id).toBe('two');
    expect(passedRun(placed, 40, 20)).toBeNull();
  });
});
