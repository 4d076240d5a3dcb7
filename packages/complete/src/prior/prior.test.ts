import { describe, expect, it } from 'vitest';
import { ContextPath } from './distribution.js';
import { decodePriorTables, encodePrior } from './format.js';
import { TINY_OPTIONS, tinyPrior } from './prior.testkit.js';
import { tokenCode, tokenId, tokenText } from './tables.js';
import { trainPrior } from './train.js';

const CORPUS = ['console.log(a)\nconsole.log(b)\nconsole.error(c)\n'];

describe('prior training', () => {
  const tables = trainPrior('javascript', CORPUS, TINY_OPTIONS);

  it('builds a sorted vocabulary with UNKNOWN first and counts every token', () => {
    const vocabulary = Array.from({ length: tables.vocabStart.length - 1 }, (_, id) => tokenText(tables, id));
    expect(vocabulary).toEqual(['', '\n', '(', ')', '.', 'a', 'b', 'c', 'console', 'error', 'log']);
    const count = (text: string): number => tables.unigram[tokenCode(tokenId(tables, text), false)]!;
    expect([count('console'), count('.'), count('log'), count('error'), count('\n')]).toEqual([3, 3, 2, 1, 6]);
    // 21 tokens of text, then the 3 NEWLINEs that pad the end of every text.
    expect(tables.unigramTotal).toBe(24);
  });

  it('counts what followed each context, longest contexts deepest in the trie', () => {
    const node = (context: string[]): number => {
      let n = 0;
      for (const text of context) n = tables.childCode.indexOf(tokenCode(tokenId(tables, text), false), tables.childStart[n]!) + 1;
      return n;
    };
    const afterDot = node(['.']);
    expect([tables.nodeTotal[afterDot], tables.nodeDistinct[afterDot]]).toEqual([3, 2]);
    const afterConsoleDot = node(['.', 'console']);
    const kept = Array.from(tables.predCode.subarray(tables.predStart[afterConsoleDot]!, tables.predStart[afterConsoleDot + 1]!), (c) =>
      tokenText(tables, c >> 1),
    );
    expect(kept).toEqual(['error', 'log']);
  });

  it('is deterministic: the same corpus gives the same bytes', () => {
    expect(encodePrior(trainPrior('javascript', CORPUS, TINY_OPTIONS))).toEqual(encodePrior(tables));
  });

  it('round-trips through the file format', () => {
    expect(decodePriorTables('javascript', encodePrior(tables))).toEqual(tables);
  });

  it('refuses a file for another language, and a corrupt one', () => {
    const bytes = encodePrior(tables);
    expect(() => decodePriorTables('python', bytes)).toThrow(/for "javascript", expected python/);
    expect(() => decodePriorTables('javascript', bytes.subarray(0, bytes.length - 3))).toThrow(/truncated|corrupt/);
    expect(() => decodePriorTables('javascript', new Uint8Array([1, 2, 3]))).toThrow(/truncated|not a Pairwise prior/);
  });
});

describe('prior prediction', () => {
  const prior = tinyPrior('javascript', CORPUS);

  it('interpolates each context with the shorter ones (Witten-Bell)', () => {
    const tables = trainPrior('javascript', CORPUS, TINY_OPTIONS);
    const code = (text: string): number => tokenCode(tokenId(tables, text), false);
    // After `.`: log twice, error once (2 distinct) in 3; at the root, log is 2 of 24 tokens.
    const p1 = (2 + 2 * (2 / 24)) / (3 + 2);
    expect(new ContextPath(tables, [code('.')]).probability(code('log'))).toBeCloseTo(p1, 12);
    // `console .` saw the same, so it mixes the same counts with p1.
    expect(new ContextPath(tables, [code('.'), code('console')]).probability(code('log'))).toBeCloseTo((2 + 2 * p1) / 5, 12);
  });

  it('completes the word and continues it token by token, likeliest first', () => {
    const continuations = prior.continuations('cons', 4, 4);
    expect(continuations.map((c) => c.text)).toEqual(['ole.log(a)', 'ole.log(b)', 'ole.error(c)', 'ole.log(']);
    const mass = (prefix: string): number =>
      prior
        .continuations('cons', 4, 100)
        .filter((c) => c.text.startsWith(prefix))
        .reduce((sum, c) => sum + c.weight, 0);
    expect(mass('ole.log')).toBeGreaterThan(mass('ole.error'));
    expect(mass('ole')).toBeCloseTo(1, 6);
  });

  it('predicts the next tokens where no word is typed', () => {
    const texts = prior.continuations('console.log(a)\nconsole.', 24, 3).map((c) => c.text);
    expect(texts).toEqual(['log(a)', 'log(b)', 'error(c)']);
  });

  it('brings the space a spaced token needs, unless it is typed', () => {
    const spaced = tinyPrior('python', ['x = 1\ny = 2\n']);
    expect(spaced.continuations('x', 1, 1)[0]!.text).toBe(' = 1');
    expect(spaced.continuations('x ', 2, 1)[0]!.text).toBe('= 1');
  });

  it('suggests nothing for a word it never saw', () => {
    expect(prior.continuations('zebr', 4, 10)).toEqual([]);
  });
});
