import { describe, expect, it } from 'vitest';
import { RUN_OUTPUT_MAX_BYTES } from '@pairwise/protocol';
import { splitText } from './outputBatcher';
import { appendOutput, fitBytes, KEPT_RUNS, keepNewest, type RunView, viewOf, withLoaded, withSummary } from './runLog';

const run = (id: string, status: RunView['status'] = 'exited'): RunView =>
  viewOf({
    id,
    language: 'javascript',
    startedBy: { id: 'a', name: 'Ada', color: '#f00' },
    startedAt: `2026-12-01T10:00:${id.padStart(2, '0')}.000Z`,
    finishedAt: null,
    status,
    exitCode: null,
    durationMs: null,
    outputBytes: 0,
    truncated: false,
    output: [],
  });

describe('run output', () => {
  it('merges consecutive text of one stream', () => {
    const { run: updated, kept } = appendOutput(run('1'), [
      { stream: 'stdout', text: 'a' },
      { stream: 'stdout', text: 'b' },
      { stream: 'stderr', text: 'c' },
    ]);
    expect(updated.output).toEqual([
      { stream: 'stdout', text: 'ab' },
      { stream: 'stderr', text: 'c' },
    ]);
    expect(kept).toHaveLength(3);
    expect(updated.outputBytes).toBe(3);
  });

  it('keeps at most RUN_OUTPUT_MAX_BYTES of UTF-8, then marks the run truncated and keeps nothing more', () => {
    const big = 'é'.repeat(RUN_OUTPUT_MAX_BYTES);
    const { run: full, kept } = appendOutput(run('1'), [{ stream: 'stdout', text: big }]);
    expect(full.truncated).toBe(true);
    expect(full.outputBytes).toBeLessThanOrEqual(RUN_OUTPUT_MAX_BYTES);
    expect(full.outputBytes).toBeGreaterThan(RUN_OUTPUT_MAX_BYTES * 0.8);
    expect(kept[0]?.text.length).toBe(full.outputBytes / 2);
    const after = appendOutput(full, [{ stream: 'stdout', text: 'more' }]);
    expect(after.run).toBe(full);
    expect(after.kept).toEqual([]);
  });

  it('fits text in a byte budget and splits chunks without breaking a surrogate pair', () => {
    expect(fitBytes('aé😀', 3)).toBe('aé');
    expect(fitBytes('abc', 0)).toBe('');
    expect(splitText('ab😀cd', 3)).toEqual(['ab', '😀c', 'd']);
    expect(splitText('', 3)).toEqual(['']);
  });

  it('keeps the newest runs, dropping the oldest finished ones and never a running one', () => {
    const runs = [run('0', 'running'), ...Array.from({ length: KEPT_RUNS }, (_, i) => run(String(i + 1)))];
    expect(keepNewest(runs).map((r) => r.id)).toEqual(['0', ...runs.slice(2).map((r) => r.id)]);
  });
});

describe("the server's summary of a run", () => {
  const ended = (durationMs: number) => ({ status: 'exited' as const, exitCode: 0, finishedAt: '2026-12-01T10:00:10.000Z', durationMs });

  it("takes another tab's run as the server has it", () => {
    const [merged] = withSummary([run('1', 'running')], { ...run('1'), ...ended(9800) });
    expect(merged).toMatchObject({ status: 'exited', durationMs: 9800, finishedAt: '2026-12-01T10:00:10.000Z' });
  });

  it("keeps the runner's own timing: a 'start' message the server got late must not shorten the run shown", () => {
    const mine = { ...viewOf({ ...run('1'), ...ended(10_000), finishedAt: '2026-12-01T10:00:11.000Z' }, true), outputBytes: 9 };
    const [merged] = withSummary([mine], { ...run('1'), startedAt: '2026-12-01T10:00:01.200Z', ...ended(9800), outputBytes: 4 });
    expect(merged).toMatchObject({
      status: 'exited',
      startedAt: mine.startedAt,
      finishedAt: mine.finishedAt,
      durationMs: 10_000,
      outputBytes: 9,
    });
  });
});

describe('merging loaded runs (a page, or the newest again after a reconnect)', () => {
  const stored = (view: RunView, patch: Partial<RunView> = {}) => {
    const { mine: _mine, refusal: _refusal, stopRequestedBy: _stop, ...details } = { ...view, ...patch };
    return details;
  };
  const ended = { status: 'exited' as const, exitCode: 0, finishedAt: '2026-12-01T10:01:00.000Z', durationMs: 900 };

  it('adds the runs it missed once each, in start order, and keeps cleared ones out', () => {
    const shown = [run('2')];
    const merged = withLoaded(shown, [stored(run('5')), stored(run('2')), stored(run('3')), stored(run('1'))], new Set(['1']));
    expect(merged.map((r) => r.id)).toEqual(['2', '3', '5']);
    expect(withLoaded(merged, [stored(run('5')), stored(run('3'))], new Set()).map((r) => r.id)).toEqual(['2', '3', '5']);
  });

  it('a run shown running takes how it ended and all of its output from the server', () => {
    const shown = [{ ...run('1', 'running'), stopRequestedBy: { id: 'b', name: 'Bo', color: '#0f0' } }];
    const output = [{ stream: 'stdout' as const, text: 'all of it\n' }];
    const [merged] = withLoaded(shown, [stored(run('1'), { ...ended, output, outputBytes: 10 })], new Set());
    expect(merged).toMatchObject({ status: 'exited', exitCode: 0, durationMs: 900, output, outputBytes: 10, mine: false });
    expect(merged?.stopRequestedBy?.name).toBe('Bo');
  });

  it('a run still going keeps the output shown unless the server holds as much or more', () => {
    const shown = [{ ...run('1', 'running'), output: [{ stream: 'stdout' as const, text: 'abc' }], outputBytes: 3 }];
    const less = withLoaded(shown, [stored(shown[0] as RunView, { output: [{ stream: 'stdout', text: 'a' }], outputBytes: 1 })], new Set());
    expect(less[0]?.output[0]?.text).toBe('abc');
    const more = withLoaded(
      shown,
      [stored(shown[0] as RunView, { output: [{ stream: 'stdout', text: 'abcd' }], outputBytes: 4 })],
      new Set(),
    );
    expect(more[0]?.output[0]?.text).toBe('abcd');
  });

  it('this tab’s own run and runs already ended keep what is shown', () => {
    const mine = viewOf({ ...run('1', 'running'), output: [{ stream: 'stdout', text: 'mine' }], outputBytes: 4 }, true);
    const done = { ...run('2'), exitCode: 3 };
    const merged = withLoaded([mine, done], [stored(mine, { status: 'lost', output: [] }), stored(done, { exitCode: 0 })], new Set());
    expect(merged).toEqual([mine, done]);
  });
});
