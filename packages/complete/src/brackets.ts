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
  /** The comment or string the cursor is inside, if any. */
  readonly inside: Literal | null;
}

export interface Literal {
  readonly kind: 'comment' | 'string';
  /** The quote that closes the string (`"`, `'''`…); '' for comments. */
  readonly delimiter: string;
  readonly end: number;
  readonly terminated: boolean;
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
  let inside: Literal | null = null;
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
    const literal = MAY_START_LITERAL.has(ch) ? literalAt(code, i, cursor, table) : null;
    if (literal !== null) {
      if (literal.kind === 'string') lastCode = ch;
      if (!literal.terminated && literal.end >= cursor) inside = literal;
      i = literal.end;
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
  return { open, semicolonRatio: statementLines === 0 ? 0 : semicolonLines / statementLines, inside };
}

/** The comment or string literal starting at `i`, or null when none starts there. */
function literalAt(code: string, i: number, limit: number, table: LanguageTable): Literal | null {
  if (table.lineComment !== null && code.startsWith(table.lineComment, i)) {
    const nl = code.indexOf('\n', i);
    const terminated = nl !== -1 && nl < limit;
    return { kind: 'comment', delimiter: '', end: terminated ? nl : limit, terminated };
  }
  const block = table.blockComment;
  if (block !== null && code.startsWith(block[0], i)) return delimited(code, i + block[0].length, limit, 'comment', block[1]);
  const ch = code[i]!;
  if (ch !== '"' && ch !== "'" && ch !== '`') return null;
  const triple = ch.repeat(3);
  if (table.blocks === 'colon' && code.startsWith(triple, i)) return delimited(code, i + 3, limit, 'string', triple);
  return quoted(code, i, limit, ch);
}

function delimited(code: string, from: number, limit: number, kind: Literal['kind'], closer: string): Literal {
  const end = code.indexOf(closer, from);
  const terminated = end !== -1 && end + closer.length <= limit;
  return { kind, delimiter: kind === 'string' ? closer : '', end: terminated ? end + closer.length : limit, terminated };
}

function quoted(code: string, i: number, limit: number, quote: string): Literal {
  let j = i + 1;
  while (j < limit) {
    const c = code[j];
    if (c === '\\') j += 2;
    else if (c === quote) return { kind: 'string', delimiter: quote, end: j + 1, terminated: true };
    // Only template literals span lines; an unterminated quote ends with its line.
    else if (c === '\n' && quote !== '`') return { kind: 'string', delimiter: quote, end: j, terminated: true };
    else j++;
  }
  return { kind: 'string', delimiter: quote, end: limit, terminated: false };
}
