import type { LanguageTable } from './tables/index.js';
import { lineStartOf } from './text.js';

export interface OpenBracket {
  readonly char: '(' | '[' | '{';
  readonly offset: number;
}

export interface BracketScan {
  /** Brackets still open at the cursor, outermost first. */
  readonly open: readonly OpenBracket[];
  /** Share of statement-like lines ending in `;`, to follow the document's semicolon style. */
  readonly semicolonRatio: number;
}

const CLOSE = { '(': ')', '[': ']', '{': '}' } as const;
const OPEN_OF: Readonly<Record<string, '(' | '[' | '{'>> = { ')': '(', ']': '[', '}': '{' };
// Comments and strings start with one of these in every supported language; other characters skip the checks.
const MAY_START_LITERAL = new Set(['"', "'", '`', '/', '#']);
// Brackets further back than this rarely decide what to close here, and the scan must stay cheap.
const SCAN_CHARS = 12_000;

export function closingOf(char: OpenBracket['char']): string {
  return CLOSE[char];
}

/**
 * Bracket stack at `cursor`, skipping strings and comments, scanning from `from` (a line start,
 * assumed to be code) or from a line start a bounded distance back.
 */
export function scanBrackets(code: string, cursor: number, table: LanguageTable, from?: number): BracketScan {
  // Never more than twice SCAN_CHARS, even inside one huge line (minified code).
  const floor = Math.max(0, cursor - 2 * SCAN_CHARS);
  const start = Math.max(floor, from ?? lineStartOf(code, Math.max(0, cursor - SCAN_CHARS)));
  const open: OpenBracket[] = [];
  let semicolonLines = 0;
  let statementLines = 0;
  let lastCode = '';
  let i = start;
  while (i < cursor) {
    const ch = code[i]!;
    if (ch === '\n') {
      if (lastCode === ';') semicolonLines++;
      if (lastCode === ';' || lastCode === ')') statementLines++;
      lastCode = '';
      i++;
      continue;
    }
    const skipped = MAY_START_LITERAL.has(ch) ? skipLiteral(code, i, cursor, table) : i;
    if (skipped !== i) {
      if (code[i] !== '/' && code[i] !== '#') lastCode = code[i]!;
      i = skipped;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') open.push({ char: ch, offset: i });
    else if (OPEN_OF[ch] !== undefined) {
      const match = open.findLastIndex((b) => b.char === OPEN_OF[ch]);
      if (match !== -1) open.length = match;
    }
    if (ch !== ' ' && ch !== '\t' && ch !== '\r') lastCode = ch;
    i++;
  }
  return { open, semicolonRatio: statementLines === 0 ? 0 : semicolonLines / statementLines };
}

/** Offset after the comment or string literal starting at `i`, or `i` when none starts there. */
function skipLiteral(code: string, i: number, limit: number, table: LanguageTable): number {
  if (table.lineComment !== null && code.startsWith(table.lineComment, i)) return endOfLine(code, i, limit);
  const block = table.blockComment;
  if (block !== null && code.startsWith(block[0], i)) {
    const end = code.indexOf(block[1], i + block[0].length);
    return end === -1 || end >= limit ? limit : end + block[1].length;
  }
  const ch = code[i];
  if (ch !== '"' && ch !== "'" && ch !== '`') return i;
  if (table.blocks === 'colon' && code.startsWith(ch.repeat(3), i)) {
    const end = code.indexOf(ch.repeat(3), i + 3);
    return end === -1 || end >= limit ? limit : end + 3;
  }
  return endOfString(code, i, limit, ch);
}

function endOfString(code: string, i: number, limit: number, quote: string): number {
  let j = i + 1;
  while (j < limit) {
    const c = code[j];
    if (c === '\\') j += 2;
    else if (c === quote) return j + 1;
    // Only template literals span lines; an unterminated quote ends with its line.
    else if (c === '\n' && quote !== '`') return j;
    else j++;
  }
  return limit;
}

function endOfLine(code: string, i: number, limit: number): number {
  const nl = code.indexOf('\n', i);
  return nl === -1 || nl >= limit ? limit : nl;
}
