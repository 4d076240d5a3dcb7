import type { LanguageId } from '@pairwise/protocol';
import { tableFor } from './tables/index.js';
import type { LanguageTable } from './tables/index.js';
import { isSpaceCode, isWordCode, leadingWhitespace, lineStartOf } from './text.js';

const MAX_WORD = 256;
/** Only the start of the text after the cursor decides how a suggestion must fit before it. */
const MAX_AFTER = 2_000;

export type Accessor = '.' | '->' | '::';

/** What the engine needs to know about the cursor's surroundings, computed once per request. */
export interface CursorContext {
  readonly code: string;
  readonly cursor: number;
  readonly language: LanguageId;
  readonly table: LanguageTable;
  /** Word characters immediately before the cursor: the word being typed. */
  readonly word: string;
  readonly wordStart: number;
  readonly lineStart: number;
  /** Leading whitespace of the cursor's line (up to the cursor at most). */
  readonly indent: string;
  /** Text of the line between its indentation and the word being typed. */
  readonly beforeWord: string;
  /** Rest of the line after the cursor, without the line break. */
  readonly after: string;
  readonly accessor: Accessor | null;
  /** Dotted chain before the accessor as written (`System.out`, `os.path`), '' when unknown. */
  readonly receiver: string;
  /** The word sits where a statement may begin, so statement keywords and snippets fit. */
  readonly statementStart: boolean;
  /** The word follows `#` at the start of a line (C preprocessor). */
  readonly directive: boolean;
}

export function analyzeCursor(code: string, cursor: number, language: LanguageId): CursorContext {
  const table = tableFor(language);
  let wordStart = cursor;
  // A "word" longer than any identifier is data (a hash, a base64 blob): only its tail matters.
  while (wordStart > 0 && cursor - wordStart < MAX_WORD && isWordCode(code.charCodeAt(wordStart - 1))) wordStart--;
  const lineStart = lineStartOf(code, wordStart);
  const indent = leadingWhitespace(code.slice(lineStart, Math.min(cursor, lineStart + MAX_AFTER)));
  const beforeWord = code.slice(lineStart + indent.length, wordStart);
  const accessor = accessorBefore(code, wordStart);
  return {
    code,
    cursor,
    language,
    table,
    word: code.slice(wordStart, cursor),
    wordStart,
    lineStart,
    indent,
    beforeWord,
    after: restOfLine(code, cursor),
    accessor,
    receiver: accessor === null ? '' : receiverBefore(code, wordStart - accessor.length),
    statementStart: isStatementStart(beforeWord, table),
    directive: beforeWord === '#',
  };
}

function restOfLine(code: string, cursor: number): string {
  const window = code.slice(cursor, cursor + MAX_AFTER);
  const newline = window.indexOf('\n');
  const line = newline === -1 ? window : window.slice(0, newline);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function accessorBefore(code: string, wordStart: number): Accessor | null {
  const prev = code[wordStart - 1];
  if (prev === '.') {
    // `1.5` and `..`/`...` are not member access.
    const before = code.charCodeAt(wordStart - 2);
    return code[wordStart - 2] === '.' || (before >= 48 && before <= 57 && !isWordCode(code.charCodeAt(wordStart - 3))) ? null : '.';
  }
  const two = code.slice(Math.max(0, wordStart - 2), wordStart);
  return two === '->' || two === '::' ? two : null;
}

/** Up to three dotted segments before `end`, e.g. `System.out` before `.println`. */
function receiverBefore(code: string, end: number): string {
  const segments: string[] = [];
  let pos = end;
  while (segments.length < 3) {
    let start = pos;
    while (start > 0 && pos - start < MAX_WORD && isWordCode(code.charCodeAt(start - 1))) start--;
    if (start === pos) break;
    segments.unshift(code.slice(start, pos));
    if (code[start - 1] !== '.') break;
    pos = start - 1;
  }
  return segments.join('.');
}

function isStatementStart(beforeWord: string, table: LanguageTable): boolean {
  let i = beforeWord.length - 1;
  while (i >= 0 && isSpaceCode(beforeWord.charCodeAt(i))) i--;
  if (i < 0) return true;
  return table.blocks === 'brace' && '{;}'.includes(beforeWord[i] ?? '');
}
