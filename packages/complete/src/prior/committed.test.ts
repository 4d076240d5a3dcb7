import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { LanguageId } from '@pairwise/protocol';
import { describe, expect, it } from 'vitest';
import { completeLocally } from '../engine.js';
import { decodePrior, priorFileName } from './index.js';

/** The budget per language, compressed. */
const BUDGET_BYTES = 2_000_000;
const PRIORS = new URL('../../priors/', import.meta.url);
const LANGUAGES = Object.keys(JSON.parse(readFileSync(new URL('corpus.json', PRIORS), 'utf8')) as object).filter(
  (key) => key !== '$comment',
) as LanguageId[];

function committedPrior(language: LanguageId) {
  return decodePrior(language, gunzipSync(readFileSync(new URL(priorFileName(language), PRIORS))));
}

describe('committed priors', () => {
  it('exist for the five languages of issue 12', () => {
    expect([...LANGUAGES].sort()).toEqual(['cpp', 'java', 'javascript', 'python', 'typescript']);
  });

  it.each(LANGUAGES)('%s is within budget and decodes', (language) => {
    expect(statSync(new URL(priorFileName(language), PRIORS)).size).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(committedPrior(language).language).toBe(language);
  });

  it.each([
    ['java', 'class A {\n  void f() {\n    System.out.pri', 'ntln('],
    ['python', 'class A:\n    def __init__(se', 'lf'],
    ['python', 'pri', 'nt('],
  ] as const)('%s: %j gets %j in a fresh room', (language, code, expected) => {
    const answer = completeLocally({ code, cursorPosition: code.length, language }, committedPrior(language)).suggestion;
    expect(answer.startsWith(expected)).toBe(true);
  });
});
