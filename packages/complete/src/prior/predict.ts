import type { LanguageId } from '@pairwise/protocol';
import type { LanguagePrior, PriorContinuation } from '../prior.js';
import { isWordCode } from '../text.js';
import { ContextPath } from './distribution.js';
import { type NextSpacing, NEWLINE, spacingAfter, tokenize } from './tokens.js';
import { type PriorTables, UNKNOWN_ID, prefixRange, tokenCode, tokenId, tokenText, vocabularySize } from './tables.js';

/** Text before the word that is tokenized for the context: a few lines cover any n-gram order. */
const CONTEXT_CHARS = 400;
const MAX_WORD = 256;
/** Tokens the typed prefix could still become, taken from the whole vocabulary by frequency. */
const PREFIX_CANDIDATES = 8;
/** Each expanded continuation branches into at most this many next tokens... */
const BRANCHING = 3;
/** ...each at least this likely given the branch... */
const MIN_STEP = 0.04;
/** ...and only branches at least this likely overall are expanded, at most MAX_EXPANSIONS of them. */
const MIN_EXPAND = 0.04;
const MAX_EXPANSIONS = 16;
const MAX_TEXT = 120;

interface Branch {
  text: string;
  /** Probability of exactly this text being followed by something not expanded (yet). */
  weight: number;
  /** Context codes, nearest first. */
  readonly context: readonly number[];
  expanded: boolean;
}

/** A LanguagePrior backed by trained n-gram tables. */
export class NgramPrior implements LanguagePrior {
  private readonly newline: number;
  /** Share of all tokens that are spaced / unspaced, for prefix masses at the root. */
  private readonly spacedShare: number;

  constructor(private readonly tables: PriorTables) {
    this.newline = tokenCode(tokenId(tables, NEWLINE), false);
    let spaced = 0;
    for (let code = 1; code < tables.unigram.length; code += 2) spaced += tables.unigram[code]!;
    this.spacedShare = spaced / tables.unigramTotal;
  }

  get language(): LanguageId {
    return this.tables.language;
  }

  continuations(code: string, cursor: number, limit: number): PriorContinuation[] {
    let wordStart = cursor;
    while (wordStart > 0 && cursor - wordStart < MAX_WORD && isWordCode(code.charCodeAt(wordStart - 1))) wordStart--;
    const word = code.slice(wordStart, cursor);
    const before = code.slice(Math.max(0, wordStart - CONTEXT_CHARS), wordStart);
    const context = this.contextCodes(before, wordStart <= CONTEXT_CHARS);
    const branches = this.firstTokens(word, spacingAfter(before), context);
    this.expand(branches);
    return branches
      .filter((b) => b.text !== '' && b.weight > 1e-6)
      .sort((a, b) => b.weight - a.weight || (a.text < b.text ? -1 : 1))
      .slice(0, limit)
      .map((b) => ({ text: b.text, weight: Math.min(1, b.weight) }));
  }

  /** The last tokens before the word, nearest first; at the start of a file, NEWLINEs as in training. */
  private contextCodes(before: string, fileStart: boolean): number[] {
    const codes: number[] = [];
    tokenize(before, (text, spaced) => codes.push(tokenCode(tokenId(this.tables, text), spaced)));
    if (fileStart) while (codes.length < this.tables.maxOrder) codes.unshift(this.newline);
    return codes.slice(-this.tables.maxOrder).reverse();
  }

