import { describe, expect, it } from 'vitest';
import type { RunDetails } from '@pairwise/protocol';
import { passedRun, RunPlacer, shareOf } from './runPlacement';

const at = (second: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, 0, second * 1000)).toISOString();

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

/** Points 10, 20, ... 100 stored at seconds 1..10 (seq numbers need not be dense: other rooms share them). */
const points = Array.from({ length: 10 }, (_, i) => ({ seq: (i + 1) * 10, at: at(i + 1) }));

function placeAll(runs: RunDetails[], pageSize: number, lastSeq = 100) {
  const placer = new RunPlacer(runs, 10, lastSeq);
  for (let i = 0; i < points.length; i += pageSize) placer.add(points.slice(i, i + pageSize));
  placer.finish();
  return placer.runs();
}

describe('placing runs on the playback timeline', () => {
  it('puts a run at the last point at or before its start (the code it ran), wherever the pages break', () => {
    const runs = [run('exact', 3), run('between', 4.5), run('before-all', 0.5), run('after-all', 30)];
    for (const pageSize of [1, 3, 10]) {
      expect(placeAll(runs, pageSize).map((p) => [p.run.id, p.seq])).toEqual([
        ['before-all', 10],
        ['exact', 30],
        ['between', 40],
        ['after-all', 100],
      ]);
    }
  });

  it('a run’s position is its point’s share of the range, as the playhead’s', () => {
    const [placed] = placeAll([run('between', 4.5)], 4);
    expect(placed?.position).toBeCloseTo(30 / 90);
  });

  it('waits for the point after a run’s start before placing it; points past the range are left out', () => {
    const placer = new RunPlacer([run('late', 3.5)], 10, 30);
    placer.add(points.slice(0, 3));
    expect(placer.runs()).toEqual([]);
    placer.add(points.slice(3));
    expect(placer.runs()).toEqual([]);
    placer.finish();
    expect(placer.runs().map((p) => [p.seq, p.position])).toEqual([[30, 1]]);
  });

  it('runs at the same place are stacked side by side, counting up', () => {
    const placed = placeAll([run('a', 3.1), run('b', 3.2), run('c', 3.3), run('d', 6.5)], 10);
    expect(placed.map((p) => [p.run.id, p.stack])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['d', 0],
    ]);
  });

  it('shares clamp to the range, and a one-point range is all at 0', () => {
    expect(shareOf(5, 10, 20)).toBe(0);
    expect(shareOf(25, 10, 20)).toBe(1);
    expect(shareOf(15, 10, 20)).toBe(0.5);
    expect(shareOf(10, 10, 10)).toBe(0);
  });

  it('playing forward past a run shows it (the newest one passed); jumping back passes nothing', () => {
    const placed = placeAll([run('one', 2.5), run('two', 4.5)], 10);
    expect(passedRun(placed, 10, 20)?.run.id).toBe('one');
    expect(passedRun(placed, 20, 30)).toBeNull();
    expect(passedRun(placed, 10, 40)?.run.id).toBe('two');
    expect(passedRun(placed, 40, 20)).toBeNull();
  });
});
