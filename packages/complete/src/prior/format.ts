import { LANGUAGE_IDS, type LanguageId } from '@pairwise/protocol';
import type { PriorTables } from './tables.js';

/**
 * The prior file: `priors/<language>.bin.gz`, gzip of MAGIC, then unsigned LEB128 varints (and the
 * UTF-8 vocabulary). Sorted code lists are delta-coded, which is what makes them small; decoding is
 * one pass filling typed arrays.
 */
const MAGIC = 'PWPRIOR1';

export function priorFileName(language: LanguageId): string {
  return `${language}.bin.gz`;
}

export function encodePrior(tables: PriorTables): Uint8Array {
  const out = new VarintWriter();
  out.bytes(new TextEncoder().encode(MAGIC));
  out.text(tables.language);
  const nodes = tables.nodeTotal.length;
  for (const n of [tables.maxOrder, tables.vocabStart.length - 1, nodes, tables.predCode.length]) out.uint(n);
  // One separated blob decodes in one call; tokens never contain NUL (training skips such files).
  const vocabulary: string[] = [];
  for (let id = 0; id + 1 < tables.vocabStart.length; id++)
    vocabulary.push(tables.vocabText.slice(tables.vocabStart[id]!, tables.vocabStart[id + 1]!));
  out.text(vocabulary.join('\0'));
  for (const count of tables.unigram) out.uint(count);
  for (let node = 0; node < nodes; node++) {
    writeCodes(out, tables.childCode, tables.childStart[node]!, tables.childStart[node + 1]!, null);
    out.uint(tables.nodeTotal[node]!);
    out.uint(tables.nodeDistinct[node]!);
    writeCodes(out, tables.predCode, tables.predStart[node]!, tables.predStart[node + 1]!, tables.predCount);
  }
  return out.finish();
}

function writeCodes(out: VarintWriter, codes: Uint32Array, from: number, to: number, counts: Uint32Array | null): void {
  out.uint(to - from);
  let previous = 0;
  for (let i = from; i < to; i++) {
    out.uint(codes[i]! - previous);
    previous = codes[i]!;
    if (counts !== null) out.uint(counts[i]!);
  }
}

/** Decodes a prior file's contents (already gunzipped) for `language`; throws on anything else. */
export function decodePriorTables(language: LanguageId, bytes: Uint8Array): PriorTables {
  const input = new VarintReader(bytes);
  if (new TextDecoder().decode(input.bytes(MAGIC.length)) !== MAGIC) throw new Error('not a Pairwise prior file');
  const fileLanguage = input.text();
  if (fileLanguage !== language || !(LANGUAGE_IDS as readonly string[]).includes(fileLanguage)) {
    throw new Error(`prior file is for ${JSON.stringify(fileLanguage)}, expected ${language}`);
  }
  const [maxOrder, vocabulary, nodes, preds] = [input.uint(), input.uint(), input.uint(), input.uint()];
  const joined = input.text();
  const vocabStart = new Uint32Array(vocabulary + 1);
  let id = 0;
  let removed = 0;
  for (let i = joined.indexOf('\0'); i !== -1; i = joined.indexOf('\0', i + 1)) {
    if (id + 1 >= vocabulary) throw new Error('prior file is corrupt');
    vocabStart[++id] = i - removed++;
  }
  if (id + 1 !== vocabulary) throw new Error('prior file is corrupt');
  vocabStart[vocabulary] = joined.length - removed;
  const vocabText = joined.replaceAll('\0', '');
  const unigram = new Uint32Array(vocabulary * 2);
  let unigramTotal = 0;
  for (let code = 0; code < unigram.length; code++) {
    unigram[code] = input.uint();
    unigramTotal += unigram[code]!;
  }
  const trie = {
    childStart: new Uint32Array(nodes + 1),
    childCode: new Uint32Array(Math.max(0, nodes - 1)),
    predStart: new Uint32Array(nodes + 1),
    predCode: new Uint32Array(preds),
    predCount: new Uint32Array(preds),
    nodeTotal: new Uint32Array(nodes),
    nodeDistinct: new Uint32Array(nodes),
  };
  for (let node = 0; node < nodes; node++) {
    trie.childStart[node + 1] = readCodes(input, trie.childCode, trie.childStart[node]!, null);
    trie.nodeTotal[node] = input.uint();
    trie.nodeDistinct[node] = input.uint();
    trie.predStart[node + 1] = readCodes(input, trie.predCode, trie.predStart[node]!, trie.predCount);
  }
  if (!input.atEnd() || trie.childStart[nodes] !== trie.childCode.length || trie.predStart[nodes] !== preds) {
    throw new Error('prior file is truncated or corrupt');
  }
  return { language, maxOrder, vocabText, vocabStart, unigram, unigramTotal, ...trie };
}

/** Reads a delta-coded list into `codes` from `at`; returns where the list ends. */
function readCodes(input: VarintReader, codes: Uint32Array, at: number, counts: Uint32Array | null): number {
  const length = input.uint();
  if (at + length > codes.length) throw new Error('prior file is corrupt');
  let previous = 0;
  for (let i = at; i < at + length; i++) {
    previous += input.uint();
    codes[i] = previous;
    if (counts !== null) counts[i] = input.uint();
  }
  return at + length;
}

class VarintWriter {
  private buffer = new Uint8Array(1 << 20);
  private length = 0;

  uint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.byte((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.byte(v);
  }

  text(value: string): void {
    const encoded = new TextEncoder().encode(value);
    this.uint(encoded.length);
    this.bytes(encoded);
  }

  bytes(values: Uint8Array): void {
    for (const b of values) this.byte(b);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private byte(b: number): void {
    if (this.length === this.buffer.length) {
      const bigger = new Uint8Array(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.length++] = b;
  }
}

class VarintReader {
  private offset = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly input: Uint8Array) {}

  uint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= this.input.length) throw new Error('prior file is truncated');
      const b = this.input[this.offset++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
      if (scale > 2 ** 35) throw new Error('prior file is corrupt');
    }
  }

  text(): string {
    return this.decoder.decode(this.bytes(this.uint()));
  }

  bytes(length: number): Uint8Array {
    if (this.offset + length > this.input.length) throw new Error('prior file is truncated');
    const slice = this.input.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  atEnd(): boolean {
    return this.offset === this.input.length;
  }
}
