import { describe, expect, it } from 'vitest';
import type { RunOutputChunk } from '@pairwise/protocol';
import { appendCapped, type OutputCap, TRUNCATED_NOTICE, utf8Prefix } from './output-cap.js';

describe('utf8Prefix', () => {
  it('keeps whole characters only: never half of a multi-byte one or of a surrogate pair', () => {
    expect(utf8Prefix('abc', 3)).toBe('abc');
    expect(utf8Prefix('aé', 2)).toBe('a');
    expect(utf8Prefix('a🙂b', 4)).toBe('a');
    expect(utf8Prefix('a🙂b', 5)).toBe('a🙂');
    expect(utf8Prefix('é', 0)).toBe('');
  });
});

describe('appendCapped', () => {
  it('merges a stream’s consecutive chunks, replacing the last one instead of changing it', () => {
    const output: RunOutputChunk[] = [];
    const cap: OutputCap = { bytes: 0, truncated: false };
    appendCapped(output, cap, 'stdout', 'a', 10);
    const first = output[0];
    appendCapped(output, cap, 'stdout', 'b', 10);
    appendCapped(output, cap, 'stderr', 'c', 10);
    expect(output).toEqual([
      { stream: 'stdout', text: 'ab' },
      { stream: 'stderr', text: 'c' },
    ]);
    expect(first).toEqual({ stream: 'stdout', text: 'a' });
    expect(cap).toEqual({ bytes: 3, truncated: false });
  });

  it('keeps what fits under the cap, gives the notice once, then drops everything', () => {
    const output: RunOutputChunk[] = [];
    const cap: OutputCap = { bytes: 0, truncated: false };
    expect(appendCapped(output, cap, 'stdout', 'abcd', 6)).toEqual({ kept: 'abcd', notice: null });
    expect(appendCapped(output, cap, 'stdout', 'éé', 6)).toEqual({ kept: 'é', notice: TRUNCATED_NOTICE });
    expect(appendCapped(output, cap, 'stdout', 'x', 6)).toEqual({ kept: null, notice: null });
    expect(output).toEqual([{ stream: 'stdout', text: 'abcdé' }]);
    expect(cap).toEqual({ bytes: 6, truncated: true });
  });
});
