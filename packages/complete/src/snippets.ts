import type { CursorContext } from './context.js';
import { leadingWhitespace, lineStartOf } from './text.js';

export interface SnippetMatch {
  readonly label: string;
  /** Insertion text, already indented for the cursor's line. */
  readonly text: string;
}

const INDENT_SCAN_LINES = 400;
const MIN_TRIGGER = 2;

/** Snippets whose body starts with what the line holds so far (after its indentation). */
export function matchingSnippets(ctx: CursorContext): SnippetMatch[] {
  if (ctx.after.trim() !== '') return [];
  const typed = ctx.beforeWord + ctx.word;
  if (typed.length < MIN_TRIGGER) return [];
  const matches = ctx.table.snippets.filter((s) => s.body.length > typed.length && s.body.startsWith(typed));
  if (matches.length === 0) return [];
  const unit = indentUnit(ctx);
  return matches.map((s) => ({ label: s.label, text: expand(s.body.slice(typed.length), ctx.indent, unit) }));
}

function expand(body: string, indent: string, unit: string): string {
  return body.replaceAll('\t', unit).replaceAll('\n', `\n${indent}`);
}

/**
 * The document's own indentation step (the smallest increase between consecutive lines), so
 * snippets match a file indented with 2 spaces or tabs; the language default otherwise.
 */
export function indentUnit(ctx: CursorContext): string {
  const { code } = ctx;
  let best: string | null = null;
  let end = ctx.lineStart;
  let below = '';
  for (let n = 0; n < INDENT_SCAN_LINES && end > 0; n++) {
    const start = lineStartOf(code, end - 1);
    const line = code.slice(start, end - 1);
    end = start;
    if (line.trim() === '') continue;
    const indent = leadingWhitespace(line);
    if (below.length > indent.length && below.startsWith(indent)) {
      const step = below.slice(indent.length);
      if (step.startsWith('\t')) return '\t';
      if (best === null || step.length < best.length) best = step;
    }
    below = indent;
  }
  return best !== null && best.length >= 2 ? best : ctx.table.defaultIndent;
}
