/**
 * Trains the completion engine's learned priors, one per language, from the code listed in
 * packages/complete/priors/corpus.json, and writes packages/complete/priors/<language>.bin.gz.
 *
 *   npm run train:complete [-- language...]
 *
 * Deterministic (same corpus, same bytes: gzip without timestamps, sorted inputs), so the committed
 * files can be checked by re-running. Each file is pruned to the byte budget by raising the minimum
 * count a context needs.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { encodePrior, priorFileName, trainPrior, type TrainingOptions } from '@pairwise/complete';
import { type LanguageId, isLanguageId } from '@pairwise/protocol';
import { type LanguageCorpus, readCorpus, readCorpusList } from './train/corpus-list.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PRIORS_DIR = fileURLToPath(new URL('../../complete/priors/', import.meta.url));
/** The budget is 2 MB compressed per language; the margin keeps retraining from crossing it. */
const BUDGET_BYTES = 1_950_000;
const BASE_OPTIONS: TrainingOptions = {
  maxOrder: 6,
  vocabularySize: 60_000,
  minTokenCount: 3,
  maxTokenLength: 48,
  minContextCount: 3,
  maxPredictions: 12,
  minPredictionCount: 2,
};

function main(): void {
  const asked = process.argv.slice(2);
  const list = readCorpusList(`${PRIORS_DIR}corpus.json`);
  const unknown = asked.filter((a) => !isLanguageId(a) || !list.has(a));
  if (unknown.length > 0) throw new Error(`no corpus for: ${unknown.join(', ')}; corpora: ${[...list.keys()].join(', ')}`);
  const languages = asked.length > 0 ? (asked as LanguageId[]) : [...list.keys()];
  for (const language of languages) trainLanguage(language, list.get(language)!);
}

function trainLanguage(language: LanguageId, corpus: LanguageCorpus): void {
  const started = performance.now();
  const texts = readCorpus(corpus, REPO_ROOT);
  const chars = texts.reduce((sum, t) => sum + t.text.length, 0);
  let options = BASE_OPTIONS;
  for (;;) {
    const tables = trainPrior(
      language,
      texts.map((t) => t.text),
      options,
    );
    const raw = encodePrior(tables);
    // Level 9 and no header timestamp (Node writes none): the same tables always give the same bytes.
    const file = gzipSync(raw, { level: 9 });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `${language}: ${texts.length} files, ${chars} chars; minContextCount ${options.minContextCount}: ${tables.nodeTotal.length} contexts, ` +
        `${tables.predCode.length} next-token counts, ${raw.length} bytes raw, ${file.length} gzipped (${seconds} s)`,
    );
    if (file.length <= BUDGET_BYTES) {
      writeFileSync(`${PRIORS_DIR}${priorFileName(language)}`, file);
      return;
    }
    options = { ...options, minContextCount: Math.ceil(options.minContextCount * 1.5) };
  }
}

main();
