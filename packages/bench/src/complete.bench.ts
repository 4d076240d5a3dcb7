/**
 * Completion quality benchmark: replays real source files as typing and counts the keystrokes the
 * local engine saves (typing rules in complete/simulate.ts), then measures latency on 5,000-line
 * documents with the cursor anywhere in them.
 *
 *   npm run bench:complete            (from the repository root)
 *   node packages/bench/dist/complete.bench.js [budgetChars=150000]
 *
 *   node packages/bench/dist/complete.bench.js [budgetChars=150000] [coldStartFiles=40]
 *   npm run bench:complete -- --quick   (30,000 characters per language, 12 cold-start files: about 3 minutes)
 *
 * Whole-file corpora: Python from /usr/lib/python3.11, JavaScript and TypeScript sources under
 * node_modules, Java from a JDK's src.zip (java.util), C++ from /usr/include/c++/12/bits.
 * Cold-start corpora (complete/cold-start.ts): files outside the learned priors' training corpus,
 * typed from their first definition. Every replay runs with and without the learned priors.
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { installedPriorsDir, LocalCompletionProvider, PriorStore } from '@pairwise/server';
import type { CompletionProvider } from '@pairwise/server';
import { COLD_START_CHARS, loadColdStartCorpora } from './complete/cold-start.js';
import { loadCorpora } from './complete/corpus.js';
import type { Corpus } from './complete/corpus.js';
import { alignColumns, formatTable, percentile } from './complete/report.js';
import type { Row } from './complete/report.js';
import { emptyStats, replayTyping } from './complete/simulate.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LARGE_FILE_LINES = 5_000;
const LARGE_FILE_QUERIES = 500;
const REPEATS = 3;

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const [budgetArg, coldArg] = process.argv.slice(2).filter((a) => a !== '--quick');
  const budgetChars = Number(budgetArg ?? (quick ? 30_000 : 150_000));
  const coldStartFiles = Number(coldArg ?? (quick ? 12 : 40));
  const corpora = loadCorpora(REPO_ROOT, { minChars: 1_500, maxChars: 40_000, budgetChars });
  const coldStart = loadColdStartCorpora(REPO_ROOT, coldStartFiles);
  const priors = new PriorStore(installedPriorsDir(), ({ language, err }) => {
    throw new Error(`the ${language} prior failed to load: ${String(err)}`);
  });
  const providers = { 'no prior': new LocalCompletionProvider(), prior: new LocalCompletionProvider(priors) };
  let started = performance.now();
  const coldRows: Row[] = [];
  for (const corpus of coldStart) {
    for (const [label, provider] of Object.entries(providers)) {
      const stats = emptyStats();
      for (const file of corpus.files) await replayTyping(provider, file.text, corpus.language, stats, file.range);
      coldRows.push({ language: `${corpus.language} (${label})`, files: corpus.files.length, stats });
    }
    console.error(`  cold start ${corpus.language}: ${corpus.files.length} files from ${corpus.origin}`);
  }
  const coldSeconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Cold start: ${COLD_START_CHARS} characters typed from each file's first definition, files outside the prior's corpus (${coldSeconds} s)`,
  );
  console.log(formatTable(coldRows));
  started = performance.now();
  const rows: Row[] = [];
  for (const corpus of corpora) {
    for (const [label, provider] of Object.entries(providers)) {
      const stats = emptyStats();
      for (const file of corpus.files) await replayTyping(provider, file.text, corpus.language, stats);
      rows.push({ language: `${corpus.language} (${label})`, files: corpus.files.length, stats });
    }
    console.error(`  whole files ${corpus.language}: ${corpus.files.length} files from ${corpus.origin}`);
  }
  console.log(`\nWhole-file typing replay (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  console.log(formatTable(rows));
  console.log(
    `\nLatency on ${LARGE_FILE_LINES}-line documents with the prior, cursor at ${LARGE_FILE_QUERIES} spread positions, rest of file present`,
  );
  const latencyRows = [['language', 'chars', 'p50 ms', 'p99 ms', 'max ms', `p99 best-of-${REPEATS} ms`]];
  for (const corpus of corpora) latencyRows.push(await largeFileLatency(providers.prior, corpus));
  console.log(alignColumns(latencyRows));
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`\nnode ${process.version}, ${cpus().length} CPUs, load average ${load}`);
}

/**
 * Each position is asked REPEATS times. The raw percentiles include whatever the machine was doing;
 * the best-of-REPEATS column is the engine's own cost, with other processes and GC pauses filtered out.
 */
async function largeFileLatency(provider: CompletionProvider, corpus: Corpus): Promise<string[]> {
  const code = largeDocument(corpus);
  const signal = new AbortController().signal;
  const raw: number[] = [];
  const best: number[] = [];
  for (let q = 0; q < LARGE_FILE_QUERIES; q++) {
    const cursorPosition = Math.floor(((q + 0.5) / LARGE_FILE_QUERIES) * code.length);
    let fastest = Infinity;
    for (let r = 0; r < REPEATS; r++) {
      const startedAt = performance.now();
      await provider.complete({ code, cursorPosition, language: corpus.language }, signal);
      const elapsed = performance.now() - startedAt;
      raw.push(elapsed);
      fastest = Math.min(fastest, elapsed);
    }
    best.push(fastest);
  }
  raw.sort((a, b) => a - b);
  best.sort((a, b) => a - b);
  const ms = (v: number): string => v.toFixed(3);
  return [
    corpus.language,
    String(code.length),
    ms(percentile(raw, 50)),
    ms(percentile(raw, 99)),
    ms(raw[raw.length - 1] ?? 0),
    ms(percentile(best, 99)),
  ];
}

/** The sampled files, repeated as needed, cut to exactly LARGE_FILE_LINES lines. */
function largeDocument(corpus: Corpus): string {
  const lines: string[] = [];
  while (lines.length < LARGE_FILE_LINES && corpus.files.length > 0) {
    for (const file of corpus.files) lines.push(...file.text.split('\n'));
  }
  return lines.slice(0, LARGE_FILE_LINES).join('\n');
}

await main();
