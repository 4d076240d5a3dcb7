import type { CursorContext } from './context.js';
import { closerAt } from './closer.js';
import type { Closer } from './closer.js';
import { collectLevels } from './matcher.js';
import { segmentEnd } from './ranker.js';
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

/**
 * Prior trust of the sources that do not come from the document. They share what the document
 * levels leave over; what they leave over in turn is mass on "nothing worth suggesting".
 */
const PRIOR = {
  keyword: 0.5,
  builtin: 0.4,
  member: 0.8,
  genericMember: 0.2,
  snippet: 0.05,
  inlineCloser: 0.6,
} as const;
/** Share of all mass taken by evidence that overrides the rest when present. */
const OVERRIDE = { sequence: 0.85, blockCloser: 0.7 } as const;
/** Added to the distinct-continuation count of a level when computing its escape probability. */
const ESCAPE_BIAS = 0.5;

export function gatherSources(ctx: CursorContext): Source[] {
  const levels = collectLevels(ctx);
  const closer = closerAt(ctx);
  const priors = priorSources(ctx, closer);
  const overrides = overrideSources(ctx, closer);
  const overrideShare = overrides.reduce((sum, s) => sum + s.lambda, 0);
  const rest = Math.max(0, 1 - overrideShare);
  // PPM-style blending: the longest matching context speaks first and escapes to shorter ones in
  // proportion to how undecided it is; the language tables get whatever all levels leave.
  let remaining = rest;
  const sources: Source[] = [];
  for (const level of [...levels].sort((a, b) => b.order - a.order)) {
    const escape = escapeProbability(level.continuations.map((c) => c.text));
    sources.push({ kind: 'document', order: level.order, lambda: remaining * (1 - escape), options: level.continuations });
    remaining *= escape;
  }
  const priorTotal = Math.max(1, priors.reduce((sum, s) => sum + s.lambda, 0));
  for (const prior of priors) sources.push({ ...prior, lambda: (remaining * prior.lambda) / priorTotal });
  return [...overrides, ...sources].filter((s) => s.options.length > 0 && s.lambda > 0);
}

/** PPM-C escape: many different next tokens after few occurrences means the context decides little. */
function escapeProbability(continuations: readonly string[]): number {
  const distinct = new Set(continuations.map((c) => c.slice(0, segmentEnd(c, 0)))).size + ESCAPE_BIAS;
  return distinct / (continuations.length + distinct);
}

function priorSources(ctx: CursorContext, closer: Closer | null): Source[] {
  const sources = tableSources(ctx);
  const snippets = matchingSnippets(ctx);
  if (snippets.length > 0) {
    sources.push({ kind: 'snippet', order: 0, lambda: PRIOR.snippet, options: snippets.map((s) => ({ text: s.text, weight: 1, label: s.label })) });
  }
  if (closer !== null && !closer.block) sources.push({ kind: 'closer', order: 0, lambda: PRIOR.inlineCloser, options: [{ text: closer.text, weight: 1 }] });
  return sources.filter((s) => s.options.length > 0);
}

function overrideSources(ctx: CursorContext, closer: Closer | null): Source[] {
  const sources: Source[] = [];
  const sequence = sequenceContinuation(ctx);
  if (sequence !== null) sources.push({ kind: 'sequence', order: 0, lambda: OVERRIDE.sequence, options: [{ text: sequence, weight: 1 }] });
  else if (closer?.block === true) {
    sources.push({ kind: 'closer', order: 0, lambda: OVERRIDE.blockCloser, options: [{ text: closer.text, weight: 1 }] });
  }
  return sources;
}

/** Keywords, builtins and known members that extend the word being typed. */
function tableSources(ctx: CursorContext): Source[] {
  const { table, word } = ctx;
  if (ctx.directive) return [tableSource('keyword', PRIOR.keyword, table.directives, word)];
  if (ctx.accessor !== null) {
    const known = knownMembers(ctx);
    const sources = [tableSource('member', PRIOR.member, known, word)];
    if (word !== '') sources.push(tableSource('member', PRIOR.genericMember, table.genericMembers, word));
    return sources;
  }
  if (word === '') return [];
  const keywords = ctx.statementStart ? [...table.statementKeywords, ...table.expressionKeywords] : table.expressionKeywords;
  return [tableSource('keyword', PRIOR.keyword, keywords, word), tableSource('builtin', PRIOR.builtin, table.builtins, word)];
}

function knownMembers(ctx: CursorContext): readonly string[] {
  const segments = ctx.receiver.split('.');
  for (let take = segments.length; take > 0; take--) {
    const key = segments.slice(segments.length - take).join('.');
    // hasOwn: receivers named `constructor` or `toString` must not find Object.prototype's.
    if (Object.hasOwn(ctx.table.members, key)) return ctx.table.members[key]!;
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
