import type { LanguageId } from '@pairwise/protocol';
import { NEWLINE, tokenize } from './tokens.js';
import { type PriorTables, UNKNOWN_ID, tokenCode } from './tables.js';

export interface TrainingOptions {
  /** Longest context in tokens. */
  readonly maxOrder: number;
  /** At most this many distinct tokens; the rarer ones become UNKNOWN. */
  readonly vocabularySize: number;
  readonly minTokenCount: number;
  readonly maxTokenLength: number;
  /** A context (of one token or more) seen fewer times is dropped: this is what sizes the model. */
  readonly minContextCount: number;
  /** Next tokens kept per context, most frequent first, and how often each must have followed. */
  readonly maxPredictions: number;
  readonly minPredictionCount: number;
}

/**
 * Counts token n-grams over `texts` into a pruned suffix trie. Deterministic: the same texts in the
 * same order give the same tables (every sort has a total order).
 */
export function trainPrior(language: LanguageId, texts: Iterable<string>, options: TrainingOptions): PriorTables {
  const stream = readTokens(texts, options.maxOrder);
  const vocabulary = chooseVocabulary(stream, options);
  const codes = new Uint32Array(stream.ids.length);
  for (let i = 0; i < codes.length; i++) codes[i] = tokenCode(vocabulary.finalId[stream.ids[i]!]!, stream.spaced[i] === 1);
  const unigram = new Uint32Array(vocabulary.texts.length * 2);
  for (let i = options.maxOrder; i < codes.length; i++) unigram[codes[i]!]!++;
  const trie = buildTrie(codes, unigram, options);
  const vocabStart = new Uint32Array(vocabulary.texts.length + 1);
  for (let i = 0; i < vocabulary.texts.length; i++) vocabStart[i + 1] = vocabStart[i]! + vocabulary.texts[i]!.length;
  return {
    language,
    maxOrder: options.maxOrder,
    vocabText: vocabulary.texts.join(''),
    vocabStart,
    unigram,
    unigramTotal: codes.length - options.maxOrder,
    ...trie,
  };
}

interface TokenStream {
  /** Provisional ids, in order of first appearance. */
  readonly ids: Uint32Array;
  readonly spaced: Uint8Array;
  readonly texts: readonly string[];
  readonly counts: readonly number[];
}

/** Tokens of all texts, each text starting after `padding` NEWLINEs so early tokens have a context. */
function readTokens(texts: Iterable<string>, padding: number): TokenStream {
  const idOf = new Map<string, number>();
  const tokenTexts: string[] = [];
  const counts: number[] = [];
  let ids = new Uint32Array(1 << 16);
  let spaced = new Uint8Array(1 << 16);
  let length = 0;
  const push = (text: string, isSpaced: boolean): void => {
    let id = idOf.get(text);
    if (id === undefined) {
      id = tokenTexts.length;
      idOf.set(text, id);
      tokenTexts.push(text);
      counts.push(0);
    }
    counts[id]!++;
    if (length === ids.length) {
      ids = grow(ids, new Uint32Array(ids.length * 2));
      spaced = grow(spaced, new Uint8Array(spaced.length * 2));
    }
    ids[length] = id;
    spaced[length++] = isSpaced ? 1 : 0;
  };
  for (let i = 0; i < padding; i++) push(NEWLINE, false);
  for (const text of texts) {
    tokenize(text, push);
    for (let i = 0; i < padding; i++) push(NEWLINE, false);
  }
  return { ids: ids.subarray(0, length), spaced: spaced.subarray(0, length), texts: tokenTexts, counts };
}

function grow<T extends Uint32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

interface Vocabulary {
  /** Final vocabulary in UTF-16 order, UNKNOWN ('') first. */
  readonly texts: readonly string[];
  /** Provisional id -> final id. */
  readonly finalId: Uint32Array;
}

