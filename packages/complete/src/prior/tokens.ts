import { isHighSurrogate, isLowSurrogate, isSpaceCode, isWordCode } from '../text.js';

/**
 * The learned prior's tokens, the same units the ranker walks: a run of word characters or one
 * other character. Whitespace is not a token: a token records whether a space came before it on its
 * line, and a line break (with any indentation after it, which the editor inserts) is the token NEWLINE.
 */
export const NEWLINE = '\n';

export type TokenSink = (text: string, spaced: boolean) => void;

/** Emits the tokens of `text` in order. */
export function tokenize(text: string, emit: TokenSink): void {
  let pos = 0;
  let spaced = false;
  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    if (isSpaceCode(c)) {
      const start = pos;
      while (pos < text.length && isSpaceCode(text.charCodeAt(pos))) pos++;
      const gap = text.slice(start, pos);
      if (gap.includes('\n')) {
        emit(NEWLINE, false);
        spaced = false;
      } else {
        spaced = true;
      }
      continue;
    }
    const end = tokenEnd(text, pos, c);
    emit(text.slice(pos, end), spaced);
    spaced = false;
    pos = end;
  }
}

function tokenEnd(text: string, pos: number, c: number): number {
  if (isWordCode(c)) {
    let end = pos + 1;
    while (end < text.length && isWordCode(text.charCodeAt(end))) end++;
    return end;
  }
  return isHighSurrogate(c) && isLowSurrogate(text.charCodeAt(pos + 1)) ? pos + 2 : pos + 1;
}

/** How the token after `text` (which ends in whitespace or a token) must be spaced. */
export type NextSpacing = 'spaced' | 'unspaced' | 'either';

/**
 * After a space on the line the next token is a spaced one (its space already typed); at a line's
 * start it is unspaced; right after a token it may be either (the suggestion then brings the space).
 */
export function spacingAfter(text: string): NextSpacing {
  let i = text.length;
  while (i > 0 && isSpaceCode(text.charCodeAt(i - 1))) {
    if (text.charCodeAt(i - 1) === 10) return 'unspaced';
    i--;
  }
  if (i === 0) return 'unspaced';
  return i < text.length ? 'spaced' : 'either';
}
