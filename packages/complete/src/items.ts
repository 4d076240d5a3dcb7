import type { CompletionItem, CompletionKind } from '@pairwise/protocol';
import type { CursorContext } from './context.js';
import { fitBeforeFollowing } from './fit.js';
import type { Ghost } from './ranker.js';
import type { Source, SourceKind } from './evidence.js';
import { wordRunLength } from './text.js';

const MAX_WORDS = 10;
const MAX_LINES = 3;
const MAX_ITEMS = 20;
const MAX_LABEL = 60;

/** The suggestion list: the ghost first, then words, whole lines, closers and snippets. */
export function buildItems(ctx: CursorContext, sources: readonly Source[], ghost: Ghost | null): CompletionItem[] {
  const items: CompletionItem[] = [];
  if (ghost !== null) items.push(ghostItem(ctx, ghost));
  items.push(...wordItems(ctx, sources), ...lineItems(ctx, sources));
  for (const source of sources) {
    if (source.kind === 'closer' || source.kind === 'sequence' || source.kind === 'snippet') {
      const kind: CompletionKind = source.kind === 'sequence' ? 'line' : source.kind;
      for (const o of source.options) items.push(item(o.text, o.label ?? labelFor(ctx, o.text), kind));
    }
  }
  return uniqueFitted(ctx, items).slice(0, MAX_ITEMS);
}

function ghostItem(ctx: CursorContext, ghost: Ghost): CompletionItem {
  return item(ghost.text, labelFor(ctx, ghost.text), ghostKind(ctx, ghost));
}

export function ghostKind(ctx: CursorContext, ghost: Ghost): CompletionKind {
  const kind = KIND_OF_SOURCE[ghost.dominant];
  if (kind !== null) return kind;
  return ghost.beyondWord ? 'line' : documentWordKind(ctx, ctx.word + ghost.text);
}

const KIND_OF_SOURCE: Readonly<Record<SourceKind, CompletionKind | null>> = {
  document: null,
  keyword: 'keyword',
  builtin: 'identifier',
  member: 'member',
  snippet: 'snippet',
  closer: 'closer',
  sequence: 'line',
};

/**
 * Whole words extending the one being typed, by trust-weighted frequency: the document's
 * word-level contexts (nearer occurrences weigh more) plus the language tables.
 */
function wordItems(ctx: CursorContext, sources: readonly Source[]): CompletionItem[] {
  if (ctx.word === '' && ctx.accessor === null) return [];
  const scores = new Map<string, { score: number; kind: CompletionKind; text: string }>();
  for (const source of sources) {
    if (source.kind === 'snippet' || source.kind === 'closer' || source.kind === 'sequence') continue;
    for (const o of source.options) {
      const text = source.kind === 'document' ? o.text.slice(0, wordRunLength(o.text, 0)) : o.text;
      if (text === '') continue;
      const label = o.label ?? ctx.word + text;
      const kind = KIND_OF_SOURCE[source.kind] ?? documentWordKind(ctx, label);
      // Keyed by the whole word so the document's `print` and the table's `print(` add up.
      const entry = scores.get(label) ?? { score: 0, kind, text };
      entry.score += source.lambda * o.weight;
      scores.set(label, entry);
    }
  }
  return [...scores.entries()]
    .sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_WORDS)
    .map(([label, e]) => item(e.text, label, e.kind));
}

/** Rest-of-line predictions from the longest matching contexts. */
function lineItems(ctx: CursorContext, sources: readonly Source[]): CompletionItem[] {
  const docs = sources.filter((s) => s.kind === 'document').sort((a, b) => b.order - a.order);
  const lines: string[] = [];
  for (const source of docs) {
    for (const o of source.options) {
      const wordEnd = wordRunLength(o.text, 0);
      if (o.text.trim() !== '' && o.text.length > wordEnd && !lines.includes(o.text)) lines.push(o.text);
      if (lines.length >= MAX_LINES) break;
    }
    if (lines.length >= MAX_LINES) break;
  }
  return lines.map((text) => item(text, labelFor(ctx, text), 'line'));
}

function documentWordKind(ctx: CursorContext, word: string): CompletionKind {
  if (ctx.accessor !== null) return 'member';
  return isKeyword(ctx, word) ? 'keyword' : 'identifier';
}

function isKeyword(ctx: CursorContext, word: string): boolean {
  const { table } = ctx;
  if (ctx.directive) return table.directives.includes(word);
  return table.statementKeywords.includes(word) || table.expressionKeywords.includes(word);
}

function labelFor(ctx: CursorContext, text: string): string {
  const firstLine = (ctx.beforeWord.slice(-MAX_LABEL) + ctx.word + text).split('\n')[0]!.trim();
  return firstLine.length > MAX_LABEL ? `${firstLine.slice(0, MAX_LABEL - 1)}…` : firstLine;
}

function item(text: string, label: string, kind: CompletionKind): CompletionItem {
  return { text, label, kind, source: 'local' };
}

function uniqueFitted(ctx: CursorContext, items: readonly CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  const result: CompletionItem[] = [];
  for (const candidate of items) {
    const text = fitBeforeFollowing(candidate.text, ctx.after);
    if (text.trim() === '' || seen.has(text)) continue;
    seen.add(text);
    result.push({ ...candidate, text });
  }
  return result;
}
