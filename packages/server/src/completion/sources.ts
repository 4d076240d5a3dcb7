import type { CursorContext } from './context.js';
import { closerAt } from './closer.js';
import { collectLevels } from './matcher.js';
import { sequenceContinuation } from './sequence.js';
import { matchingSnippets } from './snippets.js';

export type SourceKind = 'document' | 'keyword' | 'builtin' | 'member' | 'snippet' | 'closer' | 'sequence';

/** One possible insertion with its weight inside its source. */
export interface Option {
  readonly text: string;
  readonly weight: number;
  readonly label?: string;
}

/**
 * A body of evidence about what follows the cursor. `lambda` is how much the source is trusted
 * relative to the others; option weights only compare options within the source.
 */
export interface Source {
  readonly kind: SourceKind;
  /** Context order for document sources, 0 otherwise. */
  readonly order: number;
  readonly lambda: number;
  readonly options: readonly Option[];
}

// Trust grows with context length: a repeated 6-token context almost always continues the same way.
const LEVEL_BASE = 1.8;
const MAX_LEVEL_EXPONENT = 8;
const LAMBDA = {
  keyword: 0.5,
  builtin: 0.4,
  member: 1.5,
  genericMember: 0.25,
  snippet: 0.05,
  inlineCloser: 0.35,
  blockCloser: 3,
  sequence: 24,
} as const;

export function gatherSources(ctx: CursorContext): Source[] {
  const sources: Source[] = collectLevels(ctx).map((level) => ({
    kind: 'document',
    order: level.order,
    lambda: LEVEL_BASE ** Math.min(level.order, MAX_LEVEL_EXPONENT) * (level.continuations.length / (level.continuations.length + 1)),
    options: level.continuations,
  }));
  sources.push(...tableSources(ctx));
  const snippets = matchingSnippets(ctx);
  if (snippets.length > 0) {
    sources.push({ kind: 'snippet', order: 0, lambda: LAMBDA.snippet, options: snippets.map((s) => ({ text: s.text, weight: 1, label: s.label })) });
  }
  const closer = closerAt(ctx);
  if (closer !== null) {
    const lambda = closer.block ? LAMBDA.blockCloser : LAMBDA.inlineCloser;
    sources.push({ kind: 'closer', order: 0, lambda, options: [{ text: closer.text, weight: 1 }] });
  }
  const sequence = sequenceContinuation(ctx);
  if (sequence !== null) sources.push({ kind: 'sequence', order: 0, lambda: LAMBDA.sequence, options: [{ text: sequence, weight: 1 }] });
  return sources.filter((s) => s.options.length > 0);
}

/** Keywords, builtins and known members that extend the word being typed. */
function tableSources(ctx: CursorContext): Source[] {
  const { table, word } = ctx;
  if (ctx.directive) return [tableSource('keyword', LAMBDA.keyword, table.directives, word)];
  if (ctx.accessor !== null) {
    const known = knownMembers(ctx);
    const sources = [tableSource('member', LAMBDA.member, known, word)];
    if (word !== '') sources.push(tableSource('member', LAMBDA.genericMember, table.genericMembers, word));
    return sources;
  }
  if (word === '') return [];
  const keywords = ctx.statementStart ? [...table.statementKeywords, ...table.expressionKeywords] : table.expressionKeywords;
  return [tableSource('keyword', LAMBDA.keyword, keywords, word), tableSource('builtin', LAMBDA.builtin, table.builtins, word)];
}

function knownMembers(ctx: CursorContext): readonly string[] {
  const segments = ctx.receiver.split('.');
  for (let take = segments.length; take > 0; take--) {
    const members = ctx.table.members[segments.slice(segments.length - take).join('.')];
    if (members !== undefined) return members;
  }
  return [];
}

function tableSource(kind: SourceKind, lambda: number, entries: readonly string[], word: string): Source {
  const options: Option[] = [];
  entries.forEach((entry, rank) => {
    if (entry.length > word.length && entry.startsWith(word)) {
      options.push({ text: entry.slice(word.length), weight: 1 / (1 + rank * 0.15), label: entry.replace(/[(<]$/, '') });
    }
  });
  return { kind, order: 0, lambda, options: dedupe(options) };
}

function dedupe(options: Option[]): Option[] {
  const seen = new Set<string>();
  return options.filter((o) => !seen.has(o.text) && (seen.add(o.text), true));
}