  /** Branches for the token at the cursor: completions of the typed word, or any next token. */
  private firstTokens(word: string, spacing: NextSpacing, context: readonly number[]): Branch[] {
    const path = new ContextPath(this.tables, context);
    if (word === '') {
      const keep = (code: number): boolean => code >> 1 !== UNKNOWN_ID && code !== this.newline && spacingAllows(spacing, code);
      const rootMass = spacing === 'either' ? 1 : spacing === 'spaced' ? this.spacedShare : 1 - this.spacedShare;
      const total = spacing === 'either' ? 1 : path.massOf(rootMass, (code) => spacingAllows(spacing, code));
      return this.branchesFrom(path, [...path.candidates(keep)], total, context, (code) => this.spelled(code, spacing === 'either'));
    }
    // A typed word is spaced exactly when whitespace on its line precedes it.
    const flag = spacing === 'spaced' ? 1 : 0;
    const [from, to] = prefixRange(this.tables, word);
    if (from === to) return [];
    const inRange = (code: number): boolean => (code & 1) === flag && code >> 1 >= from && code >> 1 < to;
    const candidates = path.candidates(inRange);
    let rootCount = 0;
    const frequent: number[] = [];
    for (let id = from; id < to; id++) {
      const count = this.tables.unigram[tokenCode(id, flag === 1)]!;
      rootCount += count;
      if (count > 0) insertByCount(frequent, tokenCode(id, flag === 1), this.tables.unigram);
    }
    for (const c of frequent) candidates.add(c);
    // A word outside the vocabulary may start the same way: unknown words spread like vocabulary types.
    const unknown = path.probability(tokenCode(UNKNOWN_ID, flag === 1)) * ((to - from) / vocabularySize(this.tables));
    const total = path.massOf(rootCount / this.tables.unigramTotal, inRange) + unknown;
    return this.branchesFrom(path, [...candidates], total, context, (c) => tokenText(this.tables, c >> 1).slice(word.length));
  }

  private branchesFrom(
    path: ContextPath,
    codes: number[],
    total: number,
    context: readonly number[],
    spell: (code: number) => string,
  ): Branch[] {
    if (total <= 0) return [];
    return codes
      .map((code) => ({ code, p: path.probability(code) / total }))
      .sort((a, b) => b.p - a.p || a.code - b.code)
      .slice(0, PREFIX_CANDIDATES)
      .map(({ code, p }) => ({ text: spell(code), weight: p, context: [code, ...context], expanded: false }));
  }

  /** Best first: the likeliest unexpanded branch grows by its likeliest next tokens. */
  private expand(branches: Branch[]): void {
    for (let step = 0; step < MAX_EXPANSIONS; step++) {
      let best: Branch | null = null;
      for (const b of branches) if (!b.expanded && b.weight >= MIN_EXPAND && (best === null || b.weight > best.weight)) best = b;
      if (best === null) return;
      best.expanded = true;
      if (best.text.length >= MAX_TEXT) continue;
      const path = new ContextPath(this.tables, best.context.slice(0, this.tables.maxOrder));
      const keep = (code: number): boolean => code >> 1 !== UNKNOWN_ID && code !== this.newline;
      const next = [...path.candidates(keep)]
        .map((code) => ({ code, p: path.probability(code) }))
        .filter((n) => n.p >= MIN_STEP)
        .sort((a, b) => b.p - a.p || a.code - b.code)
        .slice(0, BRANCHING);
      const parentWeight = best.weight;
      for (const n of next) {
        // What the parent keeps is the chance the text stops there or goes on in a way not expanded.
        best.weight = Math.max(0, best.weight - parentWeight * n.p);
        branches.push({
          text: best.text + this.spelled(n.code, true),
          weight: parentWeight * n.p,
          context: [n.code, ...best.context],
          expanded: false,
        });
      }
    }
  }

  private spelled(code: number, withSpace: boolean): string {
    const text = tokenText(this.tables, code >> 1);
    return withSpace && (code & 1) === 1 ? ` ${text}` : text;
  }
}

function spacingAllows(spacing: NextSpacing, code: number): boolean {
  if (spacing === 'either') return true;
  return (code & 1) === (spacing === 'spaced' ? 1 : 0);
}

/** Keeps `codes` as the PREFIX_CANDIDATES most frequent, most frequent first. */
function insertByCount(codes: number[], code: number, counts: Uint32Array): void {
  const count = counts[code]!;
  if (codes.length === PREFIX_CANDIDATES && counts[codes[codes.length - 1]!]! >= count) return;
  let at = codes.length;
  while (at > 0 && counts[codes[at - 1]!]! < count) at--;
  codes.splice(at, 0, code);
  if (codes.length > PREFIX_CANDIDATES) codes.pop();
}
