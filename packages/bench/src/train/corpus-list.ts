import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { LANGUAGE_IDS, type LanguageId, isLanguageId } from '@pairwise/protocol';
import { filesUnder } from '../complete/files.js';
import { z } from 'zod';

/** The committed corpus list (packages/complete/priors/corpus.json), validated. */
const sourceSchema = z.union([
  z.strictObject({ dir: z.string().endsWith('/'), include: z.string().optional(), exclude: z.string().optional() }),
  z.strictObject({ zip: z.string(), include: z.string(), exclude: z.string().optional() }),
]);
const languageSchema = z.strictObject({
  budgetChars: z.number().int().positive(),
  sources: z.array(sourceSchema).min(1),
  /** [pattern, replacement] pairs applied to every text, e.g. to undo a library's reserved-name style. */
  rewrite: z.array(z.tuple([z.string(), z.string()])).optional(),
});
const corpusListSchema = z
  .object({ $comment: z.string().optional() })
  .catchall(languageSchema)
  .refine((list) => Object.keys(list).every((key) => key === '$comment' || isLanguageId(key)), {
    message: `keys are language ids: ${LANGUAGE_IDS.join(', ')}`,
  });

type Source = z.infer<typeof sourceSchema>;
export type LanguageCorpus = z.infer<typeof languageSchema>;

/** The languages that have a corpus, with it. */
export function readCorpusList(path: string): Map<LanguageId, LanguageCorpus> {
  const list = corpusListSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  return new Map(LANGUAGE_IDS.filter((id) => list[id] !== undefined).map((id) => [id, list[id]!]));
}

const MAX_FILE_CHARS = 600_000;

export interface TrainingText {
  readonly path: string;
  readonly text: string;
}

/**
 * The texts of one language: sources in the listed order, each whole while the budget allows; the
 * source that would overflow it is sampled evenly. Minified and huge files are skipped.
 */
export function readCorpus(corpus: LanguageCorpus, repoRoot: string): TrainingText[] {
  const texts: TrainingText[] = [];
  let budget = corpus.budgetChars;
  for (const source of corpus.sources) {
    if (budget <= 0) break;
    const files = listSource(source, repoRoot);
    const all = files.map((f) => ({ path: f.path, text: f.read().replaceAll('\r\n', '\n') })).filter((f) => usable(f.text));
    const size = all.reduce((sum, f) => sum + f.text.length, 0);
    const stride = size <= budget ? 1 : Math.ceil(size / budget);
    for (let i = 0; i < all.length && budget > 0; i += stride) {
      texts.push(all[i]!);
      budget -= all[i]!.text.length;
    }
  }
  const rewrites = (corpus.rewrite ?? []).map(([pattern, replacement]) => [new RegExp(pattern, 'g'), replacement] as const);
  return texts.map((t) => ({
    path: t.path,
    text: rewrites.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), t.text),
  }));
}

interface ListedFile {
  readonly path: string;
  read(): string;
}

function listSource(source: Source, repoRoot: string): ListedFile[] {
  const include = new RegExp(source.include ?? '');
  const exclude = source.exclude === undefined ? null : new RegExp(source.exclude);
  const wanted = (path: string): boolean => include.test(path) && (exclude === null || !exclude.test(path));
  if ('zip' in source) {
    if (!existsSync(source.zip)) throw new Error(`corpus zip ${source.zip} not found`);
    // One extraction instead of a process per entry: a JDK's src.zip has tens of thousands.
    const extracted = mkdtempSync(join(tmpdir(), 'pairwise-corpus-'));
    try {
      execFileSync('unzip', ['-q', source.zip, '-d', extracted]);
      return filesUnder(extracted, MAX_FILE_CHARS * 4)
        .map((path) => ({ path, entry: relative(extracted, path) }))
        .filter((f) => wanted(f.entry))
        .sort((a, b) => (a.entry < b.entry ? -1 : 1))
        .map((f) => {
          // Read now: the extraction is removed when this returns.
          const text = readFileSync(f.path, 'utf8');
          return { path: `${source.zip}!${f.entry}`, read: () => text };
        });
    } finally {
      rmSync(extracted, { recursive: true, force: true });
    }
  }
  const root = source.dir.startsWith('/') ? source.dir : join(repoRoot, source.dir);
  if (!existsSync(root)) throw new Error(`corpus directory ${root} not found`);
  return filesUnder(root, MAX_FILE_CHARS * 4)
    .filter(wanted)
    .sort()
    .map((path) => ({ path, read: () => readFileSync(path, 'utf8') }));
}

function usable(text: string): boolean {
  if (text.length === 0 || text.length > MAX_FILE_CHARS || text.includes('\0')) return false;
  const lines = text.split('\n').length;
  return text.length / lines <= 160;
}
