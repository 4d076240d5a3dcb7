import { describe, expect, it } from 'vitest';
import { cursorInsideWord, fitBeforeFollowing } from './fit.js';

describe('fitBeforeFollowing', () => {
  it('cuts where the insertion would repeat the text after the cursor', () => {
    expect(fitBeforeFollowing('a, b)', ')')).toBe('a, b');
    expect(fitBeforeFollowing('x) + 1', ')')).toBe('x');
    expect(fitBeforeFollowing('hello"', '"')).toBe('hello');
    expect(fitBeforeFollowing('total + rest', ' + rest')).toBe('total');
  });

  it("keeps the insertion's own balanced brackets before an auto-closed one", () => {
    expect(fitBeforeFollowing('bar(1, 2)', ')')).toBe('bar(1, 2)');
    expect(fitBeforeFollowing(');', ')')).toBe('');
  });

  it('keeps one line before existing text, and everything at a line end', () => {
    expect(fitBeforeFollowing('line\nmore', ' rest')).toBe('line');
    expect(fitBeforeFollowing('anything\nelse', '')).toBe('anything\nelse');
  });

  it('knows when the cursor sits inside a word', () => {
    expect(cursorInsideWord('tal)')).toBe(true);
    expect(cursorInsideWord(')')).toBe(false);
    expect(cursorInsideWord('')).toBe(false);
  });
});
