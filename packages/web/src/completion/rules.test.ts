import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_LENGTH, ghostTextFor, skipReason } from './rules';

const at = (overrides: Partial<Parameters<typeof skipReason>[0]> = {}) =>
  skipReason({ documentLength: 100, hasSelection: false, lineSuffix: '', ...overrides });

describe('when to ask for a suggestion', () => {
  it('goes ahead at the end of a line, before whitespace or punctuation', () => {
    expect(at()).toBeNull();
    expect(at({ lineSuffix: '   ' })).toBeNull();
    expect(at({ lineSuffix: ')' })).toBeNull();
    expect(at({ lineSuffix: ' + x' })).toBeNull();
  });

  it('skips while there is a selection', () => {
    expect(at({ hasSelection: true })).toBe('selection');
  });

  it('skips inside a word (text directly after the cursor)', () => {
    expect(at({ lineSuffix: 'nt(x)' })).toBe('inside-word');
    expect(at({ lineSuffix: '_tail' })).toBe('inside-word');
    expect(at({ lineSuffix: 'é' })).toBe('inside-word');
  });

  it('skips documents over 1 MiB, but not one exactly at the limit', () => {
    expect(at({ documentLength: MAX_DOCUMENT_LENGTH + 1 })).toBe('huge-document');
    expect(at({ documentLength: MAX_DOCUMENT_LENGTH })).toBeNull();
  });
});

describe('ghost text', () => {
  it('keeps a multi-line suggestion at the end of a line', () => {
    expect(ghostTextFor('if x:\r\n    pass', '')).toBe('if x:\n    pass');
  });

  it('keeps only the first line when text follows the cursor', () => {
    expect(ghostTextFor('a, b):\n    pass', ')')).toBe('a, b):');
    expect(ghostTextFor('nt(', ')')).toBe('nt(');
  });
});
