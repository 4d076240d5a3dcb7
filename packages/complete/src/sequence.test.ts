import { describe, expect, it } from 'vitest';
import { stepLine } from './sequence.js';

describe('stepLine', () => {
  it('steps every integer that changed between two lines', () => {
    expect(stepLine('x[1] = a1', 'x[2] = a2')).toBe('x[3] = a3');
    expect(stepLine('case 08:', 'case 09:')).toBe('case 10:');
    expect(stepLine('f(10)', 'f(20)')).toBe('f(30)');
  });

  it('finds no sequence where lines differ otherwise or would step below zero', () => {
    expect(stepLine('a = 1', 'b = 2')).toBeNull();
    expect(stepLine('same', 'same')).toBeNull();
    expect(stepLine('f(1)', 'f(0)')).toBeNull();
  });
});
