import { describe, expect, it } from 'vitest';
import { RUN_OUTPUT_MAX_BYTES } from '@pairwise/protocol';
import { splitText } from './outputBatcher';
import { appendOutput, fitBytes, KEPT_RUNS, keepNewest, type RunView, viewOf } from './runLog';

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
