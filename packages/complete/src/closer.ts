import type { CursorContext } from './context.js';
import { closingOf, scanBrackets } from './brackets.js';
import type { BracketScan, OpenBracket } from './brackets.js';
import { isWordCode, leadingWhitespace, lineEnd, lineStartOf } from './text.js';

export interface Closer {
  readonly text: string;
  /** Block closers on their own line are near certain; inline ones compete with the document. */
  readonly block: boolean;
  /** Closes a string the user may well still be typing. */
  readonly closesString: boolean;
}

const LONGEST_KEYWORD = 16;
const VALUE_END = /[\p{L}\p{N}_$'"`)\]}]/u;

/** Text closing what is open at the cursor: the brackets of this line, or the block this line dedents out of. */
export function closerAt(ctx: CursorContext): Closer | null {
  if (ctx.after.trim() !== '' && !/^[)\]}]/.test(ctx.after.trim())) return null;
  if (ctx.beforeWord === '' && ctx.word === '') {
    return ctx.table.blocks === 'brace' ? blockCloser(ctx, scanBrackets(ctx.code, ctx.cursor, ctx.table)) : null;
  }
  return inlineCloser(ctx);
}

function inlineCloser(ctx: CursorContext): Closer | null {
  const last = ctx.code[ctx.cursor - 1] ?? '';
  if (!VALUE_END.test(last)) return null;
  // The line alone decides whether anything is open on it; the wider scan runs only when needed.
  const line = scanBrackets(ctx.code, ctx.cursor, ctx.table, ctx.lineStart);
  if (line.inside?.kind === 'comment') return null;
  const lineOpen = line.open;
  // A string left open on this line closes first: `print("hi` → `")`.
  const quote = line.inside?.delimiter ?? '';
  if (lineOpen.length === 0 && quote === '') return null;
  const closing =
    quote +
    lineOpen
      .map((b) => closingOf(b.char))
      .reverse()
      .join('');
  const header = headerKeyword(ctx.code.slice(ctx.lineStart + ctx.indent.length, ctx.cursor), ctx);
  const closesString = quote !== '';
  if (ctx.table.blocks === 'colon') return { text: header ? `${closing}:` : closing, block: false, closesString };
  if (header) return { text: `${closing} {`, block: false, closesString };
  const scan = scanBrackets(ctx.code, ctx.cursor, ctx.table);
  const outer = scan.open[scan.open.length - lineOpen.length - 1];
  const statement = outer === undefined || outer.char === '{';
  return { text: statement && scan.semicolonRatio >= 0.5 ? `${closing};` : closing, block: false, closesString };
}

/** On a line holding only indentation, close the innermost `{` when the indentation is back at its line's. */
function blockCloser(ctx: CursorContext, scan: BracketScan): Closer | null {
  if (scan.inside !== null) return null;
  const inner = scan.open[scan.open.length - 1];
  if (inner === undefined || inner.char !== '{' || inner.offset >= ctx.lineStart) return null;
  const openerStart = lineStartOf(ctx.code, inner.offset);
  const openerLine = ctx.code.slice(openerStart, lineEnd(ctx.code, openerStart));
  const openerIndent = leadingWhitespace(openerLine);
  if (ctx.indent.length > openerIndent.length || !openerIndent.startsWith(ctx.indent)) return null;
  const sameLine = scan.open.filter((b) => b.offset >= openerStart);
  const closing = sameLine
    .map((b) => closingOf(b.char))
    .reverse()
    .join('');
  const terminator = needsTerminator(ctx, openerLine, sameLine, scan) ? ';' : '';
  return { text: openerIndent.slice(ctx.indent.length) + closing + terminator, block: true, closesString: false };
}

function needsTerminator(ctx: CursorContext, openerLine: string, sameLine: readonly OpenBracket[], scan: BracketScan): boolean {
  const first = openerLine.trim().split(/[^\w$]/)[0] ?? '';
  if (ctx.language === 'cpp' || ctx.language === 'c') {
    return /^(class|struct|enum|union)$/.test(first) || /\b(class|struct|enum)\b[^(]*\{\s*$/.test(openerLine);
  }
  if (scan.semicolonRatio < 0.5 || ctx.table.blockHeaders.includes(first)) return false;
  // `foo(() => {` and `x = {` end statements; `function f() {` and method bodies do not.
  return sameLine.length > 1 || /=\s*\{\s*$/.test(openerLine);
}

function headerKeyword(lineText: string, ctx: CursorContext): boolean {
  let end = 0;
  while (end < lineText.length && end <= LONGEST_KEYWORD && isWordCode(lineText.charCodeAt(end))) end++;
  const first = lineText.slice(0, end);
  return ctx.table.blockHeaders.includes(first) && !['else', 'try', 'do', 'finally'].includes(first);
}
