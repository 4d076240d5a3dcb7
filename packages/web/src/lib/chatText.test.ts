import { describe, expect, it } from 'vitest';
import { chatRuns, fenceLanguage } from './chatText';

describe('chatRuns', () => {
  it('keeps plain text as one run, markup characters and all', () => {
    expect(chatRuns('a <b>bold</b> & "quoted" claim')).toEqual([{ kind: 'text', text: 'a <b>bold</b> & "quoted" claim' }]);
  });

  it('finds inline code between backticks', () => {
    expect(chatRuns('use `Array.from(x)` or `[...x]`.')).toEqual([
      { kind: 'text', text: 'use ' },
      { kind: 'code', text: 'Array.from(x)' },
      { kind: 'text', text: ' or ' },
      { kind: 'code', text: '[...x]' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('leaves an unmatched or empty backtick pair as text', () => {
    expect(chatRuns('a ` lone tick')).toEqual([{ kind: 'text', text: 'a ` lone tick' }]);
    expect(chatRuns('an empty `` pair')).toEqual([{ kind: 'text', text: 'an empty `` pair' }]);
    expect(chatRuns('no `code\nacross` lines')).toEqual([{ kind: 'text', text: 'no `code\nacross` lines' }]);
  });

  it('reads fenced blocks with and without a language tag', () => {
    expect(chatRuns('try:\n```py\nfor x in y:\n    print(x)\n```\nthen `y`')).toEqual([
      { kind: 'text', text: 'try:\n' },
      { kind: 'block', text: 'for x in y:\n    print(x)', language: 'py' },
      { kind: 'text', text: 'then ' },
      { kind: 'code', text: 'y' },
    ]);
    expect(chatRuns('```\nlet a = `b`;\n```')).toEqual([{ kind: 'block', text: 'let a = `b`;', language: null }]);
    expect(chatRuns('```x = 1```')).toEqual([{ kind: 'block', text: 'x = 1', language: null }]);
  });

  it('treats an unclosed fence as text', () => {
    expect(chatRuns('```js\nstill typing')).toEqual([{ kind: 'text', text: '```js\nstill typing' }]);
  });
});

describe('fenceLanguage', () => {
  it('maps tags and their common aliases to Monaco ids, else uses the room language', () => {
    expect(fenceLanguage('py', 'java')).toBe('python');
    expect(fenceLanguage('typescript', 'java')).toBe('typescript');
    expect(fenceLanguage('c++', 'java')).toBe('cpp');
    expect(fenceLanguage('brainfuck', 'java')).toBe('java');
    expect(fenceLanguage(null, 'go')).toBe('go');
  });
});
