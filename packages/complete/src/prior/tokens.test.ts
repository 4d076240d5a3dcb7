import { describe, expect, it } from 'vitest';
import { spacingAfter, tokenize } from './tokens.js';

function tokens(text: string): [string, boolean][] {
  const out: [string, boolean][] = [];
  tokenize(text, (t, spaced) => out.push([t, spaced]));
  return out;
}

describe('prior tokenizer', () => {
  it('splits words and single symbols, marking tokens a space precedes on their line', () => {
    expect(tokens('foo(bar, baz) ==x')).toEqual([
      ['foo', false],
      ['(', false],
      ['bar', false],
      [',', false],
      ['baz', true],
      [')', false],
      ['=', true],
      ['=', false],
      ['x', false],
    ]);
  });

  it('turns any line break with its indentation into one NEWLINE, after which nothing is spaced', () => {
    expect(tokens('a\n\n    b \n')).toEqual([
      ['a', false],
      ['\n', false],
      ['b', false],
      ['\n', false],
    ]);
  });

  it('keeps identifiers of any script and astral characters whole', () => {
    expect(tokens('größe😀x')).toEqual([
      ['größe', false],
      ['😀', false],
      ['x', false],
    ]);
  });

  it('says how the next token is spaced', () => {
    expect(spacingAfter('')).toBe('unspaced');
    expect(spacingAfter('x = ')).toBe('spaced');
    expect(spacingAfter('x =')).toBe('either');
    expect(spacingAfter('x\n    ')).toBe('unspaced');
  });
});
