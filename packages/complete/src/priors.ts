import type { CursorContext } from './context.js';
import type { Closer } from './closer.js';
import { matchingSnippets } from './snippets.js';
import type { Option, Source, SourceKind } from './evidence.js';

/**
 * Sources that know the language rather than the document. Their lambdas here are relative: the
 * table sources split TABLE_TRUST between them, snippets and an inline closer add their own share,
 * and gatherSources scales the lot into whatever the document levels leave over.
 */
const TABLE_TRUST = 0.8;
const TABLE_WEIGHT = { keyword: 0.5, builtin: 0.4, member: 0.8 } as const;
/** Methods common on any value are a guess about an unknown receiver, so they never share TABLE_TRUST. */
const GENERIC_MEMBER_TRUST = 0.15;
const SNIPPET_TRUST = 0.05;
const INLINE_CLOSER_TRUST = 0.6;
/** Mid-string, the next keystroke is far more often more text than the closing quote. */
const STRING_CLOSER_TRUST = 0.25;
/** How fast a table entry's weight falls with its rank (tables list the most common first). */
const RANK_DECAY = 0.15;

export function priorSources(ctx: CursorContext, closer: Closer | null): Source[] {
  const sources: Source[] = [];
  const tables = tableSources(ctx).filter((s) => s.options.length > 0);
  const tableTotal = tables.reduce((sum, s) => sum + s.lambda, 0);
  for (const table of tables) sources.push({ ...table, lambda: (TABLE_TRUST * table.lambda) / tableTotal });
  if (ctx.accessor !== null && ctx.word !== '') {
    const generic = tableSource('member', GENERIC_MEMBER_TRUST, ctx.table.genericMembers, ctx.word);
    if (generic.options.length > 0) sources.push(generic);
  }
  const snippets = matchingSnippets(ctx);
  if (snippets.length > 0) {
    const options = snippets.map((s) => ({ text: s.text, weight: 1, label: s.label }));
    sources.push({ kind: 'snippet', order: 0, lambda: SNIPPET_TRUST, options });
  }
  if (closer !== null && !closer.block) {
    const lambda = closer.closesString ? STRING_CLOSER_TRUST : INLINE_CLOSER_TRUST;
    sources.push({ kind: 'closer', order: 0, lambda, options: [{ text: closer.text, weight: 1 }] });
  }
  return sources;
}

/** Keywords, builtins and known members that extend the word being typed. */
function tableSources(ctx: CursorContext): Source[] {
  const { table, word } = ctx;
  if (ctx.directive) return [tableSource('keyword', TABLE_WEIGHT.keyword, table.directives, word)];
  if (ctx.accessor !== null) return [tableSource('member', TABLE_WEIGHT.member, knownMembers(ctx), word)];
  if (word === '') return [];
  const keywords = ctx.statementStart ? [...table.statementKeywords, ...table.expressionKeywords] : table.expressionKeywords;
  return [tableSource('keyword', TABLE_WEIGHT.keyword, keywords, word), tableSource('builtin', TABLE_WEIGHT.builtin, table.builtins, word)];
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
  const seen = new Set<string>();
  entries.forEach((entry, rank) => {
    if (entry.length > word.length && entry.startsWith(word) && !seen.has(entry)) {
      seen.add(entry);
      options.push({ text: entry.slice(word.length), weight: 1 / (1 + rank * RANK_DECAY), label: entry.replace(/[(<]$/, '') });
    }
  });
  return { kind, order: 0, lambda, options };
}
