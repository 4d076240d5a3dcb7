import { describe, expect, it } from 'vitest';
import { changedRange } from './changedRange';

describe('changedRange', () => {
  it('finds the one stretch that changed', () => {
    expect(changedRange('abc', 'abc')).toBeNull();
    expect(changedRange('abc', 'abXc')).toEqual({ start: 2, oldEnd: 2, newEnd: 3 });
    expect(changedRange('abXc', 'abc')).toEqual({ start: 2, oldEnd: 3, newEnd: 2 });
    expect(changedRange('', 'hello')).toEqual({ start: 0, oldEnd: 0, newEnd: 5 });
    expect(changedRange('hello world', 'help world')).toEqual({ start: 3, oldEnd: 5, newEnd: 4 });
  });

  it('never lets prefix and suffix overlap on repeated characters', () => {
    expect(changedRange('aaa', 'aaaa')).toEqual({ start: 3, oldEnd: 3, newEnd: 4 });
    expect(changedRange('aaaa', 'aa')).toEqual({ start: 2, oldEnd: 4, newEnd: 2 });
  });
});
