import { describe, expect, it } from 'vitest';
import { stepLine } from './sequence.js';
import { fitBeforeFollowing } from './fit.js';

describe('line helpers', () => {
  it('steps every integer that changed between two lines', () => {
    expect(stepLine('x[1] = a1', 'x[2] = a2')).toBe('x[3] = a3');
    expect(stepLine('case 08:', 'case 09:')).toBe('case 10:');
    expect(stepLine('f(10)', 'f(20)')).toBe('f(30)');
    expect(stepLine('a = 1', 'b = 2')).toBeNull();
    expect(stepLine('same', 'same')).toBeNull();
    expect(stepLine('f(1)', 'f(0)')).toBeNull();
  });

  it('fits insertions before the text that follows the cursor', () => {
    expect(fitBeforeFollowing('a, b)', ')')).toBe('a, b');
    expect(fitBeforeFollowing('x) + 1', ')')).toBe('x');
    expect(fitBeforeFollowing('line\nmore', ' rest')).toBe('line');
    expect(fitBeforeFollowing('anything', '')).toBe('anything');
  });
});
