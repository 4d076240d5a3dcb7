import type { LanguageId } from '@pairwise/protocol';

/**
 * A trained prior as flat typed arrays, exactly what the file decodes to: no object per entry, so
 * a language loads in milliseconds and stays a few megabytes in memory.
 *
 * Tokens are vocabulary ids; a token *code* is `id * 2 + (spaced ? 1 : 0)`. Id 0 is UNKNOWN (the
 * empty string): every token outside the vocabulary. The contexts form a suffix trie: the root is
 * the empty context, a child of a node extends its context by one more token further back. Nodes
 * are numbered breadth first, so the children of every node, concatenated in node order, are nodes
 * 1, 2, 3...: child list entry j is node j + 1 and needs no pointer.
 */
export interface PriorTables {
  readonly language: LanguageId;
  /** The longest context, in tokens. */
  readonly maxOrder: number;
  /** The vocabulary sorted in UTF-16 order, so a typed prefix is one range of ids. */
  readonly vocabText: string;
  /** Token id i is `vocabText.slice(vocabStart[i], vocabStart[i + 1])`. */
  readonly vocabStart: Uint32Array;
  /** Occurrences of each token code in the training text. */
  readonly unigram: Uint32Array;
  readonly unigramTotal: number;
  /** Children of node n: `childCode[childStart[n] .. childStart[n + 1])`, codes ascending. */
  readonly childStart: Uint32Array;
  readonly childCode: Uint32Array;
  /** Kept next-token counts of node n: `predCode/predCount[predStart[n] .. predStart[n + 1])`, codes ascending. */
  readonly predStart: Uint32Array;
  readonly predCode: Uint32Array;
  readonly predCount: Uint32Array;
  /** How often the node's context occurred, and how many different tokens followed it (before pruning). */
  readonly nodeTotal: Uint32Array;
  readonly nodeDistinct: Uint32Array;
}

export const UNKNOWN_ID = 0;

export function tokenCode(id: number, spaced: boolean): number {
  return id * 2 + (spaced ? 1 : 0);
}

export function vocabularySize(tables: PriorTables): number {
  return tables.vocabStart.length - 1;
}

export function tokenText(tables: PriorTables, id: number): string {
  return tables.vocabText.slice(tables.vocabStart[id]!, tables.vocabStart[id + 1]!);
}

/** Id of `text`, or UNKNOWN_ID. */
export function tokenId(tables: PriorTables, text: string): number {
  let lo = 1;
  let hi = vocabularySize(tables) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const probe = tokenText(tables, mid);
    if (probe === text) return mid;
    if (probe < text) lo = mid + 1;
    else hi = mid - 1;
  }
  return UNKNOWN_ID;
}

/** The ids whose text starts with `prefix` (non-empty): `[from, to)`. */
export function prefixRange(tables: PriorTables, prefix: string): [number, number] {
  const size = vocabularySize(tables);
  const from = lowerBound(tables, prefix, 1, size);
  // Every token starting with `prefix` sorts before `prefix` followed by the highest code unit.
  const to = lowerBound(tables, `${prefix}\uffff`, from, size);
  return [from, to];
}

function lowerBound(tables: PriorTables, text: string, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokenText(tables, mid) < text) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Child of `node` for the context token `code`, or -1. */
export function childOf(tables: PriorTables, node: number, code: number): number {
  const index = findCode(tables.childCode, tables.childStart[node]!, tables.childStart[node + 1]!, code);
  return index === -1 ? -1 : index + 1;
}

/** Kept count of `code` after the context of `node` (0 when pruned or never seen). */
export function countAfter(tables: PriorTables, node: number, code: number): number {
  const index = findCode(tables.predCode, tables.predStart[node]!, tables.predStart[node + 1]!, code);
  return index === -1 ? 0 : tables.predCount[index]!;
}

function findCode(codes: Uint32Array, from: number, to: number, code: number): number {
  let lo = from;
  let hi = to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const probe = codes[mid]!;
    if (probe === code) return mid;
    if (probe < code) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
