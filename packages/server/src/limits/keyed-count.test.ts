import { describe, expect, it } from 'vitest';
import { KeyedCount } from './keyed-count.js';

describe('KeyedCount', () => {
  it('caps what each key holds at once and forgets keys that hold nothing', () => {
    const count = new KeyedCount(2);
    expect(count.tryAcquire('a')).toBe(true);
    expect(count.tryAcquire('a')).toBe(true);
    expect(count.tryAcquire('a')).toBe(false);
    expect(count.tryAcquire('b')).toBe(true);
    expect(count.held('a')).toBe(2);
    count.release('a');
    expect(count.tryAcquire('a')).toBe(true);
    count.release('a');
    count.release('a');
    count.release('b');
    expect(count.size).toBe(0);
  });

  it('a release without an acquire does not go negative', () => {
    const count = new KeyedCount(1);
    count.release('a');
    expect(count.held('a')).toBe(0);
    expect(count.tryAcquire('a')).toBe(true);
    expect(count.tryAcquire('a')).toBe(false);
  });
});