function chooseVocabulary(stream: TokenStream, options: TrainingOptions): Vocabulary {
  const candidates = stream.texts
    .map((text, id) => ({ text, id, count: stream.counts[id]! }))
    .filter((t) => t.count >= options.minTokenCount && t.text.length <= options.maxTokenLength && t.text !== '' && !t.text.includes('\0'))
    .sort((a, b) => b.count - a.count || compareText(a.text, b.text))
    .slice(0, options.vocabularySize - 1)
    .sort((a, b) => compareText(a.text, b.text));
  const finalId = new Uint32Array(stream.texts.length).fill(UNKNOWN_ID);
  candidates.forEach((t, index) => {
    finalId[t.id] = index + 1;
  });
  return { texts: ['', ...candidates.map((t) => t.text)], finalId };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Trie = Pick<PriorTables, 'childStart' | 'childCode' | 'predStart' | 'predCode' | 'predCount' | 'nodeTotal' | 'nodeDistinct'>;

/**
 * Positions sorted by their context read backwards (previous token, the one before...) make every
 * context one contiguous range, and its one-token-longer extensions consecutive sub-ranges: the
 * trie is read off the sorted order breadth first, without a map of contexts.
 */
function buildTrie(codes: Uint32Array, unigram: Uint32Array, options: TrainingOptions): Trie {
  const { maxOrder } = options;
  const positions = new Uint32Array(codes.length - maxOrder);
  for (let i = 0; i < positions.length; i++) positions[i] = i + maxOrder;
  positions.sort((p, q) => {
    for (let k = 1; k <= maxOrder; k++) {
      const d = codes[p - k]! - codes[q - k]!;
      if (d !== 0) return d;
    }
    return codes[p]! - codes[q]! || p - q;
  });
  const out = new TrieBuilder();
  // Breadth-first queue of [start, end, order] ranges of `positions`.
  const queue: number[] = [0, positions.length, 0];
  for (let head = 0; head < queue.length; head += 3) {
    const start = queue[head]!;
    const end = queue[head + 1]!;
    const order = queue[head + 2]!;
    const counts = order === 0 ? denseCounts(unigram) : nextCounts(codes, positions, start, end);
    out.addNode(end - start, counts, options);
    const children: number[] = [];
    if (order < maxOrder) {
      let groupStart = start;
      for (let i = start + 1; i <= end; i++) {
        const code = codes[positions[groupStart]! - order - 1]!;
        if (i < end && codes[positions[i]! - order - 1] === code) continue;
        if (i - groupStart >= options.minContextCount) {
          children.push(code);
          queue.push(groupStart, i, order + 1);
        }
        groupStart = i;
      }
    }
    out.addChildren(children);
  }
  return out.finish();
}

function denseCounts(unigram: Uint32Array): Map<number, number> {
  const counts = new Map<number, number>();
  unigram.forEach((count, code) => {
    if (count > 0) counts.set(code, count);
  });
  return counts;
}

function nextCounts(codes: Uint32Array, positions: Uint32Array, start: number, end: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = start; i < end; i++) {
    const code = codes[positions[i]!]!;
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return counts;
}

class TrieBuilder {
  private readonly childStart: number[] = [0];
  private readonly childCode: number[] = [];
  private readonly predStart: number[] = [0];
  private readonly predCode: number[] = [];
  private readonly predCount: number[] = [];
  private readonly nodeTotal: number[] = [];
  private readonly nodeDistinct: number[] = [];

  addNode(total: number, counts: ReadonlyMap<number, number>, options: TrainingOptions): void {
    const kept = [...counts]
      .filter(([, count]) => count >= options.minPredictionCount)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, options.maxPredictions)
      .sort((a, b) => a[0] - b[0]);
    for (const [code, count] of kept) {
      this.predCode.push(code);
      this.predCount.push(count);
    }
    this.predStart.push(this.predCode.length);
    this.nodeTotal.push(total);
    this.nodeDistinct.push(counts.size);
  }

  /** Children of the node added last, codes ascending (the order they were queued). */
  addChildren(codes: readonly number[]): void {
    for (const code of codes) this.childCode.push(code);
    this.childStart.push(this.childCode.length);
  }

  finish(): Trie {
    return {
      childStart: Uint32Array.from(this.childStart),
      childCode: Uint32Array.from(this.childCode),
      predStart: Uint32Array.from(this.predStart),
      predCode: Uint32Array.from(this.predCode),
      predCount: Uint32Array.from(this.predCount),
      nodeTotal: Uint32Array.from(this.nodeTotal),
      nodeDistinct: Uint32Array.from(this.nodeDistinct),
    };
  }
}
